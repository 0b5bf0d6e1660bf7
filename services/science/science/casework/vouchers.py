"""科技创新券 (44号 四(二)): pools issued 定额发放、先到先得, claims under the 6万 annual cap, expiry.

Locking order, the same on every path so that no two transactions wait on each other in a cycle:
voucher pool → annual quota → voucher. A claim locks its pool row (SELECT … FOR UPDATE) and then the holder's
annual-quota row, so neither the pool nor the 6万 cap can be overdrawn by simultaneous claims; the pool's expired
vouchers are collected last.
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.clock import today
from qz_common.db import ensure_visible, get_in_district, get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district
from qz_common.scenario import scenario_computation, with_overrides
from science.casework.common import audit, credit_records_of, institutes_ban_terms, of_book, problems_422
from science.models import AnnualQuota, Enterprise, Voucher, VoucherPool
from science.parameters import voucher_params, vouchers_book
from science.rules.basis import vouchers as cite
from science.rules.params import VoucherParams
from science.rules.voucher_lifecycle import (
    ApplicantKind,
    ApplicantProfile,
    ClaimContext,
    claim_problems,
    counted_against_cap,
    in_force_problems,
    priority_grounds,
    remaining_annual_quota,
    voucher_last_valid_day,
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


def voucher_params_on(day: dt.date, field: str, overrides: Mapping[str, str] | None = None) -> VoucherParams:
    """The 44号 figures on ``day`` (with a what-if's ``overrides``), or 422 naming ``field`` before the 办法 took
    effect (六)."""
    problems = in_force_problems(day)
    if problems:
        raise problems_422(problems, "not_in_force", "创新券办法尚未施行", {"not_in_force": field})
    return voucher_params(day, overrides)


async def open_pool(session: AsyncSession, caller: Caller, pool: VoucherPool) -> VoucherPool:
    """Publish a fixed issue of vouchers: all of it available until claimed."""
    ensure_district(caller, pool.district)
    voucher_params_on(pool.opens_on, "opens_on")
    pool.available = pool.total
    return await audit.add(session, caller, "create", pool)


async def readable_pool(session: AsyncSession, caller: Caller, pool_id: int) -> VoucherPool:
    return await get_in_district(session, caller, VoucherPool, pool_id, "创新券批次", field="pool_id")


async def readable_voucher(session: AsyncSession, caller: Caller, voucher_id: int) -> Voucher:
    return await get_in_district(session, caller, Voucher, voucher_id, "创新券", field="voucher_id")


async def _expire_pool_vouchers(
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
    for voucher in stale:
        async with audit.change(session, caller, "expire", voucher):
            voucher.returned = voucher.remaining
            returned += voucher.remaining
            voucher.remaining = Decimal("0.00")
            voucher.status = "expired"
    if returned:
        async with audit.change(session, caller, "return_expired", pool):
            pool.available += returned
    return [v.id for v in stale], returned


@dataclass(frozen=True)
class Expiry:
    expired_voucher_ids: list[int]
    returned: Decimal
    basis: str


async def expire(session: AsyncSession, caller: Caller, as_of: dt.date) -> Expiry:
    """Collect every voucher past its last valid day in the pools this caller manages: a district-bound caller
    never locks or touches another district's."""
    stale = select(Voucher.pool_id).where(Voucher.status == "active", Voucher.last_valid_on < as_of)
    if caller.district is not None:
        stale = stale.where(Voucher.district == caller.district)
    pool_ids = (await session.scalars(stale.distinct().order_by(Voucher.pool_id))).all()
    expired: list[int] = []
    total = Decimal("0.00")
    for pool_id in pool_ids:
        pool = await get_or_404(session, VoucherPool, pool_id, "创新券批次", lock=True, field=None)
        ids, returned = await _expire_pool_vouchers(session, caller, pool, as_of)
        expired += ids
        total += returned
    return Expiry(expired, total, cite("四(二)"))


async def _quota_row(session: AsyncSession, holder_id: str, year: int) -> AnnualQuota:
    """The holder's quota row for the year, locked (created on first claim; a racing insert falls back to the lock)."""
    stmt = (
        select(AnnualQuota).where(AnnualQuota.holder_id_lookup == holder_id, AnnualQuota.year == year).with_for_update()
    )
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


async def returned_on_expiry(session: AsyncSession, holder_id: str, year: int, on: dt.date) -> Decimal:
    """What the holder's vouchers claimed in ``year`` and past their last valid day on ``on`` gave back to their pools
    (the unused value of each: all of its face value when unused), counting one not yet collected by its pool's
    expiry job at what is left on it (AMBIGUITIES.md V-03, the other reading)."""
    expired = select(Voucher.status, Voucher.remaining, Voucher.returned).where(
        Voucher.holder_id_lookup == holder_id,
        Voucher.issued_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        Voucher.last_valid_on < on,
    )
    given_back = Decimal("0.00")
    for status, remaining, returned in (await session.execute(expired)).all():
        given_back += returned + (remaining if status == "active" else Decimal("0.00"))
    return given_back


async def counted_this_year(
    session: AsyncSession, holder_id: str, year: int, claimed: Decimal, on: dt.date, params: VoucherParams
) -> Decimal:
    """四(二) 每年最高申领额度: what of ``claimed`` (the face value of the holder's claims of ``year``) counts against
    the cap on ``on``, under the reading of V-03 the parameters hold."""
    if params.annual_cap_counts == "face_value":
        return claimed
    return counted_against_cap(claimed, await returned_on_expiry(session, holder_id, year, on), params)


@dataclass(frozen=True)
class YearQuota:
    year: int
    cap: Decimal
    claimed: Decimal
    remaining: Decimal
    basis: str


async def annual_quota(session: AsyncSession, holder_id: str, year: int) -> YearQuota:
    """四(二) 每年最高申领额度: what the holder has claimed in ``year`` (the row every claim locks and checks) and what
    is left of the cap, the cap in force on the year's last day, or today in the year under way (V-19)."""
    params = voucher_params_on(min(dt.date(year, 12, 31), today()), "year")
    claimed = await session.scalar(
        select(AnnualQuota.claimed).where(AnnualQuota.holder_id_lookup == holder_id, AnnualQuota.year == year)
    )
    claimed = claimed if claimed is not None else Decimal("0.00")
    counted = await counted_this_year(session, holder_id, year, claimed, min(dt.date(year, 12, 31), today()), params)
    remaining = remaining_annual_quota(counted, params)
    return YearQuota(year, params.annual_claim_cap, claimed, remaining, cite("四(二)"))


async def _profile(session: AsyncSession, stated: ApplicantProfile, holder_id: str) -> ApplicantProfile:
    """Who claims: an entrepreneur as stated; an enterprise as registered (四(一)), its record's qualifications
    added to what the claim states."""
    if stated.kind is ApplicantKind.ENTREPRENEUR:
        return stated
    enterprise = await session.scalar(select(Enterprise).where(Enterprise.uscc == holder_id))
    if enterprise is None:
        raise ProblemError(422, "enterprise_not_registered", "企业须先凭营业执照注册（44号 四(一)）", field="holder_id")
    return dataclasses.replace(
        stated,
        competition_winner=enterprise.competition_winner or stated.competition_winner,
        incubated=enterprise.incubated or stated.incubated,
        provincial_tech_sme=enterprise.provincial_tech_sme,
        national_tech_sme=enterprise.national_tech_sme,
        hitech_valid_until=enterprise.hitech_valid_until,
        on_four_colour_list=enterprise.on_four_colour_list,
    )


async def claim(
    session: AsyncSession,
    caller: Caller,
    pool_id: int,
    holder_id: str,
    holder_name: str,
    amount: Decimal,
    claimed_on: dt.date,
    stated: ApplicantProfile,
) -> Voucher:
    """四(二) 定额发放、先到先得: lock the pool, lock the holder's year, collect the pool's expired vouchers, check,
    issue. A citizen claims from any district's pool; a district-bound office issues only its own."""
    params = voucher_params_on(claimed_on, "claimed_on")
    label, field = "创新券批次", "pool_id"
    pool = await get_or_404(session, VoucherPool, pool_id, label, field=field, lock=True, referenced=True)
    if not caller.is_citizen:
        ensure_visible(caller, pool.district, label, field=field, referenced=True)
    profile = await _profile(session, stated, holder_id)
    # The holder's year is opened only for a claim dated inside the pool's window: a claim dated in a year the
    # pool does not cover is refused (pool_closed) without leaving a quota row for that year behind.
    in_window = pool.opens_on <= claimed_on <= pool.closes_on
    quota = await _quota_row(session, holder_id, claimed_on.year) if in_window else None
    await _expire_pool_vouchers(session, caller, pool, claimed_on)
    counted = (
        await counted_this_year(session, holder_id, claimed_on.year, quota.claimed, claimed_on, params)
        if quota
        else Decimal("0.00")
    )
    problems = claim_problems(
        ClaimContext(
            claimed_on=claimed_on,
            amount=amount,
            pool_available=pool.available,
            pool_opens_on=pool.opens_on,
            pool_closes_on=pool.closes_on,
            claimed_this_year=counted,
            profile=profile,
            credit_records=await credit_records_of(session, holder_id),
        ),
        params,
    )
    if problems:
        raise problems_422(problems, "claim_refused", "申领未通过", CLAIM_FIELDS)
    assert quota is not None  # in the window, or claim_problems refused it (pool_closed)
    async with audit.change(session, caller, "claim", pool):
        pool.available -= amount
    async with audit.change(session, caller, "claim", quota):
        quota.claimed += amount
    voucher = Voucher(
        pool_id=pool.id,
        district=pool.district,
        holder_kind=profile.kind.value,
        holder_id=holder_id,
        holder_name=holder_name,
        face_value=amount,
        remaining=amount,
        returned=Decimal("0.00"),
        issued_on=claimed_on,
        last_valid_on=voucher_last_valid_day(claimed_on, params),
        status="active",
        priority_grounds=[g.value for g in priority_grounds(profile, claimed_on)],
    )
    return await audit.add(session, caller, "issue", voucher)


@dataclass(frozen=True)
class ClaimVerdict:
    """What a claim would come to: issued or refused with every reason, the year's total it is counted against."""

    accepted: bool
    problems: list[dict[str, str | None]]
    counted_this_year: Decimal
    quota_left: Decimal
    last_valid_on: dt.date
    parameter_version: str


@dataclass(frozen=True)
class ClaimWhatIf:
    published: ClaimVerdict
    scenario: ClaimVerdict | None


async def what_if_claim(
    session: AsyncSession,
    caller: Caller,
    pool_id: int,
    holder_id: str,
    amount: Decimal,
    claimed_on: dt.date,
    stated: ApplicantProfile,
    overrides: Mapping[str, str] | None,
) -> ClaimWhatIf:
    """A claim judged as the book stands and under ``overrides`` (figures and readings: V-03 among them), against the
    pool, the holder's year and records as they stand: nothing is issued, locked or collected. The pool's vouchers
    past their last valid day count as collected, as the claim would collect them first (四(二))."""
    voucher_params_on(claimed_on, "claimed_on")  # 422 for the day or the scenario before anything is read
    if overrides:  # the vouchers book's, and the institutes book's terms of a false-materials ban (G-01, G-02)
        with_overrides([vouchers_book().at(claimed_on), institutes_ban_terms(claimed_on)], overrides)
    label, field = "创新券批次", "pool_id"
    pool = await get_or_404(session, VoucherPool, pool_id, label, field=field, referenced=True)
    if not caller.is_citizen:
        ensure_visible(caller, pool.district, label, field=field, referenced=True)
    profile = await _profile(session, stated, holder_id)
    in_window = pool.opens_on <= claimed_on <= pool.closes_on
    claimed = (
        await session.scalar(
            select(AnnualQuota.claimed).where(
                AnnualQuota.holder_id_lookup == holder_id, AnnualQuota.year == claimed_on.year
            )
        )
        if in_window
        else None
    ) or Decimal("0.00")
    uncollected = await session.scalar(
        select(func.coalesce(func.sum(Voucher.remaining), 0)).where(
            Voucher.pool_id == pool.id, Voucher.status == "active", Voucher.last_valid_on < claimed_on
        )
    )

    async def verdict(scenario: Mapping[str, str] | None) -> ClaimVerdict:
        credit_records = await credit_records_of(session, holder_id, scenario)
        with scenario_computation(scenario):
            params = voucher_params_on(claimed_on, "claimed_on", of_book(scenario, "vouchers"))
            counted = await counted_this_year(session, holder_id, claimed_on.year, claimed, claimed_on, params)
            context = ClaimContext(
                claimed_on=claimed_on,
                amount=amount,
                pool_available=pool.available + Decimal(uncollected or 0),
                pool_opens_on=pool.opens_on,
                pool_closes_on=pool.closes_on,
                claimed_this_year=counted,
                profile=profile,
                credit_records=credit_records,
            )
            problems = claim_problems(context, params)
            last_valid_on = voucher_last_valid_day(claimed_on, params)
        return ClaimVerdict(
            accepted=not problems,
            problems=[
                {"field": CLAIM_FIELDS.get(p.code), "code": p.code, "detail": p.detail, "basis": p.basis}
                for p in problems
            ],
            counted_this_year=counted,
            quota_left=remaining_annual_quota(counted, params),
            last_valid_on=last_valid_on,
            parameter_version=params.version,
        )

    return ClaimWhatIf(await verdict(None), await verdict(overrides) if overrides else None)
