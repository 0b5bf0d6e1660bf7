"""医保协议 (二(三)4, 附件1 一): signing, 中止, 恢复, 解除, 续签 and the 解除 procedure."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.bars import refuse_if_barred
from medinsurance.casework.common import audit, institution_for, not_before_the_rules, not_in_future, of_institution
from medinsurance.casework.records import agreement_rule, store_agreement
from medinsurance.models import Agreement, Application, Institution
from medinsurance.parameters import in_force
from medinsurance.rules import agreements as rules
from medinsurance.rules.basis import basis
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller

LIVE = (rules.AgreementState.ACTIVE.value, rules.AgreementState.SUSPENDED.value)
EVENT_NAMES = {"suspend": "中止", "terminate": "解除", "resume": "恢复", "renew": "续签"}


def as_of(row: Agreement, day: dt.date) -> rules.Agreement:
    """The agreement as it stands on ``day``: automatic 解除 and expiry are derived, never stored (reading A-54)."""
    return rules.status_on(agreement_rule(row), day, in_force("agreement", day).params)


async def find(session: AsyncSession, caller: Caller, agreement_id: int, *, lock: bool = False) -> Agreement:
    """The agreement the path names, if the caller may see its institution (404 for another district's, as for an
    unused id); ``lock`` for a command."""
    return await of_institution(session, caller, Agreement, agreement_id, "医保协议", field="agreement_id", lock=lock)


async def change(
    session: AsyncSession,
    caller: Caller,
    action: str,
    row: Agreement,
    on: dt.date,
    transition: Callable[[rules.Agreement], rules.Agreement],
    *,
    field: str,
) -> None:
    """Apply ``transition`` of rules.agreements to the (locked) agreement as it stands on ``on``, and audit it. A
    transition the rules refuse is a 409 naming ``field``."""
    try:
        nxt = transition(as_of(row, on))
    except rules.AgreementError as exc:
        raise ProblemError(409, "agreement_rule", f"医保协议{row.id}：{exc}", field=field, basis=exc.basis) from None
    async with audit.change(session, caller, action, row):
        store_agreement(row, nxt)


async def _open(
    session: AsyncSession,
    caller: Caller,
    inst: Institution,
    area: str,
    signed_on: dt.date,
    action: str,
    field: str,
    **origin: Any,
) -> Agreement:
    """A first term from ``signed_on`` to 31 December (二(三)4 "协议期限一般按自然年度签订至当年12月31日") for an
    institution (locked) not barred that day (``field`` names the date) and holding no agreement in the 统筹区
    ``area`` that still stands that day (reading A-67, A-70). One that ended by itself by then (到期, or 中止超过180日)
    is recorded as it stands, audited as ``lapse`` (reading A-71). An agreement signed before 六(四)'s date is not
    one under these rules (reading A-76)."""
    not_before_the_rules(signed_on, field)
    await refuse_if_barred(session, inst, signed_on, field=field)
    stored_live = select(Agreement).where(
        Agreement.institution_id == inst.id, Agreement.pooling_area == area, Agreement.state.in_(LIVE)
    )
    for previous in (await session.scalars(stored_live.order_by(Agreement.id).with_for_update())).all():
        view = as_of(previous, signed_on)
        if view.state.value in LIVE:
            detail = f"该机构在{area}已有有效医保协议（{previous.id}）"
            raise ProblemError(409, "agreement_exists", detail, field="institution_id")
        async with audit.change(session, caller, "lapse", previous):
            store_agreement(previous, view)
    row = Agreement(institution_id=inst.id, pooling_area=area, **origin)
    store_agreement(row, rules.first_term(signed_on))
    row.public_institution = inst.public_institution  # 公立医疗机构不得主动提出中止或解除 (附件1 一(三)3)
    session.add(row)
    await session.flush()
    audit.record(session, caller, action, row)
    return row


async def sign(
    session: AsyncSession,
    caller: Caller,
    application: Application,
    signed_on: dt.date,
    pooling_area: str | None,
    field: str,
) -> Agreement:
    """二(三)4 "报党组会审议通过后,确定为定点医药机构…经办机构与医药机构签订医保协议": the agreement of the application
    being signed (casework.applications.sign steps it to ``signed``), in the institution's district unless another
    统筹区 is named."""
    inst = await get_or_404(session, Institution, application.institution_id, "医药机构", field=None, lock=True)
    area = pooling_area or inst.district
    origin = {"source": "application", "application_id": application.id}
    return await _open(session, caller, inst, area, signed_on, "sign", field, **origin)


async def import_signed(
    session: AsyncSession,
    caller: Caller,
    institution_id: int,
    signed_on: dt.date,
    pooling_area: str | None,
    original_document_number: str,
    reason: str,
) -> Agreement:
    """An agreement signed outside the platform (before it existed), recorded with its 文书号 and why: it binds like
    a signed one, so it is refused when the entity was barred from designation on ``signed_on`` (reading A-70)."""
    not_in_future(signed_on, "signed_on")
    inst = await institution_for(session, caller, institution_id, lock=True, referenced=True)
    area = pooling_area or inst.district
    origin = {"source": "import", "original_document_number": original_document_number, "import_reason": reason}
    return await _open(session, caller, inst, area, signed_on, "import", "signed_on", **origin)


@dataclass(frozen=True)
class AgreementEvent:
    """A 中止, 恢复, 解除 or 续签 as the caseworker records it."""

    event: str  # suspend | resume | terminate | renew
    on: dt.date
    days: int | None = None  # of a 中止
    voluntary: bool = False  # asked for by the institution (附件1 一(三)3)
    requested_on: dt.date | None = None  # when the institution asked
    reason: str | None = None
    clause: str | None = None
    by_prefecture_office: bool = False  # 地市级经办机构: reaches the other 统筹区 (附件1 一(三)3)


@dataclass(frozen=True)
class Applied:
    agreement: Agreement
    linked: list[Agreement]  # the agreements in other 统筹区 the same event reached


def _transition(e: AgreementEvent) -> Callable[[rules.Agreement], rules.Agreement]:
    p = in_force("agreement", e.on).params
    if e.event == "suspend":
        days = e.days
        if days is None:
            raise ProblemError(422, "days_required", "中止须给出天数", field="days")
        return lambda a: rules.suspend(a, e.on, days, p, voluntary=e.voluntary, notified_on=e.requested_on)
    if e.event == "resume":
        return lambda a: rules.resume(a, e.on, p)
    if e.event == "terminate":

        def terminate(a: rules.Agreement) -> rules.Agreement:
            if e.voluntary:
                rules.check_voluntary(a, e.requested_on or e.on, e.on, p)
            return rules.terminate(a, e.on, e.reason or "", e.clause or "五(三)5")

        return terminate
    return lambda a: rules.renew(a, e.on, p)


def _check_prefecture(caller: Caller, e: AgreementEvent) -> None:
    """附件1 一(三)3 links only 中止 and 解除, and only a city-wide client speaks for the 地市级经办机构."""
    if e.event not in ("suspend", "terminate"):
        raise ProblemError(
            422, "prefecture_event", "地市级经办机构的联动仅适用于中止、解除", field="by_prefecture_office"
        )
    if caller.district is not None:
        raise ProblemError(
            403, "not_prefecture_office", "县级客户端不能以地市级经办机构名义中止、解除", field="by_prefecture_office"
        )


async def _linked(session: AsyncSession, row: Agreement) -> list[Agreement]:
    """The live agreements the same institution holds in other 统筹区 (附件1 一(三)3), locked."""
    stmt = (
        select(Agreement)
        .where(
            Agreement.institution_id == row.institution_id,
            Agreement.id != row.id,
            Agreement.pooling_area != row.pooling_area,
            Agreement.state.in_(LIVE),
        )
        .order_by(Agreement.id)
        .with_for_update()
    )
    return list((await session.scalars(stmt)).all())


async def record_event(session: AsyncSession, caller: Caller, agreement_id: int, e: AgreementEvent) -> Applied:
    """A 中止, 恢复, 解除 or 续签 (附件1 一(二), 一(三)), each agreement by its own rules; one decided by the
    地市级经办机构 reaches the institution's agreements in other 统筹区 (reading A-67)."""
    if e.by_prefecture_office:
        _check_prefecture(caller, e)
    row = await find(session, caller, agreement_id, lock=True)
    transition = _transition(e)
    linked = await _linked(session, row) if e.by_prefecture_office else []
    await change(session, caller, e.event, row, e.on, transition, field="event")
    name = EVENT_NAMES[e.event]

    def reached(a: rules.Agreement) -> rules.Agreement:
        nxt = transition(a)
        reason = f"地市级经办机构{name}医保协议{row.id}，本统筹区协议同时{name}"
        return replace(nxt, reason=reason, basis=f"{nxt.basis}; {basis('附件1 一(三)3')}")

    for other in linked:
        await change(session, caller, e.event, other, e.on, reached, field="event")
    return Applied(row, linked)


async def record_termination_step(
    session: AsyncSession, caller: Caller, agreement_id: int, step: str, on: dt.date
) -> Agreement:
    """附件1 一(四) 解除协议办理程序, in order, on an agreement whose 解除 is decided (reading A-61)."""
    row = await find(session, caller, agreement_id, lock=True)
    done = tuple(rules.TerminationStep(s["step"], dt.date.fromisoformat(s["on"])) for s in row.termination_steps or [])
    try:
        steps = rules.record_termination_step(as_of(row, on), done, step, on)
    except rules.AgreementError as exc:
        raise ProblemError(409, "termination_procedure", str(exc), field="step", basis=exc.basis) from None
    async with audit.change(session, caller, "termination_step", row):
        row.termination_steps = [{"step": s.step, "on": s.on.isoformat()} for s in steps]
    return row
