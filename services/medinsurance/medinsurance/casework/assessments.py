"""Yearly 绩效考核 (附件1 二) recorded per institution: its two sheets scored on the table of its category (附件4),
the final score (二(三)) and the grade (二(四)), with the parameter versions used.

A grade ranks the institution in its pool: the year's assessments of its category in its district, or in the whole
city (reading A-72, ``performance.assessment_pool``, as the version of the record's date reads it), so each record
grades the pool again, as the 经办机构 would on the sheets it holds, and a grade that moves is
audited as ``regrade``. The scoring and grading are the calculators' own rules (``score_table``, ``grade_all``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.common import audit, institution_for, is_pharmacy, not_in_future
from medinsurance.models import Assessment, Institution
from medinsurance.parameters import in_force
from medinsurance.rules.basis import basis
from medinsurance.rules.performance import (
    AssessmentInput,
    AssessmentResult,
    Category,
    ItemInput,
    grade_all,
    pool_district,
    score_table,
)
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.params import ParameterSet

ZERO = Decimal(0)
BOOK = "performance"


@dataclass(frozen=True)
class AssessmentFacts:
    """A yearly assessment as the caseworker records it: the sheets as entered (row code → entry, as stored)."""

    institution_id: int
    year: int
    category: Category
    new_this_year: bool
    assessed_on: dt.date
    document_number: str | None
    half_year_items: dict[str, dict[str, Any]]
    annual_items: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Scored:
    """One member of a pool, its sheets scored under one parameter version (None: 当年新增, not assessed)."""

    key: str
    new_this_year: bool
    half_year: Decimal | None
    annual: Decimal | None


def item_inputs(stored: Mapping[str, Mapping[str, Any]]) -> dict[str, ItemInput]:
    """A sheet as stored (JSON: decimals as text) as the rules read it; a field left out keeps the rule's default."""
    inputs = {}
    for code, entry in stored.items():
        fields = {k: v for k, v in entry.items() if k in ("met", "change", "severe")}
        if "units" in entry:
            fields["units"] = {kind: Decimal(str(n)) for kind, n in entry["units"].items()}
        if "deduction" in entry:
            fields["deduction"] = Decimal(str(entry["deduction"]))
        inputs[code] = ItemInput(**fields)
    return inputs


def _sheet(category: Category, stored: Mapping[str, Mapping[str, Any]], p: ParameterSet, field: str) -> Decimal:
    try:
        return score_table(category, item_inputs(stored), p).total
    except ValueError as exc:
        raise ProblemError(422, "invalid_items", f"考核表录入有误：{exc}", field=field) from None


def score_sheets(
    key: str,
    category: Category,
    new_this_year: bool,
    half_year: Mapping[str, Mapping[str, Any]],
    annual: Mapping[str, Mapping[str, Any]],
    p: ParameterSet,
) -> Scored:
    """附件4 the category's table, once for the 半年拟评 sheet and once for the 年度总评 sheet (二(三) "采用相同评价
    指标"); a 当年新增 institution is not assessed (二(四))."""
    if new_this_year:
        return Scored(key, True, None, None)
    return Scored(key, False, _sheet(category, half_year, p, "half_year"), _sheet(category, annual, p, "annual"))


def grade_pool(category: Category, pool: Sequence[Scored], p: ParameterSet) -> dict[str, AssessmentResult]:
    """附件1 二(四): every member of one pool graded together (ranks and shares are of the pool)."""
    inputs = [AssessmentInput(s.key, s.half_year or ZERO, s.annual or ZERO, s.new_this_year) for s in pool]
    return {r.id: r for r in grade_all(category, inputs, p)}


def _check_dates(facts: AssessmentFacts) -> None:
    """The 年度总评 "以一个自然年度为考核时间段,考核在次年一季度完成" (二(三)): it is recorded after its year."""
    not_in_future(facts.assessed_on, "assessed_on")
    if facts.assessed_on.year <= facts.year:
        detail = f"{facts.year}年度的年度总评以该自然年度为考核时间段，须在{facts.year + 1}年起作出（附件1 二(三)）"
        raise ProblemError(422, "assessment_too_early", detail, field="assessed_on")


def _check_category(facts: AssessmentFacts, inst: Institution) -> None:
    """附件1 二(三) "分为综合类定点医药机构、门诊类定点医药机构和定点零售药店": a pharmacy is assessed on the
    pharmacy table, a 医疗机构 on the 综合类 or 门诊类 one (by its 医保服务权限, which the caseworker knows)."""
    if (facts.category is Category.PHARMACY) != is_pharmacy(inst):
        kind = "定点零售药店" if is_pharmacy(inst) else "定点医疗机构"
        detail = f"机构 {inst.id} 为{kind}，不能按“{facts.category.value}”类考核表考核（附件1 二(三)）"
        raise ProblemError(422, "category_mismatch", detail, field="category")
    if facts.new_this_year and (facts.half_year_items or facts.annual_items):
        detail = "当年新增的定点医药机构不予考核（附件1 二(四)），不录入考核表"
        raise ProblemError(422, "new_institution_not_assessed", detail, field="new_this_year")


def _grading(row: Assessment, result: AssessmentResult, grading: ParameterSet) -> dict[str, Any]:
    """The columns the pool's grading gives ``row``."""
    consequences = vars(result.consequences)
    return {
        "final_score": result.final_score,
        "grade": result.grade.value if result.grade else None,
        "rank": result.rank,
        "consequences": {**consequences, "items": list(consequences["items"])},
        "parameter_versions": {**row.parameter_versions, "grade": f"{BOOK}={grading.version}"},
        "basis": f"{basis('附件1 二(三)')}; {result.basis}",
    }


def _apply(row: Assessment, columns: Mapping[str, Any]) -> None:
    for name, value in columns.items():
        setattr(row, name, value)


async def record(session: AsyncSession, caller: Caller, facts: AssessmentFacts) -> Assessment:
    """The institution's assessment of the year (409 if it has one), its pool graded again with it."""
    _check_dates(facts)
    inst = await institution_for(session, caller, facts.institution_id, referenced=True)
    _check_category(facts, inst)
    sheets = in_force(BOOK, facts.assessed_on).params
    area = pool_district(inst.district, sheets)  # None: the whole city
    # Every assessment of the pool's area waits here, so each grades the pool with all those recorded before it.
    area_lock = select(Institution.id).with_for_update().order_by(Institution.id)
    await session.execute(area_lock if area is None else area_lock.where(Institution.district == area))
    held = await session.scalar(
        select(Assessment.id).where(Assessment.institution_id == inst.id, Assessment.year == facts.year)
    )
    if held is not None:
        detail = f"机构 {inst.id} 已有{facts.year}年度绩效考核记录 {held}（每机构每年度一条）"
        raise ProblemError(409, "assessment_exists", detail, field="institution_id")
    scored = score_sheets("new", facts.category, facts.new_this_year, facts.half_year_items, facts.annual_items, sheets)
    members_of = select(Assessment).where(Assessment.year == facts.year, Assessment.category == facts.category.value)
    if area is not None:
        members_of = members_of.where(Assessment.district == area)
    pool = list(await session.scalars(members_of.order_by(Assessment.id)))
    grading = in_force(BOOK, max([facts.assessed_on, *(a.assessed_on for a in pool)])).params
    members = [Scored(str(a.id), a.new_this_year, a.half_year_score, a.annual_score) for a in pool]
    results = grade_pool(facts.category, [*members, scored], grading)
    row = Assessment(
        institution_id=inst.id,
        district=inst.district,
        year=facts.year,
        category=facts.category.value,
        new_this_year=facts.new_this_year,
        assessed_on=facts.assessed_on,
        document_number=facts.document_number,
        half_year_items=facts.half_year_items,
        annual_items=facts.annual_items,
        half_year_score=scored.half_year,
        annual_score=scored.annual,
        parameter_versions={"sheets": f"{BOOK}={sheets.version}"},
    )
    _apply(row, _grading(row, results["new"], grading))
    await audit.add(session, caller, "assess", row)
    for other in pool:
        columns = _grading(other, results[str(other.id)], grading)
        if any(getattr(other, name) != value for name, value in columns.items()):
            async with audit.change(session, caller, "regrade", other):
                _apply(other, columns)
    return row
