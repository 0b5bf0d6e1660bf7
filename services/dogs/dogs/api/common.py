"""What the dogs routers share: the idempotent creates."""

from dogs.models import IdempotencyKey
from qz_common.idempotency import IdempotentCreator

idempotent = IdempotentCreator(IdempotencyKey)
