"""The quote (三(三) methods with 三(四) parts, fees and rewards) against hand-computed figures.

Default household (conftest): 2 persons, one 150 m² 砖混 house built 2000, valued 2023-07-01 → age 23 →
折旧 20% (A-01) → 成新率 0.80; 安置面积 110 + 50 = 160 m²; appraised 3000/m²; market 9000/m².
"""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from expropriation_rules_kit import PRE, MakeHouse, MakeHousehold, MakeMember, amounts

from expropriation.books import params_on
from expropriation.rules.params import Params
from expropriation.rules.quote import compare_methods, quote
from expropriation.rules.types import (
    BuildingKind,
    Exclusion,
    FlatType,
    Land,
    Method,
    MethodNotAvailable,
    OldRulesApply,
    OutOfScope,
    RuleError,
    Structure,
    Use,
    WorkKind,
)


def test_monetary(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.MONETARY), params)
    assert q.resettlement_persons == 2
    assert q.resettlement_area_m2 == Decimal("160")
    assert amounts(q) == {
        "house_monetary_compensation": Decimal("450000.00"),
        "temporary_resettlement_fee": Decimal("18000.00"),
        "moving_fee": Decimal("3000.00"),
        "early_vacate_reward": Decimal("60000.00"),
        "village_completion_reward": Decimal("0.00"),
    }
    assert q.total == Decimal("531000.00")
    assert all(i.basis.startswith("衢政发〔2023〕2号 ") for i in q.items)
    assert q.parameter_versions == {"expropriation": "2023-03-01", "district:柯城区": "kecheng-2023-03-01"}


def test_voucher(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.HOUSE_VOUCHER), params)
    a = amounts(q)
    assert a["house_voucher_value"] == Decimal("1248000.00")  # (9000 − 1200) × 160
    assert a["house_replacement_value"] == Decimal("144000.00")  # 150 × 1200 × 0.80
    assert a["temporary_resettlement_fee"] == Decimal("36000.00")  # 1500 × 24
    assert a["moving_fee"] == Decimal("6000.00")
    assert "excess_area_monetary_compensation" not in a
    assert q.total == Decimal("1494000.00")
    assert q.total_of("voucher") == Decimal("1248000.00")


def test_voucher_average_replacement_price_is_area_weighted(
    household: MakeHousehold, house: MakeHouse, params: Params
) -> None:
    q = quote(
        household(Method.HOUSE_VOUCHER, buildings=(house("100", Structure.FRAME), house("50", Structure.BRICK_WOOD))),
        params,
    )
    # avg = (100×1400 + 50×1000)/150 = 1266.6667; voucher price 7733.3333 × 160
    voucher = next(i for i in q.items if i.code == "house_voucher_value")
    assert voucher.inputs["average_replacement_price_per_m2"] == "1266.6667"
    assert voucher.amount == Decimal("1237333.33")


def test_voucher_cheaper_flat_remainder_paid_in_cash(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.HOUSE_VOUCHER, voucher_purchase_price=Decimal("1000000")), params)
    a = amounts(q)
    assert a["house_voucher_value"] == Decimal("1000000.00")
    assert a["voucher_remainder_cash"] == Decimal("248000.00")
    assert q.total == Decimal("1494000.00")


def test_voucher_remainder_area_reading(household: MakeHousehold, params: Params) -> None:
    other = dataclasses.replace(
        params, city=dataclasses.replace(params.city, voucher_remainder_reading="area_at_monetary_standard")
    )
    q = quote(household(Method.HOUSE_VOUCHER, voucher_purchase_price=Decimal("1000000")), other)
    # 248000 / 7800 m² × 3000
    assert amounts(q)["voucher_remainder_cash"] == Decimal("95384.62")


def test_voucher_dearer_flat_household_pays_difference(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.HOUSE_VOUCHER, voucher_purchase_price=Decimal("1300000")), params)
    voucher = next(i for i in q.items if i.code == "house_voucher_value")
    assert voucher.amount == Decimal("1248000.00")
    assert voucher.inputs["household_pays_difference"] == "52000.00"
    assert "voucher_remainder_cash" not in amounts(q)


def test_voucher_new_housing_reward_district_parameter(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.HOUSE_VOUCHER, voucher_buys_new_housing=True), params)
    assert amounts(q)["voucher_new_housing_reward"] == 0
    assert any("购买新建商品房奖励标准未录入" in n for n in q.notes)
    rewarded = dataclasses.replace(
        params, district=dataclasses.replace(params.district, voucher_new_housing_reward_rate=Decimal("0.05"))
    )
    assert amounts(quote(household(Method.HOUSE_VOUCHER, voucher_buys_new_housing=True), rewarded))[
        "voucher_new_housing_reward"
    ] == Decimal("62400.00")


def test_voucher_market_below_replacement_refused(household: MakeHousehold, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(Method.HOUSE_VOUCHER, market_price_per_m2=Decimal("1200")), params)
    assert e.value.field == "market_price_per_m2"


def test_property_swap(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.PROPERTY_SWAP), params)
    a = amounts(q)
    assert a["house_replacement_value"] == Decimal("144000.00")
    assert a["swap_flat_price_within_area"] == Decimal("-224000.00")  # 160 × 1400
    assert a["temporary_resettlement_fee"] == Decimal("45000.00")  # 1500 × (24 + 6)
    assert q.total == Decimal("31000.00")
    assert q.total_of("charge") == Decimal("-224000.00")


def test_property_swap_excess_both_ways(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    q = quote(
        household(
            Method.PROPERTY_SWAP,
            persons=1,
            buildings=(house("200", Structure.FRAME, 2022),),
            flat_area_m2=Decimal("120"),
            flat_market_price_per_m2=Decimal("8000"),
            village_all_signed=True,
            delivery_months=26,
        ),
        params,
    )
    a = amounts(q)
    assert q.resettlement_area_m2 == Decimal("110")
    assert a["house_replacement_value"] == Decimal("154000.00")  # 200 × 1400 × 110/200
    assert a["excess_area_monetary_compensation"] == Decimal("270000.00")  # 90 × 3000
    assert a["swap_flat_price_within_area"] == Decimal("-154000.00")
    assert a["swap_flat_price_beyond_area"] == Decimal("-80000.00")  # 10 × 8000
    assert a["temporary_resettlement_fee"] == Decimal("2000") * 24 + Decimal("4000") * 8
    assert a["early_vacate_reward"] == Decimal("80000.00")
    assert a["village_completion_reward"] == Decimal("12000.00")


def test_property_swap_non_terminating_share_rounded_once(
    household: MakeHousehold, house: MakeHouse, params: Params
) -> None:
    q = quote(
        household(Method.PROPERTY_SWAP, persons=1, buildings=(house("300"),), flat_area_m2=Decimal("110")), params
    )
    assert amounts(q)["house_replacement_value"] == Decimal("105600.00")  # 288000 × 110/300


def test_property_swap_beyond_area_needs_market_price(household: MakeHousehold, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(Method.PROPERTY_SWAP, flat_area_m2=Decimal("170")), params)
    assert e.value.field == "flat_market_price_per_m2"


def test_property_swap_unbuilt_part_has_no_value(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    q = quote(household(Method.PROPERTY_SWAP, buildings=(house("100"), house("50", built=False))), params)
    assert q.legal_residential_area_m2 == Decimal("150")
    assert amounts(q)["house_replacement_value"] == Decimal("96000.00")  # 100 × 1200 × 0.8


def test_property_swap_high_rise_overdue(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.PROPERTY_SWAP, flat_type=FlatType.HIGH_RISE, delivery_months=38), params)
    assert amounts(q)["temporary_resettlement_fee"] == Decimal("1500") * 36 + Decimal("3000") * 8


def test_homestead(household: MakeHousehold, params: Params) -> None:
    q = quote(household(Method.HOMESTEAD, outside_urban_plan_area=True), params)
    a = amounts(q)
    assert a["house_replacement_value"] == Decimal("144000.00")
    assert a["temporary_resettlement_fee"] == Decimal("18000.00")
    assert a["moving_fee"] == Decimal("6000.00")
    assert q.total == Decimal("228000.00")


def test_homestead_inside_urban_plan_refused(household: MakeHousehold, params: Params) -> None:
    with pytest.raises(MethodNotAvailable) as e:
        quote(household(Method.HOMESTEAD), params)
    assert e.value.field == "outside_urban_plan_area"
    assert "三(三)4" in e.value.basis


def test_monetary_needs_appraisal(household: MakeHousehold, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(Method.MONETARY, appraised_price_per_m2=None), params)
    assert e.value.field == "appraised_price_per_m2"


def test_other_parts(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    buildings = (
        house("150"),
        house("50", Structure.BRICK_WOOD, use=Use.NON_RESIDENTIAL, label="作坊"),
        house("30", kind=BuildingKind.ATTIC, eaves_height_m=Decimal("1.5"), label="阁楼"),
        house(
            "40", Structure.FRAME, 2022, kind=BuildingKind.STILT_FLOOR, clear_height_m=Decimal("2.0"), label="架空层"
        ),
        house("20", Structure.OTHER, kind=BuildingKind.ANCILLARY, label="猪舍"),
        house("25", kind=BuildingKind.UNAUTHORISED_EXTENSION, label="加层"),
        house("60", kind=BuildingKind.OLD_HOUSE_NOT_DEMOLISHED, label="旧房"),
        house("70", land=Land.STATE, label="国有土地部分"),
        house("15", work_kind=WorkKind.EXTENSION, work_done_on=PRE, label="预公告后扩建"),
        house("12", work_kind=WorkKind.EXTENSION, work_done_on=PRE - dt.timedelta(days=1), label="预公告前扩建"),
    )
    q = quote(household(Method.MONETARY, buildings=buildings), params)
    a = amounts(q)
    assert q.legal_residential_area_m2 == Decimal("162")  # 150 + 12; nothing else is a resettlement basis
    assert a["non_residential_compensation"] == Decimal("150000.00")  # 50 × 1000 × 3
    assert a["attic_stilt_compensation"] == Decimal("38800.00")  # 30×1200×0.3 + 40×1400×0.5
    assert a["ancillary_compensation"] == Decimal("11200.00")  # 20 × 700 × 0.8
    assert a["house_monetary_compensation"] == Decimal("486000.00")
    reasons = {f.subject: f.basis for f in q.findings}
    assert reasons == {
        "加层": "衢政发〔2023〕2号 三(四)4",
        "旧房": "衢政发〔2023〕2号 三(四)4",
        "国有土地部分": "衢政发〔2023〕2号 三(四)1",
        "预公告后扩建": "衢政发〔2023〕2号 二(一)1",
    }


def test_attic_without_height_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house(), house("10", kind=BuildingKind.ATTIC))), params)
    assert e.value.field == "buildings[1].eaves_height_m"


def test_owner_without_persons_money_only_when_late(
    household: MakeHousehold, member: MakeMember, params: Params
) -> None:
    owner = member("外村产权人", collective_member=False, is_owner=True)
    late = dt.date(2023, 10, 1)
    q = quote(household(Method.MONETARY, members=(owner,), agreement_signed_on=late), params)
    assert q.resettlement_persons == 0
    assert q.area.money_only is True
    assert amounts(q)["early_vacate_reward"] == 0
    with pytest.raises(MethodNotAvailable) as e:
        quote(household(Method.PROPERTY_SWAP, members=(owner,), agreement_signed_on=late), params)
    assert "三(二)" in e.value.basis


def test_owner_without_persons_on_time_gets_area_up_to_110(
    household: MakeHousehold, member: MakeMember, params: Params
) -> None:
    owner = member("退休教师", exclusion=Exclusion.CIVIL_SERVANT, is_owner=True)
    q = quote(
        household(
            Method.PROPERTY_SWAP,
            members=(owner,),
            agreement_signed_on=dt.date(2023, 9, 30),
            flat_area_m2=Decimal("110"),
        ),
        params,
    )
    assert q.resettlement_area_m2 == Decimal("110")
    assert q.persons[0].basis == "衢政发〔2023〕2号 三(一)1(2)"


def test_late_signing_loses_rewards(household: MakeHousehold, params: Params) -> None:
    q = quote(household(village_all_signed=True, agreement_signed_on=dt.date(2023, 10, 1)), params)
    a = amounts(q)
    assert a["early_vacate_reward"] == 0
    assert a["village_completion_reward"] == 0


def test_signing_on_deadline_keeps_rewards(household: MakeHousehold, params: Params) -> None:
    q = quote(household(village_all_signed=True, agreement_signed_on=dt.date(2023, 9, 30)), params)
    a = amounts(q)
    assert a["early_vacate_reward"] == Decimal("60000.00")
    assert a["village_completion_reward"] == Decimal("9000.00")


def test_not_vacated_on_time_loses_rewards(household: MakeHousehold, params: Params) -> None:
    assert amounts(quote(household(vacated_on_time=False), params))["early_vacate_reward"] == 0


def test_district_rate_input_and_cap(household: MakeHousehold, params: Params) -> None:
    assert amounts(quote(household(early_vacate_rate_per_m2=Decimal("300")), params))["early_vacate_reward"] == Decimal(
        "45000.00"
    )
    with pytest.raises(RuleError) as e:
        quote(household(early_vacate_rate_per_m2=Decimal("401")), params)
    assert e.value.field == "early_vacate_rate_per_m2"


def test_transit_housing_provided_no_temporary_fee(household: MakeHousehold, params: Params) -> None:
    assert (
        amounts(quote(household(expropriator_provides_transit_housing=True), params))["temporary_resettlement_fee"] == 0
    )


def test_small_house_temporary_floor(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    q = quote(household(buildings=(house("60"),)), params)
    assert amounts(q)["temporary_resettlement_fee"] == Decimal("12000.00")


def test_out_of_scope_and_old_rules(household: MakeHousehold, params: Params) -> None:
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


def test_a_built_part_of_zero_m2_is_refused(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    # a building that stands has a floor area; 0 is a figure left out, which would drop the house from the quote
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house(), house("0", label="东侧附房"))), params)
    assert (e.value.field, e.value.basis) == ("buildings[1].legal_area_m2", "衢政发〔2023〕2号 二(三)")


def test_an_unbuilt_part_of_zero_m2_changes_nothing(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    # 三(三)3(2) "未建部分面积不计价值"; a 未建 part of 0 m² says nothing of the approved area is left unbuilt:
    # the default household's 531,000 (150 × 3000 + 18,000 + 3,000 + 60,000) and 150 m² of legal area stand
    q = quote(household(buildings=(house(), house("0", built=False))), params)
    assert (q.total, q.legal_residential_area_m2) == (Decimal("531000.00"), Decimal("150"))


def test_a_household_whose_parts_all_measure_zero_has_nothing_to_quote(
    household: MakeHousehold, house: MakeHouse, params: Params
) -> None:
    # only 未建 parts of 0 m² declare no house at all (二(二) 如实申报…被征收房屋)
    with pytest.raises(RuleError) as e:
        quote(household(buildings=(house("0", built=False),)), params)
    assert (e.value.field, e.value.basis) == ("buildings", "衢政发〔2023〕2号 二(二)")


def test_total_is_sum_of_rounded_items(household: MakeHousehold, house: MakeHouse, params: Params) -> None:
    q = quote(household(Method.HOUSE_VOUCHER, buildings=(house("123.457"),)), params)
    assert q.total == sum(i.amount for i in q.items)
    assert all(i.amount == i.amount.quantize(Decimal("0.01")) for i in q.items)


def test_compare_all_four(household: MakeHousehold, params: Params) -> None:
    outcomes = compare_methods(household(), params)
    assert [o.method for o in outcomes] == list(Method)
    by = {o.method: o for o in outcomes}
    assert by[Method.MONETARY].quote is not None and by[Method.MONETARY].quote.total == Decimal("531000.00")
    assert by[Method.HOUSE_VOUCHER].quote is not None
    assert by[Method.PROPERTY_SWAP].quote is not None
    assert by[Method.HOMESTEAD].quote is None
    assert by[Method.HOMESTEAD].error is not None and by[Method.HOMESTEAD].error.field == "outside_urban_plan_area"


def test_qujiang_district(household: MakeHousehold) -> None:
    p = params_on("衢江区", dt.date(2023, 7, 1))
    q = quote(dataclasses.replace(household(), district="衢江区"), p)
    assert q.parameter_versions["district:衢江区"] == "qujiang-2023-03-01"
    assert q.total == Decimal("531000.00")


def test_newborn_and_dead_members_in_quote(household: MakeHousehold, member: MakeMember, params: Params) -> None:
    members = (
        member("父", dt.date(1986, 1, 1)),
        member("新生儿", dt.date(2023, 7, 1)),
        member("祖母", dt.date(1986, 2, 2), died_on=dt.date(2023, 7, 15)),
    )
    q = quote(household(members=members, agreement_signed_on=dt.date(2023, 8, 1)), params)
    assert q.resettlement_persons == 2
    assert q.resettlement_area_m2 == Decimal("160")
    excluded = [p for p in q.persons if not p.counted]
    assert [p.name for p in excluded] == ["祖母"]


def test_sudden_decoration_keeps_the_house_and_lists_the_work(
    household: MakeHousehold, house: MakeHouse, params: Params
) -> None:
    q = quote(
        household(buildings=(house(work_kind=WorkKind.SUDDEN_DECORATION, work_done_on=PRE, label="主屋"),)), params
    )
    assert q.legal_residential_area_m2 == Decimal("150")
    assert amounts(q)["house_monetary_compensation"] == Decimal("450000.00")
    assert [(f.subject, f.decision, f.basis) for f in q.findings] == [
        ("主屋", "work_not_compensated", "衢政发〔2023〕2号 二(一)2")
    ]
