from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from testkit import DatabaseFactory, identity_headers, reset_tables

from dogs.main import create_app
from dogs.models import Base
from dogs.settings import DogsSettings
from qz_common.settings import PlatformSettings


def _emptied(url: str, tmp_path: Path) -> DogsSettings:
    reset_tables(url, Base.metadata)
    return DogsSettings(database_url=url, photo_dir=tmp_path / "photos", max_photo_bytes=64 * 1024)


@pytest.fixture(scope="session")
def dogs_db(database_factory: DatabaseFactory) -> str:
    return database_factory.create("dogs")


@pytest.fixture
def dogs_settings(dogs_db: str, tmp_path: Path) -> DogsSettings:
    return _emptied(dogs_db, tmp_path)


@pytest.fixture
def client(dogs_settings: DogsSettings) -> Iterator[TestClient]:
    app = create_app(dogs_settings, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("dogs")) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def dogs_db_on_backend(database_factory: DatabaseFactory, backend: str) -> str:
    """A dogs database on SQLite, then on PostgreSQL: a test using it proves its invariant on both in one run."""
    return database_factory.create("dogs", backend=backend)


@pytest.fixture
def dogs_settings_on_backend(dogs_db_on_backend: str, tmp_path: Path) -> DogsSettings:
    return _emptied(dogs_db_on_backend, tmp_path)
