"""Structured JSON logs, with 身份证号 and mobile numbers masked.

Masking is applied to every value of the line (message, exception, URL path, SQL parameter dump, ``extra``
fields, numbers included) before it is rendered as JSON, so escapes cannot split or hide a number.

It works on runs of digits, whatever stands around them: a number glued to letters (``ID330802…``), after a
newline or tab, or behind a country code (``+86``, ``86``, ``0086``) is masked all the same. Any run of 15 or
more digits (a 身份证号, with its X, or a card number) keeps only its first 3 and last 4; a mainland mobile
inside a shorter run loses its middle four digits.
"""

import json
import logging
import re
import sys
import time
from typing import Any

from qz_common.context import current_request_id, current_traceparent

_DIGIT_RUN = re.compile(r"\d{11,}[Xx]?")
_LONG_RUN = 15  # 身份证号 (18), 15-digit first-generation 身份证号, bank cards
_MOBILE = re.compile(r"1[3-9]\d{9}")  # mainland mobile: 11 digits starting 13–19
# A mobile written in groups: 139 1234 5678, 139-1234-5678.
_GROUPED_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d[ -])\d{4}([ -]\d{4})(?!\d)")

_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def _mask_run(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) >= _LONG_RUN:
        return run[:3] + "*" * (len(run) - 7) + run[-4:]
    # 11–14 digits: a mobile, maybe behind 86 or glued to other digits; mask every mobile-shaped window
    masked = list(run)
    for start in range(len(run) - 10):
        if _MOBILE.fullmatch(run, start, start + 11):
            masked[start + 3 : start + 7] = "****"
    return "".join(masked)


def mask_pii(text: str) -> str:
    """Mask 身份证号 to ``330***********123X`` and mobiles to ``138****5678``, wherever they stand."""
    text = _GROUPED_MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _DIGIT_RUN.sub(_mask_run, text)


def _masked(value: Any) -> Any:
    """``value`` with every string masked; numbers that mask differently (a mobile logged as an int) become text."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {str(k): _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_masked(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    text = mask_pii(str(value))
    return value if isinstance(value, int) and text == str(value) else text


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id  # masked with the rest: a client may choose its own, even a number
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        masked = _masked(entry)
        # The traceparent goes in as it is: the request middleware keeps one only in the W3C form (random hex
        # ids), which holds no personal data, and masking a digit run in it (about one in sixty) broke the trace.
        traceparent = current_traceparent()
        if traceparent:
            masked["traceparent"] = traceparent
        return json.dumps(masked, ensure_ascii=False)


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's own access log would print unmasked paths; the request middleware logs requests instead.
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = False
    # httpx logs every call at INFO; the request middleware already records ours.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
