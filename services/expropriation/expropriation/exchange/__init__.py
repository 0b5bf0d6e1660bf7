"""The files caseworkers exchange with the service: roster imports and settlement sheets (Excel/WPS, print)."""
