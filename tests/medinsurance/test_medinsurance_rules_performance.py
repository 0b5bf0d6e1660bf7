import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from medinsurance.parameters import params
from medinsurance.rules.performance import (
    AssessmentInput,
    AssessmentResult,
    Category,
    Grade,
    ItemInput,
    assessment_schedule,
    final_score,
    grade_all,
    proportional_steps,
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


PERFORMANCE = params("performance", dt.date(2023, 3, 1))


def test_steps_of_more_than_one_percentage_point() -> None:
    # 表3 "相较前一年同比下降的,每下降5个百分点扣1分": a 12-point fall is 2 whole steps of 5, not 12 × 5
    assert whole_steps(Decimal("12"), Decimal("5")) == 2
    assert whole_steps(Decimal("10"), Decimal("5")) == 2
    assert whole_steps(Decimal("9.99"), Decimal("5")) == 1


def test_zero_and_fractional_units_are_deductions_not_errors() -> None:
    # 门诊类 O03 "每降低1个百分点扣0.2分": no shortfall (0 units) keeps the row's full 8 points; only negative units
    # are refused
    full = {i.code: i.score for i in score_table(Category.OUTPATIENT, {}, PERFORMANCE).items}
    zero = score_table(Category.OUTPATIENT, {"O03": ItemInput(units={"shortfall_points": Decimal("0")})}, PERFORMANCE)
    assert {i.code: i.score for i in zero.items}["O03"] == full["O03"] == 8
    # a measured shortfall counts in whole points, so 0.5 is no step yet and 1.5 is one step
    half = score_table(Category.OUTPATIENT, {"O03": ItemInput(units={"shortfall_points": Decimal("0.5")})}, PERFORMANCE)
    assert {i.code: i.score for i in half.items}["O03"] == 8  # 8 − 0 × 0.2
    one_and_a_half = score_table(
        Category.OUTPATIENT, {"O03": ItemInput(units={"shortfall_points": Decimal("1.5")})}, PERFORMANCE
    )
    assert {i.code: i.score for i in one_and_a_half.items}["O03"] == Decimal("7.8")  # 8 − 1 × 0.2


def test_annual_assessment_done_by_the_end_of_a_leap_february() -> None:
    # 年度总评 "考核在次年…完成": were the deadline month February, 2023's assessment ends on 29 February 2024
    february = dataclasses.replace(PERFORMANCE, values={**PERFORMANCE.values, "annual_done_by_month": 2})
    assert assessment_schedule(2023, february).annual_done_by == dt.date(2024, 2, 29)
    assert assessment_schedule(2024, february).annual_done_by == dt.date(2025, 2, 28)


def test_final_score_accepts_both_ends_of_0_to_100() -> None:
    # 100 × 30% + 100 × 70% = 100 (a perfect score); 0 × 30% + 0 × 70% = 0
    assert final_score(Decimal("100"), Decimal("100"), PERFORMANCE) == 100
    assert final_score(Decimal("0"), Decimal("0"), PERFORMANCE) == 0
    for outside in (Decimal("-0.01"), Decimal("100.01")):
        with pytest.raises(ValueError):
            final_score(Decimal("90"), outside, PERFORMANCE)


def pool(*scores: int | str) -> list[AssessmentInput]:
    """Institutions i0, i1, … scoring the same in both assessments, so their final score is that score."""
    return [AssessmentInput(f"i{n}", Decimal(s), Decimal(s)) for n, s in enumerate(scores)]


def graded(category: Category, *scores: int | str) -> list[AssessmentResult]:
    return grade_all(category, pool(*scores), PERFORMANCE)


def test_new_institutions_are_neither_graded_nor_suspended() -> None:
    # "对于当年新增的定点医药机构,不予考核": no grade, no rank, and so none of the 暂停联网结算 of 末两位
    institutions = [*pool(95, 90), AssessmentInput("new", Decimal("40"), Decimal("40"), new_this_year=True)]
    new = grade_all(Category.OUTPATIENT, institutions, PERFORMANCE)[-1]
    assert (new.grade, new.rank, new.consequences.settlement_suspended) == (None, None, False)


def test_exactly_90_and_first_is_grade_a() -> None:
    # "考核得分90分以上且居前10%": 以上 includes 90; rank 1 ≤ 10 × 10% = 1
    results = graded(Category.COMPREHENSIVE, 90, *[85] * 9)
    assert results[0].grade is Grade.A


def test_second_rank_is_within_the_top_10_percent_of_twenty() -> None:
    # 20 institutions: 居前10% = ranks ≤ 20 × 10% = 2; rank 3 is outside
    results = graded(Category.COMPREHENSIVE, 99, 98, 97, *[85] * 17)
    assert [r.grade for r in results[:3]] == [Grade.A, Grade.A, Grade.B]
    assert [r.rank for r in results[:3]] == [1, 2, 3]


def test_second_rank_is_within_the_top_5_percent_of_forty_outpatient() -> None:
    # 门诊类 "90分以上且居前5%": 40 × 5% = 2 → ranks 1 and 2 are A, rank 3 (still ≥ 90) is B
    results = graded(Category.OUTPATIENT, 99, 98, 97, *[85] * 37)
    assert [r.grade for r in results[:3]] == [Grade.A, Grade.A, Grade.B]


def test_second_from_bottom_is_within_the_bottom_5_percent_of_forty() -> None:
    # "70分以下且居后5%": 40 × 5% = 2 → the two lowest (both ≤ 70) are D, the third lowest is C
    results = graded(Category.COMPREHENSIVE, *[85] * 37, 70, 69, 68)
    assert [r.grade for r in results[-3:]] == [Grade.C, Grade.D, Grade.D]


def test_exactly_60_outside_the_last_two_is_not_suspended_but_just_below_is() -> None:
    # "将排名末两位的或考核得分低于60分的予以暂停联网结算": 低于 excludes 60; the institution scoring 60 is third
    # from the bottom, so neither condition holds; at 59.99 the score condition alone holds
    at_60 = graded(Category.OUTPATIENT, 95, *[85] * 7, 60, 50, 40)
    assert at_60[8].consequences.settlement_suspended is False
    below = graded(Category.OUTPATIENT, 95, *[85] * 7, "59.99", 50, 40)
    assert below[8].consequences.settlement_suspended is True


def test_last_two_positions_are_suspended_even_with_high_scores() -> None:
    # the position condition alone: 末两位 of a strong pool, all above 60 (and above 70: grade B, not D)
    results = graded(Category.PHARMACY, 99, *[95] * 7, 85, 84, 83)
    assert [r.consequences.settlement_suspended for r in results[-3:]] == [False, True, True]
    assert results[-1].grade is Grade.B


def test_comprehensive_consequences_per_grade() -> None:
    # 二(四)1: A 减少检查·增加预拨·张榜; B 加大检查 (no count)·减少预拨·通报; C 至少每年2次; D 至少每年三次
    results = graded(Category.COMPREHENSIVE, 95, *[85] * 17, 75, 65)
    a, b, c, d = results[0], results[1], results[-2], results[-1]
    assert [r.grade for r in (a, b, c, d)] == [Grade.A, Grade.B, Grade.C, Grade.D]
    assert (a.consequences.fund_preallocation, a.consequences.publication) == ("increase", "commend")
    assert a.consequences.min_inspections_per_year is None
    assert [r.consequences.min_inspections_per_year for r in (b, c, d)] == [None, 2, 3]
    assert {(r.consequences.fund_preallocation, r.consequences.publication) for r in (b, c, d)} == {
        ("decrease", "notify")
    }
    assert not any(r.consequences.settlement_suspended for r in results)


@pytest.mark.parametrize("category", [Category.OUTPATIENT, Category.PHARMACY])
def test_outpatient_and_pharmacy_consequences_per_grade(category: Category) -> None:
    # 二(四)2: B "至少每年检查2次及以上", C "至少每年检查3次及以上", both 减少基金预拨·通报公布;
    # D "根据优胜劣汰、动态管理原则" with 暂停联网结算 and 整改3个月后再进行考核 for the last two
    results = graded(category, 95, *[85] * 16, 75, 72, 65)
    b, c, d = results[1], results[-2], results[-1]
    assert [r.grade for r in (b, c, d)] == [Grade.B, Grade.C, Grade.D]
    assert (b.consequences.min_inspections_per_year, b.consequences.fund_preallocation) == (2, "decrease")
    assert (c.consequences.min_inspections_per_year, c.consequences.publication) == (3, "notify")
    assert d.consequences.items[0] == "根据优胜劣汰、动态管理原则进行管理"
    assert (d.consequences.fund_preallocation, d.consequences.publication) == (None, None)
    assert d.consequences.settlement_suspended is True
    assert d.consequences.reassess_after_months == 3
    assert any("暂停联网结算" in item for item in d.consequences.items)
    assert b.consequences.reassess_after_months is None


def test_work_completion_deductions_accumulate_across_the_group():
    # 门诊类 4 工作完成情况: 结算率 10 + 非标率 5 + 其它重点工作 10 + 日常工作 10 = 35 points.
    # 结算率 12 points short → 12 deducted; the group keeps 35 − 12 = 23 (not 35 − 10 = 25 row by row).
    result = score_table(Category.OUTPATIENT, {"O04a": ItemInput(units={"shortfall_points": Decimal(12)})}, PERFORMANCE)
    group = {i.code: i.score for i in result.items if i.section == "工作完成情况"}
    assert sum(group.values()) == Decimal(23)
    assert group["O04a"] == 0 and group["O04b"] == 3  # the 2 points over 结算率's 10 come off the next row
    # 100 − 2 (O13/O14 unentered = unchanged, 1 of 2 each, A-42) − 12 = 86
    assert result.total == Decimal(86)


def test_group_stops_at_its_total():
    # 药店 4 (with 日常工作 P05a, A-21): 10 + 5 + 10 + 10 = 35; deductions 30 + 5 (非标率 not met) + 8 + 12 = 55 > 35
    inputs = {
        "P04a": ItemInput(units={"shortfall_points": Decimal(30)}),
        "P04b": ItemInput(met=False),
        "P04c": ItemInput(deduction=Decimal(8)),
        "P05a": ItemInput(units={"incidents": Decimal(12)}),
    }
    result = score_table(Category.PHARMACY, inputs, PERFORMANCE)
    assert sum(i.score for i in result.items if i.section == "工作完成情况") == 0
    # 100 − 1 (P12 unchanged, A-42) − 35 = 64: 扣完为止 at the group's total
    assert result.total == Decimal(64)
    # 综合类 14: 10 + 5 + 15 = 30; 5 short on 结算率 and 其他重点工作 −4 → 30 − 9 = 21
    comp = score_table(
        Category.COMPREHENSIVE,
        {"C14a": ItemInput(units={"shortfall_points": Decimal(5)}), "C14c": ItemInput(deduction=Decimal(4))},
        PERFORMANCE,
    )
    assert sum(i.score for i in comp.items if i.section == "工作完成情况") == Decimal(21)


def test_five_thousand_ranked_like_the_definition():
    # scores 60.00 … 99.99 cycling, so many ties; rank = 1 + number strictly higher
    pool = [
        AssessmentInput(f"i{k}", Decimal(6000 + (k * 37) % 4000) / 100, Decimal(6000 + (k * 37) % 4000) / 100)
        for k in range(5000)
    ]
    results = {r.id: r for r in grade_all(Category.PHARMACY, pool, PERFORMANCE)}
    finals = [r.final_score for r in results.values()]
    for k in range(0, 5000, 499):
        s = results[f"i{k}"].final_score
        assert results[f"i{k}"].rank == 1 + sum(1 for v in finals if v > s)


def graded_by_id(category, *scores):
    return {r.id: r for r in grade_all(category, pool(*scores), PERFORMANCE)}


def test_fifty_tied_pharmacies_are_not_all_suspended():
    r = graded_by_id(Category.PHARMACY, 95, 90, 88, *([75] * 50))
    tied = [r[f"i{k}"] for k in range(3, 53)]
    assert not any(t.consequences.settlement_suspended for t in tied)
    assert all(t.consequences.caseworker_review for t in tied)
    assert r["i0"].consequences.caseworker_review is None


def test_strictly_last_two_are_suspended():
    # 90, 80, 80, 70, 65: 65 is last, 70 second last → both suspended; the 80s are 3rd/4th from the bottom
    r = graded_by_id(Category.OUTPATIENT, 90, 80, 80, 70, 65)
    assert r["i4"].consequences.settlement_suspended and r["i3"].consequences.settlement_suspended
    assert not r["i1"].consequences.settlement_suspended and r["i1"].consequences.caseworker_review is None


def test_a_tie_filling_exactly_the_last_two_places_is_suspended():
    r = graded_by_id(Category.PHARMACY, 90, 80, 70, 70)
    assert r["i2"].consequences.settlement_suspended and r["i3"].consequences.settlement_suspended
    assert r["i2"].consequences.caseworker_review is None


def test_tie_across_the_boundary_goes_to_the_caseworker():
    # 90, 80, 80, 70: 70 is last (suspended); the two 80s share 2nd/3rd from the bottom → review, not suspended
    r = graded_by_id(Category.OUTPATIENT, 90, 80, 80, 70)
    assert r["i3"].consequences.settlement_suspended
    for k in ("i1", "i2"):
        assert not r[k].consequences.settlement_suspended
        assert "经办机构决定" in r[k].consequences.caseworker_review


def test_below_60_is_suspended_whatever_the_tie():
    # "低于60分" suspends on its own: three tied at 59.99 all suspended; exactly 60 is not 低于60
    r = graded_by_id(Category.PHARMACY, 95, 90, 85, Decimal("59.99"), Decimal("59.99"), Decimal("59.99"))
    assert all(r[f"i{k}"].consequences.settlement_suspended for k in (3, 4, 5))
    r60 = graded_by_id(Category.PHARMACY, 95, 90, 85, 60, 60, 60)
    assert not any(r60[f"i{k}"].consequences.settlement_suspended for k in (3, 4, 5))


def test_fractional_points_count_whole_steps():
    # 门诊类 3 人脸识别成功率 8分 "每降低1个百分点扣0.2分": 2.5 points short → 2 whole steps → 0.4 → 7.6
    r = score_table(Category.OUTPATIENT, {"O03": ItemInput(units={"shortfall_points": Decimal("2.5")})}, PERFORMANCE)
    assert next(i.score for i in r.items if i.code == "O03") == Decimal("7.6")


def test_started_steps_where_the_row_says_so():
    # 门诊类 8 结算人数 7分 "每下降10%(不足10%的按照10%计)扣1分": 12% = 1.2 steps → 2 started steps → 7 − 2 = 5
    r = score_table(Category.OUTPATIENT, {"O08": ItemInput(units={"ten_percent_steps": Decimal("1.2")})}, PERFORMANCE)
    assert next(i.score for i in r.items if i.code == "O08") == Decimal(5)


def _reading(**values: str) -> object:
    return dataclasses.replace(P, values={**P.values, **values})


def test_a_part_of_a_step_under_each_reading_of_a_22():
    """门诊类 O04a 医保电子凭证结算率 "每差1个百分点扣1分", 2.5 points short (the row does not say 不足1个按1个计):
    whole steps (chosen) deduct 2 → 8; started steps 3 → 7; pro rata 2.5 → 7.5. A row that says so (O08 结算人数,
    "不足10%的按照10%计") counts started steps whatever the reading: 1.2 steps → 2 → 7 − 2 = 5."""
    short = {
        "O04a": ItemInput(units={"shortfall_points": Decimal("2.5")}),
        "O08": ItemInput(units={"ten_percent_steps": Decimal("1.2")}),
    }
    for reading, o04a in (("whole", 8), ("started", 7), ("proportional", Decimal("7.5"))):
        p = _reading(partial_steps=reading)
        scores = {i.code: i.score for i in score_table(Category.OUTPATIENT, short, p).items}
        assert (scores["O04a"], scores["O08"]) == (o04a, 5), reading


def test_the_places_of_a_share_under_each_reading_of_a_24():
    """Five 综合类 hospitals, the first at 95 and the last at 60: "居前10%" covers 5 × 10% = 0.5 places, "居后5%" 0.25
    (exact, chosen): no A, no D (B and C). Rounded up, each covers 1 place: the first is A, the last D. A pool of 10
    covers exactly 1 place either way."""
    scores = [95, 88, 85, 82, 60]
    pool = [AssessmentInput(f"H{n}", Decimal(s), Decimal(s)) for n, s in enumerate(scores)]
    assert [r.grade for r in grade_all(Category.COMPREHENSIVE, pool, P)] == [
        Grade.B,
        Grade.B,
        Grade.B,
        Grade.B,
        Grade.C,
    ]
    rounded = _reading(share_positions="rounded_up")
    graded = [r.grade for r in grade_all(Category.COMPREHENSIVE, pool, rounded)]
    assert graded == [Grade.A, Grade.B, Grade.B, Grade.B, Grade.D]
    ten = [AssessmentInput(f"H{n}", Decimal(95 - n), Decimal(95 - n)) for n in range(10)]
    assert [r.grade for r in grade_all(Category.COMPREHENSIVE, ten, P)][:2] == [Grade.A, Grade.B]
    assert [r.grade for r in grade_all(Category.COMPREHENSIVE, ten, rounded)][:2] == [Grade.A, Grade.B]


def test_proportional_steps_count_the_part_of_a_step():
    """A-22 pro rata: 2.5 points of 1-point steps are 2.5 steps; 7.5 points of "每超过标准5个百分点" steps are 1.5; an
    excess below 0 (better than the standard) is none."""
    assert proportional_steps(Decimal("2.5"), Decimal("1")) == Decimal("2.5")
    assert proportional_steps(Decimal("7.5"), Decimal("5")) == Decimal("1.5")
    assert proportional_steps(Decimal("-1"), Decimal("1")) == 0
