"""衢政发〔2023〕1号 items 7–16 at their boundaries."""

import dataclasses
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
    item,
    overseas_rd_award,
    policy_item,
    rd_growth_met,
    rd_subsidy,
    tech_transfer_income_split,
)

P = policy_params(dt.date(2023, 6, 1))
D = Decimal
ZERO = D("0.00")


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


# ---------------------------------------------------------------- 衢政发〔2023〕1号 二13 研发投入补助


def test_growth_of_20_percent_is_tested_alone() -> None:
    # "研发费用年增长20%以上": with the ratio comfortably met (1.2M of 10M revenue = 12% ≥ 3%), only growth decides:
    # 1.2M over 1M is exactly 20% (以上 includes it); 1,199,999.99 is just under; no growth at all fails
    assert rd("1200000", "1000000", "10000000").eligible is True
    assert rd("1199999.99", "1000000", "10000000").eligible is False
    assert rd("1000000", "1000000", "10000000").eligible is False


def test_growth_is_measured_against_a_small_previous_year_too() -> None:
    # 1 yuan last year: 1.20 is +20%, 1.19 is not; only a previous year of 0 leaves the rate undefined (P-02)
    assert rd_growth_met(D("1.20"), D("1"), P) is True
    assert rd_growth_met(D("1.19"), D("1"), P) is False


def test_zero_revenue_never_satisfies_the_ratio() -> None:
    # "占营业收入比重3%以上": with no 营业收入 the share is undefined, so even +100% growth does not qualify
    award = rd("1000000", "500000", "0")
    assert (award.eligible, award.amount) == (False, ZERO)
    assert award.reasons == ("研发费用1000000元未达2000000元", "研发费用占营业收入比重未达3%")
    # …whereas a revenue of 1 yuan is a revenue: 1,000,000 ≥ 3% × 1
    assert rd("1000000", "500000", "1").eligible is True


def test_refusal_reasons_name_only_the_conditions_that_failed() -> None:
    # ratio met (12%), growth not (0%): the reasons name the amount and the growth, not the ratio
    assert rd("1200000", "1200000", "10000000").reasons == ("研发费用1200000元未达2000000元", "研发费用年增长未达20%")
    # last year's R&D of 1 yuan is a known year (and 1 of 10 revenue meets the ratio): no "上年无研发费用" note
    assert rd("1", "1", "10").reasons == ("研发费用1元未达2000000元", "研发费用年增长未达20%")


def test_no_rd_at_all_is_refused_not_an_error() -> None:
    assert rd("0", "0", "1000000").eligible is False


def test_no_previous_rd_is_named_as_the_reason_growth_cannot_be_measured() -> None:
    # P-02: last year 0 → the growth rate is undefined, and the refusal says so
    assert rd("1000000", "0", "10000000").reasons == (
        "研发费用1000000元未达2000000元",
        "研发费用年增长未达20%（上年无研发费用，增长率无法计算）",
    )


def test_a_subsidy_of_exactly_100_wan_is_not_capped() -> None:
    # no previous R&D, 10,000,000 of it: 存量 0 × 2% + 增量 10,000,000 × 10% = 1,000,000 = the cap (不超过 includes it)
    award = rd("10000000", "0", "100000000")
    assert (award.eligible, award.amount, award.reasons) == (True, D("1000000.00"), ())


# ---------------------------------------------------------------- 二8, 二10, 二12, 二14, 二15


def test_international_base_award_is_paid_under_item_14() -> None:
    award = international_base_award(True, True, P)
    assert (award.eligible, award.amount, award.basis) == (True, D("1000000.00"), (item(14),))
    refused = international_base_award(True, False, P)
    assert (refused.eligible, refused.amount) == (False, ZERO)


def test_overseas_rd_award_edges() -> None:
    # 二14 "按其海外研发投入的5%给予最高不超过500万元": 1 yuan → 0.05; 100,000,000 → exactly 5,000,000, not capped
    small = overseas_rd_award(D("1"), False, P)
    assert (small.eligible, small.amount, small.basis) == (True, D("0.05"), (item(14),))
    at_cap = overseas_rd_award(D("100000000"), False, P)
    assert (at_cap.amount, at_cap.reasons) == (D("5000000.00"), ())
    for refused in (overseas_rd_award(D("1000"), True, P), overseas_rd_award(D("0"), False, P)):
        assert (refused.eligible, refused.amount) == (False, ZERO)


def test_excellent_maker_space_needs_a_superior_award() -> None:
    # 二15 "按上级补助标准1:1配套": nothing to match without a superior award; 1 yuan is matched by 1 yuan
    event, level = IncubatorEvent.EXCELLENT_MAKER_SPACE, CarrierLevel.NATIONAL
    none = incubator_award(event, level, P, D("0"))
    assert (none.eligible, none.amount) == (False, ZERO)
    one = incubator_award(event, level, P, D("1"))
    assert (one.eligible, one.amount, one.basis) == (True, D("1.00"), (item(15),))
    assert one.lines[0].label.startswith("优秀国家众创空间")
    assert incubator_award(event, CarrierLevel.PROVINCIAL, P, D("1")).lines[0].label.startswith("优秀省级")


def test_the_matching_ratio_multiplies_the_superior_award() -> None:
    # 1:1 today; a later version matching 1:2 would pay twice the superior award, not half of it
    doubled = dataclasses.replace(P, excellent_maker_space_match_ratio=D("2"))
    award = incubator_award(IncubatorEvent.EXCELLENT_MAKER_SPACE, CarrierLevel.NATIONAL, doubled, D("300000"))
    assert award.amount == D("600000.00")


def test_insurance_compensation_is_paid_under_item_8() -> None:
    # 二8 "补偿额为企业实际投保费用的80%": 1000 → 800
    award = insurance_compensation(D("1000"), P)
    assert (award.eligible, award.amount, award.basis) == (True, D("800.00"), (item(8),))


def test_item_10_city_minimum_is_an_award_under_item_10() -> None:
    # "市财政合计补助经费不低于省财政补助经费的2倍": 1,000,000 → at least 2,000,000
    award = innovation_centre_city_minimum(D("1000000"), P)
    assert (award.eligible, award.amount, award.basis) == (True, D("2000000.00"), (item(10),))


def test_item_12_no_transfer_income_exempts_nothing() -> None:
    split = tech_transfer_income_split(D("0"), P)
    assert (split.exempt, split.halved, split.taxable_base, split.basis) == (ZERO, ZERO, ZERO, item(12))


# ---------------------------------------------------------------- 二7–16: every published target against the text

# Each item's figures in the order the text gives them, 万元 converted to 元; 以上/不低于/达…以上 → ">=",
# 不超过 → "<=", a fixed sum or rate → "=".
PUBLISHED_TARGETS = {
    # 7 "争取省财政补助资金4000万元以上,其中重大创新平台资金1000万元以上,…攻关资金3000万元以上"
    7: [(">=", "40000000"), (">=", "10000000"), (">=", "30000000")],
    # 8 "知识产权质押登记额达10亿元以上,科技金融合作贷款余额达2亿元以上…补偿额为企业实际投保费用的80%"
    8: [(">=", "1000000000"), (">=", "200000000"), ("=", "0.80")],
    9: [],
    # 10 "争取省奖励资金1000万元以上,市财政合计补助经费不低于省财政补助经费的2倍"
    10: [(">=", "10000000"), (">=", "2")],
    # 11 "攻关项目10个以上,争取省财政补助经费3000万元以上…市级科技攻关项目80个以上,市财政补助总经费不低于4000万元"
    11: [(">=", "10"), (">=", "30000000"), (">=", "80"), (">=", "40000000")],
    # 12 "减按15%税率…技术转让所得不超过500万元的部分,免征"
    12: [("=", "0.15"), ("<=", "5000000")],
    # 13 "研发费用达200万元及以上…比重3%以上且…年增长20%以上…补助总额不超过100万元"
    13: [(">=", "2000000"), (">=", "0.03"), (">=", "0.20"), ("<=", "1000000")],
    # 14 "给予每家100万元奖励…最高不超过500万元的一次性奖励"
    14: [("=", "1000000"), ("<=", "5000000")],
    # 15 "国家级、省级科技企业孵化器分别给予300万元、100万元…国家级、省级众创空间给予20万元、10万元"
    15: [("=", "3000000"), ("=", "1000000"), ("=", "200000"), ("=", "100000")],
    # 16 "专项资金1000万元,用于资助青年科技人员的比例不低于50%…企业产学研合作资助专项资金300万元"
    16: [("=", "10000000"), (">=", "0.50"), ("=", "3000000")],
}


def test_every_published_target_matches_the_text() -> None:
    published = {entry.number: [(t.comparator, t.value) for t in entry.targets] for entry in ITEMS}
    assert published == {n: [(c, D(v)) for c, v in targets] for n, targets in PUBLISHED_TARGETS.items()}
