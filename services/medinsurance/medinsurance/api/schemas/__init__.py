"""Request and response bodies of the medinsurance API, one module per router (shared pieces in ``common``)."""
