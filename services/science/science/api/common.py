"""Wiring shared by the science routers: the command runner, path ids, holder identifiers."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Path
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.errors import ProblemError
from qz_common.idempotency import Commands, Decision
from qz_common.identity import Caller
from qz_common.ids import validate_id_number, validate_uscc
from science.models import IdempotencyKey
from science.rules.credit import CreditSubject
from science.rules.voucher_lifecycle import ApplicantKind


class _Commands(Commands):
    """:class:`Commands`, except that a client's key is left unclaimed when its request is answered by a decision
    already made (by another request, under another key or none).

    ``Commands.within`` claims the key before the decision; when the decision then replays its first answer, the
    key's claim is committed with no answer and a retry under that key would be answered ``null``. Here both claims
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
# A record's id in a path, as the database stores it (BIGINT): larger numbers name nothing (422, not a 5xx).
PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def holder_or_422(kind: ApplicantKind | CreditSubject, holder_id: str, field: str) -> str:
    """企业 and 创新载体 by 统一社会信用代码, 创业者 by 身份证号, validated with python-stdnum."""
    by_id_number = kind in (ApplicantKind.ENTREPRENEUR, CreditSubject.ENTREPRENEUR)
    try:
        return validate_id_number(holder_id) if by_id_number else validate_uscc(holder_id)
    except PydanticCustomError as exc:
        raise ProblemError(
            422,
            str(exc.type),
            exc.message(),
            field=field,
            errors=[{"field": field, "code": exc.type, "detail": exc.message()}],
        ) from None
