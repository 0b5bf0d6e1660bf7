"""Wiring shared by the medinsurance routers: audit trail, idempotency, today's date in 衢州, parameter resolution."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from medinsurance.models import AuditRecord, IdempotencyKey, Institution
from medinsurance.parameters import InForce, resolve
from qz_common.audit import AuditTrail
from qz_common.clock import today
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotentCreator
from qz_common.identity import Caller, ensure_district
from qz_common.pagination import Filter
from qz_common.scenario import in_scenario

audit = AuditTrail(AuditRecord)
idempotent = IdempotentCreator(IdempotencyKey)


def in_force(book: str, day: dt.date, overrides: Mapping[str, str] | None = None) -> InForce:
    """The book's version for ``day``, with a calculator's what-if overrides (qz_common.scenario) if any."""
    force = resolve(book, day)
    return replace(force, params=in_scenario(force.params, overrides)) if overrides else force


async def institution_for(
    session: AsyncSession, caller: Caller, institution_id: int, *, field: str = "institution_id"
) -> Institution:
    inst = await session.get(Institution, institution_id)
    if inst is None:
        raise ProblemError(404, "not_found", "医药机构不存在", field=field)
    ensure_district(caller, inst.district)
    return inst


def institution_in_district(institution_id: InstrumentedAttribute[int]) -> Filter:
    """A list filter for records of an institution: the institution's district is the value (a caller's scope)."""
    return lambda stmt, value: stmt.join(Institution, Institution.id == institution_id).where(
        Institution.district == value
    )


def not_in_future(day: dt.date, field: str) -> None:
    """Decisions and evaluations are recorded after they are made: a date after today (衢州) is a typing error."""
    now = today()
    if day > now:
        raise ProblemError(422, "date_in_future", f"日期 {day} 晚于今天 {now}，决定须在作出后登记", field=field)
