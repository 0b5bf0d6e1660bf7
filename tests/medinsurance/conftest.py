from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from testkit import DatabaseFactory, identity_headers, reset_tables

from medinsurance.main import create_app
from medinsurance.models import Base
from medinsurance.settings import MedinsuranceSettings
from qz_common.settings import PlatformSettings


@pytest.fixture(scope="session")
def medinsurance_db(database_factory: DatabaseFactory) -> str:
    return database_factory.create("medinsurance")


@pytest.fixture
def medinsurance_settings(medinsurance_db: str) -> MedinsuranceSettings:
    reset_tables(medinsurance_db, Base.metadata)
    return MedinsuranceSettings(database_url=medinsurance_db)


@pytest.fixture
def client(medinsurance_settings: MedinsuranceSettings) -> Iterator[TestClient]:
    app = create_app(medinsurance_settings, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("medinsurance")) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def medinsurance_db_on_backend(database_factory: DatabaseFactory, backend: str) -> str:
    """A medinsurance database on SQLite, then on PostgreSQL: a test using it proves its invariant on both."""
    return database_factory.create("medinsurance", backend=backend)


@pytest.fixture
def medinsurance_settings_on_backend(medinsurance_db_on_backend: str) -> MedinsuranceSettings:
    reset_tables(medinsurance_db_on_backend, Base.metadata)
    return MedinsuranceSettings(database_url=medinsurance_db_on_backend)
