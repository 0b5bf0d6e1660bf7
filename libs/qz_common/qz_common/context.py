"""Per-request context (request id, trace parent, method and path) carried in contextvars."""

from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("qz_request_id", default=None)
_traceparent: ContextVar[str | None] = ContextVar("qz_traceparent", default=None)
_target: ContextVar[str | None] = ContextVar("qz_request_target", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def current_traceparent() -> str | None:
    return _traceparent.get()


def current_request_target() -> str | None:
    """``"POST /v1/agreements/7/events"``: what the request asked of the service (None outside a request)."""
    return _target.get()


def set_request_context(request_id: str, traceparent: str | None, target: str | None = None) -> None:
    _request_id.set(request_id)
    _traceparent.set(traceparent)
    _target.set(target)
