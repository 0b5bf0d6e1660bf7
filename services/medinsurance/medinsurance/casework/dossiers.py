"""What this service holds on a person or an enterprise, for /v1/me and the gateway's cross-bureau dossiers."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.agreements import as_of
from medinsurance.models import Agreement, Institution, ProxyAuthorisation, Violation
from medinsurance.rules.agreements import Agreement as AgreementView
from medinsurance.rules.agreements import AgreementState
from medinsurance.rules.basis import basis
from qz_common.clock import today
from qz_common.identity import Caller
from qz_common.periods import add_years

FLAGGED_TIER = 3  # 五(三)3 and above: 违约金, 中止 or 解除


@dataclass(frozen=True)
class CreditFlag:
    code: str
    detail: str
    since: dt.date | None
    until: dt.date | None
    basis: str


@dataclass(frozen=True)
class Enterprise:
    institutions: list[Institution]
    agreements: list[tuple[Agreement, AgreementView]]  # each with its state today
    violations: list[Violation]
    credit_flags: list[CreditFlag]


async def proxies_of(session: AsyncSession, id_number: str, district: str | None = None) -> list[ProxyAuthorisation]:
    """The person's 代配药 authorisations, as principal or agent; those of ``district`` only when given."""
    stmt = (
        select(ProxyAuthorisation)
        .where(
            or_(
                ProxyAuthorisation.principal_id_number_lookup == id_number,
                ProxyAuthorisation.agent_id_number_lookup == id_number,
            )
        )
        .order_by(ProxyAuthorisation.id)
    )
    if district is not None:
        stmt = stmt.where(ProxyAuthorisation.district == district)
    return list((await session.scalars(stmt)).all())


async def institutions_led_by(session: AsyncSession, caller: Caller, id_number: str) -> list[Institution]:
    stmt = select(Institution).where(Institution.legal_rep_id_number_lookup == id_number).order_by(Institution.id)
    if caller.district:
        stmt = stmt.where(Institution.district == caller.district)
    return list((await session.scalars(stmt)).all())


def _agreement_flag(row: Agreement, view: AgreementView) -> CreditFlag | None:
    if view.state is AgreementState.TERMINATED and view.terminated_on is not None:
        return CreditFlag(
            code="agreement_terminated",
            detail=f"医保协议{row.id}解除：{view.reason}",
            since=view.terminated_on,
            # Reading A-53: the shortest 不予受理 window of a 解除 (二(三)2 医疗机构(6), 1 year).
            until=add_years(view.terminated_on, 1) - dt.timedelta(days=1),
            basis=basis("二(三)2 医疗机构不予受理(6)") + "; " + view.basis,
        )
    if view.state is AgreementState.SUSPENDED:
        return CreditFlag(
            code="agreement_suspended",
            detail=f"医保协议{row.id}中止",
            since=row.suspended_from,
            until=row.suspended_until,
            basis=view.basis,
        )
    return None


async def enterprise(session: AsyncSession, caller: Caller, uscc: str) -> Enterprise:
    """The entity's institutions (in the caller's district), their agreements as they stand today, their 协议处理
    decisions, and the credit flags a 解除, a running 中止 or a decision of tier 3 and above raise."""
    stmt = select(Institution).where(Institution.uscc == uscc).order_by(Institution.id)
    if caller.district:
        stmt = stmt.where(Institution.district == caller.district)
    institutions = list((await session.scalars(stmt)).all())
    ids = [i.id for i in institutions]
    rows = (
        await session.scalars(select(Agreement).where(Agreement.institution_id.in_(ids)).order_by(Agreement.id))
    ).all()
    violations = list(
        (await session.scalars(select(Violation).where(Violation.institution_id.in_(ids)).order_by(Violation.id))).all()
    )
    day = today()
    agreements = [(row, as_of(row, day)) for row in rows]
    flags = [flag for row, view in agreements if (flag := _agreement_flag(row, view)) is not None]
    flags += [
        CreditFlag(
            code=f"violation_{v.case_code}",
            detail=f"协议处理 {v.case_code}（第{v.tier}档）",
            since=v.decided_on,
            until=None,
            basis=v.basis,
        )
        for v in violations
        if v.tier >= FLAGGED_TIER
    ]
    return Enterprise(institutions, agreements, violations, flags)
