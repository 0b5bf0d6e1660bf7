"""The 安置方式 a household declares itself through 浙里办 (三(三): "采取货币补偿安置、“房票”安置、产权调换安置、
宅基地安置等安置方式"), and the caseworker's confirmation: the declaration is a wish on record, never a signature
(A-52)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.agreements import has_agreement
from expropriation.casework.common import audit, rule_problem
from expropriation.casework.projects import household_of
from expropriation.casework.quotes import household_comparison
from expropriation.models import Household
from expropriation.rules.types import Method
from qz_common.errors import ProblemError
from qz_common.identity import Caller


async def _unsigned(session: AsyncSession, caller: Caller, household_id: int) -> Household:
    household, _project = await household_of(session, caller, household_id, lock=True)
    if await has_agreement(session, household.id):
        raise ProblemError(409, "agreement_exists", "本户已签订协议，安置方式以协议为准")
    return household


async def declare(session: AsyncSession, caller: Caller, household_id: int, method: Method, on: dt.date) -> Household:
    """Record the method a member chose, if it is open to the household as its records stand (the same comparison
    it was shown); a new choice replaces one not yet confirmed, or reopens a confirmed one."""
    household = await _unsigned(session, caller, household_id)
    outcome = next(o for o in await household_comparison(session, caller, household_id) if o.method == method)
    if outcome.error is not None:
        raise rule_problem(outcome.error)
    async with audit.change(session, caller, "declare_method", household):
        household.declared_method = method.value
        household.declared_on = on
        household.choice_confirmed_on = None
    return household


async def confirm(session: AsyncSession, caller: Caller, household_id: int, on: dt.date) -> Household:
    """The caseworker takes the declared method as the household's: its quotes (and the agreement's default) follow."""
    household = await _unsigned(session, caller, household_id)
    if household.declared_method is None or household.choice_confirmed_on is not None:
        raise ProblemError(409, "no_choice_pending", "本户没有待确认的安置方式选择")
    assert household.declared_on is not None
    if on < household.declared_on:
        raise ProblemError(422, "confirmed_before_declared", "确认日早于本户申报选择之日", field="confirmed_on")
    async with audit.change(session, caller, "confirm_method", household):
        household.method = household.declared_method
        household.choice_confirmed_on = on
    return household
