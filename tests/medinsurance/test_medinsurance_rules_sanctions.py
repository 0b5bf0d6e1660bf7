import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from medinsurance.parameters import params
from medinsurance.rules.sanctions import (
    AGGRAVATING,
    CASES,
    MITIGATING,
    STANDARDS,
    Measure,
    RatioOutOfRange,
    case_applies,
    case_basis,
    check_suspension_days,
    decide,
    penalty,
    ratio_range,
    suspension_range,
    tier_of,
)

P = params("sanctions", dt.date(2023, 3, 1))
AGREEMENT = params("agreement", dt.date(2023, 3, 1))


def test_every_enumerated_case_has_a_code():
    counts = {t: sum(1 for c in CASES if tier_of(c) == t) for t in range(1, 6)}
    assert counts == {1: 5, 2: 5, 3: 24, 4: 3, 5: 17}
    assert case_basis("T3_24") == "衢医保发〔2023〕8号 五(三)3(24)"
    assert len(STANDARDS) == 21 and len(MITIGATING) == 6 and len(AGGRAVATING) == 7


def test_penalty_is_amount_times_ratio_rounded_to_fen():
    p = penalty(3, Decimal("12345.67"), Decimal("0.15"), P, decided_on=dt.date(2023, 5, 1))
    assert p.amount == Decimal("1851.85")  # 1851.8505 → half up
    assert p.due_on == dt.date(2023, 5, 31)
    assert "五(五)" in p.basis


@pytest.mark.parametrize("ratio", ["0.10", "0.30", "0.2"])
def test_tier3_range_inclusive(ratio):
    assert penalty(3, Decimal("1000"), Decimal(ratio), P).amount == Decimal("1000") * Decimal(ratio)


@pytest.mark.parametrize("ratio", ["0.0999", "0.3001", "0.5"])
def test_tier3_outside_range_rejected(ratio):
    with pytest.raises(RatioOutOfRange):
        penalty(3, Decimal("1000"), Decimal(ratio), P)


@pytest.mark.parametrize("tier", [1, 2, 4, 5])
def test_other_tiers_allow_no_penalty(tier):
    assert penalty(tier, Decimal("1000"), Decimal("0"), P).amount == Decimal("0.00")
    with pytest.raises(RatioOutOfRange):
        penalty(tier, Decimal("1000"), Decimal("0.1"), P)


def test_bad_tier():
    with pytest.raises(ValueError):
        ratio_range(6, P)


def test_mitigating_and_aggravating_bound_the_ratio():
    m = ratio_range(3, P, mitigating=frozenset({1}))
    assert (m.low, m.high) == (Decimal("0.10"), Decimal("0.20"))
    a = ratio_range(3, P, aggravating=frozenset({2}))
    assert (a.low, a.high) == (Decimal("0.20"), Decimal("0.30"))
    both = ratio_range(3, P, mitigating=frozenset({1}), aggravating=frozenset({2}))
    assert (both.low, both.high) == (Decimal("0.10"), Decimal("0.30"))
    with pytest.raises(RatioOutOfRange):
        penalty(3, Decimal("100"), Decimal("0.21"), P, mitigating=frozenset({3}))
    with pytest.raises(RatioOutOfRange):
        penalty(3, Decimal("100"), Decimal("0.19"), P, aggravating=frozenset({1}))
    with pytest.raises(ValueError):
        ratio_range(3, P, aggravating=frozenset({8}))


def test_suspension_ranges():
    assert suspension_range(3, P).min_days == 30
    assert suspension_range(4, P).min_days == 60
    assert suspension_range(1, P) is None
    check_suspension_days(3, 30, P)
    check_suspension_days(3, 180, P)
    check_suspension_days(4, 60, P)
    for tier, days in ((3, 29), (3, 181), (4, 59), (4, 181)):
        with pytest.raises(ValueError):
            check_suspension_days(tier, days, P)
    with pytest.raises(ValueError):
        check_suspension_days(5, 60, P)


def test_second_suspension_in_term_escalates():
    first = decide("T3_2", AGREEMENT, suspending=True, prior_suspensions_this_term=0)
    assert first.tier == 3 and not first.escalated and Measure.PENALTY in first.measures
    second = decide("T4_1", AGREEMENT, suspending=True, prior_suspensions_this_term=1)
    assert second.escalated and second.tier == 5
    assert Measure.TERMINATE_AGREEMENT in second.measures
    assert "五(三)5(1)" in second.basis
    with pytest.raises(ValueError):
        decide("T2_1", AGREEMENT, suspending=True, prior_suspensions_this_term=0)
    with pytest.raises(ValueError):
        tier_of("T9_1")


def test_negative_amount_rejected():
    with pytest.raises(ValueError):
        penalty(3, Decimal("-1"), Decimal("0.1"), P)


def test_monitoring_fault_case_thresholds():
    from medinsurance.rules.sanctions import monitoring_fault_case

    assert monitoring_fault_case(3, 0, P) == "T3_5"
    assert monitoring_fault_case(2, 0, P) is None
    assert monitoring_fault_case(0, 2, P) == "T3_5"
    assert monitoring_fault_case(0, 1, P) is None


SANCTIONS = params("sanctions", dt.date(2023, 3, 1))


def test_standards_are_numbered_as_in_attachment_3() -> None:
    # 附件3 一 (一)–(二十一): the first and the last named ones
    assert sorted(STANDARDS) == list(range(1, 22))
    assert (STANDARDS[1], STANDARDS[2], STANDARDS[21]) == ("分解住院", "挂床住院", "不合理诊疗")


def test_mitigating_and_aggravating_circumstances_are_numbered_as_in_attachment_3() -> None:
    # 附件3 二 (一)–(六) 从轻或减轻, 三 (一)–(七) 从重; the catch-alls are the last items
    assert sorted(MITIGATING) == list(range(1, 7))
    assert MITIGATING[6] == "其他依法应当从轻或减轻处罚的"
    assert sorted(AGGRAVATING) == list(range(1, 8))
    assert AGGRAVATING[7] == "其他依法应当从重处罚的"


def test_the_mitigating_catch_all_narrows_the_ratio() -> None:
    # 附件3 二(六) "其他依法应当从轻或减轻处罚的" is a 从轻 circumstance like (一)–(五): at most the split ratio
    narrowed = ratio_range(3, SANCTIONS, mitigating=frozenset({6}))
    assert narrowed.high == SANCTIONS.decimal("mitigation_split_ratio")


def test_the_30_percent_ceiling_caps_a_higher_tier_maximum() -> None:
    # 五(五) "原则上不超过…30%" binds even a parameter version whose 五(三)3 range would reach 40%
    wider = dataclasses.replace(SANCTIONS, values={**SANCTIONS.values, "tier3_ratio_max": Decimal("0.40")})
    assert ratio_range(3, wider).high == Decimal("0.30")


def test_a_zero_or_small_violation_amount_is_a_penalty_not_an_error() -> None:
    # 违约金 = 核定违规医保费用 × 违约支付比例: 0 × 10% = 0.00; 0.50 × 10% = 0.05
    assert penalty(3, Decimal("0"), Decimal("0.10"), SANCTIONS).amount == Decimal("0.00")
    assert penalty(3, Decimal("0.50"), Decimal("0.10"), SANCTIONS).amount == Decimal("0.05")


def test_a_penalty_under_one_yuan_still_has_its_payment_date() -> None:
    # 五(五) 违约金 = 5.00 × 10% = 0.50 元 (tier 3 allows 10–30%); "原则上应在30日内完成缴款": due 2023-06-01 + 30 days
    small = penalty(3, Decimal("5.00"), Decimal("0.10"), SANCTIONS, decided_on=dt.date(2023, 6, 1))
    assert small.amount == Decimal("0.50") and small.due_on == dt.date(2023, 7, 1)


def test_tier3_cases_by_kind():
    for item in range(13, 22):
        assert case_applies(f"T3_{item}", pharmacy=False) and not case_applies(f"T3_{item}", pharmacy=True)
    for item in (12, 22, 23):
        assert case_applies(f"T3_{item}", pharmacy=True) and not case_applies(f"T3_{item}", pharmacy=False)
    for common in ("T3_1", "T3_11", "T3_24", "T1_1", "T5_7"):
        assert case_applies(common, pharmacy=True) and case_applies(common, pharmacy=False)


def test_zero_penalty_has_no_due_date():
    # tier 3, 10% of 0.00 = 0.00: nothing to pay, so no "30日内完成缴款" date
    nothing = penalty(3, Decimal("0.00"), Decimal("0.10"), SANCTIONS, decided_on=dt.date(2023, 5, 1))
    assert nothing.amount == Decimal("0.00") and nothing.due_on is None
    # 1000.00 × 10% = 100.00, due 30 calendar days after 2023-05-01 → 2023-05-31
    due = penalty(3, Decimal("1000.00"), Decimal("0.10"), SANCTIONS, decided_on=dt.date(2023, 5, 1))
    assert (due.amount, due.due_on) == (Decimal("100.00"), dt.date(2023, 5, 31))
    # tier 5 allows no 违约金: ratio 0 → 0.00 and no due date
    assert penalty(5, Decimal("5000.00"), Decimal(0), SANCTIONS, decided_on=dt.date(2023, 5, 1)).due_on is None
