"""What this service holds on one enterprise or person: the cross-bureau dossier and the citizen's own view."""

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.app import Session
from qz_common.identity import Citizen, Reader
from qz_common.ids import USCC, IdNumber
from science.api.schemas import CreditFlag, EnterpriseOut, InstituteOut, RedemptionOut, VoucherOut
from science.models import CreditRecordRow, Enterprise, Institute, Redemption, Voucher
from science.rules.basis import institutes as cite_institutes

router = APIRouter(tags=["dossiers"])


class HolderRecords(BaseModel):
    vouchers: list[VoucherOut]
    redemptions: list[RedemptionOut]
    credit_flags: list[CreditFlag]


class EnterpriseDossier(HolderRecords):
    enterprise: EnterpriseOut | None
    institutes: list[InstituteOut]


async def _holder_records(session: AsyncSession, holder_id: str, district: str | None) -> HolderRecords:
    vouchers_stmt = select(Voucher).where(Voucher.holder_id == holder_id).order_by(Voucher.id)
    if district:
        vouchers_stmt = vouchers_stmt.where(Voucher.district == district)
    vouchers = list((await session.scalars(vouchers_stmt)).all())
    voucher_ids = [v.id for v in vouchers]
    redemptions = (
        list(
            (
                await session.scalars(
                    select(Redemption).where(Redemption.voucher_id.in_(voucher_ids)).order_by(Redemption.id)
                )
            ).all()
        )
        if voucher_ids
        else []
    )
    credits = (
        await session.scalars(
            select(CreditRecordRow).where(CreditRecordRow.subject_id == holder_id).order_by(CreditRecordRow.id)
        )
    ).all()
    flags = [
        CreditFlag(
            code=c.kind,
            detail=(
                f"列入科研诚信记录：{c.reason}；{c.decided_on.isoformat()} 至 {c.ban_until.isoformat()}"
                "不予科技项目和财政科技资金支持"
            ),
            since=c.decided_on,
            until=c.ban_until,
            basis=c.basis,
        )
        for c in credits
    ]
    return HolderRecords(
        vouchers=[VoucherOut.model_validate(v) for v in vouchers],
        redemptions=[RedemptionOut.model_validate(r) for r in redemptions],
        credit_flags=flags,
    )


@router.get("/v1/dossiers/enterprises/{uscc}", summary="企业档案（供网关跨部门汇总）")
async def enterprise_dossier(
    uscc: Annotated[USCC, "统一社会信用代码"], caller: Reader, session: Session
) -> EnterpriseDossier:
    enterprise = await session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
    if enterprise is not None and caller.district and enterprise.district != caller.district:
        enterprise = None
    stmt = select(Institute).where(Institute.enterprise_uscc == uscc).order_by(Institute.id)
    if caller.district:
        stmt = stmt.where(Institute.district == caller.district)
    institutes = list((await session.scalars(stmt)).all())
    held = await _holder_records(session, uscc, caller.district)
    flags = list(held.credit_flags)
    for institute in institutes:
        if institute.status == "revoked" and institute.status_changed_on is not None:
            flags.append(
                CreditFlag(
                    code="institute_revoked",
                    detail=f"{institute.name}资格已取消：{institute.status_reason or ''}",
                    since=institute.status_changed_on,
                    until=None,
                    basis=institute.status_basis or cite_institutes("三(六)"),
                )
            )
    return EnterpriseDossier(
        enterprise=EnterpriseOut.model_validate(enterprise) if enterprise else None,
        institutes=[InstituteOut.model_validate(i) for i in institutes],
        vouchers=held.vouchers,
        redemptions=held.redemptions,
        credit_flags=flags,
    )


@router.get("/v1/dossiers/citizens/{id_number}", summary="个人（创业者）档案（供网关跨部门汇总）")
async def citizen_dossier(
    id_number: Annotated[IdNumber, "身份证号"], caller: Reader, session: Session
) -> HolderRecords:
    return await _holder_records(session, id_number, caller.district)


@router.get("/v1/me/records", summary="本人（创业者）的创新券、兑付和诚信记录（浙里办）")
async def my_records(citizen: Citizen, session: Session) -> HolderRecords:
    assert citizen.citizen_id is not None
    return await _holder_records(session, citizen.citizen_id, None)
