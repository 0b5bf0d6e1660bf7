"""Projects (one 征收土地预公告, 二), their household roster and the households' declarations (二(二), 二(三))."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.common import audit, load_params, rules_as_problems
from expropriation.facts.household import BuildingIn, HouseholdIn, MemberIn
from expropriation.facts.quote import ImportOut
from expropriation.models import Agreement, BuildingOwner, Declaration, Household, HouseholdMember, Project
from expropriation.rules.declarations import has_valid_proof
from expropriation.rules.scope import check_scope
from expropriation.rules.types import RuleError, basis
from qz_common.db import get_in_district, get_or_404, no_such_record
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district

Progress = Callable[[int], Awaitable[None]]


async def create_project(session: AsyncSession, caller: Caller, terms: dict[str, Any]) -> Project:
    """一(一) and 五(二) decide whether the 办法 applies; 三(四)8 caps the 签约腾空 reward rate the project sets."""
    ensure_district(caller, terms["district"])
    params = load_params(terms["district"], terms["valuation_date"])
    rate = terms.get("early_vacate_rate_per_m2")
    with rules_as_problems():
        check_scope(params.city, terms["district"], terms["pre_announcement_date"], terms.get("announcement_date"))
        if rate is not None and rate > params.city.early_vacate_rate_cap_per_m2:
            raise RuleError("early_vacate_rate_per_m2", "提前腾空奖励标准不高于400元/平方米", basis("三(四)8"))
    record = Project(**terms)
    return await audit.add(session, caller, "create", record)


async def project_of(session: AsyncSession, caller: Caller, project_id: int, *, lock: bool = False) -> Project:
    """The project the path names, if the caller may see it (404 for another district's, as for an unused id)."""
    return await get_in_district(session, caller, Project, project_id, "征收项目", field="project_id", lock=lock)


async def household_of(
    session: AsyncSession, caller: Caller, household_id: int, *, lock: bool = False
) -> tuple[Household, Project]:
    """The household the path names, if the caller may see it, and its project: a caseworker sees its district's, a
    浙里办 person only a household they are a member of (被征收人, 二(二)); any other answers as an unused id."""
    household = await get_in_district(
        session, caller, Household, household_id, "被征收户", field="household_id", lock=lock
    )
    if caller.citizen_id is not None and household.id not in await households_of_person(session, caller.citizen_id):
        raise no_such_record("被征收户", "household_id")
    project = await get_or_404(session, Project, household.project_id, "征收项目", field=None)
    return household, project


async def households_of_person(session: AsyncSession, id_number: str) -> set[int]:
    """The households that count the person among their members (found by the blind index of the 身份证号)."""
    found = await session.scalars(
        select(HouseholdMember.household_id).where(HouseholdMember.id_number_lookup == id_number)
    )
    return set(found)


def _index_people(
    session: AsyncSession, household: Household, members: Sequence[MemberIn], buildings: Sequence[BuildingIn]
) -> None:
    for m in members:
        session.add(HouseholdMember(household_id=household.id, id_number=m.id_number, name=m.name))
    for uscc in sorted({b.owner_uscc for b in buildings if b.owner_uscc}):
        session.add(BuildingOwner(household_id=household.id, uscc=uscc))


def _new_household(project: Project, body: HouseholdIn) -> Household:
    facts = body.model_dump(
        mode="json", exclude={"ref", "head_name", "natural_village", "method", "appraised_price_per_m2"}
    )
    return Household(
        project_id=project.id,
        ref=body.ref,
        head_name=body.head_name,
        district=project.district,
        natural_village=body.natural_village or project.village,
        method=body.method.value,
        appraised_price_per_m2=body.appraised_price_per_m2,
        facts=facts,
    )


async def _ref_free(session: AsyncSession, project_id: int, ref: str) -> bool:
    return (
        await session.scalar(select(Household.id).where(Household.project_id == project_id, Household.ref == ref))
        is None
    )


async def add_household(session: AsyncSession, caller: Caller, project_id: int, body: HouseholdIn) -> Household:
    project = await project_of(session, caller, project_id)
    if not await _ref_free(session, project_id, body.ref):
        raise ProblemError(409, "household_ref_taken", f"户号 {body.ref} 已在本项目登记", field="ref")
    record = _new_household(project, body)
    session.add(record)
    await session.flush()
    _index_people(session, record, body.members, body.buildings)
    audit.record(session, caller, "create", record)
    return record


async def declare(
    session: AsyncSession,
    caller: Caller,
    household_id: int,
    declaration: dict[str, Any],
    members: Sequence[MemberIn],
    buildings: Sequence[BuildingIn],
) -> Declaration:
    """二(二) 申报 after the 征收土地预公告, with one of the proofs of 二(三) (A-30); it replaces the household's
    members and buildings, and none may be made once an agreement is signed."""
    if not has_valid_proof(set(declaration["proofs"])):
        raise ProblemError(422, "proof_missing", "须提供房屋证件或有效凭证之一", field="proofs", basis=basis("二(三)"))
    household, project = await household_of(session, caller, household_id)
    if declaration["declared_on"] < project.pre_announcement_date:
        raise ProblemError(
            422, "declared_before_announcement", "申报日早于征收土地预公告", field="declared_on", basis=basis("二(二)")
        )
    if await session.scalar(select(Agreement.id).where(Agreement.household_id == household_id)) is not None:
        raise ProblemError(409, "agreement_signed", "已签订协议，不能再变更申报")
    payload = {
        "members": [m.model_dump(mode="json") for m in members],
        "buildings": [b.model_dump(mode="json") for b in buildings],
    }
    async with audit.change(session, caller, "declare", household):
        household.facts = {**household.facts, **payload}
        await session.execute(delete(HouseholdMember).where(HouseholdMember.household_id == household_id))
        await session.execute(delete(BuildingOwner).where(BuildingOwner.household_id == household_id))
        _index_people(session, household, members, buildings)
    record = Declaration(household_id=household_id, payload=payload, basis=basis("二(二)"), **declaration)
    return await audit.add(session, caller, "create", record)


async def store_roster(
    session: AsyncSession,
    caller: Caller,
    project: Project,
    households: Sequence[HouseholdIn],
    errors: list[dict[str, str]],
    progress: Progress | None = None,
) -> ImportOut:
    """Inside the caller's transaction: every household of the roster, or (422 naming every error) none.

    The households are read once, in order, each written as it comes: a roster may be held as its cells and each
    household validated as it is read (exchange.roster.Roster), so no more than one is held at a time. A roster found
    wrong part-way leaves what was written to the transaction, which the refusal rolls back."""
    taken = set(await session.scalars(select(Household.ref).where(Household.project_id == project.id)))
    refs: list[str] = []
    for h in households:
        if h.ref in taken:
            errors.append(
                {"field": f"household {h.ref}.household_ref", "code": "duplicate", "detail": "户号已在本项目登记"}
            )
        if errors:
            continue  # the roster is refused: the rest is only read for its errors
        record = _new_household(project, h)
        session.add(record)
        await session.flush()
        _index_people(session, record, h.members, h.buildings)
        audit.record(session, caller, "import", record)
        refs.append(h.ref)
        if progress is not None:
            await progress(len(refs))
    if errors:
        raise ProblemError(
            422,
            "roster_invalid",
            f"花名册有 {len(errors)} 处错误，未导入任何记录",
            field=errors[0]["field"],
            errors=errors,
        )
    return ImportOut(created=len(refs), households=refs)
