"""Persistence of the medinsurance service (its own database).

Personal data is sealed (qz_common.pii): the 身份证号 of the principals and agents of 代配药 authorisations and of
institutions' 法定代表人, and the audit trail and stored answers that copy them (an audit actor names the citizen of
a 浙里办 command). Authorisations are found by the blind index of either person's 身份证号 (the citizen's own view,
the dossier, the 1–3/3 counts of 附件2 二(四)), institutions by their 法定代表人's; a person's lock row is keyed by
that index too. What stays in clear names no one or names enterprises: institutions (names, USCC, addresses,
communities), agreements, 协议处理 decisions and the reasons given, yearly assessments, outages, relocation filings,
districts, dates.
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

MONEY = Numeric(14, 2)
SCORE = Numeric(7, 3)
RATIO = Numeric(6, 4)


class Base(DeclarativeBase):
    pass


class AuditRecord(SealedAuditRecordMixin, Base):
    __tablename__ = "audit_log"


class IdempotencyKey(SealedIdempotencyKeyMixin, Base):
    __tablename__ = "idempotency_keys"


class PiiKey(PiiKeyMixin, Base):
    pass


class Institution(Base):
    """A 医药机构 (医疗机构 or 零售药店) known to the 经办机构, with the USCC of its operating entity."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    address: Mapped[str] = mapped_column(String(200))
    community: Mapped[str] = mapped_column(String(100))
    secondary_or_above: Mapped[bool] = mapped_column(Boolean, default=False)
    public_institution: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_rep_id_number: Mapped[str | None] = mapped_column(EncryptedText)
    legal_rep_id_number_lookup: Mapped[str | None] = mapped_column(
        BlindIndex(ID_NUMBER, of="legal_rep_id_number"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Application(Base):
    """A 定点申请 following 二(三): the fields mirror ``rules.application.Application``."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    state: Mapped[str] = mapped_column(String(24), index=True)
    pre_registered_on: Mapped[dt.date] = mapped_column(Date)
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    supplement_notice_on: Mapped[dt.date | None] = mapped_column(Date)
    supplement_deadline: Mapped[dt.date | None] = mapped_column(Date)
    accepted_on: Mapped[dt.date | None] = mapped_column(Date)
    excluded_working_days: Mapped[int] = mapped_column(Integer, default=0)
    evaluation_deadline: Mapped[dt.date | None] = mapped_column(Date)
    score: Mapped[Decimal | None] = mapped_column(SCORE)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    reevaluation_from: Mapped[dt.date | None] = mapped_column(Date)
    reapply_from: Mapped[dt.date | None] = mapped_column(Date)
    barred_until: Mapped[dt.date | None] = mapped_column(Date)
    agreement_end: Mapped[dt.date | None] = mapped_column(Date)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    last_event_on: Mapped[dt.date | None] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Agreement(Base):
    """A 医保协议 (二(三)4, 附件1 一): active → suspended → active | terminated | expired.

    One institution may hold agreements in several 统筹区 (``pooling_area``); a 中止 or 解除 by the 地市级经办机构
    reaches all of them (附件1 一(三)3).
    """

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    # Where the agreement comes from (reading A-70): the signing of an approved application (二(三)4), or the import
    # of one signed outside the platform, with the original agreement's 文书号 and why it is imported.
    source: Mapped[str] = mapped_column(String(12))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True, unique=True)
    original_document_number: Mapped[str | None] = mapped_column(String(60))
    import_reason: Mapped[str | None] = mapped_column(String(200))
    pooling_area: Mapped[str] = mapped_column(String(10), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    public_institution: Mapped[bool] = mapped_column(Boolean, default=False)
    suspensions_this_term: Mapped[int] = mapped_column(Integer, default=0)
    suspended_from: Mapped[dt.date | None] = mapped_column(Date)
    suspended_until: Mapped[dt.date | None] = mapped_column(Date)
    voluntary_suspension: Mapped[bool] = mapped_column(Boolean, default=False)
    terminated_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    last_event_on: Mapped[dt.date | None] = mapped_column(Date)
    termination_steps: Mapped[list[dict[str, str]] | None] = mapped_column(JSONDocument)
    basis: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Violation(Base):
    """A 协议处理 decision under 五(三), with 违约金 (五(五)) and the 附件3 circumstances recorded."""

    __tablename__ = "violations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    case_code: Mapped[str] = mapped_column(String(8))
    tier: Mapped[int] = mapped_column(Integer)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    violation_amount: Mapped[Decimal] = mapped_column(MONEY)
    ratio: Mapped[Decimal] = mapped_column(RATIO)
    penalty: Mapped[Decimal] = mapped_column(MONEY)
    penalty_due_on: Mapped[dt.date | None] = mapped_column(Date)
    standards: Mapped[list[int]] = mapped_column(JSONDocument)
    mitigating: Mapped[list[int]] = mapped_column(JSONDocument)
    aggravating: Mapped[list[int]] = mapped_column(JSONDocument)
    suspension_days: Mapped[int | None] = mapped_column(Integer)
    measures: Mapped[list[str]] = mapped_column(JSONDocument)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    basis: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assessment(Base):
    """An institution's yearly 绩效考核 (附件1 二): the two sheets as scored (its facts), the scores and the grade as
    decided, and the parameter versions they were computed with. One per institution and year. The grade ranks the
    institution in its pool (the year's assessments of its category in its district, reading A-72), so recording one
    grades the pool again."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("institution_id", "year", name="uq_assessments_institution_year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    category: Mapped[str] = mapped_column(String(16))
    new_this_year: Mapped[bool] = mapped_column(Boolean, default=False)
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    document_number: Mapped[str | None] = mapped_column(String(60))
    half_year_items: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    annual_items: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    half_year_score: Mapped[Decimal | None] = mapped_column(SCORE)
    annual_score: Mapped[Decimal | None] = mapped_column(SCORE)
    final_score: Mapped[Decimal | None] = mapped_column(SCORE)
    grade: Mapped[str | None] = mapped_column(String(1))
    rank: Mapped[int | None] = mapped_column(Integer)
    consequences: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    parameter_versions: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    basis: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Evaluation(Base):
    """A 新增定点 evaluation (二(三)3, 附件4 表1/表2) of an application: the evaluators' sheets as entered (its facts,
    ``sheet``: the body of ``POST /v1/evaluations/score`` without a scenario), its date, and the result as decided
    with the parameter version used. An application may have several (评估, 整改后再次评估)."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    evaluated_on: Mapped[dt.date] = mapped_column(Date, index=True)
    document_number: Mapped[str | None] = mapped_column(String(60))
    sheet: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    total: Mapped[Decimal] = mapped_column(SCORE)
    basic_passed: Mapped[bool] = mapped_column(Boolean)
    qualified: Mapped[bool] = mapped_column(Boolean)
    parameter_versions: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    basis: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProxyAuthorisation(Base):
    """A 代配药 authorisation (附件2 二(四)): principal and agent by 身份证号."""

    __tablename__ = "proxy_authorisations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    district: Mapped[str | None] = mapped_column(String(10), index=True)
    principal_id_number: Mapped[str] = mapped_column(EncryptedText)
    principal_id_number_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="principal_id_number"), index=True)
    agent_id_number: Mapped[str] = mapped_column(EncryptedText)
    agent_id_number_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="agent_id_number"), index=True)
    ground: Mapped[str] = mapped_column(String(24))
    relationship: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active", index=True)
    revoked_on: Mapped[dt.date | None] = mapped_column(Date)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("proxy_authorisations.id"))
    drug_scope: Mapped[str] = mapped_column(String(100))
    basis: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Outage(Base):
    """A 视频监控 failure (附件2 一(二)5): settlement status is derived from the times."""

    __tablename__ = "outages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    window_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    window_reason: Mapped[str | None] = mapped_column(String(300))
    repaired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RelocationFiling(Base):
    """A 跨社区移址 filing (附件1 一(一)): 二级以下医疗机构 and pharmacies need prior approval."""

    __tablename__ = "relocation_filings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    operator_uscc: Mapped[str] = mapped_column(String(18), index=True)
    from_address: Mapped[str] = mapped_column(String(200))
    to_address: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(100))
    needs_approval: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20), default="filed")
    basis: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PersonLock(Base):
    """One row per person seen in a 代配药 authorisation: locked FOR UPDATE to serialise the 1–3 agent and
    3-principal counts of 附件2 二(四) under concurrent requests. The person is named by the blind index of their
    身份证号 (qz_common.pii), as their authorisations find them; after a new index key the rows of the old one are
    left unused, and a person's row is made again under the new one at their next authorisation."""

    __tablename__ = "person_locks"

    id_number_lookup: Mapped[str] = mapped_column(String(64), primary_key=True)
