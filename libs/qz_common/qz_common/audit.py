"""Audit trail: one row per state change (who, what, when, before/after).

Each service declares its own table from the mixin (its database is its own)::

    class AuditRecord(AuditRecordMixin, Base):
        __tablename__ = "audit_log"

and records changes in the same transaction as the change itself, so an audit
row exists exactly when the change was committed.
"""

import datetime as dt
import enum
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import String, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from qz_common.context import current_request_id
from qz_common.db import BigId, JSONDocument, UTCDateTime, utcnow
from qz_common.identity import Caller
from qz_common.pii import EncryptedJSON, EncryptedText, is_lookup

Stored = TypeVar("Stored")


class AuditRecordMixin:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    request_id: Mapped[str | None] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)


class SealedAuditRecordMixin(AuditRecordMixin):
    """The audit trail of a service holding personal data (qz_common.pii): a snapshot copies the record's sealed
    columns in clear, so each snapshot is sealed whole; the actor of a 浙里办 command names the citizen by their
    身份证号 (:func:`actor_of`), so it is sealed too."""

    actor: Mapped[str] = mapped_column(EncryptedText)
    before: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def snapshot(instance: object) -> dict[str, Any]:
    """The column values of an ORM instance, JSON-ready; not its blind indexes (qz_common.pii), which the value they
    index stands for."""
    mapper = inspect(type(instance))
    return {
        attr.key: jsonable(getattr(instance, attr.key))
        for attr in mapper.column_attrs
        if not any(is_lookup(column) for column in attr.columns)
    }


def actor_of(caller: Caller) -> str:
    """Who acted: the client, and for 浙里办 calls the citizen behind it (masked in logs, kept here); for a legal
    person, the enterprise and the person who acted for it (its 经办人's 身份证号), whom the trail must name."""
    if caller.enterprise_id:
        return f"{caller.client_id}/enterprise:{caller.enterprise_id}/agent:{caller.agent_id_number}"
    return f"{caller.client_id}/citizen:{caller.citizen_id}" if caller.citizen_id else caller.client_id


class AuditTrail:
    def __init__(self, model: type[AuditRecordMixin]) -> None:
        self.model = model

    def record(
        self,
        session: AsyncSession,
        caller: Caller,
        action: str,
        instance: Any,
        *,
        before: dict[str, Any] | None = None,
        entity: str | None = None,
    ) -> None:
        """Add an audit row for ``instance`` (already flushed, so it has its id) to the open transaction."""
        row = self.model()
        row.actor = actor_of(caller)
        row.request_id = current_request_id()
        row.action = action
        row.entity = entity or type(instance).__tablename__
        identity = inspect(instance).identity
        row.entity_id = str(identity[0]) if identity else ""
        row.before = before
        row.after = snapshot(instance)
        session.add(row)

    async def add(self, session: AsyncSession, caller: Caller, action: str, instance: Stored) -> Stored:
        """Store a new record and audit its creation, in the open transaction; returns the record, with its id."""
        session.add(instance)
        await session.flush()
        self.record(session, caller, action, instance)
        return instance

    @asynccontextmanager
    async def change(self, session: AsyncSession, caller: Caller, action: str, instance: Any) -> AsyncIterator[None]:
        """Audit what the block changes on ``instance`` (a loaded record): its columns before, and after the flush::

        async with audit.change(session, caller, "hand_over", agreement):
            agreement.handed_over_on = day
        """
        before = snapshot(instance)
        yield
        await session.flush()
        self.record(session, caller, action, instance, before=before)
