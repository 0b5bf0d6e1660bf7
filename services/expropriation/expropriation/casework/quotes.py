"""Quotes from the records: a household's as its project's records stand (三(四)8 village completion, 三(一)3, the
hand-over), and a whole project in one pass."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.common import checked, load_params, rule_problem
from expropriation.casework.projects import household_of
from expropriation.casework.records import project_records, quote_input
from expropriation.facts.quote import BatchQuoteOut
from expropriation.facts.types import area_str
from expropriation.models import Agreement, Household, Project
from expropriation.rules.params import Params
from expropriation.rules.quote import MethodOutcome, Quote, compare_methods, quote
from expropriation.rules.types import Method, QuoteInput, RuleError
from qz_common.identity import Caller
from qz_common.money import yuan_str


async def _household_input(
    session: AsyncSession, caller: Caller, household_id: int, method: Method | None
) -> tuple[Household, Project, QuoteInput, Params]:
    household, project = await household_of(session, caller, household_id)
    agreement = await session.scalar(select(Agreement).where(Agreement.household_id == household_id))
    _households, _agreements, villages, assignment = await project_records(session, project)
    inp = checked(
        lambda: quote_input(
            project,
            household,
            method=method,
            agreement=agreement,
            village_all_signed=villages.get(household.natural_village, False),
            assignment=assignment,
        )
    )
    return household, project, inp, load_params(project.district, project.valuation_date)


async def household_quote(
    session: AsyncSession, caller: Caller, household_id: int, method: Method | None
) -> tuple[Household, Project, Quote]:
    household, project, inp, params = await _household_input(session, caller, household_id, method)
    return household, project, checked(lambda: quote(inp, params))


async def household_comparison(session: AsyncSession, caller: Caller, household_id: int) -> tuple[MethodOutcome, ...]:
    _household, _project, inp, params = await _household_input(session, caller, household_id, None)
    return checked(lambda: compare_methods(inp, params))


def parameter_versions(project: Project) -> dict[str, str]:
    """The parameter versions ``batch`` quotes a project with (those in force on its 评估基准日), for its sheet."""
    return load_params(project.district, project.valuation_date).versions


async def batch(
    session: AsyncSession,
    project: Project,
    method: Method | None,
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> BatchQuoteOut:
    households, agreements, villages, assignment = await project_records(session, project)
    params = load_params(project.district, project.valuation_date)
    # Each household (its opened facts) is let go of once its line is made, so that a large project's records and
    # its lines are not all held at once (the session's identity map holds them weakly): issue 32.
    pending = deque(households)
    del households
    rows: list[dict[str, Any]] = []
    quoted = refused = 0
    grand = Decimal("0")
    while pending:
        h = pending.popleft()
        row: dict[str, Any] = {
            "household_id": h.id,
            "ref": h.ref,
            "head_name": h.head_name,
            "natural_village": h.natural_village,
        }
        try:
            inp = quote_input(
                project,
                h,
                method=method,
                agreement=agreements.get(h.id),
                village_all_signed=villages.get(h.natural_village, False),
                assignment=assignment,
            )
            q = quote(inp, params)
        except RuleError as e:
            refused += 1
            problem = rule_problem(e)
            row |= {
                "method": (method or h.method),
                "status": "refused",
                "refusal": {"field": problem.field, "code": problem.code, "detail": problem.detail},
            }
        else:
            quoted += 1
            grand += q.total
            row |= {
                "method": q.method.value,
                "status": "quoted",
                "resettlement_persons": q.resettlement_persons,
                "resettlement_area_m2": area_str(q.resettlement_area_m2),
                "legal_residential_area_m2": area_str(q.legal_residential_area_m2),
                "items": {i.code: yuan_str(i.amount) for i in q.items},
                "bases": {i.code: i.basis for i in q.items},
                "total": yuan_str(q.total),
            }
        rows.append(row)
        if progress is not None:
            await progress(len(rows))
    return BatchQuoteOut(
        project_id=project.id, village_completion=villages, quoted=quoted, refused=refused, total=grand, households=rows
    )
