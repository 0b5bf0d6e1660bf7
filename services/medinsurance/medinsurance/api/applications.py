"""定点申请 following 二(三): 预登记 → 试运行 → 受理 → 评估 → 党组会 → 协议 → 开通刷卡."""

import datetime as dt
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from medinsurance.api.common import audit, idempotent, in_force, institution_for, institution_in_district, not_in_future
from medinsurance.api.schemas import ApplicationEventIn, ApplicationIn, ApplicationOut, PathId, QueryId, SupplementIn
from medinsurance.models import Agreement, Application, Institution
from medinsurance.rules import application as rules
from medinsurance.rules.eligibility import InstitutionType
from medinsurance.rules.refusal import ApplicantRecord, Termination, refusal_findings
from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["applications"])

_APPLICATIONS = PagedSelect(
    select(Application).order_by(Application.id),
    institution_id=Application.institution_id,
    state=Application.state,
    district=institution_in_district(Application.institution_id),
)

SANCTION_CLAUSE = "五(三)"  # agreements ended by a 协议处理 decision carry it in their basis
VOLUNTARY_TERMINATION = "五(三)5(10)"  # 主动提出解除医保协议且经办机构同意的: no sanction
FIELDS = [f for f in rules.Application.__dataclass_fields__ if f != "state"]


def to_rule(row: Application) -> rules.Application:
    return rules.Application(state=rules.AppState(row.state), **{f: getattr(row, f) for f in FIELDS})


def apply_rule(row: Application, app: rules.Application) -> None:
    values = asdict(app)
    row.state = app.state.value
    for f in FIELDS:
        setattr(row, f, values[f])


async def _locked(session: Session, caller: Reader, application_id: int) -> Application:
    row = await session.get(Application, application_id, with_for_update=True)
    if row is None:
        raise ProblemError(404, "not_found", "定点申请不存在", field="application_id")
    await institution_for(session, caller, row.institution_id)
    return row


async def _refuse_if_barred(session: Session, institution_id: int, on: dt.date) -> None:
    """Bars checked when an application is submitted (申请 = 提交正式的定点申请书, reading A-59).

    They bind the operating entity (its 统一社会信用代码), whichever application or institution row it uses:
    二(三)2 不予受理 医疗机构(4)/药店(2) "以弄虚作假等不正当手段申请定点,自发现之日起未满3年" (from the cancelled
    applications held here; other dated records go through /v1/refusal-check), 二(三)2 "须3个月后方可再次申请"
    and 二(三)3 "1年内不得再次申请"."""
    inst = await session.get(Institution, institution_id)
    assert inst is not None
    history = [
        to_rule(r)
        for r in (
            await session.scalars(
                select(Application)
                .join(Institution, Institution.id == Application.institution_id)
                .where(Institution.uscc == inst.uscc)
            )
        ).all()
    ]
    terminated = (
        await session.scalars(
            select(Agreement.terminated_on)
            .join(Institution, Institution.id == Agreement.institution_id)
            .where(
                Institution.uscc == inst.uscc,
                Agreement.state == "terminated",
                Agreement.basis.like(f"%{SANCTION_CLAUSE}%"),
                Agreement.basis.not_like(f"%{VOLUNTARY_TERMINATION}%"),
            )
        )
    ).all()
    pharmacy = inst.kind in (InstitutionType.RETAIL_PHARMACY, InstitutionType.INTERNET_PHARMACY)
    findings = refusal_findings(
        ApplicantRecord(
            fraud_found_on=tuple(a.cancelled_on for a in history if a.cancelled_on is not None),
            # Reading A-53: the shortest window (1 year, 严重违反医保协议约定); /v1/refusal-check weighs the rest.
            terminated_for_breach=tuple(Termination(on, True) for on in terminated if on is not None),
        ),
        on,
        pharmacy,
        in_force("refusal", on).params,
    )
    if findings:
        f = findings[0]
        raise ProblemError(
            409, "refused", f"不予受理：{f.reason}（至{f.until}）", field="on", basis=f.basis, until=str(f.until)
        )
    bar = rules.waiting_bar(history, on)
    if bar is not None:
        raise ProblemError(
            409, "waiting_period", f"不予受理：{bar.reason}", field="on", basis=bar.basis, until=str(bar.until)
        )


@router.post("/applications", status_code=201, summary="预登记（开始3个月试运行）", response_model=ApplicationOut)
async def create_application(
    body: ApplicationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> ApplicationOut:
        await institution_for(session, caller, body.institution_id)
        open_app = await session.scalar(
            select(Application.id).where(
                Application.institution_id == body.institution_id,
                Application.state.not_in(["withdrawn", "cancelled", "barred", "open"]),
            )
        )
        if open_app is not None:
            raise ProblemError(
                409, "application_open", f"该机构已有进行中的定点申请（{open_app}）", field="institution_id"
            )
        start = rules.Application(state=rules.AppState.TRIAL, pre_registered_on=body.pre_registered_on)
        row = Application(institution_id=body.institution_id)
        apply_rule(row, start)
        session.add(row)
        await session.flush()
        audit.record(session, caller, "pre_register", row)
        return ApplicationOut.model_validate(row)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.post("/applications/{application_id}/events", summary="申请流程事件（受理、补正、评估、审议、签约、开通）")
async def application_event(
    application_id: PathId, body: ApplicationEventIn, caller: Writer, session: Session
) -> ApplicationOut:
    not_in_future(body.on, "on")
    async with session.begin():
        row = await _locked(session, caller, application_id)
        before = snapshot(row)
        p = in_force("process", body.on).params
        if body.event is rules.AppEvent.SUBMIT:
            await _refuse_if_barred(session, row.institution_id, body.on)
        try:
            nxt = rules.step(to_rule(row), body.event, body.on, p, score=body.score)
        except rules.ProcessError as exc:
            status = 422 if body.event is rules.AppEvent.EVALUATE and body.score is None else 409
            raise ProblemError(status, "process_rule", str(exc), field="event", basis=exc.basis) from None
        apply_rule(row, nxt)
        await session.flush()
        audit.record(session, caller, body.event.value, row, before=before)
        return ApplicationOut.model_validate(row)


@router.post("/applications/{application_id}/supplements", summary="评估期间补充材料（不计入评估期限）")
async def add_supplement(
    application_id: PathId, body: SupplementIn, caller: Writer, session: Session
) -> ApplicationOut:
    async with session.begin():
        row = await _locked(session, caller, application_id)
        before = snapshot(row)
        try:
            nxt = rules.extend_for_supplement(
                to_rule(row), body.first, body.last, in_force("process", body.first).params
            )
        except rules.ProcessError as exc:
            raise ProblemError(409, "process_rule", str(exc), field="first", basis=exc.basis) from None
        apply_rule(row, nxt)
        await session.flush()
        audit.record(session, caller, "supplement", row, before=before)
        return ApplicationOut.model_validate(row)


@router.get("/applications/{application_id}", summary="定点申请详情")
async def get_application(application_id: PathId, caller: Reader, session: Session) -> ApplicationOut:
    row = await session.get(Application, application_id)
    if row is None:
        raise ProblemError(404, "not_found", "定点申请不存在", field="application_id")
    await institution_for(session, caller, row.institution_id)
    return ApplicationOut.model_validate(row)


@router.get("/applications", summary="定点申请列表")
async def list_applications(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    institution_id: QueryId = None,
    state: Annotated[rules.AppState | None, Query()] = None,
) -> Page[ApplicationOut]:
    return await _APPLICATIONS.fetch(
        engine,
        paging,
        ApplicationOut.model_validate,
        institution_id=institution_id,
        state=state.value if state is not None else None,
        district=scoped_district(caller, None),
    )
