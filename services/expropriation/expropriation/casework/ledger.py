"""Payments under an agreement and 四(一) clawbacks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.agreements import agreement_of, requote
from expropriation.casework.common import audit
from expropriation.casework.records import project_records
from expropriation.models import Agreement, Clawback, Household, HouseVoucher, Payment, Project
from expropriation.rules.clawback import clawback
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller


async def _paid(session: AsyncSession, agreement_id: int) -> dict[str, Decimal]:
    rows = await session.execute(
        select(Payment.item_code, func.sum(Payment.amount))
        .where(Payment.agreement_id == agreement_id)
        .group_by(Payment.item_code)
    )
    return {code: Decimal(total) for code, total in rows.all()}


def _agreement_items(a: Agreement) -> dict[str, Decimal]:
    return {i["code"]: Decimal(i["amount"]) for i in a.quote.get("items", [])}


async def _village_reward_due(session: AsyncSession, agreement: Agreement) -> Decimal:
    """三(四)8: the village completion reward falls due once the project's records show every household of the
    natural village signed and handed over in time — usually after this agreement was signed; it is computed with
    the agreement's stored facts and parameter versions."""
    project = await get_or_404(session, Project, agreement.project_id, "征收项目", field=None)
    household = await get_or_404(session, Household, agreement.household_id, "被征收户", field=None)
    _h, _a, villages, _assignment = await project_records(session, project)
    if not villages.get(household.natural_village, False):
        return Decimal("0")
    due = requote(agreement, {**agreement.facts, "village_all_signed": True})
    return sum((i.amount for i in due.items if i.code == "village_completion_reward"), Decimal("0"))


async def _voucher_conversion_due(session: AsyncSession, agreement: Agreement) -> Decimal:
    """三(三)2(4): the unused value of the agreement's 房票, once converted to money, is payable with the remainder the
    agreement itself may already carry (A-39)."""
    cash = await session.scalar(select(HouseVoucher.conversion_cash).where(HouseVoucher.agreement_id == agreement.id))
    return cash if cash is not None else Decimal("0")


async def pay(session: AsyncSession, caller: Caller, agreement_id: int, payment: dict[str, Any]) -> Payment:
    agreement = await agreement_of(session, caller, agreement_id, lock=True)
    item_code, amount, paid_on = payment["item_code"], payment["amount"], payment["paid_on"]
    if paid_on < agreement.signed_on:
        raise ProblemError(422, "paid_before_signing", "支付日早于协议签订日", field="paid_on")
    items = _agreement_items(agreement)
    if item_code == "village_completion_reward":
        items[item_code] = await _village_reward_due(session, agreement)
    if item_code == "voucher_remainder_cash":
        items[item_code] = items.get(item_code, Decimal("0")) + await _voucher_conversion_due(session, agreement)
    if items.get(item_code, Decimal("0")) <= 0:
        raise ProblemError(422, "item_not_payable", f"协议中没有应付项目 {item_code}", field="item_code")
    paid = (await _paid(session, agreement.id)).get(item_code, Decimal("0"))
    if paid + amount > items[item_code]:
        raise ProblemError(
            422, "overpayment", f"{item_code} 应付 {items[item_code]}，已付 {paid}，本次 {amount} 超出", field="amount"
        )
    record = Payment(**payment, agreement_id=agreement.id, district=agreement.district)
    session.add(record)
    await session.flush()
    audit.record(session, caller, "pay", record)
    return record


async def claw_back(
    session: AsyncSession,
    caller: Caller,
    agreement_id: int,
    found_on: dt.date,
    reason: str,
    corrected: dict[str, Any],
) -> Clawback:
    agreement = await agreement_of(session, caller, agreement_id, lock=True)
    if found_on < agreement.signed_on:
        raise ProblemError(422, "found_before_signing", "查实日早于协议签订日", field="found_on")
    # only what the finding corrects overrides the facts stored at signing
    facts = {**agreement.facts, **corrected, "agreement_signed_on": agreement.signed_on.isoformat()}
    entitled = requote(agreement, facts)
    result = clawback(await _paid(session, agreement.id), {i.code: i.amount for i in entitled.items})
    record = Clawback(
        agreement_id=agreement.id,
        district=agreement.district,
        found_on=found_on,
        reason=reason,
        amount=result.amount,
        by_item={k: str(v) for k, v in result.by_item.items()},
        basis=result.basis,
    )
    session.add(record)
    await session.flush()
    audit.record(session, caller, "clawback", record)
    return record
