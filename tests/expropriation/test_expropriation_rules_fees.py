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


def test_voucher_last_day_24_months(city: CityParams) -> None:
    issued = dt.date(2023, 3, 10)
    assert voucher_last_valid_day(city, issued) == dt.date(2025, 3, 10)
    assert voucher_valid_on(city, issued, dt.date(2025, 3, 10)) is True
    assert voucher_valid_on(city, issued, dt.date(2025, 3, 11)) is False
    assert voucher_valid_on(city, issued, dt.date(2023, 3, 9)) is False


def test_voucher_month_end(city: CityParams) -> None:
    assert voucher_last_valid_day(city, dt.date(2024, 2, 29)) == dt.date(2026, 2, 28)


def test_month_helpers() -> None:
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert months_between(dt.date(2023, 5, 31), dt.date(2025, 5, 1)) == 24
