"""代配药 authorisations (附件2 二(四)): principal and agent by 身份证号, their counts serialised per person."""

import datetime as dt

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.common import audit, institution_for
from medinsurance.models import PersonLock, ProxyAuthorisation
from medinsurance.parameters import in_force
from medinsurance.rules.conduct import LONG_TERM, ProxyRequest, check_proxy, proxy_year_bounds
from qz_common.db import get_in_district, get_referenced, no_such_record
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.pii import ID_NUMBER, keyring_of


async def _lock_people(session: AsyncSession, *id_numbers: str) -> None:
    """Serialise authorisations touching these people (sorted order: no deadlocks), each by the blind index of their
    身份证号 (no 身份证号 is stored in clear)."""
    dialect = session.get_bind().dialect
    insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    people = sorted({keyring_of(dialect).lookup(ID_NUMBER, number) for number in id_numbers})
    for person in people:
        await session.execute(insert(PersonLock).values(id_number_lookup=person).on_conflict_do_nothing())
    await session.execute(select(PersonLock).where(PersonLock.id_number_lookup.in_(people)).with_for_update())


def _active_on(day: dt.date) -> ColumnElement[bool]:
    return (ProxyAuthorisation.status == "active") & (
        ProxyAuthorisation.expires_on.is_(None) | (ProxyAuthorisation.expires_on >= day)
    )


async def _replaced(
    session: AsyncSession, caller: Caller, principal_id: str, replaces_id: int | None
) -> ProxyAuthorisation | None:
    """The principal's active authorisation a change of agent replaces, locked: one of another principal, or of
    another district, is cited as if it did not exist."""
    if replaces_id is None:
        return None
    label, field = "被替换的委托", "replaces_id"
    replaced = await get_referenced(session, caller, ProxyAuthorisation, replaces_id, label, field=field, lock=True)
    if replaced.principal_id_number != principal_id:
        raise no_such_record(label, field, referenced=True)
    if replaced.status != "active":
        raise ProblemError(409, "proxy_not_active", "被替换的委托已失效", field="replaces_id")
    return replaced


async def _count(session: AsyncSession, *conditions: ColumnElement[bool]) -> int:
    return await session.scalar(select(func.count()).where(*conditions)) or 0


async def authorise(
    session: AsyncSession,
    caller: Caller,
    request: ProxyRequest,
    starts_on: dt.date,
    institution_id: int | None,
    replaces_id: int | None,
) -> ProxyAuthorisation:
    """附件2 二(四): 1–3 agents per principal, 3 principals per agent, one change of agent a 医保年度 (long-term); the
    authorisation belongs to the district of the institution registering it, else the caller's (reading A-66)."""
    district = caller.district
    if institution_id is not None:
        district = (await institution_for(session, caller, institution_id, referenced=True)).district
    await _lock_people(session, request.principal_id, request.agent_id)
    replaced = await _replaced(session, caller, request.principal_id, replaces_id)
    others = (_active_on(starts_on), ProxyAuthorisation.id != (replaces_id or 0))
    conduct = in_force("conduct", starts_on).params
    first, last = proxy_year_bounds(starts_on, conduct)
    decision = check_proxy(
        request,
        starts_on,
        conduct,
        principal_active_agents=await _count(
            session, ProxyAuthorisation.principal_id_number_lookup == request.principal_id, *others
        ),
        agent_active_principals=await _count(
            session, ProxyAuthorisation.agent_id_number_lookup == request.agent_id, *others
        ),
        principal_changes_this_year=await _count(
            session,
            ProxyAuthorisation.principal_id_number_lookup == request.principal_id,
            ProxyAuthorisation.replaces_id.is_not(None),
            ProxyAuthorisation.starts_on >= first,
            ProxyAuthorisation.starts_on <= last,
            ProxyAuthorisation.ground.in_([g.value for g in LONG_TERM]),
        ),
        is_change=replaces_id is not None,
    )
    if not decision.allowed:
        raise ProblemError(
            422,
            "proxy_not_allowed",
            "；".join(decision.problems),
            field="agent_id_number",
            errors=[{"field": "agent_id_number", "code": "proxy_rule", "detail": d} for d in decision.problems],
            basis=decision.basis,
        )
    if replaced is not None:
        async with audit.change(session, caller, "replace", replaced):
            replaced.status = "replaced"
            replaced.revoked_on = starts_on
    row = ProxyAuthorisation(
        institution_id=institution_id,
        district=district,
        principal_id_number=request.principal_id,
        agent_id_number=request.agent_id,
        ground=request.ground.value,
        relationship=request.relationship.value,
        starts_on=starts_on,
        expires_on=decision.expires_on,
        status="active",
        replaces_id=replaces_id,
        drug_scope=decision.drug_scope,
        basis=decision.basis,
    )
    return await audit.add(session, caller, "authorise", row)


async def revoke(session: AsyncSession, caller: Caller, proxy_id: int, on: dt.date) -> ProxyAuthorisation:
    """A caseworker revokes any authorisation of its district; a 浙里办 citizen only one they gave as principal (one
    of anyone else, the agent's own included, is answered as an unused id)."""
    label, field = "代配药委托", "proxy_id"
    row = await get_in_district(session, caller, ProxyAuthorisation, proxy_id, label, field=field, lock=True)
    if caller.is_citizen and row.principal_id_number != caller.citizen_id:
        raise no_such_record(label, field)
    if row.status != "active":
        raise ProblemError(409, "proxy_not_active", "该委托已失效")
    async with audit.change(session, caller, "revoke", row):
        row.status = "revoked"
        row.revoked_on = on
    return row
