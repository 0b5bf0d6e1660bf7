"""Persistence of the science service (its own database).

Money is ``Numeric(14, 2)`` yuan; areas ``Numeric(12, 2)`` m². Rows that belong to a district carry ``district``.

Personal data is sealed (qz_common.pii). A 创新券 holder, and the subject of a 科研诚信记录, is an enterprise (USCC)
or a 创业者 (身份证号) in one column, so every holder's id and name is sealed, and found by the blind index of the id
(``*_lookup``; a USCC is normalised as a 身份证号 is: no blanks, upper case); a carrier's list of related holders is
sealed whole; and the audit trail (the actor of a 浙里办 claim names the citizen) and stored answers that copy them.
A credit decision's identity names its subject by the same blind index (casework.credit.subject_key). What stays in
clear names no one but enterprises and the bureau's own acts: enterprises, institutes (the 法定代表人 is not stored),
carriers, pools, amounts, 文书号, dates, districts, and the reasons and descriptions the bureau writes.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
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


class Enterprise(Base):
    """An enterprise known to the science bureau, by 统一社会信用代码."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    district: Mapped[str] = mapped_column(String(10), index=True)
    registered_in_quzhou_on: Mapped[dt.date | None] = mapped_column(Date)
    hitech_valid_until: Mapped[dt.date | None] = mapped_column(Date)
    provincial_tech_sme: Mapped[bool] = mapped_column(Boolean, default=False)
    national_tech_sme: Mapped[bool] = mapped_column(Boolean, default=False)
    on_four_colour_list: Mapped[bool] = mapped_column(Boolean, default=False)
    competition_winner: Mapped[bool] = mapped_column(Boolean, default=False)
    incubated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Institute(Base):
    """A 市级企业研究院 from application to recognition (43号 二) and its management (三)."""

    __tablename__ = "institutes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enterprise_uscc: Mapped[str] = mapped_column(ForeignKey("enterprises.uscc"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(200))
    trade_name: Mapped[str] = mapped_column(String(60))
    core_direction: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="applied", index=True)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    eligible: Mapped[bool] = mapped_column(Boolean)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    tech_service: Mapped[bool] = mapped_column(Boolean, default=False)
    knowledge_intensive: Mapped[str | None] = mapped_column(String(30))
    no_violation_certificate: Mapped[str | None] = mapped_column(String(100))
    batch: Mapped[str | None] = mapped_column(String(40))
    recognised_on: Mapped[dt.date | None] = mapped_column(Date)
    status_reason: Mapped[str | None] = mapped_column(String(300))
    status_basis: Mapped[str | None] = mapped_column(String(80))
    status_changed_on: Mapped[dt.date | None] = mapped_column(Date)
    # 文书号 of the decision that gave the current status (None for a status the annual reports gave, 三(五)).
    status_document: Mapped[str | None] = mapped_column(String(100))
    parameter_version: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InstituteAnnualReport(Base):
    """三(五) 科技统计年报: the year's R&D against the 一(四) standard."""

    __tablename__ = "institute_annual_reports"
    __table_args__ = (UniqueConstraint("institute_id", "year", name="uq_institute_report_year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    sales: Mapped[Decimal] = mapped_column(MONEY)
    rd_expense: Mapped[Decimal] = mapped_column(MONEY)
    meets_standard: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(20))
    basis: Mapped[list[str]] = mapped_column(JSONDocument)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InstituteChange(Base):
    """三(四) 更名、重组等重大调整, reported within 6 months."""

    __tablename__ = "institute_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(300))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    on_time: Mapped[bool] = mapped_column(Boolean)
    new_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Carrier(Base):
    """An 创新载体 registered to accept vouchers (44号 一(二), 三(六))."""

    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    in_quzhou: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    # 二 末段: users with a 隶属/共建 relation (USCC or 身份证号), who may not use vouchers here.
    related_holders: Mapped[list[str]] = mapped_column(EncryptedJSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoucherPool(Base):
    """A fixed issue of vouchers (44号 四(二) 定额发放、先到先得). ``available`` falls with claims, rises on expiry."""

    __tablename__ = "voucher_pools"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(120))
    district: Mapped[str] = mapped_column(String(10), index=True)
    total: Mapped[Decimal] = mapped_column(MONEY)
    available: Mapped[Decimal] = mapped_column(MONEY)
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnnualQuota(Base):
    """What one holder has claimed in one calendar year (locked by every claim: the 6万 cap)."""

    __tablename__ = "annual_quotas"
    __table_args__ = (UniqueConstraint("holder_id_lookup", "year", name="uq_annual_quota_holder_year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    holder_id: Mapped[str] = mapped_column(EncryptedText)
    holder_id_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="holder_id"))
    year: Mapped[int] = mapped_column(Integer)
    claimed: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))


class Voucher(Base):
    """A claimed 创新券: real-name, non-transferable (五(二)); expires 3 months after issue (四(二))."""

    __tablename__ = "vouchers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("voucher_pools.id"), index=True)
    district: Mapped[str] = mapped_column(String(10), index=True)
    holder_kind: Mapped[str] = mapped_column(String(12))
    holder_id: Mapped[str] = mapped_column(EncryptedText)
    holder_id_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="holder_id"), index=True)
    holder_name: Mapped[str] = mapped_column(EncryptedText)
    face_value: Mapped[Decimal] = mapped_column(MONEY)
    remaining: Mapped[Decimal] = mapped_column(MONEY)
    returned: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    last_valid_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active", index=True)
    priority_grounds: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubsidisedDocument(Base):
    """四(四) 同一服务合同及其发票只能享受1次创新券补助: one row per contract / invoice in a live redemption."""

    __tablename__ = "subsidised_documents"
    __table_args__ = (UniqueConstraint("kind", "number", name="uq_subsidised_document"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # contract | invoice
    number: Mapped[str] = mapped_column(String(120))
    redemption_id: Mapped[int] = mapped_column(Integer)


class Redemption(Base):
    """A 兑付申请 (四(三)–(五)): submitted → approved → paid, or rejected; clawed_back on fraud (五(二))."""

    __tablename__ = "redemptions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    voucher_id: Mapped[int] = mapped_column(ForeignKey("vouchers.id"), index=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"), index=True)
    holder_id: Mapped[str] = mapped_column(EncryptedText)
    holder_id_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="holder_id"), index=True)
    service_type: Mapped[str] = mapped_column(String(30))
    fee: Mapped[Decimal] = mapped_column(MONEY)
    paid_amount: Mapped[Decimal] = mapped_column(MONEY)
    via_shared_platform: Mapped[bool] = mapped_column(Boolean, default=False)
    contract_number: Mapped[str] = mapped_column(String(120))
    invoice_number: Mapped[str] = mapped_column(String(120))
    used_on: Mapped[dt.date] = mapped_column(Date)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    entitlement: Mapped[Decimal] = mapped_column(MONEY)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    basis: Mapped[list[str]] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(14), default="submitted", index=True)
    payment_due: Mapped[dt.date] = mapped_column(Date)
    decision_reasons: Mapped[list[str] | None] = mapped_column(JSONDocument)
    # 四(五) the expert review's approval or refusal: its day and 文书号; the payment's 文书号.
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_document: Mapped[str | None] = mapped_column(String(100))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    payment_document: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CreditRecordRow(Base):
    """科研诚信记录 with its ban (44号 五(二); 43号 三(六))."""

    __tablename__ = "credit_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_id: Mapped[str] = mapped_column(EncryptedText)
    subject_id_lookup: Mapped[str] = mapped_column(BlindIndex(ID_NUMBER, of="subject_id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[dt.date] = mapped_column(Date)
    ban_until: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    basis: Mapped[str] = mapped_column(String(80))
    document_number: Mapped[str | None] = mapped_column(String(100))  # 文书号 of the decision that lists the subject
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemptions.id"))
    institute_id: Mapped[int | None] = mapped_column(ForeignKey("institutes.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class InstituteEvent(Base):
    """Something that happened to an institute's standing after recognition, kept in order (e.g. the host enterprise
    lost its 高新 status: 43号 三(六)2 calls for a review)."""

    __tablename__ = "institute_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    detail: Mapped[str] = mapped_column(String(300))
    basis: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FourColourUpdate(Base):
    """44号 二(四) “四色”管理培育库每季度更新一次，由属地科技管理部门在季末25日前进行更新.

    One enterprise's entry per quarter.
    """

    __tablename__ = "four_colour_updates"
    __table_args__ = (UniqueConstraint("enterprise_uscc", "quarter", name="uq_four_colour_quarter"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    enterprise_uscc: Mapped[str] = mapped_column(ForeignKey("enterprises.uscc"), index=True)
    quarter: Mapped[str] = mapped_column(String(6))  # "2023Q2"
    listed: Mapped[bool] = mapped_column(Boolean)
    updated_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    on_time: Mapped[bool] = mapped_column(Boolean)
    basis: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
