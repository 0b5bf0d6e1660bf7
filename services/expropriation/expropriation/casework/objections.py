"""复核 requests: a household objects to items of its quote through 浙里办; the caseworker answers each (A-51)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.agreements import has_agreement
from expropriation.casework.common import audit
from expropriation.casework.projects import household_of
from expropriation.casework.quotes import household_quote
from expropriation.models import Objection
from expropriation.rules.objections import answer_due
from expropriation.rules.types import Method
from qz_common.db import get_in_district
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.money import yuan_str

OPEN, ANSWERED = "open", "answered"


async def objection_of(session: AsyncSession, caller: Caller, objection_id: int, *, lock: bool = False) -> Objection:
    return await get_in_district(session, caller, Objection, objection_id, "复核申请", field="objection_id", lock=lock)


async def file(
    session: AsyncSession,
    caller: Caller,
    household_id: int,
    method: Method | None,
    item_codes: Sequence[str],
    grounds: str,
    on: dt.date,
) -> Objection:
    """The household's quote under ``method`` (its own by default) as its records stand today, the items it contests
    with the amounts it was shown; refused once an agreement is signed (its quote is then the agreement's)."""
    household, project = await household_of(session, caller, household_id, lock=True)
    if await has_agreement(session, household.id):
        raise ProblemError(409, "agreement_exists", "本户已签订协议，协议所载金额不再按测算复核")
    _household, _project, q = await household_quote(session, caller, household_id, method)
    shown = {item.code: item.amount for item in q.items}
    errors = [
        {"field": f"item_codes[{n}]", "code": "item_not_in_quote", "detail": f"{code}：本户该安置方式的测算中没有此项"}
        for n, code in enumerate(item_codes)
        if code not in shown
    ]
    if errors:
        raise ProblemError(422, "item_not_in_quote", errors[0]["detail"], field=errors[0]["field"], errors=errors)
    record = Objection(
        household_id=household.id,
        district=household.district,
        method=q.method.value,
        items={code: yuan_str(shown[code]) for code in item_codes},
        grounds=grounds,
        filed_on=on,
        answer_due_on=answer_due(project.signing_deadline, on),
        state=OPEN,
    )
    return await audit.add(session, caller, "file", record)


async def of_household(session: AsyncSession, caller: Caller, household_id: int) -> list[Objection]:
    household, _project = await household_of(session, caller, household_id)
    found = await session.scalars(
        select(Objection).where(Objection.household_id == household.id).order_by(Objection.id)
    )
    return list(found)


async def answer(
    session: AsyncSession, caller: Caller, objection_id: int, outcome: str, text: str, on: dt.date
) -> Objection:
    record = await objection_of(session, caller, objection_id, lock=True)
    if record.state != OPEN:
        raise ProblemError(409, "objection_answered", f"该复核申请已于 {record.answered_on} 答复")
    if on < record.filed_on:
        raise ProblemError(422, "answered_before_filed", "答复日早于申请复核之日", field="answered_on")
    async with audit.change(session, caller, "answer", record):
        record.state = ANSWERED
        record.outcome = outcome
        record.answer = text
        record.answered_on = on
    return record
