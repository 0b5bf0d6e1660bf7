"""代配药 authorisations (附件2 二(四)): principal and agent by 身份证号; by a caseworker, or by the principal through
浙里办 (/v1/me, the same rules and casework: the principal is the signed-in person)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import or_, select

from medinsurance.api.common import commands
from medinsurance.api.schemas.common import PathId
from medinsurance.api.schemas.proxies import MyProxyIn, ProxyIn, ProxyOut, RevokeIn
from medinsurance.casework import proxies
from medinsurance.models import ProxyAuthorisation
from medinsurance.rules.conduct import ProxyRequest
from qz_common.app import Engine, Session
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Caller, Citizen, Reader, Writer, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["proxy-authorisations"])

_PROXY_AUTHORISATIONS = PagedSelect(
    select(ProxyAuthorisation).order_by(ProxyAuthorisation.id),
    id_number=lambda stmt, value: stmt.where(
        or_(ProxyAuthorisation.principal_id_number_lookup == value, ProxyAuthorisation.agent_id_number_lookup == value)
    ),
    district=ProxyAuthorisation.district,
)


async def _authorise(
    session: Session, caller: Caller, body: ProxyIn | MyProxyIn, principal_id: str, key: str | None
) -> object:
    request = ProxyRequest(
        principal_id=principal_id,
        agent_id=body.agent_id_number,
        ground=body.ground,
        relationship=body.relationship,
        agent_full_capacity=body.agent_full_capacity,
        stable_chronic_special_or_mental=body.stable_chronic_special_or_mental,
        carer_special_circumstance=body.carer_special_circumstance,
    )

    async def authorise() -> ProxyOut:
        row = await proxies.authorise(session, caller, request, body.starts_on, body.institution_id, body.replaces_id)
        return ProxyOut.model_validate(row)

    return await commands.run(session, caller, authorise, request=body, key=key, status_code=201)


async def _revoke(session: Session, caller: Caller, proxy_id: int, body: RevokeIn, key: str | None) -> object:
    async def revoke() -> ProxyOut:
        return ProxyOut.model_validate(await proxies.revoke(session, caller, proxy_id, body.on))

    return await commands.run(session, caller, revoke, request=(proxy_id, body), key=key)


@router.post("/proxy-authorisations", status_code=201, summary="代配药委托登记", response_model=ProxyOut)
async def create_proxy(
    body: ProxyIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    return await _authorise(session, caller, body, body.principal_id_number, idempotency_key)


@router.post("/proxy-authorisations/{proxy_id}/revoke", summary="撤销代配药委托", response_model=ProxyOut)
async def revoke_proxy(
    proxy_id: PathId, body: RevokeIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    return await _revoke(session, caller, proxy_id, body, idempotency_key)


@router.post(
    "/me/proxy-authorisations",
    status_code=201,
    summary="参保人本人委托代理人代配药（浙里办，附件2 二(四)）",
    response_model=ProxyOut,
)
async def create_my_proxy(
    body: MyProxyIn, citizen: Citizen, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    assert citizen.citizen_id is not None  # the principal is the signed-in person, never one the body names
    return await _authorise(session, citizen, body, citizen.citizen_id, idempotency_key)


@router.post(
    "/me/proxy-authorisations/{proxy_id}/revoke",
    summary="参保人本人撤销代配药委托（浙里办）",
    response_model=ProxyOut,
)
async def revoke_my_proxy(
    proxy_id: PathId, body: RevokeIn, citizen: Citizen, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    return await _revoke(session, citizen, proxy_id, body, idempotency_key)


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
