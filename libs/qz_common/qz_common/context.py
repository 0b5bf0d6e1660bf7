"""Per-request context (request id, trace context, method and path) carried in contextvars.

It also holds the headers a request's code wants on its answer whatever the answer turns out to be, a refusal
included (``set_response_header``): the request middleware (``qz_common.requests``) writes them out.
"""

import os
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TraceContext:
    """A request's place in a W3C trace (Trace Context, https://www.w3.org/TR/trace-context-2/).

    ``trace_id``: the caller's trace, or one this request starts; ``span_id``: this request's own span (the
    ``child-id`` of the ``traceresponse`` header, and the parent of the calls it makes); ``flags``: the trace flags.
    """

    trace_id: str
    span_id: str
    flags: str

    @classmethod
    def continuing(cls, traceparent: str | None) -> "TraceContext":
        """This request's span in the caller's trace (a valid ``traceparent``, see ``parse_traceparent``), or in a
        new trace. A new trace is flagged sampled, so the services a request calls trace it when they trace."""
        if traceparent is None:
            return cls(os.urandom(16).hex(), os.urandom(8).hex(), "01")
        return cls(traceparent[3:35], os.urandom(8).hex(), traceparent[53:55])

    def header(self, span_id: str | None = None) -> str:
        """``00-<trace-id>-<span-id>-<flags>``: this span's (the ``traceresponse``), or a child's (its traceparent)."""
        return f"00-{self.trace_id}-{span_id or self.span_id}-{self.flags}"


_HEX = frozenset("0123456789abcdef")


def parse_traceparent(value: str | None) -> str | None:
    """A caller's ``traceparent`` as version 00, or None when it is not one a receiver may use.

    Trace Context Level 2, 4.2 and 4.3: four dash-separated lower-case hex fields (2, 32, 16, 2 digits); version
    ``ff`` and an all-zero trace id or parent id are invalid. A later version may append fields after a dash: the
    first four are read and propagated as version 00. A malformed header is ignored, never refused.
    """
    if value is None or len(value) < 55 or (len(value) > 55 and (value[:2] == "00" or value[55] != "-")):
        return None
    version, trace_id, parent_id, flags = value[:2], value[3:35], value[36:52], value[53:55]
    if value[2] != "-" or value[35] != "-" or value[52] != "-" or version == "ff":
        return None
    if not _HEX.issuperset(version + trace_id + parent_id + flags):
        return None
    if trace_id == "0" * 32 or parent_id == "0" * 16:
        return None
    return f"00-{trace_id}-{parent_id}-{flags}"


_request_id: ContextVar[str | None] = ContextVar("qz_request_id", default=None)
_traceparent: ContextVar[str | None] = ContextVar("qz_traceparent", default=None)
_trace: ContextVar[TraceContext | None] = ContextVar("qz_trace", default=None)
_target: ContextVar[str | None] = ContextVar("qz_request_target", default=None)
_response_headers: ContextVar[dict[bytes, bytes] | None] = ContextVar("qz_response_headers", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def current_traceparent() -> str | None:
    """The caller's ``traceparent`` (version 00), None when it sent none or an invalid one."""
    return _traceparent.get()


def current_trace() -> TraceContext | None:
    """This request's trace context (None outside a request)."""
    return _trace.get()


def current_request_target() -> str | None:
    """``"POST /v1/agreements/7/events"``: what the request asked of the service (None outside a request)."""
    return _target.get()


def set_request_context(
    request_id: str, traceparent: str | None, target: str | None = None, trace: TraceContext | None = None
) -> None:
    _request_id.set(request_id)
    _traceparent.set(traceparent)
    _target.set(target)
    _trace.set(trace)


def set_response_header(name: str, value: str) -> None:
    """Put ``name: value`` on this request's answer, whatever it turns out to be (a refusal too), in place of a
    header of that name the answer has; a later call for the same name replaces it. Nothing outside a request."""
    headers = _response_headers.get()
    if headers is not None:
        headers[name.lower().encode("latin-1")] = value.encode("latin-1")


def add_response_link(link: str) -> None:
    """Add ``link`` (``<target>; rel="…"``) to this request's ``Link`` header: a list of links (RFC 8288 3), so
    the next page's link and a deprecation's stand side by side. Nothing outside a request."""
    headers = _response_headers.get()
    if headers is not None:
        before = headers.get(b"link")
        headers[b"link"] = link.encode("latin-1") if before is None else before + b", " + link.encode("latin-1")


def collect_response_headers(headers: dict[bytes, bytes]) -> Token[dict[bytes, bytes] | None]:
    """Start collecting this request's ``set_response_header`` calls into ``headers`` (the request middleware);
    returns the token ``stop_collecting_response_headers`` takes."""
    return _response_headers.set(headers)


def stop_collecting_response_headers(token: Token[dict[bytes, bytes] | None]) -> None:
    _response_headers.reset(token)
