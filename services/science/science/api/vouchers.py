"""科技创新券 (44号): carriers, pools, claims (first come first served), expiry, redemptions."""

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Body, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select

from qz_common.app import Engine, Session
from qz_common.clock import today
from qz_common.districts import District
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Caller, Reader, Writer, ZhelibanUser, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging
from science.api.common import PathId, commands, holder_or_422
from science.api.schemas.vouchers import (
    CarrierIn,
    CarrierOut,
    CarrierPatch,
    ClaimIn,
    ClaimWhatIfIn,
    ClaimWhatIfOut,
    ExpireIn,
    ExpireOut,
    MyClaimIn,
    PayIn,
    PoolIn,
    PoolOut,
    ReasonsIn,
    RedemptionIn,
    RedemptionOut,
    RedemptionWhatIfIn,
    RedemptionWhatIfOut,
    ReviewIn,
    VoucherOut,
    YearQuotaOut,
)
from science.casework import carriers, redemptions, vouchers
from science.models import Carrier, Redemption, Voucher, VoucherPool
from science.rules.voucher_lifecycle import ApplicantKind, ApplicantProfile

router = APIRouter(prefix="/v1", tags=["vouchers"])

_CARRIERS = PagedSelect(
    select(Carrier).order_by(Carrier.id),
    district=Carrier.district,
)
_VOUCHER_POOLS = PagedSelect(
    select(VoucherPool).order_by(VoucherPool.id),
    district=VoucherPool.district,
)
_VOUCHERS = PagedSelect(
    select(Voucher).order_by(Voucher.id),
    holder_id=Voucher.holder_id_lookup,
    pool_id=Voucher.pool_id,
    status=Voucher.status,
    district=Voucher.district,
)
_REDEMPTIONS = PagedSelect(
    select(Redemption).order_by(Redemption.id),
    holder_id=Redemption.holder_id_lookup,
    status=Redemption.status,
    district=lambda stmt, value: stmt.join(Voucher, Voucher.id == Redemption.voucher_id).where(
        Voucher.district == value
    ),
)


# ---- carriers --------------------------------------------------------------------------------------------


@router.post("/carriers", status_code=201, summary="注册创新载体（44号 一(二)、三(六)）", response_model=CarrierOut)
async def register_carrier(
    body: CarrierIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> CarrierOut:
        return CarrierOut.model_validate(await carriers.register(session, caller, Carrier(**body.model_dump())))

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.get("/carriers", summary="创新载体列表")
async def list_carriers(
    caller: Reader, engine: Engine, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[CarrierOut]:
    return await _CARRIERS.fetch(engine, paging, CarrierOut.model_validate, district=scoped_district(caller, district))


@router.get("/carriers/{carrier_id}", summary="创新载体详情")
async def get_carrier(carrier_id: PathId, caller: Reader, session: Session) -> CarrierOut:
    return CarrierOut.model_validate(await carriers.readable(session, caller, carrier_id))


@router.patch("/carriers/{carrier_id}", summary="暂停载体或更新隶属、共建关系", response_model=CarrierOut)
async def patch_carrier(
    carrier_id: PathId, body: CarrierPatch, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> CarrierOut:
        return CarrierOut.model_validate(
            await carriers.update(session, caller, carrier_id, body.status, body.related_holders)
        )

    return await commands.run(session, caller, work, request=(carrier_id, body), key=idempotency_key)


# ---- pools -----------------------------------------------------------------------------------------------


@router.post("/voucher-pools", status_code=201, summary="发布一批创新券额度（定额发放）", response_model=PoolOut)
async def create_pool(body: PoolIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None) -> object:
    async def work() -> PoolOut:
        return PoolOut.model_validate(await vouchers.open_pool(session, caller, VoucherPool(**body.model_dump())))

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.get("/voucher-pools", summary="创新券批次列表")
async def list_pools(
    caller: Reader, engine: Engine, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[PoolOut]:
    return await _VOUCHER_POOLS.fetch(
        engine, paging, PoolOut.model_validate, district=scoped_district(caller, district)
    )


@router.get("/voucher-pools/{pool_id}", summary="创新券批次详情（剩余额度）")
async def get_pool(pool_id: PathId, caller: Reader, session: Session) -> PoolOut:
    return PoolOut.model_validate(await vouchers.readable_pool(session, caller, pool_id))


@router.post("/vouchers/expire", summary="到期创新券自动收回（44号 四(二)，定时任务）", response_model=ExpireOut)
async def expire_vouchers(
    body: ExpireIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> ExpireOut:
        return ExpireOut.model_validate(await vouchers.expire(session, caller, body.as_of))

    return await commands.run(session, caller, work, request=body, key=idempotency_key)


# ---- claims ----------------------------------------------------------------------------------------------


async def _claim(session: Session, caller: Caller, body: ClaimIn, idempotency_key: str | None) -> object:
    holder_id = holder_or_422(body.holder_kind, body.holder_id, "holder_id")
    stated = ApplicantProfile(
        body.holder_kind,
        has_innovation_need=body.has_innovation_need,
        competition_winner=body.competition_winner,
        incubated=body.incubated,
    )

    async def work() -> VoucherOut:
        voucher = await vouchers.claim(
            session, caller, body.pool_id, holder_id, body.holder_name, body.amount, body.claimed_on or today(), stated
        )
        return VoucherOut.model_validate(voucher)

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.post(
    "/claims", status_code=201, summary="申领创新券（44号 四(二)，先到先得，每年最高6万元）", response_model=VoucherOut
)
async def claim_voucher(
    body: ClaimIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    return await _claim(session, caller, body, idempotency_key)


@router.post(
    "/claims/what-if",
    tags=["what-if"],
    summary="申领情景测算：按现行与情景参数、条文理解判断是否发放，不发放、不占额度（44号 四(二)）",
    response_model=ClaimWhatIfOut,
)
async def claim_what_if(body: ClaimWhatIfIn, caller: Reader, session: Session) -> ClaimWhatIfOut:
    holder_id = holder_or_422(body.holder_kind, body.holder_id, "holder_id")
    stated = ApplicantProfile(body.holder_kind, body.has_innovation_need, body.competition_winner, body.incubated)
    judged = await vouchers.what_if_claim(
        session, caller, body.pool_id, holder_id, body.amount, body.claimed_on or today(), stated, body.parameters
    )
    return ClaimWhatIfOut.model_validate({**dataclasses.asdict(judged), "parameters": body.parameters})


@router.post(
    "/me/claims",
    status_code=201,
    summary="创业者本人或企业（法人）申领创新券（浙里办，44号 四(一)(二)）",
    response_model=VoucherOut,
)
async def claim_my_voucher(
    body: MyClaimIn, user: ZhelibanUser, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    assert user.user_id is not None  # the holder is the signed-in person or enterprise, never one the body names
    kind = ApplicantKind.ENTERPRISE if user.enterprise_id else ApplicantKind.ENTREPRENEUR
    claim = ClaimIn(holder_kind=kind, holder_id=user.user_id, **body.model_dump())
    return await _claim(session, user, claim, idempotency_key)


@router.get("/me/voucher-quota", summary="本人或本企业某年度创新券尚可申领额度（浙里办，44号 四(二)，每年最高6万元）")
async def my_voucher_quota(
    user: ZhelibanUser,
    session: Session,
    year: Annotated[int | None, Query(ge=1, le=9999, description="申领年度（默认今年，北京时间）")] = None,
) -> YearQuotaOut:
    assert user.user_id is not None
    quota = await vouchers.annual_quota(session, user.user_id, year or today().year)
    return YearQuotaOut.model_validate(quota)


@router.get("/vouchers", summary="创新券列表")
async def list_vouchers(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    holder_id: Annotated[str | None, Query(max_length=18)] = None,
    pool_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    status: Annotated[str | None, Query(max_length=12)] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[VoucherOut]:
    return await _VOUCHERS.fetch(
        engine,
        paging,
        VoucherOut.model_validate,
        holder_id=holder_id or None,
        pool_id=pool_id,
        status=status or None,
        district=scoped_district(caller, district),
    )


@router.get("/vouchers/{voucher_id}", summary="创新券详情")
async def get_voucher(voucher_id: PathId, caller: Reader, session: Session) -> VoucherOut:
    return VoucherOut.model_validate(await vouchers.readable_voucher(session, caller, voucher_id))


# ---- redemptions -----------------------------------------------------------------------------------------


@router.post("/redemptions", status_code=201, summary="提交兑付申请（44号 四(三)(四)）", response_model=RedemptionOut)
async def submit_redemption(
    body: RedemptionIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    return await _submit(session, caller, body, idempotency_key)


@router.post(
    "/me/redemptions",
    status_code=201,
    summary="本人或本企业为自己的创新券提交兑付申请（浙里办，44号 四(三)(四)）",
    response_model=RedemptionOut,
)
async def submit_my_redemption(
    body: RedemptionIn, user: ZhelibanUser, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    return await _submit(session, user, body, idempotency_key)  # a voucher of anyone else: reference_not_found


async def _submit(session: Session, caller: Caller, body: RedemptionIn, idempotency_key: str | None) -> object:
    async def work() -> RedemptionOut:
        return RedemptionOut.model_validate(await redemptions.submit(session, caller, body.submission()))

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.post(
    "/redemptions/what-if",
    tags=["what-if"],
    summary="兑付申请情景测算：按现行与情景参数、条文理解判断是否受理及兑付金额，不保存、不占额度（44号 四(二)—(四)）",
    response_model=RedemptionWhatIfOut,
)
async def redemption_what_if(body: RedemptionWhatIfIn, caller: Reader, session: Session) -> RedemptionWhatIfOut:
    judged = await redemptions.what_if(session, caller, body.submission(), body.parameters)
    return RedemptionWhatIfOut.model_validate(
        {**dataclasses.asdict(judged), "parameters": body.parameters}, from_attributes=False
    )


@router.get("/redemptions", summary="兑付申请列表")
async def list_redemptions(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    holder_id: Annotated[str | None, Query(max_length=18)] = None,
    status: Annotated[str | None, Query(max_length=14)] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[RedemptionOut]:
    return await _REDEMPTIONS.fetch(
        engine,
        paging,
        RedemptionOut.model_validate,
        holder_id=holder_id or None,
        status=status or None,
        district=scoped_district(caller, district),
    )


@router.get("/redemptions/{redemption_id}", summary="兑付申请详情")
async def get_redemption(redemption_id: PathId, caller: Reader, session: Session) -> RedemptionOut:
    return RedemptionOut.model_validate(await redemptions.readable(session, caller, redemption_id))


@router.post(
    "/redemptions/{redemption_id}/approve", summary="专家评审通过（44号 四(五)）", response_model=RedemptionOut
)
async def approve_redemption(
    redemption_id: PathId,
    caller: Writer,
    session: Session,
    body: Annotated[ReviewIn, Body(default_factory=ReviewIn)],
    idempotency_key: IdempotencyKey = None,
) -> object:
    on, document = body.on or today(), body.document_number

    async def work() -> RedemptionOut:
        return RedemptionOut.model_validate(await redemptions.approve(session, caller, redemption_id, on, document))

    # The request as decided (day resolved, no body the same as an empty one), so a retry matches its first post.
    request = (redemption_id, on, document)
    return await _decide(session, caller, redemption_id, "approve", on, document, work, request, idempotency_key)


@router.post("/redemptions/{redemption_id}/reject", summary="专家评审不予兑付", response_model=RedemptionOut)
async def reject_redemption(
    redemption_id: PathId, body: ReasonsIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    on = body.on or today()

    async def work() -> RedemptionOut:
        redemption = await redemptions.reject(session, caller, redemption_id, body.reasons, on, body.document_number)
        return RedemptionOut.model_validate(redemption)

    request = (redemption_id, on, body.document_number, body.reasons)
    return await _decide(
        session, caller, redemption_id, "reject", on, body.document_number, work, request, idempotency_key
    )


@router.post(
    "/redemptions/{redemption_id}/pay",
    summary="兑付到账（原则上次年4月底前，44号 四(五)）",
    response_model=RedemptionOut,
)
async def pay_redemption(
    redemption_id: PathId, body: PayIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> RedemptionOut:
        redemption = await redemptions.pay(session, caller, redemption_id, body.paid_on, body.document_number)
        return RedemptionOut.model_validate(redemption)

    request = (redemption_id, body)
    return await _decide(
        session, caller, redemption_id, "pay", body.paid_on, body.document_number, work, request, idempotency_key
    )


async def _decide(
    session: Session,
    caller: Caller,
    redemption_id: int,
    kind: str,
    on: dt.date,
    document: str | None,
    work: Callable[[], Awaitable[RedemptionOut]],
    request: object,
    key: str | None,
) -> JSONResponse:
    """A 四(五) decision on a redemption, recognised as one when posted again (AMBIGUITIES.md V-16); replayed only to a
    caller who may read the redemption."""
    decision = Decision("redemption", redemption_id, kind, on, document or "")
    authorise = partial(redemptions.readable, session, caller, redemption_id)
    return await commands.run(session, caller, work, request=request, key=key, decision=decision, authorise=authorise)
