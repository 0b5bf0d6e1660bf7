"""跨社区移址 filings (附件1 一(一)) for an operating entity's designated institutions at an address."""

from fastapi import APIRouter
from sqlalchemy import select

from medinsurance.api.common import audit, idempotent
from medinsurance.api.schemas import RelocationFiledOut, RelocationIn, RelocationOut
from medinsurance.models import Agreement, Institution, RelocationFiling
from medinsurance.rules.agreements import relocation_needs_approval
from medinsurance.rules.basis import basis
from medinsurance.rules.eligibility import InstitutionType
from qz_common.app import Session
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Writer

router = APIRouter(prefix="/v1", tags=["relocations"])


@router.post("/relocation-filings", status_code=201, summary="跨社区移址报备", response_model=RelocationOut)
async def file_relocation(
    body: RelocationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> RelocationOut:
        stmt = (
            select(Institution)
            .join(Agreement, Agreement.institution_id == Institution.id)
            .where(
                Institution.uscc == body.operator_uscc,
                Institution.address == body.from_address,
                Agreement.state.in_(["active", "suspended"]),
            )
            .order_by(Institution.id)
            .distinct()
        )
        if caller.district is not None:
            stmt = stmt.where(Institution.district == caller.district)
        filed: list[RelocationFiledOut] = []
        for inst in (await session.scalars(stmt)).all():
            pharmacy = inst.kind in (InstitutionType.RETAIL_PHARMACY, InstitutionType.INTERNET_PHARMACY)
            needs = relocation_needs_approval(
                pharmacy=pharmacy, secondary_or_above=inst.secondary_or_above, cross_community=True
            )
            row = RelocationFiling(
                institution_id=inst.id,
                operator_uscc=body.operator_uscc,
                from_address=body.from_address,
                to_address=body.to_address,
                reference=body.reference,
                needs_approval=needs,
                status="pending_approval" if needs else "filed",
                basis=basis("附件1 一(一)"),
            )
            session.add(row)
            await session.flush()
            audit.record(session, caller, "file_relocation", row)
            filed.append(RelocationFiledOut.model_validate(row))
        return RelocationOut(filed=filed)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)
