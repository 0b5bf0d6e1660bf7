"""Enterprises by 统一社会信用代码 (the key the other bureaus and the gateway use)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from qz_common.app import Session
from qz_common.audit import snapshot
from qz_common.districts import District
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, ensure_district, scoped_district
from qz_common.ids import USCC
from qz_common.pagination import Page, Paging, fetch_page
from science.api.common import audit, idempotent
from science.api.schemas import EnterpriseIn, EnterpriseOut, EnterprisePatch
from science.models import Enterprise

router = APIRouter(prefix="/v1", tags=["enterprises"])


async def enterprise_or_404(session: Session, uscc: str, *, lock: bool = False) -> Enterprise:
    stmt = select(Enterprise).where(Enterprise.uscc == uscc)
    if lock:
        stmt = stmt.with_for_update()
    enterprise = await session.scalar(stmt)
    if enterprise is None:
        raise ProblemError(404, "not_found", "企业不存在", field="uscc")
    return enterprise


@router.post("/enterprises", status_code=201, summary="登记企业", response_model=EnterpriseOut)
async def create_enterprise(
    body: EnterpriseIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    ensure_district(caller, body.district)

    async def create() -> EnterpriseOut:
        if await session.scalar(select(Enterprise.id).where(Enterprise.uscc == body.uscc)) is not None:
            raise ProblemError(409, "enterprise_exists", "该统一社会信用代码的企业已登记", field="uscc")
        enterprise = Enterprise(**body.model_dump())
        session.add(enterprise)
        await session.flush()
        audit.record(session, caller, "register", enterprise)
        return EnterpriseOut.model_validate(enterprise)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/enterprises", summary="企业列表")
async def list_enterprises(
    caller: Reader, session: Session, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[EnterpriseOut]:
    stmt = select(Enterprise).order_by(Enterprise.id)
    if scope := scoped_district(caller, district):
        stmt = stmt.where(Enterprise.district == scope)
    return await fetch_page(session, stmt, paging, EnterpriseOut.model_validate)


@router.get("/enterprises/{uscc}", summary="企业详情")
async def get_enterprise(uscc: USCC, caller: Reader, session: Session) -> EnterpriseOut:
    enterprise = await enterprise_or_404(session, uscc)
    ensure_district(caller, enterprise.district)
    return EnterpriseOut.model_validate(enterprise)


@router.patch("/enterprises/{uscc}", summary="更新企业资质（高企有效期、科技型中小企业、四色库等）")
async def patch_enterprise(uscc: USCC, body: EnterprisePatch, caller: Writer, session: Session) -> EnterpriseOut:
    async with session.begin():
        enterprise = await enterprise_or_404(session, uscc, lock=True)
        ensure_district(caller, enterprise.district)
        before = snapshot(enterprise)
        for key, value in body.model_dump(exclude_unset=True).items():
            if value is None and key not in ("hitech_valid_until",):
                continue
            setattr(enterprise, key, value)
        await session.flush()
        audit.record(session, caller, "update", enterprise, before=before)
        return EnterpriseOut.model_validate(enterprise)
