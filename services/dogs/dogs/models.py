"""Persistence of the dogs service (its own database).

Personal data is sealed (qz_common.pii): the 身份证号, names, phones and home addresses of owners and applicants
(their 户籍地址 too), a 居住证号 (itself a 身份证号 mostly) and a 住所证明 number, the 身份证号 of whoever uploaded a
photo through 浙里办, and the audit snapshots and stored answers that copy them.
Owners and applicants are found by the blind index of their 身份证号 (``*_id_number_lookup``). What stays in clear
is what the bureau's rules and filters read and what names no one: districts, dates, statuses, dogs, shelters,
police units and badges, the place a dog was caught, registration numbers, 文书号, the reasons given.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from qz_common.audit import SealedAuditRecordMixin
from qz_common.db import BigId, JSONDocument, UTCDateTime, utcnow
from qz_common.idempotency import SealedIdempotencyKeyMixin
from qz_common.pii import ID_NUMBER, BlindIndex, EncryptedText, PiiKeyMixin

CM = Numeric(6, 1)
DOCUMENT_NUMBER_LENGTH = 60


class Base(DeclarativeBase):
    pass


class AuditRecord(SealedAuditRecordMixin, Base):
    __tablename__ = "audit_log"


class IdempotencyKey(SealedIdempotencyKeyMixin, Base):
    __tablename__ = "idempotency_keys"


class PiiKey(PiiKeyMixin, Base):
    pass


class Vaccination(Base):
    """A 免疫点 record (六)."""

    __tablename__ = "vaccinations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    owner_name: Mapped[str] = mapped_column(EncryptedText)
    owner_phone: Mapped[str] = mapped_column(EncryptedText)
    owner_id_number: Mapped[str | None] = mapped_column(EncryptedText)
    owner_id_number_lookup: Mapped[str | None] = mapped_column(BlindIndex(ID_NUMBER, of="owner_id_number"), index=True)
    breed: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(EncryptedText)
    district: Mapped[str] = mapped_column(String(10), index=True)
    coat_colour: Mapped[str] = mapped_column(String(30))
    sex: Mapped[str] = mapped_column(String(10))
    vaccine_name: Mapped[str] = mapped_column(String(60))
    vaccinated_on: Mapped[dt.date] = mapped_column(Date)
    batch_number: Mapped[str] = mapped_column(String(40))
    next_due_on: Mapped[dt.date] = mapped_column(Date)
    dog_born_on: Mapped[dt.date | None] = mapped_column(Date)  # when the 免疫点 knows it (checks the dates, D-21)
    immunisation_point: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Photo(Base):
    __tablename__ = "photos"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(30))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # The 浙里办 person who uploaded it through /v1/me (None for a window's upload): only they may cite it (D-22).
    uploader_id_number: Mapped[str | None] = mapped_column(EncryptedText)
    uploader_id_number_lookup: Mapped[str | None] = mapped_column(
        BlindIndex(ID_NUMBER, of="uploader_id_number"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Registration(Base):
    """A 养犬登记 application (三): submitted → approved (number issued) | rejected."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    status: Mapped[str] = mapped_column(String(12), default="submitted", index=True)
    channel: Mapped[str] = mapped_column(String(10))
    owner_id_number: Mapped[str] = mapped_column(EncryptedText)
    owner_id_number_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="owner_id_number"), index=True)
    owner_name: Mapped[str] = mapped_column(EncryptedText)
    owner_phone: Mapped[str] = mapped_column(EncryptedText)
    # The 户籍地址 the applicant declared (身份证住址 or 户口簿): it decides 本市身份证 (D-08). None before 0005.
    owner_registered_address: Mapped[str | None] = mapped_column(EncryptedText)
    residence_permit_number: Mapped[str | None] = mapped_column(EncryptedText)
    residence_proof_type: Mapped[str] = mapped_column(String(30))
    residence_proof_number: Mapped[str] = mapped_column(EncryptedText)
    address: Mapped[str] = mapped_column(EncryptedText)
    district: Mapped[str] = mapped_column(String(10), index=True)
    key_area: Mapped[bool] = mapped_column(Boolean)
    dog_name: Mapped[str | None] = mapped_column(String(40))
    breed: Mapped[str] = mapped_column(String(60))
    breed_recognised: Mapped[bool] = mapped_column(Boolean)
    # The approving officer's finding on a breed the list cannot place: fierce | not_fierce (D-03).
    breed_finding: Mapped[str | None] = mapped_column(String(12))
    shoulder_height_cm: Mapped[Decimal] = mapped_column(CM)
    body_length_cm: Mapped[Decimal] = mapped_column(CM)
    coat_colour: Mapped[str] = mapped_column(String(30))
    sex: Mapped[str] = mapped_column(String(10))
    vaccination_id: Mapped[int] = mapped_column(ForeignKey("vaccinations.id"))
    front_photo_id: Mapped[str] = mapped_column(ForeignKey("photos.id"))
    side_photo_id: Mapped[str] = mapped_column(ForeignKey("photos.id"))
    registration_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    rejection_reasons: Mapped[list[str] | None] = mapped_column(JSONDocument)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    # The 文书号 of the approval or refusal, when the bureau issues one.
    decision_document_number: Mapped[str | None] = mapped_column(String(DOCUMENT_NUMBER_LENGTH))


class ShelterDog(Base):
    """A dog at a 收容场所 offered for adoption (四)."""

    __tablename__ = "shelter_dogs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    shelter: Mapped[str] = mapped_column(String(100))
    district: Mapped[str] = mapped_column(String(10), index=True)
    breed: Mapped[str] = mapped_column(String(60))
    coat_colour: Mapped[str] = mapped_column(String(30))
    sex: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12), default="available", index=True)
    # Bumped under the row lock by every application: gives strict submission order.
    applications_received: Mapped[int] = mapped_column(Integer, default=0)
    impoundment_id: Mapped[int | None] = mapped_column(ForeignKey("impoundments.id"))
    offered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AdoptionApplication(Base):
    __tablename__ = "adoption_applications"
    __table_args__ = (UniqueConstraint("dog_id", "queue_position", name="uq_adoption_dog_position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dog_id: Mapped[int] = mapped_column(ForeignKey("shelter_dogs.id"), index=True)
    queue_position: Mapped[int] = mapped_column(Integer)
    applicant_id_number: Mapped[str] = mapped_column(EncryptedText)
    applicant_id_number_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="applicant_id_number"), index=True)
    applicant_name: Mapped[str] = mapped_column(EncryptedText)
    applicant_phone: Mapped[str] = mapped_column(EncryptedText)
    address: Mapped[str] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(12), default="submitted", index=True)
    checklist: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    decision_reasons: Mapped[list[str] | None] = mapped_column(JSONDocument)
    # The 文书号 of the approval or refusal, when the bureau issues one.
    decision_document_number: Mapped[str | None] = mapped_column(String(DOCUMENT_NUMBER_LENGTH))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Impoundment(Base):
    """A police 捕捉/扣押 of a large or fierce dog, handed to the 收容(留验)场所 (五)."""

    __tablename__ = "impoundments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(10))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(10), index=True)
    police_unit: Mapped[str] = mapped_column(String(100))
    officer_badge: Mapped[str] = mapped_column(String(20))
    breed: Mapped[str] = mapped_column(String(60))
    shoulder_height_cm: Mapped[Decimal] = mapped_column(CM)
    body_length_cm: Mapped[Decimal] = mapped_column(CM)
    large: Mapped[bool] = mapped_column(Boolean)
    fierce: Mapped[bool | None] = mapped_column(Boolean)  # None: a large dog whose breed the list cannot place (D-03)
    owner_id_number: Mapped[str | None] = mapped_column(EncryptedText)
    owner_id_number_lookup: Mapped[str | None] = mapped_column(BlindIndex(ID_NUMBER, of="owner_id_number"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"))
    shelter: Mapped[str] = mapped_column(String(100))
    handed_over_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
