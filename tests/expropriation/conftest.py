import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from stdnum.cn import ric
from testkit import DatabaseFactory, identity_headers, reset_tables

from expropriation.books import params_on
from expropriation.main import create_app
from expropriation.models import Base
from expropriation.rules.params import CityParams, Params
from expropriation.rules.types import Building, Member, Method, QuoteInput, Structure, Use
from expropriation.settings import ExpropriationSettings
from qz_common.settings import PlatformSettings

PRE = dt.date(2023, 6, 1)
DEADLINE = dt.date(2023, 9, 30)
VALUATION = dt.date(2023, 7, 1)


def make_id(born: dt.date, seq: int = 1, area: str = "330802") -> str:
    body = f"{area}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")  # the argument must include a check place


@pytest.fixture
def params() -> Params:
    return params_on("柯城区", VALUATION)


@pytest.fixture
def city(params: Params) -> CityParams:
    return params.city


@pytest.fixture
def member() -> Callable[..., Member]:
    counter = iter(range(1, 999))

    def _m(name: str = "张三", born: dt.date = dt.date(1986, 1, 1), **kw: object) -> Member:
        kw.setdefault("collective_member", True)
        return Member(name=name, id_number=make_id(born, next(counter)), born_on=born, **kw)  # type: ignore[arg-type]

    return _m


@pytest.fixture
def house() -> Callable[..., Building]:
    def _b(
        area: str = "150", structure: Structure = Structure.BRICK_CONCRETE, year: int = 2000, **kw: object
    ) -> Building:
        kw.setdefault("use", Use.RESIDENTIAL)
        return Building(structure=structure, legal_area_m2=Decimal(area), built_year=year, **kw)  # type: ignore[arg-type]

    return _b


@pytest.fixture
def household(member: Callable[..., Member], house: Callable[..., Building]) -> Callable[..., QuoteInput]:
    def _q(method: Method = Method.MONETARY, persons: int = 2, **kw: object) -> QuoteInput:
        members = tuple(member(f"成员{i}", dt.date(1986 + i, 1, 1)) for i in range(persons))
        kw.setdefault("members", members)
        kw.setdefault("buildings", (house(),))
        kw.setdefault("appraised_price_per_m2", Decimal("3000"))
        kw.setdefault("market_price_per_m2", Decimal("9000"))
        kw.setdefault("flat_area_m2", Decimal("160"))
        return QuoteInput(
            district="柯城区",
            pre_announcement_date=PRE,
            signing_deadline=DEADLINE,
            valuation_date=VALUATION,
            method=method,
            **kw,  # type: ignore[arg-type]
        )

    return _q


# --- API fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def expropriation_db(database_factory: DatabaseFactory) -> str:
    return database_factory.create("expropriation")


@pytest.fixture
def expropriation_settings(expropriation_db: str) -> ExpropriationSettings:
    reset_tables(expropriation_db, Base.metadata)
    return ExpropriationSettings(database_url=expropriation_db)


@pytest.fixture
def client(expropriation_settings: ExpropriationSettings) -> Iterator[TestClient]:
    app = create_app(expropriation_settings, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("expropriation")) as test_client:
        yield test_client


@pytest.fixture
def small_threshold(expropriation_settings: ExpropriationSettings) -> Iterator[TestClient]:
    """The service with a batch threshold of one household: more make a job."""
    settings = expropriation_settings.model_copy(update={"batch_job_threshold": 1})
    app = create_app(settings, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("expropriation")) as test_client:
        yield test_client
