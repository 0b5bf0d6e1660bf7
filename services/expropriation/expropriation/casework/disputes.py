"""二(四): 有产权纠纷、产权人下落不明、暂时无法确定产权人 — 方案, 证据保全, 补偿决定, 提存 before the house is taken."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.agreements import has_agreement, open_dispute_of
from expropriation.casework.common import audit
from expropriation.models import Dispute, Household
from expropriation.rules.declarations import DisputeState, advance_dispute
from expropriation.rules.types import RuleError, basis
from qz_common.db import get_in_district, get_referenced
from qz_common.errors import ProblemError
from qz_common.identity import Caller


async def dispute_of(session: AsyncSession, caller: Caller, dispute_id: int, *, lock: bool = False) -> Dispute:
    return await get_in_district(session, caller, Dispute, dispute_id, "争议", field="dispute_id", lock=lock)


async def open_dispute(session: AsyncSession, caller: Caller, household_id: int, ground: str, detail: str) -> Dispute:
    household = await get_referenced(
        session, caller, Household, household_id, "被征收户", field="household_id", lock=True
    )
    if await open_dispute_of(session, household.id) is not None:
        raise ProblemError(409, "dispute_open", "本户已有未结的产权争议")
    if await has_agreement(session, household.id):
        raise ProblemError(409, "agreement_exists", "本户已签订协议")
    record = Dispute(
        household_id=household.id,
        district=household.district,
        ground=ground,
        state=DisputeState.OPENED.value,
        detail=detail,
        history=[],
    )
    return await audit.add(session, caller, "open", record)


async def advance(
    session: AsyncSession,
    caller: Caller,
    dispute_id: int,
    state: str,
    on: dt.date,
    reference: str,
    deposit_amount: Decimal | None,
) -> Dispute:
    record = await dispute_of(session, caller, dispute_id, lock=True)
    try:
        advance_dispute(DisputeState(record.state), DisputeState(state))
    except RuleError as e:
        raise ProblemError(409, "dispute_step_out_of_order", e.message, field="state", basis=e.basis) from None
    if record.history and on < dt.date.fromisoformat(record.history[-1]["on"]):
        raise ProblemError(422, "step_before_previous", "程序日期早于上一步", field="on")
    if state == DisputeState.DEPOSITED.value and (deposit_amount is None or deposit_amount <= 0):
        raise ProblemError(
            422, "deposit_amount_missing", "提存须写明提存金额", field="deposit_amount", basis=basis("二(四)")
        )
    async with audit.change(session, caller, f"step:{state}", record):
        if state == DisputeState.DEPOSITED.value:
            record.deposit_amount = deposit_amount
        record.state = state
        record.history = [*record.history, {"state": state, "on": on.isoformat(), "reference": reference}]
    return record
