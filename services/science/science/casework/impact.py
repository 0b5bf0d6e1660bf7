"""Impact over a year's 创新券 兑付 (issue 31): every redemption submitted in the year recomputed from its stored
facts as decided and under a scenario, compared and summed by qz_common.impact. Nothing is written.

A redemption's figure is what the voucher pays for it: the subsidy of 三 for its service (type, fee, the 共享专区
platform; for a 保费 the figures of 衢政发〔2023〕1号 二8 on the day of the service), at most what is left on the
voucher (一(三), 四(二)). What is left depends on the voucher's earlier redemptions, which a scenario changes too, so
each voucher's redemptions are replayed from its face value in the order they were submitted; a rejected one held
what it reserved until the day of its review, and gave it back to the voucher or to the pool as the reading of V-11
says (a redemption submitted on the day of the review is taken as made before it); a 保费 compensated outside the
voucher draws nothing on it (P-05). The service facts a stored redemption does not keep (强制检测, the 专项审计
purpose) were checked when it was accepted and change no amount of an accepted one. The day of submission is judged
again against 四(四)'s deadline, which a reading moves (V-04), and against its carrier's 科研诚信 records on that day
and on the day of payment (V-13); the other checks of acceptance were passed at the door, and a scenario that would
accept more cannot bring back a refusal that was never stored (POST /v1/redemptions/what-if asks that of one
submission).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.identity import Caller, scoped_district
from qz_common.impact import ImpactOut, Outcome, RecordImpact, readings_used, summarise
from qz_common.params import RuleNotInForce
from qz_common.scenario import with_overrides
from science.casework.common import credit_records_of, of_book
from science.models import Carrier, CreditRecordRow, Redemption, Voucher
from science.parameters import policies_book, policy_params, voucher_params, vouchers_book
from science.rules.basis import IN_FORCE_FROM
from science.rules.credit import CreditRecord
from science.rules.params import PolicyParams
from science.rules.policies_2023 import in_force
from science.rules.voucher_lifecycle import carrier_ban_problems, redemption_deadline, reservation_back_to_voucher
from science.rules.voucher_subsidy import CLAUSE, ServiceRequest, ServiceType, draws_on_voucher, payable_for, subsidy

# The item of a redemption is its kind of service (三(一)–(五), 衢政发〔2023〕1号 二8).
SERVICE_LABELS = {
    ServiceType.COMMISSIONED_DEVELOPMENT.value: "委托开发",
    ServiceType.TECHNICAL_CONSULTING.value: "技术咨询",
    ServiceType.SPECIAL_AUDIT.value: "专项审计费",
    ServiceType.TESTING.value: "检验检测",
    ServiceType.FINANCIAL_CONSULTING.value: "财务咨询费",
    ServiceType.INSURANCE_PREMIUM.value: "科技成果先用后转保险保费补偿",
}
ZERO = Decimal("0.00")
REJECTED = "rejected"  # gave back what it reserved on the voucher (四(五))
CLAWED_BACK = "clawed_back"  # 五(二) 停拨 (before payment: gave back what it reserved) or 追回 (after)
PAYABLE = "payable"


def check_scenario(year: int, overrides: Mapping[str, str]) -> None:
    """422 for an override the voucher and policy books of ``year`` do not allow, before anything is read."""
    day = max(dt.date(year, 1, 1), IN_FORCE_FROM)
    with_overrides([vouchers_book().at(day), policies_book().at(day)], overrides)


def _policy(day: dt.date, overrides: Mapping[str, str]) -> PolicyParams | None:
    try:
        params = policy_params(day, of_book(overrides, "policies"))
    except RuleNotInForce:
        return None
    return params if in_force(day, params) else None


def _payment_day(redemption: Redemption) -> dt.date | None:
    """The day a redemption's payment is judged on: the day it was paid, or for one not yet paid (submitted or
    approved) the day it is due (四(五)); None for one refused or stopped, which nothing will pay."""
    if redemption.status == "paid":
        return redemption.paid_on
    return redemption.payment_due if redemption.status in ("submitted", "approved") else None


@dataclass(frozen=True)
class Findings:
    """What the replay reads beside the redemptions: each carrier's 科研诚信 records, and the day each redemption a
    listing stopped or clawed back (五(二) 停拨或追回) was found."""

    carrier_records: Mapping[int, tuple[CreditRecord, ...]]
    stopped_on: Mapping[int, dt.date]
    # The same records with their bans counted under the scenario (G-01, ``vouchers.fraud_ban_start_day_counted``).
    scenario_carrier_records: Mapping[int, tuple[CreditRecord, ...]]


def _gives_back(redemption: Redemption) -> bool:
    """Whether a redemption gave its reservation back: one rejected, or stopped by a listing before payment; not one
    clawed back after payment (the money goes to the treasury, not back to the voucher or the pool)."""
    return redemption.status == REJECTED or (redemption.status == CLAWED_BACK and redemption.paid_on is None)


def _given_back_on(redemption: Redemption, findings: Findings) -> dt.date | None:
    """The day it gave it back (None: before any later submission): a review's day, or a listing's."""
    return redemption.decided_on if redemption.status == REJECTED else findings.stopped_on.get(redemption.id)


def _replay(
    redemptions: list[tuple[Redemption, Voucher]], overrides: Mapping[str, str], findings: Findings
) -> dict[int, Outcome]:
    """One voucher's redemptions, in the order submitted: each one's outcome under ``overrides``.

    Each reserves what it would pay on the voucher when submitted (a 保费 compensated outside the voucher draws
    nothing, P-05). A rejected one gives its reservation back on the day of the review: to the voucher while the
    voucher is valid, so that a redemption submitted after that day can use it, else to the pool, and always to the
    pool under the other reading of V-11; one stopped by a 科研诚信 listing before payment likewise from the day of the
    finding, and one clawed back after payment keeps it (the money is recovered): both pay 0. A carrier under a 科研诚信
    record refuses a redemption naming it at the door (submitted while the ban runs) or at payment (paid, or due, while
    it runs), unless the reading of V-13 withholds only the carrier's own funds; one refused at payment keeps its
    reservation, as the stored command leaves it.
    """
    voucher = redemptions[0][1]
    remaining = voucher.face_value
    given_back: list[tuple[dt.date | None, Decimal]] = []  # reservations going back to the voucher, by day
    outcomes: dict[int, Outcome] = {}
    for redemption, _ in redemptions:
        remaining += sum((amount for day, amount in given_back if day is None or day < redemption.submitted_on), ZERO)
        given_back = [(day, amount) for day, amount in given_back if day is not None and day >= redemption.submitted_on]
        kind = ServiceType(redemption.service_type)
        service = ServiceRequest(kind, redemption.fee, via_shared_platform=redemption.via_shared_platform)
        params = voucher_params(max(voucher.issued_on, IN_FORCE_FROM), of_book(overrides, "vouchers"))
        policy = _policy(redemption.used_on, overrides)
        result = subsidy(service, params, policy)
        pay = payable_for(kind, result.subsidy, remaining, policy)
        reserved = pay.amount if draws_on_voucher(kind, policy) else ZERO
        bans = (findings.scenario_carrier_records if overrides else findings.carrier_records).get(
            redemption.carrier_id, ()
        )
        payment_day = _payment_day(redemption)
        if not result.supported:
            outcome = Outcome("service_not_supported", {}, {})
        elif redemption.submitted_on > redemption_deadline(voucher.issued_on, params):
            # 四(四) 逾期不予受理: a reading of the deadline (V-04) can put a submission accepted as made after it.
            outcome = Outcome("redemption_deadline_passed", {}, {})
        elif carrier_ban_problems(bans, redemption.submitted_on, params):
            outcome = Outcome("carrier_credit_ban", {}, {})
        elif redemption.status in (REJECTED, CLAWED_BACK):
            outcome = Outcome(redemption.status, {}, {})  # nothing paid, or what was paid recovered
            remaining -= reserved
            day = _given_back_on(redemption, findings)
            if _gives_back(redemption) and reservation_back_to_voucher(
                day is None or day <= voucher.last_valid_on, params
            ):
                given_back.append((day, reserved))
        elif payment_day is not None and carrier_ban_problems(bans, payment_day, params):
            outcome = Outcome("carrier_credit_ban", {}, {})  # 五(二): not paid, its reservation held
            remaining -= reserved
        else:
            outcome = Outcome(PAYABLE, {kind.value: pay.amount}, {kind.value: CLAUSE[kind]})
            remaining -= reserved
        outcomes[redemption.id] = outcome
    return outcomes


async def _findings(session: AsyncSession, redemptions: list[Redemption], overrides: Mapping[str, str]) -> Findings:
    """The 科研诚信 records of each carrier the redemptions name (as published and under ``overrides``), and the
    listings that stopped any of them."""
    carrier_ids = {r.carrier_id for r in redemptions}
    carriers = (await session.execute(select(Carrier.id, Carrier.uscc).where(Carrier.id.in_(carrier_ids)))).all()
    records = {carrier_id: await credit_records_of(session, uscc) for carrier_id, uscc in carriers}
    scenario = {carrier_id: await credit_records_of(session, uscc, overrides) for carrier_id, uscc in carriers}
    stopped = [r.id for r in redemptions if r.status == CLAWED_BACK]
    listings = await session.execute(
        select(CreditRecordRow.redemption_id, CreditRecordRow.decided_on)
        .where(CreditRecordRow.redemption_id.in_(stopped))
        .order_by(CreditRecordRow.decided_on)
    )
    stopped_on: dict[int, dt.date] = {}
    for redemption_id, decided_on in listings.all():
        if redemption_id is not None:
            stopped_on.setdefault(redemption_id, decided_on)
    return Findings(records, stopped_on, scenario)


async def year_impact(
    session: AsyncSession,
    caller: Caller,
    year: int,
    district: str | None,
    overrides: Mapping[str, str],
    *,
    largest: int,
    bins: int,
) -> ImpactOut:
    """The redemptions submitted in ``year`` on the vouchers of ``district`` (a district-bound caller: its own)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    of_the_year = select(Redemption.voucher_id).where(Redemption.submitted_on.between(start, end))
    # Their vouchers' every redemption up to the year's end: an earlier one counts against what is left.
    statement = (
        select(Redemption, Voucher)
        .join(Voucher, Voucher.id == Redemption.voucher_id)
        .where(Redemption.voucher_id.in_(of_the_year), Redemption.submitted_on <= end)
        .order_by(Redemption.voucher_id, Redemption.id)
    )
    if (scoped := scoped_district(caller, district)) is not None:
        statement = statement.where(Voucher.district == scoped)
    rows = [(r, v) for r, v in (await session.execute(statement)).all()]
    findings = await _findings(session, [r for r, _ in rows], overrides)
    records = []
    for _voucher_id, group in groupby(rows, key=lambda row: row[0].voucher_id):
        claims = list(group)
        before, after = _replay(claims, {}, findings), _replay(claims, overrides, findings)
        for redemption, voucher in claims:
            if redemption.submitted_on >= start:
                label = f"创新券 {voucher.id} 兑付 {redemption.id}"
                records.append(RecordImpact(str(redemption.id), label, before[redemption.id], after[redemption.id]))
    day = max(start, IN_FORCE_FROM)
    published = [vouchers_book().at(day), policies_book().at(day)]
    scenario_sets = with_overrides(published, overrides)
    return ImpactOut.of(
        summarise(records, largest=largest, bins=bins),
        scope=f"{year}年提交的创新券兑付申请 {len(records)} 件",
        labels=SERVICE_LABELS,
        scenario=overrides,
        parameter_versions={
            "before": ", ".join(f"{s.book}={s.version}" for s in published),
            "after": ", ".join(f"{s.book}={s.version}" for s in scenario_sets),
        },
        readings=readings_used(published, scenario_sets),
    )
