"""What is due for a 浙里办 holder (issue 27, ``GET /v1/me/notices``), computed from the records when asked: the
creation of notices from the rules' deadlines, in the one shape the gateway merges (qz_common.notices).

A notice is a thing still to do. A voucher past its last day has nothing left to do (逾期系统自动收回), so it is not
listed; a 科技统计年报 past its day is still owed, so it is listed as overdue (reading I-19)."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.notices import Notice, due_first
from science.casework.common import MANAGED_STATUSES
from science.models import Institute, InstituteAnnualReport, Voucher
from science.parameters import institute_params, voucher_params
from science.rules.basis import IN_FORCE_FROM
from science.rules.institute_management import InstituteStatus, reports_due
from science.rules.voucher_lifecycle import redeem_by

REDEEM_AT = "/api/v1/me/science/redemptions"
REPORT_AT = "属地科技管理部门"  # 三(一) 属地管理; the 办法 names no channel for the 年报


async def _voucher_notices(session: AsyncSession, holder_id: str, as_of: dt.date) -> list[Notice]:
    """Each active voucher of the holder with value left: the last day a redemption may be submitted against it."""
    rows = await session.scalars(
        select(Voucher).where(Voucher.holder_id_lookup == holder_id, Voucher.status == "active", Voucher.remaining > 0)
    )
    notices = []
    for voucher in rows:
        # The parameters the redemption itself is judged by (casework.redemptions).
        due_on, basis = redeem_by(voucher.issued_on, voucher_params(max(voucher.issued_on, IN_FORCE_FROM)))
        if due_on < as_of:
            continue
        notices.append(
            Notice(
                due_on=due_on,
                kind="science.voucher_expires",
                title=f"创新券余额 {voucher.remaining} 元，须于 {due_on.isoformat()} 前（含当日）在线提交兑付申请",
                basis=basis,
                act_at=REDEEM_AT,
                record=f"vouchers/{voucher.id}",
                overdue=False,
            )
        )
    return notices


async def _report_notices(session: AsyncSession, uscc: str, as_of: dt.date) -> list[Notice]:
    """Each year's 科技统计年报 a recognised institute of the enterprise still owes (三(五), I-19)."""
    institutes = await session.scalars(
        select(Institute).where(Institute.enterprise_uscc == uscc, Institute.status.in_(MANAGED_STATUSES))
    )
    notices = []
    for institute in institutes:
        since = institute.recognised_on or institute.applied_on  # as file_annual_report dates its parameters
        reported = await session.scalars(
            select(InstituteAnnualReport.year).where(InstituteAnnualReport.institute_id == institute.id)
        )
        warned = ""
        if institute.status == InstituteStatus.YELLOW_WARNING:
            warned = "（已黄色预警，连续两年研发投入不达标将取消资格）"
        for due in reports_due(since, reported, as_of, institute_params(since)):
            notices.append(
                Notice(
                    due_on=due.due_on,
                    kind="science.annual_report_due",
                    title=f"{institute.name}须填报{due.year}年度科技统计年报{warned}",
                    basis=due.basis,
                    act_at=REPORT_AT,
                    record=f"institutes/{institute.id}/annual-reports/{due.year}",
                    overdue=due.due_on < as_of,
                )
            )
    return notices


async def notices_of(session: AsyncSession, holder_id: str, as_of: dt.date) -> list[Notice]:
    """The holder's notices, earliest first: its vouchers' last days, and, for an enterprise (a 身份证号 hosts no
    研究院), its institutes' annual reports."""
    found = await _voucher_notices(session, holder_id, as_of) + await _report_notices(session, holder_id, as_of)
    return due_first(found)
