"""qz_common.sqlite_driver: reads run in the event loop, anything that can wait for the write lock in a thread.

The invariants the driver must keep whatever it saves: a command waiting for another's write lock never stalls the
event loop (the holder may be a coroutine of the same process), and one connection's calls never overlap.
"""

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from qz_common.db import Database
from qz_common.sqlite_driver import AsyncSQLiteConnection, never_waits


@pytest.mark.parametrize(
    ("statement", "lock_free"),
    [
        ("SELECT 1", True),
        ("  select id FROM t", True),
        ("\nSELECT count(*) OVER () FROM t LIMIT ? OFFSET ?", True),
        ("BEGIN", True),  # deferred: takes no lock until its first statement
        ("ROLLBACK", True),
        ("ROLLBACK TO SAVEPOINT sa_savepoint_1", True),
        ("BEGIN IMMEDIATE", False),  # waits for the write lock
        ("INSERT INTO t VALUES (1) RETURNING id", False),
        ("UPDATE t SET n = 1", False),
        ("DELETE FROM t", False),
        ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", False),  # a CTE may front a write
        ("SAVEPOINT sa_savepoint_1", False),
        ("RELEASE SAVEPOINT sa_savepoint_1", False),
        ("PRAGMA journal_mode=WAL", False),
        ("CREATE TABLE t (id INTEGER)", False),
    ],
)
def test_only_statements_that_take_no_lock_run_in_the_event_loop(statement: str, lock_free: bool) -> None:
    assert never_waits(statement) is lock_free


def test_a_read_makes_no_thread_round_trip_and_a_command_one_per_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(f"sqlite:///{tmp_path / 'd.db'}")
    submitted: list[str] = []
    submit = ThreadPoolExecutor.submit

    def counting_submit(executor: ThreadPoolExecutor, call: Callable[[], object]) -> "Future[object]":
        submitted.append(str(executor._thread_name_prefix))
        return submit(executor, call)

    async def scenario() -> tuple[int, int]:
        async with database.engine.begin() as conn:  # opens the pool's connection (its PRAGMAs run in the thread)
            await conn.execute(text("CREATE TABLE t (n INTEGER)"))
        monkeypatch.setattr(ThreadPoolExecutor, "submit", counting_submit)
        for _ in range(3):
            async with database.sessionmaker() as session:  # BEGIN, SELECT, ROLLBACK
                assert (await session.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
        reads = len(submitted)
        async with database.sessionmaker() as session, session.begin():  # BEGIN IMMEDIATE, INSERT, COMMIT
            await session.execute(text("INSERT INTO t VALUES (1)"))
        monkeypatch.undo()
        await database.dispose()
        return reads, len(submitted) - reads

    assert asyncio.run(scenario()) == (0, 3)


def test_a_command_waiting_for_the_write_lock_does_not_stall_the_event_loop(tmp_path: Path) -> None:
    """While one command holds the write lock, a second waits for it in its thread: meanwhile the loop keeps
    turning and a read answers; when the first commits, the second goes through."""
    database = Database(f"sqlite:///{tmp_path / 'd.db'}")

    async def scenario() -> tuple[int, int, list[int]]:
        async with database.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (n INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (0)"))
        holding, release = asyncio.Event(), asyncio.Event()
        order: list[int] = []

        async def first() -> None:
            async with database.sessionmaker() as session, session.begin():
                await session.execute(text("UPDATE t SET n = n + 1"))
                holding.set()
                await release.wait()
            order.append(1)

        async def second() -> None:
            await holding.wait()
            async with database.sessionmaker() as session, session.begin():  # BEGIN IMMEDIATE: waits in its thread
                await session.execute(text("UPDATE t SET n = n + 10"))
            order.append(2)

        tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
        await holding.wait()
        waiting_turns = 0
        for _ in range(20):  # the loop keeps turning while the second command waits for the lock in its thread
            await asyncio.sleep(0.01)
            waiting_turns += not tasks[1].done()
        async with database.sessionmaker() as session:
            committed = (await session.execute(text("SELECT n FROM t"))).scalar_one()
        release.set()
        await asyncio.gather(*tasks)
        async with database.sessionmaker() as session:
            final = (await session.execute(text("SELECT n FROM t"))).scalar_one()
        await database.dispose()
        return committed, final, [waiting_turns, *order]

    committed, final, (waiting_turns, *order) = asyncio.run(scenario())
    assert waiting_turns == 20  # (a BEGIN IMMEDIATE run in the loop would stall it until busy_timeout, then fail)
    assert committed == 0  # the read saw the last committed figure, not the first command's uncommitted write
    assert order == [1, 2] and final == 11


def test_a_call_after_a_cancelled_one_queues_behind_it_on_the_same_connection(tmp_path: Path) -> None:
    """A coroutine cancelled while its statement runs in the thread leaves it running; the connection's next call,
    even a read, runs after it in the same thread, never beside it."""
    database = Database(f"sqlite:///{tmp_path / 'd.db'}")

    async def scenario() -> list[str]:
        async with database.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (n INTEGER)"))
        seen: list[str] = []
        async with database.engine.connect() as conn:
            adapted = (await conn.get_raw_connection()).dbapi_connection
            assert isinstance(adapted, AsyncSQLiteConnection)

            def slow_write() -> None:
                time.sleep(0.2)
                seen.append("write done")

            loop_task = asyncio.create_task(conn.run_sync(lambda _: adapted.run(slow_write, may_wait=True)))
            await asyncio.sleep(0.05)
            loop_task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await loop_task
            await conn.run_sync(lambda _: adapted.run(lambda: seen.append("read"), may_wait=False))
        await database.dispose()
        return seen

    assert asyncio.run(scenario()) == ["write done", "read"]
