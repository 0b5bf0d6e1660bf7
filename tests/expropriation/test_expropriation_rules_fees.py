"""三(四)6 临时安置费, 三(四)7 搬迁费, 三(四)8 奖励, 三(三)2(2) 房票有效期."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from expropriation.rules.fees import (
    add_months,
    early_vacate_rate,
    months_between,
    moving_fee,
    signed_in_time,
    temporary_fee,
    temporary_fee_monthly,
    voucher_last_valid_day,
    voucher_valid_on,
)
from expropriation.rules.params import CityParams
from expropriation.rules.types import FlatType, Method, RuleError


def test_temporary_monthly_floor_below_100m2(city: CityParams) -> None:
    assert temporary_fee_monthly(city, Decimal("99.99")) == Decimal("1000")


def test_temporary_monthly_at_100m2_exactly_1000(city: CityParams) -> None:
    assert temporary_fee_monthly(city, Decimal("100")) == Decimal("1000")


def test_temporary_monthly_above_100m2(city: CityParams) -> None:
    assert temporary_fee_monthly(city, Decimal("100.01")) == Decimal("1000.10")


@pytest.mark.parametrize(
    ("method", "months"), [(Method.MONETARY, 12), (Method.HOMESTEAD, 12), (Method.HOUSE_VOUCHER, 24)]
)
def test_temporary_fixed_months(city: CityParams, method: Method, months: int) -> None:
    fee = temporary_fee(city, method, Decimal("150"))
    assert fee.months == months
    assert fee.amount == Decimal("1500") * months


def test_temporary_swap_on_time_multi_storey(city: CityParams) -> None:
    fee = temporary_fee(city, Method.PROPERTY_SWAP, Decimal("150"), FlatType.MULTI_STOREY, 24)
    assert (fee.months, fee.doubled_months) == (30, 0)
    assert fee.amount == Decimal("1500") * 30


def test_temporary_swap_first_overdue_month_doubles(city: CityParams) -> None:
    fee = temporary_fee(city, Method.PROPERTY_SWAP, Decimal("150"), FlatType.MULTI_STOREY, 25)
    # the overdue month and the 6 months after the late delivery are doubled
    assert (fee.months, fee.doubled_months) == (31, 7)
    assert fee.amount == Decimal("1500") * 24 + Decimal("3000") * 7


def test_temporary_swap_overdue_reading_b(city: CityParams) -> None:
    b = dataclasses.replace(city, overdue_doubling_covers_post_delivery=False)
    fee = temporary_fee(b, Method.PROPERTY_SWAP, Decimal("150"), FlatType.MULTI_STOREY, 25)
    assert fee.doubled_months == 1
    assert fee.amount == Decimal("1500") * 30 + Decimal("3000")


def test_temporary_swap_high_rise_36_months(city: CityParams) -> None:
    assert temporary_fee(city, Method.PROPERTY_SWAP, Decimal("150"), FlatType.HIGH_RISE, 36).doubled_months == 0
    assert temporary_fee(city, Method.PROPERTY_SWAP, Decimal("150"), FlatType.HIGH_RISE, 37).doubled_months == 7


def test_temporary_swap_unknown_delivery_assumes_due(city: CityParams) -> None:
    fee = temporary_fee(city, Method.PROPERTY_SWAP, Decimal("50"), FlatType.HIGH_RISE, None)
    assert fee.months == 42
    assert fee.amount == Decimal("1000") * 42
    assert "assumed" in fee.inputs["delivery_months"]


def test_swap_delivered_in_the_moving_month_pays_the_six_months_after(city: CityParams) -> None:
    # "自搬迁之月起至被安置后6个月": delivery in the moving month (0 months) is lawful, not an error:
    # 0 + 6 = 6 months × 150 m² × 10 元 = 9000 元, nothing doubled
    fee = temporary_fee(city, Method.PROPERTY_SWAP, Decimal("150"), FlatType.MULTI_STOREY, 0)
    assert (fee.months, fee.doubled_months) == (6, 0)
    assert fee.amount == Decimal("9000")


def test_fixed_period_methods_double_nothing(city: CityParams) -> None:
    # 货币补偿 12 months, no 产权调换 delivery, so no 加倍 month
    fee = temporary_fee(city, Method.MONETARY, Decimal("150"))
    assert (fee.months, fee.doubled_months, fee.amount) == (12, 0, Decimal("18000"))


def test_temporary_swap_negative_months_refused(city: CityParams) -> None:
    with pytest.raises(RuleError):
        temporary_fee(city, Method.PROPERTY_SWAP, Decimal("50"), FlatType.HIGH_RISE, -1)


@pytest.mark.parametrize(
    ("method", "via", "amount"),
    [
        (Method.MONETARY, True, 3000),
        (Method.MONETARY, False, 3000),
        (Method.PROPERTY_SWAP, True, 6000),
        (Method.PROPERTY_SWAP, False, 3000),
        (Method.HOUSE_VOUCHER, True, 6000),
        (Method.HOUSE_VOUCHER, False, 3000),
        (Method.HOMESTEAD, True, 6000),
        (Method.HOMESTEAD, False, 3000),
    ],
)
def test_moving_fee(city: CityParams, method: Method, via: bool, amount: int) -> None:
    assert moving_fee(city, method, via)[0] == Decimal(amount)


def test_early_vacate_rate_cap_inclusive(city: CityParams) -> None:
    assert early_vacate_rate(city, Decimal("400")) == Decimal("400")
    assert early_vacate_rate(city, Decimal("0")) == 0


def test_early_vacate_rate_above_cap_refused(city: CityParams) -> None:
    with pytest.raises(RuleError) as e:
        early_vacate_rate(city, Decimal("400.01"))
    assert e.value.field == "early_vacate_rate_per_m2"


def test_signed_in_time_boundaries() -> None:
    d = dt.date(2023, 9, 30)
    assert signed_in_time(d, d) is True
    assert signed_in_time(d, d + dt.timedelta(days=1)) is False
    assert signed_in_time(d, None) is True


@pytest.mark.parametrize("issued", [dt.date(2023, 3, 10), dt.date(2024, 5, 20)])
def test_voucher_valid_on_its_issue_day(city: CityParams, issued: dt.date) -> None:
    # "房票有效期自出票之日起计算": the issue day itself is inside the period, the day before is not
    assert voucher_valid_on(city, issued, issued) is True
    assert voucher_valid_on(city, issued, issued - dt.timedelta(days=1)) is False


def test_voucher_last_day_24_months(city: CityParams) -> None:
    issued = dt.date(2023, 3, 10)
    assert voucher_last_valid_day(city, issued) == dt.date(2025, 3, 10)
    assert voucher_valid_on(city, issued, dt.date(2025, 3, 10)) is True
    assert voucher_valid_on(city, issued, dt.date(2025, 3, 11)) is False
    assert voucher_valid_on(city, issued, dt.date(2023, 3, 9)) is False


def test_voucher_last_day_24_months_from_a_later_issue(city: CityParams) -> None:
    # 最长不超过24个月: the corresponding day 24 months on is the last valid day
    issued = dt.date(2024, 5, 20)
    assert voucher_last_valid_day(city, issued) == dt.date(2026, 5, 20)
    assert voucher_valid_on(city, issued, dt.date(2026, 5, 20)) is True
    assert voucher_valid_on(city, issued, dt.date(2026, 5, 21)) is False


def test_voucher_month_end(city: CityParams) -> None:
    assert voucher_last_valid_day(city, dt.date(2024, 2, 29)) == dt.date(2026, 2, 28)


def test_month_helpers() -> None:
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert months_between(dt.date(2023, 5, 31), dt.date(2025, 5, 1)) == 24


def test_months_are_counted_across_a_year_end() -> None:
    # 自…之月起: November 2023 → February 2024 is 12 × 1 + (2 − 11) = 3 months, not 12 × 1 − (2 − 11) = 21
    assert months_between(dt.date(2023, 11, 20), dt.date(2024, 2, 3)) == 3
    assert months_between(dt.date(2023, 3, 31), dt.date(2023, 5, 1)) == 2


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2023, 11, 15), dt.date(2024, 2, 1), 3),  # 自…之月起: Nov → Feb across a year end
        (dt.date(2023, 12, 31), dt.date(2024, 1, 1), 1),  # one day, but the next calendar month
        (dt.date(2023, 1, 1), dt.date(2023, 1, 31), 0),  # same month
        (dt.date(2023, 1, 31), dt.date(2025, 1, 1), 24),
        (dt.date(2023, 6, 30), dt.date(2026, 7, 1), 37),
    ],
)
def test_months_from_the_moving_month(start: dt.date, end: dt.date, months: int) -> None:
    assert months_between(start, end) == months
