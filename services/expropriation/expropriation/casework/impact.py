"""Impact over a project (issue 31): every household in scope quoted twice from its stored facts, with the
parameters in force on the project's 评估时点 (as decided: what the household quote and the batch answer) and with
the scenario's figures and readings; compared and summed by qz_common.impact. Nothing is written but, for a job,
the job's result.

"As decided" is the published parameters of the 评估时点, the same for a signed household as for one not signed:
an agreement stores the versions it was signed with, and they are those of its 评估时点 (a later version of a book
would change no signed figure, 五(二)), so the two agree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.books import sets_on
from expropriation.casework.common import load_params, rule_problem
from expropriation.casework.records import project_assignment, project_records, quote_input
from expropriation.exchange.settlement import ITEM_LABELS
from expropriation.models import Household, Job, Project
from expropriation.rules.params import Params
from expropriation.rules.quote import quote
from expropriation.rules.types import QuoteInput, RuleError
from qz_common.errors import ProblemError
from qz_common.impact import ImpactOut, Outcome, RecordImpact, readings_used, summarise

QUOTED = "quoted"


@dataclass(frozen=True)
class ImpactScope:
    """What an impact recomputes: the scenario, the households (None: all the project's) and the summary's size.
    A job keeps it as its arguments, to run again after a lost process."""

    overrides: dict[str, str]
    household_ids: list[int] | None
    largest: int
    bins: int


def scenario_params(project: Project, overrides: Mapping[str, str]) -> Params:
    """The scenario's parameters, or its 422, before any job is made for it."""
    return load_params(project.district, project.valuation_date, overrides)


async def scope_size(session: AsyncSession, project: Project, wanted: Sequence[int] | None) -> int:
    """How many households the impact recomputes: the project's, or those ``wanted`` lists (422 naming the first the
    project does not hold), before any job is made for them."""
    held = set(await session.scalars(select(Household.id).where(Household.project_id == project.id)))
    if wanted is None:
        return len(held)
    for index, household_id in enumerate(wanted):
        if household_id not in held:
            raise ProblemError(
                422, "reference_not_found", f"户 {household_id} 不在本项目中", field=f"household_ids[{index}]"
            )
    return len(set(wanted))


def _in_scope(households: Sequence[Household], wanted: Sequence[int] | None) -> list[Household]:
    if wanted is None:
        return list(households)
    listed = set(wanted)
    return [h for h in households if h.id in listed]


def _outcome(inp: QuoteInput, params: Params) -> Outcome:
    try:
        q = quote(inp, params)
    except RuleError as refused:
        return Outcome(rule_problem(refused).code, {}, {})
    amounts: dict[str, Decimal] = {}
    bases: dict[str, str] = {}
    for item in q.items:
        amounts[item.code] = amounts.get(item.code, Decimal("0")) + item.amount
        bases[item.code] = item.basis
    return Outcome(QUOTED, amounts, bases)


async def project_impact(
    session: AsyncSession,
    project: Project,
    scope: ImpactScope,
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> ImpactOut:
    households, agreements, villages, as_decided_assignment = await project_records(session, project)
    in_scope = _in_scope(households, scope.household_ids)
    as_decided = load_params(project.district, project.valuation_date)
    scenario = scenario_params(project, scope.overrides)
    # 三(一)3 across the project, as each side reads it: where a person listed in several households counts.
    # project_records assigned them as the published books of the 评估时点 read it; a scenario reading otherwise
    # assigns them again.
    sides = (as_decided.city.parent_kept_by, scenario.city.parent_kept_by)
    assigned = {sides[0]: as_decided_assignment}
    if sides[1] not in assigned:
        assigned[sides[1]] = project_assignment(households, sides[1])
    records = []
    for done, household in enumerate(in_scope, start=1):
        try:
            inputs = {
                reading: quote_input(
                    project,
                    household,
                    agreement=agreements.get(household.id),
                    village_all_signed=villages.get(household.natural_village, False),
                    assignment=assignment,
                )
                for reading, assignment in assigned.items()
            }
        except RuleError as refused:  # stored facts the rules cannot run on: refused alike on both sides
            before = after = Outcome(rule_problem(refused).code, {}, {})
        else:
            before = _outcome(inputs[sides[0]], as_decided)
            after = _outcome(inputs[sides[1]], scenario)
        records.append(RecordImpact(str(household.id), household.ref, before, after))
        if progress is not None:
            await progress(done)
    before_sets = sets_on(project.district, project.valuation_date)
    after_sets = sets_on(project.district, project.valuation_date, scope.overrides)
    return ImpactOut.of(
        summarise(records, largest=scope.largest, bins=scope.bins),
        scope=f"征收项目 {project.id}（{project.name}）{len(in_scope)} 户",
        labels=ITEM_LABELS,
        scenario=scope.overrides,
        parameter_versions={"before": _versions(as_decided), "after": _versions(scenario)},
        readings=readings_used(before_sets, after_sets),
    )


def _versions(params: Params) -> str:
    return ", ".join(f"{book}={version}" for book, version in params.versions.items())


def result_of(job: Job) -> ImpactOut:
    """The result of an impact job; 404 for a job of another kind, 409 while it runs or when it failed."""
    if job.kind != "impact":
        raise ProblemError(404, "not_found", f"任务 {job.id} 不是影响测算任务", field="job_id")
    if job.status != "done" or job.result is None:
        raise ProblemError(
            409,
            "job_not_done",
            f"影响测算任务 {job.id} 尚未完成（{job.status}）：请稍后再取，或查看 /v1/jobs/{job.id} 的错误",
            headers={"Location": f"/v1/jobs/{job.id}"},
            field="job_id",
        )
    return ImpactOut.model_validate(job.result)
