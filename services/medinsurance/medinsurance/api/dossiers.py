"""What this service holds on a person or an enterprise: /v1/me and the cross-bureau dossiers."""

import datetime as dt
from typing import Annotated

from fastapi import APIRouter
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.api.agreements import current
from medinsurance.api.schemas import (
    AgreementOut,
    CreditFlag,
    EnterpriseDossier,
    InstitutionOut,
    PersonDossier,
    ProxyOut,
    ViolationOut,
)
from medinsurance.models import Agreement, Institution, ProxyAuthorisation, Violation
from medinsurance.rules.basis import basis
from qz_common.app import Session
from qz_common.clock import today
from qz_common.identity import Citizen, Reader
from qz_common.ids import USCC, IdNumber
from qz_common.periods import add_years

router = APIRouter(tags=["dossiers"])


async def _proxies(session: AsyncSession, id_number: str, district: str | None = None) -> list[ProxyOut]:
    """The person's 代配药 authorisations, as principal or agent; those of ``district`` only when given."""
    stmt = (
        select(ProxyAuthorisation)
        .where(
            or_(ProxyAuthorisation.principal_id_number == id_number, ProxyAuthorisation.agent_id_number == id_number)
        )
        .order_by(ProxyAuthorisation.id)
    )
    if district is not None:
        stmt = stmt.where(ProxyAuthorisation.district == district)
    return [ProxyOut.model_validate(r) for r in (await session.scalars(stmt)).all()]


@router.get("/v1/me/proxy-authorisations", summary="本人作为委托人或代理人的代配药委托（浙里办）")
async def my_proxies(citizen: Citizen, session: Session) -> list[ProxyOut]:
    assert citizen.citizen_id is not None
    return await _proxies(session, citizen.citizen_id)


@router.get("/v1/dossiers/citizens/{id_number}", summary="个人档案（供网关跨部门汇总）")
async def citizen_dossier(
    id_number: Annotated[IdNumber, "身份证号"], caller: Reader, session: Session
) -> PersonDossier:
    stmt = select(Institution).where(Institution.legal_rep_id_number == id_number).order_by(Institution.id)
    if caller.district:
        stmt = stmt.where(Institution.district == caller.district)
    institutions = [InstitutionOut.model_validate(r) for r in (await session.scalars(stmt)).all()]
    return PersonDossier(
        proxy_authorisations=await _proxies(session, id_number, caller.district),
        institutions_as_legal_rep=institutions,
    )


@router.get("/v1/dossiers/enterprises/{uscc}", summary="企业档案：定点机构、协议、协议处理及信用标记")
async def enterprise_dossier(
    uscc: Annotated[USCC, "统一社会信用代码"], caller: Reader, session: Session
) -> EnterpriseDossier:
    stmt = select(Institution).where(Institution.uscc == uscc).order_by(Institution.id)
    if caller.district:
        stmt = stmt.where(Institution.district == caller.district)
    institutions = list((await session.scalars(stmt)).all())
    ids = [i.id for i in institutions]
    agreements = list(
        (await session.scalars(select(Agreement).where(Agreement.institution_id.in_(ids)).order_by(Agreement.id))).all()
    )
    violations = list(
        (await session.scalars(select(Violation).where(Violation.institution_id.in_(ids)).order_by(Violation.id))).all()
    )
    day = today()
    flags: list[CreditFlag] = []
    agreement_views = []
    for a in agreements:
        v = current(a, day)
        out = AgreementOut.model_validate(a).model_copy(
            update={"state": v.state.value, "terminated_on": v.terminated_on, "reason": v.reason, "basis": v.basis}
        )
        agreement_views.append(out)
        if v.state.value == "terminated" and v.terminated_on is not None:
            flags.append(
                CreditFlag(
                    code="agreement_terminated",
                    detail=f"医保协议{a.id}解除：{v.reason}",
                    since=v.terminated_on,
                    until=add_years(v.terminated_on, 1) - dt.timedelta(days=1),
                    basis=basis("二(三)2 医疗机构不予受理(6)") + "; " + v.basis,
                )
            )
        elif v.state.value == "suspended":
            flags.append(
                CreditFlag(
                    code="agreement_suspended",
                    detail=f"医保协议{a.id}中止",
                    since=a.suspended_from,
                    until=a.suspended_until,
                    basis=v.basis,
                )
            )
    for vi in violations:
        if vi.tier >= 3:
            flags.append(
                CreditFlag(
                    code=f"violation_{vi.case_code}",
                    detail=f"协议处理 {vi.case_code}（第{vi.tier}档）",
                    since=vi.decided_on,
                    until=None,
                    basis=vi.basis,
                )
            )
    return EnterpriseDossier(
        uscc=uscc,
        institutions=[InstitutionOut.model_validate(i) for i in institutions],
        agreements=agreement_views,
        violations=[ViolationOut.model_validate(v) for v in violations],
        credit_flags=flags,
    )
