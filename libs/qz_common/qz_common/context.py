"""Per-request context (request id, trace parent) carried in contextvars."""

from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("qz_request_id", default=None)
_traceparent: ContextVar[str | None] = ContextVar("qz_traceparent", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def current_traceparent() -> str | None:
    return _traceparent.get()


def set_request_context(request_id: str, traceparent: str | None) -> None:
    _request_id.set(request_id)
    _traceparent.set(traceparent)
