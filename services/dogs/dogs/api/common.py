"""Wiring shared by the dogs routers: audit trail, idempotency, today's date in 衢州."""

import datetime as dt
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from dogs.models import AuditRecord, Base, IdempotencyKey
from qz_common.audit import AuditTrail
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotentCreator

SHANGHAI = ZoneInfo("Asia/Shanghai")
audit = AuditTrail(AuditRecord)
idempotent = IdempotentCreator(IdempotencyKey)
M = TypeVar("M", bound=Base)


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


async def get_or_404(session: AsyncSession, model: type[M], record_id: object, label: str) -> M:
    record = await session.get(model, record_id)
    if record is None:
        raise ProblemError(404, "not_found", f"{label}不存在", field="id")
    return record
