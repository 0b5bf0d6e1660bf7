"""衢政发〔2023〕1号 items 7–16 at their boundaries.

The hand-computed cases of the calculators (items 8, 10, 12, 13, 14, 15) are in cases/policies_*.toml
(test_science_cases.py); here are what a case table cannot say: a what-if of a ratio, refusals of impossible input,
labels, and the published targets."""

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
    item,
    policy_item,
    rd_growth_met,
    rd_subsidy,
)

P = policy_params(dt.date(2023, 6, 1))
D = Decimal
ZERO = D("0.00")


def rd(expense: str, previous: str, revenue: str):  # type: ignore[no-untyped-def]
    return rd_subsidy(RdSubsidyInput(D(expense), D(previous), D(revenue)), P)


def test_valid_for_2023_only() -> None:
    assert in_force(dt.date(2023, 1, 1), P) and in_force(dt.date(2023, 12, 31), P)
    assert not in_force(dt.date(2024, 1, 1), P) and not in_force(dt.date(2022, 12, 31), P)


def test_rd_subsidy_rejects_negative_amounts() -> None:
    with pytest.raises(ValueError, match="negative"):
        rd("-1", "0", "0")


def test_items_7_to_16_are_citable_records() -> None:
    assert [i.number for i in ITEMS] == list(range(7, 17))
    assert policy_item(11).basis == "衢政发〔2023〕1号 二11"
    assert policy_item(7).targets[0].value == D("40000000")
    with pytest.raises(KeyError):
        policy_item(6)


# ---------------------------------------------------------------- 衢政发〔2023〕1号 二13 研发投入补助


def test_growth_is_measured_against_a_small_previous_year_too() -> None:
    # 1 yuan last year: 1.20 is +20%, 1.19 is not; only a previous year of 0 leaves the rate undefined (P-02)
    assert rd_growth_met(D("1.20"), D("1"), P) is True
    assert rd_growth_met(D("1.19"), D("1"), P) is False


# ---------------------------------------------------------------- 二8, 二10, 二12, 二14, 二15


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
