"""Enterprises by 统一社会信用代码, their qualifications and the 44号 二(四) “四色” quarterly updates."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.clock import today
from qz_common.db import no_such_record
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district
from science.casework.common import ENTERPRISE, MANAGED_STATUSES, audit, enterprise_of, problems_422
from science.models import Enterprise, FourColourUpdate, Institute, InstituteEvent
from science.parameters import voucher_params
from science.rules.institute_management import ReviewTrigger, hitech_loss_review
from science.rules.voucher_lifecycle import (
    FOUR_COLOUR_BASIS,
    four_colour_due_on,
    four_colour_update_problems,
    quarter_starts_on,
)

# A qualification sent as null is left as it stands, except the 高新 validity: null there says the enterprise no
# longer holds the certificate.
CLEARABLE = frozenset({"hitech_valid_until"})


async def register(session: AsyncSession, caller: Caller, enterprise: Enterprise) -> Enterprise:
    ensure_district(caller, enterprise.district)
    if await session.scalar(select(Enterprise.id).where(Enterprise.uscc == enterprise.uscc)) is not None:
        raise ProblemError(409, "enterprise_exists", "该统一社会信用代码的企业已登记", field="uscc")
    return await audit.add(session, caller, "register", enterprise)


async def readable(session: AsyncSession, caller: Caller, uscc: str) -> Enterprise:
    return await enterprise_of(session, caller, uscc)


async def update(session: AsyncSession, caller: Caller, uscc: str, changes: Mapping[str, Any]) -> Enterprise:
    """Correct the enterprise record; a 高新 validity that has ended by today opens a review of each of its
    recognised institutes (43号 三(六)2)."""
    enterprise = await enterprise_of(session, caller, uscc, lock=True)
    hitech_before = enterprise.hitech_valid_until
    async with audit.change(session, caller, "update", enterprise):
        for key, value in changes.items():
            if value is not None or key in CLEARABLE:
                setattr(enterprise, key, value)
    trigger = hitech_loss_review(hitech_before, enterprise.hitech_valid_until, today())
    if trigger is not None:
        await _open_reviews(session, caller, enterprise.uscc, trigger)
    return enterprise


async def _open_reviews(session: AsyncSession, caller: Caller, uscc: str, trigger: ReviewTrigger) -> None:
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
        await audit.add(session, caller, "review_opened", event)


async def record_four_colour_update(
    session: AsyncSession, caller: Caller, uscc: str, year: int, quarter: int, listed: bool, updated_on: dt.date
) -> FourColourUpdate:
    """44号 二(四) 每季度更新一次，由属地科技管理部门在季末25日前进行更新: one entry per enterprise and quarter."""
    problems = four_colour_update_problems(year, quarter, updated_on)
    if problems:
        fields = {"not_in_force": "year", "update_before_quarter": "updated_on"}
        raise problems_422(problems, "four_colour_update_refused", "培育库更新不予受理", fields)
    due_on = four_colour_due_on(year, quarter, voucher_params(quarter_starts_on(year, quarter)))
    label = f"{year}Q{quarter}"
    enterprise = await enterprise_of(session, caller, uscc, lock=True)
    recorded = (
        await session.scalars(select(FourColourUpdate.quarter).where(FourColourUpdate.enterprise_uscc == uscc))
    ).all()
    if label in recorded:
        raise ProblemError(409, "quarter_recorded", f"{label} 已更新", field="quarter")
    entry = FourColourUpdate(
        enterprise_uscc=uscc,
        quarter=label,
        listed=listed,
        updated_on=updated_on,
        due_on=due_on,
        on_time=updated_on <= due_on,
        basis=FOUR_COLOUR_BASIS,
    )
    session.add(entry)
    # The list as it stands is the latest quarter's: a late entry for an earlier quarter changes only history.
    if all(label > other for other in recorded) and enterprise.on_four_colour_list != listed:
        async with audit.change(session, caller, "four_colour", enterprise):
            enterprise.on_four_colour_list = listed
    await session.flush()
    audit.record(session, caller, "four_colour_update", entry)
    return entry


async def of_signed_in(session: AsyncSession, user: Caller) -> tuple[Enterprise, list[FourColourUpdate]]:
    """A 浙里办 legal person's own enterprise and its “四色” quarterly updates (44号 二(四)); a person holds no
    enterprise, and gets the answer of an unregistered code."""
    if user.enterprise_id is None:
        raise no_such_record(ENTERPRISE, None)
    # No field is named: the code is the signed-in user's own, not one the request sent.
    enterprise = await enterprise_of(session, user, user.enterprise_id, field=None)
    return enterprise, await _four_colour_updates_of(session, enterprise.uscc)


async def four_colour_updates(session: AsyncSession, caller: Caller, uscc: str) -> list[FourColourUpdate]:
    await readable(session, caller, uscc)
    return await _four_colour_updates_of(session, uscc)


async def _four_colour_updates_of(session: AsyncSession, uscc: str) -> list[FourColourUpdate]:
    rows = await session.scalars(
        select(FourColourUpdate).where(FourColourUpdate.enterprise_uscc == uscc).order_by(FourColourUpdate.quarter)
    )
    return list(rows)
