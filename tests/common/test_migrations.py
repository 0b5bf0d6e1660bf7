"""Every deployable's Alembic history builds exactly its models, and downgrades and upgrades again cleanly."""

import asyncio
import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import DatabaseFactory

from qz_common.db import async_url
from qz_common.migrations import downgrade, upgrade

DEPLOYABLES = ("dogs", "expropriation", "medinsurance", "science", "gateway")


def _schema_drift(url: str, metadata: MetaData) -> list[object]:
    """What Alembic's autogenerate would still change: the migrated schema against the models."""

    def compare(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    async def run() -> list[object]:
        engine = create_async_engine(async_url(url))
        async with engine.connect() as conn:
            drift = await conn.run_sync(compare)
        await engine.dispose()
        return drift

    return asyncio.run(run())


def _tables(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = create_async_engine(async_url(url))
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        return names

    return asyncio.run(run())


@pytest.mark.parametrize("package", DEPLOYABLES)
def test_upgrade_downgrade_upgrade(database_factory: DatabaseFactory, package: str) -> None:
    metadata = importlib.import_module(f"{package}.models").Base.metadata
    expected = set(metadata.tables)
    url = database_factory.create(package, migrate=False)
    upgrade(package, url)
    assert expected <= _tables(url)
    assert _schema_drift(url, metadata) == []
    downgrade(package, url)
    assert _tables(url) <= {"alembic_version"}
    upgrade(package, url)
    assert expected <= _tables(url)
