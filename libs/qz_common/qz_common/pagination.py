"""Offset pagination with a total, the shape every collection endpoint returns."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.bounds import DB_INT_MAX

T = TypeVar("T")

# ``count(*)``, built once and shared by every statement (SQL elements are immutable): building one runs
# SQLAlchemy's operator checks through typing's slow Protocol isinstance on Python 3.11, 5% of a one-row read.
_COUNT_ALL = func.count()


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int


async def _page_params(  # async: FastAPI runs a plain ``def`` dependency in the thread pool
    limit: Annotated[int, Query(ge=1, le=200, description="每页条数 (1–200)")] = 50,
    offset: Annotated[int, Query(ge=0, le=DB_INT_MAX, description="跳过的条数")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


Paging = Annotated[PageParams, Depends(_page_params)]


async def fetch_page(
    session: AsyncSession, stmt: Select[Any], params: PageParams, convert: Callable[[Any], T]
) -> Page[T]:
    """One page of ``stmt`` (which must have a deterministic ORDER BY), each row converted, with the total count.

    The total rides on the page's own rows as an uncorrelated scalar subquery, ``(SELECT count(*) FROM (stmt))``,
    which both databases evaluate once per statement: one query per page, and the count reads only what a count
    needs. (``count(*) OVER ()`` did the same in one query but made SQLite copy and sort every matching row into a
    temporary b-tree: 270 µs against 19 µs on 50 rows, growing with the table.) A page past the end has no row to
    carry the total, and counts on its own.
    """
    total_of_all_pages = select(_COUNT_ALL).select_from(stmt.order_by(None).subquery())
    rows = (
        await session.execute(
            stmt.add_columns(total_of_all_pages.scalar_subquery().correlate(None))
            .limit(params.limit)
            .offset(params.offset)
        )
    ).all()
    if rows:
        total = rows[0][-1]
    elif params.offset == 0:
        total = 0
    else:
        total = await session.scalar(total_of_all_pages)
    return Page(
        items=[convert(row[0]) for row in rows], total=int(total or 0), limit=params.limit, offset=params.offset
    )
