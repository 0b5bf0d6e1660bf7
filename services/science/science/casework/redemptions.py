"""兑付申请 (44号 四(三)–(五)): submitted → approved → paid, or rejected; a refusal gives the reservation back.

A redemption reserves its amount on the voucher when it is submitted and its contract and invoice (四(四) once
only). Locks: the voucher on submission; the redemption, then its pool and voucher (pool → voucher, as every
path) when the reservation is given back.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.db import ensure_visible, get_or_404, get_referenced, no_such_record
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.scenario import scenario_computation, with_overrides
from science.casework.common import (
    audit,
    credit_records_of,
    institutes_ban_terms,
    of_book,
    policy_in_force_on,
    problems_422,
)
from science.models import Carrier, Redemption, SubsidisedDocument, Voucher, VoucherPool
from science.parameters import policies_book, voucher_params, vouchers_book
from science.rules.basis import IN_FORCE_FROM
from science.rules.basis import vouchers as cite
from science.rules.params import PolicyParams, VoucherParams
from science.rules.voucher_lifecycle import (
    Problem,
    RedemptionContext,
    RedemptionMaterials,
    carrier_ban_problems,
    document_key,
    payment_due,
    redemption_problems,
    reservation_back_to_voucher,
)
from science.rules.voucher_subsidy import (
    Payable,
    ServiceRequest,
    ServiceType,
    SubsidyResult,
    draws_on_voucher,
    drew_on_voucher,
    payable_for,
    subsidy,
)

REDEMPTION_FIELDS = {
    "old_rules_apply": "used_on",
    "voucher_not_active": "voucher_id",
    "voucher_expired": "used_on",
    "used_before_issue": "used_on",
    "redemption_deadline_passed": "submitted_on",
    "contract_missing": "contract_number",
    "contract_seals": "contract_sealed_by_both",
    "payment_proof": "bank_receipt",
    "service_evidence": "service_evidence",
    "not_paid_in_full": "paid_amount",
    "paid_more_than_fee": "paid_amount",
    "submitted_before_use": "submitted_on",
    "already_subsidised": "contract_number",
    "double_funding": "funded_by_other_programme",
    "carrier_not_registered": "carrier_id",
    "carrier_related": "carrier_id",
    "credit_ban": "voucher_id",
    "carrier_credit_ban": "carrier_id",
    "voucher_exhausted": "voucher_id",
    "service_not_supported": "service_type",
    "audit_purpose_required": "audit_purpose",
}
ALREADY_SUBSIDISED = Problem("already_subsidised", "同一服务合同及其发票只能享受1次创新券补助", cite("四(四)"))


@dataclass(frozen=True)
class Submission:
    """A 兑付申请 as submitted: the voucher, the carrier, the service and its materials, the days."""

    voucher_id: int
    carrier_id: int
    service: ServiceRequest
    materials: RedemptionMaterials
    used_on: dt.date
    submitted_on: dt.date
    funded_by_other_programme: bool


async def _subsidised(session: AsyncSession, contract_key: str, invoice_key: str) -> set[str]:
    """Which of the contract and the invoice a live redemption already holds ("contract", "invoice")."""
    held = await session.scalars(
        select(SubsidisedDocument.kind).where(
            ((SubsidisedDocument.kind == "contract") & (SubsidisedDocument.number == contract_key))
            | ((SubsidisedDocument.kind == "invoice") & (SubsidisedDocument.number == invoice_key))
        )
    )
    return set(held.all())


def _subsidy_problems(service: ServiceRequest, result: SubsidyResult, pay: Payable) -> list[Problem]:
    """三: a service the voucher does not cover, a 专项审计 without its purpose; 一(三): nothing left to pay."""
    if not result.supported:
        return [Problem("service_not_supported", result.reason or "", result.basis[0])]
    problems = []
    if service.service_type is ServiceType.SPECIAL_AUDIT and service.audit_purpose is None:
        problems.append(Problem("audit_purpose_required", "专项审计费须注明三(三)所列用途", result.basis[0]))
    if pay.amount <= 0:
        problems.append(Problem("voucher_exhausted", "创新券已无可用额度", cite("四(二)")))
    return problems


def _lines(result: SubsidyResult, pay: Payable, remaining: Decimal) -> list[dict[str, Any]]:
    lines = [{"label": line.label, "amount": f"{line.amount:.2f}", "basis": line.basis} for line in result.lines]
    if pay.capped:
        lines.append(
            {"label": f"以创新券剩余额度{remaining:.2f}元为限", "amount": f"{pay.amount:.2f}", "basis": cite("一(三)")}
        )
    return lines


@dataclass(frozen=True)
class Judgement:
    """A submission judged against the voucher, the carrier and the records as they stand (nothing written)."""

    voucher: Voucher
    carrier: Carrier
    params: VoucherParams
    policy: PolicyParams | None
    result: SubsidyResult
    pay: Payable
    problems: list[Problem]
    contract_key: str
    invoice_key: str


async def judge(
    session: AsyncSession,
    caller: Caller,
    submission: Submission,
    *,
    lock: bool,
    overrides: Mapping[str, str] | None = None,
) -> Judgement:
    """四(三)(四), 二 末段, 五(二), 一(一), 六, 三: every check of a redemption's acceptance, and what it would pay,
    under the published parameters or a what-if's ``overrides`` (readings V-02, V-06, V-13, P-05 included)."""
    voucher = await get_referenced(
        session, caller, Voucher, submission.voucher_id, "创新券", field="voucher_id", lock=lock
    )
    if caller.is_citizen and voucher.holder_id != caller.user_id:  # 实名制、不得转让 (五(二)): only the holder's own
        raise no_such_record("创新券", "voucher_id", referenced=True)
    # 创新载体 serve every district's vouchers: any registered carrier may be cited.
    carrier = await get_or_404(session, Carrier, submission.carrier_id, "创新载体", field="carrier_id", referenced=True)
    materials, service, used_on = submission.materials, submission.service, submission.used_on
    with scenario_computation(overrides):
        params = voucher_params(max(voucher.issued_on, IN_FORCE_FROM), of_book(overrides, "vouchers"))
        policy = policy_in_force_on(used_on, of_book(overrides, "policies"))
    contract_key = f"{carrier.uscc}/{document_key(materials.contract_number)}"
    invoice_key = document_key(materials.invoice_number)
    held = await _subsidised(session, contract_key, invoice_key)
    context = RedemptionContext(
        submitted_on=submission.submitted_on,
        used_on=used_on,
        issued_on=voucher.issued_on,
        voucher_status=voucher.status,
        materials=materials,
        related_to_carrier=voucher.holder_id in carrier.related_holders,
        carrier_active=carrier.status == "active",
        contract_already_subsidised="contract" in held,
        invoice_already_subsidised="invoice" in held,
        credit_records=await credit_records_of(session, voucher.holder_id, overrides),
        funded_by_other_programme=submission.funded_by_other_programme,
        carrier_credit_records=await credit_records_of(session, carrier.uscc, overrides),
    )
    with scenario_computation(overrides):
        result = subsidy(service, params, policy)
        pay = payable_for(service.service_type, result.subsidy, voucher.remaining, policy)
        problems = redemption_problems(context, params) + _subsidy_problems(service, result, pay)
    return Judgement(voucher, carrier, params, policy, result, pay, problems, contract_key, invoice_key)


def refusal(problems: list[Problem]) -> ProblemError:
    return problems_422(problems, "redemption_refused", "兑付申请不予受理", REDEMPTION_FIELDS)


async def submit(session: AsyncSession, caller: Caller, submission: Submission) -> Redemption:
    """四(三)(四): check the materials and the voucher as they stand, reserve the subsidy on the voucher (at most
    what is left on it) and the contract and invoice."""
    judged = await judge(session, caller, submission, lock=True)
    if judged.problems:
        raise refusal(judged.problems)
    voucher, carrier, params, result, pay = judged.voucher, judged.carrier, judged.params, judged.result, judged.pay
    service, materials, submitted_on = submission.service, submission.materials, submission.submitted_on
    contract_key, invoice_key, policy = judged.contract_key, judged.invoice_key, judged.policy
    redemption = Redemption(
        voucher_id=voucher.id,
        carrier_id=carrier.id,
        holder_id=voucher.holder_id,
        service_type=service.service_type.value,
        fee=service.fee,
        paid_amount=materials.paid_amount,
        via_shared_platform=service.via_shared_platform,
        contract_number=materials.contract_number.strip(),
        invoice_number=materials.invoice_number.strip(),
        used_on=submission.used_on,
        submitted_on=submitted_on,
        entitlement=result.subsidy,
        amount=pay.amount,
        lines=_lines(result, pay, voucher.remaining),
        basis=[*result.basis, *pay.basis, cite("四(四)")],
        status="submitted",
        payment_due=payment_due(submitted_on, params),
    )
    session.add(redemption)
    await session.flush()
    try:
        async with session.begin_nested():
            session.add_all(
                [
                    SubsidisedDocument(kind="contract", number=contract_key, redemption_id=redemption.id),
                    SubsidisedDocument(kind="invoice", number=invoice_key, redemption_id=redemption.id),
                ]
            )
    except IntegrityError:  # a simultaneous redemption took the contract or the invoice first
        raise problems_422([ALREADY_SUBSIDISED], "already_subsidised", "兑付申请不予受理", REDEMPTION_FIELDS) from None
    if draws_on_voucher(service.service_type, policy):  # P-05: a premium compensated outside it draws nothing
        async with audit.change(session, caller, "redeem", voucher):
            voucher.remaining -= pay.amount
            if voucher.remaining == 0:
                voucher.status = "used_up"
    audit.record(session, caller, "submit", redemption)
    return redemption


@dataclass(frozen=True)
class Verdict:
    """What a submission would come to: accepted or refused with every reason, and what it would pay."""

    accepted: bool
    problems: list[dict[str, str | None]]
    entitlement: Decimal
    amount: Decimal
    lines: list[dict[str, Any]]
    basis: list[str]
    parameter_versions: str


@dataclass(frozen=True)
class WhatIf:
    published: Verdict
    scenario: Verdict | None


def _verdict(judged: Judgement) -> Verdict:
    accepted = not judged.problems
    versions = [judged.params.version, *([judged.policy.version] if judged.policy else [])]
    return Verdict(
        accepted=accepted,
        problems=[
            {"field": REDEMPTION_FIELDS.get(p.code), "code": p.code, "detail": p.detail, "basis": p.basis}
            for p in judged.problems
        ],
        entitlement=judged.result.subsidy,
        amount=judged.pay.amount if accepted else Decimal("0.00"),
        lines=_lines(judged.result, judged.pay, judged.voucher.remaining) if accepted else [],
        basis=[*judged.result.basis, *judged.pay.basis, cite("四(四)")],
        parameter_versions=", ".join(versions),
    )


async def what_if(
    session: AsyncSession, caller: Caller, submission: Submission, overrides: Mapping[str, str] | None
) -> WhatIf:
    """A submission judged as the books stand and under ``overrides`` (figures and readings), against the voucher,
    the carrier and the records as they stand: nothing is reserved or written (issue 31; V-02, V-06, V-13, P-05 are
    refusals at the door, which no stored record shows)."""
    if overrides:  # 422 for an override no book of a redemption declares, before anything is read (of the
        # institutes book, the terms of a false-materials ban: G-01, G-02)
        day = max(submission.used_on, IN_FORCE_FROM)
        with_overrides([vouchers_book().at(day), policies_book().at(day), institutes_ban_terms(day)], overrides)
    published = _verdict(await judge(session, caller, submission, lock=False))
    if not overrides:
        return WhatIf(published, None)
    return WhatIf(published, _verdict(await judge(session, caller, submission, lock=False, overrides=overrides)))


async def readable(
    session: AsyncSession, caller: Caller, redemption_id: int, *, lock: bool = False, referenced: bool = False
) -> Redemption:
    """The redemption the path or (``referenced``) a body field names, if the caller may see its voucher: another
    district's answers as an unused id (404, or 422 reference_not_found); ``lock`` for a command."""
    label, field = "兑付申请", "redemption_id"
    redemption = await get_or_404(
        session, Redemption, redemption_id, label, field=field, lock=lock, referenced=referenced
    )
    voucher = await get_or_404(session, Voucher, redemption.voucher_id, "创新券", field=None)
    ensure_visible(caller, voucher.district, label, field=field, referenced=referenced)
    return redemption


async def locked(session: AsyncSession, caller: Caller, redemption_id: int, *, referenced: bool = False) -> Redemption:
    return await readable(session, caller, redemption_id, lock=True, referenced=referenced)


async def release(session: AsyncSession, caller: Caller, redemption: Redemption) -> None:
    """A refused or clawed-back redemption gives its reservation back: to the voucher while it is active, else to
    the pool (the voucher has already expired and been collected), or always to the pool under the other reading of
    V-11 (``refused_reservation_returns_to``); a premium compensated outside the voucher reserved nothing there
    (P-05). Its contract and invoice become free again."""
    voucher = await get_or_404(session, Voucher, redemption.voucher_id, "创新券", field=None)
    pool = await get_or_404(session, VoucherPool, voucher.pool_id, "创新券批次", lock=True, field=None)
    voucher = await get_or_404(session, Voucher, redemption.voucher_id, "创新券", lock=True, field=None)
    params = voucher_params(max(voucher.issued_on, IN_FORCE_FROM))
    still_valid = voucher.status in ("active", "used_up") and redemption.submitted_on <= voucher.last_valid_on
    # The voucher's row is audited first, then the pool's (the inner block's audit is written first).
    async with audit.change(session, caller, "release", pool), audit.change(session, caller, "release", voucher):
        drew = drew_on_voucher(redemption.basis)
        if drew and reservation_back_to_voucher(still_valid, params):
            voucher.remaining += redemption.amount
            voucher.status = "active"
        elif drew:
            voucher.returned += redemption.amount
            pool.available += redemption.amount
        await session.execute(delete(SubsidisedDocument).where(SubsidisedDocument.redemption_id == redemption.id))


def _refuse_review_before_submission(redemption: Redemption, on: dt.date) -> None:
    if on < redemption.submitted_on:
        raise ProblemError(422, "decided_before_submission", "评审日期早于兑付申请日期", field="on")


async def approve(
    session: AsyncSession, caller: Caller, redemption_id: int, on: dt.date, document: str | None
) -> Redemption:
    """四(五) 组织专家评审: a submitted redemption passes the review."""
    redemption = await locked(session, caller, redemption_id)
    if redemption.status != "submitted":
        raise ProblemError(409, "redemption_decided", f"兑付申请当前状态为 {redemption.status}")
    _refuse_review_before_submission(redemption, on)
    async with audit.change(session, caller, "approve", redemption):
        redemption.status = "approved"
        redemption.decided_on, redemption.decision_document = on, document
    return redemption


async def reject(
    session: AsyncSession, caller: Caller, redemption_id: int, reasons: list[str], on: dt.date, document: str | None
) -> Redemption:
    """四(五) the review refuses it (before payment): its reservation is given back."""
    redemption = await locked(session, caller, redemption_id)
    if redemption.status not in ("submitted", "approved"):
        raise ProblemError(409, "redemption_decided", f"兑付申请当前状态为 {redemption.status}")
    _refuse_review_before_submission(redemption, on)
    async with audit.change(session, caller, "reject", redemption):
        redemption.status, redemption.decision_reasons = "rejected", reasons
        redemption.decided_on, redemption.decision_document = on, document
        await release(session, caller, redemption)
    return redemption


async def pay(
    session: AsyncSession, caller: Caller, redemption_id: int, paid_on: dt.date, document: str | None
) -> Redemption:
    """四(五) 兑现, 原则上每年4月底前完成上一年度兑付工作: an approved redemption is paid unless its carrier is barred
    that day (五(二)); later than the due day it is paid with the note that a 报批延期 is required."""
    redemption = await locked(session, caller, redemption_id)
    if redemption.status != "approved":
        raise ProblemError(409, "redemption_not_approved", f"兑付申请当前状态为 {redemption.status}，须先评审通过")
    if paid_on < redemption.submitted_on:
        raise ProblemError(422, "paid_before_submission", "兑付日期早于申请日期", field="paid_on")
    carrier = await get_or_404(session, Carrier, redemption.carrier_id, "创新载体", field=None)
    voucher = await get_or_404(session, Voucher, redemption.voucher_id, "创新券", field=None)
    params = voucher_params(max(voucher.issued_on, IN_FORCE_FROM))
    banned = carrier_ban_problems(await credit_records_of(session, carrier.uscc), paid_on, params)
    if banned:
        raise problems_422(banned, "carrier_credit_ban", "不予兑付", {"carrier_credit_ban": "paid_on"})
    async with audit.change(session, caller, "pay", redemption):
        redemption.status, redemption.paid_on, redemption.payment_document = "paid", paid_on, document
        if paid_on > redemption.payment_due:
            redemption.decision_reasons = [f"晚于{redemption.payment_due.isoformat()}兑付，须按44号 四(五)报批延期"]
    return redemption
