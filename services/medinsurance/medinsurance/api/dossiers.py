"""What this service holds on a person or an enterprise: /v1/me and the cross-bureau dossiers."""

from typing import Annotated

from fastapi import APIRouter

from medinsurance.api.schemas.agreements import AgreementOut
from medinsurance.api.schemas.dossiers import CreditFlag, EnterpriseDossier, PersonDossier
from medinsurance.api.schemas.institutions import InstitutionOut
from medinsurance.api.schemas.proxies import ProxyOut
from medinsurance.api.schemas.violations import ViolationOut
from medinsurance.casework import dossiers, notices
from qz_common.app import Session
from qz_common.identity import Citizen, Reader
from qz_common.ids import USCC, IdNumber
from qz_common.notices import AsOf, Notice, counted_from

router = APIRouter(tags=["dossiers"])


@router.get("/v1/me/proxy-authorisations", summary="本人作为委托人或代理人的代配药委托（浙里办）")
async def my_proxies(citizen: Citizen, session: Session) -> list[ProxyOut]:
    assert citizen.citizen_id is not None
    return [ProxyOut.model_validate(r) for r in await dossiers.proxies_of(session, citizen.citizen_id)]


@router.get("/v1/me/notices", summary="本人的待办期限（浙里办）：短期代配药委托到期（附件2 二(四)2）")
async def my_notices(
    citizen: Citizen,
    session: Session,
    as_of: AsOf = None,
) -> list[Notice]:
    assert citizen.citizen_id is not None
    return await notices.notices_of(session, citizen.citizen_id, counted_from(as_of))


@router.get("/v1/dossiers/citizens/{id_number}", summary="个人档案（供网关跨部门汇总）")
async def citizen_dossier(
    id_number: Annotated[IdNumber, "身份证号"], caller: Reader, session: Session
) -> PersonDossier:
    return PersonDossier(
        proxy_authorisations=[
            ProxyOut.model_validate(r) for r in await dossiers.proxies_of(session, id_number, caller.district)
        ],
        institutions_as_legal_rep=[
            InstitutionOut.model_validate(r) for r in await dossiers.institutions_led_by(session, caller, id_number)
        ],
    )


@router.get("/v1/dossiers/enterprises/{uscc}", summary="企业档案：定点机构、协议、协议处理及信用标记")
async def enterprise_dossier(
    uscc: Annotated[USCC, "统一社会信用代码"], caller: Reader, session: Session
) -> EnterpriseDossier:
    found = await dossiers.enterprise(session, caller, uscc)
    return EnterpriseDossier(
        uscc=uscc,
        institutions=[InstitutionOut.model_validate(i) for i in found.institutions],
        agreements=[AgreementOut.as_of(row, view) for row, view in found.agreements],
        violations=[ViolationOut.model_validate(v) for v in found.violations],
        credit_flags=[CreditFlag.model_validate(f, from_attributes=True) for f in found.credit_flags],
    )
