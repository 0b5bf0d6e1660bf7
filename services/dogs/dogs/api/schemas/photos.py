"""Bodies of the 三5 photos."""

import datetime as dt

from dogs.api.schemas.common import Out


class PhotoOut(Out):
    id: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: dt.datetime
