"""Yearly 绩效考核 records (附件1 二): an institution's sheets, scores and grade as decided, one per year."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from medinsurance.api.common import commands
from medinsurance.api.schemas.assessments import AssessmentIn, AssessmentOut, Year
from medinsurance.api.schemas.common import PathId, QueryId
from medinsurance.casework import assessments
from medinsurance.casework.common import institution_for
from medinsurance.models import Assessment
from qz_common.app import Engine, Session
from qz_common.db import get_in_district
from qz_common.districts import District
from qz_common.idempotency import Decision, IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["assessments"])

_ASSESSMENTS = PagedSelect(
    select(Assessment).order_by(Assessment.id),
    institution_id=Assessment.institution_id,
    year=Assessment.year,
    district=Assessment.district,
)


@router.post(
    "/assessments",
    status_code=201,
    summary="登记年度绩效考核（附件1 二：半年拟评、年度总评计分，与本区同类别机构一并定级）",
    response_model=AssessmentOut,
)
async def record_assessment(
    body: AssessmentIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def assess() -> AssessmentOut:
        return AssessmentOut.model_validate(await assessments.record(session, caller, body.to_facts()))

    kind = f"assessment:{body.year}"
    return await commands.run(
        session,
        caller,
        assess,
        request=body,
        key=idempotency_key,
        decision=Decision("institution", body.institution_id, kind, body.assessed_on, body.document_number or ""),
        authorise=lambda: institution_for(session, caller, body.institution_id, referenced=True),
        status_code=201,
    )


@router.get("/assessments", summary="年度绩效考核记录列表")
async def list_assessments(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    institution_id: QueryId = None,
    year: Annotated[Year | None, Query()] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[AssessmentOut]:
    return await _ASSESSMENTS.fetch(
        engine,
        paging,
        AssessmentOut.model_validate,
        institution_id=institution_id,
        year=year,
        district=scoped_district(caller, district),
    )


@router.get("/assessments/{assessment_id}", summary="年度绩效考核记录详情")
async def get_assessment(assessment_id: PathId, caller: Reader, session: Session) -> AssessmentOut:
    row = await get_in_district(session, caller, Assessment, assessment_id, "年度绩效考核记录", field="assessment_id")
    return AssessmentOut.model_validate(row)
