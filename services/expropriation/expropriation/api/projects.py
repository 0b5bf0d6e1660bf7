"""Projects, their household roster (with CSV import), declarations, per-household and batch quotes, and the
settlement-sheet export."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.api.common import (
    PathId,
    audit,
    checked,
    idempotent,
    load_params,
    rule_problem,
    rules_as_problems,
)
from expropriation.api.schemas import (
    BatchQuoteOut,
    CompareOut,
    DeclarationIn,
    DeclarationOut,
    HouseholdIn,
    HouseholdOut,
    ImportOut,
    MethodOutcomeOut,
    ProjectIn,
    ProjectOut,
    QuoteOut,
    area_str,
)
from expropriation.casework import project_assignment, project_records, quote_input
from expropriation.exchange.jobs import JobOut, batch_quote_work, household_count, roster_import_work, start_job
from expropriation.exchange.negotiation import PDF_MEDIA_TYPE, XLSX_MEDIA_TYPE, attachment, negotiate
from expropriation.exchange.roster import EXPLANATION_MARK, roster_text
from expropriation.exchange.settlement import QUOTE_FORMATS, SHEET_FORMATS, household_pdf, settlement_xlsx
from expropriation.models import Agreement, BuildingOwner, Declaration, Household, HouseholdMember, Project
from expropriation.rules.declarations import has_valid_proof
from expropriation.rules.params import Params
from expropriation.rules.quote import compare_methods, quote
from expropriation.rules.scope import check_scope
from expropriation.rules.types import Method, RuleError, basis
from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.clock import today
from qz_common.contract import file_response
from qz_common.db import get_or_404
from qz_common.districts import District
from qz_common.errors import ProblemError, validation_errors
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Caller, Reader, Writer, ensure_district, scoped_district
from qz_common.money import yuan_str
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["projects"])

_PROJECTS = PagedSelect(
    select(Project).order_by(Project.id),
    district=Project.district,
)
_HOUSEHOLDS = PagedSelect(
    select(Household).order_by(Household.id),
    project_id=Household.project_id,
)
_DECLARATIONS = PagedSelect(
    select(Declaration).order_by(Declaration.id),
    household_id=Declaration.household_id,
)

# Column order of the settlement sheet (one column per item code).
ITEM_CODES = (
    "house_monetary_compensation",
    "house_voucher_value",
    "voucher_remainder_cash",
    "voucher_new_housing_reward",
    "house_replacement_value",
    "excess_area_monetary_compensation",
    "swap_flat_price_within_area",
    "swap_flat_price_beyond_area",
    "non_residential_compensation",
    "attic_stilt_compensation",
    "ancillary_compensation",
    "decoration_compensation",
    "attachment_compensation",
    "temporary_building_compensation",
    "temporary_resettlement_fee",
    "moving_fee",
    "early_vacate_reward",
    "village_completion_reward",
)


# --- projects ----------------------------------------------------------------------------------------------------


@router.post("/projects", status_code=201, response_model=ProjectOut, summary="新建征收项目（征收土地预公告）")
async def create_project(
    body: ProjectIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    ensure_district(caller, body.district)
    params = load_params(body.district, body.valuation_date)
    with rules_as_problems():
        check_scope(params.city, body.district, body.pre_announcement_date)
        if (
            body.early_vacate_rate_per_m2 is not None
            and body.early_vacate_rate_per_m2 > params.city.early_vacate_rate_cap_per_m2
        ):
            raise RuleError("early_vacate_rate_per_m2", "提前腾空奖励标准不高于400元/平方米", basis("三(四)8"))

    async def create() -> ProjectOut:
        record = Project(**body.model_dump())
        session.add(record)
        await session.flush()
        audit.record(session, caller, "create", record)
        return ProjectOut.model_validate(record)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/projects", summary="征收项目列表")
async def list_projects(
    caller: Reader, engine: Engine, paging: Paging, district: Annotated[District | None, Query()] = None
) -> Page[ProjectOut]:
    return await _PROJECTS.fetch(engine, paging, ProjectOut.model_validate, district=scoped_district(caller, district))


@router.get("/projects/{project_id}", summary="征收项目")
async def get_project(project_id: PathId, caller: Reader, session: Session) -> ProjectOut:
    record = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
    ensure_district(caller, record.district)
    return ProjectOut.model_validate(record)


# --- households --------------------------------------------------------------------------------------------------


def _index_people(session: AsyncSession, household: Household, body: Any) -> None:
    for m in body.members:
        session.add(HouseholdMember(household_id=household.id, id_number=m.id_number, name=m.name))
    for uscc in sorted({b.owner_uscc for b in body.buildings if b.owner_uscc}):
        session.add(BuildingOwner(household_id=household.id, uscc=uscc))


def _new_household(project: Project, body: HouseholdIn) -> Household:
    facts = body.model_dump(
        mode="json", exclude={"ref", "head_name", "natural_village", "method", "appraised_price_per_m2"}
    )
    return Household(
        project_id=project.id,
        ref=body.ref,
        head_name=body.head_name,
        district=project.district,
        natural_village=body.natural_village or project.village,
        method=body.method.value,
        appraised_price_per_m2=body.appraised_price_per_m2,
        facts=facts,
    )


async def _ref_free(session: AsyncSession, project_id: int, ref: str) -> bool:
    return (
        await session.scalar(select(Household.id).where(Household.project_id == project_id, Household.ref == ref))
        is None
    )


@router.post(
    "/projects/{project_id}/households", status_code=201, response_model=HouseholdOut, summary="登记被征收户（花名册）"
)
async def create_household(
    project_id: PathId, body: HouseholdIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> HouseholdOut:
        project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
        ensure_district(caller, project.district)
        if not await _ref_free(session, project_id, body.ref):
            raise ProblemError(409, "household_ref_taken", f"户号 {body.ref} 已在本项目登记", field="ref")
        record = _new_household(project, body)
        session.add(record)
        await session.flush()
        _index_people(session, record, body)
        audit.record(session, caller, "create", record)
        return HouseholdOut.model_validate(record)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/projects/{project_id}/households", summary="项目被征收户列表")
async def list_households(project_id: PathId, caller: Reader, session: Session, paging: Paging) -> Page[HouseholdOut]:
    project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
    ensure_district(caller, project.district)
    return await _HOUSEHOLDS.fetch(session, paging, HouseholdOut.model_validate, project_id=project_id)


async def _household(session: AsyncSession, caller: Caller, household_id: int) -> tuple[Household, Project]:
    household = await get_or_404(session, Household, household_id, "被征收户", field="household_id")
    ensure_district(caller, household.district)
    project = await get_or_404(session, Project, household.project_id, "征收项目", field=None)
    return household, project


@router.get("/households/{household_id}", summary="被征收户")
async def get_household(household_id: PathId, caller: Reader, session: Session) -> HouseholdOut:
    household, _ = await _household(session, caller, household_id)
    return HouseholdOut.model_validate(household)


@router.post(
    "/households/{household_id}/declarations",
    status_code=201,
    response_model=DeclarationOut,
    summary="申报户籍、家庭常住人口、房屋及附属物（二(二)）",
)
async def declare(
    household_id: PathId, body: DeclarationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    if not has_valid_proof(set(body.proofs)):
        raise ProblemError(422, "proof_missing", "须提供房屋证件或有效凭证之一", field="proofs", basis=basis("二(三)"))

    async def create() -> DeclarationOut:
        household, project = await _household(session, caller, household_id)
        if body.declared_on < project.pre_announcement_date:
            raise ProblemError(
                422,
                "declared_before_announcement",
                "申报日早于征收土地预公告",
                field="declared_on",
                basis=basis("二(二)"),
            )
        if await session.scalar(select(Agreement.id).where(Agreement.household_id == household_id)) is not None:
            raise ProblemError(409, "agreement_signed", "已签订协议，不能再变更申报")
        before = snapshot(household)
        payload = body.model_dump(mode="json", include={"members", "buildings"})
        household.facts = {**household.facts, **payload}
        await session.execute(delete(HouseholdMember).where(HouseholdMember.household_id == household_id))
        await session.execute(delete(BuildingOwner).where(BuildingOwner.household_id == household_id))
        _index_people(session, household, body)
        record = Declaration(
            household_id=household_id,
            declared_on=body.declared_on,
            documents=list(body.documents),
            proofs=list(body.proofs),
            payload=payload,
            basis=basis("二(二)"),
        )
        session.add(record)
        await session.flush()
        audit.record(session, caller, "declare", household, before=before)
        audit.record(session, caller, "create", record)
        return DeclarationOut.model_validate(record)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/households/{household_id}/declarations", summary="申报记录")
async def list_declarations(
    household_id: PathId, caller: Reader, session: Session, paging: Paging
) -> Page[DeclarationOut]:
    await _household(session, caller, household_id)
    return await _DECLARATIONS.fetch(session, paging, DeclarationOut.model_validate, household_id=household_id)


async def _household_input(
    session: AsyncSession, caller: Caller, household_id: int, method: Method | None
) -> tuple[Any, Params]:
    household, project = await _household(session, caller, household_id)
    agreement = await session.scalar(select(Agreement).where(Agreement.household_id == household_id))
    _households, _agreements, villages, assignment = await project_records(session, project)
    inp = checked(
        lambda: quote_input(
            project,
            household,
            method=method,
            agreement=agreement,
            village_all_signed=villages.get(household.natural_village, False),
            assignment=assignment,
        )
    )
    return inp, load_params(project.district, project.valuation_date)


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
    inp, params = await _household_input(session, caller, household_id, method)
    answer = QuoteOut.of(checked(lambda: quote(inp, params)))
    if negotiate(request, format, QUOTE_FORMATS) == "pdf":
        household, project = await _household(session, caller, household_id)
        sheet = household_pdf(project, household, answer, printed_on=today())
        return attachment(sheet, PDF_MEDIA_TYPE, f"settlement-{project.id}-{household.ref}.pdf")
    return answer


@router.get("/households/{household_id}/compare", summary="本户四种安置方式对比")
async def household_compare(household_id: PathId, caller: Reader, session: Session) -> CompareOut:
    inp, params = await _household_input(session, caller, household_id, None)
    return CompareOut(outcomes=[MethodOutcomeOut.of(o) for o in checked(lambda: compare_methods(inp, params))])


# --- batch and settlement sheet ------------------------------------------------------------------------------------


async def batch(
    session: AsyncSession,
    project: Project,
    method: Method | None,
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> BatchQuoteOut:
    households, agreements, villages, assignment = await project_records(session, project)
    params = load_params(project.district, project.valuation_date)
    rows: list[dict[str, Any]] = []
    quoted = refused = 0
    grand = Decimal("0")
    for h in households:
        row: dict[str, Any] = {
            "household_id": h.id,
            "ref": h.ref,
            "head_name": h.head_name,
            "natural_village": h.natural_village,
        }
        try:
            inp = quote_input(
                project,
                h,
                method=method,
                agreement=agreements.get(h.id),
                village_all_signed=villages.get(h.natural_village, False),
                assignment=assignment,
            )
            q = quote(inp, params)
        except RuleError as e:
            refused += 1
            problem = rule_problem(e)
            row |= {
                "method": (method or h.method),
                "status": "refused",
                "refusal": {"field": problem.field, "code": problem.code, "detail": problem.detail},
            }
        else:
            quoted += 1
            grand += q.total
            row |= {
                "method": q.method.value,
                "status": "quoted",
                "resettlement_persons": q.resettlement_persons,
                "resettlement_area_m2": area_str(q.resettlement_area_m2),
                "legal_residential_area_m2": area_str(q.legal_residential_area_m2),
                "items": {i.code: yuan_str(i.amount) for i in q.items},
                "bases": {i.code: i.basis for i in q.items},
                "total": yuan_str(q.total),
            }
        rows.append(row)
        if progress is not None:
            await progress(len(rows))
    return BatchQuoteOut(
        project_id=project.id, village_completion=villages, quoted=quoted, refused=refused, total=grand, households=rows
    )


@router.post(
    "/projects/{project_id}/batch-quotes",
    summary="整个项目逐户测算（批量）；户数超过阈值时返回 202 与任务（见 /v1/jobs/{job_id}）",
    response_model=BatchQuoteOut,
    responses={202: {"model": JobOut, "description": "已转为后台任务：Location 头给出任务地址"}},
)
async def batch_quote(
    project_id: PathId,
    request: Request,
    caller: Reader,
    session: Session,
    method: Annotated[Method | None, Query(description="统一按某一安置方式测算")] = None,
) -> Any:
    project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
    ensure_district(caller, project.district)
    total = await household_count(session, project)
    if total > request.app.state.settings.batch_job_threshold:
        work = batch_quote_work(batch, project.id, method)
        return await start_job(request, session, caller, project, "batch_quote", total, work)
    return await batch(session, project, method)


@router.get(
    "/projects/{project_id}/settlement-sheet",
    summary="结算清单导出（CSV 或 XLSX，一户一行、一项一列；?format= 或 Accept 选择）",
    response_class=Response,
    responses=file_response("结算清单（UTF-8 带 BOM 的 CSV，或 XLSX）", *SHEET_FORMATS.values()),
)
async def settlement_sheet(
    project_id: PathId,
    request: Request,
    caller: Reader,
    session: Session,
    format: Annotated[Literal["csv", "xlsx"] | None, Query(description="csv（默认）或 xlsx；也可用 Accept 头")] = None,
) -> Response:
    project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
    ensure_district(caller, project.district)
    result = await batch(session, project, None)
    if negotiate(request, format, SHEET_FORMATS) == "xlsx":
        xlsx = settlement_xlsx(project, result, ITEM_CODES)
        return attachment(xlsx, XLSX_MEDIA_TYPE, f"settlement-{project_id}.xlsx")
    out = io.StringIO()
    columns = [
        "ref",
        "head_name",
        "natural_village",
        "method",
        "status",
        "resettlement_persons",
        "resettlement_area_m2",
        "legal_residential_area_m2",
        *ITEM_CODES,
        "total",
        "refusal",
    ]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in result.households:
        flat = {k: row.get(k, "") for k in columns}
        for code in ITEM_CODES:
            flat[code] = row.get("items", {}).get(code, "")
        flat["refusal"] = row["refusal"]["detail"] if "refusal" in row else ""
        writer.writerow(flat)
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="settlement-{project_id}.csv"'},
    )


# --- CSV roster import -------------------------------------------------------------------------------------------

_MEMBER = (
    "name",
    "id_number",
    "collective_member",
    "exclusion",
    "is_owner",
    "died_on",
    "occupancy",
    "civil_service_exit",
    "civil_service_left_on",
    "housing_reform_rented_only",
)
_BUILDING = (
    "label",
    "use",
    "structure",
    "legal_area_m2",
    "certificate_area_m2",
    "authority_area_m2",
    "built_year",
    "kind",
    "land",
    "eaves_height_m",
    "clear_height_m",
    "built",
    "work_kind",
    "work_done_on",
    "owner_uscc",
)
_HOUSEHOLD = (
    "head_name",
    "natural_village",
    "method",
    "moves_via_temporary_housing",
    "expropriator_provides_transit_housing",
    "flat_area_m2",
    "flat_type",
    "delivery_months",
    "appraised_price_per_m2",
)
ROSTER_COLUMNS = ("household_ref", "record", *_HOUSEHOLD, *_MEMBER, *_BUILDING)
# Yes/no columns: a CSV cell is text, so these words are read as booleans here; anything else reaches the model as
# text and is refused there (the JSON API itself takes only true/false).
_FLAG_COLUMNS = frozenset(
    {
        "collective_member",
        "is_owner",
        "housing_reform_rented_only",
        "built",
        "moves_via_temporary_housing",
        "expropriator_provides_transit_housing",
    }
)
_FLAG_WORDS = {"true": True, "false": False, "是": True, "否": False}


def _cell(column: str, raw: str) -> str | bool:
    value = raw.strip()
    if column in _FLAG_COLUMNS:
        return _FLAG_WORDS.get(value.lower(), value)
    return value


def parse_roster(text: str) -> tuple[list[HouseholdIn], list[dict[str, str]]]:
    """Roster CSV: one row per member (record=member) or building part (record=building), grouped by household_ref.
    Household columns are read from the first row of the household that fills them."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("household_ref", "record") if c not in (reader.fieldnames or [])]
    if missing:
        return [], [{"field": c, "code": "missing_column", "detail": "缺少列"} for c in missing]
    groups: dict[str, dict[str, Any]] = {}
    errors: list[dict[str, str]] = []
    for row in reader:
        line = reader.line_num  # the row number the caseworker sees in the file
        ref = (row.get("household_ref") or "").strip()
        if ref.startswith(EXPLANATION_MARK) or not any(isinstance(v, str) and v.strip() for v in row.values()):
            continue  # the template's explanation row, and empty rows
        if not ref:
            errors.append({"field": f"row {line}.household_ref", "code": "missing", "detail": "缺少户号"})
            continue
        g = groups.setdefault(ref, {"ref": ref, "members": [], "buildings": [], "_lines": {}})
        for key in _HOUSEHOLD:
            if row.get(key) and key not in g:
                g[key] = _cell(key, row[key])
        record = (row.get("record") or "").strip()
        if record == "member":
            g["members"].append({k: _cell(k, row[k]) for k in _MEMBER if row.get(k)})
            g["_lines"][("members", len(g["members"]) - 1)] = line
        elif record == "building":
            g["buildings"].append({k: _cell(k, row[k]) for k in _BUILDING if row.get(k)})
            g["_lines"][("buildings", len(g["buildings"]) - 1)] = line
        else:
            errors.append(
                {"field": f"row {line}.record", "code": "invalid", "detail": "record 应为 member 或 building"}
            )
    households: list[HouseholdIn] = []
    for ref, g in groups.items():
        lines = g.pop("_lines")
        try:
            households.append(HouseholdIn.model_validate(g))
        except ValidationError as e:
            for err in validation_errors(list(e.errors())):
                loc = err["field"]
                where = f"household {ref}"
                for (kind, idx), line in lines.items():
                    if loc.startswith(f"{kind}[{idx}]"):
                        where = f"row {line}"
                errors.append({"field": f"{where}.{loc}", "code": err["code"], "detail": err["detail"]})
    return households, errors


async def store_roster(
    session: AsyncSession,
    caller: Caller,
    project: Project,
    households: Sequence[HouseholdIn],
    errors: list[dict[str, str]],
    progress: Callable[[int], Awaitable[None]] | None = None,
) -> ImportOut:
    """Inside the caller's transaction: every household of the roster, or (422 naming every error) none."""
    for h in households:
        if not await _ref_free(session, project.id, h.ref):
            errors.append(
                {"field": f"household {h.ref}.household_ref", "code": "duplicate", "detail": "户号已在本项目登记"}
            )
    if errors:
        raise ProblemError(
            422,
            "roster_invalid",
            f"花名册有 {len(errors)} 处错误，未导入任何记录",
            field=errors[0]["field"],
            errors=errors,
        )
    for count, h in enumerate(households, start=1):
        record = _new_household(project, h)
        session.add(record)
        await session.flush()
        _index_people(session, record, h)
        audit.record(session, caller, "import", record)
        if progress is not None:
            await progress(count)
    return ImportOut(created=len(households), households=[h.ref for h in households])


@router.post(
    "/projects/{project_id}/roster",
    status_code=201,
    summary="导入项目花名册（UTF-8 或 GB18030/GBK 的 CSV，或 XLSX；模板见 /v1/roster-template）；户数过多时转为任务",
    response_model=ImportOut,
    responses={202: {"model": JobOut, "description": "已转为后台任务：Location 头给出任务地址"}},
)
async def import_roster(
    project_id: PathId, file: UploadFile, request: Request, caller: Writer, session: Session
) -> Any:
    raw = await file.read(request.app.state.settings.max_csv_bytes + 1)
    if len(raw) > request.app.state.settings.max_csv_bytes:
        raise ProblemError(413, "payload_too_large", "花名册文件过大", field="file")
    households, errors = parse_roster(roster_text(raw))  # UTF-8 (BOM or not), GB18030/GBK or XLSX
    if not errors and len(households) > request.app.state.settings.batch_job_threshold:
        project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
        ensure_district(caller, project.district)
        work = roster_import_work(store_roster, caller, project_id, households, request.app.state.db)
        return await start_job(request, session, caller, project, "roster_import", len(households), work)
    async with session.begin():
        project = await get_or_404(session, Project, project_id, "征收项目", field="project_id")
        ensure_district(caller, project.district)
        return await store_roster(session, caller, project, households, errors)


__all__ = ["ITEM_CODES", "ROSTER_COLUMNS", "batch", "parse_roster", "project_assignment", "router"]
