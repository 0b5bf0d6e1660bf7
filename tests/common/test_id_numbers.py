"""身份证号: the area code names where the number was assigned, not a division that must have existed at birth.

Reference: ../shared/reference/codes.md. 柯城区 (330802) and most 衢州 codes date from 1985, 衢江区 (330803) from
2001, 江山市 (330881) from 1989; their residents born earlier hold those codes all the same.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from testkit import id_number

from qz_common.ids import (
    BirthDateInFuture,
    IdNumber,
    ImpossibleBirthDate,
    UnknownAreaCode,
    birth_date,
    check_id_number,
    compact_id_number,
)

QUZHOU_CODES = ("330802", "330803", "330822", "330824", "330825", "330881")
BIRTHS = (dt.date(1934, 2, 28), dt.date(1956, 11, 3), dt.date(1983, 7, 21), dt.date(2014, 1, 9))


class Holder(BaseModel):
    id_number: IdNumber


@pytest.mark.parametrize("area", QUZHOU_CODES)
@pytest.mark.parametrize("born", BIRTHS, ids=lambda d: f"{d.year}s")
def test_every_quzhou_code_is_accepted_whatever_the_birth_year(area: str, born: dt.date) -> None:
    number = id_number(area, born)
    assert check_id_number(number) == number
    assert Holder(id_number=number).id_number == number


def test_the_number_from_the_reference_is_valid() -> None:
    # codes.md: python-stdnum's ric.validate refuses it because 柯城区 was created in 1985
    assert check_id_number("330802195006151236") == "330802195006151236"


def test_a_lower_case_check_character_and_full_width_digits_are_canonicalised() -> None:
    number = next(n for n in (id_number("330802", dt.date(1950, 6, 15), s) for s in range(1000)) if n.endswith("X"))
    assert check_id_number(number.lower()) == number
    assert check_id_number("３３０８０２195006151236") == "330802195006151236"


# Eighteen characters drawn from what people type into the field: ASCII, full-width digits, look-alike dashes.
TYPED = st.text(alphabet="0123456789xX -\u3000\uff10\uff11\uff19\u2013\u2014aZ", min_size=16, max_size=20)


@given(TYPED | st.text(max_size=20))
def test_compacting_agrees_with_python_stdnum_on_any_text(text: str) -> None:
    assert compact_id_number(text) == ric.compact(text)


@pytest.mark.parametrize("born", BIRTHS, ids=lambda d: f"{d.year}s")
def test_the_birth_date_read_agrees_with_python_stdnum(born: dt.date) -> None:
    number = id_number("330802", born)
    assert birth_date(number) == ric.get_birth_date(number) == born


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("33080219500615123", InvalidLength),  # 17 characters
        ("3308021950061512345", InvalidLength),
        ("33080219500615A236", InvalidFormat),
        ("330802195006151237", InvalidChecksum),  # ...1236 is right (test above)
    ],
)
def test_malformed_numbers_are_refused(number: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        check_id_number(number)


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize("date_digits", ["19500230", "19501301", "19500001", "00000101", "18000101"])
def test_impossible_birth_dates_are_refused(date_digits: str) -> None:
    with pytest.raises(ImpossibleBirthDate):
        check_id_number(_with_check_digit(f"330802{date_digits}123"))


def test_a_birth_date_after_today_in_quzhou_is_refused_and_today_is_accepted() -> None:
    today = dt.date(2026, 3, 1)
    assert check_id_number(id_number("330802", today), today=today)
    with pytest.raises(BirthDateInFuture):
        check_id_number(id_number("330802", today + dt.timedelta(days=1)), today=today)


@pytest.mark.parametrize("area", ["330899", "999999", "000000"])
def test_unknown_area_codes_are_refused(area: str) -> None:
    # 330899 is a 市本级 code some systems use, not a GB/T 2260 code (codes.md)
    with pytest.raises(UnknownAreaCode):
        check_id_number(id_number(area, dt.date(1980, 1, 1)))


def test_a_retired_code_is_still_known() -> None:
    # 衢县 (330821) was abolished in 2001; its holders keep their numbers
    assert check_id_number(id_number("330821", dt.date(1960, 1, 1)))


def test_the_pydantic_error_names_the_reason_in_chinese() -> None:
    with pytest.raises(ValueError, match="行政区划代码不存在"):
        Holder(id_number=id_number("330899", dt.date(1980, 1, 1)))
    with pytest.raises(ValueError, match="出生日期晚于今天"):
        Holder(id_number=id_number("330802", dt.date(2999, 1, 1)))
