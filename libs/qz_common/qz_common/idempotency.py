"""Idempotent creation with the ``Idempotency-Key`` header.

The key is claimed (a row inserted) at the start of the create's transaction,
inside a savepoint, and stored with the response in the same commit. A
concurrent request with the same key waits for the first to finish (on
PostgreSQL it blocks on the unique index; on SQLite the create's transaction
waits for the write lock, see qz_common.db), then replays the first response
with its status. A create refused by a rule rolls back with its claim, so the
key stays free for the corrected request. A key reused with a different body
is a 422.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from qz_common.db import BigId, JSONDocument, UTCDateTime, utcnow
from qz_common.errors import ProblemError
from qz_common.identity import Caller

# Declare as ``idempotency_key: IdempotencyKey = None`` on create endpoints.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        description="同一客户端以相同的键重复提交时返回首次结果，不会重复创建",
    ),
]


class IdempotencyKeyMixin:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[Any] = mapped_column(JSONDocument, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (UniqueConstraint("client_id", "key", name=f"uq_{cls.__tablename__}_client_key"),)  # type: ignore[attr-defined]


def _request_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


class IdempotentCreator:
    def __init__(self, model: type[IdempotencyKeyMixin]) -> None:
        self.model = model

    async def _stored(self, session: AsyncSession, client_id: str, key: str) -> IdempotencyKeyMixin | None:
        result = await session.execute(
            select(self.model).where(self.model.client_id == client_id, self.model.key == key)
        )
        return result.scalar_one_or_none()

    def _replay(self, stored: IdempotencyKeyMixin, request_hash: str) -> JSONResponse:
        if stored.request_hash != request_hash:
            raise ProblemError(
                422, "idempotency_key_reused", "该 Idempotency-Key 已用于内容不同的请求", field="Idempotency-Key"
            )
        return JSONResponse(
            stored.response_body, status_code=stored.status_code or 201, headers={"Idempotent-Replayed": "true"}
        )

    async def create(
        self,
        session: AsyncSession,
        caller: Caller,
        key: str | None,
        payload: Any,
        create: Callable[[], Awaitable[BaseModel]],
        status_code: int = 201,
    ) -> JSONResponse:
        """Run ``create`` once per (client, key); must be called inside the command's transaction."""
        if key is None:
            return JSONResponse((await create()).model_dump(mode="json"), status_code=status_code)
        request_hash = _request_hash(payload)
        stored = await self._stored(session, caller.client_id, key)
        if stored is not None:
            return self._replay(stored, request_hash)
        claim = self.model()
        claim.client_id, claim.key, claim.request_hash = caller.client_id, key, request_hash
        try:
            async with session.begin_nested():
                session.add(claim)
        except IntegrityError:
            stored = await self._stored(session, caller.client_id, key)
            if stored is None:  # pragma: no cover - the winner vanished between insert and read
                raise
            return self._replay(stored, request_hash)
        body = (await create()).model_dump(mode="json")
        claim.status_code = status_code
        claim.response_body = body
        return JSONResponse(body, status_code=status_code)
