"""市级企业研究院 (43号): application → county recommendation → expert review → public notice → recognition,
then management: annual R&D monitoring, changes, upgrade, revocation."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.db import get_or_404
from qz_common.districts import District
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, ensure_district, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging
from science.api.common import PathId, audit, credit_records_of, idempotent, params_on, problems_422
from science.api.enterprises import MANAGED_STATUSES, enterprise_or_404
from science.api.rules import evaluate_application, to_application
from science.api.schemas import (
    AnnualReportIn,
    AnnualReportOut,
    ChangeIn,
    ChangeOut,
    InstituteApplicationIn,
    InstituteDecisionIn,
    InstituteEventOut,
    InstituteOut,
    RevokeIn,
    UpgradeIn,
)
from science.models import (
    CreditRecordRow,
    Enterprise,
    Institute,
    InstituteAnnualReport,
    InstituteChange,
    InstituteEvent,
)
from science.parameters import institute_params
from science.rules.basis import institutes as cite
from science.rules.credit import CreditKind
from science.rules.institute_application import ApplicationMaterials, AuditReport, missing_materials
from science.rules.institute_conditions import InstituteApplication, rd_intensity_met
from science.rules.institute_management import (
    AnnualReport,
    InstituteStatus,
    NameError_,
    RevocationGround,
    change_report,
    institute_name,
    monitoring_outcomes,
    monitoring_verdict,
    revoke,
    upgrade_to_provincial,
)
from science.rules.voucher_lifecycle import ban_problems

router = APIRouter(prefix="/v1", tags=["institutes"])

_INSTITUTES = PagedSelect(
    select(Institute).order_by(Institute.id),
    status=Institute.status,
    enterprise_uscc=Institute.enterprise_uscc,
    district=Institute.district,
)

LIVE = ("applied", "recommended", "reviewed", "publicised", "recognised", "yellow_warning")
MANAGED = MANAGED_STATUSES
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


def refuse_contradicted_facts(enterprise: Enterprise, application: InstituteApplication) -> None:
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
    if errors:
        raise ProblemError(
            422,
            "contradicts_enterprise_record",
            "申请与企业登记信息不符：" + "；".join(e["detail"] for e in errors),
            field=errors[0]["field"],
            errors=errors,
        )


@router.post("/institutes", status_code=201, summary="申报市级企业研究院（43号 二(一)）", response_model=InstituteOut)
async def apply(
    body: InstituteApplicationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    application = to_application(body.application, "application.")

    async def create() -> InstituteOut:
        enterprise = await enterprise_or_404(session, body.enterprise_uscc, lock=True)
        ensure_district(caller, enterprise.district)
        refuse_contradicted_facts(enterprise, application)
        try:
            name = institute_name(body.trade_name, body.core_direction)
        except NameError_ as exc:
            raise ProblemError(422, "invalid_institute_name", str(exc), field="trade_name") from None
        bans = ban_problems(await credit_records_of(session, enterprise.uscc), application.applied_on)
        if bans:
            raise problems_422(bans, "credit_ban", "企业处于科研诚信限制期", {"credit_ban": "enterprise_uscc"})
        live = await session.scalar(
            select(Institute.id).where(Institute.enterprise_uscc == enterprise.uscc, Institute.status.in_(LIVE))
        )
        if live is not None:
            raise ProblemError(409, "institute_exists", f"该企业已有在办或已认定的企业研究院（{live}）")
        missing = missing_materials(
            ApplicationMaterials(
                body.materials.application_form,
                body.materials.implementation_plan,
                body.materials.commitment,
                tuple(AuditReport(r.year, frozenset(r.items)) for r in body.materials.audit_reports),
            ),
            application.applied_on,
        )
        if missing:
            raise ProblemError(
                422,
                "materials_incomplete",
                "申请材料不全：" + "；".join(m.detail for m in missing),
                field=f"materials.{missing[0].code}",
                errors=[
                    {"field": f"materials.{m.code}", "code": m.code, "detail": m.detail, "basis": m.basis}
                    for m in missing
                ],
            )
        result = evaluate_application(application, "application.applied_on")
        if not result.eligible:
            failing = [c for c in result.conditions if not c.passed]
            raise ProblemError(
                422,
                "conditions_not_met",
                "以下认定条件未满足：" + "；".join(f"{c.basis}：{c.detail}" for c in failing),
                field=f"application.{failing[0].code}",
                errors=[
                    {"field": f"application.{c.code}", "code": c.code, "detail": c.detail, "basis": c.basis}
                    for c in failing
                ],
            )
        institute = Institute(
            enterprise_uscc=enterprise.uscc,
            district=enterprise.district,
            name=name,
            trade_name=body.trade_name.strip(),
            core_direction=body.core_direction.strip(),
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
        session.add(institute)
        await session.flush()
        audit.record(session, caller, "apply", institute)
        return InstituteOut.model_validate(institute)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/institutes", summary="企业研究院列表")
async def list_institutes(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    status: Annotated[str | None, Query(max_length=20)] = None,
    enterprise_uscc: Annotated[str | None, Query(max_length=18)] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[InstituteOut]:
    return await _INSTITUTES.fetch(
        engine,
        paging,
        InstituteOut.model_validate,
        status=status or None,
        enterprise_uscc=enterprise_uscc.upper() if enterprise_uscc else None,
        district=scoped_district(caller, district),
    )


@router.get("/institutes/{institute_id}", summary="企业研究院详情")
async def get_institute(institute_id: PathId, caller: Reader, session: Session) -> InstituteOut:
    return InstituteOut.model_validate(await _readable(session, caller, institute_id))


async def _readable(session: Session, caller: Reader, institute_id: int) -> Institute:
    institute = await get_or_404(session, Institute, institute_id, "企业研究院", field="institute_id")
    ensure_district(caller, institute.district)
    return institute


async def _locked(session: Session, caller: Writer, institute_id: int) -> Institute:
    institute = await get_or_404(session, Institute, institute_id, "企业研究院", lock=True, field="institute_id")
    ensure_district(caller, institute.district)
    return institute


@router.post("/institutes/{institute_id}/decisions", summary="推荐、评审、公示、认定（43号 二(二)–(四)）")
async def decide(institute_id: PathId, body: InstituteDecisionIn, caller: Writer, session: Session) -> InstituteOut:
    async with session.begin():
        institute = await _locked(session, caller, institute_id)
        step = TRANSITIONS.get((institute.status, body.action))
        if step is None:
            raise ProblemError(
                409,
                "invalid_transition",
                f"研究院当前状态为 {institute.status}，不能执行 {body.action}",
                field="action",
            )
        if body.action == "recommend" and not body.no_violation_certificate:
            raise ProblemError(
                422,
                "certificate_required",
                "县级推荐须附当地科技管理部门开具的无违法证明",
                field="no_violation_certificate",
            )
        if body.action == "recognise" and not body.batch:
            raise ProblemError(422, "batch_required", "认定须注明批次", field="batch")
        if body.on < institute.applied_on:
            raise ProblemError(422, "date_before_application", "决定日期早于申报日期", field="on")
        before = snapshot(institute)
        institute.status, clause = step
        institute.status_basis = cite(clause)
        institute.status_changed_on = body.on
        institute.status_reason = body.note
        if body.action == "recommend":
            institute.no_violation_certificate = body.no_violation_certificate
        if body.action == "recognise":
            institute.batch, institute.recognised_on = body.batch, body.on
        await session.flush()
        audit.record(session, caller, body.action, institute, before=before)
        return InstituteOut.model_validate(institute)


@router.post(
    "/institutes/{institute_id}/annual-reports",
    status_code=201,
    summary="科技统计年报：研发投入监测预警（43号 三(五)）",
    response_model=AnnualReportOut,
)
async def annual_report(
    institute_id: PathId, body: AnnualReportIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> AnnualReportOut:
        institute = await _locked(session, caller, institute_id)
        if institute.status not in MANAGED:
            raise ProblemError(409, "institute_not_managed", f"研究院当前状态为 {institute.status}，不在监测范围")
        exists = await session.scalar(
            select(InstituteAnnualReport.id).where(
                InstituteAnnualReport.institute_id == institute.id, InstituteAnnualReport.year == body.year
            )
        )
        if exists is not None:
            raise ProblemError(409, "report_exists", f"{body.year}年度年报已填报", field="year")
        params = institute_params(institute.recognised_on or institute.applied_on)
        meets, detail = rd_intensity_met(body.sales, body.rd_expense, params)
        earlier = (
            await session.scalars(
                select(InstituteAnnualReport).where(InstituteAnnualReport.institute_id == institute.id)
            )
        ).all()
        history = [AnnualReport(r.year, r.meets_standard) for r in earlier] + [AnnualReport(body.year, meets)]
        # The whole series decides, in year order, whatever order the reports arrive in (三(五), I-09).
        verdict = monitoring_verdict(history, params)
        assert verdict is not None
        outcomes = {o.year: o for o in monitoring_outcomes(history, params)}
        outcome = outcomes.get(body.year, verdict)  # a year after the revoking pair: already revoked
        report = InstituteAnnualReport(
            institute_id=institute.id,
            year=body.year,
            sales=body.sales,
            rd_expense=body.rd_expense,
            meets_standard=meets,
            detail=detail,
            outcome=outcome.status.value,
            basis=[cite("三(五)"), cite("一(四)")],
        )
        session.add(report)
        if institute.status != verdict.status.value:
            before = snapshot(institute)
            institute.status = verdict.status.value
            institute.status_basis = verdict.basis
            institute.status_reason = f"{verdict.year}年度：{verdict.detail}"
            await session.flush()
            audit.record(session, caller, f"monitoring_{verdict.status.value}", institute, before=before)
        await session.flush()
        audit.record(session, caller, "annual_report", report)
        return AnnualReportOut.model_validate(report)

    async with session.begin():
        return await idempotent.create(
            session, caller, idempotency_key, {"institute_id": institute_id, **body.model_dump(mode="json")}, create
        )


@router.get("/institutes/{institute_id}/annual-reports", summary="年报与监测结果")
async def list_reports(institute_id: PathId, caller: Reader, session: Session) -> list[AnnualReportOut]:
    await _readable(session, caller, institute_id)
    rows = await session.scalars(
        select(InstituteAnnualReport)
        .where(InstituteAnnualReport.institute_id == institute_id)
        .order_by(InstituteAnnualReport.year)
    )
    return [AnnualReportOut.model_validate(r) for r in rows]


@router.get("/institutes/{institute_id}/events", summary="研究院事件（失去高新技术企业资格待复核等，43号 三(六)）")
async def list_events(institute_id: PathId, caller: Reader, session: Session) -> list[InstituteEventOut]:
    await _readable(session, caller, institute_id)
    rows = await session.scalars(
        select(InstituteEvent)
        .where(InstituteEvent.institute_id == institute_id)
        .order_by(InstituteEvent.occurred_on, InstituteEvent.id)
    )
    return [InstituteEventOut.model_validate(r) for r in rows]


@router.post(
    "/institutes/{institute_id}/changes",
    status_code=201,
    summary="更名、重组等重大调整（43号 三(四)，6个月内）",
    response_model=ChangeOut,
)
async def report_change(
    institute_id: PathId, body: ChangeIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> ChangeOut:
        institute = await _locked(session, caller, institute_id)
        if institute.status not in MANAGED:
            raise ProblemError(409, "institute_not_managed", f"研究院当前状态为 {institute.status}")
        if body.reported_on < body.changed_on:
            raise ProblemError(422, "reported_before_change", "申报日期早于变更日期", field="reported_on")
        result = change_report(
            body.changed_on, body.reported_on, params_on(institute_params, body.changed_on, "changed_on")
        )
        new_name = None
        if body.new_trade_name or body.new_core_direction:
            try:
                new_name = institute_name(
                    body.new_trade_name or institute.trade_name, body.new_core_direction or institute.core_direction
                )
            except NameError_ as exc:
                raise ProblemError(422, "invalid_institute_name", str(exc), field="new_trade_name") from None
        change = InstituteChange(
            institute_id=institute.id,
            kind=body.kind,
            description=body.description,
            changed_on=body.changed_on,
            reported_on=body.reported_on,
            deadline=result.deadline,
            on_time=bool(result.on_time),
            new_name=new_name,
        )
        session.add(change)
        if new_name:
            before = snapshot(institute)
            institute.name = new_name
            institute.trade_name = body.new_trade_name or institute.trade_name
            institute.core_direction = body.new_core_direction or institute.core_direction
            await session.flush()
            audit.record(session, caller, "rename", institute, before=before)
        await session.flush()
        audit.record(session, caller, "change", change)
        return ChangeOut.model_validate(change)

    async with session.begin():
        return await idempotent.create(
            session, caller, idempotency_key, {"institute_id": institute_id, **body.model_dump(mode="json")}, create
        )


@router.post("/institutes/{institute_id}/upgrade", summary="升级为省级企业研发机构，退出市级序列（43号 三(四)）")
async def upgrade(institute_id: PathId, body: UpgradeIn, caller: Writer, session: Session) -> InstituteOut:
    async with session.begin():
        institute = await _locked(session, caller, institute_id)
        if institute.status not in MANAGED:
            raise ProblemError(409, "institute_not_managed", f"研究院当前状态为 {institute.status}，不能登记升级")
        transition = upgrade_to_provincial(InstituteStatus(institute.status))
        before = snapshot(institute)
        institute.status = InstituteStatus.UPGRADED.value
        institute.status_basis = transition.basis
        institute.status_reason = f"{transition.detail}：{body.provincial_designation}"
        institute.status_changed_on = body.on
        await session.flush()
        audit.record(session, caller, "upgrade", institute, before=before)
        return InstituteOut.model_validate(institute)


async def refuse_unshown_ground(session: Session, institute: Institute, body: RevokeIn) -> None:
    """Grounds the service can check against its own records must be shown by them (三(五), 三(六)2): two consecutive
    missed years in the annual reports, or an enterprise record whose 高新 validity has ended by the decision."""
    if body.ground is RevocationGround.RD_BELOW_STANDARD_TWICE:
        reports = (
            await session.scalars(
                select(InstituteAnnualReport).where(InstituteAnnualReport.institute_id == institute.id)
            )
        ).all()
        params = institute_params(institute.recognised_on or institute.applied_on)
        verdict = monitoring_verdict([AnnualReport(r.year, r.meets_standard) for r in reports], params)
        if verdict is None or verdict.status is not InstituteStatus.REVOKED:
            years = "、".join(str(r.year) for r in sorted(reports, key=lambda r: r.year) if not r.meets_standard)
            raise ProblemError(
                422,
                "ground_not_shown",
                f"年报未显示连续两年研发投入不达标（不达标年度：{years or '无'}）",
                field="ground",
            )
    if body.ground is RevocationGround.LOST_HITECH:
        enterprise = await enterprise_or_404(session, institute.enterprise_uscc)
        valid_until = enterprise.hitech_valid_until
        if valid_until is not None and valid_until >= body.decided_on:
            raise ProblemError(
                422,
                "ground_not_shown",
                f"企业登记的国家高新技术企业证书有效期至 {valid_until.isoformat()}，"
                f"{body.decided_on.isoformat()} 仍有效",
                field="ground",
            )


@router.post("/institutes/{institute_id}/revoke", summary="取消企业研究院资格（43号 三(六)）")
async def revoke_institute(institute_id: PathId, body: RevokeIn, caller: Writer, session: Session) -> InstituteOut:
    async with session.begin():
        institute = await _locked(session, caller, institute_id)
        if institute.status not in MANAGED:
            raise ProblemError(
                409, "institute_not_recognised", f"研究院当前状态为 {institute.status}，仅可取消已认定的研究院资格"
            )
        assert institute.recognised_on is not None
        if body.decided_on < institute.recognised_on:
            raise ProblemError(422, "decided_before_recognition", "取消日期早于认定日期", field="decided_on")
        await refuse_unshown_ground(session, institute, body)
        decision = revoke(body.ground, body.decided_on, params_on(institute_params, body.decided_on, "decided_on"))
        before = snapshot(institute)
        institute.status = InstituteStatus.REVOKED.value
        institute.status_basis = decision.basis
        institute.status_reason = body.reason
        institute.status_changed_on = body.decided_on
        await session.flush()
        audit.record(session, caller, "revoke", institute, before=before)
        if decision.ban is not None:
            record = CreditRecordRow(
                subject_id=institute.enterprise_uscc,
                kind=CreditKind.INSTITUTE_FALSE_MATERIALS.value,
                decided_on=decision.ban.start,
                ban_until=decision.ban.until,
                reason=body.reason,
                basis=decision.ban.basis,
                institute_id=institute.id,
            )
            session.add(record)
            await session.flush()
            audit.record(session, caller, "credit_record", record)
        return InstituteOut.model_validate(institute)
