"""Persistence of the expropriation service (its own database): projects and their cases.

Personal data is sealed (qz_common.pii; 个人信息保护法 第五十一条, 等保2.0 level 3): the 户主's name, each member's
name and 身份证号, and every document that copies them — a household's declared facts (members with their names,
身份证号 and dates of birth and death), a declaration's payload, an agreement's facts, quote (the persons counted
and excluded) and member 身份证号, a clawback's corrected facts and its reason, a dispute's 情况说明 (free text that
names the owner, or says where they went), an objection's grounds and its answer (free text as well), a job's
errors and result and a batch-quote job's lines (``job_lines``: each names its 户主), the audit trail (snapshots,
and a 浙里办 actor's 身份证号) and the stored answers of commands. Members are found by the blind index of their
身份证号 (``household_members.id_number_lookup``: /v1/me and the citizen dossier); nothing else is looked up by a
person.

What stays in clear is what the rules, the filters and the locks read in SQL and what names no one: districts,
projects and villages (natural villages decide 三(四)8's completion), 户号, methods, dates, states, areas and money,
enterprises (统一社会信用代码 of building owners: the enterprise dossier finds them), 文书号 and the references of
payments (支付凭证号) and purchases (购房合同号), a dispute's steps (state, day, 文书号), and a job's kind, arguments
(never a roster's rows) and the client that asked for it (staff only: a citizen cannot start a job). No phone or
home address is held: the roster and the declarations ask for none. A roster file is never stored: an import is
read, checked and written in one transaction.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from qz_common.audit import SealedAuditRecordMixin
from qz_common.db import BigId, JSONDocument, UTCDateTime, utcnow
from qz_common.idempotency import SealedIdempotencyKeyMixin
from qz_common.pii import ID_NUMBER, BlindIndex, EncryptedJSON, EncryptedText, PiiKeyMixin

MONEY = Numeric(14, 2)
AREA = Numeric(12, 2)


class Base(DeclarativeBase):
    pass


class AuditRecord(SealedAuditRecordMixin, Base):
    __tablename__ = "audit_log"


class IdempotencyKey(SealedIdempotencyKeyMixin, Base):
    __tablename__ = "idempotency_keys"


class PiiKey(PiiKeyMixin, Base):
    pass


class Project(Base):
    """An expropriation project: one 征收土地预公告 in one village (衢政发〔2023〕2号 二)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    district: Mapped[str] = mapped_column(String(10), index=True)
    village: Mapped[str] = mapped_column(String(60))
    pre_announcement_date: Mapped[dt.date] = mapped_column(Date)
    # 征收公告 (五(二) A-02: "已实施" read from it under ``implemented_from = "announcement"``); None: not announced
    announcement_date: Mapped[dt.date | None] = mapped_column(Date)
    signing_deadline: Mapped[dt.date] = mapped_column(Date)
    handover_deadline: Mapped[dt.date | None] = mapped_column(Date)
    valuation_date: Mapped[dt.date] = mapped_column(Date)
    outside_urban_plan_area: Mapped[bool] = mapped_column(Boolean)
    appraised_price_per_m2: Mapped[Decimal | None] = mapped_column(MONEY)
    market_price_per_m2: Mapped[Decimal | None] = mapped_column(MONEY)
    early_vacate_rate_per_m2: Mapped[Decimal | None] = mapped_column(MONEY)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Household(Base):
    """A 被征收人 household on the project roster; ``facts`` is its current declaration (HouseholdFacts)."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("project_id", "ref", name="uq_households_project_ref"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    ref: Mapped[str] = mapped_column(String(40))
    head_name: Mapped[str] = mapped_column(EncryptedText)
    district: Mapped[str] = mapped_column(String(10), index=True)
    natural_village: Mapped[str] = mapped_column(String(60))
    method: Mapped[str] = mapped_column(String(20))
    appraised_price_per_m2: Mapped[Decimal | None] = mapped_column(MONEY)
    facts: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    # The 安置方式 a member declared through 浙里办 (三(三)), and when: a wish for the caseworker to confirm (``method``
    # then takes it, ``choice_confirmed_on`` dates it) or to sign on; it never signs anything by itself.
    declared_method: Mapped[str | None] = mapped_column(String(20))
    declared_on: Mapped[dt.date | None] = mapped_column(Date)
    choice_confirmed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class BuildingOwner(Base):
    """Index of non-residential building owners by 统一社会信用代码 (for enterprise dossiers)."""

    __tablename__ = "building_owners"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)


class HouseholdMember(Base):
    """Index of the people of a household by 身份证号 (for /v1/me and dossiers: found by ``id_number_lookup``)."""

    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    id_number: Mapped[str] = mapped_column(EncryptedText)
    id_number_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="id_number"), index=True)
    name: Mapped[str] = mapped_column(EncryptedText)


class Declaration(Base):
    """二(二) 申报: 户籍、家庭常住人口、被征收房屋及其附属物, with the documents listed."""

    __tablename__ = "declarations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    declared_on: Mapped[dt.date] = mapped_column(Date)
    documents: Mapped[list[str]] = mapped_column(JSONDocument)
    proofs: Mapped[list[str]] = mapped_column(JSONDocument)
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    basis: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Agreement(Base):
    """A signed 补偿安置协议 with the quote and the parameter versions it was computed with."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), unique=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    method: Mapped[str] = mapped_column(String(20))
    signed_on: Mapped[dt.date] = mapped_column(Date)
    handed_over_on: Mapped[dt.date | None] = mapped_column(Date)
    city_parameter_version: Mapped[str] = mapped_column(String(40))
    district_parameter_version: Mapped[str] = mapped_column(String(40))
    facts: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    quote: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    total: Mapped[Decimal] = mapped_column(MONEY)
    member_id_numbers: Mapped[list[str]] = mapped_column(EncryptedJSON)
    building_owner_usccs: Mapped[list[str]] = mapped_column(JSONDocument)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HouseVoucher(Base):
    """三(三)2 房票 issued under a signed agreement: usable from its issue day to ``expires_on`` (三(三)2(2) 最长不超过
    24个月, A-13); used to buy a flat (三(三)2(1)) and/or its unused value converted to money (三(三)2(4))."""

    __tablename__ = "house_vouchers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    face_value: Mapped[Decimal] = mapped_column(MONEY)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))  # issued | used | converted
    remaining_value: Mapped[Decimal] = mapped_column(MONEY)
    used_on: Mapped[dt.date | None] = mapped_column(Date)
    purchase_price: Mapped[Decimal | None] = mapped_column(MONEY)
    purchase_reference: Mapped[str] = mapped_column(String(120), default="")
    converted_on: Mapped[dt.date | None] = mapped_column(Date)
    converted_value: Mapped[Decimal | None] = mapped_column(MONEY)
    conversion_cash: Mapped[Decimal | None] = mapped_column(MONEY)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Dispute(Base):
    """二(四): 产权纠纷 / 产权人下落不明 / 无法确定产权人 → 方案、证据保全、补偿决定、提存."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    ground: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(EncryptedText)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    deposit_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Objection(Base):
    """A household's 复核 request on its quote (through 浙里办): the quote's method and the items it contests, with
    the figures as the household saw them; the caseworker's answer (outcome, text, day). The grounds and the answer
    are free text that may name people: sealed."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    method: Mapped[str] = mapped_column(String(20))
    # item code → the amount the quote showed when the household objected (what the answer speaks to)
    items: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    grounds: Mapped[str] = mapped_column(EncryptedText)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    answer_due_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), index=True)  # open | answered
    outcome: Mapped[str | None] = mapped_column(String(20))  # maintained | revised
    answer: Mapped[str | None] = mapped_column(EncryptedText)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payment(Base):
    """Money paid on one item of an agreement: by the expropriator (``source`` payment), or counted from a 二(四)
    提存 made before the agreement (``source`` deposit, reading A-41)."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    item_code: Mapped[str] = mapped_column(String(60))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(20), default="payment", server_default="payment")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Clawback(Base):
    """四(一): 弄虚作假骗取的安置资金的收回, and what the finding takes off an unused 房票 (``voucher_cut``)."""

    __tablename__ = "clawbacks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    found_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(EncryptedText)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    by_item: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    # What the finding corrected of the household's declaration: from it on, the agreement's facts.
    corrected: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    voucher_cut: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"), server_default="0")
    basis: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# A job waiting for its turn or being worked on: it holds its project's place for its kind and a place in the queue.
JOB_ACTIVE = ("queued", "running")
_JOB_IS_ACTIVE = text(f"status IN ({', '.join(repr(state) for state in JOB_ACTIVE)})")


class Job(Base):
    """Long work finished after the answer (a batch quote or a roster import of a large project): progress and errors
    to poll. The process working on it holds it under a lease (casework/jobs.py)."""

    __tablename__ = "jobs"
    # One active job per project and kind: a second would only redo the first, or race it to the same households.
    __table_args__ = (
        Index(
            "uq_jobs_active_per_project",
            "project_id",
            "kind",
            unique=True,
            sqlite_where=_JOB_IS_ACTIVE,
            postgresql_where=_JOB_IS_ACTIVE,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(12))  # queued | running | done | failed
    done: Mapped[int]
    total: Mapped[int]
    errors: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    requested_by: Mapped[str] = mapped_column(String(120))
    # What running it again needs (a batch quote's method); never the personal data of a roster.
    arguments: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    # How many times a process has taken it: every write of its holder names this number, so a process that lost the
    # job to another (its lease ran out) can no longer change it.
    attempts: Mapped[int] = mapped_column(default=1)
    # Until when its holder answers for it (renewed at heartbeat_at while it waits or runs); None once finished.
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class JobLine(Base):
    """One household's line of a batch-quote job's answer, stored a chunk at a time as the job runs and read back a
    chunk at a time (issue 32): the job's ``result`` keeps the answer without its households. Each line is sealed: it
    names the 户主. Tied to the attempt that wrote it: a job taken over deletes the lines of its earlier attempts
    before it writes its own, and only the lines of the job's ``attempts`` are read."""

    __tablename__ = "job_lines"
    __table_args__ = (UniqueConstraint("job_id", "attempt", "position", name="uq_job_lines_job_attempt_position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)  # one key column: qz_common.rekey
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    attempt: Mapped[int]
    position: Mapped[int]  # the household's place in the answer, from 0
    line: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
