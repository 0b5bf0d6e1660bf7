"""Limits a request meets before any work is done: header size, body size, body read deadline.

Checked by the platform middleware (``qz_common.requests``) before authentication, routing and body parsing: a
declared ``Content-Length`` over the limit is refused at once, without reading a byte; a body without
one (chunked) is counted as it arrives and refused as soon as it passes the limit, so memory never holds more
than the limit; a body that trickles in slower than the read deadline is cut off (408) instead of holding a worker.
"""

import asyncio
import time
from dataclasses import dataclass

from starlette.responses import Response
from starlette.types import Message, Receive, Scope

from qz_common.errors import RETAINED_BODY_SCOPE_KEY, ProblemHTTPException, problem_response

# Small bodies are kept in the scope, so an error handler can name the offending field of a body already parsed.
RETAINED_BODY_MAX_BYTES = 64 * 1024


class BodyTooLarge(ProblemHTTPException):
    """Raised from ``receive`` while the body is read (FastAPI's body parsing passes HTTPExceptions on)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, "payload_too_large", f"请求体不得超过 {limit} 字节")


class BodyReadTimeout(ProblemHTTPException):
    def __init__(self, deadline_s: float) -> None:
        super().__init__(408, "body_read_timeout", f"请求体未能在 {deadline_s:g} 秒内传完")


@dataclass(frozen=True)
class RequestLimits:
    max_body_bytes: int
    max_header_bytes: int
    body_read_timeout_s: float

    def refusal(self, headers: list[tuple[bytes, bytes]]) -> Response | None:
        """The answer to a request whose headers already break a limit (before a byte of its body is read)."""
        header_bytes = sum(len(name) + len(value) + 4 for name, value in headers)  # ": " and CRLF per line
        if header_bytes > self.max_header_bytes:
            return problem_response(431, "headers_too_large", f"请求头合计不得超过 {self.max_header_bytes} 字节")
        declared = next((value for name, value in headers if name == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            if declared.isdigit():
                return problem_response(413, "payload_too_large", f"请求体不得超过 {self.max_body_bytes} 字节")
            return problem_response(400, "bad_request", "Content-Length 无效")
        return None

    def limited(self, scope: Scope, receive: Receive) -> Receive:
        """``receive``, counting the body as it arrives (413 past the limit) against one read deadline (408)."""
        received = 0
        deadline: float | None = None
        retained: list[bytes] = []

        async def limited_receive() -> Message:
            nonlocal received, deadline
            now = time.monotonic()
            deadline = deadline or now + self.body_read_timeout_s
            try:
                # asyncio.timeout, not wait_for: no task per receive (the body is usually in the buffer already)
                async with asyncio.timeout(max(deadline - now, 0.001)):
                    message = await receive()
            except TimeoutError:
                raise BodyReadTimeout(self.body_read_timeout_s) from None
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
                if received <= RETAINED_BODY_MAX_BYTES:
                    retained.append(chunk)
                    if not message.get("more_body", False):
                        scope[RETAINED_BODY_SCOPE_KEY] = b"".join(retained)
            return message

        return limited_receive
