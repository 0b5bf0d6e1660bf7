"""The ledger of an agreement: payments checked against the entitlement as it stands now, 提存 counted as paid, and
四(一) clawbacks that recover what was paid beyond it (rules/ledger.py says what the law allows; this module loads
the current facts and events it asks about)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.common import audit, checked, load_params_version
from expropriation.casework.records import agreement_of, handed_over_in_time, project_records
from expropriation.facts.quote import QuoteRequest
from expropriation.models import Agreement, Clawback, Dispute, Household, HouseVoucher, Payment, Project
from expropriation.rules import ledger
from expropriation.rules.params import Params
from expropriation.rules.quote import Quote, quote
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller

ZERO = Decimal("0")


async def _clawbacks(session: AsyncSession, agreement: Agreement) -> list[Clawback]:
    return list(
        (
            await session.scalars(select(Clawback).where(Clawback.agreement_id == agreement.id).order_by(Clawback.id))
        ).all()
    )


async def voucher_of_agreement(
    session: AsyncSession, agreement: Agreement, *, lock: bool = False
) -> HouseVoucher | None:
    stmt = select(HouseVoucher).where(HouseVoucher.agreement_id == agreement.id)
    return await session.scalar(stmt.with_for_update() if lock else stmt)


def agreement_params(agreement: Agreement, overrides: Mapping[str, str] | None = None) -> Params:
    """The parameter versions the agreement was signed with — the book its ledger commands consult (the readings
    A-29, A-40 and A-42 among them) — with a what-if's ``overrides`` (422 for any the books do not allow)."""
    return load_params_version(
        agreement.district, agreement.city_parameter_version, agreement.district_parameter_version, overrides
    )


def _quote(facts: dict[str, Any], params: Params) -> Quote:
    """The quote on ``facts`` (a quote-request document, as an agreement stores it) with ``params``."""
    inp = QuoteRequest.model_validate(facts).to_rules()
    return checked(lambda: quote(inp, params))


async def _found_facts(session: AsyncSession, agreement: Agreement, finding: dict[str, Any] | None) -> dict[str, Any]:
    """The facts as signed, corrected by every earlier finding and then by ``finding`` (one not recorded yet)."""
    facts: dict[str, Any] = dict(agreement.facts)
    for earlier in await _clawbacks(session, agreement):
        facts |= earlier.corrected
    if finding is not None:
        facts |= finding
    return facts


async def current_quote(
    session: AsyncSession, agreement: Agreement, params: Params | None = None, *, finding: dict[str, Any] | None = None
) -> tuple[Quote, bool | None]:
    """The agreement's quote as things stand now, and whether the house was handed over in time (None: not yet):
    the facts as signed, corrected by every clawback's finding (A-29) and by ``finding`` when one is being assessed,
    the village's completion and the hand-over from the project's records (A-25, A-26), with the parameter versions
    of the signing (or ``params``: a what-if's)."""
    project = await get_or_404(session, Project, agreement.project_id, "征收项目", field=None)
    household = await get_or_404(session, Household, agreement.household_id, "被征收户", field=None)
    facts = await _found_facts(session, agreement, finding)
    _h, _a, villages, _assignment = await project_records(session, project)
    facts["village_all_signed"] = villages.get(household.natural_village, False)
    in_time = handed_over_in_time(project, agreement)
    if in_time is not None:
        facts["vacated_on_time"] = in_time
    return _quote(facts, params or agreement_params(agreement)), in_time


async def _conversion_cash(session: AsyncSession, agreement: Agreement) -> Decimal:
    voucher = await voucher_of_agreement(session, agreement)
    return voucher.conversion_cash if voucher is not None and voucher.conversion_cash is not None else ZERO


async def current_entitlement(
    session: AsyncSession, agreement: Agreement, params: Params | None = None, *, finding: dict[str, Any] | None = None
) -> ledger.Entitlement:
    """What the agreement entitles the household to now (``current_quote`` read as a ledger); the rewards wait for
    the hand-over unless the book reads them payable on the projection (A-40)."""
    params = params or agreement_params(agreement)
    q, in_time = await current_quote(session, agreement, params, finding=finding)
    return ledger.entitlement(
        q.items,
        handed_over_in_time=in_time,
        voucher_conversion_cash=await _conversion_cash(session, agreement),
        rewards_payable_on_projection=params.city.rewards_payable_on_projection,
    )


async def _entitlement_at_signing(
    session: AsyncSession, agreement: Agreement, params: Params, finding: dict[str, Any]
) -> ledger.Entitlement:
    """A-29's other reading: the quote at signing re-quoted on the found facts — the village's completion and the
    hand-over as they stood at signing (the rewards as the quote then projected them), no event since counted but
    the 房票's conversion, which is its value in money, not money earned."""
    q = _quote(await _found_facts(session, agreement, finding), params)
    return ledger.entitlement(
        q.items, handed_over_in_time=True, voucher_conversion_cash=await _conversion_cash(session, agreement)
    )


async def _recovered(session: AsyncSession, agreement: Agreement) -> dict[str, Decimal]:
    recovered: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for finding in await _clawbacks(session, agreement):
        for code, amount in finding.by_item.items():
            recovered[code] += Decimal(amount)
    return recovered


async def _paid(session: AsyncSession, agreement: Agreement) -> dict[str, Decimal]:
    rows = await session.execute(
        select(Payment.item_code, func.sum(Payment.amount))
        .where(Payment.agreement_id == agreement.id)
        .group_by(Payment.item_code)
    )
    return {code: Decimal(total) for code, total in rows.all()}


async def settled(session: AsyncSession, agreement: Agreement) -> ledger.Settled:
    """What has passed under the agreement, net of what clawbacks recovered."""
    recovered = await _recovered(session, agreement)
    cash = {code: paid - recovered.get(code, ZERO) for code, paid in (await _paid(session, agreement)).items()}
    charged = sum((Decimal(i["amount"]) for i in agreement.quote["items"] if i["kind"] == "charge"), ZERO)
    voucher = await voucher_of_agreement(session, agreement)
    unused = voucher.remaining_value if voucher is not None else ZERO
    used = voucher.face_value - voucher.remaining_value if voucher is not None else ZERO
    return ledger.Settled(
        cash=cash,
        charges=charged - recovered.get(ledger.FLAT_PRICE, ZERO),
        voucher_used=used - recovered.get(ledger.VOUCHER_VALUE, ZERO),
        voucher_unused=unused,
    )


@dataclass(frozen=True)
class LedgerView:
    """An agreement's ledger as it stands: entitled now, paid, recovered."""

    entitled: ledger.Entitlement
    settled: ledger.Settled
    paid: dict[str, Decimal]
    recovered: dict[str, Decimal]


async def ledger_of(session: AsyncSession, caller: Caller, agreement_id: int) -> LedgerView:
    agreement = await agreement_of(session, caller, agreement_id)
    return LedgerView(
        await current_entitlement(session, agreement),
        await settled(session, agreement),
        await _paid(session, agreement),
        dict(await _recovered(session, agreement)),
    )


def refused(refusal: ledger.Refusal) -> ProblemError:
    clause: dict[str, Any] = {"basis": refusal.basis} if refusal.basis else {}
    return ProblemError(422, refusal.code, refusal.detail, field=refusal.field, **clause)


@dataclass(frozen=True)
class PaymentAssessment:
    """Whether a payment may be made, and the figures that decide it."""

    refusal: ledger.Refusal | None
    entitled: Decimal  # the item's cash entitlement now
    net_paid: Decimal  # paid on the item so far, net of recoveries
    versions: dict[str, str]


async def assess_payment(
    session: AsyncSession, agreement: Agreement, payment: Mapping[str, Any], params: Params
) -> PaymentAssessment:
    """The checks of a cash payment on one item: not before signing; paid so far (net of recoveries) plus this one
    never beyond what the item entitles the household to now (with ``params``: the book's readings, A-40)."""
    item_code, amount = payment["item_code"], payment["amount"]
    entitled = await current_entitlement(session, agreement, params)
    net_paid = (await settled(session, agreement)).cash.get(item_code, ZERO)
    if payment["paid_on"] < agreement.signed_on:
        refusal: ledger.Refusal | None = ledger.Refusal("paid_before_signing", "paid_on", "支付日早于协议签订日", "")
    else:
        refusal = ledger.payment_refusal(item_code, amount, entitled, net_paid)
    return PaymentAssessment(refusal, entitled.cash.get(item_code, ZERO), net_paid, params.versions)


async def pay(session: AsyncSession, caller: Caller, agreement_id: int, payment: dict[str, Any]) -> Payment:
    """A cash payment on one item: paid so far (net of recoveries) plus this one never exceeds what the item
    entitles the household to now."""
    agreement = await agreement_of(session, caller, agreement_id, lock=True, referenced=True)
    if payment["paid_on"] < agreement.signed_on:  # before reading the ledger: it says nothing of this
        raise ProblemError(422, "paid_before_signing", "支付日早于协议签订日", field="paid_on")
    assessed = await assess_payment(session, agreement, payment, agreement_params(agreement))
    if assessed.refusal is not None:
        raise refused(assessed.refusal)
    record = Payment(**payment, agreement_id=agreement.id, district=agreement.district)
    return await audit.add(session, caller, "pay", record)


async def payment_what_if(
    session: AsyncSession,
    caller: Caller,
    agreement_id: int,
    payment: Mapping[str, Any],
    overrides: Mapping[str, str] | None,
) -> PaymentAssessment:
    """Whether ``payment`` would be accepted under a scenario (the agreement's books with ``overrides``): the checks
    of ``pay`` on the stored agreement, nothing written."""
    agreement = await agreement_of(session, caller, agreement_id, referenced=True)
    return await assess_payment(session, agreement, payment, agreement_params(agreement, overrides))


async def count_deposits(
    session: AsyncSession, caller: Caller, agreement: Agreement, signed: Quote, handed_over_in_time: bool | None
) -> None:
    """二(四) 提存 before the agreement: the deposited compensation counts as paid on the agreement signed later
    (reading A-41), allocated over the cash items the agreement pays at signing."""
    deposits = (
        await session.scalars(
            select(Dispute)
            .where(Dispute.household_id == agreement.household_id, Dispute.deposit_amount.is_not(None))
            .order_by(Dispute.id)
        )
    ).all()
    payable = ledger.entitlement(
        signed.items,
        handed_over_in_time=handed_over_in_time,
        voucher_conversion_cash=ZERO,
        rewards_payable_on_projection=agreement_params(agreement).city.rewards_payable_on_projection,
    ).cash
    for dispute in deposits:
        assert dispute.deposit_amount is not None
        deposited_on = next(dt.date.fromisoformat(s["on"]) for s in dispute.history if s["state"] == "deposited")
        allocation, _surplus = ledger.allocate_deposit(dispute.deposit_amount, payable)
        for code, amount in allocation.items():
            payable[code] -= amount
            record = Payment(
                agreement_id=agreement.id,
                district=agreement.district,
                item_code=code,
                amount=amount,
                paid_on=deposited_on,
                reference=f"提存（争议 {dispute.id}）",
                source="deposit",
            )
            await audit.add(session, caller, "count_deposit", record)


async def assess_clawback(
    session: AsyncSession, agreement: Agreement, corrected: dict[str, Any], params: Params
) -> ledger.Clawback:
    """四(一): what a finding of ``corrected`` facts recovers, with ``params`` (the agreement's books, or a
    what-if's): what was paid (or charged, or used of the 房票) beyond the entitlement on the found facts — with every
    event since signing (A-29 ``clawback_against = "entitlement_now"``) or as at signing (``"quote_at_signing"``);
    the flat's price and the 房票 too unless the book reads them out (A-42)."""
    before = await settled(session, agreement)
    if params.city.clawback_against == "quote_at_signing":
        entitled = await _entitlement_at_signing(session, agreement, params, corrected)
    else:
        entitled = await current_entitlement(session, agreement, params, finding=corrected)
    return ledger.clawback(before, entitled, recovers_flat_and_voucher=params.city.clawback_recovers_flat_and_voucher)


def _found_after_signing(agreement: Agreement, found_on: dt.date) -> None:
    if found_on < agreement.signed_on:
        raise ProblemError(422, "found_before_signing", "查实日早于协议签订日", field="found_on")


async def claw_back(
    session: AsyncSession, caller: Caller, agreement_id: int, found_on: dt.date, reason: str, corrected: dict[str, Any]
) -> Clawback:
    """四(一): the finding's facts become the agreement's; what was paid (or charged, or used of the 房票) beyond
    the entitlement they give is recovered — and only that (``assess_clawback``, with the agreement's books)."""
    agreement = await agreement_of(session, caller, agreement_id, lock=True, referenced=True)
    _found_after_signing(agreement, found_on)
    result = await assess_clawback(session, agreement, corrected, agreement_params(agreement))
    record = Clawback(
        agreement_id=agreement.id,
        district=agreement.district,
        found_on=found_on,
        reason=reason,
        amount=result.amount,
        by_item={k: str(v) for k, v in result.by_item.items()},
        corrected=corrected,
        voucher_cut=result.voucher_cut,
        basis=result.basis,
    )
    session.add(record)
    await session.flush()
    if result.voucher_cut > 0:
        voucher = await voucher_of_agreement(session, agreement, lock=True)
        assert voucher is not None
        async with audit.change(session, caller, "clawback_cut", voucher):
            voucher.face_value -= result.voucher_cut
            voucher.remaining_value -= result.voucher_cut
    await session.flush()
    audit.record(session, caller, "clawback", record)
    return record


@dataclass(frozen=True)
class ClawbackWhatIf:
    agreement_id: int
    found_on: dt.date
    result: ledger.Clawback
    versions: dict[str, str]


async def clawback_what_if(
    session: AsyncSession,
    caller: Caller,
    agreement_id: int,
    found_on: dt.date,
    corrected: dict[str, Any],
    overrides: Mapping[str, str] | None,
) -> ClawbackWhatIf:
    """What a finding of ``corrected`` facts would recover under a scenario (the agreement's books with
    ``overrides``: figures and the readings A-29, A-42): ``claw_back``'s computation on the stored agreement, its
    payments and earlier findings, nothing written."""
    agreement = await agreement_of(session, caller, agreement_id, referenced=True)
    _found_after_signing(agreement, found_on)
    params = agreement_params(agreement, overrides)
    result = await assess_clawback(session, agreement, corrected, params)
    return ClawbackWhatIf(agreement.id, found_on, result, params.versions)
