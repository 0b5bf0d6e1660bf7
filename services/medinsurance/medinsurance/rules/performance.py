"""绩效考核 of 衢医保发〔2023〕8号 附件1 二 and the three 绩效考核标准 tables.

"年度绩效考核最终得分=半年拟评得分*权重比30%+年度总评得分*权重比70%"; grades A/B/C/D per category with the
percentile conditions of 附件1 二(四); "对于当年新增的定点医药机构,不予考核".
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from medinsurance.rules.basis import basis, complete_from
from qz_common.params import ParameterSet

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")


class Category(StrEnum):
    COMPREHENSIVE = "comprehensive"  # 综合类定点医疗机构 (表3)
    OUTPATIENT = "outpatient"  # 门诊类定点医疗机构
    PHARMACY = "pharmacy"  # 定点零售药店


TABLE_NAMES = {
    Category.COMPREHENSIVE: "表3 综合类定点医疗机构绩效考核标准",
    Category.OUTPATIENT: "门诊类定点医疗机构绩效考核标准",
    Category.PHARMACY: "定点零售药店绩效考核标准",
}


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


# ---------------------------------------------------------------- table scoring


@dataclass(frozen=True)
class ItemInput:
    """What a caseworker enters for one table row (only the fields its mode uses)."""

    units: dict[str, Decimal] = field(default_factory=dict)  # mode "deduct": counted units per deduction kind
    deduction: Decimal = ZERO  # mode "entered": the deduction under the row's rule (诚信记分 etc.)
    met: bool = True  # mode "met"
    change: str = "unchanged"  # mode "change": increased | unchanged | decreased
    severe: bool = False  # 满意度 "如情节严重直接扣完"


@dataclass(frozen=True)
class TableItem:
    code: str
    section: str
    name: str
    max: Decimal
    score: Decimal
    basis: str


@dataclass(frozen=True)
class TableScore:
    category: Category
    items: tuple[TableItem, ...]
    total: Decimal
    basis: str


def table_rows(category: Category, p: ParameterSet) -> list[dict[str, Any]]:
    """The category's rows. 表3 其他重点工作 prints 分值 15 but "按时保质保量完成得10分": reading A-20 (parameter
    ``other_key_work_points`` = ``column``) takes the 15 of the 分值 column; the other reading (``rule``) takes the
    rule's 10 (the row's ``rule_max``), so the table sums to 95."""
    rows: list[dict[str, Any]] = p[category.value]
    if p["other_key_work_points"] == "rule":
        return [row | {"max": row["rule_max"]} if "rule_max" in row else row for row in rows]
    return rows


def _raw_score(row: dict[str, Any], inp: ItemInput, p: ParameterSet) -> Decimal:
    """The row's points under its own rule, before 扣完为止 (may fall below 0)."""
    mx: Decimal = row["max"]
    mode = row["mode"]
    if mode == "deduct":
        per_unit: dict[str, Decimal] = row.get("units", {})
        bad = set(inp.units) - set(per_unit)
        if bad:
            raise ValueError(f"{row['code']} has no unit kinds {sorted(bad)}")
        if any(v < 0 for v in inp.units.values()):
            raise ValueError(f"{row['code']} units must not be negative")
        rounding = started_steps if row.get("started_steps") else PARTIAL_STEPS[p["partial_steps"]]
        return mx - sum((rounding(inp.units.get(k, ZERO), ONE) * v for k, v in per_unit.items()), ZERO)
    if mode == "entered":
        if inp.deduction < 0:
            raise ValueError(f"{row['code']} deduction must not be negative")
        return mx - inp.deduction
    if mode == "met":
        return mx if inp.met else ZERO
    if mode == "change":
        return {"increased": mx, "unchanged": p.decimal("change_unchanged_points"), "decreased": ZERO}[inp.change]
    raise ValueError(f"unknown mode {mode}")  # pragma: no cover - parameter file error


def _spread_over_group(maxima: list[Decimal], raw: list[Decimal]) -> list[Decimal]:
    """ "如果涉多个项目时,则累计计算扣分,扣完为止" (reading A-62): the deductions of the group's rows add up and stop at
    the group's total. Each row first loses its own deduction; what exceeds a row's points is taken from the rows
    of the group in table order, so the group scores max(0, Σ max − Σ deductions)."""
    scores = [max(ZERO, min(r, m)) for m, r in zip(maxima, raw, strict=True)]
    overflow = sum((max(ZERO, -r) for r in raw), ZERO)
    for k, score in enumerate(scores):
        taken = min(score, overflow)
        scores[k] = score - taken
        overflow -= taken
    return scores


def score_table(category: Category, inputs: dict[str, ItemInput], p: ParameterSet) -> TableScore:
    """Score one half-year or annual assessment on the category's table: each row floors at 0 (扣完为止), caps at max;
    the rows of a 工作完成情况 group share their floor (``_spread_over_group``).

    Rows without an input are taken as: no deduction, requirement met, head-count unchanged.
    """
    rows = table_rows(category, p)
    known = {r["code"] for r in rows}
    unknown = set(inputs) - known
    if unknown:
        raise ValueError(f"unknown {category} rows {sorted(unknown)}")
    raw: list[Decimal] = []
    for row in rows:
        inp = inputs.get(row["code"], ItemInput())
        score = _raw_score(row, inp, p)
        if row.get("severe_zeroes") and inp.severe:
            score = ZERO
        raw.append(score)
    scores = [max(ZERO, min(r, row["max"])) for row, r in zip(rows, raw, strict=True)]
    # Reading A-62 (parameter ``group_deductions``): "累计计算扣分,扣完为止" pools the group's deductions
    # (``cumulative``); the other reading (``per_row``) stops each row's deduction at its own points.
    cumulative: list[str] = p["cumulative_deduction_sections"] if p["group_deductions"] == "cumulative" else []
    for section in cumulative:
        members = [k for k, row in enumerate(rows) if row["section"] == section]
        spread = _spread_over_group([rows[k]["max"] for k in members], [raw[k] for k in members])
        for k, score in zip(members, spread, strict=True):
            scores[k] = score
    items = [
        TableItem(
            row["code"],
            row["section"],
            row["name"],
            row["max"],
            score,
            basis(f"附件4 {TABLE_NAMES[category]} {row['code']}"),
        )
        for row, score in zip(rows, scores, strict=True)
    ]
    return TableScore(
        category, tuple(items), sum((i.score for i in items), ZERO), basis(f"附件4 {TABLE_NAMES[category]}")
    )


def whole_steps(excess: Decimal, step: Decimal) -> Decimal:
    """Units for "每降低/每超过 N 个百分点扣 x 分": whole steps only (reading A-22)."""
    return Decimal(math.floor(max(ZERO, excess) / step))


def started_steps(excess: Decimal, step: Decimal) -> Decimal:
    """Units for rows saying "(不足N的按照N计)": every started step counts."""
    return Decimal(math.ceil(max(ZERO, excess) / step))


def proportional_steps(excess: Decimal, step: Decimal) -> Decimal:
    """Units for "每降低 N 个百分点扣 x 分" read pro rata (A-22's other reading): 2.5 points lowered deduct 2.5 × x."""
    return max(ZERO, excess) / step


# Reading A-22 (parameter ``partial_steps``): how a row that does not say "(不足N的按照N计)" counts a part of a step.
PARTIAL_STEPS = {"whole": whole_steps, "started": started_steps, "proportional": proportional_steps}


# ---------------------------------------------------------------- final score and grade


@dataclass(frozen=True)
class AssessmentSchedule:
    half_year_period_end: dt.date
    half_year_done_by: dt.date
    annual_period_end: dt.date
    annual_done_by: dt.date
    basis: str


def assessment_schedule(year: int, p: ParameterSet) -> AssessmentSchedule:
    """附件1 二(三) "半年拟评,1月1号至6月30为考核时间段…半年拟评在八月底前完成。
    年度总评,以一个自然年度为考核时间段,考核在次年一季度完成"."""
    h_end = p.integer("half_year_end_month")
    h_done = p.integer("half_year_done_by_month")
    a_done = p.integer("annual_done_by_month")
    return AssessmentSchedule(
        dt.date(year, h_end, calendar.monthrange(year, h_end)[1]),
        dt.date(year, h_done, calendar.monthrange(year, h_done)[1]),
        dt.date(year, 12, 31),
        dt.date(year + 1, a_done, calendar.monthrange(year + 1, a_done)[1]),
        basis("附件1 二(三)"),
    )


def final_score(half_year: Decimal, annual: Decimal, p: ParameterSet) -> Decimal:
    """附件1 二(三) "年度绩效考核最终得分=半年拟评得分*权重比30%+年度总评得分*权重比70%": reading A-23 (parameter
    ``final_score_rounding`` = ``exact``) grades the unrounded sum; the other reading (``cent``) rounds it half up to
    0.01 first, as the scores it is made of are given, so 79.995 grades as 80.00."""
    for s in (half_year, annual):
        if not ZERO <= s <= 100:
            raise ValueError("考核得分 must lie in 0–100")
    exact = half_year * p.decimal("half_year_weight") + annual * p.decimal("annual_weight")
    return exact.quantize(CENT, ROUND_HALF_UP) if p["final_score_rounding"] == "cent" else exact


@dataclass(frozen=True)
class AssessmentInput:
    id: str
    half_year_score: Decimal
    annual_score: Decimal
    new_this_year: bool = False


@dataclass(frozen=True)
class Consequences:
    items: tuple[str, ...]
    min_inspections_per_year: int | None
    fund_preallocation: str | None  # "increase" | "decrease"
    publication: str | None  # "commend" (张榜公布树立正面典型) | "notify" (通报公布)
    settlement_suspended: bool
    reassess_after_months: int | None
    caseworker_review: str | None = None  # a tie across the 排名末两位 boundary, left to the caseworker


@dataclass(frozen=True)
class AssessmentResult:
    id: str
    final_score: Decimal | None
    grade: Grade | None
    rank: int | None
    consequences: Consequences
    basis: str


_COMMEND = "减少日常监督检查频次、增加基金预拨、张榜公布树立正面典型"
_DYNAMIC = "根据优胜劣汰、动态管理原则进行管理"
# 附件1 二(四) 最少检查次数 of each grade that has one: (category group, grade) → parameter. 综合类 B "加大日常监督
# 检查频次" names no count.
_MIN_INSPECTIONS = {
    (True, Grade.C): "comprehensive_c_min_inspections",
    (True, Grade.D): "comprehensive_d_min_inspections",
    (False, Grade.B): "outpatient_b_min_inspections",
    (False, Grade.C): "outpatient_c_min_inspections",
}


def _inspections(comprehensive: bool, grade: Grade, p: ParameterSet) -> tuple[str, int | None]:
    """The grade's "加大日常监督检查频次…减少基金预拨、同时予以通报公布", with its least yearly inspections."""
    key = _MIN_INSPECTIONS.get((comprehensive, grade))
    if key is None:
        return "加大日常监督检查频次、减少基金预拨、同时予以通报公布", None
    count = p.integer(key)
    return f"加大日常监督检查频次,至少每年检查{count}次及以上,减少基金预拨、同时予以通报公布", count


def _consequences(category: Category, grade: Grade, suspended: bool, p: ParameterSet) -> Consequences:
    """附件1 二(四) 结果运用 of ``grade``, as printed for the category (reading A-26), and for a 门诊类 institution or a
    pharmacy suspended by 二(四)2 "予以暂停联网结算,整改3个月后再进行考核,考核仍不合格的,予以解除医保协议"."""
    reassess = p.integer("reassess_months") if suspended else None
    suspension = (
        (f"暂停联网结算,整改{reassess}个月后再进行考核,考核仍不合格的,予以解除医保协议,退出医保定点管理",)
        if suspended
        else ()
    )
    if grade is Grade.A:
        return Consequences((_COMMEND, *suspension), None, "increase", "commend", suspended, reassess)
    if grade is Grade.D and category is not Category.COMPREHENSIVE:
        return Consequences((_DYNAMIC, *suspension), None, None, None, suspended, reassess)
    text, inspections = _inspections(category is Category.COMPREHENSIVE, grade, p)
    return Consequences((text, *suspension), inspections, "decrease", "notify", suspended, reassess)


def reassessment_due(suspended_on: dt.date, p: ParameterSet, calendar: ParameterSet) -> dt.date:
    """附件1 二(四)2 "予以暂停联网结算,整改3个月后再进行考核": when the 3 months are 满 (reading A-49, as the calendar
    book reads A-02: the corresponding day, or the day after it)."""
    return complete_from(suspended_on, p.integer("reassess_months"), calendar)


def pool_district(district: str, p: ParameterSet) -> str | None:
    """The district whose institutions an institution of ``district`` is ranked among, None for the whole city.

    附件1 二(一) "各统筹区经办机构分别负责与本统筹区签订协议的定点医药机构年度医保服务质量评价工作"; 二(四) "居前10%",
    "居后5%", "排名末两位" rank it among others. Reading A-72 (``assessment_pool``): ``district`` (chosen) — the year's
    assessments of its category in its own district; ``city`` — those of the whole city."""
    return None if p["assessment_pool"] == "city" else district


def share_places(n: int, share: Decimal, p: ParameterSet) -> Decimal:
    """The places "居前/居后 x%" covers in a pool of ``n`` (reading A-24, parameter ``share_positions``): n × x as it
    is (``exact``: 5 综合类 × 10% = 0.5, no place), or rounded up to whole places (``rounded_up``: 1 place)."""
    places = n * share
    return Decimal(math.ceil(places)) if p["share_positions"] == "rounded_up" else places


def grade_all(category: Category, institutions: list[AssessmentInput], p: ParameterSet) -> list[AssessmentResult]:
    """附件1 二(四) 结果运用: grade every institution of one category in one pooling area.

    综合类: A "90分以上且居前10%", D "70分以下且居后5%", B "80分(含)以上的(除A级外)", C "80分以下的(除D级外)".
    门诊类/药店: A "90分以上且居前5%", D "70分以下且居后5%"; "将排名末两位的或考核得分低于60分的予以暂停联网结算".
    Position (reading A-24): rank = 1 + number scoring strictly higher (ties share the better rank); "居前x%" means
    rank ≤ n × x, "居后x%" means rank-from-bottom ≤ n × x, n = institutions assessed (new ones excluded); under the
    other reading (parameter ``share_positions`` = ``rounded_up``) n × x is rounded up to whole places, so a pool of
    fewer than 10 (20) still has its first (last) place.
    """
    clause = "附件1 二(四)1" if category is Category.COMPREHENSIVE else "附件1 二(四)2"
    assessed = [i for i in institutions if not i.new_this_year]
    ids = [i.id for i in institutions]
    if len(set(ids)) != len(ids):
        raise ValueError("institution ids must be unique")
    scored = {i.id: final_score(i.half_year_score, i.annual_score, p) for i in assessed}
    n = len(scored)
    ordered = sorted(scored.values())  # O(n log n); every position below is a binary search
    if category is Category.COMPREHENSIVE:
        top_share, bottom_share = p.decimal("comprehensive_a_top_share"), p.decimal("comprehensive_d_bottom_share")
    else:
        top_share, bottom_share = p.decimal("outpatient_a_top_share"), p.decimal("outpatient_d_bottom_share")
    top_places, bottom_places = share_places(n, top_share, p), share_places(n, bottom_share, p)
    bottom_positions = p.integer("suspend_bottom_positions")
    results: list[AssessmentResult] = []
    for inst in institutions:
        if inst.new_this_year:
            results.append(
                AssessmentResult(
                    inst.id,
                    None,
                    None,
                    None,
                    Consequences(("当年新增的定点医药机构,不予考核",), None, None, None, False, None),
                    basis("附件1 二(四)"),
                )
            )
            continue
        s = scored[inst.id]
        lower = bisect_left(ordered, s)  # institutions scoring strictly lower
        at_or_below = bisect_right(ordered, s)
        rank = 1 + (n - at_or_below)
        rank_bottom = 1 + lower
        if s >= p.decimal("a_min_score") and rank <= top_places:
            grade = Grade.A
        elif s <= p.decimal("d_max_score") and rank_bottom <= bottom_places:
            grade = Grade.D
        elif s >= p.decimal("b_min_score"):
            grade = Grade.B
        else:
            grade = Grade.C
        review = None
        suspended = False
        if category is not Category.COMPREHENSIVE:
            # Reading A-25 (parameter ``last_places_tie`` = ``caseworker_review``): "排名末两位" suspends only
            # institutions whose whole tie lies within the last two places; a tie reaching across that boundary goes
            # to the caseworker. The other reading (``whole_tie``) suspends a tie sharing a last-two place whole.
            # "低于60分" suspends on its own either way.
            within = rank_bottom if p["last_places_tie"] == "whole_tie" else at_or_below
            suspended = s < p.decimal("suspend_below_score") or within <= bottom_positions
            if not suspended and rank_bottom <= bottom_positions:
                tied = at_or_below - lower - 1
                review = f"与其他{tied}家机构并列,并列跨越排名末{bottom_positions}位界线,是否暂停联网结算由经办机构决定"
        consequences = _consequences(category, grade, suspended, p)
        if review is not None:
            consequences = replace(consequences, caseworker_review=review)
        results.append(AssessmentResult(inst.id, s, grade, rank, consequences, basis(clause)))
    return results
