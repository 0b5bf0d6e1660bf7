"""Validated identifiers: 身份证号 (GB 11643) and 统一社会信用代码 (GB 32100).

python-stdnum does the arithmetic (check digit, birth date, the GB/T 2260 table); these functions add the rules of
this domain and adapt them to pydantic with Chinese messages and a machine-readable error type.

Why not ``stdnum.cn.ric.validate``: it also requires the area code to have existed in the holder's birth year. An
area code names the division where the number was first *assigned*, often decades after birth: every 柯城区
(330802, created 1985) resident born before 1985 holds a 330802 number with a pre-1985 birth date. Those numbers
are valid, so the area code is checked only for being a known GB/T 2260 code of any year.
"""

import datetime as dt
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from qz_common import clock

# The oldest birth year read as a real one: anything earlier is a typing error, not a living (or recorded) person.
EARLIEST_BIRTH_YEAR = 1850


class UnknownAreaCode(InvalidComponent):
    """The first six digits are not a GB/T 2260 county-level code of any year."""


class ImpossibleBirthDate(InvalidComponent):
    """Digits 7–14 are not a calendar date, or one before ``EARLIEST_BIRTH_YEAR``."""


class BirthDateInFuture(InvalidComponent):
    """The birth date is after today in 衢州."""


# Most specific first: reason_in_chinese takes the first kind the error is an instance of.
_REASONS: dict[type[ValidationError], str] = {
    UnknownAreaCode: "行政区划代码不存在",
    ImpossibleBirthDate: "出生日期不是有效日期",
    BirthDateInFuture: "出生日期晚于今天",
    InvalidLength: "长度不正确",
    InvalidFormat: "含有不允许的字符",
    InvalidChecksum: "校验码不正确",
    InvalidComponent: "出生日期或行政区划代码无效",
}


def reason_in_chinese(exc: ValidationError) -> str:
    return next((text for kind, text in _REASONS.items() if isinstance(exc, kind)), "格式不正确")


# python-stdnum searches its table on every call, which profiled at a fifth of a batch quote (every member's
# number is checked); real numbers share a few thousand area codes at most.
@lru_cache(maxsize=4096)
def is_known_area_code(code: str) -> bool:
    """Whether ``code`` is a county-level GB/T 2260 code in python-stdnum's table, in any year."""
    parts = numdb.get("cn/loc").info(code)
    return any("county" in properties for _, properties in parts)


def compact_id_number(value: str) -> str:
    """``stdnum.cn.ric.compact(value)``, without its cost when there is nothing to compact.

    python-stdnum maps look-alike Unicode characters (full-width digits, dashes) one character at a time, ~8 µs a
    number and, through ``get_birth_date``, twice per check: most of a quote's request validation. Eighteen ASCII
    letters and digits contain none of them, so such a number compacts to itself in upper case.
    """
    if len(value) == 18 and value.isascii() and value.isalnum():
        return value.upper()
    return ric.compact(value)


def birth_date(id_number: str) -> dt.date:
    """The birth date in digits 7–14 (``YYYYMMDD``, GB 11643) of a number ``check_id_number`` returned.

    ``ValueError`` if those digits are not a date. (``ric.get_birth_date`` reads the same digits after compacting
    the number again.)
    """
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def check_id_number(value: str, today: dt.date | None = None) -> str:
    """The 身份证号 in canonical form (upper-case X), or a ``stdnum`` ``ValidationError`` saying what is wrong.

    Checked: 18 characters, 17 digits and a check character (X allowed) that matches, a real birth date not after
    ``today`` (衢州 date by default), and an area code that GB/T 2260 knows in any year.
    """
    number = compact_id_number(value)
    if len(number) != 18:
        raise InvalidLength()
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        raise InvalidFormat()
    if number[17] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    try:
        born = birth_date(number)
    except ValueError:
        raise ImpossibleBirthDate() from None
    if born.year < EARLIEST_BIRTH_YEAR:
        raise ImpossibleBirthDate()
    if born > (today or clock.today()):
        raise BirthDateInFuture()
    if not is_known_area_code(number[:6]):
        raise UnknownAreaCode()
    return number


def validate_id_number(value: str) -> str:
    try:
        return check_id_number(value)
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


IdNumber = Annotated[str, AfterValidator(validate_id_number)]
USCC = Annotated[str, AfterValidator(validate_uscc)]
