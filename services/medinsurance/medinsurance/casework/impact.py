"""Impact over a year's 绩效考核 (issue 31): every stored assessment recomputed from its stored sheets as decided and
under a scenario, compared and summed by qz_common.impact. Nothing is written.

A grade ranks an institution in its pool (reading A-72), so each pool — the year's assessments of one category in one
district, or in the whole city when a side reads ``performance.assessment_pool`` so — is graded whole on each side: its
sheets scored with the version of each one's date, the pool graded with the version of its latest (as the last record
graded it, casework.assessments). A district-bound caller (or a ``district`` asked for) sees its district's records
only; where a side pools the whole city, the other districts' assessments take part in the ranking without being
listed or counted, as a 统筹区 asking what a city ranking would mean for its own institutions expects.

The outcome is the grade (``A``–``D``, or ``not_assessed`` for a 当年新增 institution). 附件1 二(四) ties no sum of
money to a grade (增加/减少基金预拨 names no figure), so a record has no amounts: what an impact shows is how many
grades change, and which.

A 新增定点 evaluation (二(三)3) is scored again from its stored sheets on its own table (附件4 表1 or 表2) with the
version of its date; its outcome is ``pass`` (85分(含)以上 and every 基础指标 met) or ``fail``, with no amounts either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.assessments import BOOK, grade_pool, score_sheets
from medinsurance.casework.evaluations import BOOK as EVALUATION_BOOK
from medinsurance.casework.evaluations import evaluation_of, scored
from medinsurance.models import Assessment, Evaluation, Institution
from medinsurance.parameters import book, counted_in_force, in_force
from medinsurance.rules.basis import CALENDAR_BOOK, IN_FORCE_FROM
from medinsurance.rules.performance import Category, pool_district
from qz_common.errors import ProblemError
from qz_common.identity import Caller, scoped_district
from qz_common.impact import ImpactOut, Outcome, RecordImpact, readings_used, summarise
from qz_common.params import ParameterSet
from qz_common.scenario import scenario_computation, with_overrides

NOT_ASSESSED = "not_assessed"  # 当年新增的定点医药机构,不予考核 (附件1 二(四))
PASS, FAIL = "pass", "fail"  # 评估分数85分(含)以上的为合格, 85分以下的为不合格 (二(三)3)
KIND_LABELS = {"medical_institution": "医疗机构", "retail_pharmacy": "零售药店"}
CATEGORY_LABELS = {
    Category.COMPREHENSIVE.value: "综合类",
    Category.OUTPATIENT.value: "门诊类",
    Category.PHARMACY.value: "零售药店",
}


@dataclass(frozen=True)
class EvaluationScope:
    """The evaluations dated ``first`` to ``last`` (both included), of one table (``kind``) and district if given."""

    first: dt.date
    last: dt.date
    district: str | None
    kind: str | None


def _year_version(year: int) -> ParameterSet:
    return book(BOOK).at(max(dt.date(year, 12, 31), IN_FORCE_FROM))


def check_scenario(year: int, overrides: Mapping[str, str]) -> None:
    """422 for an override the performance book does not allow, before anything is read."""
    with_overrides([_year_version(year)], overrides)


def _grades(
    category: Category, pool: Sequence[Assessment], overrides: Mapping[str, str], versions: set[str]
) -> dict[str, Outcome]:
    """The pool graded under ``overrides`` (none: as decided), each member's grade as its outcome."""
    with scenario_computation(overrides):
        scored = []
        for a in pool:
            sheets = in_force(BOOK, a.assessed_on, overrides).params
            versions.add(f"{BOOK}={sheets.version}")
            scored.append(score_sheets(str(a.id), category, a.new_this_year, a.half_year_items, a.annual_items, sheets))
        grading = in_force(BOOK, max(a.assessed_on for a in pool), overrides).params
        versions.add(f"{BOOK}={grading.version}")
        results = grade_pool(category, scored, grading)
    return {key: Outcome(r.grade.value if r.grade else NOT_ASSESSED, {}, {}) for key, r in results.items()}


def _side(
    rows: Sequence[Assessment], overrides: Mapping[str, str], city: bool, versions: set[str]
) -> dict[str, Outcome]:
    """Every assessment of ``rows`` graded under ``overrides`` in its pool: its category in its district, or (``city``)
    in the whole city."""
    outcomes: dict[str, Outcome] = {}

    def pool_of(a: Assessment) -> tuple[str, str]:
        return ("" if city else a.district, a.category)

    for (_area, category), group in groupby(sorted(rows, key=lambda a: (*pool_of(a), a.id)), key=pool_of):
        outcomes |= _grades(Category(category), list(group), overrides, versions)
    return outcomes


async def year_impact(
    session: AsyncSession,
    caller: Caller,
    year: int,
    district: str | None,
    overrides: Mapping[str, str],
    *,
    largest: int,
    bins: int,
) -> ImpactOut:
    """The assessments of ``year`` in ``district`` (a district-bound caller: its own), each graded in its pool as each
    side reads A-72 (the whole city's assessments read when a side pools the city)."""
    published = _year_version(year)
    city_before = pool_district("", published) is None
    city_after = pool_district("", with_overrides([published], overrides)[0]) is None
    statement = (
        select(Assessment, Institution.name)
        .join(Institution, Institution.id == Assessment.institution_id)
        .where(Assessment.year == year)
        .order_by(Assessment.district, Assessment.category, Assessment.id)
    )
    scoped = scoped_district(caller, district)
    if scoped is not None and not (city_before or city_after):
        statement = statement.where(Assessment.district == scoped)
    rows = list((await session.execute(statement)).all())
    pooled = [a for a, _name in rows]
    before_versions: set[str] = set()
    after_versions: set[str] = set()
    before = _side(pooled, {}, city_before, before_versions)
    after = _side(pooled, overrides, city_after, after_versions)
    records = [
        RecordImpact(
            str(a.id), f"{name}（{a.district}{CATEGORY_LABELS[a.category]}）", before[str(a.id)], after[str(a.id)]
        )
        for a, name in rows
        if scoped is None or a.district == scoped
    ]
    ranked = (
        "；全市统筹排名，其他区县的考核参与排名、不列出" if scoped is not None and (city_before or city_after) else ""
    )
    scope = f"{year}年度定点医药机构绩效考核 {len(records)} 家（{scoped or '全市'}{ranked}）"
    return _answer(records, [_year_version(year)], overrides, (before_versions, after_versions), scope, largest, bins)


def _answer(
    records: Sequence[RecordImpact],
    published: Sequence[ParameterSet],
    overrides: Mapping[str, str],
    versions: tuple[set[str], set[str]],
    scope: str,
    largest: int,
    bins: int,
) -> ImpactOut:
    """The records compared and summed: their outcomes carry no amounts, so the changed outcomes come first; the
    versions each side used (``book=version``; the scope's ``published`` ones, a version per book, when it holds no
    record) and the readings of both."""
    scenario_sets = with_overrides(published, overrides)
    before, after = versions
    return ImpactOut.of(
        summarise(records, largest=largest, bins=bins, changed_outcomes_first=True),
        scope=scope,
        labels={},
        scenario=overrides,
        parameter_versions={
            "before": ", ".join(sorted(before) or [f"{s.book}={s.version}" for s in published]),
            "after": ", ".join(sorted(after) or [f"{s.book}={s.version}" for s in scenario_sets]),
        },
        readings=readings_used(published, scenario_sets),
    )


# ---------------------------------------------------------------- 新增定点 evaluations (二(三)3, 附件4 表1/表2)


def _period_version(last: dt.date) -> ParameterSet:
    return book(EVALUATION_BOOK).at(max(last, IN_FORCE_FROM))


def _period_calendar(last: dt.date) -> ParameterSet:
    """The calendar book of the period: how an evaluation's 经营时间 is 满 (reading A-02) is switched beside the
    evaluation book's figures."""
    return book(CALENDAR_BOOK).at(max(last, IN_FORCE_FROM))


def check_evaluation_scope(first: dt.date, last: dt.date, overrides: Mapping[str, str]) -> None:
    """422 for a period that ends before it starts, or an override the evaluation book does not allow, before
    anything is read."""
    if last < first:
        detail = f"评估期间的截止日 {last} 早于起始日 {first}"
        raise ProblemError(422, "period_invalid", detail, field="evaluated_to")
    with_overrides([_period_version(last), _period_calendar(last)], overrides)


def _verdict(row: Evaluation, overrides: Mapping[str, str], versions: set[str]) -> Outcome:
    """The stored sheets scored under ``overrides`` (none: as decided) with the version of the evaluation's date."""
    force, calendar = counted_in_force(EVALUATION_BOOK, row.evaluated_on, overrides)
    p = force.params
    versions.add(f"{EVALUATION_BOOK}={p.version}")
    versions.add(f"{CALENDAR_BOOK}={calendar.version}")
    result = scored(evaluation_of(row.sheet), p, calendar, overrides)
    return Outcome(PASS if result.qualified else FAIL, {}, {})


async def evaluation_impact(
    session: AsyncSession,
    caller: Caller,
    scope: EvaluationScope,
    overrides: Mapping[str, str],
    *,
    largest: int,
    bins: int,
) -> ImpactOut:
    """The evaluations dated in the period (of one table, in one district — a district-bound caller: its own),
    each scored again on its own: an evaluation is passed or failed alone, not ranked."""
    statement = (
        select(Evaluation, Institution.name)
        .join(Institution, Institution.id == Evaluation.institution_id)
        .where(Evaluation.evaluated_on.between(scope.first, scope.last))
        .order_by(Evaluation.id)
    )
    if scope.kind is not None:
        statement = statement.where(Evaluation.kind == scope.kind)
    if (scoped := scoped_district(caller, scope.district)) is not None:
        statement = statement.where(Evaluation.district == scoped)
    before_versions: set[str] = set()
    after_versions: set[str] = set()
    records = [
        RecordImpact(
            str(e.id),
            f"{name}（{e.district}{KIND_LABELS[e.kind]}，{e.evaluated_on}评估）",
            _verdict(e, {}, before_versions),
            _verdict(e, overrides, after_versions),
        )
        for e, name in (await session.execute(statement)).all()
    ]
    label = f"{scope.first}至{scope.last}新增定点评估 {len(records)} 次（{scoped or '全市'}）"
    return _answer(
        records,
        [_period_version(scope.last), _period_calendar(scope.last)],
        overrides,
        (before_versions, after_versions),
        label,
        largest,
        bins,
    )
