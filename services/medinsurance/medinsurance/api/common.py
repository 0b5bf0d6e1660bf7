"""Wiring shared by the medinsurance routers: the command runner and the district filter of lists."""

from sqlalchemy.orm import InstrumentedAttribute

from medinsurance.models import IdempotencyKey, Institution
from qz_common.idempotency import Commands
from qz_common.pagination import Filter

commands = Commands(IdempotencyKey)


def institution_in_district(institution_id: InstrumentedAttribute[int]) -> Filter:
    """A list filter for records of an institution: the institution's district is the value (a caller's scope)."""
    return lambda stmt, value: stmt.join(Institution, Institution.id == institution_id).where(
        Institution.district == value
    )
