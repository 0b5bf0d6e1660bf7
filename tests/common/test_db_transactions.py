"""qz_common.db: commands (``async with session.begin()``) are serialised on every backend; reads never wait.

PostgreSQL serialises them with the row lock of SELECT … FOR UPDATE; SQLite, which ignores FOR UPDATE, with the
write lock each command takes in its BEGIN IMMEDIATE.
"""

import asyncio

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text, update
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from testkit import DatabaseFactory

from qz_common.db import Database, begin_snapshot

metadata = MetaData()
counter = Table("counter", metadata, Column("id", Integer, primary_key=True), Column("n", Integer, nullable=False))


def _database(database_factory: DatabaseFactory) -> Database:
    return Database(database_factory.create("platform", migrate=False))


async def _prepare(database: Database) -> None:
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(insert(counter).values(id=1, n=0))


async def _read(database: Database) -> int:
    async with database.sessionmaker() as session:
        return int(await session.scalar(select(counter.c.n).where(counter.c.id == 1)) or 0)


def test_check_then_write_commands_do_not_lose_updates(database_factory: DatabaseFactory) -> None:
    """Twenty commands each read the counter, yield to the others, then write it plus one: it ends at 20."""
    database = _database(database_factory)

    async def increment() -> None:
        async with database.sessionmaker() as session, session.begin():
            n = await session.scalar(select(counter.c.n).where(counter.c.id == 1).with_for_update())
            await asyncio.sleep(0.01)  # every other command gets its chance to read the same figure
            await session.execute(update(counter).where(counter.c.id == 1).values(n=int(n or 0) + 1))

    async def scenario() -> int:
        await _prepare(database)
        await asyncio.gather(*(increment() for _ in range(20)))
        total = await _read(database)
        await database.dispose()
        return total

    assert asyncio.run(scenario()) == 20


def test_a_snapshot_read_sees_one_state_across_its_statements(database_factory: DatabaseFactory) -> None:
    """``begin_snapshot``: a read of several statements (a project read a chunk at a time, issue 32) sees the
    database as it stood at its first statement, though a command commits between two of them (PostgreSQL's READ
    COMMITTED would show the second statement the new figure); and it is refused inside a transaction already begun."""
    database = _database(database_factory)

    async def scenario() -> tuple[int, int, int]:
        await _prepare(database)
        async with database.sessionmaker() as reader:
            await begin_snapshot(reader)
            first = int(await reader.scalar(select(counter.c.n).where(counter.c.id == 1)) or 0)
            async with database.sessionmaker() as writer, writer.begin():
                await writer.execute(update(counter).where(counter.c.id == 1).values(n=5))
            second = int(await reader.scalar(select(counter.c.n).where(counter.c.id == 1)) or 0)
            with pytest.raises(RuntimeError, match="already in a transaction"):
                await begin_snapshot(reader)
        committed = await _read(database)
        await database.dispose()
        return first, second, committed

    assert asyncio.run(scenario()) == (0, 0, 5)


def test_reads_do_not_wait_for_a_command_in_progress(database_factory: DatabaseFactory) -> None:
    """While a command holds its lock (written, not committed), a read answers with the last committed figure."""
    database = _database(database_factory)

    async def scenario() -> tuple[int, int]:
        await _prepare(database)
        written, read_done = asyncio.Event(), asyncio.Event()
        seen: list[int] = []

        async def command() -> None:
            async with database.sessionmaker() as session, session.begin():
                await session.scalar(select(counter.c.n).where(counter.c.id == 1).with_for_update())
                await session.execute(update(counter).where(counter.c.id == 1).values(n=1))
                written.set()
                # a read that waited for this commit would never set read_done: the wait would time out
                await asyncio.wait_for(read_done.wait(), timeout=10)

        async def reader() -> None:
            await written.wait()
            seen.append(await _read(database))
            read_done.set()

        await asyncio.gather(command(), reader())
        after = await _read(database)
        await database.dispose()
        return seen[0], after

    assert asyncio.run(scenario()) == (0, 1)


def test_a_savepoint_rolls_back_with_its_transaction(database_factory: DatabaseFactory) -> None:
    """What a released SAVEPOINT wrote is undone when the enclosing command fails (no half-written records)."""
    database = _database(database_factory)

    async def scenario() -> int:
        await _prepare(database)
        try:
            async with database.sessionmaker() as session, session.begin():
                async with session.begin_nested():
                    await session.execute(update(counter).where(counter.c.id == 1).values(n=7))
                raise RuntimeError("the command fails after its savepoint")
        except RuntimeError:
            pass
        n = await _read(database)
        await database.dispose()
        return n

    assert asyncio.run(scenario()) == 0


@pytest.mark.postgres_only  # a server closing its connections: SQLite has no server
def test_connections_the_server_closed_are_replaced_before_a_request_gets_them(
    database_factory: DatabaseFactory,
) -> None:
    """PostgreSQL restarts (here: it terminates every backend of the pool): the next reads all answer, none fails."""
    database = _database(database_factory)

    async def scenario() -> list[int]:
        await _prepare(database)
        await asyncio.gather(*(_read(database) for _ in range(3)))  # the pool now keeps a few open connections
        async with create_async_engine(database.url, poolclass=NullPool).connect() as admin:
            terminated = await admin.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        assert terminated and terminated >= 1
        await asyncio.sleep(0.1)  # requests come later than the restart: the event loop has read the goodbyes
        reads = await asyncio.gather(*(_read(database) for _ in range(3)))
        await database.dispose()
        return reads

    assert asyncio.run(scenario()) == [0, 0, 0]


def test_a_connection_that_served_a_one_statement_read_still_gives_commands_their_transaction(
    database_factory: DatabaseFactory,
) -> None:
    """The reader engine (autocommit on PostgreSQL) shares the pool: the connection it used comes back to the
    commands' engine as it was, so a command that fails after writing still leaves nothing behind."""
    database = _database(database_factory)

    async def scenario() -> tuple[bool, int]:
        await _prepare(database)
        await database.engine.dispose()  # an empty pool: the read and the command below share its one connection
        async with database.reader.connect() as conn:
            await conn.execute(select(counter.c.n))
            driver = (await conn.get_raw_connection()).driver_connection
            read_in_a_transaction = driver.in_transaction if database.is_sqlite else driver.is_in_transaction()
        try:
            async with database.sessionmaker() as session, session.begin():
                await session.execute(update(counter).where(counter.c.id == 1).values(n=7))
                raise RuntimeError("the command fails after its write")
        except RuntimeError:
            pass
        n = await _read(database)
        await database.dispose()
        return read_in_a_transaction, n

    # On PostgreSQL the read ran outside any transaction (no BEGIN and no ROLLBACK: one round trip); on SQLite the
    # reader is the engine itself, whose BEGIN costs no round trip. Either way the failed command left nothing.
    assert asyncio.run(scenario()) == (database.is_sqlite, 0)
