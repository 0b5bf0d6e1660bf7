"""qz_common.pool: a request waiting for a connection is served before one that asks after it.

A pool of one connection makes the race exact: the holder returns the connection while one request waits for it,
and in the same turn of the event loop a newcomer asks. SQLAlchemy's own asyncio queue hands the connection to the
newcomer (the waiter, woken but not yet run, queues again at the back); this pool hands it to the waiter.
"""

import asyncio

import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from testkit import DatabaseFactory

from qz_common.db import async_url
from qz_common.pool import FirstComeFirstServedPool, FirstComeFirstServedQueue


def _one_connection_engine(database_factory: DatabaseFactory, timeout_s: float = 30) -> AsyncEngine:
    url = async_url(database_factory.create("platform", migrate=False))
    return create_async_engine(
        url, poolclass=FirstComeFirstServedPool, pool_size=1, max_overflow=0, pool_timeout=timeout_s
    )


def _queue(engine: AsyncEngine) -> FirstComeFirstServedQueue:
    pool = engine.sync_engine.pool
    assert isinstance(pool, FirstComeFirstServedPool)
    queue = pool._pool
    assert isinstance(queue, FirstComeFirstServedQueue)
    return queue


def test_the_request_that_waited_is_served_before_a_newcomer(database_factory: DatabaseFactory) -> None:
    engine = _one_connection_engine(database_factory)
    served: list[str] = []

    async def request(name: str) -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            served.append(name)

    async def scenario() -> None:
        holder = await engine.connect()
        await holder.execute(text("SELECT 1"))
        waiting = asyncio.create_task(request("waited"))
        await asyncio.sleep(0)  # the waiter runs until the pool makes it wait
        assert _queue(engine).waiting == 1
        await holder.close()  # the connection goes back and wakes the waiter, which has not run yet
        await request("newcomer")  # asks in the same turn of the loop
        await waiting
        await engine.dispose()

    asyncio.run(scenario())
    assert served == ["waited", "newcomer"]


def test_a_request_that_waits_too_long_times_out_and_leaves_no_trace(database_factory: DatabaseFactory) -> None:
    engine = _one_connection_engine(database_factory, timeout_s=0.2)

    async def scenario() -> None:
        holder = await engine.connect()
        await holder.execute(text("SELECT 1"))
        with pytest.raises(exc.TimeoutError):
            await engine.connect()
        assert _queue(engine).waiting == 0
        await holder.close()
        async with engine.connect() as connection:  # served at once: nobody is counted as waiting any more
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
        await engine.dispose()

    asyncio.run(scenario())
