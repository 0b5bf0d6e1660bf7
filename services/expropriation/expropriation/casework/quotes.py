"""Quotes from the records: a household's as its project's records stand (三(四)8 village completion, 三(一)3, the
hand-over), and a whole project in one pass, a chunk of households at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.common import checked, load_params, rule_problem
from expropriation.casework.projects import household_of
from expropriation.casework.records import (
    ProjectStanding,
    Signing,
    households_in_turn,
    project_standing,
    quote_input,
)
from expropriation.facts.quote import BatchQuoteOut
from expropriation.facts.types import area_str
from expropriation.models import Agreement, Household, Project
from expropriation.rules.params import Params
from expropriation.rules.quote import MethodOutcome, Quote, compare_methods, quote
from expropriation.rules.types import Method, QuoteInput, RuleError
from qz_common.db import begin_snapshot, get_or_404
from qz_common.identity import Caller
from qz_common.money import yuan_str


async def _household_input(
    session: AsyncSession, caller: Caller, household_id: int, method: Method | None
) -> tuple[Household, Project, QuoteInput, Params]:
    household, project = await household_of(session, caller, household_id)
    agreement = await session.scalar(select(Agreement).where(Agreement.household_id == household_id))
    params = load_params(project.district, project.valuation_date)
    standing = await project_standing(session, project, params.city.parent_kept_by)
    inp = checked(
        lambda: quote_input(
            project,
            household,
            method=method,
            agreement=agreement,
            village_all_signed=standing.villages.get(household.natural_village, False),
            assignment=standing.assignment,
        )
    )
    return household, project, inp, params


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


@dataclass
class BatchTally:
    """What a batch adds up as its lines pass: complete once they all have."""

    quoted: int = 0
    refused: int = 0
    total: Decimal = Decimal("0")


@dataclass(frozen=True)
class Batch:
    """A project's batch quote as it is made: its village completion known from the start, its households' lines one
    at a time (``lines``, read once), its counts and total in ``tally`` once every line has passed."""

    project: Project
    village_completion: dict[str, bool]
    lines: AsyncIterator[dict[str, Any]]
    tally: BatchTally


async def open_batch(
    session: AsyncSession,
    project_id: int,
    method: Method | None,
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> Batch:
    """The batch of a project the caller may see (checked before: ``session`` starts no transaction here, it begins a
    snapshot, so that every chunk of households agrees with the standing read first). Only a chunk of households is
    held at a time, and each line is let go of once it has been passed on (issue 32)."""
    await begin_snapshot(session)
    project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
    params = load_params(project.district, project.valuation_date)
    standing = await project_standing(session, project, params.city.parent_kept_by)
    tally = BatchTally()

    async def lines() -> AsyncIterator[dict[str, Any]]:
        done = 0
        async for household, signing in households_in_turn(session, project):
            yield _line(project, household, signing, standing, params, method, tally)
            done += 1
            if progress is not None:
                await progress(done)

    return Batch(project, standing.villages, lines(), tally)


def _line(
    project: Project,
    h: Household,
    signing: Signing | None,
    standing: ProjectStanding,
    params: Params,
    method: Method | None,
    tally: BatchTally,
) -> dict[str, Any]:
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
            agreement=signing,
            village_all_signed=standing.villages.get(h.natural_village, False),
            assignment=standing.assignment,
        )
        q = quote(inp, params)
    except RuleError as e:
        tally.refused += 1
        problem = rule_problem(e)
        return row | {
            "method": (method or h.method),
            "status": "refused",
            "refusal": {"field": problem.field, "code": problem.code, "detail": problem.detail},
        }
    tally.quoted += 1
    tally.total += q.total
    return row | {
        "method": q.method.value,
        "status": "quoted",
        "resettlement_persons": q.resettlement_persons,
        "resettlement_area_m2": area_str(q.resettlement_area_m2),
        "legal_residential_area_m2": area_str(q.legal_residential_area_m2),
        "items": {i.code: yuan_str(i.amount) for i in q.items},
        "bases": {i.code: i.basis for i in q.items},
        "total": yuan_str(q.total),
    }


def summary_of(batch: Batch) -> BatchQuoteOut:
    """The batch's answer without its households, which are sent or stored as they are made, once its lines have all
    passed."""
    tally = batch.tally
    return BatchQuoteOut(
        project_id=batch.project.id,
        village_completion=batch.village_completion,
        quoted=tally.quoted,
        refused=tally.refused,
        total=tally.total,
        households=[],
    )
