"""新增定点 evaluations (二(三)3, 附件4 表1/表2) stored with their sheets: the sheets scored on the server with the
calculator's rule (``rules.evaluation.score``), the result as decided kept with the parameter version, and the
application stepped by the verdict — the same ``evaluate`` step as the event with a bare score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework import applications
from medinsurance.casework.common import audit, is_pharmacy
from medinsurance.models import Application, Evaluation, Institution
from medinsurance.parameters import counted_in_force
from medinsurance.rules.application import AppEvent
from medinsurance.rules.evaluation import (
    EvaluationResult,
    MedicalEvaluation,
    PharmacyEvaluation,
    implausible,
    score,
)
from qz_common.clock import today
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.params import ParameterSet
from qz_common.scenario import scenario_computation

BOOK = "evaluation"
MEDICAL = "medical_institution"
# A stored sheet (JSON: dates and decimals as text) read back as the rules' records, by the kind it names.
_SHEETS: Mapping[str, TypeAdapter[Any]] = {
    MEDICAL: TypeAdapter(MedicalEvaluation),
    "retail_pharmacy": TypeAdapter(PharmacyEvaluation),
}


@dataclass(frozen=True)
class EvaluationFacts:
    """An evaluation as the caseworker records it: the application evaluated and the sheets as entered (stored)."""

    application_id: int
    document_number: str | None
    sheet: dict[str, Any]


def evaluation_of(sheet: Mapping[str, Any]) -> MedicalEvaluation | PharmacyEvaluation:
    evaluation: MedicalEvaluation | PharmacyEvaluation = _SHEETS[sheet["kind"]].validate_python(sheet)
    return evaluation


def check_plausible(evaluation: MedicalEvaluation | PharmacyEvaluation) -> None:
    """422 for dates that cannot be true of the evaluation (``implausible``), every one named."""
    problems = implausible(evaluation, today())
    if problems:
        raise ProblemError(
            422,
            "evaluation_implausible",
            "；".join(x.detail for x in problems),
            field=problems[0].field,
            errors=[{"field": x.field, "code": "implausible", "detail": x.detail} for x in problems],
        )


def scored(
    evaluation: MedicalEvaluation | PharmacyEvaluation,
    p: ParameterSet,
    calendar: ParameterSet,
    overrides: Mapping[str, str] | None = None,
) -> EvaluationResult:
    """The evaluation on its table under ``p``, its 经营时间 counted by ``calendar`` (reading A-02) (``overrides``:
    the scenario it carries, whose unusable values are
    the scenario's fault); a sheet the table cannot read (a 规范化村级医疗机构 scored on its 上级医疗机构 without
    one) is 422."""
    try:
        with scenario_computation(overrides):
            return score(evaluation, p, calendar)
    except ValueError as exc:
        raise ProblemError(422, "evaluation_input_invalid", str(exc), field="parent") from None


def _check_application(evaluation: MedicalEvaluation | PharmacyEvaluation, app: Application, inst: Institution) -> None:
    """The sheets are those of this application: its table is the institution's (表2 for a 零售药店, 表1 otherwise)
    and its 受理 date, from which 行政处罚记录 count, is the application's."""
    if (evaluation.kind != MEDICAL) != is_pharmacy(inst):
        table = "表2（零售药店）" if is_pharmacy(inst) else "表1（医疗机构）"
        detail = f"机构 {inst.id} 应按附件4 {table}评估"
        raise ProblemError(422, "evaluation_table_mismatch", detail, field="evaluation.kind")
    # An application never accepted has no evaluation to take: the evaluate step refuses it (409).
    if app.accepted_on is not None and app.accepted_on != evaluation.accepted_on:
        detail = f"评估表的受理日期 {evaluation.accepted_on} 与定点申请 {app.id} 的受理日期 {app.accepted_on} 不符"
        raise ProblemError(422, "accepted_on_mismatch", detail, field="evaluation.accepted_on")


async def record(session: AsyncSession, caller: Caller, facts: EvaluationFacts) -> Evaluation:
    """二(三)3 评估 of the (accepted) application by its sheets: scored as on the day, stored, the application
    stepped to 合格 or 不合格 by the sheets' verdict (409 if the application is not awaiting an evaluation)."""
    evaluation = evaluation_of(facts.sheet)
    check_plausible(evaluation)
    app = await applications.find(session, caller, facts.application_id, lock=True, referenced=True)
    inst = await get_or_404(session, Institution, app.institution_id, "医药机构", field=None)
    _check_application(evaluation, app, inst)
    force, calendar = counted_in_force(BOOK, evaluation.evaluated_on)
    p = force.params
    result = scored(evaluation, p, calendar)
    await applications.advance(
        session, caller, app, AppEvent.EVALUATE, evaluation.evaluated_on, result.total, qualified=result.qualified
    )
    row = Evaluation(
        application_id=app.id,
        institution_id=inst.id,
        district=inst.district,
        kind=evaluation.kind,
        evaluated_on=evaluation.evaluated_on,
        document_number=facts.document_number,
        sheet=facts.sheet,
        total=result.total,
        basic_passed=result.basic_passed,
        qualified=result.qualified,
        parameter_versions={"evaluation": f"{BOOK}={p.version}"},
        basis=result.basis,
    )
    return await audit.add(session, caller, "evaluate", row)
