"""Which file format an answer takes: ``?format=`` if given, else the first offered type the ``Accept`` header names.

Browsers and WPS follow links, where ``?format=xlsx`` is the simple way; API clients may send ``Accept`` instead.
"""

from fastapi import Request
from fastapi.responses import Response

PDF_MEDIA_TYPE = "application/pdf"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def negotiate(request: Request, requested: str | None, offered: dict[str, str]) -> str:
    """``offered`` maps format → media type, the default first."""
    if requested is not None:
        return requested
    accept = request.headers.get("accept", "")
    return next((fmt for fmt, media_type in offered.items() if media_type in accept), next(iter(offered)))


def disposition(filename: str) -> dict[str, str]:
    """The header that has a browser save the answer as ``filename``."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type, headers=disposition(filename))
