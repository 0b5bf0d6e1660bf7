"""视频监控 outages (附件2 一(二)5): automatic suspension after 24 h, a 48 h window on written request."""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.common import audit, institution_for, not_before_the_rules, of_institution
from medinsurance.models import Outage
from medinsurance.parameters import in_force
from medinsurance.rules.conduct import OutageStatus, SettlementStatus, outage_status
from qz_common.clock import in_quzhou
from qz_common.errors import ProblemError
from qz_common.identity import Caller


def status_at(row: Outage, at: dt.datetime) -> OutageStatus:
    """The settlement status at ``at`` (衢州 time), derived from the recorded times."""
    at = in_quzhou(at)
    return outage_status(
        in_quzhou(row.failed_at),
        at,
        in_force("conduct", at.date()).params,
        repaired_at=in_quzhou(row.repaired_at) if row.repaired_at else None,
        window_requested_at=in_quzhou(row.window_requested_at) if row.window_requested_at else None,
    )


async def find(session: AsyncSession, caller: Caller, outage_id: int, *, lock: bool = False) -> Outage:
    return await of_institution(session, caller, Outage, outage_id, "故障记录", field="outage_id", lock=lock)


async def report(session: AsyncSession, caller: Caller, institution_id: int, failed_at: dt.datetime) -> Outage:
    not_before_the_rules(in_quzhou(failed_at).date(), "failed_at")
    await institution_for(session, caller, institution_id, referenced=True)
    row = Outage(institution_id=institution_id, failed_at=in_quzhou(failed_at))
    return await audit.add(session, caller, "report", row)


async def _unrepaired(session: AsyncSession, caller: Caller, outage_id: int) -> Outage:
    row = await find(session, caller, outage_id, lock=True)
    if row.repaired_at is not None:
        raise ProblemError(409, "outage_repaired", "故障已修复")
    return row


async def request_window(
    session: AsyncSession, caller: Caller, outage_id: int, requested_at: dt.datetime, reason: str
) -> Outage:
    """ "有特殊情形的…可提交书面说明,申请临时开通48小时医保结算服务": once per outage, once settlement is suspended."""
    row = await _unrepaired(session, caller, outage_id)
    if row.window_requested_at is not None:
        raise ProblemError(409, "window_used", "该故障已申请过临时开通")
    if status_at(row, requested_at).status is not SettlementStatus.SUSPENDED:
        raise ProblemError(
            409, "not_suspended", "未正常运行超过24小时被暂停结算后方可申请临时开通", field="requested_at"
        )
    async with audit.change(session, caller, "temporary_window", row):
        row.window_requested_at = in_quzhou(requested_at)
        row.window_reason = reason
    return row


async def repair(session: AsyncSession, caller: Caller, outage_id: int, repaired_at: dt.datetime) -> Outage:
    row = await _unrepaired(session, caller, outage_id)
    if in_quzhou(repaired_at) < in_quzhou(row.failed_at):
        raise ProblemError(422, "repair_before_failure", "修复时间早于故障时间", field="repaired_at")
    async with audit.change(session, caller, "repair", row):
        row.repaired_at = in_quzhou(repaired_at)
    return row
