"""The citizen's own household (/v1/me, via 浙里办) and the cross-bureau dossiers."""

from typing import Annotated

from fastapi import APIRouter

from expropriation.api.schemas.citizens import Dossier, MyHousehold
from expropriation.casework import citizens
from qz_common.app import Session
from qz_common.identity import Citizen, Reader
from qz_common.ids import USCC, IdNumber

router = APIRouter(tags=["citizens"])


@router.get("/v1/me/household", summary="本人所在被征收户的测算与协议（浙里办）")
async def my_household(citizen: Citizen, session: Session) -> list[MyHousehold]:
    assert citizen.citizen_id is not None
    me = citizen.citizen_id
    return [MyHousehold.of(view, me) for view in await citizens.households_of_member(session, me)]


@router.get("/v1/dossiers/citizens/{id_number}", summary="个人档案（供网关跨部门汇总）")
async def citizen_dossier(id_number: Annotated[IdNumber, "身份证号"], caller: Reader, session: Session) -> Dossier:
    return Dossier.of(await citizens.citizen_dossier(session, id_number, caller.district))


@router.get("/v1/dossiers/enterprises/{uscc}", summary="企业档案：非住宅房屋产权单位（供网关跨部门汇总）")
async def enterprise_dossier(uscc: Annotated[USCC, "统一社会信用代码"], caller: Reader, session: Session) -> Dossier:
    return Dossier.of(await citizens.enterprise_dossier(session, uscc, caller.district))
