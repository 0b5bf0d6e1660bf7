"""Validated identifiers: 身份证号 (GB 11643) and 统一社会信用代码 (GB 32100).

Validation is delegated to python-stdnum; these types only adapt it to pydantic
with Chinese messages and a machine-readable error type.
"""

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

QUZHOU_AREA_PREFIX = "3308"  # GB/T 2260: 3308xx are the divisions of 衢州市


_REASONS: dict[type[ValidationError], str] = {
    InvalidLength: "长度不正确",
    InvalidFormat: "含有不允许的字符",
    InvalidChecksum: "校验码不正确",
    InvalidComponent: "出生日期或行政区划代码无效",
}


def reason_in_chinese(exc: ValidationError) -> str:
    return next((text for kind, text in _REASONS.items() if isinstance(exc, kind)), "格式不正确")


def validate_id_number(value: str) -> str:
    try:
        return str(ric.validate(value.strip().upper()))
    except ValidationError as exc:
        raise PydanticCustomError(
            "invalid_id_number", "身份证号无效：{reason}", {"reason": reason_in_chinese(exc)}
        ) from None


def validate_uscc(value: str) -> str:
    try:
        return str(uscc.validate(value.strip().upper()))
    except ValidationError as exc:
        raise PydanticCustomError(
            "invalid_uscc", "统一社会信用代码无效：{reason}", {"reason": reason_in_chinese(exc)}
        ) from None


def issued_in_quzhou(id_number: str) -> bool:
    """Whether a (valid) 身份证号 was issued by a 衢州 division (area code 3308xx)."""
    return id_number.startswith(QUZHOU_AREA_PREFIX)


IdNumber = Annotated[str, AfterValidator(validate_id_number)]
USCC = Annotated[str, AfterValidator(validate_uscc)]
