"""What this service holds on one enterprise or person: the cross-bureau dossier and the citizen's own view."""

from typing import Annotated

from fastapi import APIRouter

from qz_common.app import Session
from qz_common.identity import Reader, ZhelibanUser
from qz_common.ids import USCC, IdNumber
from qz_common.notices import AsOf, Notice, counted_from
from science.api.schemas.dossiers import EnterpriseDossier, HolderRecords
from science.casework import dossiers, notices

router = APIRouter(tags=["dossiers"])


@router.get("/v1/dossiers/enterprises/{uscc}", summary="企业档案（供网关跨部门汇总）")
async def enterprise_dossier(
    uscc: Annotated[USCC, "统一社会信用代码"], caller: Reader, session: Session
) -> EnterpriseDossier:
    return EnterpriseDossier.model_validate(await dossiers.enterprise_records(session, uscc, caller.district))


@router.get("/v1/dossiers/citizens/{id_number}", summary="个人（创业者）档案（供网关跨部门汇总）")
async def citizen_dossier(
    id_number: Annotated[IdNumber, "身份证号"], caller: Reader, session: Session
) -> HolderRecords:
    return HolderRecords.model_validate(await dossiers.holder_records(session, id_number, caller.district))


@router.get("/v1/me/records", summary="本人（创业者）或本企业（法人）的创新券、兑付和诚信记录（浙里办）")
async def my_records(user: ZhelibanUser, session: Session) -> HolderRecords:
    assert user.user_id is not None  # a person's 身份证号 or a legal person's 统一社会信用代码, as the gateway verified
    return HolderRecords.model_validate(await dossiers.holder_records(session, user.user_id, None))


@router.get(
    "/v1/me/notices",
    summary="本人或本企业的待办期限（浙里办）：创新券兑付截止（44号 四(二)(四)）、研究院科技统计年报（43号 三(五)）",
)
async def my_notices(
    user: ZhelibanUser,
    session: Session,
    as_of: AsOf = None,
) -> list[Notice]:
    assert user.user_id is not None
    return await notices.notices_of(session, user.user_id, counted_from(as_of))
