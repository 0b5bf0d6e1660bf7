"""Every deployable's Alembic history upgrades, downgrades and upgrades again on a fresh database."""

import asyncio
import importlib

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import DatabaseFactory

from qz_common.db import async_url
from qz_common.migrations import downgrade, upgrade

DEPLOYABLES = ("dogs", "expropriation", "medinsurance", "science", "gateway")


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
    expected = set(importlib.import_module(f"{package}.models").Base.metadata.tables)
    url = database_factory.create(package, migrate=False)
    upgrade(package, url)
    assert expected <= _tables(url)
    downgrade(package, url)
    assert _tables(url) <= {"alembic_version"}
    upgrade(package, url)
    assert expected <= _tables(url)
