"""跨社区移址 filings (附件1 一(一)) for an operating entity's designated institutions at an address."""

from fastapi import APIRouter

from medinsurance.api.common import commands
from medinsurance.api.schemas.relocations import RelocationFiledOut, RelocationIn, RelocationOut
from medinsurance.casework import relocations
from qz_common.app import Session
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Writer

router = APIRouter(prefix="/v1", tags=["relocations"])


@router.post("/relocation-filings", status_code=201, summary="跨社区移址报备", response_model=RelocationOut)
async def file_relocation(
    body: RelocationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def file() -> RelocationOut:
        rows = await relocations.file(
            session, caller, body.operator_uscc, body.from_address, body.to_address, body.reference
        )
        return RelocationOut(filed=[RelocationFiledOut.model_validate(r) for r in rows])

    return await commands.run(session, caller, file, request=body, key=idempotency_key, status_code=201)
