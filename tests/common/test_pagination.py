"""qz_common.pagination: the total rides on the page's rows (one query), and is the same on every page.

Seven rows, five of them in 柯城区; the statement filters on the district, so the total is 5, not 7. Each combination
of filters is built once and reused, so the tests also ask in turn with other values and other combinations.
"""

import asyncio

import pytest
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from testkit import DatabaseFactory

from qz_common.db import Database
from qz_common.pagination import Page, PagedSelect, PageParams


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "owner"
    id: Mapped[int] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(String(10))


class Dog(Base):
    __tablename__ = "dog"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owner.id"))
    district: Mapped[str] = mapped_column(String(10))


DISTRICTS = ["柯城区", "衢江区", "柯城区", "柯城区", "衢江区", "柯城区", "柯城区"]

DOGS = PagedSelect(
    select(Dog).order_by(Dog.id),
    district=Dog.district,
    owners_district=lambda stmt, value: stmt.join(Owner).where(Owner.district == value),
)
Ask = tuple[PageParams, dict[str, str | None]]


@pytest.fixture(params=["engine", "session"])
def reading_from(request: pytest.FixtureRequest) -> str:
    """Pages read on a connection of their own (the engine), or on a session that has already read something."""
    return str(request.param)


def _pages(database_factory: DatabaseFactory, reading_from: str, *asks: Ask) -> list[Page[int]]:
    """Each page asked for in turn: its paging and its filter values."""
    database = Database(database_factory.create("platform", migrate=False))

    async def scenario() -> list[Page[int]]:
        async with database.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with database.sessionmaker() as session, session.begin():
            session.add_all(Owner(id=n, district=d) for n, d in enumerate(DISTRICTS, start=1))
            await session.flush()
            session.add_all(Dog(id=n, owner_id=n, district=d) for n, d in enumerate(DISTRICTS, start=1))
        async with database.sessionmaker() as session:
            if reading_from == "session":
                assert await session.get(Owner, 1) is not None  # the session's transaction is under way
            source = session if reading_from == "session" else database.engine
            pages = [await DOGS.fetch(source, p, lambda dog: dog.id, **filters) for p, filters in asks]
        await database.dispose()
        return pages

    return asyncio.run(scenario())


KECHENG = {"district": "柯城区"}


def test_every_page_carries_the_total_of_the_filtered_rows(
    database_factory: DatabaseFactory, reading_from: str
) -> None:
    first, second, last = _pages(
        database_factory,
        reading_from,
        (PageParams(limit=2, offset=0), KECHENG),
        (PageParams(limit=2, offset=2), KECHENG),
        (PageParams(limit=2, offset=4), KECHENG),
    )
    # 柯城区 rows are ids 1, 3, 4, 6, 7: pages of two are [1, 3], [4, 6], [7]; the total is 5 on each page.
    assert (first.items, second.items, last.items) == ([1, 3], [4, 6], [7])
    assert first.total == second.total == last.total == 5


@pytest.mark.parametrize("offset", [5, 50])
def test_a_page_past_the_end_is_empty_and_still_counts(
    database_factory: DatabaseFactory, reading_from: str, offset: int
) -> None:
    (page,) = _pages(database_factory, reading_from, (PageParams(limit=2, offset=offset), KECHENG))
    assert page.items == []
    assert page.total == 5
    assert (page.limit, page.offset) == (2, offset)


def test_a_joined_filter_counts_the_rows_it_selects(database_factory: DatabaseFactory, reading_from: str) -> None:
    (page,) = _pages(database_factory, reading_from, (PageParams(limit=3, offset=1), {"owners_district": "柯城区"}))
    assert page.items == [3, 4, 6]
    assert page.total == 5


def test_a_reused_statement_takes_each_request_s_own_values(
    database_factory: DatabaseFactory, reading_from: str
) -> None:
    page = PageParams(limit=50, offset=0)
    kecheng, qujiang, kecheng_again, unfiltered, none_is_no_filter, past_the_end = _pages(
        database_factory,
        reading_from,
        (page, KECHENG),
        (page, {"district": "衢江区"}),
        (page, KECHENG),
        (page, {}),
        (page, {"district": None, "owners_district": None}),
        (PageParams(limit=2, offset=9), {"district": "衢江区"}),
    )
    assert (kecheng.items, kecheng.total) == ([1, 3, 4, 6, 7], 5)
    assert (qujiang.items, qujiang.total) == ([2, 5], 2)
    assert kecheng_again == kecheng
    assert (unfiltered.items, unfiltered.total) == ([1, 2, 3, 4, 5, 6, 7], 7)
    assert none_is_no_filter == unfiltered
    assert (past_the_end.items, past_the_end.total) == ([], 2)  # the separate count takes the value too


def test_two_filters_together(database_factory: DatabaseFactory, reading_from: str) -> None:
    (both,) = _pages(
        database_factory,
        reading_from,
        (PageParams(limit=50, offset=0), {"district": "柯城区", "owners_district": "衢江区"}),
    )
    assert (both.items, both.total) == ([], 0)


def test_nothing_matches(database_factory: DatabaseFactory, reading_from: str) -> None:
    database = Database(database_factory.create("platform", migrate=False))

    async def scenario() -> Page[int]:
        async with database.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with database.sessionmaker() as session:
            page = await DOGS.fetch(session if reading_from == "session" else database.engine, PageParams(50, 0), int)
        await database.dispose()
        return page

    empty = asyncio.run(scenario())
    assert (empty.items, empty.total) == ([], 0)


def test_a_column_a_row_cannot_show_is_refused_when_the_collection_is_declared() -> None:
    """Rows come back as rows, where ``row.count`` is the tuple's method, not a column named ``count``."""

    class Tally(Base):
        __tablename__ = "tally"
        id: Mapped[int] = mapped_column(primary_key=True)
        count: Mapped[int]

    with pytest.raises(ValueError, match=r"\['count'\]"):
        PagedSelect(select(Tally).order_by(Tally.id))


# A page whose statement takes ``sleep`` seconds on PostgreSQL (the filter's condition is always true).
SLOW_DOGS = PagedSelect(
    select(Dog).order_by(Dog.id), sleep=lambda stmt, seconds: stmt.where(func.pg_sleep(seconds).cast(String) == "")
)


def test_a_read_cancelled_while_it_waits_gives_its_connection_back(database_factory: DatabaseFactory) -> None:
    """The request is cancelled while its page read waits (a deadline passed, the server shuts down): its connection
    goes back to the pool, and the next page is read at once on the same pool.

    Where a read waits depends on the backend. On PostgreSQL it is cancelled in the middle of its statement. On
    SQLite a statement never waits (qz_common.sqlite_driver runs reads in the event loop); what waits is the opening
    of a new connection, on that connection's own thread, so there the pool starts empty."""
    database = Database(database_factory.create("platform", migrate=False))
    first = PageParams(limit=1, offset=0)

    async def scenario() -> tuple[int, list[int]]:
        async with database.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with database.sessionmaker() as session, session.begin():
            session.add(Owner(id=1, district="柯城区"))
            await session.flush()
            session.add(Dog(id=1, owner_id=1, district="柯城区"))
        if database.is_sqlite:
            await database.engine.dispose()
            reading = asyncio.create_task(DOGS.fetch(database.reader, first, lambda dog: dog.id))
            await asyncio.sleep(0)  # the read has started and waits for its new connection
        else:
            reading = asyncio.create_task(SLOW_DOGS.fetch(database.reader, first, lambda dog: dog.id, sleep=30))
            await asyncio.sleep(0.5)  # the statement is running on the server
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading
        checked_out = database.engine.pool.checkedout()  # type: ignore[attr-defined]
        page = await asyncio.wait_for(DOGS.fetch(database.reader, first, lambda dog: dog.id), timeout=5)
        await database.dispose()
        return checked_out, page.items

    assert asyncio.run(scenario()) == (0, [1])
