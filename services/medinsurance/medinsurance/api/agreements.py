"""医保协议 (二(三)4, 附件1 一): signing, 中止, 恢复, 解除, 续签."""

import datetime as dt
from dataclasses import asdict

from fastapi import APIRouter
from sqlalchemy import select

from medinsurance.api.common import audit, idempotent, in_force, institution_for
from medinsurance.api.schemas import AgreementEventIn, AgreementIn, AgreementOut
from medinsurance.models import Agreement, Institution
from medinsurance.rules import agreements as rules
from qz_common.app import Session
from qz_common.audit import snapshot
from qz_common.clock import today
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, Paging, fetch_page

router = APIRouter(prefix="/v1", tags=["agreements"])
FIELDS = [f for f in rules.Agreement.__dataclass_fields__ if f != "state"]


def to_rule(row: Agreement) -> rules.Agreement:
    return rules.Agreement(state=rules.AgreementState(row.state), **{f: getattr(row, f) for f in FIELDS})


def apply_rule(row: Agreement, a: rules.Agreement) -> None:
    values = asdict(a)
    row.state = a.state.value
    for f in FIELDS:
        setattr(row, f, values[f])


def current(row: Agreement, day: dt.date) -> rules.Agreement:
    return rules.status_on(to_rule(row), day, in_force("agreement", day).params)


@router.post("/agreements", status_code=201, summary="签订医保协议（至当年12月31日）", response_model=AgreementOut)
async def sign_agreement(
    body: AgreementIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> AgreementOut:
        inst = await institution_for(session, caller, body.institution_id)
        live = await session.scalar(
            select(Agreement.id).where(
                Agreement.institution_id == inst.id, Agreement.state.in_(["active", "suspended"])
            )
        )
        if live is not None:
            raise ProblemError(409, "agreement_exists", f"该机构已有有效医保协议（{live}）", field="institution_id")
        a = rules.first_term(body.signed_on)
        row = Agreement(institution_id=inst.id)
        apply_rule(row, a)
        row.public_institution = inst.public_institution
        session.add(row)
        await session.flush()
        audit.record(session, caller, "sign", row)
        return AgreementOut.model_validate(row)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.post("/agreements/{agreement_id}/events", summary="协议中止、恢复、解除、续签")
async def agreement_event(agreement_id: int, body: AgreementEventIn, caller: Writer, session: Session) -> AgreementOut:
    async with session.begin():
        row = await session.get(Agreement, agreement_id, with_for_update=True)
        if row is None:
            raise ProblemError(404, "not_found", "医保协议不存在", field="agreement_id")
        await institution_for(session, caller, row.institution_id)
        before = snapshot(row)
        p = in_force("agreement", body.on).params
        a = rules.status_on(to_rule(row), body.on, p)
        try:
            if body.event == "suspend":
                if body.days is None:
                    raise ProblemError(422, "days_required", "中止须给出天数", field="days")
                nxt = rules.suspend(a, body.on, body.days, p, voluntary=body.voluntary, notified_on=body.requested_on)
            elif body.event == "resume":
                nxt = rules.resume(a, body.on, p)
            elif body.event == "terminate":
                if body.voluntary:
                    rules.check_voluntary(a, body.requested_on or body.on, body.on, p)
                nxt = rules.terminate(a, body.on, body.reason or "", body.clause or "五(三)5")
            else:
                nxt = rules.renew(a, p)
        except rules.AgreementError as exc:
            raise ProblemError(409, "agreement_rule", str(exc), field="event", basis=exc.basis) from None
        apply_rule(row, nxt)
        await session.flush()
        audit.record(session, caller, body.event, row, before=before)
        return AgreementOut.model_validate(row)


@router.get("/agreements/{agreement_id}", summary="医保协议详情（含自动解除、到期）")
async def get_agreement(agreement_id: int, caller: Reader, session: Session) -> AgreementOut:
    row = await session.get(Agreement, agreement_id)
    if row is None:
        raise ProblemError(404, "not_found", "医保协议不存在", field="agreement_id")
    await institution_for(session, caller, row.institution_id)
    view = current(row, today())
    out = AgreementOut.model_validate(row)
    return out.model_copy(
        update={
            "state": view.state.value,
            "terminated_on": view.terminated_on,
            "reason": view.reason,
            "basis": view.basis,
        }
    )


@router.get("/agreements", summary="医保协议列表")
async def list_agreements(
    caller: Reader, session: Session, paging: Paging, institution_id: int | None = None
) -> Page[AgreementOut]:
    stmt = select(Agreement).order_by(Agreement.id)
    if institution_id is not None:
        stmt = stmt.where(Agreement.institution_id == institution_id)
    if scope := scoped_district(caller, None):
        stmt = stmt.join(Institution, Institution.id == Agreement.institution_id).where(Institution.district == scope)
    return await fetch_page(session, stmt, paging, AgreementOut.model_validate)
