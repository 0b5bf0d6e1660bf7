"""The gateway's own database: API clients and relocation cases.

Personal data is sealed (qz_common.pii): a relocation case keeps the request it was opened with and each step the
request it sent and the answer it got, which name citizens (the household's members by 身份证号 and name, addresses
moved from and to) and enterprises alike, so each is sealed whole, and so is a step's last error (a bureau's answer
may quote what it refused) and the audit trail's snapshots of them (with its actors, as every audit trail holding
personal data). Nothing finds a case by a person: cases are found by id, by their client and Idempotency-Key, and by
status, which stay in clear with the steps' names, services, keys, states and counts, and API clients and the
SHA-256 of their keys.
"""

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from qz_common.audit import SealedAuditRecordMixin
from qz_common.db import BigId, JSONDocument, UTCDateTime, utcnow
from qz_common.pii import EncryptedJSON, EncryptedText, PiiKeyMixin


class Base(DeclarativeBase):
    pass


class AuditRecord(SealedAuditRecordMixin, Base):
    __tablename__ = "audit_log"


class PiiKey(PiiKeyMixin, Base):
    pass


class ApiClient(Base):
    """A calling system: what it may do. Its keys are ``ApiKey`` rows, several at once while one is rotated."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="system")  # system | citizen_adapter
    scopes: Mapped[list[str]] = mapped_column(JSONDocument)
    district: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    keys: Mapped[list["ApiKey"]] = relationship(back_populates="client", order_by="ApiKey.id", lazy="selectin")


class ApiKey(Base):
    """One key of a client. Only its SHA-256 is stored; the key itself is shown once, when issued."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    client: Mapped[ApiClient] = relationship(back_populates="keys")


class RelocationCase(Base):
    """A signed expropriation agreement and the follow-ups it opens in other bureaus."""

    __tablename__ = "relocation_cases"
    __table_args__ = (UniqueConstraint("client_id", "idempotency_key", name="uq_relocation_client_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(80))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(12))  # household | enterprise
    request: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    # opening (committed before the first call to a bureau) | completed | attention | refused (its agreement refused
    # while it opened: nothing was done, and the next request with its key opens it afresh)
    status: Mapped[str] = mapped_column(String(12), default="opening", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    steps: Mapped[list["RelocationStep"]] = relationship(
        back_populates="case", order_by="RelocationStep.position", lazy="selectin"
    )


class RelocationStep(Base):
    __tablename__ = "relocation_steps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("relocation_cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    service: Mapped[str] = mapped_column(String(20))
    # Sent with every attempt of the step (gateway.relocation.step_key): the bureau does the step once. NULL only on a
    # step written by a gateway of the release before, during a rolling upgrade (gateway.relocation.sent_with).
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | done | failed | skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    request: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    result: Mapped[Any] = mapped_column(EncryptedJSON, nullable=True)
    last_error: Mapped[str | None] = mapped_column(EncryptedText)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    case: Mapped[RelocationCase] = relationship(back_populates="steps")
