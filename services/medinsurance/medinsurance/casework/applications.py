"""定点申请 following 二(三): 预登记 → 试运行 → 受理 → 评估 → 党组会 → 协议 → 开通刷卡."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework import agreements
from medinsurance.casework.bars import refuse_if_barred
from medinsurance.casework.common import audit, institution_for, not_in_future, of_institution
from medinsurance.casework.records import application_rule, store_application
from medinsurance.models import Agreement, Application, Institution
from medinsurance.parameters import counted_in_force, in_force
from medinsurance.rules import application as rules
from medinsurance.rules.basis import CALENDAR_BOOK
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller

# An application in any other state is still running: one per institution at a time.
CLOSED = (rules.AppState.WITHDRAWN, rules.AppState.CANCELLED, rules.AppState.BARRED, rules.AppState.OPEN)


async def find(
    session: AsyncSession, caller: Caller, application_id: int, *, lock: bool = False, referenced: bool = False
) -> Application:
    """The application the path or (``referenced``) a body field names, if the caller may see its institution:
    another district's answers as an unused id (404, or 422 reference_not_found); ``lock`` for a command."""
    return await of_institution(
        session,
        caller,
        Application,
        application_id,
        "定点申请",
        field="application_id",
        lock=lock,
        referenced=referenced,
    )


async def pre_register(
    session: AsyncSession, caller: Caller, institution_id: int, pre_registered_on: dt.date
) -> Application:
    """二(三)1 预登记, which starts the 3-month 试运行."""
    await institution_for(session, caller, institution_id, referenced=True)
    running = await session.scalar(
        select(Application.id).where(
            Application.institution_id == institution_id, Application.state.not_in([s.value for s in CLOSED])
        )
    )
    if running is not None:
        raise ProblemError(409, "application_open", f"该机构已有进行中的定点申请（{running}）", field="institution_id")
    row = Application(institution_id=institution_id)
    store_application(row, rules.Application(state=rules.AppState.TRIAL, pre_registered_on=pre_registered_on))
    return await audit.add(session, caller, "pre_register", row)


@dataclass(frozen=True)
class Signed:
    application: Application
    agreement: Agreement


async def advance(
    session: AsyncSession,
    caller: Caller,
    row: Application,
    event: rules.AppEvent,
    on: dt.date,
    score: Decimal | None,
    *,
    qualified: bool | None = None,
) -> None:
    """Step the (locked) application by ``event`` on ``on`` under 二(三), and audit it; a submission is first checked
    against the entity's bars (reading A-59). ``qualified``: the verdict of the scored sheets the score comes from
    (casework/evaluations.py)."""
    if event is rules.AppEvent.SUBMIT:
        inst = await get_or_404(session, Institution, row.institution_id, "医药机构", field=None)
        await refuse_if_barred(session, inst, on)
    try:
        books = rules.Books(
            in_force("process", on).params, in_force("evaluation", on).params, in_force(CALENDAR_BOOK, on).params
        )
        nxt = rules.step(application_rule(row), event, on, books, score=score, qualified=qualified)
    except rules.ProcessError as exc:
        status = 422 if event is rules.AppEvent.EVALUATE and score is None else 409
        raise ProblemError(status, "process_rule", str(exc), field="event", basis=exc.basis) from None
    async with audit.change(session, caller, event.value, row):
        store_application(row, nxt)


async def sign(
    session: AsyncSession,
    caller: Caller,
    application_id: int,
    signed_on: dt.date,
    pooling_area: str | None = None,
    *,
    field: str = "on",
) -> Signed:
    """二(三)4 签订协议: the approved application becomes ``signed`` and its agreement is made, in one transaction; the
    only way to a new agreement besides an import (reading A-70). Both doors, the application's ``sign`` event and
    ``POST /v1/agreements``, come here; ``field`` names the date the request gave. The agreement checks the bars."""
    row = await find(session, caller, application_id, lock=True)
    await advance(session, caller, row, rules.AppEvent.SIGN, signed_on, None)
    return Signed(row, await agreements.sign(session, caller, row, signed_on, pooling_area, field))


async def sign_for(
    session: AsyncSession,
    caller: Caller,
    institution_id: int,
    application_id: int,
    signed_on: dt.date,
    pooling_area: str | None,
) -> Agreement:
    """``POST /v1/agreements``: the signature of the institution's approved application."""
    not_in_future(signed_on, "signed_on")
    await institution_for(session, caller, institution_id, referenced=True)
    application = await find(session, caller, application_id, referenced=True)
    if application.institution_id != institution_id:
        detail = f"定点申请{application_id}不是医药机构{institution_id}的申请"
        raise ProblemError(422, "application_of_another_institution", detail, field="application_id")
    return (await sign(session, caller, application_id, signed_on, pooling_area, field="signed_on")).agreement


async def record_event(
    session: AsyncSession,
    caller: Caller,
    application_id: int,
    event: rules.AppEvent,
    on: dt.date,
    score: Decimal | None,
) -> Application:
    """A step of 二(三) dated ``on``; the signature also makes the agreement (``sign``)."""
    not_in_future(on, "on")
    if event is rules.AppEvent.SIGN:
        return (await sign(session, caller, application_id, on)).application
    row = await find(session, caller, application_id, lock=True)
    await advance(session, caller, row, event, on, score)
    return row


async def add_supplement(
    session: AsyncSession, caller: Caller, application_id: int, first: dt.date, last: dt.date
) -> Application:
    """二(三)3 "机构补充材料时间不计入评估期限": a supplement period during the evaluation extends its deadline."""
    row = await find(session, caller, application_id, lock=True)
    try:
        process, calendar = counted_in_force("process", first)
        nxt = rules.extend_for_supplement(application_rule(row), first, last, process.params, calendar)
    except rules.ProcessError as exc:
        raise ProblemError(409, "process_rule", str(exc), field="first", basis=exc.basis) from None
    async with audit.change(session, caller, "supplement", row):
        store_application(row, nxt)
    return row
