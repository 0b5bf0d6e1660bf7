"""The quote (rules/quote/) where a case table cannot reach it: the reading a what-if cannot switch (A-10), the
inputs the rules refuse before the request model would, and how the quote adds its items up.

The hand-computed quotes of every method, part, fee and reward are the case tables in tests/expropriation/cases/.
Default household (conftest): 2 persons, one 150 m² 砖混 house built 2000, valued 2023-07-01 → age 23 → 折旧 20%
(A-01) → 成新率 0.80; 安置面积 110 + 50 = 160 m²; appraised 3000/m²; market 9000/m².
"""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from expropriation_rules_kit import PRE, MakeHouse, MakeHousehold, MakeMember, amounts

from expropriation.rules.params import Params
from expropriation.rules.quote import quote, validate
from expropriation.rules.types import (
    AppraisedItem,
    AppraisedKind,
    Method,
    OldRulesApply,
    OutOfScope,
    RuleError,
    WorkKind,
)


def test_voucher_remainder_area_reading(household: MakeHousehold, params: Params) -> None:
    # A-10, the other reading (a text, not a figure a what-if may change): the unused 248,000 turned back into m² at
    # the voucher price and paid at the appraised price: 248,000 / 7,800 × 3,000 = 95,384.615… → 95,384.62
    other = dataclasses.replace(
        params, city=dataclasses.replace(params.city, voucher_remainder_reading="area_at_monetary_standard")
    )
    q = quote(household(Method.HOUSE_VOUCHER, voucher_purchase_price=Decimal("1000000")), other)
    remainder = next(i for i in q.items if i.code == "voucher_remainder_cash")
    assert remainder.amount == Decimal("95384.62")
    assert remainder.inputs["appraised_price_per_m2"] == "3000"  # the price the breakdown shows it was paid at


def test_out_of_scope_and_old_rules(household: MakeHousehold, params: Params) -> None:
    # the quote checks 一(一) and 五(二) itself, whatever parameters it is handed
    with pytest.raises(OutOfScope):
        quote(dataclasses.replace(household(), district="龙游县"), params)
    with pytest.raises(OldRulesApply):
        quote(dataclasses.replace(household(), pre_announcement_date=dt.date(2023, 2, 28)), params)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signing_deadline": dt.date(2023, 5, 31)}, "signing_deadline"),
        ({"valuation_date": dt.date(2023, 5, 31)}, "valuation_date"),
        ({"agreement_signed_on": dt.date(2023, 5, 31)}, "agreement_signed_on"),
        ({"appraised_price_per_m2": Decimal("-1")}, "appraised_price_per_m2"),
    ],
)
def test_bad_input_names_field(household: MakeHousehold, params: Params, change: dict[str, object], field: str) -> None:
    with pytest.raises(RuleError) as e:
        quote(dataclasses.replace(household(), **change), params)  # type: ignore[arg-type]
    assert e.value.field == field


def test_negative_area_names_building(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house("-1"),)), params)
    assert e.value.field == "buildings[0].legal_area_m2"


def test_work_kind_without_its_day_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house(work_kind=WorkKind.EXTENSION),)), params)
    assert e.value.field == "buildings[0].work_done_on"


def test_work_day_without_its_kind_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house(work_done_on=PRE),)), params)
    assert e.value.field == "buildings[0].work_done_on"


def test_negative_appraised_amount_refused(household: MakeHousehold, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(appraised_items=(AppraisedItem(AppraisedKind.DECORATION, "x", Decimal("-1")),)), params)
    assert e.value.field == "appraised_items[0].amount"


def test_same_day_dates_zero_values_and_this_year_s_house_are_valid_inputs(
    household: MakeHousehold, member: MakeMember, house: MakeHouse
) -> None:
    # every date may fall on the pre-announcement day itself, a baby may die on the day of birth, a price may be 0
    # or a fraction, an area a fraction (0 only for a 未建 part, A-45), a house may be built in the valuation year
    # (成新率 100%): only what lies before or below these is refused
    born = dt.date(2023, 7, 1)
    validate(
        dataclasses.replace(
            household(),
            signing_deadline=PRE,
            valuation_date=PRE,
            agreement_signed_on=PRE,
            members=(member(born=born, died_on=born),),
            buildings=(house("0", built=False), house("0.5", year=PRE.year)),
            appraised_price_per_m2=Decimal("0"),
            market_price_per_m2=Decimal("0.5"),
        )
    )


def test_a_death_without_a_birth_date_is_a_valid_declaration(household: MakeHousehold, member: MakeMember) -> None:
    # the dates are compared only when both are declared
    undated = dataclasses.replace(member(died_on=dt.date(2023, 7, 1)), born_on=None)
    validate(dataclasses.replace(household(), members=(undated,)))


def test_total_is_sum_of_rounded_items(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    q = quote(household(Method.HOUSE_VOUCHER, buildings=(house("123.457"),)), params)
    assert q.total == sum(i.amount for i in q.items)
    assert all(i.amount == i.amount.quantize(Decimal("0.01")) for i in q.items)


def test_an_item_amount_is_that_item_alone(household: MakeHousehold, params: Params) -> None:
    # 三(四)7 货币补偿: one move × 3000 元
    q = quote(household(), params)
    assert q.amount("moving_fee") == Decimal("3000.00") == amounts(q)["moving_fee"]
