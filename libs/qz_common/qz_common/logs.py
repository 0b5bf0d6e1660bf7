"""Structured JSON logs, with 身份证号, mobile numbers and secrets sent as query parameters masked.

Masking is applied to every value of the line (message, exception, URL path, SQL parameter dump, ``extra``
fields, numbers included) before it is rendered as JSON, so escapes cannot split or hide a number.

It works on runs of digits, whatever stands around them: a number glued to letters (``ID330802…``), after a
newline or tab, or behind a country code (``+86``, ``86``, ``0086``) is masked all the same. Any run of 15 or
more digits (a 身份证号, with its X, or a card number) keeps only its first 3 and last 4; a mainland mobile
inside a shorter run loses its middle four digits.

A secret sent in a URL (``?api_key=…``, ``&access_token=…``) loses its value wherever ``name=value`` stands in a
line: the access log's query, a logged URL, an exception's message. A name is secret when, decoded and lower-cased
with everything but letters and digits dropped, it ends with one of ``SECRET_NAME_ENDINGS`` (``api_key``,
``X-Api-Key``, ``api%5Fkey``, ``access_token``, ``client_secret``, ``X-Amz-Signature``, ``password``, …); its value,
up to the next ``&`` or white space (a query holds no white space), becomes ``***``.
"""

import json
import logging
import re
import sys
import time
from typing import Any
from urllib.parse import unquote_plus

from qz_common.context import current_request_id, current_traceparent

_DIGIT_RUN = re.compile(r"\d{11,}[Xx]?")
_LONG_RUN = 15  # 身份证号 (18), 15-digit first-generation 身份证号, bank cards
_MOBILE = re.compile(r"1[3-9]\d{9}")  # mainland mobile: 11 digits starting 13–19
# A mobile written in groups: 139 1234 5678, 139-1234-5678.
_GROUPED_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d[ -])\d{4}([ -]\d{4})(?!\d)")

_STANDARD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

SECRET_NAME_ENDINGS = (
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "signature",
    "sig",
    "credential",
    "credentials",
    "assertion",
    "auth",
    "authorization",
    "jwt",
    "sessionid",
)
# ``name=`` wherever it stands; the value is looked at, not consumed, so a parameter inside another's value (a URL
# logged as ``next=/x?token=…``) is found too.
_PARAMETER = re.compile(r"([\w.%+\-\[\]]+)=(?=([^&\s]*))")
_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]")
MASKED_SECRET = "***"


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


def is_secret_name(name: str) -> bool:
    return _NOT_LETTER_OR_DIGIT.sub("", unquote_plus(name).lower()).endswith(SECRET_NAME_ENDINGS)


def mask_secrets(text: str) -> str:
    """``text`` with the value of every secret-looking ``name=value`` replaced by ``***``."""
    if "=" not in text:
        return text
    kept: list[str] = []
    done = 0
    for parameter in _PARAMETER.finditer(text):
        value = parameter.group(2)
        if parameter.start() < done or not value or not is_secret_name(parameter.group(1)):
            continue
        kept += [text[done : parameter.end()], MASKED_SECRET]
        done = parameter.end() + len(value)
    return "".join(kept) + text[done:]


def mask_pii(text: str) -> str:
    """Mask 身份证号 to ``330***********123X`` and mobiles to ``138****5678``, wherever they stand."""
    text = _GROUPED_MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _DIGIT_RUN.sub(_mask_run, text)


def _masked(value: Any) -> Any:
    """``value`` with every string masked; numbers that mask differently (a mobile logged as an int) become text."""
    if isinstance(value, str):
        return mask_pii(mask_secrets(value))
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
