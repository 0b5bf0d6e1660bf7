"""新增定点 evaluations (二(三)3, 附件4 表1/表2): the sheets of an application's evaluation, scored and stored."""

from fastapi import APIRouter
from sqlalchemy import select

from medinsurance.api.common import commands
from medinsurance.api.schemas.common import QueryId
from medinsurance.api.schemas.evaluations import EvaluationRecordIn, EvaluationRecordOut
from medinsurance.casework import applications, evaluations
from medinsurance.models import Evaluation
from medinsurance.rules.application import AppEvent
from qz_common.app import Engine, Session
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["applications"])

_EVALUATIONS = PagedSelect(
    select(Evaluation).order_by(Evaluation.id),
    application_id=Evaluation.application_id,
    district=Evaluation.district,
)


@router.post(
    "/evaluations",
    status_code=201,
    summary="登记评估（附件4 表1/表2 评估表，服务计分，定点申请随之合格或不合格，二(三)3）",
    response_model=EvaluationRecordOut,
)
async def record_evaluation(
    body: EvaluationRecordIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def evaluate() -> EvaluationRecordOut:
        return EvaluationRecordOut.model_validate(await evaluations.record(session, caller, body.to_facts()))

    # The same decision as the application's ``evaluate`` event with a bare score: one evaluation, whichever door.
    on = body.evaluation.evaluated_on
    return await commands.run(
        session,
        caller,
        evaluate,
        request=body,
        key=idempotency_key,
        decision=Decision("application", body.application_id, AppEvent.EVALUATE.value, on, body.document_number or ""),
        authorise=lambda: applications.find(session, caller, body.application_id, referenced=True),
        status_code=201,
    )


@router.get("/evaluations", summary="评估记录列表")
async def list_evaluations(
    caller: Reader, engine: Engine, paging: Paging, application_id: QueryId = None
) -> Page[EvaluationRecordOut]:
    return await _EVALUATIONS.fetch(
        engine,
        paging,
        EvaluationRecordOut.model_validate,
        application_id=application_id,
        district=scoped_district(caller, None),
    )
