"""What this service holds on one enterprise or person, for the cross-bureau dossier and the citizen's own view."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from science.models import CreditRecordRow, Enterprise, Institute, Redemption, Voucher
from science.rules.basis import institutes as cite_institutes


@dataclass(frozen=True)
class CreditFlag:
    """A sanction another bureau should know of: its code, what it means, its period and basis."""

    code: str
    detail: str
    since: dt.date
    until: dt.date | None
    basis: str


@dataclass(frozen=True)
class HolderRecords:
    vouchers: list[Voucher]
    redemptions: list[Redemption]
    credit_flags: list[CreditFlag]


@dataclass(frozen=True)
class EnterpriseRecords(HolderRecords):
    enterprise: Enterprise | None
    institutes: list[Institute]


def _credit_flag(record: CreditRecordRow) -> CreditFlag:
    return CreditFlag(
        code=record.kind,
        detail=(
            f"列入科研诚信记录：{record.reason}；{record.decided_on.isoformat()} 至 {record.ban_until.isoformat()}"
            "不予科技项目和财政科技资金支持"
        ),
        since=record.decided_on,
        until=record.ban_until,
        basis=record.basis,
    )


def _revocation_flag(institute: Institute, on: dt.date) -> CreditFlag:
    return CreditFlag(
        code="institute_revoked",
        detail=f"{institute.name}资格已取消：{institute.status_reason or ''}",
        since=on,
        until=None,
        basis=institute.status_basis or cite_institutes("三(六)"),
    )


async def holder_records(session: AsyncSession, holder_id: str, district: str | None) -> HolderRecords:
    """The holder's vouchers (of ``district`` only, when given), their redemptions and the holder's credit flags."""
    vouchers_stmt = select(Voucher).where(Voucher.holder_id_lookup == holder_id).order_by(Voucher.id)
    if district:
        vouchers_stmt = vouchers_stmt.where(Voucher.district == district)
    vouchers = list((await session.scalars(vouchers_stmt)).all())
    voucher_ids = [v.id for v in vouchers]
    redemptions = (
        list(
            await session.scalars(
                select(Redemption).where(Redemption.voucher_id.in_(voucher_ids)).order_by(Redemption.id)
            )
        )
        if voucher_ids
        else []
    )
    credits = await session.scalars(
        select(CreditRecordRow).where(CreditRecordRow.subject_id_lookup == holder_id).order_by(CreditRecordRow.id)
    )
    return HolderRecords(vouchers, redemptions, [_credit_flag(c) for c in credits])


async def enterprise_records(session: AsyncSession, uscc: str, district: str | None) -> EnterpriseRecords:
    """Everything about the enterprise a caller of ``district`` (None: every district) may see; a revoked institute
    is a credit flag too (43号 三(六))."""
    enterprise = await session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if enterprise is not None and district and enterprise.district != district:
        enterprise = None
    stmt = select(Institute).where(Institute.enterprise_uscc == uscc).order_by(Institute.id)
    if district:
        stmt = stmt.where(Institute.district == district)
    institutes = list((await session.scalars(stmt)).all())
    held = await holder_records(session, uscc, district)
    revocations = [
        _revocation_flag(i, i.status_changed_on)
        for i in institutes
        if i.status == "revoked" and i.status_changed_on is not None
    ]
    return EnterpriseRecords(
        held.vouchers, held.redemptions, held.credit_flags + revocations, enterprise=enterprise, institutes=institutes
    )
