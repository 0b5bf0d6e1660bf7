"""五 公安机关捕捉、扣押大型犬、烈性犬并移交收容(留验)场所."""

from sqlalchemy.ext.asyncio import AsyncSession

from dogs.casework.common import audit, classify_on, refuse_future
from dogs.models import Impoundment, Registration
from dogs.rules.capture import CLAUSE, capture_problems
from qz_common.clock import in_quzhou
from qz_common.db import get_referenced
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
