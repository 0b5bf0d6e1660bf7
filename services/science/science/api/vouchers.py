"""科技创新券 (44号): carriers, pools, claims (first come first served), expiry, redemptions.

Locking order, the same on every path so that no two transactions wait on each other in a cycle:
voucher pool → annual quota → voucher. A claim locks its pool row (SELECT … FOR UPDATE) and then the holder's
annual-quota row, so neither the pool nor the 6万 cap can be overdrawn by simultaneous claims.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.clock import today
from qz_common.db import get_or_404
from qz_common.districts import District
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Caller, Citizen, Reader, Writer, ensure_district, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging
from science.api.common import (
    PathId,
    audit,
    credit_records_of,
    holder_or_422,
    idempotent,
    policy_in_force_on,
    problems_422,
)
from science.api.schemas import (
    CarrierIn,
    CarrierOut,
    CarrierPatch,
    ClaimIn,
    ExpireIn,
    ExpireOut,
    MyClaimIn,
    PayIn,
    PoolIn,
    PoolOut,
    ReasonsIn,
    RedemptionIn,
    RedemptionOut,
    VoucherOut,
)
from science.models import AnnualQuota, Carrier, Enterprise, Redemption, SubsidisedDocument, Voucher, VoucherPool
from science.parameters import voucher_params
from science.rules.basis import IN_FORCE_FROM
from science.rules.basis import vouchers as cite
from science.rules.params import VoucherParams
from science.rules.voucher_lifecycle import (
    ApplicantKind,
    ApplicantProfile,
    ClaimContext,
    Problem,
    RedemptionContext,
    RedemptionMaterials,
    carrier_ban_problems,
    carrier_registration_problems,
    claim_problems,
    document_key,
    in_force_problems,
    payment_due,
    priority_grounds,
    redemption_problems,
    voucher_last_valid_day,
)
from science.rules.voucher_subsidy import ServiceRequest, ServiceType, payable, subsidy

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
    holder_id=Voucher.holder_id,
    pool_id=Voucher.pool_id,
    status=Voucher.status,
    district=Voucher.district,
)
_REDEMPTIONS = PagedSelect(
    select(Redemption).order_by(Redemption.id),
    holder_id=Redemption.holder_id,
    status=Redemption.status,
    district=lambda stmt, value: stmt.join(Voucher, Voucher.id == Redemption.voucher_id).where(
        Voucher.district == value
    ),
)

CLAIM_FIELDS = {
    "amount_not_positive": "amount",
    "pool_exhausted": "amount",
    "annual_cap_exceeded": "amount",
    "pool_closed": "claimed_on",
    "not_in_force": "claimed_on",
    "no_innovation_need": "has_innovation_need",
    "credit_ban": "holder_id",
}
REDEMPTION_FIELDS = {
    "old_rules_apply": "used_on",
    "voucher_not_active": "voucher_id",
    "voucher_expired": "used_on",
    "used_before_issue": "used_on",
    "redemption_deadline_passed": "submitted_on",
    "contract_missing": "contract_number",
    "contract_seals": "contract_sealed_by_both",
    "payment_proof": "bank_receipt",
    "service_evidence": "service_evidence",
    "not_paid_in_full": "paid_amount",
    "paid_more_than_fee": "paid_amount",
    "submitted_before_use": "submitted_on",
    "already_subsidised": "contract_number",
    "double_funding": "funded_by_other_programme",
    "carrier_not_registered": "carrier_id",
    "carrier_related": "carrier_id",
    "credit_ban": "voucher_id",
    "carrier_credit_ban": "carrier_id",
    "voucher_exhausted": "voucher_id",
    "service_not_supported": "service_type",
    "audit_purpose_required": "audit_purpose",
}


def _params(day: dt.date, field: str) -> VoucherParams:
    problems = in_force_problems(day)
    if problems:
        raise problems_422(problems, "not_in_force", "创新券办法尚未施行", {"not_in_force": field})
    return voucher_params(day)


# ---- carriers --------------------------------------------------------------------------------------------


@router.post("/carriers", status_code=201, summary="注册创新载体（44号 一(二)、三(六)）", response_model=CarrierOut)
async def register_carrier(
    body: CarrierIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    ensure_district(caller, body.district)

    async def create() -> CarrierOut:
        problems = carrier_registration_problems(body.in_quzhou, body.channel)
        if problems:
            raise problems_422(problems, "carrier_channel", "创新载体注册渠道不符", {"carrier_channel": "channel"})
        if await session.scalar(select(Carrier.id).where(Carrier.uscc == body.uscc)) is not None:
            raise ProblemError(409, "carrier_exists", "该创新载体已注册", field="uscc")
        carrier = Carrier(**body.model_dump(), status="active")
        carrier.related_holders = [h.strip().upper() for h in body.related_holders]
        session.add(carrier)
        await session.flush()
        audit.record(session, caller, "register", carrier)
        return CarrierOut.model_validate(carrier)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/carriers", summary="创新载体列表")
async def list_carriers(
    caller: Reader, engine: Engine, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[CarrierOut]:
    return await _CARRIERS.fetch(engine, paging, CarrierOut.model_validate, district=scoped_district(caller, district))


@router.get("/carriers/{carrier_id}", summary="创新载体详情")
async def get_carrier(carrier_id: PathId, caller: Reader, session: Session) -> CarrierOut:
    carrier = await get_or_404(session, Carrier, carrier_id, "创新载体", field="carrier_id")
    ensure_district(caller, carrier.district)
    return CarrierOut.model_validate(carrier)


@router.patch("/carriers/{carrier_id}", summary="暂停载体或更新隶属、共建关系")
async def patch_carrier(carrier_id: PathId, body: CarrierPatch, caller: Writer, session: Session) -> CarrierOut:
    async with session.begin():
        carrier = await get_or_404(session, Carrier, carrier_id, "创新载体", lock=True, field="carrier_id")
        ensure_district(caller, carrier.district)
        before = snapshot(carrier)
        if body.status is not None:
            carrier.status = body.status
        if body.related_holders is not None:
            carrier.related_holders = [h.strip().upper() for h in body.related_holders]
        await session.flush()
        audit.record(session, caller, "update", carrier, before=before)
        return CarrierOut.model_validate(carrier)


# ---- pools -----------------------------------------------------------------------------------------------


@router.post("/voucher-pools", status_code=201, summary="发布一批创新券额度（定额发放）", response_model=PoolOut)
async def create_pool(body: PoolIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None) -> object:
    ensure_district(caller, body.district)
    _params(body.opens_on, "opens_on")

    async def create() -> PoolOut:
        pool = VoucherPool(**body.model_dump(), available=body.total)
        session.add(pool)
        await session.flush()
        audit.record(session, caller, "create", pool)
        return PoolOut.model_validate(pool)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/voucher-pools", summary="创新券批次列表")
async def list_pools(
    caller: Reader, engine: Engine, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[PoolOut]:
    return await _VOUCHER_POOLS.fetch(
        engine, paging, PoolOut.model_validate, district=scoped_district(caller, district)
    )


@router.get("/voucher-pools/{pool_id}", summary="创新券批次详情（剩余额度）")
async def get_pool(pool_id: PathId, caller: Reader, session: Session) -> PoolOut:
    pool = await get_or_404(session, VoucherPool, pool_id, "创新券批次", field=None)
    ensure_district(caller, pool.district)
    return PoolOut.model_validate(pool)


async def expire_pool_vouchers(
    session: AsyncSession, caller: Caller, pool: VoucherPool, as_of: dt.date
) -> tuple[list[int], Decimal]:
    """四(二) 逾期系统自动收回: vouchers past their last valid day return their unused value to the pool.

    The pool row must already be locked by the caller (pool → voucher order).
    """
    stale = (
        await session.scalars(
            select(Voucher)
            .where(Voucher.pool_id == pool.id, Voucher.status == "active", Voucher.last_valid_on < as_of)
            .order_by(Voucher.id)
            .with_for_update()
        )
    ).all()
    returned = Decimal("0.00")
    ids: list[int] = []
    for voucher in stale:
        before = snapshot(voucher)
        voucher.returned = voucher.remaining
        returned += voucher.remaining
        voucher.remaining = Decimal("0.00")
        voucher.status = "expired"
        ids.append(voucher.id)
        await session.flush()
        audit.record(session, caller, "expire", voucher, before=before)
    if returned:
        before = snapshot(pool)
        pool.available += returned
        await session.flush()
        audit.record(session, caller, "return_expired", pool, before=before)
    return ids, returned


@router.post("/vouchers/expire", summary="到期创新券自动收回（44号 四(二)，定时任务）")
async def expire_vouchers(body: ExpireIn, caller: Writer, session: Session) -> ExpireOut:
    async with session.begin():
        # Only the pools this caller manages: a district-bound caller never locks or touches another district's.
        stale = select(Voucher.pool_id).where(Voucher.status == "active", Voucher.last_valid_on < body.as_of)
        if caller.district is not None:
            stale = stale.where(Voucher.district == caller.district)
        pool_ids = (await session.scalars(stale.distinct().order_by(Voucher.pool_id))).all()
        all_ids: list[int] = []
        total = Decimal("0.00")
        for pool_id in pool_ids:
            pool = await get_or_404(session, VoucherPool, pool_id, "创新券批次", lock=True, field=None)
            ids, returned = await expire_pool_vouchers(session, caller, pool, body.as_of)
            all_ids += ids
            total += returned
        return ExpireOut(expired_voucher_ids=all_ids, returned=total, basis=cite("四(二)"))


# ---- claims ----------------------------------------------------------------------------------------------


async def _quota_row(session: AsyncSession, holder_id: str, year: int) -> AnnualQuota:
    """The holder's quota row for the year, locked (created on first claim; a racing insert falls back to the lock)."""
    stmt = select(AnnualQuota).where(AnnualQuota.holder_id == holder_id, AnnualQuota.year == year).with_for_update()
    quota = await session.scalar(stmt)
    if quota is None:
        try:
            async with session.begin_nested():
                session.add(AnnualQuota(holder_id=holder_id, year=year, claimed=Decimal("0.00")))
        except IntegrityError:
            pass
        quota = await session.scalar(stmt.execution_options(populate_existing=True))
    assert quota is not None
    return quota


async def _profile(session: AsyncSession, body: ClaimIn, holder_id: str) -> ApplicantProfile:
    if body.holder_kind is ApplicantKind.ENTREPRENEUR:
        return ApplicantProfile(
            ApplicantKind.ENTREPRENEUR,
            has_innovation_need=body.has_innovation_need,
            competition_winner=body.competition_winner,
            incubated=body.incubated,
        )
    enterprise = await session.scalar(select(Enterprise).where(Enterprise.uscc == holder_id))
    if enterprise is None:
        raise ProblemError(422, "enterprise_not_registered", "企业须先凭营业执照注册（44号 四(一)）", field="holder_id")
    return ApplicantProfile(
        ApplicantKind.ENTERPRISE,
        has_innovation_need=body.has_innovation_need,
        competition_winner=enterprise.competition_winner or body.competition_winner,
        incubated=enterprise.incubated or body.incubated,
        provincial_tech_sme=enterprise.provincial_tech_sme,
        national_tech_sme=enterprise.national_tech_sme,
        hitech_valid_until=enterprise.hitech_valid_until,
        on_four_colour_list=enterprise.on_four_colour_list,
    )


async def _claim(session: AsyncSession, caller: Caller, body: ClaimIn, idempotency_key: str | None) -> object:
    """四(二) 定额发放、先到先得: lock the pool, collect its expired vouchers, lock the holder's year, check, issue."""
    holder_id = holder_or_422(body.holder_kind, body.holder_id, "holder_id")
    claimed_on = body.claimed_on or today()
    params = _params(claimed_on, "claimed_on")

    async def create() -> VoucherOut:
        pool = await get_or_404(session, VoucherPool, body.pool_id, "创新券批次", lock=True, field="pool_id")
        if not caller.is_citizen:
            ensure_district(caller, pool.district)
        profile = await _profile(session, body, holder_id)
        await expire_pool_vouchers(session, caller, pool, claimed_on)
        # The holder's year is opened only for a claim dated inside the pool's window: a claim dated in a year the
        # pool does not cover is refused (pool_closed) without leaving a quota row for that year behind.
        in_window = pool.opens_on <= claimed_on <= pool.closes_on
        quota = await _quota_row(session, holder_id, claimed_on.year) if in_window else None
        problems = claim_problems(
            ClaimContext(
                claimed_on=claimed_on,
                amount=body.amount,
                pool_available=pool.available,
                pool_opens_on=pool.opens_on,
                pool_closes_on=pool.closes_on,
                claimed_this_year=quota.claimed if quota else Decimal("0.00"),
                profile=profile,
                credit_records=await credit_records_of(session, holder_id),
            ),
            params,
        )
        if problems:
            raise problems_422(problems, "claim_refused", "申领未通过", CLAIM_FIELDS)
        assert quota is not None  # in the window, or claim_problems refused it (pool_closed)
        pool_before, quota_before = snapshot(pool), snapshot(quota)
        pool.available -= body.amount
        quota.claimed += body.amount
        voucher = Voucher(
            pool_id=pool.id,
            district=pool.district,
            holder_kind=body.holder_kind.value,
            holder_id=holder_id,
            holder_name=body.holder_name,
            face_value=body.amount,
            remaining=body.amount,
            returned=Decimal("0.00"),
            issued_on=claimed_on,
            last_valid_on=voucher_last_valid_day(claimed_on, params),
            status="active",
            priority_grounds=[g.value for g in priority_grounds(profile, claimed_on)],
        )
        session.add(voucher)
        await session.flush()
        audit.record(session, caller, "claim", pool, before=pool_before)
        audit.record(session, caller, "claim", quota, before=quota_before)
        audit.record(session, caller, "issue", voucher)
        return VoucherOut.model_validate(voucher)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.post(
    "/claims", status_code=201, summary="申领创新券（44号 四(二)，先到先得，每年最高6万元）", response_model=VoucherOut
)
async def claim_voucher(
    body: ClaimIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    return await _claim(session, caller, body, idempotency_key)


@router.post(
    "/me/claims", status_code=201, summary="创业者本人申领创新券（浙里办，44号 四(一)(二)）", response_model=VoucherOut
)
async def claim_my_voucher(
    body: MyClaimIn, citizen: Citizen, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    assert citizen.citizen_id is not None
    claim = ClaimIn(holder_kind=ApplicantKind.ENTREPRENEUR, holder_id=citizen.citizen_id, **body.model_dump())
    return await _claim(session, citizen, claim, idempotency_key)


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
        holder_id=holder_id.upper() if holder_id else None,
        pool_id=pool_id,
        status=status or None,
        district=scoped_district(caller, district),
    )


@router.get("/vouchers/{voucher_id}", summary="创新券详情")
async def get_voucher(voucher_id: PathId, caller: Reader, session: Session) -> VoucherOut:
    voucher = await get_or_404(session, Voucher, voucher_id, "创新券", field="voucher_id")
    ensure_district(caller, voucher.district)
    return VoucherOut.model_validate(voucher)


# ---- redemptions -----------------------------------------------------------------------------------------


@router.post("/redemptions", status_code=201, summary="提交兑付申请（44号 四(三)(四)）", response_model=RedemptionOut)
async def submit_redemption(
    body: RedemptionIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    submitted_on = body.submitted_on or today()

    async def create() -> RedemptionOut:
        voucher = await get_or_404(session, Voucher, body.voucher_id, "创新券", lock=True, field="voucher_id")
        ensure_district(caller, voucher.district)
        carrier = await get_or_404(session, Carrier, body.carrier_id, "创新载体", field="carrier_id")
        params = voucher_params(max(voucher.issued_on, IN_FORCE_FROM))
        contract_key = f"{carrier.uscc}/{document_key(body.contract_number)}"
        invoice_key = document_key(body.invoice_number)
        used = set(
            (
                await session.scalars(
                    select(SubsidisedDocument.kind).where(
                        ((SubsidisedDocument.kind == "contract") & (SubsidisedDocument.number == contract_key))
                        | ((SubsidisedDocument.kind == "invoice") & (SubsidisedDocument.number == invoice_key))
                    )
                )
            ).all()
        )
        context = RedemptionContext(
            submitted_on=submitted_on,
            used_on=body.used_on,
            issued_on=voucher.issued_on,
            voucher_status=voucher.status,
            materials=RedemptionMaterials(
                contract_number=body.contract_number,
                contract_sealed_by_both=body.contract_sealed_by_both,
                bank_receipt=body.bank_receipt,
                invoice_number=body.invoice_number,
                service_evidence=body.service_evidence,
                paid_amount=body.paid_amount,
                fee=body.fee,
            ),
            related_to_carrier=voucher.holder_id in carrier.related_holders,
            carrier_active=carrier.status == "active",
            contract_already_subsidised="contract" in used,
            invoice_already_subsidised="invoice" in used,
            credit_records=await credit_records_of(session, voucher.holder_id),
            funded_by_other_programme=body.funded_by_other_programme,
            carrier_credit_records=await credit_records_of(session, carrier.uscc),
        )
        problems = redemption_problems(context, params)
        result = subsidy(
            ServiceRequest(
                body.service_type, body.fee, body.via_shared_platform, body.statutory_testing, body.audit_purpose
            ),
            params,
            policy_in_force_on(body.used_on),
        )
        if not result.supported:
            problems = [*problems, _problem("service_not_supported", result.reason or "", result.basis[0])]
        elif body.service_type is ServiceType.SPECIAL_AUDIT and body.audit_purpose is None:
            problems = [
                *problems,
                _problem("audit_purpose_required", "专项审计费须注明三(三)所列用途", result.basis[0]),
            ]
        pay = payable(result.subsidy, voucher.remaining)
        if result.supported and pay.amount <= 0:
            problems = [*problems, _problem("voucher_exhausted", "创新券已无可用额度", cite("四(二)"))]
        if problems:
            raise problems_422(problems, "redemption_refused", "兑付申请不予受理", REDEMPTION_FIELDS)
        lines = [{"label": line.label, "amount": f"{line.amount:.2f}", "basis": line.basis} for line in result.lines]
        if pay.capped:
            lines.append(
                {
                    "label": f"以创新券剩余额度{voucher.remaining:.2f}元为限",
                    "amount": f"{pay.amount:.2f}",
                    "basis": cite("一(三)"),
                }
            )
        redemption = Redemption(
            voucher_id=voucher.id,
            carrier_id=carrier.id,
            holder_id=voucher.holder_id,
            service_type=body.service_type.value,
            fee=body.fee,
            paid_amount=body.paid_amount,
            via_shared_platform=body.via_shared_platform,
            contract_number=body.contract_number.strip(),
            invoice_number=body.invoice_number.strip(),
            used_on=body.used_on,
            submitted_on=submitted_on,
            entitlement=result.subsidy,
            amount=pay.amount,
            lines=lines,
            basis=[*result.basis, *pay.basis, cite("四(四)")],
            status="submitted",
            payment_due=payment_due(submitted_on, params),
        )
        session.add(redemption)
        await session.flush()
        try:
            async with session.begin_nested():
                session.add_all(
                    [
                        SubsidisedDocument(kind="contract", number=contract_key, redemption_id=redemption.id),
                        SubsidisedDocument(kind="invoice", number=invoice_key, redemption_id=redemption.id),
                    ]
                )
        except IntegrityError:
            raise problems_422(
                [_problem("already_subsidised", "同一服务合同及其发票只能享受1次创新券补助", cite("四(四)"))],
                "already_subsidised",
                "兑付申请不予受理",
                REDEMPTION_FIELDS,
            ) from None
        before = snapshot(voucher)
        voucher.remaining -= pay.amount
        if voucher.remaining == 0:
            voucher.status = "used_up"
        await session.flush()
        audit.record(session, caller, "redeem", voucher, before=before)
        audit.record(session, caller, "submit", redemption)
        return RedemptionOut.model_validate(redemption)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


def _problem(code: str, detail: str, basis: str) -> Problem:
    return Problem(code, detail, basis)


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
        holder_id=holder_id.upper() if holder_id else None,
        status=status or None,
        district=scoped_district(caller, district),
    )


@router.get("/redemptions/{redemption_id}", summary="兑付申请详情")
async def get_redemption(redemption_id: PathId, caller: Reader, session: Session) -> RedemptionOut:
    redemption = await get_or_404(session, Redemption, redemption_id, "兑付申请", field="redemption_id")
    voucher = await get_or_404(session, Voucher, redemption.voucher_id, "创新券", field=None)
    ensure_district(caller, voucher.district)
    return RedemptionOut.model_validate(redemption)


async def release(session: AsyncSession, caller: Caller, redemption: Redemption) -> None:
    """A refused or clawed-back redemption gives its reservation back: to the voucher while it is active, else to
    the pool (the voucher has already expired and been collected); its contract and invoice become free again."""
    voucher = await get_or_404(session, Voucher, redemption.voucher_id, "创新券", field=None)
    pool = await get_or_404(session, VoucherPool, voucher.pool_id, "创新券批次", lock=True, field=None)
    voucher = await get_or_404(session, Voucher, redemption.voucher_id, "创新券", lock=True, field=None)
    before_voucher, before_pool = snapshot(voucher), snapshot(pool)
    if voucher.status in ("active", "used_up") and redemption.submitted_on <= voucher.last_valid_on:
        voucher.remaining += redemption.amount
        voucher.status = "active"
    else:
        voucher.returned += redemption.amount
        pool.available += redemption.amount
    await session.execute(delete(SubsidisedDocument).where(SubsidisedDocument.redemption_id == redemption.id))
    await session.flush()
    audit.record(session, caller, "release", voucher, before=before_voucher)
    audit.record(session, caller, "release", pool, before=before_pool)


async def _locked_redemption(session: AsyncSession, caller: Caller, redemption_id: int) -> Redemption:
    redemption = await get_or_404(session, Redemption, redemption_id, "兑付申请", lock=True, field="redemption_id")
    voucher = await get_or_404(session, Voucher, redemption.voucher_id, "创新券", field=None)
    ensure_district(caller, voucher.district)
    return redemption


@router.post("/redemptions/{redemption_id}/approve", summary="专家评审通过（44号 四(五)）")
async def approve_redemption(redemption_id: PathId, caller: Writer, session: Session) -> RedemptionOut:
    async with session.begin():
        redemption = await _locked_redemption(session, caller, redemption_id)
        if redemption.status != "submitted":
            raise ProblemError(409, "redemption_decided", f"兑付申请当前状态为 {redemption.status}")
        before = snapshot(redemption)
        redemption.status = "approved"
        await session.flush()
        audit.record(session, caller, "approve", redemption, before=before)
        return RedemptionOut.model_validate(redemption)


@router.post("/redemptions/{redemption_id}/reject", summary="专家评审不予兑付")
async def reject_redemption(redemption_id: PathId, body: ReasonsIn, caller: Writer, session: Session) -> RedemptionOut:
    async with session.begin():
        redemption = await _locked_redemption(session, caller, redemption_id)
        if redemption.status not in ("submitted", "approved"):
            raise ProblemError(409, "redemption_decided", f"兑付申请当前状态为 {redemption.status}")
        before = snapshot(redemption)
        redemption.status, redemption.decision_reasons = "rejected", body.reasons
        await release(session, caller, redemption)
        await session.flush()
        audit.record(session, caller, "reject", redemption, before=before)
        return RedemptionOut.model_validate(redemption)


@router.post("/redemptions/{redemption_id}/pay", summary="兑付到账（原则上次年4月底前，44号 四(五)）")
async def pay_redemption(redemption_id: PathId, body: PayIn, caller: Writer, session: Session) -> RedemptionOut:
    async with session.begin():
        redemption = await _locked_redemption(session, caller, redemption_id)
        if redemption.status != "approved":
            raise ProblemError(409, "redemption_not_approved", f"兑付申请当前状态为 {redemption.status}，须先评审通过")
        if body.paid_on < redemption.submitted_on:
            raise ProblemError(422, "paid_before_submission", "兑付日期早于申请日期", field="paid_on")
        carrier = await get_or_404(session, Carrier, redemption.carrier_id, "创新载体", field=None)
        banned = carrier_ban_problems(await credit_records_of(session, carrier.uscc), body.paid_on)
        if banned:
            raise problems_422(banned, "carrier_credit_ban", "不予兑付", {"carrier_credit_ban": "paid_on"})
        before = snapshot(redemption)
        redemption.status, redemption.paid_on = "paid", body.paid_on
        if body.paid_on > redemption.payment_due:
            redemption.decision_reasons = [f"晚于{redemption.payment_due.isoformat()}兑付，须按44号 四(五)报批延期"]
        await session.flush()
        audit.record(session, caller, "pay", redemption, before=before)
        return RedemptionOut.model_validate(redemption)
