"""The ledger of an agreement: payments checked against the entitlement as it stands now, 提存 counted as paid, and
四(一) clawbacks that recover what was paid beyond it (rules/ledger.py says what the law allows; this module loads
the current facts and events it asks about)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.common import audit
from expropriation.casework.records import agreement_of, handed_over_in_time, project_records, quote_on
from expropriation.models import Agreement, Clawback, Dispute, Household, HouseVoucher, Payment, Project
from expropriation.rules import ledger
from expropriation.rules.quote import Quote
from expropriation.rules.types import basis
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


async def current_quote(session: AsyncSession, agreement: Agreement) -> tuple[Quote, bool | None]:
    """The agreement's quote as things stand now, and whether the house was handed over in time (None: not yet):
    the facts as signed, corrected by every clawback's finding (A-29), the village's completion and the hand-over
    from the project's records (A-25, A-26), with the parameter versions of the signing."""
    project = await get_or_404(session, Project, agreement.project_id, "征收项目", field=None)
    household = await get_or_404(session, Household, agreement.household_id, "被征收户", field=None)
    facts: dict[str, Any] = dict(agreement.facts)
    for finding in await _clawbacks(session, agreement):
        facts |= finding.corrected
    _h, _a, villages, _assignment = await project_records(session, project)
    facts["village_all_signed"] = villages.get(household.natural_village, False)
    in_time = handed_over_in_time(project, agreement)
    if in_time is not None:
        facts["vacated_on_time"] = in_time
    return quote_on(agreement, facts), in_time


async def current_entitlement(session: AsyncSession, agreement: Agreement) -> ledger.Entitlement:
    q, in_time = await current_quote(session, agreement)
    voucher = await voucher_of_agreement(session, agreement)
    conversion = voucher.conversion_cash if voucher is not None and voucher.conversion_cash is not None else ZERO
    return ledger.entitlement(q.items, handed_over_in_time=in_time, voucher_conversion_cash=conversion)


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


async def pay(session: AsyncSession, caller: Caller, agreement_id: int, payment: dict[str, Any]) -> Payment:
    """A cash payment on one item: paid so far (net of recoveries) plus this one never exceeds what the item
    entitles the household to now."""
    agreement = await agreement_of(session, caller, agreement_id, lock=True, referenced=True)
    item_code, amount, paid_on = payment["item_code"], payment["amount"], payment["paid_on"]
    if paid_on < agreement.signed_on:
        raise ProblemError(422, "paid_before_signing", "支付日早于协议签订日", field="paid_on")
    entitled = await current_entitlement(session, agreement)
    net_paid = (await settled(session, agreement)).cash.get(item_code, ZERO)
    refusal = ledger.payment_refusal(item_code, amount, entitled, net_paid)
    if refusal is not None:
        raise refused(refusal)
    record = Payment(**payment, agreement_id=agreement.id, district=agreement.district)
    return await audit.add(session, caller, "pay", record)


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
        signed.items, handed_over_in_time=handed_over_in_time, voucher_conversion_cash=ZERO
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


async def claw_back(
    session: AsyncSession, caller: Caller, agreement_id: int, found_on: dt.date, reason: str, corrected: dict[str, Any]
) -> Clawback:
    """四(一): the finding's facts become the agreement's; what was paid (or charged, or used of the 房票) beyond
    the entitlement they give, with every event since signing, is recovered — and only that."""
    agreement = await agreement_of(session, caller, agreement_id, lock=True, referenced=True)
    if found_on < agreement.signed_on:
        raise ProblemError(422, "found_before_signing", "查实日早于协议签订日", field="found_on")
    before = await settled(session, agreement)
    record = Clawback(
        agreement_id=agreement.id,
        district=agreement.district,
        found_on=found_on,
        reason=reason,
        amount=ZERO,
        by_item={},
        corrected=corrected,
        voucher_cut=ZERO,
        basis=basis("四(一)"),
    )
    session.add(record)
    await session.flush()  # the finding's facts are now the agreement's: the entitlement below is on them
    result = ledger.clawback(before, await current_entitlement(session, agreement))
    record.amount = result.amount
    record.by_item = {k: str(v) for k, v in result.by_item.items()}
    record.voucher_cut = result.voucher_cut
    if result.voucher_cut > 0:
        voucher = await voucher_of_agreement(session, agreement, lock=True)
        assert voucher is not None
        async with audit.change(session, caller, "clawback_cut", voucher):
            voucher.face_value -= result.voucher_cut
            voucher.remaining_value -= result.voucher_cut
    await session.flush()
    audit.record(session, caller, "clawback", record)
    return record
