import asyncio

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import DatabaseFactory

from qz_common.db import async_url
from qz_common.migrations import downgrade, upgrade
from science.models import Base


def _tables(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = create_async_engine(async_url(url))
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        return names

    return asyncio.run(run())


def test_migrations_upgrade_downgrade_upgrade(database_factory: DatabaseFactory) -> None:
    url = database_factory.create("science", migrate=False)
    upgrade("science", url)
    assert set(Base.metadata.tables) <= _tables(url)
    downgrade("science", url)
    assert _tables(url) <= {"alembic_version"}
    upgrade("science", url)
    assert set(Base.metadata.tables) <= _tables(url)
