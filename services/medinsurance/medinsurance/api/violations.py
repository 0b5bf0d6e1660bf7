"""协议处理 decisions (五(三)) with 违约金 (五(五)) and 附件3 circumstances; 中止 applied to the agreement."""

from fastapi import APIRouter
from sqlalchemy import select

from medinsurance.api.common import commands, institution_in_district
from medinsurance.api.schemas.common import PathId, QueryId
from medinsurance.api.schemas.violations import ViolationIn, ViolationOut
from medinsurance.casework import violations
from medinsurance.casework.common import institution_for, of_institution
from medinsurance.models import Violation
from qz_common.app import Engine, Session
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["violations"])

_VIOLATIONS = PagedSelect(
    select(Violation).order_by(Violation.id),
    institution_id=Violation.institution_id,
    district=institution_in_district(Violation.institution_id),
)


@router.post("/violations", status_code=201, summary="记录协议处理决定", response_model=ViolationOut)
async def record_violation(
    body: ViolationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def decide() -> ViolationOut:
        facts = violations.ViolationFacts(**body.model_dump(exclude={"document_number"}))
        return ViolationOut.model_validate(await violations.record(session, caller, facts))

    kind = f"violation:{body.case}"
    return await commands.run(
        session,
        caller,
        decide,
        request=body,
        key=idempotency_key,
        decision=Decision("institution", body.institution_id, kind, body.decided_on, body.document_number or ""),
        authorise=lambda: institution_for(session, caller, body.institution_id, referenced=True),
        status_code=201,
    )


@router.get("/violations", summary="协议处理记录列表")
async def list_violations(
    caller: Reader, engine: Engine, paging: Paging, institution_id: QueryId = None
) -> Page[ViolationOut]:
    return await _VIOLATIONS.fetch(
        engine,
        paging,
        ViolationOut.model_validate,
        institution_id=institution_id,
        district=scoped_district(caller, None),
    )


@router.get("/violations/{violation_id}", summary="协议处理记录详情")
async def get_violation(violation_id: PathId, caller: Reader, session: Session) -> ViolationOut:
    row = await of_institution(session, caller, Violation, violation_id, "协议处理记录", field="violation_id")
    return ViolationOut.model_validate(row)
