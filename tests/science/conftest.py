from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from testkit import DatabaseFactory, identity_headers, reset_tables

from qz_common.settings import PlatformSettings
from science.main import create_app
from science.models import Base
from science.settings import ScienceSettings


@pytest.fixture(scope="session")
def science_db(database_factory: DatabaseFactory) -> str:
    return database_factory.create("science")


def _emptied(url: str) -> ScienceSettings:
    reset_tables(url, Base.metadata)
    return ScienceSettings(database_url=url)


@pytest.fixture
def science_settings(science_db: str) -> ScienceSettings:
    return _emptied(science_db)


@pytest.fixture
def client(science_settings: ScienceSettings) -> Iterator[TestClient]:
    app = create_app(science_settings, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("science")) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def science_db_on_backend(database_factory: DatabaseFactory, backend: str) -> str:
    """A science database on SQLite, then on PostgreSQL: a test using it proves its invariant on both in one run."""
    return database_factory.create("science", backend=backend)


@pytest.fixture
def science_settings_on_backend(science_db_on_backend: str) -> ScienceSettings:
    return _emptied(science_db_on_backend)
