"""五 公安机关捕捉、扣押大型犬、烈性犬并移交收容(留验)场所."""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.casework.common import audit, classify_on, notice_on, refuse_future
from dogs.models import Impoundment, Registration
from dogs.rules.capture import CLAUSE, capture_problems, claim_deadline
from qz_common.clock import in_quzhou
from qz_common.db import get_in_district, get_referenced, no_such_record
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district


async def record(session: AsyncSession, caller: Caller, impoundment: Impoundment) -> Impoundment:
    """Store ``impoundment`` (new, as the police unit reported it) if 五 covers the dog on the day it was taken."""
    ensure_district(caller, impoundment.district)
    if impoundment.occurred_at.tzinfo is None or impoundment.handed_over_at.tzinfo is None:
        raise ProblemError(422, "timezone_required", "捕捉时间和移交时间须带时区", field="occurred_at")
    refuse_future(occurred_at=impoundment.occurred_at, handed_over_at=impoundment.handed_over_at)
    if impoundment.registration_id is not None:
        await get_referenced(
            session, caller, Registration, impoundment.registration_id, "养犬登记", field="registration_id"
        )
    dog = classify_on(
        in_quzhou(impoundment.occurred_at).date(),
        impoundment.breed,
        impoundment.shoulder_height_cm,
        impoundment.body_length_cm,
    )
    problems = capture_problems(dog, impoundment.occurred_at, impoundment.handed_over_at)
    if problems:
        raise ProblemError(
            422, "not_within_clause_five", "；".join(problems), field="breed", basis=CLAUSE, reasons=list(dog.reasons)
        )
    impoundment.large, impoundment.fierce = dog.large, dog.fierce  # fierce None: the list cannot place the breed
    return await audit.add(session, caller, "create", impoundment)


def _of_person(id_number: str) -> ColumnElement[bool]:
    """A person's dog, for the record: named as its owner by the police, or registered to them (D-27)."""
    registered = select(Registration.id).where(Registration.owner_id_number_lookup == id_number)
    return or_(Impoundment.owner_id_number_lookup == id_number, Impoundment.registration_id.in_(registered))


async def of_person(session: AsyncSession, id_number: str) -> Sequence[Impoundment]:
    """Every impoundment of the person's dogs, oldest first."""
    return (await session.scalars(select(Impoundment).where(_of_person(id_number)).order_by(Impoundment.id))).all()


async def impoundment(session: AsyncSession, caller: Caller, impoundment_id: int) -> Impoundment:
    """The impoundment the path names, if the caller may see it: its district's, and through 浙里办 only one of the
    person's dogs (another's answers as an unused id)."""
    record = await get_in_district(session, caller, Impoundment, impoundment_id, "扣押记录", field="impoundment_id")
    if caller.citizen_id is not None and not await session.scalar(
        select(Impoundment.id).where(Impoundment.id == record.id, _of_person(caller.citizen_id))
    ):
        raise no_such_record("扣押记录", "impoundment_id")
    return record


def claim_by(record: Impoundment) -> dt.date:
    """The last day to claim the dog (D-27), counted from the 衢州 day it was captured or seized."""
    taken_on = in_quzhou(record.occurred_at).date()
    return claim_deadline(taken_on, notice_on(taken_on))
