"""From stored cases to rule inputs: the project's own records decide what a stateless quote takes as input
(village completion 三(四)8, one-household-per-person 三(一)3, on-time hand-over); an agreement re-quotes with the
parameter versions it was signed with."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.common import checked, load_params, load_params_version
from expropriation.facts.household import HouseholdFacts
from expropriation.facts.quote import QuoteRequest
from expropriation.models import Agreement, Household, HouseholdMember, Project
from expropriation.rules.persons import assign_parents_across_households, keeping_order
from expropriation.rules.quote import Quote, quote
from expropriation.rules.types import Member, Method, QuoteInput
from qz_common.audit import jsonable
from qz_common.db import get_in_district
from qz_common.identity import Caller
from qz_common.inputs import read_back


def facts_of(household: Household) -> HouseholdFacts:
    return read_back(HouseholdFacts, household.facts)


@dataclass(frozen=True)
class Signing:
    """What a quote takes from a household's agreement: the method signed, the day and the hand-over."""

    method: str
    signed_on: dt.date
    handed_over_on: dt.date | None


async def _signings(session: AsyncSession, of: ColumnElement[bool]) -> dict[int, Signing]:
    """household id → the ``Signing`` of its agreement, for the agreements ``of`` selects, read without their sealed
    quote and facts."""
    signed = select(Agreement.household_id, Agreement.method, Agreement.signed_on, Agreement.handed_over_on).where(of)
    return {
        household_id: Signing(method, signed_on, handed_over_on)
        for household_id, method, signed_on, handed_over_on in (await session.execute(signed)).all()
    }


def handed_over_in_time(project: Project, agreement: Agreement | Signing | None) -> bool | None:
    """Whether the house was handed over by the project's deadline; None while it has not been handed over."""
    if agreement is None or agreement.handed_over_on is None:
        return None
    return project.handover_deadline is None or agreement.handed_over_on <= project.handover_deadline


def village_completion(
    project: Project, villagers: Iterable[tuple[str, Agreement | Signing | None]]
) -> dict[str, bool]:
    """三(四)8 "征收范围内（以自然村为单位）涉及的所有被征收人全部在规定时间内签订协议并交付拆除": per natural village,
    from the project's own agreements (signed by the deadline and handed over in time); ``villagers`` gives each
    household's natural village and agreement."""
    status: dict[str, bool] = {}
    for village, a in villagers:
        ok = a is not None and a.signed_on <= project.signing_deadline and handed_over_in_time(project, a) is True
        status[village] = status.get(village, True) and ok
    return status


def counted_elsewhere(roster: Iterable[tuple[int, Sequence[str]]], kept_by: str) -> dict[str, int]:
    """三(一)3 over a project: 身份证号 → the one household in which the person counts, given each household's id and
    every 身份证号 it lists; which household keeps a person listed in several is the reading ``kept_by`` (A-22).

    Only a person listed in more than one household can be counted elsewhere, so only they are handed to the rule:
    a project of thousands of households has a few such parents, and a ``Member`` for each of its other persons
    was 7% of a batch quote."""
    roster = keeping_order(roster, kept_by)
    listed_in: dict[str, set[int]] = {}
    for hid, ids in roster:
        for i in ids:
            listed_in.setdefault(i, set()).add(hid)
    shared = {i for i, households in listed_in.items() if len(households) > 1}
    households = [
        (str(hid), [Member(name="", id_number=i, collective_member=True) for i in ids if i in shared])
        for hid, ids in roster
    ]
    return {k: int(v) for k, v in assign_parents_across_households(households).items()}


# A household's stored facts were validated as ``HouseholdFacts`` when they were written (casework/projects.py: the
# roster, a household added, a declaration) and only then sealed. For the rules they are typed straight into the rules'
# ``QuoteInput`` by pydantic's core (dates, decimals, enums, the nested members, buildings and appraised items; what
# the rules do not take, such as a building's certificate area, left out) rather than validated again as a request
# body and then copied into the rules' types: the 身份证号 check digits, the text scan and the cross-field checks of
# a request, run again on every read, cost a batched household more than a third of its rules (docs/PERFORMANCE.md).
_RULE_INPUT = TypeAdapter(QuoteInput)


def quote_input(
    project: Project,
    household: Household,
    *,
    method: Method | None = None,
    agreement: Agreement | Signing | None = None,
    village_all_signed: bool = False,
    assignment: dict[str, int] | None = None,
    facts: HouseholdFacts | None = None,
) -> QuoteInput:
    stored = household.facts if facts is None else facts.model_dump()
    in_time = handed_over_in_time(project, agreement)
    # the household's own appraisal, even an explicit 0, wins; only a missing one falls back to the project's
    appraised: Decimal | None = (
        household.appraised_price_per_m2
        if household.appraised_price_per_m2 is not None
        else project.appraised_price_per_m2
    )
    inp = _RULE_INPUT.validate_python(
        {
            **stored,
            "district": project.district,
            "pre_announcement_date": project.pre_announcement_date,
            "announcement_date": project.announcement_date,
            "signing_deadline": project.signing_deadline,
            "valuation_date": project.valuation_date,
            "method": method or (Method(agreement.method) if agreement else Method(household.method)),
            "agreement_signed_on": agreement.signed_on if agreement else stored["agreement_signed_on"],
            "vacated_on_time": stored["vacated_on_time"] if in_time is None else in_time,
            "village_all_signed": village_all_signed,
            "appraised_price_per_m2": appraised,
            "market_price_per_m2": project.market_price_per_m2,
            "early_vacate_rate_per_m2": project.early_vacate_rate_per_m2,
            "outside_urban_plan_area": project.outside_urban_plan_area,
        }
    )

    counts_in = assignment or {}

    def elsewhere(m: Member) -> bool:  # 三(一)3: the project counts this member in another household
        return not m.counted_in_other_household and counts_in.get(m.id_number, household.id) != household.id

    if any(elsewhere(m) for m in inp.members):
        counted = tuple(
            dataclasses.replace(m, counted_in_other_household=True) if elsewhere(m) else m for m in inp.members
        )
        inp = dataclasses.replace(inp, members=counted)
    return inp


def project_assignment(households: Sequence[Household], kept_by: str) -> dict[str, int]:
    """三(一)3 over the project's households, from the members of their stored facts: the same persons as the
    ``household_members`` index (both are written together, in the same order), without reading and opening every
    member's sealed 身份证号 a second time."""
    return counted_elsewhere(((h.id, [m["id_number"] for m in h.facts["members"]]) for h in households), kept_by)


async def project_records(
    session: AsyncSession, project: Project
) -> tuple[list[Household], dict[int, Agreement], dict[str, bool], dict[str, int]]:
    households = list(
        (
            await session.scalars(select(Household).where(Household.project_id == project.id).order_by(Household.id))
        ).all()
    )
    agreements = {
        a.household_id: a
        for a in (await session.scalars(select(Agreement).where(Agreement.project_id == project.id))).all()
    }
    return (
        households,
        agreements,
        village_completion(project, ((h.natural_village, agreements.get(h.id)) for h in households)),
        project_assignment(households, load_params(project.district, project.valuation_date).city.parent_kept_by),
    )


@dataclass(frozen=True)
class ProjectStanding:
    """What a household's quote takes from the rest of its project: per natural village whether every household
    signed and handed over in time (三(四)8), and the household each person listed in several counts in (三(一)3)."""

    villages: dict[str, bool]
    assignment: dict[str, int]


async def project_standing(session: AsyncSession, project: Project, kept_by: str) -> ProjectStanding:
    """The project's standing read from a few columns of its households, agreements and members, without opening a
    household's facts: a project of 10,000 households is not held in memory to quote one, or to quote all in turn
    (``households_in_turn``; issue 32). ``kept_by``: the reading of 三(一)3 the quotes are made with (A-22)."""
    signings = await _signings(session, Agreement.project_id == project.id)
    villagers = await session.execute(
        select(Household.id, Household.natural_village).where(Household.project_id == project.id)
    )
    villages = village_completion(project, ((village, signings.get(hid)) for hid, village in villagers.all()))
    return ProjectStanding(villages, await _shared_persons_assignment(session, project, kept_by))


async def _shared_persons_assignment(session: AsyncSession, project: Project, kept_by: str) -> dict[str, int]:
    """三(一)3 over the project, as ``project_assignment``: only a person listed in more than one household can be
    counted elsewhere, so the persons are told apart by their 身份证号's blind index, and only the 身份证号 of the few
    households that share one are opened (all of theirs: the reading may weigh how many persons each lists)."""
    of_project = HouseholdMember.household_id.in_(select(Household.id).where(Household.project_id == project.id))
    listed_in: dict[str, set[int]] = {}
    for household_id, lookup in await session.execute(
        select(HouseholdMember.household_id, HouseholdMember.id_number_lookup).where(of_project)
    ):
        listed_in.setdefault(lookup, set()).add(household_id)
    sharing = {household_id for households in listed_in.values() if len(households) > 1 for household_id in households}
    if not sharing:
        return {}
    members = await session.execute(
        select(HouseholdMember.household_id, HouseholdMember.id_number)
        .where(HouseholdMember.household_id.in_(sharing))
        .order_by(HouseholdMember.household_id, HouseholdMember.id)  # each household's persons in its facts' order
    )
    roster: dict[int, list[str]] = {}
    for household_id, id_number in members:
        roster.setdefault(household_id, []).append(id_number)
    return counted_elsewhere(roster.items(), kept_by)


# Households read a chunk at a time: the chunk's rows are let go of before the next is read.
_CHUNK = 500


async def households_in_turn(
    session: AsyncSession, project: Project
) -> AsyncIterator[tuple[Household, Signing | None]]:
    """The project's households in the order of their ids, each with its agreement's ``Signing``, read a chunk at a
    time, so that however large the project only a chunk is held (issue 32). Read in a session begun with
    ``qz_common.db.begin_snapshot``, the chunks and ``project_standing`` see the project as it stood at one moment."""
    after = 0
    while True:
        chunk = (
            await session.scalars(
                select(Household)
                .where(Household.project_id == project.id, Household.id > after)
                .order_by(Household.id)
                .limit(_CHUNK)
            )
        ).all()
        if not chunk:
            return
        signed = await _signings(session, Agreement.household_id.in_([h.id for h in chunk]))
        after = chunk[-1].id
        for household in chunk:
            yield household, signed.get(household.id)


async def agreement_of(
    session: AsyncSession, caller: Caller, agreement_id: int, *, lock: bool = False, referenced: bool = False
) -> Agreement:
    """The agreement the path (or, ``referenced``, a body field) names, if the caller may see it: another district's
    answers as an unused id, 404 (422 reference_not_found for a body field)."""
    return await get_in_district(
        session, caller, Agreement, agreement_id, "协议", field="agreement_id", lock=lock, referenced=referenced
    )


def request_of(inp: QuoteInput) -> dict[str, Any]:
    """The QuoteInput as a quote-request document (stored on the agreement; re-validated on re-quote)."""
    return dict(jsonable(dataclasses.asdict(inp)))


def quote_on(agreement: Agreement, facts: dict[str, Any]) -> Quote:
    """The agreement's quote on ``facts`` (a quote-request document), with the parameter versions it was signed with."""
    inp = QuoteRequest.model_validate(facts).to_rules()
    params = load_params_version(
        agreement.district, agreement.city_parameter_version, agreement.district_parameter_version
    )
    return checked(lambda: quote(inp, params))
