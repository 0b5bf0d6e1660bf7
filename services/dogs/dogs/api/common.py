"""Wiring shared by the dogs routers: audit trail, idempotency, today's date in 衢州."""

from dogs.models import AuditRecord, IdempotencyKey
from qz_common.audit import AuditTrail
from qz_common.idempotency import IdempotentCreator

audit = AuditTrail(AuditRecord)
idempotent = IdempotentCreator(IdempotencyKey)
