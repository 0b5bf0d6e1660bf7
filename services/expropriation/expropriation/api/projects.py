"""Projects, their household roster, declarations, per-household and batch quotes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic_core import to_json
from sqlalchemy import and_, exists, select

from expropriation.api.common import PathId, commands
from expropriation.api.jobs import start_job
from expropriation.api.schemas.jobs import JobOut
from expropriation.api.schemas.projects import (
    ChoiceConfirmIn,
    DeclarationIn,
    DeclarationOut,
    HouseholdOut,
    ProjectIn,
    ProjectOut,
)
from expropriation.api.schemas.quotes import CompareOut, MethodOutcomeOut
from expropriation.casework import choices, jobs, projects, quotes
from expropriation.exchange.negotiation import PDF_MEDIA_TYPE, attachment, negotiate
from expropriation.exchange.settlement import QUOTE_FORMATS, household_pdf
from expropriation.facts.household import HouseholdIn
from expropriation.facts.quote import BatchQuoteOut, QuoteOut
from expropriation.models import Agreement, Declaration, Household, Project
from expropriation.rules.types import Method
from qz_common.app import Engine, Session
from qz_common.clock import today
from qz_common.contract import file_response
from qz_common.districts import District
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging
from qz_common.spool import Spool

router = APIRouter(prefix="/v1", tags=["projects"])

_PROJECTS = PagedSelect(select(Project).order_by(Project.id), district=Project.district)
_HOUSEHOLDS = PagedSelect(
    select(Household).order_by(Household.id),
    project_id=Household.project_id,
    # a method a household declared through 浙里办 that no caseworker has confirmed, nor an agreement answered
    choice_pending=lambda stmt, value: stmt.where(
        and_(
            Household.declared_method.is_not(None),
            Household.choice_confirmed_on.is_(None),
            ~exists().where(Agreement.household_id == Household.id),
        )
        == value
    ),
)
_DECLARATIONS = PagedSelect(select(Declaration).order_by(Declaration.id), household_id=Declaration.household_id)


@router.post("/projects", status_code=201, response_model=ProjectOut, summary="新建征收项目（征收土地预公告）")
async def create_project(
    body: ProjectIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> ProjectOut:
        return ProjectOut.model_validate(await projects.create_project(session, caller, body.model_dump()))

    return await commands.run(session, caller, work, request=body, key=idempotency_key, status_code=201)


@router.get("/projects", summary="征收项目列表")
async def list_projects(
    caller: Reader, engine: Engine, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[ProjectOut]:
    return await _PROJECTS.fetch(engine, paging, ProjectOut.model_validate, district=scoped_district(caller, district))


@router.get("/projects/{project_id}", summary="征收项目")
async def get_project(project_id: PathId, caller: Reader, session: Session) -> ProjectOut:
    return ProjectOut.model_validate(await projects.project_of(session, caller, project_id))


@router.post(
    "/projects/{project_id}/households", status_code=201, response_model=HouseholdOut, summary="登记被征收户（花名册）"
)
async def create_household(
    project_id: PathId, body: HouseholdIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> HouseholdOut:
        return HouseholdOut.model_validate(await projects.add_household(session, caller, project_id, body))

    return await commands.run(session, caller, work, request=(project_id, body), key=idempotency_key, status_code=201)


@router.get("/projects/{project_id}/households", summary="项目被征收户列表（choice_pending=true：申报安置方式待确认）")
async def list_households(
    project_id: PathId,
    caller: Reader,
    session: Session,
    paging: Paging,
    choice_pending: Annotated[
        bool | None, Query(description="true：只列出通过浙里办申报安置方式、尚待确认的户；false：其余的户")
    ] = None,
) -> Page[HouseholdOut]:
    await projects.project_of(session, caller, project_id)
    return await _HOUSEHOLDS.fetch(
        session, paging, HouseholdOut.model_validate, project_id=project_id, choice_pending=choice_pending
    )


@router.get("/households/{household_id}", summary="被征收户")
async def get_household(household_id: PathId, caller: Reader, session: Session) -> HouseholdOut:
    household, _ = await projects.household_of(session, caller, household_id)
    return HouseholdOut.model_validate(household)


@router.post(
    "/households/{household_id}/method-choice/confirm",
    response_model=HouseholdOut,
    summary="确认本户通过浙里办申报的安置方式（此后测算按该方式）",
)
async def confirm_method_choice(
    household_id: PathId,
    body: ChoiceConfirmIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> HouseholdOut:
        return HouseholdOut.model_validate(await choices.confirm(session, caller, household_id, body.confirmed_on))

    return await commands.run(session, caller, work, request=(household_id, body), key=idempotency_key)


@router.post(
    "/households/{household_id}/declarations",
    status_code=201,
    response_model=DeclarationOut,
    summary="申报户籍、家庭常住人口、房屋及附属物（二(二)）",
)
async def declare(
    household_id: PathId, body: DeclarationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> DeclarationOut:
        declaration = body.model_dump(include={"declared_on", "documents", "proofs"})
        record = await projects.declare(session, caller, household_id, declaration, body.members, body.buildings)
        return DeclarationOut.model_validate(record)

    return await commands.run(session, caller, work, request=(household_id, body), key=idempotency_key, status_code=201)


@router.get("/households/{household_id}/declarations", summary="申报记录")
async def list_declarations(
    household_id: PathId, caller: Reader, session: Session, paging: Paging
) -> Page[DeclarationOut]:
    await projects.household_of(session, caller, household_id)
    return await _DECLARATIONS.fetch(session, paging, DeclarationOut.model_validate, household_id=household_id)


@router.get(
    "/households/{household_id}/quote",
    summary="按项目记录测算本户（奖励依项目签约交房记录）；?format=pdf 或 Accept: application/pdf 得可打印结算单",
    response_model=QuoteOut,
    responses=file_response("可打印的本户结算单（PDF）", PDF_MEDIA_TYPE),
)
async def household_quote(
    household_id: PathId,
    request: Request,
    caller: Reader,
    session: Session,
    method: Annotated[Method | None, Query()] = None,
    format: Annotated[Literal["json", "pdf"] | None, Query(description="json（默认）或 pdf；也可用 Accept 头")] = None,
) -> Any:
    household, project, q = await quotes.household_quote(session, caller, household_id, method)
    answer = QuoteOut.of(q)
    if negotiate(request, format, QUOTE_FORMATS) == "pdf":
        sheet = household_pdf(project, household, answer, printed_on=today())
        return attachment(sheet, PDF_MEDIA_TYPE, f"settlement-{project.id}-{household.ref}.pdf")
    return answer


@router.get("/households/{household_id}/compare", summary="本户四种安置方式对比")
async def household_compare(household_id: PathId, caller: Reader, session: Session) -> CompareOut:
    outcomes = await quotes.household_comparison(session, caller, household_id)
    return CompareOut(outcomes=[MethodOutcomeOut.of(o) for o in outcomes])


@router.post(
    "/projects/{project_id}/batch-quotes",
    summary="整个项目逐户测算（批量）；户数超过阈值时返回 202 与任务（见 /v1/jobs/{job_id}）",
    response_model=BatchQuoteOut,
    responses={
        202: {"model": JobOut, "description": "已转为后台任务：Location 头给出任务地址"},
        409: {"description": "本项目已有进行中的批量测算任务：Location 头给出该任务"},
        429: {"description": "后台任务已满（见 Retry-After）"},
    },
)
async def batch_quote(
    project_id: PathId,
    request: Request,
    caller: Reader,
    session: Session,
    method: Annotated[Method | None, Query(description="统一按某一安置方式测算")] = None,
) -> Any:
    project = await projects.project_of(session, caller, project_id)
    total = await jobs.household_count(session, project)
    await session.rollback()  # the check is over: the batch reads a snapshot, a job is made by a command
    if total <= request.app.state.settings.batch_job_threshold:
        return await _batch_answer(await quotes.open_batch(session, project_id, method))
    order = jobs.batch_quote_order(project_id, total, method)
    return await start_job(request, session, caller, order, asked=(project_id, method))


async def _batch_answer(batch: quotes.Batch) -> StreamingResponse:
    """``BatchQuoteOut`` as JSON, its households written one at a time as they are made and sent from a spool."""
    households, separator = Spool(), b""
    async for line in batch.lines:
        households.write(separator + to_json(line))
        separator = b","
    # The answer without its households ends in their empty list: the lines go in between.
    summary = quotes.summary_of(batch).model_dump_json().encode()
    before, after = summary.removesuffix(b"]}"), b"]}"
    return households.response("application/json", before=before, after=after)
