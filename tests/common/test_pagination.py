"""qz_common.pagination: the total rides on the page's rows (one query), and is the same on every page.

Seven rows, five of them in 柯城区; the statement filters on the district, so the total is 5, not 7.
"""

import asyncio

import pytest
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from testkit import DatabaseFactory

from qz_common.db import Database
from qz_common.pagination import Page, PageParams, fetch_page


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


def _pages(database_factory: DatabaseFactory, *params: PageParams, joined: bool = False) -> list[Page[int]]:
    database = Database(database_factory.create("platform", migrate=False))

    async def scenario() -> list[Page[int]]:
        async with database.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with database.sessionmaker() as session, session.begin():
            session.add_all(Owner(id=n, district=d) for n, d in enumerate(DISTRICTS, start=1))
            await session.flush()
            session.add_all(Dog(id=n, owner_id=n, district=d) for n, d in enumerate(DISTRICTS, start=1))
        stmt = select(Dog).order_by(Dog.id)
        stmt = stmt.join(Owner).where(Owner.district == "柯城区") if joined else stmt.where(Dog.district == "柯城区")
        async with database.sessionmaker() as session:
            pages = [await fetch_page(session, stmt, p, lambda dog: dog.id) for p in params]
        await database.dispose()
        return pages

    return asyncio.run(scenario())


def test_every_page_carries_the_total_of_the_filtered_rows(database_factory: DatabaseFactory) -> None:
    first, second, last = _pages(
        database_factory, PageParams(limit=2, offset=0), PageParams(limit=2, offset=2), PageParams(limit=2, offset=4)
    )
    # 柯城区 rows are ids 1, 3, 4, 6, 7: pages of two are [1, 3], [4, 6], [7]; the total is 5 on each page.
    assert (first.items, second.items, last.items) == ([1, 3], [4, 6], [7])
    assert first.total == second.total == last.total == 5


@pytest.mark.parametrize("offset", [5, 50])
def test_a_page_past_the_end_is_empty_and_still_counts(database_factory: DatabaseFactory, offset: int) -> None:
    (page,) = _pages(database_factory, PageParams(limit=2, offset=offset))
    assert page.items == []
    assert page.total == 5
    assert (page.limit, page.offset) == (2, offset)


def test_a_joined_filter_counts_the_rows_it_selects(database_factory: DatabaseFactory) -> None:
    (page,) = _pages(database_factory, PageParams(limit=3, offset=1), joined=True)
    assert page.items == [3, 4, 6]
    assert page.total == 5


def test_nothing_matches(database_factory: DatabaseFactory) -> None:
    database = Database(database_factory.create("platform", migrate=False))

    async def scenario() -> Page[int]:
        async with database.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with database.sessionmaker() as session:
            page = await fetch_page(session, select(Dog).order_by(Dog.id), PageParams(limit=50, offset=0), int)
        await database.dispose()
        return page

    empty = asyncio.run(scenario())
    assert (empty.items, empty.total) == ([], 0)
