"""Large answers (a project's batch quote or settlement sheet): made whole before they are sent, without being held.

The body is written to a spooled temporary file (in memory up to ``IN_MEMORY`` bytes, on disk beyond) as it is made,
then sent from there a chunk at a time. Made before it is sent, the answer keeps its status honest: a failure while
making it (the database gone) is a problem answer, not a 200 cut short. Held in a file, a 10,000-household answer
costs the service a chunk of memory, not the answer's size (issue 32).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator

from starlette.responses import StreamingResponse

IN_MEMORY = 1 << 20
_SEND = 64 << 10


class Spool:
    """A body being made: ``write`` text or bytes to it (a ``csv.writer`` can), then ``response`` sends it, with a
    ``before`` and an ``after`` known only once the body is made (a sheet's headings, an answer's totals)."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115  closed by the response

    def write(self, data: str | bytes) -> None:
        self._file.write(data.encode() if isinstance(data, str) else data)

    def response(
        self, media_type: str, *, before: bytes = b"", after: bytes = b"", headers: dict[str, str] | None = None
    ) -> StreamingResponse:
        length = len(before) + self._file.tell() + len(after)
        self._file.seek(0)
        sent = {**(headers or {}), "Content-Length": str(length)}
        return StreamingResponse(self._chunks(before, after), media_type=media_type, headers=sent)

    async def _chunks(self, before: bytes, after: bytes) -> AsyncIterator[bytes]:
        try:
            if before:
                yield before
            while chunk := self._file.read(_SEND):
                yield chunk
            if after:
                yield after
        finally:
            self._file.close()
