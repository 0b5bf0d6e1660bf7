import datetime as dt
from decimal import Decimal

import pytest

from medinsurance.parameters import params
from medinsurance.rules.performance import (
    AssessmentInput,
    Category,
    Grade,
    ItemInput,
    final_score,
    grade_all,
    score_table,
    started_steps,
    table_rows,
    whole_steps,
)

P = params("performance", dt.date(2023, 3, 1))


@pytest.mark.parametrize("category", list(Category))
def test_each_table_sums_to_100_and_full_marks(category):
    assert sum(r["max"] for r in table_rows(category, P)) == 100
    full = {r["code"]: ItemInput(change="increased") for r in table_rows(category, P) if r["mode"] == "change"}
    assert score_table(category, full, P).total == 100
    # rows without input: no deduction, requirement met, head-count unchanged (1 of 2)
    assert score_table(category, {}, P).total == 100 - len(full)


def test_comprehensive_other_key_work_is_worth_15():
    rows = {r["code"]: r for r in table_rows(Category.COMPREHENSIVE, P)}
    assert rows["C14c"]["max"] == 15
    s = score_table(Category.COMPREHENSIVE, {"C14c": ItemInput(deduction=Decimal("5"))}, P)
    assert {i.code: i.score for i in s.items}["C14c"] == 10


def test_deductions_floor_and_units():
    s = score_table(
        Category.OUTPATIENT,
        {
            "O03": ItemInput(units={"shortfall_points": Decimal("12")}),  # 8 − 2.4
            "O02": ItemInput(
                units={"mismatched_varieties": Decimal("4"), "discrepancy_points": Decimal("10")}
            ),  # 5−4−2
            "O06": ItemInput(severe=True),
            "O13": ItemInput(change="unchanged"),
            "O14": ItemInput(change="decreased"),
            "O04b": ItemInput(met=False),
        },
        P,
    )
    got = {i.code: i.score for i in s.items}
    assert got["O03"] == Decimal("5.6")
    assert got["O02"] == 0
    assert got["O06"] == 0
    assert got["O13"] == 1 and got["O14"] == 0 and got["O04b"] == 0
    with pytest.raises(ValueError):
        score_table(Category.OUTPATIENT, {"X1": ItemInput()}, P)
    with pytest.raises(ValueError):
        score_table(Category.OUTPATIENT, {"O03": ItemInput(units={"bogus": Decimal(1)})}, P)


def test_step_helpers():
    assert whole_steps(Decimal("2.9"), Decimal("1")) == 2
    assert started_steps(Decimal("2.1"), Decimal("1")) == 3
    assert started_steps(Decimal("10"), Decimal("10")) == 1
    assert started_steps(Decimal("0"), Decimal("10")) == 0


def test_final_score_weights():
    assert final_score(Decimal("80"), Decimal("90"), P) == Decimal("87.00")
    with pytest.raises(ValueError):
        final_score(Decimal("101"), Decimal("90"), P)


def inst(i, score, new=False):
    return AssessmentInput(f"i{i}", Decimal(score), Decimal(score), new)


def by_id(results):
    return {r.id: r for r in results}


def test_comprehensive_top_10_percent_for_a():
    # 10 institutions: only the top one (rank 1 ≤ 10 × 10%) can be A
    pool = [inst(0, 95), inst(1, 94)] + [inst(i, 85) for i in range(2, 10)]
    r = by_id(grade_all(Category.COMPREHENSIVE, pool, P))
    assert r["i0"].grade is Grade.A
    assert r["i1"].grade is Grade.B  # 94 but rank 2 > 1
    assert r["i2"].grade is Grade.B


def test_comprehensive_d_needs_bottom_5_percent():
    pool = [inst(i, 85) for i in range(19)] + [inst(19, 70)]
    r = by_id(grade_all(Category.COMPREHENSIVE, pool, P))
    assert r["i19"].grade is Grade.D  # rank from bottom 1 ≤ 20 × 5%
    assert r["i19"].consequences.min_inspections_per_year == 3
    pool2 = [inst(i, 85) for i in range(19)] + [inst(19, Decimal("70.01"))]
    assert by_id(grade_all(Category.COMPREHENSIVE, pool2, P))["i19"].grade is Grade.C
    small = [inst(0, 85), inst(1, 60)]  # 2 × 5% = 0.1 → nobody in the bottom 5%
    assert by_id(grade_all(Category.COMPREHENSIVE, small, P))["i1"].grade is Grade.C


def test_b_c_boundary_80_inclusive():
    pool = [inst(0, 80), inst(1, Decimal("79.99"))]
    r = by_id(grade_all(Category.COMPREHENSIVE, pool, P))
    assert r["i0"].grade is Grade.B and r["i1"].grade is Grade.C
    assert r["i1"].consequences.min_inspections_per_year == 2


def test_a_needs_90():
    pool = [inst(0, Decimal("89.99"))] + [inst(i, 50) for i in range(1, 20)]
    assert by_id(grade_all(Category.COMPREHENSIVE, pool, P))["i0"].grade is Grade.B


def test_outpatient_top_5_percent_and_suspension():
    pool = [inst(0, 95), inst(1, 93)] + [inst(i, 85) for i in range(2, 20)]
    r = by_id(grade_all(Category.OUTPATIENT, pool, P))
    assert r["i0"].grade is Grade.A  # 1 ≤ 20 × 5%
    assert r["i1"].grade is Grade.B
    # the 18 tied at 85 straddle the last-two boundary: none is suspended automatically (reading A-25)
    assert not r["i2"].consequences.settlement_suspended
    assert r["i2"].consequences.caseworker_review is not None


def test_outpatient_bottom_two_and_below_60():
    pool = [inst(i, 90 - i) for i in range(10)] + [inst(10, 59)]
    r = by_id(grade_all(Category.PHARMACY, pool, P))
    assert r["i10"].consequences.settlement_suspended  # last and below 60
    assert r["i9"].consequences.settlement_suspended  # second last (81)
    assert not r["i8"].consequences.settlement_suspended
    assert r["i9"].consequences.reassess_after_months == 3
    pool2 = [inst(i, 90 - i) for i in range(10)] + [inst(10, 60)]
    r2 = by_id(grade_all(Category.PHARMACY, pool2, P))
    assert r2["i10"].consequences.settlement_suspended  # bottom position, not below 60


def test_below_60_suspended_even_if_not_bottom_two():
    pool = [inst(0, 59), inst(1, 58), inst(2, 57), inst(3, 95)]
    r = by_id(grade_all(Category.OUTPATIENT, pool, P))
    assert r["i0"].consequences.settlement_suspended


def test_comprehensive_never_suspended_by_ranking():
    pool = [inst(0, 90), inst(1, 50)]
    assert not by_id(grade_all(Category.COMPREHENSIVE, pool, P))["i1"].consequences.settlement_suspended


def test_new_institutions_not_assessed_and_not_ranked():
    pool = [inst(0, 95), inst(1, 99, new=True)] + [inst(i, 85) for i in range(2, 11)]
    r = by_id(grade_all(Category.COMPREHENSIVE, pool, P))
    assert r["i1"].grade is None and r["i1"].final_score is None
    assert r["i0"].grade is Grade.A  # rank 1 of 10 assessed


def test_unique_ids_required():
    with pytest.raises(ValueError):
        grade_all(Category.COMPREHENSIVE, [inst(0, 90), inst(0, 80)], P)


def test_consequence_texts_carry_basis():
    r = grade_all(Category.PHARMACY, [inst(0, 95)] + [inst(i, 85) for i in range(1, 20)], P)
    assert r[0].grade is Grade.A
    assert r[0].consequences.publication == "commend"
    assert "附件1 二(四)2" in r[0].basis


def test_assessment_schedule():
    from medinsurance.rules.performance import assessment_schedule

    s = assessment_schedule(2024, P)
    assert s.half_year_period_end == dt.date(2024, 6, 30)
    assert s.half_year_done_by == dt.date(2024, 8, 31)
    assert s.annual_done_by == dt.date(2025, 3, 31)
