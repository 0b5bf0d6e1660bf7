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


@pytest.fixture
def science_settings(science_db: str) -> ScienceSettings:
    reset_tables(science_db, Base.metadata)
    return ScienceSettings(database_url=science_db)


@pytest.fixture
def client(science_settings: ScienceSettings) -> Iterator[TestClient]:
    app = create_app(science_settings, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("science")) as test_client:
        yield test_client
