"""科研诚信记录 (44号 五(二)): fraud stops or recovers funds and bars science funding for 3 years."""

import datetime as dt
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.pii import ID_NUMBER, keyring_of
from science.casework.common import audit, ban_terms, params_on
from science.casework.redemptions import locked, readable, release
from science.models import Carrier, CreditRecordRow, Redemption
from science.rules.credit import CREDIT_BASIS, CreditKind, CreditRecord, CreditSubject


def _ban(kind: CreditKind, decided_on: dt.date) -> CreditRecord:
    """44号 五(二) 3年内 for voucher fraud; 43号 三(六) 三年内 for an institute's false materials: years and their
    counting (G-01) as the book of the record's kind publishes them on the day decided (422 before it took effect)."""
    years, counted = params_on(partial(ban_terms, kind), decided_on, "decided_on")
    return CreditRecord(kind, decided_on, years, start_day_counted=counted)


# A decision's identity names its subject by the first digits of its id's blind index, as many as the id has: the
# identity keeps its length (qz_common.idempotency.Decision.key), and 72 bits tell subjects apart.
SUBJECT_KEY_LENGTH = 18


def subject_key(session: AsyncSession, subject_id: str) -> str:
    """How a credit decision's identity names its subject: by its id's blind index (a decision's identity is stored in
    clear, and a 创业者's id is a 身份证号)."""
    return keyring_of(session.get_bind().dialect).lookup(ID_NUMBER, subject_id)[:SUBJECT_KEY_LENGTH]


async def _carrier_of(session: AsyncSession, uscc: str, kind: CreditKind) -> Carrier:
    carrier = await session.scalar(select(Carrier).where(Carrier.uscc == uscc))
    if carrier is None:
        raise ProblemError(422, "carrier_not_registered", "该统一社会信用代码不是已注册的创新载体", field="subject_id")
    if kind is not CreditKind.VOUCHER_FRAUD:
        detail = "创新载体只适用创新券骗取财政资金记录（44号 五(二)）"
        raise ProblemError(422, "kind_not_for_carrier", detail, field="kind")
    return carrier


async def cited_redemption(session: AsyncSession, caller: Caller, redemption_id: int | None) -> Redemption | None:
    """The redemption a listing stops or claws back, if it cites one: one this caller may act on (422
    reference_not_found for another district's, as for an unused id)."""
    return None if redemption_id is None else await readable(session, caller, redemption_id, referenced=True)


async def _claw_back(
    session: AsyncSession, caller: Caller, redemption_id: int, subject_id: str, carrier: Carrier | None, reason: str
) -> None:
    """五(二) 停拨或追回财政资金: the redemption the fraud concerns is stopped (its reservation given back) or, once
    paid, marked for recovery."""
    redemption = await locked(session, caller, redemption_id, referenced=True)
    concerned = redemption.carrier_id == carrier.id if carrier else redemption.holder_id == subject_id
    if not concerned:
        raise ProblemError(422, "subject_mismatch", "兑付申请不属于该主体", field="redemption_id")
    if redemption.status not in ("submitted", "approved", "paid"):
        return
    async with audit.change(session, caller, "claw_back", redemption):
        was_paid = redemption.status == "paid"
        redemption.status = "clawed_back"
        redemption.decision_reasons = [("追回已拨付财政资金" if was_paid else "停拨") + f"：{reason}"]
        if not was_paid:
            await release(session, caller, redemption)


async def record(
    session: AsyncSession,
    caller: Caller,
    subject_id: str,
    subject_kind: CreditSubject,
    kind: CreditKind,
    decided_on: dt.date,
    reason: str,
    redemption_id: int | None,
    document: str | None,
) -> CreditRecordRow:
    """列入科研诚信记录, with the redemption it concerns stopped or clawed back."""
    ban = _ban(kind, decided_on)
    carrier = await _carrier_of(session, subject_id, kind) if subject_kind is CreditSubject.CARRIER else None
    if redemption_id is not None:
        await _claw_back(session, caller, redemption_id, subject_id, carrier, reason)
    row = CreditRecordRow(
        subject_id=subject_id,
        kind=kind.value,
        decided_on=ban.decided_on,
        ban_until=ban.ban_until,
        reason=reason,
        basis=CREDIT_BASIS[kind],
        document_number=document,
        redemption_id=redemption_id,
    )
    return await audit.add(session, caller, "credit_record", row)
