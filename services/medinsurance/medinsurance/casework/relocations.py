"""跨社区移址 filings (附件1 一(一)) for an operating entity's designated institutions at an address."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.agreements import LIVE
from medinsurance.casework.common import audit, is_pharmacy
from medinsurance.models import Agreement, Institution, RelocationFiling
from medinsurance.rules.agreements import relocation_needs_approval
from medinsurance.rules.basis import basis
from qz_common.identity import Caller


async def file(
    session: AsyncSession, caller: Caller, operator_uscc: str, from_address: str, to_address: str, reference: str
) -> list[RelocationFiling]:
    """One filing per designated institution (a live agreement) of the entity at ``from_address`` in the caller's
    district; "二级以下定点医疗机构及定点零售药店跨社区移址的,须事先报备,获得许可后方可移址"."""
    stmt = (
        select(Institution)
        .join(Agreement, Agreement.institution_id == Institution.id)
        .where(Institution.uscc == operator_uscc, Institution.address == from_address, Agreement.state.in_(LIVE))
        .order_by(Institution.id)
        .distinct()
    )
    if caller.district is not None:
        stmt = stmt.where(Institution.district == caller.district)
    filed = []
    for inst in (await session.scalars(stmt)).all():
        needs = relocation_needs_approval(
            pharmacy=is_pharmacy(inst), secondary_or_above=inst.secondary_or_above, cross_community=True
        )
        row = RelocationFiling(
            institution_id=inst.id,
            operator_uscc=operator_uscc,
            from_address=from_address,
            to_address=to_address,
            reference=reference,
            needs_approval=needs,
            status="pending_approval" if needs else "filed",
            basis=basis("附件1 一(一)"),
        )
        await audit.add(session, caller, "file_relocation", row)
        filed.append(row)
    return filed
