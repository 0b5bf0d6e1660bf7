"""What the dogs routers share: the command runner and the decisions it recognises."""

from dogs.models import IdempotencyKey
from qz_common.clock import today
from qz_common.idempotency import Commands, Decision

commands = Commands(IdempotencyKey)


def decision(entity: str, record_id: int, kind: str, document_number: str | None) -> Decision:
    """A decision taken today in 衢州 on one record: the same kind and 文书号 posted again that day is the same act."""
    return Decision(entity, record_id, kind, today(), document_number or "")
