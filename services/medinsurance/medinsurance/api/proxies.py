"""代配药 authorisations (附件2 二(四)): principal and agent by 身份证号."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.api.common import audit, idempotent, in_force, institution_for
from medinsurance.api.schemas import PathId, ProxyIn, ProxyOut, RevokeIn
from medinsurance.models import PersonLock, ProxyAuthorisation
from medinsurance.rules.conduct import LONG_TERM, ProxyRequest, check_proxy, proxy_year_bounds
from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, ensure_district, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["proxy-authorisations"])

_PROXY_AUTHORISATIONS = PagedSelect(
    select(ProxyAuthorisation).order_by(ProxyAuthorisation.id),
    id_number=lambda stmt, value: stmt.where(
        or_(ProxyAuthorisation.principal_id_number == value, ProxyAuthorisation.agent_id_number == value)
    ),
    district=ProxyAuthorisation.district,
)


async def lock_people(session: AsyncSession, *id_numbers: str) -> None:
    """Serialise authorisations touching these people (sorted order: no deadlocks)."""
    bind = session.bind
    insert = postgresql.insert if bind is not None and bind.dialect.name == "postgresql" else sqlite.insert
    for number in sorted(set(id_numbers)):
        await session.execute(insert(PersonLock).values(id_number=number).on_conflict_do_nothing())
    await session.execute(select(PersonLock).where(PersonLock.id_number.in_(sorted(set(id_numbers)))).with_for_update())


def _active_on(day: dt.date) -> ColumnElement[bool]:
    return (ProxyAuthorisation.status == "active") & (
        ProxyAuthorisation.expires_on.is_(None) | (ProxyAuthorisation.expires_on >= day)
    )


@router.post("/proxy-authorisations", status_code=201, summary="代配药委托登记", response_model=ProxyOut)
async def create_proxy(
    body: ProxyIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    p = in_force("conduct", body.starts_on).params

    async def create() -> ProxyOut:
        district = caller.district
        if body.institution_id is not None:
            district = (await institution_for(session, caller, body.institution_id)).district
        await lock_people(session, body.principal_id_number, body.agent_id_number)
        replaced = None
        if body.replaces_id is not None:
            replaced = await session.get(ProxyAuthorisation, body.replaces_id, with_for_update=True)
            if replaced is None or replaced.principal_id_number != body.principal_id_number:
                raise ProblemError(404, "not_found", "被替换的委托不存在", field="replaces_id")
            if replaced.status != "active":
                raise ProblemError(409, "proxy_not_active", "被替换的委托已失效", field="replaces_id")
        active = _active_on(body.starts_on)
        principal_agents = await session.scalar(
            select(func.count()).where(
                ProxyAuthorisation.principal_id_number == body.principal_id_number,
                active,
                ProxyAuthorisation.id != (body.replaces_id or 0),
            )
        )
        agent_principals = await session.scalar(
            select(func.count()).where(
                ProxyAuthorisation.agent_id_number == body.agent_id_number,
                active,
                ProxyAuthorisation.id != (body.replaces_id or 0),
            )
        )
        first, last = proxy_year_bounds(body.starts_on)
        changes = await session.scalar(
            select(func.count()).where(
                ProxyAuthorisation.principal_id_number == body.principal_id_number,
                ProxyAuthorisation.replaces_id.is_not(None),
                ProxyAuthorisation.starts_on >= first,
                ProxyAuthorisation.starts_on <= last,
                ProxyAuthorisation.ground.in_([g.value for g in LONG_TERM]),
            )
        )
        decision = check_proxy(
            ProxyRequest(
                principal_id=body.principal_id_number,
                agent_id=body.agent_id_number,
                ground=body.ground,
                relationship=body.relationship,
                agent_full_capacity=body.agent_full_capacity,
                stable_chronic_special_or_mental=body.stable_chronic_special_or_mental,
                carer_special_circumstance=body.carer_special_circumstance,
            ),
            body.starts_on,
            p,
            principal_active_agents=principal_agents or 0,
            agent_active_principals=agent_principals or 0,
            principal_changes_this_year=changes or 0,
            is_change=body.replaces_id is not None,
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
            before = snapshot(replaced)
            replaced.status = "replaced"
            replaced.revoked_on = body.starts_on
            await session.flush()
            audit.record(session, caller, "replace", replaced, before=before)
        row = ProxyAuthorisation(
            institution_id=body.institution_id,
            district=district,
            principal_id_number=body.principal_id_number,
            agent_id_number=body.agent_id_number,
            ground=body.ground.value,
            relationship=body.relationship.value,
            starts_on=body.starts_on,
            expires_on=decision.expires_on,
            status="active",
            replaces_id=body.replaces_id,
            drug_scope=decision.drug_scope,
            basis=decision.basis,
        )
        session.add(row)
        await session.flush()
        audit.record(session, caller, "authorise", row)
        return ProxyOut.model_validate(row)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.post("/proxy-authorisations/{proxy_id}/revoke", summary="撤销代配药委托")
async def revoke_proxy(proxy_id: PathId, body: RevokeIn, caller: Writer, session: Session) -> ProxyOut:
    async with session.begin():
        row = await session.get(ProxyAuthorisation, proxy_id, with_for_update=True)
        if row is None:
            raise ProblemError(404, "not_found", "代配药委托不存在", field="proxy_id")
        ensure_district(caller, row.district)
        if row.status != "active":
            raise ProblemError(409, "proxy_not_active", "该委托已失效")
        before = snapshot(row)
        row.status = "revoked"
        row.revoked_on = body.on
        await session.flush()
        audit.record(session, caller, "revoke", row, before=before)
        return ProxyOut.model_validate(row)


@router.get("/proxy-authorisations", summary="代配药委托列表")
async def list_proxies(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    id_number: Annotated[IdNumber | None, Query(description="委托人或代理人身份证号")] = None,
) -> Page[ProxyOut]:
    return await _PROXY_AUTHORISATIONS.fetch(
        engine, paging, ProxyOut.model_validate, id_number=id_number, district=scoped_district(caller, None)
    )
