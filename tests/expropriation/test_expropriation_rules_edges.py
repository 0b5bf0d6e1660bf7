"""Edges of 衢政发〔2023〕2号 the other rules tests left open (found by `./dev mutate`, see docs/TESTING.md).

Each test pins one side of one edge, or one condition of a compound test varied alone; the expected figures
are worked out from the clause in the comment.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from expropriation.rules.declarations import recognise_area
from expropriation.rules.fees import months_between, temporary_fee, voucher_valid_on
from expropriation.rules.params import CityParams, Params
from expropriation.rules.persons import assess_member, assign_parents_across_households, resettlement_area
from expropriation.rules.quote import Quote, quote, validate
from expropriation.rules.scope import state_land_out_of_scope
from expropriation.rules.types import (
    AppraisedItem,
    AppraisedKind,
    Building,
    FlatType,
    Land,
    Member,
    Method,
    QuoteInput,
    Use,
    WorkKind,
)
from expropriation.rules.valuation import Category, assess_building

PRE = dt.date(2023, 6, 1)
DEADLINE = dt.date(2023, 9, 30)

MakeMember = Callable[..., Member]
MakeBuilding = Callable[..., Building]
MakeHousehold = Callable[..., QuoteInput]
VALUATION = dt.date(2023, 7, 1)


# ---------------------------------------------------------------- 三(四)6, 三(三)2(2): months and days


def test_months_are_counted_across_a_year_end() -> None:
    # 自…之月起: November 2023 → February 2024 is 12 × 1 + (2 − 11) = 3 months, not 12 × 1 − (2 − 11) = 21
    assert months_between(dt.date(2023, 11, 20), dt.date(2024, 2, 3)) == 3
    assert months_between(dt.date(2023, 3, 31), dt.date(2023, 5, 1)) == 2


def test_voucher_is_valid_on_its_issue_day(city: CityParams) -> None:
    # "房票有效期自出票之日起计算": the issue day itself is inside the period, the day before is not
    issued = dt.date(2023, 3, 10)
    assert voucher_valid_on(city, issued, issued) is True
    assert voucher_valid_on(city, issued, issued - dt.timedelta(days=1)) is False


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


# ---------------------------------------------------------------- 三(一) 安置人口


def test_death_on_the_pre_announcement_day_after_signing_counts(member: MakeMember) -> None:
    # "自征收土地预告之日起…在此期间死亡的人口，若在协议签订后死亡的，应计入安置人口": 自…之日起 includes the
    # pre-announcement day; the agreement was signed that morning (A-09: a death on the signing day is after it)
    d = assess_member(member(died_on=PRE), PRE, DEADLINE, PRE)
    assert d.counted is True
    assert d.basis == "衢政发〔2023〕2号 三(一)2"


def test_death_the_day_before_the_pre_announcement_is_outside_the_window(member: MakeMember) -> None:
    d = assess_member(member(died_on=PRE - dt.timedelta(days=1)), PRE, DEADLINE, PRE - dt.timedelta(days=5))
    assert d.counted is False
    assert "征收土地预告之前" in d.reason


def test_death_on_the_deadline_day_is_outside_the_window_but_still_a_member(member: MakeMember) -> None:
    # "截止之日前" excludes the deadline day: a member who died on it (after signing) is counted as an ordinary
    # 集体经济组织成员 under 三(一)1, not under the 三(一)2 window
    d = assess_member(member(died_on=DEADLINE), PRE, DEADLINE, dt.date(2023, 8, 15))
    assert d.counted is True
    assert d.basis == "衢政发〔2023〕2号 三(一)1"


def test_parent_designated_to_a_household_without_them_stays_with_the_first(member: MakeMember) -> None:
    # 三(一)3: the family can only designate a household the parent is declared in
    child_a, child_b, father = member("甲"), member("乙"), member("父", born=dt.date(1950, 1, 1))
    households = [("h1", [child_a, father]), ("h2", [child_b, father])]
    assert assign_parents_across_households(households, {father.id_number: "h9"}) == {father.id_number: "h1"}


# ---------------------------------------------------------------- 三(二) 安置面积


def test_one_person_gets_110_even_with_a_small_house_and_no_timely_signing(city: CityParams) -> None:
    # "以一户一人110平方米为保障": one 安置人口 → 110 m², independent of the 80 m² legal area and of signing,
    # which only matter to an owner without 安置人口 (min(80, 110) = 80, or money only)
    r = resettlement_area(city, 1, Decimal("80"), False)
    assert (r.area_m2, r.money_only) == (Decimal("110"), False)


def test_households_with_persons_are_not_money_only(city: CityParams) -> None:
    assert resettlement_area(city, 2, Decimal("80"), False).money_only is False


def test_owner_without_persons_signing_on_time_is_not_money_only(city: CityParams) -> None:
    # "其中在规定期限内签约，且按期腾空交付房屋的，可…给予不高于110平方米的安置面积": resettled, not money only
    r = resettlement_area(city, 0, Decimal("90"), True)
    assert (r.area_m2, r.money_only) == (Decimal("90"), False)


# ---------------------------------------------------------------- 三(四)2–4, 附件 结算价格表


def test_a_part_without_legal_area_is_assessed_not_refused(city: CityParams, house: MakeBuilding) -> None:
    # a fraction of a square metre is a lawful declaration, and so is a 未建 part of 0 m²; the quote's input
    # checks, not the assessment, refuse a built part of 0 m²
    for area, built in (("0.5", True), ("0", False)):
        assessed = assess_building(city, 0, house(area, built=built), PRE, VALUATION)
        assert (assessed.category, assessed.area_m2) == (Category.RESIDENTIAL, Decimal(area))


def test_a_residential_house_is_valued_at_the_full_price_factor(city: CityParams, house: MakeBuilding) -> None:
    # 重置价 × 成新率 × 1: only 阁楼 / 架空层 (附件 说明2) scale the price
    assert assess_building(city, 0, house(), PRE, VALUATION).factor == 1


def test_an_excluded_part_carries_no_price_factor(city: CityParams, house: MakeBuilding) -> None:
    # 二(一): a new build after the pre-announcement "不得予以补偿"
    done = PRE + dt.timedelta(days=1)
    assessed = assess_building(city, 0, house(work_kind=WorkKind.NEW_BUILD, work_done_on=done), PRE, VALUATION)
    assert (assessed.category, assessed.factor) == (Category.EXCLUDED, 0)


def test_a_work_kind_without_its_day_finds_nothing(city: CityParams, house: MakeBuilding) -> None:
    # 二(一) needs both the act and the day it was done to compare with the pre-announcement
    assessed = assess_building(city, 0, house(work_kind=WorkKind.NEW_BUILD), PRE, VALUATION)
    assert (assessed.category, assessed.finding) == (Category.RESIDENTIAL, None)


# ---------------------------------------------------------------- 二(三) 面积认定, 四(一) 收回


def test_a_certified_area_of_zero_or_a_fraction_is_recognised() -> None:
    # only a negative area is an input error; 0 m² (a demolished part) and 0.5 m² are areas the certificate states
    for area in (Decimal("0"), Decimal("0.5")):
        assert recognise_area(area, None).area_m2 == area
        assert recognise_area(None, area).area_m2 == area


# ---------------------------------------------------------------- 三(四)1 scope; the quote's inputs and items


def test_only_state_land_is_out_of_scope() -> None:
    # 三(四)1 "涉及国有土地房屋征收的，按…国有土地房屋征收与补偿政策执行"
    assert state_land_out_of_scope(Land.STATE) is True
    assert state_land_out_of_scope(Land.COLLECTIVE) is False


def test_same_day_dates_zero_values_and_this_year_s_house_are_valid_inputs(
    household: MakeHousehold, member: MakeMember, house: MakeBuilding
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


def amounts(q: Quote) -> dict[str, Decimal]:
    return {i.code: i.amount for i in q.items}


def test_an_item_amount_is_that_item_alone(household: MakeHousehold, params: Params) -> None:
    # 三(四)7 货币补偿: one move × 3000 元
    q = quote(household(), params)
    assert q.amount("moving_fee") == Decimal("3000.00") == amounts(q)["moving_fee"]


def test_the_unsigned_projection_is_said_only_while_unsigned(household: MakeHousehold, params: Params) -> None:
    unsigned = quote(household(), params)
    signed = quote(household(agreement_signed_on=dt.date(2023, 8, 1)), params)
    assert any(n.startswith("尚未签约") for n in unsigned.notes)
    assert not any(n.startswith("尚未签约") for n in signed.notes)


def test_half_a_square_metre_beyond_the_resettlement_area_is_paid(
    household: MakeHousehold, house: MakeBuilding, params: Params
) -> None:
    # 三(三)3(4) / 2(4): 160.5 m² legal against 160 m² 安置面积 → 0.5 m² × 3000 = 1500 元 at the appraised price
    swap = quote(household(Method.PROPERTY_SWAP, buildings=(house("160.5"),)), params)
    excess = {i.code: i for i in swap.items}["excess_area_monetary_compensation"]
    assert (excess.amount, excess.basis) == (Decimal("1500.00"), "衢政发〔2023〕2号 三(三)3(4)")
    voucher = quote(household(Method.HOUSE_VOUCHER, buildings=(house("160.5"),)), params)
    assert {i.code: i for i in voucher.items}[
        "excess_area_monetary_compensation"
    ].basis == "衢政发〔2023〕2号 三(三)2(4)"


def test_a_house_within_the_resettlement_area_is_valued_whole(household: MakeHousehold, params: Params) -> None:
    # 150 m² ≤ 160 m²: the whole 重置价值 counts, with no share of it to state
    house_value = {i.code: i for i in quote(household(Method.PROPERTY_SWAP), params).items}["house_replacement_value"]
    assert "share_within_resettlement_area" not in house_value.inputs


def test_a_voucher_on_one_square_metre_at_half_a_yuan_over_the_average_is_a_voucher(
    household: MakeHousehold, house: MakeBuilding, params: Params
) -> None:
    # 三(三)2(2) 房票价格 = 市场价格 − 平均重置价格 = 1200.5 − 1200 = 0.5 元/m² > 0; × 160 m² 安置面积 = 80 元
    q = quote(household(Method.HOUSE_VOUCHER, buildings=(house("1"),), market_price_per_m2=Decimal("1200.5")), params)
    assert amounts(q)["house_voucher_value"] == Decimal("80.00")


def test_a_purchase_at_exactly_the_voucher_value_leaves_no_remainder(household: MakeHousehold, params: Params) -> None:
    # voucher value (9000 − 1200) × 160 = 1,248,000; a flat bought for exactly that uses it all: no 剩余价值
    q = quote(household(Method.HOUSE_VOUCHER, voucher_purchase_price=Decimal("1248000")), params)
    assert amounts(q)["house_voucher_value"] == Decimal("1248000.00")
    assert "voucher_remainder_cash" not in amounts(q)


def test_non_residential_newness_multiplies_when_a_version_applies_it(
    household: MakeHousehold, house: MakeBuilding, params: Params
) -> None:
    # 三(四)2 非住宅 3 × 重置价; were 成新率 applied: 100 m² × 1200 × 3 × 0.80 = 288,000 (not ÷ 0.80 = 450,000)
    applied = dataclasses.replace(params, city=dataclasses.replace(params.city, non_residential_applies_newness=True))
    shop = house("100", use=Use.NON_RESIDENTIAL)
    q = quote(household(buildings=(house(), shop)), applied)
    assert amounts(q)["non_residential_compensation"] == Decimal("288000.00")


def test_half_a_square_metre_of_flat_beyond_the_area_is_charged(household: MakeHousehold, params: Params) -> None:
    # 三(三)3(3) "超出安置面积部分按市场评估价结算": a 160.5 m² flat on 160 m² → 0.5 m² × 10000 = 5000 元 charged
    q = quote(
        household(Method.PROPERTY_SWAP, flat_area_m2=Decimal("160.5"), flat_market_price_per_m2=Decimal("10000")),
        params,
    )
    assert amounts(q)["swap_flat_price_beyond_area"] == Decimal("-5000.00")


def test_the_homestead_note_is_given_only_while_the_district_rules_are_missing(
    household: MakeHousehold, params: Params
) -> None:
    missing = quote(household(Method.HOMESTEAD, outside_urban_plan_area=True), params)
    assert any("宅基地安置细则未录入" in n for n in missing.notes)
    supplied = dataclasses.replace(params, district=dataclasses.replace(params.district, homestead_rules_supplied=True))
    quoted = quote(household(Method.HOMESTEAD, outside_urban_plan_area=True), supplied)
    assert not any("宅基地安置细则未录入" in n for n in quoted.notes)


def test_fees_follow_any_residential_area_and_only_that(
    household: MakeHousehold, house: MakeBuilding, params: Params
) -> None:
    # 三(四)6–7 are paid on the residential house: 0.5 m² is a house (搬迁费 3000 元), a part approved and not built
    # is none (A-34: no one moves out of it)
    assert amounts(quote(household(buildings=(house("0.5"),)), params))["moving_fee"] == Decimal("3000.00")
    assert "moving_fee" not in amounts(quote(household(buildings=(house("50", built=False),)), params))


def test_a_death_without_a_birth_date_is_a_valid_declaration(household: MakeHousehold, member: MakeMember) -> None:
    # the dates are compared only when both are declared
    undated = dataclasses.replace(member(died_on=dt.date(2023, 7, 1)), born_on=None)
    validate(dataclasses.replace(household(), members=(undated,)))


def test_a_voucher_buys_new_housing_only_when_declared(household: MakeHousehold, params: Params) -> None:
    # 三(三)2(5) 购买新建商品房奖励 needs the household to declare the purchase; undeclared, no reward line
    assert "voucher_new_housing_reward" not in amounts(quote(household(Method.HOUSE_VOUCHER), params))


def test_breakdown_figures_drop_trailing_zeros_only_from_whole_numbers(
    household: MakeHousehold, house: MakeBuilding, params: Params
) -> None:
    # the inputs a caseworker reads: 150.00 m² shows as 150, 3000.50 元/m² keeps its cents
    q = quote(household(buildings=(house("150.00"),), appraised_price_per_m2=Decimal("3000.50")), params)
    inputs = {i.code: i for i in q.items}["house_monetary_compensation"].inputs
    assert (inputs["legal_area_m2"], inputs["appraised_price_per_m2"]) == ("150", "3000.50")


def test_an_appraised_item_of_zero_made_on_the_valuation_day_is_valid(household: MakeHousehold) -> None:
    # 三(四)3: the appraiser may value an item at 0 元, and an item fitted on the valuation day itself is part of
    # the house valued that day; only a negative amount or a later day is refused
    item = AppraisedItem(AppraisedKind.DECORATION, "装修", Decimal("0"), made_on=VALUATION)
    validate(dataclasses.replace(household(), appraised_items=(item,)))


def test_half_a_square_metre_of_house_is_compensated_in_money(
    household: MakeHousehold, house: MakeBuilding, params: Params
) -> None:
    # 三(三)1 货币补偿 on any built residential area: 0.5 m² × 3000 元/m² appraised = 1500 元
    q = quote(household(buildings=(house("0.5"),)), params)
    assert amounts(q)["house_monetary_compensation"] == Decimal("1500.00")


def test_a_one_square_metre_flat_is_a_property_swap(household: MakeHousehold, params: Params) -> None:
    # 三(三)3 "产权调换安置房面积须大于0": 1 m² is above 0, charged at the 1400 元/m² 安置房重置价 of the book
    q = quote(household(Method.PROPERTY_SWAP, flat_area_m2=Decimal("1")), params)
    assert amounts(q)["swap_flat_price_within_area"] == Decimal("-1400.00")
