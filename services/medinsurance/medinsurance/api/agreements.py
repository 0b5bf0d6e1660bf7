"""医保协议 (二(三)4, 附件1 一): signing, 中止, 恢复, 解除, 续签."""

import datetime as dt
from dataclasses import asdict, replace

from fastapi import APIRouter
from sqlalchemy import select

from medinsurance.api.common import audit, idempotent, in_force, institution_for, institution_in_district
from medinsurance.api.schemas import (
    AgreementEventIn,
    AgreementEventOut,
    AgreementIn,
    AgreementOut,
    PathId,
    QueryId,
    TerminationStepIn,
)
from medinsurance.models import Agreement
from medinsurance.rules import agreements as rules
from medinsurance.rules.basis import basis
from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.clock import today
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging
from qz_common.params import ParameterSet

router = APIRouter(prefix="/v1", tags=["agreements"])

_AGREEMENTS = PagedSelect(
    select(Agreement).order_by(Agreement.id),
    institution_id=Agreement.institution_id,
    district=institution_in_district(Agreement.institution_id),
)

FIELDS = [f for f in rules.Agreement.__dataclass_fields__ if f != "state"]
EVENT_NAMES = {"suspend": "中止", "terminate": "解除", "resume": "恢复", "renew": "续签"}


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
        area = body.pooling_area or inst.district
        live = await session.scalar(
            select(Agreement.id).where(
                Agreement.institution_id == inst.id,
                Agreement.pooling_area == area,
                Agreement.state.in_(["active", "suspended"]),
            )
        )
        if live is not None:
            raise ProblemError(
                409, "agreement_exists", f"该机构在{area}已有有效医保协议（{live}）", field="institution_id"
            )
        a = rules.first_term(body.signed_on)
        row = Agreement(institution_id=inst.id, pooling_area=area)
        apply_rule(row, a)
        row.public_institution = inst.public_institution
        session.add(row)
        await session.flush()
        audit.record(session, caller, "sign", row)
        return AgreementOut.model_validate(row)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


async def _locked(session: Session, caller: Writer, agreement_id: int) -> Agreement:
    row = await session.get(Agreement, agreement_id, with_for_update=True)
    if row is None:
        raise ProblemError(404, "not_found", "医保协议不存在", field="agreement_id")
    await institution_for(session, caller, row.institution_id)
    return row


def _apply_event(row: Agreement, body: AgreementEventIn, p: ParameterSet) -> rules.Agreement:
    a = rules.status_on(to_rule(row), body.on, p)
    if body.event == "suspend":
        if body.days is None:
            raise ProblemError(422, "days_required", "中止须给出天数", field="days")
        return rules.suspend(a, body.on, body.days, p, voluntary=body.voluntary, notified_on=body.requested_on)
    if body.event == "resume":
        return rules.resume(a, body.on, p)
    if body.event == "terminate":
        if body.voluntary:
            rules.check_voluntary(a, body.requested_on or body.on, body.on, p)
        return rules.terminate(a, body.on, body.reason or "", body.clause or "五(三)5")
    return rules.renew(a, body.on, p)


async def linked_agreements(session: Session, row: Agreement) -> list[Agreement]:
    """The live agreements the same institution holds in other 统筹区 (附件1 一(三)3)."""
    return list(
        (
            await session.scalars(
                select(Agreement)
                .where(
                    Agreement.institution_id == row.institution_id,
                    Agreement.id != row.id,
                    Agreement.pooling_area != row.pooling_area,
                    Agreement.state.in_(["active", "suspended"]),
                )
                .order_by(Agreement.id)
                .with_for_update()
            )
        ).all()
    )


@router.post(
    "/agreements/{agreement_id}/events", summary="协议中止、恢复、解除、续签（地市级中止、解除及于其他统筹区）"
)
async def agreement_event(
    agreement_id: PathId, body: AgreementEventIn, caller: Writer, session: Session
) -> AgreementEventOut:
    if body.by_prefecture_office:
        if body.event not in ("suspend", "terminate"):
            raise ProblemError(
                422, "prefecture_event", "地市级经办机构的联动仅适用于中止、解除", field="by_prefecture_office"
            )
        if caller.district is not None:
            raise ProblemError(
                403,
                "not_prefecture_office",
                "县级客户端不能以地市级经办机构名义中止、解除",
                field="by_prefecture_office",
            )
    async with session.begin():
        row = await _locked(session, caller, agreement_id)
        p = in_force("agreement", body.on).params
        rows = [row, *(await linked_agreements(session, row))] if body.by_prefecture_office else [row]
        for target in rows:
            before = snapshot(target)
            try:
                nxt = _apply_event(target, body, p)
            except rules.AgreementError as exc:
                raise ProblemError(
                    409, "agreement_rule", f"医保协议{target.id}：{exc}", field="event", basis=exc.basis
                ) from None
            if target is not row:
                nxt = replace(
                    nxt,
                    reason=f"地市级经办机构{EVENT_NAMES[body.event]}医保协议{row.id}，本统筹区协议同时{EVENT_NAMES[body.event]}",
                    basis=f"{nxt.basis}; {basis('附件1 一(三)3')}",
                )
            apply_rule(target, nxt)
            await session.flush()
            audit.record(session, caller, body.event, target, before=before)
        return AgreementEventOut(
            **AgreementOut.model_validate(row).model_dump(),
            linked=[AgreementOut.model_validate(r) for r in rows[1:]],
        )


@router.post("/agreements/{agreement_id}/termination-steps", summary="解除协议办理程序（附件1 一(四)）")
async def termination_step(
    agreement_id: PathId, body: TerminationStepIn, caller: Writer, session: Session
) -> AgreementOut:
    async with session.begin():
        row = await _locked(session, caller, agreement_id)
        before = snapshot(row)
        done = tuple(
            rules.TerminationStep(s["step"], dt.date.fromisoformat(s["on"])) for s in row.termination_steps or []
        )
        view = rules.status_on(to_rule(row), body.on, in_force("agreement", body.on).params)
        try:
            steps = rules.record_termination_step(view, done, body.step, body.on)
        except rules.AgreementError as exc:
            raise ProblemError(409, "termination_procedure", str(exc), field="step", basis=exc.basis) from None
        row.termination_steps = [{"step": s.step, "on": s.on.isoformat()} for s in steps]
        await session.flush()
        audit.record(session, caller, "termination_step", row, before=before)
        return AgreementOut.model_validate(row)


@router.get("/agreements/{agreement_id}", summary="医保协议详情（含自动解除、到期）")
async def get_agreement(agreement_id: PathId, caller: Reader, session: Session) -> AgreementOut:
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
    caller: Reader, engine: Engine, paging: Paging, institution_id: QueryId = None
) -> Page[AgreementOut]:
    return await _AGREEMENTS.fetch(
        engine,
        paging,
        AgreementOut.model_validate,
        institution_id=institution_id,
        district=scoped_district(caller, None),
    )
