"""定点申请 following 二(三): 预登记 → 试运行 → 受理 → 评估 → 党组会 → 协议 → 开通刷卡."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.bars import refuse_if_barred
from medinsurance.casework.common import audit, institution_for, not_in_future
from medinsurance.casework.records import application_rule, store_application
from medinsurance.models import Application
from medinsurance.parameters import in_force
from medinsurance.rules import application as rules
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller

# An application in any other state is still running: one per institution at a time.
CLOSED = (rules.AppState.WITHDRAWN, rules.AppState.CANCELLED, rules.AppState.BARRED, rules.AppState.OPEN)


async def find(session: AsyncSession, caller: Caller, application_id: int, *, lock: bool = False) -> Application:
    """The application, if the caller's district may see its institution (404, else 403); ``lock`` for a command."""
    row = await get_or_404(session, Application, application_id, "定点申请", field="application_id", lock=lock)
    await institution_for(session, caller, row.institution_id, field=None)
    return row


async def pre_register(
    session: AsyncSession, caller: Caller, institution_id: int, pre_registered_on: dt.date
) -> Application:
    """二(三)1 预登记, which starts the 3-month 试运行."""
    await institution_for(session, caller, institution_id)
    running = await session.scalar(
        select(Application.id).where(
            Application.institution_id == institution_id, Application.state.not_in([s.value for s in CLOSED])
        )
    )
    if running is not None:
        raise ProblemError(409, "application_open", f"该机构已有进行中的定点申请（{running}）", field="institution_id")
    row = Application(institution_id=institution_id)
    store_application(row, rules.Application(state=rules.AppState.TRIAL, pre_registered_on=pre_registered_on))
    session.add(row)
    await session.flush()
    audit.record(session, caller, "pre_register", row)
    return row


async def record_event(
    session: AsyncSession,
    caller: Caller,
    application_id: int,
    event: rules.AppEvent,
    on: dt.date,
    score: Decimal | None,
) -> Application:
    """A step of 二(三) dated ``on``; a submission is first checked against the entity's bars (reading A-59)."""
    not_in_future(on, "on")
    row = await find(session, caller, application_id, lock=True)
    if event is rules.AppEvent.SUBMIT:
        await refuse_if_barred(session, await institution_for(session, caller, row.institution_id, field=None), on)
    try:
        nxt = rules.step(application_rule(row), event, on, in_force("process", on).params, score=score)
    except rules.ProcessError as exc:
        status = 422 if event is rules.AppEvent.EVALUATE and score is None else 409
        raise ProblemError(status, "process_rule", str(exc), field="event", basis=exc.basis) from None
    async with audit.change(session, caller, event.value, row):
        store_application(row, nxt)
    return row


async def add_supplement(
    session: AsyncSession, caller: Caller, application_id: int, first: dt.date, last: dt.date
) -> Application:
    """二(三)3 "机构补充材料时间不计入评估期限": a supplement period during the evaluation extends its deadline."""
    row = await find(session, caller, application_id, lock=True)
    try:
        nxt = rules.extend_for_supplement(application_rule(row), first, last, in_force("process", first).params)
    except rules.ProcessError as exc:
        raise ProblemError(409, "process_rule", str(exc), field="first", basis=exc.basis) from None
    async with audit.change(session, caller, "supplement", row):
        store_application(row, nxt)
    return row
