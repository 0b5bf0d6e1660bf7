"""Client input the database or the calendar cannot represent is a 4xx naming the field, never a 500.

A small service built with create_service_app on the test database (SQLite or PostgreSQL, whichever the suite
runs on), so the drivers' own errors are the ones handled.
"""

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from testkit import DatabaseFactory

from qz_common.app import Session, create_service_app
from qz_common.bounds import DB_INT_MAX, Year
from qz_common.db import BigId, async_url, get_or_404
from qz_common.pagination import Page, PagedSelect, Paging
from qz_common.params import ParameterBook
from qz_common.periods import DateOutOfRange, add_months
from qz_common.settings import PlatformSettings, ServiceSettings

TOO_BIG = DB_INT_MAX + 1


class Base(DeclarativeBase):
    pass


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class Household(Base):
    __tablename__ = "households"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))


class HouseholdIn(BaseModel):
    project_id: int  # deliberately unbounded: the handlers are the safety net for services not yet bounded


class ProjectOut(BaseModel):
    id: int
    name: str


router = APIRouter()

_PROJECTS = PagedSelect(select(Project).order_by(Project.id))


@router.get("/projects/{project_id}")
async def get_project(project_id: int, session: Session) -> ProjectOut:
    project = await get_or_404(session, Project, project_id, "项目", field="project_id")
    return ProjectOut(id=project.id, name=project.name)


@router.get("/projects")
async def list_projects(session: Session, paging: Paging) -> Page[ProjectOut]:
    return await _PROJECTS.fetch(session, paging, lambda p: ProjectOut(id=p.id, name=p.name))


@router.post("/projects", status_code=201)
async def create_project(body: ProjectOut, session: Session) -> dict[str, int]:
    async with session.begin():
        session.add(Project(id=body.id, name=body.name))
    return {"id": body.id}


@router.post("/households", status_code=201)
async def create_household(body: HouseholdIn, session: Session) -> dict[str, int]:
    async with session.begin():
        household = Household(project_id=body.project_id)
        session.add(household)
        await session.flush()
        return {"id": household.id}


@router.get("/deadline")
async def deadline(start: dt.date, months: Annotated[int, Query(ge=0, le=1200)]) -> dict[str, str]:
    return {"deadline": add_months(start, months).isoformat()}


@router.get("/annual")
async def annual(year: Annotated[Year, Query()]) -> dict[str, int]:
    return {"year": year}


BOOK = ParameterBook.load(Path(__file__).parent / "fixtures" / "sample_rates.toml")


@router.get("/rate")
async def rate(on: dt.date) -> dict[str, str]:
    return {"rate": str(BOOK.at(on).decimal("rate"))}


@pytest.fixture(scope="module")
def database(database_factory: DatabaseFactory) -> str:
    url = database_factory.create("qz_common_probe", migrate=False)

    async def create() -> None:
        engine = create_async_engine(async_url(url))
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.create_all)
        await engine.dispose()

    asyncio.run(create())
    return url


@pytest.fixture(scope="module")
def client(database: str) -> Iterator[TestClient]:
    app = create_service_app(
        settings=ServiceSettings(service_name="probe", database_url=database),
        platform=PlatformSettings(dev_mode=True),
        title="probe",
        description="probe",
        routers=[router],
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert response.headers["content-type"].startswith("application/problem+json")
    return body


@pytest.mark.parametrize("number", [TOO_BIG, 10**30])
def test_an_id_beyond_64_bits_in_the_path_names_the_field(client: TestClient, number: int) -> None:
    body = problem(client.get(f"/projects/{number}"), 422, "value_out_of_range")
    assert body["field"] == "project_id"


def test_the_largest_64_bit_id_is_simply_not_found(client: TestClient) -> None:
    problem(client.get(f"/projects/{DB_INT_MAX}"), 404, "not_found")


def test_an_offset_beyond_64_bits_is_refused_by_validation(client: TestClient) -> None:
    body = problem(client.get(f"/projects?offset={TOO_BIG}"), 422, "validation_failed")
    assert body["field"] == "offset"
    assert client.get(f"/projects?offset={DB_INT_MAX}").json()["items"] == []


def test_a_body_id_beyond_64_bits_is_a_422_naming_the_field(client: TestClient) -> None:
    body = problem(client.post("/households", json={"project_id": TOO_BIG}), 422, "value_out_of_range")
    assert body["field"] == "project_id"


def test_a_missing_foreign_key_target_is_a_422(client: TestClient) -> None:
    body = problem(client.post("/households", json={"project_id": 987654}), 422, "reference_not_found")
    assert "引用的记录不存在" in body["detail"]


def test_a_duplicate_is_a_409(client: TestClient) -> None:
    assert client.post("/projects", json={"id": 5, "name": "城西"}).status_code == 201
    problem(client.post("/projects", json={"id": 6, "name": "城西"}), 409, "conflict")


def test_month_arithmetic_past_year_9999_is_a_422(client: TestClient) -> None:
    body = problem(client.get("/deadline?start=9999-06-30&months=12"), 422, "date_out_of_range")
    assert "9999" in body["detail"]
    assert client.get("/deadline?start=9999-06-30&months=6").json() == {"deadline": "9999-12-30"}
    with pytest.raises(DateOutOfRange):
        add_months(dt.date(1, 1, 31), -1)


@pytest.mark.parametrize("year", [0, -1, 1948, 2101, 10000])
def test_years_outside_the_platform_range_are_refused(client: TestClient, year: int) -> None:
    assert problem(client.get(f"/annual?year={year}"), 422, "validation_failed")["field"] == "year"


@pytest.mark.parametrize("year", [1949, 2026, 2100])
def test_years_inside_the_range_pass(client: TestClient, year: int) -> None:
    assert client.get(f"/annual?year={year}").json() == {"year": year}


def test_a_date_before_a_rule_took_effect_names_the_rule_and_its_start(client: TestClient) -> None:
    body = problem(client.get("/rate?on=2023-02-28"), 422, "rule_not_in_force")
    assert body["rule"] == "sample_rates" and body["effective_from"] == "2023-03-01"
    assert "2023-03-01" in body["detail"] and "sample_rates" in body["detail"]
    assert client.get("/rate?on=2023-03-01").json() == {"rate": "0.05"}
