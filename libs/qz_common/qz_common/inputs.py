"""The strict base of every request body: what a client sends is either exactly understood or refused.

- Unknown fields are refused (``extra_forbidden``): a misspelt flag must not silently read as its default.
- Text anywhere in the body (fields, list items, object keys and values) refuses control characters (NUL, which
  PostgreSQL cannot store, escape sequences, DEL, C1 controls) and lone surrogates, which no database encoding
  accepts: a 422 ``control_character`` naming the field. Tab, line feed and carriage return stay allowed, as in
  XML 1.0, so free text (reasons, descriptions) may span lines.
- A negative zero (``-0``, ``-0.00``) is read as zero, so a ratio or an amount never comes back as ``-0.00``.

Services declare ``class Strict(StrictInput)`` in their ``api/schemas.py`` and derive every request model from it.
A body the service stored after accepting it is read back with ``read_back(Model, data)``: the text and zeros were
cleaned on the way in, so the scan is not repeated (it was half of reading a stored household).

The scan is a field validator without ``info``: pydantic builds a ``ValidationInfo`` for every call of a validator
that asks for one, which cost more than the scan itself (two fifths of validating a quote request). Whether a body
is being read back is therefore told by a context variable, not by the validation context.
"""

import datetime as dt
import math
import re
from contextvars import ContextVar
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

# Unicode's control characters (category Cc) but tab, line feed and carriage return; and the surrogates (Cs).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _refuse_controls(text: str) -> str:
    if found := _CONTROL.search(text):
        raise PydanticCustomError(
            "control_character", "不得包含控制字符（{character}）", {"character": f"U+{ord(found.group()):04X}"}
        )
    return text


# Values that hold no text and no signed zero, by exact type: most fields of a body, passed with one set lookup.
_WITHOUT_TEXT = frozenset({bool, int, type(None), dt.date, dt.datetime})


def _cleaned(value: Any) -> Any:
    if type(value) in _WITHOUT_TEXT:
        return value
    if isinstance(value, str):
        return _refuse_controls(value)
    if isinstance(value, int | dt.date | BaseModel):  # subclasses (an IntEnum) have no text of their own either
        return value  # nested models clean their own fields
    if isinstance(value, Decimal):
        return value.copy_abs() if value.is_zero() and value.is_signed() else value
    if isinstance(value, float):
        return 0.0 if value == 0 and math.copysign(1, value) < 0 else value
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(_cleaned(item) for item in value)
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value  # other types carry no text


_READING_BACK: ContextVar[bool] = ContextVar("qz_reading_back", default=False)
Model = TypeVar("Model", bound=BaseModel)


def read_back(model: type[Model], data: Any) -> Model:
    """``data`` this service stored after validating it as a request body, validated again without the text scan."""
    reading = _READING_BACK.set(True)
    try:
        return model.model_validate(data)
    finally:
        _READING_BACK.reset(reading)


class StrictInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters_and_negative_zero(cls, value: Any) -> Any:
        return value if _READING_BACK.get() else _cleaned(value)
