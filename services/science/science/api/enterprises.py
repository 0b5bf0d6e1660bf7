"""Enterprises by 统一社会信用代码 (the key the other bureaus and the gateway use)."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.clock import today
from qz_common.districts import District
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Caller, Reader, Writer, ensure_district, scoped_district
from qz_common.ids import USCC
from qz_common.pagination import Page, PagedSelect, Paging
from science.api.common import audit, idempotent, problems_422
from science.api.schemas import EnterpriseIn, EnterpriseOut, EnterprisePatch, FourColourUpdateIn, FourColourUpdateOut
from science.models import Enterprise, FourColourUpdate, Institute, InstituteEvent
from science.parameters import voucher_params
from science.rules.institute_management import ReviewTrigger, hitech_loss_review
from science.rules.voucher_lifecycle import (
    FOUR_COLOUR_BASIS,
    four_colour_due_on,
    four_colour_update_problems,
    quarter_starts_on,
)

# Institutes under management (recognised, or recognised and yellow-warned): 43号 三.
MANAGED_STATUSES = ("recognised", "yellow_warning")

router = APIRouter(prefix="/v1", tags=["enterprises"])

_ENTERPRISES = PagedSelect(
    select(Enterprise).order_by(Enterprise.id),
    district=Enterprise.district,
)


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
    caller: Reader, engine: Engine, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[EnterpriseOut]:
    return await _ENTERPRISES.fetch(
        engine, paging, EnterpriseOut.model_validate, district=scoped_district(caller, district)
    )


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
        hitech_before = enterprise.hitech_valid_until
        for key, value in body.model_dump(exclude_unset=True).items():
            if value is None and key not in ("hitech_valid_until",):
                continue
            setattr(enterprise, key, value)
        await session.flush()
        audit.record(session, caller, "update", enterprise, before=before)
        trigger = hitech_loss_review(hitech_before, enterprise.hitech_valid_until, today())
        if trigger is not None:
            await open_reviews(session, caller, enterprise.uscc, trigger)
        return EnterpriseOut.model_validate(enterprise)


async def open_reviews(session: AsyncSession, caller: Caller, uscc: str, trigger: ReviewTrigger) -> None:
    """43号 三(六)2: every recognised institute of the enterprise gets a dated review event."""
    institutes = await session.scalars(
        select(Institute).where(Institute.enterprise_uscc == uscc, Institute.status.in_(MANAGED_STATUSES))
    )
    for institute in institutes:
        event = InstituteEvent(
            institute_id=institute.id,
            kind="hitech_lost_review",
            occurred_on=trigger.occurred_on,
            detail=trigger.detail,
            basis=trigger.basis,
        )
        session.add(event)
        await session.flush()
        audit.record(session, caller, "review_opened", event)


@router.post(
    "/enterprises/{uscc}/four-colour-updates",
    status_code=201,
    summary="“四色”管理培育库季度更新（44号 二(四)，季末25日前）",
    response_model=FourColourUpdateOut,
)
async def update_four_colour(
    uscc: USCC, body: FourColourUpdateIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    problems = four_colour_update_problems(body.year, body.quarter, body.updated_on)
    if problems:
        fields = {"not_in_force": "year", "update_before_quarter": "updated_on"}
        raise problems_422(problems, "four_colour_update_refused", "培育库更新不予受理", fields)
    due_on = four_colour_due_on(body.year, body.quarter, voucher_params(quarter_starts_on(body.year, body.quarter)))
    quarter = f"{body.year}Q{body.quarter}"

    async def create() -> FourColourUpdateOut:
        enterprise = await enterprise_or_404(session, uscc, lock=True)
        ensure_district(caller, enterprise.district)
        recorded = (
            await session.scalars(select(FourColourUpdate.quarter).where(FourColourUpdate.enterprise_uscc == uscc))
        ).all()
        if quarter in recorded:
            raise ProblemError(409, "quarter_recorded", f"{quarter} 已更新", field="quarter")
        update = FourColourUpdate(
            enterprise_uscc=uscc,
            quarter=quarter,
            listed=body.listed,
            updated_on=body.updated_on,
            due_on=due_on,
            on_time=body.updated_on <= due_on,
            basis=FOUR_COLOUR_BASIS,
        )
        session.add(update)
        # The list as it stands is the latest quarter's: a late entry for an earlier quarter changes only history.
        if all(quarter > other for other in recorded) and enterprise.on_four_colour_list != body.listed:
            before = snapshot(enterprise)
            enterprise.on_four_colour_list = body.listed
            await session.flush()
            audit.record(session, caller, "four_colour", enterprise, before=before)
        await session.flush()
        audit.record(session, caller, "four_colour_update", update)
        return FourColourUpdateOut.model_validate(update)

    async with session.begin():
        return await idempotent.create(
            session, caller, idempotency_key, {"uscc": uscc, **body.model_dump(mode="json")}, create
        )


@router.get("/enterprises/{uscc}/four-colour-updates", summary="“四色”管理培育库更新记录")
async def list_four_colour(uscc: USCC, caller: Reader, session: Session) -> list[FourColourUpdateOut]:
    enterprise = await enterprise_or_404(session, uscc)
    ensure_district(caller, enterprise.district)
    rows = await session.scalars(
        select(FourColourUpdate).where(FourColourUpdate.enterprise_uscc == uscc).order_by(FourColourUpdate.quarter)
    )
    return [FourColourUpdateOut.model_validate(r) for r in rows]
