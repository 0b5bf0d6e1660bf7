"""Wiring shared by the medinsurance routers: audit trail, idempotency, today's date in 衢州, parameter resolution."""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.models import AuditRecord, IdempotencyKey, Institution
from medinsurance.parameters import InForce, resolve
from qz_common.audit import AuditTrail
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotentCreator
from qz_common.identity import Caller, ensure_district

audit = AuditTrail(AuditRecord)
idempotent = IdempotentCreator(IdempotencyKey)


def in_force(book: str, day: dt.date) -> InForce:
    return resolve(book, day)


async def institution_for(
    session: AsyncSession, caller: Caller, institution_id: int, *, field: str = "institution_id"
) -> Institution:
    inst = await session.get(Institution, institution_id)
    if inst is None:
        raise ProblemError(404, "not_found", "医药机构不存在", field=field)
    ensure_district(caller, inst.district)
    return inst
