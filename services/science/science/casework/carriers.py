"""创新载体 that accept vouchers (44号 一(二), 三(六)) and the users related to them (二 末段)."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.db import get_in_district
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district
from science.casework.common import audit, problems_422
from science.models import Carrier
from science.rules.voucher_lifecycle import CarrierChannel, carrier_registration_problems


def holder_ids(ids: Iterable[str]) -> list[str]:
    """统一社会信用代码 and 身份证号 as stored and compared: trimmed, upper case (the X of an ID number)."""
    return [i.strip().upper() for i in ids]


async def register(session: AsyncSession, caller: Caller, carrier: Carrier) -> Carrier:
    ensure_district(caller, carrier.district)
    problems = carrier_registration_problems(carrier.in_quzhou, CarrierChannel(carrier.channel))
    if problems:
        raise problems_422(problems, "carrier_channel", "创新载体注册渠道不符", {"carrier_channel": "channel"})
    if await session.scalar(select(Carrier.id).where(Carrier.uscc == carrier.uscc)) is not None:
        raise ProblemError(409, "carrier_exists", "该创新载体已注册", field="uscc")
    carrier.status = "active"
    carrier.related_holders = holder_ids(carrier.related_holders)
    return await audit.add(session, caller, "register", carrier)


async def readable(session: AsyncSession, caller: Caller, carrier_id: int) -> Carrier:
    return await get_in_district(session, caller, Carrier, carrier_id, "创新载体", field="carrier_id")


async def update(
    session: AsyncSession, caller: Caller, carrier_id: int, status: str | None, related_holders: list[str] | None
) -> Carrier:
    """Suspend or reactivate the carrier, or replace its list of related users (None leaves either as it is)."""
    carrier = await get_in_district(session, caller, Carrier, carrier_id, "创新载体", field="carrier_id", lock=True)
    async with audit.change(session, caller, "update", carrier):
        if status is not None:
            carrier.status = status
        if related_holders is not None:
            carrier.related_holders = holder_ids(related_holders)
    return carrier
