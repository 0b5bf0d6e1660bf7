"""Enterprises by 统一社会信用代码 (the key the other bureaus and the gateway use)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from qz_common.app import Engine, Session
from qz_common.districts import District
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, ZhelibanUser, scoped_district
from qz_common.ids import USCC
from qz_common.pagination import Page, PagedSelect, Paging
from science.api.common import commands
from science.api.schemas.enterprises import (
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    FourColourUpdateIn,
    FourColourUpdateOut,
    MyEnterpriseOut,
)
from science.casework import enterprises
from science.models import Enterprise

router = APIRouter(prefix="/v1", tags=["enterprises"])

_ENTERPRISES = PagedSelect(
    select(Enterprise).order_by(Enterprise.id),
    district=Enterprise.district,
)


@router.post("/enterprises", status_code=201, summary="登记企业", response_model=EnterpriseOut)
async def create_enterprise(
    body: EnterpriseIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> EnterpriseOut:
        return EnterpriseOut.model_validate(
            await enterprises.register(session, caller, Enterprise(**body.model_dump()))
        )

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.get("/enterprises", summary="企业列表")
async def list_enterprises(
    caller: Reader, engine: Engine, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[EnterpriseOut]:
    return await _ENTERPRISES.fetch(
        engine, paging, EnterpriseOut.model_validate, district=scoped_district(caller, district)
    )


@router.get("/enterprises/{uscc}", summary="企业详情")
async def get_enterprise(uscc: USCC, caller: Reader, session: Session) -> EnterpriseOut:
    return EnterpriseOut.model_validate(await enterprises.readable(session, caller, uscc))


@router.patch(
    "/enterprises/{uscc}", summary="更新企业资质（高企有效期、科技型中小企业、四色库等）", response_model=EnterpriseOut
)
async def patch_enterprise(
    uscc: USCC, body: EnterprisePatch, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    changes = body.model_dump(exclude_unset=True)

    async def work() -> EnterpriseOut:
        return EnterpriseOut.model_validate(await enterprises.update(session, caller, uscc, changes))

    # The fields sent, not the model with its defaults: a null that clears a field is another request than none.
    return await commands.run(session, caller, work, request=(uscc, changes), key=idempotency_key)


@router.post(
    "/enterprises/{uscc}/four-colour-updates",
    status_code=201,
    summary="“四色”管理培育库季度更新（44号 二(四)，季末25日前）",
    response_model=FourColourUpdateOut,
)
async def update_four_colour(
    uscc: USCC, body: FourColourUpdateIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> FourColourUpdateOut:
        entry = await enterprises.record_four_colour_update(
            session, caller, uscc, body.year, body.quarter, body.listed, body.updated_on
        )
        return FourColourUpdateOut.model_validate(entry)

    return await commands.run(session, caller, work, request=(uscc, body), key=idempotency_key, status_code=201)


@router.get("/enterprises/{uscc}/four-colour-updates", summary="“四色”管理培育库更新记录")
async def list_four_colour(uscc: USCC, caller: Reader, session: Session) -> list[FourColourUpdateOut]:
    return [FourColourUpdateOut.model_validate(r) for r in await enterprises.four_colour_updates(session, caller, uscc)]


@router.get("/me/enterprise", summary="本企业的资质及“四色”管理培育库季度更新（浙里办，法人，44号 二(四)）")
async def my_enterprise(user: ZhelibanUser, session: Session) -> MyEnterpriseOut:
    enterprise, updates = await enterprises.of_signed_in(session, user)
    return MyEnterpriseOut(
        enterprise=EnterpriseOut.model_validate(enterprise),
        four_colour_updates=[FourColourUpdateOut.model_validate(update) for update in updates],
    )
