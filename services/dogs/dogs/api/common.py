"""What the dogs routers share: the command runner and the decisions it recognises."""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.models import IdempotencyKey
from qz_common.clock import today
from qz_common.idempotency import Commands, Decision
from qz_common.identity import Caller


class _Commands(Commands):
    """:class:`Commands`, except that a client's key is left unclaimed when its request is answered by a decision
    already made (by another request, with another key or none).

    ``Commands.within`` claims the key before the decision; when the decision then replays its first answer, the
    key's claim is committed with no answer, and a retry under that key would be answered ``null``. Here both claims
    are taken in a savepoint that such a replay gives back, so the retry is recognised by the decision again.
    Remove once qz_common gives the claim back itself.
    """

    async def within(
        self,
        session: AsyncSession,
        caller: Caller,
        work: Callable[[], Awaitable[BaseModel]],
        *,
        key: str | None = None,
        decision: Decision | None = None,
        **options: Any,
    ) -> JSONResponse:
        if key is None or decision is None:
            return await super().within(session, caller, work, key=key, decision=decision, **options)
        claims = await session.begin_nested()
        response = await super().within(session, caller, work, key=key, decision=decision, **options)
        if response.headers.get("Idempotent-Replayed"):
            await claims.rollback()
        else:
            await claims.commit()
        return response


commands = _Commands(IdempotencyKey)


def decision(entity: str, record_id: int, kind: str, document_number: str | None) -> Decision:
    """A decision taken today in 衢州 on one record: the same kind and 文书号 posted again that day is the same act."""
    return Decision(entity, record_id, kind, today(), document_number or "")
