"""The clause-by-clause review of 衢政发〔2023〕2号 (issue 11) and the weak edges named by issue 17, in the rules.

Figures are worked out by hand from the clauses. Default household (conftest): 2 persons, one 150 m² 砖混 house built
2000, valued 2023-07-01 → age 23 → 折旧 20% (A-01) → 成新率 0.80; 安置面积 110 + 50 = 160 m²; appraised 3000/m²;
market 9000/m²; pre-announcement 2023-06-01, signing deadline 2023-09-30.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from expropriation_rules_kit import PRE, MakeHouse, MakeHousehold, MakeMember, amounts

from expropriation.rules.fees import months_between, voucher_last_valid_day, voucher_valid_on
from expropriation.rules.params import CityParams, Params
from expropriation.rules.persons import assess_member, resettlement_area
from expropriation.rules.quote import compare_methods, quote
from expropriation.rules.types import (
    AppraisedItem,
    AppraisedKind,
    BuildingKind,
    CivilServiceExit,
    Exclusion,
    Member,
    Method,
    MethodNotAvailable,
    NotEntitled,
    Occupancy,
    RuleError,
    Structure,
    Use,
    WorkKind,
)

DEADLINE = dt.date(2023, 9, 30)
SIGNED = dt.date(2023, 8, 1)


# --- Wrong: a household whose only building is non-residential (三(二), 三(三), 三(四)2) ------------------------


def test_non_residential_only_is_paid_three_times_replacement_and_nothing_else(
    household: MakeHousehold, house: MakeHouse, params: Params
) -> None:
    shop = house("100", Structure.FRAME, use=Use.NON_RESIDENTIAL, label="厂房")
    q = quote(household(Method.MONETARY, buildings=(shop,)), params)
    # 三(四)2: 100 m² × 1400 × 3 = 420,000; 三(二) 安置面积 is for 征收住宅房屋 only → 0; no 住宅 fees or rewards.
    assert amounts(q) == {"non_residential_compensation": Decimal("420000.00")}
    assert q.resettlement_area_m2 == 0
    assert q.area.money_only is True
    assert q.area.basis == "衢政发〔2023〕2号 三(二)"


@pytest.mark.parametrize("method", [Method.HOUSE_VOUCHER, Method.PROPERTY_SWAP, Method.HOMESTEAD])
def test_non_residential_only_refuses_the_other_methods(
    household: MakeHousehold, house: MakeHouse, params: Params, method: Method
) -> None:
    shop = house("100", Structure.FRAME, use=Use.NON_RESIDENTIAL)
    with pytest.raises(MethodNotAvailable) as e:
        quote(household(method, buildings=(shop,), outside_urban_plan_area=True), params)
    assert e.value.field == "method"
    assert e.value.basis == "衢政发〔2023〕2号 三(二)"


def test_non_residential_only_compare_offers_money_only(
    household: MakeHousehold, house: MakeHouse, params: Params
) -> None:
    shop = house("100", Structure.FRAME, use=Use.NON_RESIDENTIAL)
    outcomes = {o.method: o for o in compare_methods(household(buildings=(shop,)), params)}
    assert [m for m, o in outcomes.items() if o.quote is not None] == [Method.MONETARY]


def test_mixed_household_area_from_the_residential_part_only(
    household: MakeHousehold, house: MakeHouse, member: MakeMember, params: Params
) -> None:
    owner = member("外村产权人", collective_member=False, is_owner=True)
    buildings = (house("80"), house("100", Structure.FRAME, use=Use.NON_RESIDENTIAL))
    q = quote(
        household(Method.PROPERTY_SWAP, members=(owner,), buildings=buildings, flat_area_m2=Decimal("80")), params
    )
    # 三(二) second paragraph: 合法建筑面积 of the 住宅 (80), not 80 + 100 → 80 m² (≤ 110).
    assert q.resettlement_area_m2 == Decimal("80")
    assert amounts(q)["non_residential_compensation"] == Decimal("420000.00")  # 100 × 1400 × 3


# --- Wrong: 未建部分面积不计价值 (三(三)3(2)) -------------------------------------------------------------------------


def test_unbuilt_part_earns_no_excess_fee_or_reward(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    # 1 person → 安置面积 110. Legal 200 = 150 built + 50 unbuilt.
    q = quote(
        household(
            Method.PROPERTY_SWAP,
            persons=1,
            buildings=(house("150"), house("50", built=False)),
            flat_area_m2=Decimal("110"),
            village_all_signed=True,
        ),
        params,
    )
    a = amounts(q)
    assert q.legal_residential_area_m2 == Decimal("200")
    assert q.built_residential_area_m2 == Decimal("150")
    # value: 150 × 1200 × 0.80 = 144,000, the share within the 安置面积 110/150 → 105,600
    assert a["house_replacement_value"] == Decimal("105600.00")
    # excess on the built area only: (150 − 110) × 3000 = 120,000 (not (200 − 110) × 3000 = 270,000)
    assert a["excess_area_monetary_compensation"] == Decimal("120000.00")
    # 三(四)6: 150 m² × 10 = 1,500/month × (24 + 6) = 45,000 (not 2,000 × 30)
    assert a["temporary_resettlement_fee"] == Decimal("45000.00")
    # 三(四)8: 150 × 400 = 60,000 and 150 × 60 = 9,000 (not on 200 m²)
    assert a["early_vacate_reward"] == Decimal("60000.00")
    assert a["village_completion_reward"] == Decimal("9000.00")
    assert next(i for i in q.items if i.code == "early_vacate_reward").inputs["unbuilt_area_not_counted_m2"] == "50"


def test_unbuilt_part_within_the_area_is_simply_not_valued(
    household: MakeHousehold, house: MakeHouse, params: Params
) -> None:
    q = quote(household(Method.PROPERTY_SWAP, buildings=(house("100"), house("50", built=False))), params)
    a = amounts(q)
    assert a["house_replacement_value"] == Decimal("96000.00")  # 100 × 1200 × 0.80
    assert "excess_area_monetary_compensation" not in a
    assert a["temporary_resettlement_fee"] == Decimal("30000.00")  # 100 m² → 1,000 (floor) × 30
    assert a["early_vacate_reward"] == Decimal("40000.00")  # 100 × 400


def test_unbuilt_part_not_paid_in_money(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    q = quote(household(Method.MONETARY, buildings=(house("100"), house("50", built=False))), params)
    assert amounts(q)["house_monetary_compensation"] == Decimal("300000.00")  # 100 × 3000, not 150 × 3000


def test_unbuilt_part_counts_for_an_owners_area(
    household: MakeHousehold, house: MakeHouse, member: MakeMember, params: Params
) -> None:
    owner = member("外村产权人", collective_member=False, is_owner=True)
    q = quote(household(members=(owner,), buildings=(house("60"), house("30", built=False))), params)
    # legal 90 m² (60 built + 30 unbuilt) is the basis of 安置 → 90 m² (≤ 110); money only on the 60 built
    assert q.resettlement_area_m2 == Decimal("90")
    assert amounts(q)["house_monetary_compensation"] == Decimal("180000.00")  # 60 × 3000


def test_unbuilt_non_residential_part_not_valued(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    shop = house("40", Structure.FRAME, use=Use.NON_RESIDENTIAL, built=False, label="未建厂房")
    q = quote(household(buildings=(house(), shop)), params)
    assert amounts(q)["non_residential_compensation"] == 0


# --- Wrong: an explicit zero is a value ---------------------------------------------------------------------------


def test_explicit_zero_flat_replacement_price_is_kept(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.PROPERTY_SWAP, flat_replacement_price_per_m2=Decimal("0")), params)
    # 160 m² × 0 = 0, not 160 × 1400 = 224,000 (the default applies only when no price is given)
    item = next(i for i in q.items if i.code == "swap_flat_price_within_area")
    assert item.amount == 0
    assert item.inputs["replacement_price_per_m2"] == "0"
    default = quote(household(Method.PROPERTY_SWAP), params)
    assert amounts(default)["swap_flat_price_within_area"] == Decimal("-224000.00")


# --- Doubtful: ownership (三(二), 三(四)5) ---------------------------------------------------------------------------


@pytest.mark.parametrize("occupancy", [Occupancy.TENANT, Occupancy.BORROWER])
def test_tenants_only_household_gets_nothing(
    household: MakeHousehold, member: MakeMember, params: Params, occupancy: Occupancy
) -> None:
    tenants = (member("租户甲", occupancy=occupancy), member("租户乙", occupancy=occupancy))
    for outcome in compare_methods(household(members=tenants, outside_urban_plan_area=True), params):
        assert outcome.quote is None
        assert isinstance(outcome.error, NotEntitled)
        assert outcome.error.basis == "衢政发〔2023〕2号 三(四)5"


def test_no_persons_and_no_owner_gets_nothing(household: MakeHousehold, member: MakeMember, params: Params) -> None:
    occupant = member("外村亲戚", collective_member=False)
    with pytest.raises(NotEntitled) as e:
        quote(household(members=(occupant,)), params)
    assert e.value.field == "members"
    assert e.value.basis == "衢政发〔2023〕2号 三(二)"


def test_counted_member_and_owner_outsider(household: MakeHousehold, member: MakeMember, params: Params) -> None:
    members = (member("本村子女"), member("外村产权人", collective_member=False, is_owner=True))
    q = quote(household(members=members), params)
    # one 安置人口 → 110 (三(二) first paragraph); the owner is not an 安置人口 but the household is entitled
    assert q.resettlement_persons == 1
    assert q.resettlement_area_m2 == Decimal("110")


def test_tenant_beside_the_family_is_ignored(household: MakeHousehold, member: MakeMember, params: Params) -> None:
    members = (member("户主"), member("租户", occupancy=Occupancy.TENANT))
    q = quote(household(members=members), params)
    assert q.resettlement_persons == 1
    assert q.resettlement_area_m2 == Decimal("110")


def test_tenant_cannot_be_owner(household: MakeHousehold, member: MakeMember, params: Params) -> None:
    members = (member("户主"), member("租户", occupancy=Occupancy.TENANT, is_owner=True))
    with pytest.raises(RuleError) as e:
        quote(household(members=members), params)
    assert e.value.field == "members[1].is_owner"


# --- Doubtful: eaves and clear heights (附件 说明2) -------------------------------------------------------------------


def test_eaves_height_on_a_main_house_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house(eaves_height_m=Decimal("1.5")),)), params)
    assert e.value.field == "buildings[0].eaves_height_m"
    assert e.value.basis == "衢政发〔2023〕2号 附件 说明2"


def test_clear_height_on_an_attic_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    attic = house("20", kind=BuildingKind.ATTIC, eaves_height_m=Decimal("1.5"), clear_height_m=Decimal("2"))
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house(), attic)), params)
    assert e.value.field == "buildings[1].clear_height_m"


def test_eaves_height_on_an_attic_is_used(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    attic = house("20", kind=BuildingKind.ATTIC, eaves_height_m=Decimal("1.2"))
    q = quote(household(buildings=(house(), attic)), params)
    assert amounts(q)["attic_stilt_compensation"] == Decimal("7200.00")  # 20 × 1200 × 30%


# --- Doubtful: 离退休 vs 辞职、辞退 (三(一)1(2)) -------------------------------------------------------------------


def civil(member: MakeMember, exit_: CivilServiceExit | None, left_on: dt.date | None) -> Member:
    return member(exclusion=Exclusion.CIVIL_SERVANT, civil_service_exit=exit_, civil_service_left_on=left_on)


def test_retired_official_excluded_whenever_retired(member: MakeMember) -> None:
    # "含离退休人员": a retirement years before the pre-announcement still excludes
    d = assess_member(civil(member, CivilServiceExit.RETIRED, dt.date(2010, 1, 1)), PRE, DEADLINE, SIGNED)
    assert d.counted is False
    assert d.basis == "衢政发〔2023〕2号 三(一)1(2)"


def test_retired_official_without_date_excluded(member: MakeMember) -> None:
    assert assess_member(civil(member, CivilServiceExit.RETIRED, None), PRE, DEADLINE, SIGNED).counted is False


@pytest.mark.parametrize(
    ("exit_", "left_on", "counted"),
    [
        (CivilServiceExit.RESIGNED, PRE - dt.timedelta(days=1), True),
        (CivilServiceExit.RESIGNED, PRE, False),
        (CivilServiceExit.DISMISSED, PRE - dt.timedelta(days=1), True),
        (CivilServiceExit.DISMISSED, PRE, False),
    ],
)
def test_resigned_or_dismissed_excluded_from_the_pre_announcement_day(
    member: MakeMember, exit_: CivilServiceExit, left_on: dt.date, counted: bool
) -> None:
    assert assess_member(civil(member, exit_, left_on), PRE, DEADLINE, SIGNED).counted is counted


def test_serving_official_excluded(member: MakeMember) -> None:
    assert assess_member(civil(member, None, None), PRE, DEADLINE, SIGNED).counted is False


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda m: civil(m, None, dt.date(2020, 1, 1)), "members[0].civil_service_exit"),
        (lambda m: civil(m, CivilServiceExit.RESIGNED, None), "members[0].civil_service_left_on"),
        (lambda m: m(civil_service_exit=CivilServiceExit.RETIRED), "members[0].civil_service_exit"),
    ],
)
def test_civil_service_fields_must_agree(
    household: MakeHousehold, member: MakeMember, params: Params, make: Callable[[MakeMember], Member], field: str
) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(members=(make(member), member("本村成员"))), params)
    assert e.value.field == field


# --- Doubtful: the 签约腾空 reward rate is a placeholder (三(四)8) ---------------------------------------------------


def test_reward_rate_placeholder_flagged_in_every_quote(household: MakeHousehold, params: Params) -> None:
    for method in (Method.MONETARY, Method.HOUSE_VOUCHER, Method.PROPERTY_SWAP):
        q = quote(household(method), params)
        reward = next(i for i in q.items if i.code == "early_vacate_reward")
        assert reward.inputs["district_rule_supplied"] == "false"
        assert any("签约腾空奖励标准未录入" in n and "占位" in n for n in q.notes)


def test_reward_rate_given_is_not_a_placeholder(household: MakeHousehold, params: Params) -> None:
    q = quote(household(early_vacate_rate_per_m2=Decimal("300")), params)
    assert amounts(q)["early_vacate_reward"] == Decimal("45000.00")  # 150 × 300
    assert not any("签约腾空奖励标准未录入" in n for n in q.notes)


def test_reward_rate_supplied_by_district_no_note(household: MakeHousehold, params: Params) -> None:
    supplied = dataclasses.replace(
        params, district=dataclasses.replace(params.district, early_vacate_rate_supplied=True)
    )
    q = quote(household(), supplied)
    assert not any("签约腾空奖励标准未录入" in n for n in q.notes)


# --- Missing: 装修、其他附属物（构筑物）、临时建筑 (三(四)3 second paragraph) -----------------------------------------


def test_appraised_items_itemised_with_clause_and_flag(household: MakeHousehold, params: Params) -> None:
    items = (
        AppraisedItem(AppraisedKind.DECORATION, "客厅装修", Decimal("20000")),
        AppraisedItem(AppraisedKind.DECORATION, "厨房装修", Decimal("8000.50")),
        AppraisedItem(AppraisedKind.ATTACHMENT, "围墙", Decimal("5000")),
        AppraisedItem(AppraisedKind.TEMPORARY_BUILDING, "简易棚", Decimal("3000")),
    )
    q = quote(household(appraised_items=items), params)
    a = amounts(q)
    assert a["decoration_compensation"] == Decimal("28000.50")  # 20,000 + 8,000.50
    assert a["attachment_compensation"] == Decimal("5000.00")
    assert a["temporary_building_compensation"] == Decimal("3000.00")
    decoration = next(i for i in q.items if i.code == "decoration_compensation")
    assert decoration.basis == "衢政发〔2023〕2号 三(四)3"
    assert decoration.inputs["amount_source"] == "appraiser"
    assert "国有土地上房屋征收补偿相关标准" in decoration.inputs["standard"]
    assert any("国有土地上房屋征收补偿相关标准" in n for n in q.notes)
    # the monetary default total 531,000 plus 36,000.50
    assert q.total == Decimal("567000.50")


def test_decoration_from_the_pre_announcement_day_not_compensated(household: MakeHousehold, params: Params) -> None:
    items = (
        AppraisedItem(AppraisedKind.DECORATION, "突击装修", Decimal("50000"), made_on=PRE),
        AppraisedItem(AppraisedKind.DECORATION, "原有装修", Decimal("10000"), made_on=PRE - dt.timedelta(days=1)),
        AppraisedItem(AppraisedKind.ATTACHMENT, "新砌围墙", Decimal("4000"), made_on=PRE),
    )
    q = quote(household(appraised_items=items), params)
    a = amounts(q)
    assert a["decoration_compensation"] == Decimal("10000.00")
    assert "attachment_compensation" not in a
    assert {(f.subject, f.basis) for f in q.findings} == {
        ("突击装修", "衢政发〔2023〕2号 二(一)2"),
        ("新砌围墙", "衢政发〔2023〕2号 二(一)1"),
    }


def test_negative_appraised_amount_refused(household: MakeHousehold, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(appraised_items=(AppraisedItem(AppraisedKind.DECORATION, "x", Decimal("-1")),)), params)
    assert e.value.field == "appraised_items[0].amount"


# --- Plausibility ------------------------------------------------------------------------------------------------


def test_work_kind_without_its_day_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house(work_kind=WorkKind.EXTENSION),)), params)
    assert e.value.field == "buildings[0].work_done_on"


def test_work_day_without_its_kind_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house(work_done_on=PRE),)), params)
    assert e.value.field == "buildings[0].work_done_on"


def test_work_after_valuation_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    valuation = dt.date(2023, 7, 1)
    ok = quote(household(buildings=(house(work_kind=WorkKind.EXTENSION, work_done_on=valuation),)), params)
    assert ok.legal_residential_area_m2 == 0  # on the valuation day: frozen work, part excluded (二(一)1)
    with pytest.raises(RuleError) as e:
        quote(
            household(buildings=(house(work_kind=WorkKind.EXTENSION, work_done_on=valuation + dt.timedelta(days=1)),)),
            params,
        )
    assert e.value.field == "buildings[0].work_done_on"


def test_property_swap_flat_of_zero_refused(household: MakeHousehold, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(Method.PROPERTY_SWAP, flat_area_m2=Decimal("0")), params)
    assert e.value.field == "flat_area_m2"


def test_death_after_valuation_before_signing_is_a_fact_the_clause_needs(
    household: MakeHousehold, member: MakeMember, params: Params
) -> None:
    # 三(一)2 decides by signing, not by valuation: died 2023-07-15 (after valuation 07-01), signed 08-01
    # → died before signing → not counted; the date is not refused.
    members = (member("父"), member("祖母", dt.date(1950, 2, 2), died_on=dt.date(2023, 7, 15)))
    q = quote(household(members=members, agreement_signed_on=SIGNED), params)
    assert q.resettlement_persons == 1


# --- Issue 17: the weak edges ----------------------------------------------------------------------------------------


def test_one_person_area_is_110_whatever_the_house(city: CityParams) -> None:
    # 三(二) "一户一人110平方米为保障": one 安置人口 with a 60 m² house → 110, not min(60, 110)
    assert resettlement_area(city, 1, Decimal("60"), True).area_m2 == Decimal("110")
    assert resettlement_area(city, 1, Decimal("60"), False).area_m2 == Decimal("110")
    assert resettlement_area(city, 1, Decimal("60"), False).money_only is False
    # no 安置人口 (an owner) with the same house → its legal area, 60
    assert resettlement_area(city, 0, Decimal("60"), True).area_m2 == Decimal("60")


def test_one_person_quote_small_house(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    q = quote(household(Method.PROPERTY_SWAP, persons=1, buildings=(house("60"),), flat_area_m2=Decimal("110")), params)
    assert q.resettlement_area_m2 == Decimal("110")
    assert amounts(q)["swap_flat_price_within_area"] == Decimal("-154000.00")  # 110 × 1400


def test_voucher_valid_on_its_issue_day(city: CityParams) -> None:
    issued = dt.date(2024, 5, 20)
    assert voucher_valid_on(city, issued, issued) is True
    assert voucher_valid_on(city, issued, issued - dt.timedelta(days=1)) is False
    # 最长不超过24个月: the corresponding day 24 months on is the last valid day
    assert voucher_last_valid_day(city, issued) == dt.date(2026, 5, 20)
    assert voucher_valid_on(city, issued, dt.date(2026, 5, 20)) is True
    assert voucher_valid_on(city, issued, dt.date(2026, 5, 21)) is False


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
