"""衢政发〔2023〕1号 items 7–16 at their boundaries."""

import datetime as dt
from decimal import Decimal

import pytest

from science.parameters import policy_params
from science.rules.policies_2023 import (
    ITEMS,
    CarrierLevel,
    IncubatorEvent,
    RdSubsidyInput,
    in_force,
    incubator_award,
    innovation_centre_city_minimum,
    insurance_compensation,
    international_base_award,
    overseas_rd_award,
    policy_item,
    rd_subsidy,
    tech_transfer_income_split,
)

P = policy_params(dt.date(2023, 6, 1))
D = Decimal


def rd(expense: str, previous: str, revenue: str):  # type: ignore[no-untyped-def]
    return rd_subsidy(RdSubsidyInput(D(expense), D(previous), D(revenue)), P)


def test_valid_for_2023_only() -> None:
    assert in_force(dt.date(2023, 1, 1), P) and in_force(dt.date(2023, 12, 31), P)
    assert not in_force(dt.date(2024, 1, 1), P) and not in_force(dt.date(2022, 12, 31), P)


@pytest.mark.parametrize(
    ("expense", "previous", "revenue", "eligible"),
    [
        ("2000000", "2000000", "900000000", True),  # 200万及以上, no growth needed
        ("1999999.99", "1999999.99", "900000000", False),
        ("1200000", "1000000", "40000000", True),  # exactly 3% and exactly 20%
        ("1199999.99", "1000000", "40000000", False),  # growth just under 20%
        ("1200000", "1000000", "40000000.01", False),  # ratio just under 3%
        ("1000000", "0", "10000000", False),  # no previous R&D: growth undefined (P-02)
        ("1000000", "900000", "0", False),  # no revenue: ratio undefined
    ],
)
def test_rd_subsidy_eligibility_boundaries(expense: str, previous: str, revenue: str, eligible: bool) -> None:
    assert rd(expense, previous, revenue).eligible is eligible


def test_rd_subsidy_existing_two_percent_increase_ten_percent() -> None:
    award = rd("3000000", "2500000", "100000000")
    assert [line.amount for line in award.lines] == [D("50000.00"), D("50000.00")]
    assert award.amount == D("100000.00") and award.basis == ("衢政发〔2023〕1号 二13",)


def test_rd_subsidy_when_rd_fell_is_all_existing() -> None:
    award = rd("2500000", "3000000", "100000000")
    assert award.amount == D("50000.00")


@pytest.mark.parametrize(
    ("expense", "previous", "amount"),
    [
        ("20000000", "10000000", "1000000.00"),  # 200,000 + 1,000,000 → capped
        ("15000000", "7500000", "900000.00"),  # 150,000 + 750,000
        ("15000000", "6500000", "980000.00"),  # 130,000 + 850,000
        ("15000000", "6000000", "1000000.00"),  # 120,000 + 900,000 = 1,020,000 → 100万
    ],
)
def test_rd_subsidy_cap_of_100_wan(expense: str, previous: str, amount: str) -> None:
    assert rd(expense, previous, "1000000000").amount == D(amount)


def test_rd_subsidy_rejects_negative_amounts() -> None:
    with pytest.raises(ValueError, match="negative"):
        rd("-1", "0", "0")


def test_international_base_award() -> None:
    assert international_base_award(True, True, P).amount == D("1000000.00")
    assert not international_base_award(True, False, P).eligible
    assert not international_base_award(False, True, P).eligible


@pytest.mark.parametrize(
    ("investment", "amount"), [("100000000", "5000000.00"), ("100000020", "5000000.00"), ("99999980", "4999999.00")]
)
def test_overseas_rd_five_percent_capped_at_500_wan(investment: str, amount: str) -> None:
    assert overseas_rd_award(D(investment), False, P).amount == D(amount)


def test_overseas_rd_award_is_once_only() -> None:
    assert not overseas_rd_award(D("1000000"), True, P).eligible
    assert not overseas_rd_award(D("0"), False, P).eligible


@pytest.mark.parametrize(
    ("event", "level", "amount"),
    [
        (IncubatorEvent.NEW_INCUBATOR, CarrierLevel.NATIONAL, "3000000.00"),
        (IncubatorEvent.NEW_INCUBATOR, CarrierLevel.PROVINCIAL, "1000000.00"),
        (IncubatorEvent.NEW_MAKER_SPACE, CarrierLevel.NATIONAL, "200000.00"),
        (IncubatorEvent.NEW_MAKER_SPACE, CarrierLevel.PROVINCIAL, "100000.00"),
    ],
)
def test_incubator_awards(event: IncubatorEvent, level: CarrierLevel, amount: str) -> None:
    assert incubator_award(event, level, P).amount == D(amount)


def test_excellent_maker_space_matched_one_to_one() -> None:
    assert incubator_award(IncubatorEvent.EXCELLENT_MAKER_SPACE, CarrierLevel.PROVINCIAL, P, D("300000")).amount == D(
        "300000.00"
    )
    assert not incubator_award(IncubatorEvent.EXCELLENT_MAKER_SPACE, CarrierLevel.NATIONAL, P).eligible


def test_item_8_insurance_item_10_matching_item_12_tech_transfer() -> None:
    assert insurance_compensation(D("12345.67"), P).amount == D("9876.54")  # 9876.536 → 9876.54
    assert innovation_centre_city_minimum(D("10000000"), P).amount == D("20000000.00")
    split = tech_transfer_income_split(D("8000000"), P)
    assert (split.exempt, split.halved, split.taxable_base) == (D("5000000.00"), D("3000000.00"), D("1500000.00"))
    at_edge = tech_transfer_income_split(D("5000000"), P)
    assert (at_edge.exempt, at_edge.halved) == (D("5000000.00"), D("0.00"))  # 不超过500万 includes 500万


def test_items_7_to_16_are_citable_records() -> None:
    assert [i.number for i in ITEMS] == list(range(7, 17))
    assert policy_item(11).basis == "衢政发〔2023〕1号 二11"
    assert policy_item(7).targets[0].value == D("40000000")
    with pytest.raises(KeyError):
        policy_item(6)
