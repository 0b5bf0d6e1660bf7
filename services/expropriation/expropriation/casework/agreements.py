"""补偿安置协议: signing (with the parameter versions used, so a re-quote reproduces it) and the hand-over."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.common import audit, checked, load_params
from expropriation.casework.ledger import count_deposits
from expropriation.casework.records import (
    agreement_of,
    facts_of,
    handed_over_in_time,
    project_records,
    quote_input,
    quote_on,
    request_of,
)
from expropriation.facts.quote import QuoteOut
from expropriation.models import Agreement, Dispute, Household, Project
from expropriation.rules.declarations import DisputeState
from expropriation.rules.quote import quote
from expropriation.rules.types import Method, basis
from qz_common.db import get_or_404, get_referenced
from qz_common.errors import ProblemError
from qz_common.identity import Caller


def requote(agreement: Agreement) -> QuoteOut:
    """The agreement's quote as signed, recomputed: the same figures, from the stored facts and parameter versions."""
    return QuoteOut.of(quote_on(agreement, agreement.facts))


async def open_dispute_of(session: AsyncSession, household_id: int) -> Dispute | None:
    return await session.scalar(
        select(Dispute).where(
            Dispute.household_id == household_id,
            Dispute.state.not_in([DisputeState.DEPOSITED.value, DisputeState.RESOLVED.value]),
        )
    )


async def has_agreement(session: AsyncSession, household_id: int) -> bool:
    return await session.scalar(select(Agreement.id).where(Agreement.household_id == household_id)) is not None


async def sign(
    session: AsyncSession,
    caller: Caller,
    household_id: int,
    method: Method,
    signed_on: dt.date,
    handed_over_on: dt.date | None,
) -> Agreement:
    household = await get_referenced(
        session, caller, Household, household_id, "被征收户", field="household_id", lock=True
    )
    project = await get_or_404(session, Project, household.project_id, "征收项目", field=None)
    if signed_on < project.pre_announcement_date:
        raise ProblemError(422, "signed_before_announcement", "签约日早于征收土地预公告", field="signed_on")
    if handed_over_on is not None and handed_over_on < signed_on:
        raise ProblemError(422, "handover_before_signing", "交房日早于签约日", field="handed_over_on")
    if await has_agreement(session, household.id):
        raise ProblemError(409, "agreement_exists", "本户已签订协议")
    if await open_dispute_of(session, household.id) is not None:
        raise ProblemError(409, "dispute_open", "本户存在未结的产权争议，应按二(四)程序办理", basis=basis("二(四)"))
    params = load_params(project.district, project.valuation_date)
    facts = facts_of(household)
    record = Agreement(
        household_id=household.id,
        project_id=project.id,
        district=project.district,
        method=method.value,
        signed_on=signed_on,
        handed_over_on=handed_over_on,
        city_parameter_version=params.city.version,
        district_parameter_version=params.district.version,
        facts={},
        quote={},
        total=Decimal("0"),
        member_id_numbers=[m.id_number for m in facts.members],
        building_owner_usccs=sorted({b.owner_uscc for b in facts.buildings if b.owner_uscc}),
    )
    session.add(record)
    await session.flush()
    _h, _a, villages, assignment = await project_records(session, project)
    inp = checked(
        lambda: quote_input(
            project,
            household,
            method=method,
            agreement=record,
            village_all_signed=villages.get(household.natural_village, False),
            assignment=assignment,
            facts=facts,
        )
    )
    q = checked(lambda: quote(inp, params), "")
    record.facts = request_of(inp)
    record.quote = QuoteOut.of(q).model_dump(mode="json")
    record.total = q.total
    await session.flush()
    audit.record(session, caller, "sign", record)
    await count_deposits(session, caller, record, q, handed_over_in_time(project, record))
    await _take_declared_choice(session, caller, household, method, signed_on)
    return record


async def _take_declared_choice(
    session: AsyncSession, caller: Caller, household: Household, method: Method, signed_on: dt.date
) -> None:
    """An agreement on the method the household declared (and no caseworker confirmed yet) confirms it, on the day
    it was signed (A-52); one on another method leaves the declaration as it was, answered by the agreement."""
    declared_on = household.declared_on
    if household.declared_method != method.value or household.choice_confirmed_on is not None:
        return
    if declared_on is None or signed_on < declared_on:
        return
    async with audit.change(session, caller, "confirm_method", household):
        household.method = method.value
        household.choice_confirmed_on = signed_on


async def hand_over(session: AsyncSession, caller: Caller, agreement_id: int, handed_over_on: dt.date) -> Agreement:
    record = await agreement_of(session, caller, agreement_id, lock=True)
    if record.handed_over_on is not None:
        raise ProblemError(409, "already_handed_over", f"已于 {record.handed_over_on} 交付")
    if handed_over_on < record.signed_on:
        raise ProblemError(422, "handover_before_signing", "交房日早于签约日", field="handed_over_on")
    async with audit.change(session, caller, "hand_over", record):
        record.handed_over_on = handed_over_on
    return record
