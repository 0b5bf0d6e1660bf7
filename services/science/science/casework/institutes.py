"""市级企业研究院 (43号): application → county recommendation → expert review → public notice → recognition,
then management: annual R&D monitoring, changes, upgrade, revocation."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.clock import today
from qz_common.db import get_in_district
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.scenario import scenario_computation, with_overrides
from science.casework.common import (
    MANAGED_STATUSES,
    audit,
    credit_records_of,
    enterprise_of,
    enterprise_or_404,
    of_book,
    params_on,
    problems_422,
)
from science.models import (
    CreditRecordRow,
    Enterprise,
    Institute,
    InstituteAnnualReport,
    InstituteChange,
    InstituteEvent,
)
from science.parameters import institute_params, institutes_book, voucher_params, vouchers_book
from science.rules import institute_management
from science.rules.basis import institutes as cite
from science.rules.credit import CreditKind, Programme
from science.rules.institute_application import ApplicationMaterials, missing_materials
from science.rules.institute_conditions import (
    EligibilityResult,
    InstituteApplication,
    evaluate,
    hitech_recognition_problem,
    rd_intensity_met,
)
from science.rules.institute_management import (
    AnnualReport,
    InstituteStatus,
    NameError_,
    ReviewTrigger,
    RevocationGround,
    change_report,
    hitech_lapse,
    institute_name,
    monitoring_outcomes,
    monitoring_verdict,
    upgrade_to_provincial,
)
from science.rules.params import InstituteParams
from science.rules.voucher_lifecycle import ban_problems

LIVE = ("applied", "recommended", "reviewed", "publicised", "recognised", "yellow_warning")
# 二 申报及认定程序: (from, action) → (to, clause)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("applied", "recommend"): ("recommended", "二(二)"),
    ("recommended", "pass_review"): ("reviewed", "二(三)"),
    ("recommended", "fail_review"): ("rejected", "二(三)"),
    ("reviewed", "publicise"): ("publicised", "二(三)"),
    ("publicised", "recognise"): ("recognised", "二(四)"),
    ("publicised", "reject"): ("rejected", "二(三)"),
    ("applied", "reject"): ("rejected", "二(二)"),
}

# 43号 一(二) facts the bureau already holds on the enterprise record: (attribute, label).
STORED_FACTS = (
    ("registered_in_quzhou_on", "在衢注册日期"),
    ("hitech_valid_until", "国家高新技术企业证书有效期"),
)


def evaluate_application(
    application: InstituteApplication, field: str = "applied_on", overrides: Mapping[str, str] | None = None
) -> EligibilityResult:
    """43号 一: the nine conditions under the figures in force on the day of application (and a calculator's
    what-if values)."""
    with scenario_computation(overrides):
        return evaluate(
            application, params_on(partial(institute_params, overrides=overrides), application.applied_on, field)
        )


def _contradicted_facts(enterprise: Enterprise, application: InstituteApplication) -> ProblemError | None:
    """An application is judged on the facts the service holds, not only on what the request says: where the
    enterprise record has a registration date or a 高新 validity, the application must state the same (422 naming
    each contradiction; the record is corrected through PATCH /v1/enterprises/{uscc}, which is audited)."""
    errors = []
    for attribute, label in STORED_FACTS:
        held, stated = getattr(enterprise, attribute), getattr(application, attribute)
        if held is not None and held != stated:
            errors.append(
                {
                    "field": f"application.{attribute}",
                    "code": "contradicts_enterprise_record",
                    "detail": f"{label}与企业登记信息不符（登记为 {held.isoformat()}，申请为 {stated or '未填'}）",
                    "basis": cite("一(二)"),
                }
            )
    if not errors:
        return None
    return ProblemError(
        422,
        "contradicts_enterprise_record",
        "申请与企业登记信息不符：" + "；".join(e["detail"] for e in errors),
        field=errors[0]["field"],
        errors=errors,
    )


def _name(trade_name: str, core_direction: str, field: str) -> str:
    """三(七) 统一命名, or 422 naming the field that cannot form it."""
    try:
        return institute_name(trade_name, core_direction)
    except NameError_ as exc:
        raise ProblemError(422, "invalid_institute_name", str(exc), field=field) from None


def _missing_materials(
    materials: ApplicationMaterials, application: InstituteApplication, params: InstituteParams
) -> ProblemError | None:
    """二(一) 申请材料, the audit reports of the years the reading of I-11 asks for."""
    missing = missing_materials(
        materials,
        application.applied_on,
        registered_on=application.registered_in_quzhou_on,
        reports_of=params.audit_reports_of,
    )
    if not missing:
        return None
    return ProblemError(
        422,
        "materials_incomplete",
        "申请材料不全：" + "；".join(m.detail for m in missing),
        field=f"materials.{missing[0].code}",
        errors=[
            {"field": f"materials.{m.code}", "code": m.code, "detail": m.detail, "basis": m.basis} for m in missing
        ],
    )


def _unmet_conditions(result: EligibilityResult) -> ProblemError | None:
    failing = [c for c in result.conditions if not c.passed]
    if not failing:
        return None
    return ProblemError(
        422,
        "conditions_not_met",
        "以下认定条件未满足：" + "；".join(f"{c.basis}：{c.detail}" for c in failing),
        field=f"application.{failing[0].code}",
        errors=[
            {"field": f"application.{c.code}", "code": c.code, "detail": c.detail, "basis": c.basis} for c in failing
        ],
    )


@dataclass(frozen=True)
class ApplicationJudgement:
    """An application judged against the enterprise record, its credit records and institutes (nothing written):
    each refusal as the problem the command answers, in the order it checks them."""

    enterprise: Enterprise
    name: str
    result: EligibilityResult
    problems: list[ProblemError]


async def judge_application(
    session: AsyncSession,
    caller: Caller,
    enterprise_uscc: str,
    trade_name: str,
    core_direction: str,
    materials: ApplicationMaterials,
    application: InstituteApplication,
    *,
    lock: bool,
    overrides: Mapping[str, str] | None = None,
) -> ApplicationJudgement:
    """二(一) 申报: the enterprise as registered, no ban (三(六)), one live institute per enterprise (I-12), complete
    materials, the nine conditions of 一 met, under the published parameters or a what-if's ``overrides``."""
    enterprise = await enterprise_of(
        session, caller, enterprise_uscc, lock=lock, field="enterprise_uscc", referenced=True
    )
    problems = [_contradicted_facts(enterprise, application)]
    name = ""
    try:
        name = _name(trade_name, core_direction, "trade_name")
    except ProblemError as refused:
        problems.append(refused)
    field, day = "application.applied_on", application.applied_on
    if overrides:  # 422 for an override neither book an application reads declares
        with_overrides(
            [params_on(institutes_book().at, day, field), params_on(vouchers_book().at, day, field)], overrides
        )
    own = of_book(overrides, "institutes")
    with scenario_computation(overrides):
        params = params_on(partial(institute_params, overrides=own), day, field)
        # G-02: what a 科研诚信 record bars is the vouchers book's reading (44号 五(二) with 43号 三(六)).
        reach = params_on(partial(voucher_params, overrides=of_book(overrides, "vouchers")), day, field)
    result = evaluate_application(application, field, own)
    records = await credit_records_of(session, enterprise.uscc, overrides)
    bans = ban_problems(records, day, Programme.INSTITUTES, reach)
    if bans:
        problems.append(problems_422(bans, "credit_ban", "企业处于科研诚信限制期", {"credit_ban": "enterprise_uscc"}))
    live = await session.scalar(
        select(Institute.id).where(Institute.enterprise_uscc == enterprise.uscc, Institute.status.in_(LIVE))
    )
    if live is not None:
        problems.append(ProblemError(409, "institute_exists", f"该企业已有在办或已认定的企业研究院（{live}）"))
    problems += [_missing_materials(materials, application, params), _unmet_conditions(result)]
    return ApplicationJudgement(enterprise, name, result, [p for p in problems if p is not None])


async def apply(
    session: AsyncSession,
    caller: Caller,
    enterprise_uscc: str,
    trade_name: str,
    core_direction: str,
    materials: ApplicationMaterials,
    application: InstituteApplication,
) -> Institute:
    """二(一) 申报: refused with the first problem found (judge_application), else stored as applied."""
    judged = await judge_application(
        session, caller, enterprise_uscc, trade_name, core_direction, materials, application, lock=True
    )
    if judged.problems:
        raise judged.problems[0]
    enterprise, result = judged.enterprise, judged.result
    institute = Institute(
        enterprise_uscc=enterprise.uscc,
        district=enterprise.district,
        name=judged.name,
        trade_name=trade_name.strip(),
        core_direction=core_direction.strip(),
        status="applied",
        applied_on=application.applied_on,
        eligible=result.eligible,
        conditions=[
            {"code": c.code, "passed": c.passed, "detail": c.detail, "basis": c.basis} for c in result.conditions
        ],
        tech_service=application.tech_service,
        knowledge_intensive=application.knowledge_intensive,
        parameter_version=result.parameter_version,
        status_basis=cite("二(一)"),
        status_changed_on=application.applied_on,
    )
    return await audit.add(session, caller, "apply", institute)


@dataclass(frozen=True)
class ApplicationVerdict:
    accepted: bool
    problems: list[dict[str, Any]]
    eligible: bool
    conditions: list[dict[str, Any]]
    parameter_version: str


@dataclass(frozen=True)
class ApplicationWhatIf:
    published: ApplicationVerdict
    scenario: ApplicationVerdict | None


def _verdict(judged: ApplicationJudgement) -> ApplicationVerdict:
    problems = [
        error
        for problem in judged.problems
        for error in (problem.errors or [{"field": problem.field, "code": problem.code, "detail": problem.detail}])
    ]
    return ApplicationVerdict(
        accepted=not judged.problems,
        problems=problems,
        eligible=judged.result.eligible,
        conditions=[
            {"code": c.code, "passed": c.passed, "detail": c.detail, "basis": c.basis} for c in judged.result.conditions
        ],
        parameter_version=judged.result.parameter_version,
    )


async def what_if(
    session: AsyncSession,
    caller: Caller,
    enterprise_uscc: str,
    trade_name: str,
    core_direction: str,
    materials: ApplicationMaterials,
    application: InstituteApplication,
    overrides: Mapping[str, str] | None,
) -> ApplicationWhatIf:
    """An application judged as the book stands and under ``overrides`` (figures and readings: I-06, I-11 among
    them), against the records as they stand: nothing is stored (a refused application leaves no record)."""
    args = (session, caller, enterprise_uscc, trade_name, core_direction, materials, application)
    published = _verdict(await judge_application(*args, lock=False))
    if not overrides:
        return ApplicationWhatIf(published, None)
    return ApplicationWhatIf(published, _verdict(await judge_application(*args, lock=False, overrides=overrides)))


async def readable(session: AsyncSession, caller: Caller, institute_id: int) -> Institute:
    return await get_in_district(session, caller, Institute, institute_id, "企业研究院", field="institute_id")


async def of_enterprise(session: AsyncSession, uscc: str) -> list[tuple[Institute, ReviewTrigger | None]]:
    """The enterprise's institutes, every one it applied for, each with the 高新 review it is due, if any (三(六)2)."""
    rows = await session.scalars(select(Institute).where(Institute.enterprise_uscc == uscc).order_by(Institute.id))
    return [(institute, await hitech_review_due(session, institute)) for institute in rows.all()]


async def hitech_review_due(session: AsyncSession, institute: Institute) -> ReviewTrigger | None:
    """三(六)2 on read: a recognised institute whose host's 高新 certificate has run out by today, from the stored
    last valid day (I-18)."""
    if institute.status not in MANAGED_STATUSES:
        return None
    enterprise = await session.scalar(select(Enterprise).where(Enterprise.uscc == institute.enterprise_uscc))
    return hitech_lapse(enterprise.hitech_valid_until if enterprise else None, today())


async def _locked(session: AsyncSession, caller: Caller, institute_id: int) -> Institute:
    return await get_in_district(
        session, caller, Institute, institute_id, "企业研究院", field="institute_id", lock=True
    )


def _refuse_unmanaged(institute: Institute, detail: str = "") -> None:
    if institute.status not in MANAGED_STATUSES:
        raise ProblemError(409, "institute_not_managed", f"研究院当前状态为 {institute.status}{detail}")


async def _refuse_hitech_lapsed_on_recognition(session: AsyncSession, institute: Institute, on: dt.date) -> None:
    """一(二) 国家高新技术企业 judged on the day of recognition under the other reading of I-06 (the book of the
    application day says which): the enterprise record's certificate must be valid that day."""
    params = institute_params(institute.applied_on)
    enterprise = await enterprise_or_404(session, institute.enterprise_uscc, field=None)
    problem = hitech_recognition_problem(enterprise.hitech_valid_until, on, params)
    if problem is not None:
        raise ProblemError(
            422,
            "hitech_not_valid_on_recognition",
            problem,
            field="on",
            errors=[
                {"field": "on", "code": "hitech_not_valid_on_recognition", "detail": problem, "basis": cite("一(二)")}
            ],
        )


async def decide(
    session: AsyncSession,
    caller: Caller,
    institute_id: int,
    action: str,
    on: dt.date,
    note: str | None,
    certificate: str | None,
    batch: str | None,
    document: str | None,
) -> Institute:
    """二(二)–(四): the next step of the procedure, in order; a county recommendation with its 无违法证明, a
    recognition with its batch."""
    institute = await _locked(session, caller, institute_id)
    step = TRANSITIONS.get((institute.status, action))
    if step is None:
        raise ProblemError(
            409, "invalid_transition", f"研究院当前状态为 {institute.status}，不能执行 {action}", field="action"
        )
    if action == "recommend" and not certificate:
        detail = "县级推荐须附当地科技管理部门开具的无违法证明"
        raise ProblemError(422, "certificate_required", detail, field="no_violation_certificate")
    if action == "recognise" and not batch:
        raise ProblemError(422, "batch_required", "认定须注明批次", field="batch")
    if action == "recognise":
        await _refuse_hitech_lapsed_on_recognition(session, institute, on)
    if on < institute.applied_on:
        raise ProblemError(422, "date_before_application", "决定日期早于申报日期", field="on")
    async with audit.change(session, caller, action, institute):
        institute.status, clause = step
        institute.status_basis = cite(clause)
        institute.status_changed_on = on
        institute.status_reason = note
        institute.status_document = document
        if action == "recommend":
            institute.no_violation_certificate = certificate
        if action == "recognise":
            institute.batch, institute.recognised_on = batch, on
    return institute


async def file_annual_report(
    session: AsyncSession, caller: Caller, institute_id: int, year: int, sales: Decimal, rd_expense: Decimal
) -> InstituteAnnualReport:
    """三(五) 科技统计年报: the year against the 一(四) standard; the whole series decides the warning or the
    revocation, in year order, whatever order the reports arrive in (I-09)."""
    institute = await _locked(session, caller, institute_id)
    _refuse_unmanaged(institute, "，不在监测范围")
    exists = await session.scalar(
        select(InstituteAnnualReport.id).where(
            InstituteAnnualReport.institute_id == institute.id, InstituteAnnualReport.year == year
        )
    )
    if exists is not None:
        raise ProblemError(409, "report_exists", f"{year}年度年报已填报", field="year")
    params = institute_params(institute.recognised_on or institute.applied_on)
    meets, detail = rd_intensity_met(sales, rd_expense, params)
    history = [*await _reported_years(session, institute.id), AnnualReport(year, meets)]
    verdict = monitoring_verdict(history, params)
    assert verdict is not None
    outcomes = {o.year: o for o in monitoring_outcomes(history, params)}
    outcome = outcomes.get(year, verdict)  # a year after the revoking pair: already revoked
    report = InstituteAnnualReport(
        institute_id=institute.id,
        year=year,
        sales=sales,
        rd_expense=rd_expense,
        meets_standard=meets,
        detail=detail,
        outcome=outcome.status.value,
        basis=[cite("三(五)"), cite("一(四)")],
    )
    session.add(report)
    if institute.status != verdict.status.value:
        async with audit.change(session, caller, f"monitoring_{verdict.status.value}", institute):
            institute.status = verdict.status.value
            institute.status_basis = verdict.basis
            institute.status_reason = f"{verdict.year}年度：{verdict.detail}"
            institute.status_document = None
    await session.flush()
    audit.record(session, caller, "annual_report", report)
    return report


async def _reported_years(session: AsyncSession, institute_id: int) -> list[AnnualReport]:
    reports = await session.scalars(
        select(InstituteAnnualReport).where(InstituteAnnualReport.institute_id == institute_id)
    )
    return [AnnualReport(r.year, r.meets_standard) for r in reports]


async def annual_reports(session: AsyncSession, caller: Caller, institute_id: int) -> list[InstituteAnnualReport]:
    await readable(session, caller, institute_id)
    rows = await session.scalars(
        select(InstituteAnnualReport)
        .where(InstituteAnnualReport.institute_id == institute_id)
        .order_by(InstituteAnnualReport.year)
    )
    return list(rows)


async def events(session: AsyncSession, caller: Caller, institute_id: int) -> list[InstituteEvent]:
    await readable(session, caller, institute_id)
    rows = await session.scalars(
        select(InstituteEvent)
        .where(InstituteEvent.institute_id == institute_id)
        .order_by(InstituteEvent.occurred_on, InstituteEvent.id)
    )
    return list(rows)


async def report_change(
    session: AsyncSession,
    caller: Caller,
    institute_id: int,
    kind: str,
    description: str,
    changed_on: dt.date,
    reported_on: dt.date,
    new_trade_name: str | None,
    new_core_direction: str | None,
) -> InstituteChange:
    """三(四) 更名、重组等重大调整 reported within 6 months; a new 字号 or direction renames the institute (三(七))."""
    institute = await _locked(session, caller, institute_id)
    _refuse_unmanaged(institute)
    if reported_on < changed_on:
        raise ProblemError(422, "reported_before_change", "申报日期早于变更日期", field="reported_on")
    result = change_report(changed_on, reported_on, params_on(institute_params, changed_on, "changed_on"))
    renamed = new_trade_name or new_core_direction
    new_name = (
        _name(new_trade_name or institute.trade_name, new_core_direction or institute.core_direction, "new_trade_name")
        if renamed
        else None
    )
    change = InstituteChange(
        institute_id=institute.id,
        kind=kind,
        description=description,
        changed_on=changed_on,
        reported_on=reported_on,
        deadline=result.deadline,
        on_time=bool(result.on_time),
        new_name=new_name,
    )
    session.add(change)
    if new_name:
        async with audit.change(session, caller, "rename", institute):
            institute.name = new_name
            institute.trade_name = new_trade_name or institute.trade_name
            institute.core_direction = new_core_direction or institute.core_direction
    await session.flush()
    audit.record(session, caller, "change", change)
    return change


async def upgrade(
    session: AsyncSession,
    caller: Caller,
    institute_id: int,
    on: dt.date,
    provincial_designation: str,
    document: str | None,
) -> Institute:
    """三(四) 升级为省级企业研发机构的，不再纳入市级企业研究院管理序列."""
    institute = await _locked(session, caller, institute_id)
    _refuse_unmanaged(institute, "，不能登记升级")
    transition = upgrade_to_provincial(InstituteStatus(institute.status))
    async with audit.change(session, caller, "upgrade", institute):
        institute.status = InstituteStatus.UPGRADED.value
        institute.status_basis = transition.basis
        institute.status_reason = f"{transition.detail}：{provincial_designation}"
        institute.status_changed_on = on
        institute.status_document = document
    return institute


async def _refuse_unshown_ground(
    session: AsyncSession, institute: Institute, ground: RevocationGround, decided_on: dt.date
) -> None:
    """Grounds the service can check against its own records must be shown by them (三(五), 三(六)2): two consecutive
    missed years in the annual reports, or an enterprise record whose 高新 validity has ended by the decision."""
    if ground is RevocationGround.RD_BELOW_STANDARD_TWICE:
        reports = await _reported_years(session, institute.id)
        params = institute_params(institute.recognised_on or institute.applied_on)
        verdict = monitoring_verdict(reports, params)
        if verdict is None or verdict.status is not InstituteStatus.REVOKED:
            years = "、".join(str(r.year) for r in sorted(reports, key=lambda r: r.year) if not r.meets_standard)
            detail = f"年报未显示连续两年研发投入不达标（不达标年度：{years or '无'}）"
            raise ProblemError(422, "ground_not_shown", detail, field="ground")
    if ground is RevocationGround.LOST_HITECH:
        enterprise = await enterprise_or_404(session, institute.enterprise_uscc)
        valid_until = enterprise.hitech_valid_until
        if valid_until is not None and valid_until >= decided_on:
            raise ProblemError(
                422,
                "ground_not_shown",
                f"企业登记的国家高新技术企业证书有效期至 {valid_until.isoformat()}，{decided_on.isoformat()} 仍有效",
                field="ground",
            )


async def revoke(
    session: AsyncSession,
    caller: Caller,
    institute_id: int,
    ground: RevocationGround,
    decided_on: dt.date,
    reason: str,
    document: str | None,
) -> Institute:
    """三(六) 取消企业研究院资格 on a ground shown; false materials also bar the enterprise for three years."""
    institute = await _locked(session, caller, institute_id)
    if institute.status not in MANAGED_STATUSES:
        raise ProblemError(
            409, "institute_not_recognised", f"研究院当前状态为 {institute.status}，仅可取消已认定的研究院资格"
        )
    assert institute.recognised_on is not None
    if decided_on < institute.recognised_on:
        raise ProblemError(422, "decided_before_recognition", "取消日期早于认定日期", field="decided_on")
    await _refuse_unshown_ground(session, institute, ground, decided_on)
    revocation = institute_management.revoke(ground, decided_on, params_on(institute_params, decided_on, "decided_on"))
    async with audit.change(session, caller, "revoke", institute):
        institute.status = InstituteStatus.REVOKED.value
        institute.status_basis = revocation.basis
        institute.status_reason = reason
        institute.status_changed_on = decided_on
        institute.status_document = document
    if revocation.ban is not None:
        record = CreditRecordRow(
            subject_id=institute.enterprise_uscc,
            kind=CreditKind.INSTITUTE_FALSE_MATERIALS.value,
            decided_on=revocation.ban.start,
            ban_until=revocation.ban.until,
            reason=reason,
            basis=revocation.ban.basis,
            document_number=document,
            institute_id=institute.id,
        )
        await audit.add(session, caller, "credit_record", record)
    return institute
