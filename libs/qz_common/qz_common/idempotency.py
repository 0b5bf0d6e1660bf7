"""Commands that happen once: the ``Idempotency-Key`` header, and decisions recognised by what they are.

Every state-changing request of every service runs through :meth:`Commands.run`, which opens the command's one
transaction and, before the casework runs, claims

- the client's ``Idempotency-Key`` (a retry of the same request), and
- the command's *decision identity*, when it has one: what makes two posts the same act whoever sends them, with or
  without a key (the same 中止 of the same agreement on the same day under the same document number). A second post
  of the same decision answers what the first answered and changes nothing; the same identity with a different
  content is a 409 ``decision_conflict`` (two different decisions cannot share a document number and day). Since
  the first answer may be replayed to another client, a decision is claimed only after ``authorise`` has shown
  that this caller may act on the record (its 404 or 403 comes first).

A request is told by its method and path (from the request context) with what the router names as asked (path ids
and body), so a key reused on another endpoint is refused too. A claim is a row inserted inside a savepoint and
stored with the answer in the same commit. A concurrent request
with the same claim waits for the first to finish (on PostgreSQL it blocks on the unique index; on SQLite the
command's transaction waits for the write lock, see qz_common.db), then replays the first answer with its status
(header ``Idempotent-Replayed: true``). A command refused by a rule rolls back with its claims, so they stay free
for the corrected request. A key reused with a different request is a 422.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Integer, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from qz_common.audit import jsonable
from qz_common.context import current_request_target
from qz_common.db import BigId, JSONDocument, UTCDateTime, utcnow
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.pii import EncryptedJSON

# Declare as ``idempotency_key: IdempotencyKey = None`` on every command endpoint.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        description="同一客户端以相同的键重复提交时返回首次结果，不会重复办理",
    ),
]

# The claims of decisions share the table with clients' keys under this owner (no API client is called so: client
# ids are chosen by operators from letters, digits and '-').
DECISION_OWNER = "decision:"
_KEY_LENGTH = 128


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


class SealedIdempotencyKeyMixin(IdempotencyKeyMixin):
    """The claims of a service holding personal data (qz_common.pii): the answer replayed to a retry holds the
    record's personal data in clear, so it is sealed whole."""

    response_body: Mapped[Any] = mapped_column(EncryptedJSON, nullable=True)


@dataclass(frozen=True)
class Decision:
    """What makes a command the same act whoever posts it: the record it acts on, its kind, its date and the
    document (文书号) it records, e.g. ``Decision("agreement", 17, "suspend", day, "衢医保〔2026〕3号")``. An empty
    document number means the decision is told by its kind and date alone (one 中止 of one agreement a day)."""

    entity: str
    record_id: int | str
    kind: str
    on: dt.date | dt.datetime
    document: str = ""

    @property
    def key(self) -> str:
        readable = f"{self.entity}/{self.record_id}/{self.kind}/{self.on.isoformat()}/"
        document = self.document.strip()
        if len(readable) + len(document) <= _KEY_LENGTH:
            return readable + document
        return readable[: _KEY_LENGTH - 65] + "#" + hashlib.sha256(document.encode()).hexdigest()


def _document(part: Any) -> Any:
    """A request (path ids and bodies, in a tuple) as plain JSON values."""
    if isinstance(part, BaseModel):
        return part.model_dump(mode="json")
    if isinstance(part, tuple | list):
        return [_document(p) for p in part]
    return jsonable(part)


def _request_hash(payload: Any) -> str:
    document = _document(payload)
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class _Claim:
    owner: str
    key: str
    conflict: ProblemError


class Commands:
    """The command runner of one service, over its ``idempotency_keys`` table."""

    def __init__(self, model: type[IdempotencyKeyMixin]) -> None:
        self.model = model

    async def run(
        self,
        session: AsyncSession,
        caller: Caller,
        work: Callable[[], Awaitable[BaseModel]],
        *,
        request: Any,
        key: str | None = None,
        decision: Decision | None = None,
        authorise: Callable[[], Awaitable[object]] | None = None,
        status_code: int = 200,
    ) -> JSONResponse:
        """Run ``work`` (the casework and the answer it gives) in one transaction, at most once per key and per
        decision. ``request`` is everything that names what is asked (path ids and body): a key or a decision
        replayed with another request is refused. ``authorise`` (required with a decision) reads the record the
        command acts on and refuses a caller who may not."""
        if decision is not None and authorise is None:
            raise TypeError("a decision may be replayed to another client: say how the caller is authorised")
        async with session.begin():
            if authorise is not None:
                await authorise()
            return await self._once(session, caller, work, request, key, decision, status_code)

    async def _once(
        self,
        session: AsyncSession,
        caller: Caller,
        work: Callable[[], Awaitable[BaseModel]],
        request: Any,
        key: str | None,
        decision: Decision | None,
        status_code: int,
    ) -> JSONResponse:
        claims = self._claims(caller, key, decision)
        request_hash = _request_hash((current_request_target(), request))
        taken: list[IdempotencyKeyMixin] = []
        for claim in claims:
            row, answered = await self._claim(session, claim, request_hash)
            if answered:
                # A new key meeting a decision already made: the key is answered as the decision was, so that a
                # retry under it replays that answer too.
                for earlier in taken:
                    earlier.status_code, earlier.response_body = row.status_code, row.response_body
                return JSONResponse(
                    row.response_body, status_code=row.status_code or 200, headers={"Idempotent-Replayed": "true"}
                )
            taken.append(row)
        body = (await work()).model_dump(mode="json")
        for row in taken:
            row.status_code = status_code
            row.response_body = body
        return JSONResponse(body, status_code=status_code)

    @staticmethod
    def _claims(caller: Caller, key: str | None, decision: Decision | None) -> Sequence[_Claim]:
        claims = []
        if key is not None:
            reused = ProblemError(
                422, "idempotency_key_reused", "该 Idempotency-Key 已用于内容不同的请求", field="Idempotency-Key"
            )
            claims.append(_Claim(caller.client_id, key, reused))
        if decision is not None:
            conflict = ProblemError(
                409,
                "decision_conflict",
                f"同一决定（{decision.kind}，{decision.on.isoformat()}"
                f"{'，' + decision.document if decision.document else ''}）已登记，内容不同：请核对文书号和日期",
                field="document_number" if decision.document else "on",
            )
            claims.append(_Claim(DECISION_OWNER + decision.entity, decision.key, conflict))
        return claims

    async def _stored(self, session: AsyncSession, claim: _Claim) -> IdempotencyKeyMixin | None:
        result = await session.execute(
            select(self.model).where(self.model.client_id == claim.owner, self.model.key == claim.key)
        )
        return result.scalar_one_or_none()

    async def _claim(self, session: AsyncSession, claim: _Claim, request_hash: str) -> tuple[IdempotencyKeyMixin, bool]:
        """The claim's row, and whether it was made (and answered) before this request."""
        stored = await self._stored(session, claim)
        if stored is None:
            row = self.model()
            row.client_id, row.key, row.request_hash = claim.owner, claim.key, request_hash
            try:
                async with session.begin_nested():
                    session.add(row)
                return row, False
            except IntegrityError:
                stored = await self._stored(session, claim)
                if stored is None:  # pragma: no cover - the winner vanished between insert and read
                    raise
        if stored.request_hash != request_hash:
            raise claim.conflict
        return stored, True
