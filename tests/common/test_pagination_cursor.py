"""qz_common.pagination by cursor: a keyset on the collection's ORDER BY beside offset/limit (issue 29).

Seven rows (ids 1–7), five in 柯城区 (ids 1, 3, 4, 6, 7), two in 衢江区 (2, 5), each of kind ``a`` or ``b``. The
pages are read on this run's database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set: run the file twice),
through a test-only app of ``create_service_app``, so the ``Link`` header is the one every list endpoint gives.
"""

import asyncio
import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import String, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from testkit import DatabaseFactory

from qz_common.app import Engine, create_service_app
from qz_common.db import Database
from qz_common.deprecation import deprecated
from qz_common.pagination import Page, PagedSelect, Paging
from qz_common.settings import PlatformSettings, ServiceSettings


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "cursor_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(1))


ROWS = [  # id, district, kind
    (1, "柯城区", "a"),
    (2, "衢江区", "b"),
    (3, "柯城区", "b"),
    (4, "柯城区", "a"),
    (5, "衢江区", "a"),
    (6, "柯城区", "b"),
    (7, "柯城区", "a"),
]

ITEMS = PagedSelect(select(Item).order_by(Item.id), district=Item.district)
# Mixed directions: kind descending (b before a), then id ascending within a kind.
BY_KIND = PagedSelect(select(Item).order_by(Item.kind.desc(), Item.id), district=Item.district)

router = APIRouter()


@router.get("/v1/items")
async def list_items(engine: Engine, paging: Paging, district: str | None = None) -> Page[int]:
    return await ITEMS.fetch(engine, paging, lambda row: row.id, district=district)


@router.get("/v1/items-by-kind")
async def list_items_by_kind(engine: Engine, paging: Paging, district: str | None = None) -> Page[int]:
    return await BY_KIND.fetch(engine, paging, lambda row: row.id, district=district)


@router.get(
    "/v1/old-items", **deprecated(since=dt.date(2027, 1, 1), sunset=dt.date(2027, 9, 1), changelog="https://x/c.md")
)
async def list_old_items(engine: Engine, paging: Paging) -> Page[int]:
    return await ITEMS.fetch(engine, paging, lambda row: row.id)


@pytest.fixture
def database_url(database_factory: DatabaseFactory) -> str:
    url = database_factory.create("platform", migrate=False)
    database = Database(url)

    async def fill() -> None:
        async with database.engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)
            await conn.run_sync(Base.metadata.create_all)
        async with database.sessionmaker() as session, session.begin():
            session.add_all(Item(id=n, district=d, kind=k) for n, d, k in ROWS)
        await database.dispose()

    asyncio.run(fill())
    return url


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = ServiceSettings(service_name="pagingtest", database_url=database_url)
    app = create_service_app(
        settings=settings, platform=PlatformSettings(dev_mode=True), title="paging", description="", routers=[router]
    )
    with TestClient(app) as test_client:
        yield test_client


def _walk(client: TestClient, first: str) -> list[Any]:
    """Every page from ``first``, following each answer's Link rel="next" until an answer has none."""
    pages, url = [], first
    while True:
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        pages.append(answer)
        link = answer.headers.get("link")
        if link is None:
            assert answer.json()["next_cursor"] is None
            return pages
        assert link.startswith("<") and link.endswith('>; rel="next"')
        url = link[1:-13]


def test_following_the_links_reads_every_row_once_in_order(client: TestClient) -> None:
    pages = _walk(client, "/v1/items?limit=2&district=柯城区")
    # 柯城区 rows are 1, 3, 4, 6, 7: pages of two are [1, 3], [4, 6], [7]; each page counts all 5.
    assert [p.json()["items"] for p in pages] == [[1, 3], [4, 6], [7]]
    assert {p.json()["total"] for p in pages} == {5}
    # The next page's link keeps the limit and the filter and carries the body's next_cursor.
    first = pages[0]
    assert first.headers["link"] == (
        f'</v1/items?limit=2&district=%E6%9F%AF%E5%9F%8E%E5%8C%BA&cursor={first.json()["next_cursor"]}>; rel="next"'
    )


def test_a_deprecated_list_links_its_next_page_and_its_deprecation(client: TestClient) -> None:
    answer = client.get("/v1/old-items", params={"limit": 6})
    cursor = answer.json()["next_cursor"]
    assert (
        answer.headers["link"]
        == f'<https://x/c.md>; rel="deprecation", </v1/old-items?limit=6&cursor={cursor}>; rel="next"'
    )


def test_offset_paging_still_works_and_gives_a_cursor_to_continue_with(client: TestClient) -> None:
    by_offset = client.get("/v1/items", params={"limit": 2, "offset": 2, "district": "柯城区"})
    assert (by_offset.json()["items"], by_offset.json()["offset"], by_offset.json()["total"]) == ([4, 6], 2, 5)
    # The cursor of an offset page continues after its last row (6); the link drops the offset.
    assert "offset" not in by_offset.headers["link"]
    after = client.get(
        "/v1/items", params={"limit": 2, "cursor": by_offset.json()["next_cursor"], "district": "柯城区"}
    )
    assert (after.json()["items"], after.json()["next_cursor"], after.json()["offset"]) == ([7], None, 0)
    assert "link" not in after.headers
    # An offset page knows from its total (5) whether rows follow it: after 4 one does, after 3 + 2 none.
    assert client.get("/v1/items", params={"limit": 4, "district": "柯城区"}).json()["next_cursor"] is not None
    assert client.get("/v1/items", params={"limit": 2, "offset": 3, "district": "柯城区"}).json()["next_cursor"] is None
    # The last page by offset has no next page either.
    assert client.get("/v1/items", params={"limit": 5, "district": "柯城区"}).json()["next_cursor"] is None


def test_a_row_removed_before_the_cursor_shifts_no_page(client: TestClient, database_url: str) -> None:
    """The reason for cursors: by offset, a row removed from an earlier page moves a row past the reader."""
    first = client.get("/v1/items", params={"limit": 2, "district": "柯城区"}).json()
    assert first["items"] == [1, 3]
    database = Database(database_url)

    async def remove_first_row() -> None:
        async with database.sessionmaker() as session, session.begin():
            await session.execute(delete(Item).where(Item.id == 1))
        await database.dispose()

    asyncio.run(remove_first_row())
    # 柯城区 is now 3, 4, 6, 7: offset 2 skips 4; the cursor (after 3) does not.
    assert client.get("/v1/items", params={"limit": 2, "offset": 2, "district": "柯城区"}).json()["items"] == [6, 7]
    by_cursor = client.get("/v1/items", params={"limit": 2, "cursor": first["next_cursor"], "district": "柯城区"})
    assert (by_cursor.json()["items"], by_cursor.json()["total"]) == ([4, 6], 4)


def test_a_mixed_direction_order_is_followed_column_by_column(client: TestClient) -> None:
    # kind descending, then id: the b rows 2, 3, 6, then the a rows 1, 4, 5, 7. Pages of three: [2, 3, 6], [1, 4,
    # 5], [7]; the second cursor (after a row of kind b, id 6) must step from the b rows into the a rows.
    pages = _walk(client, "/v1/items-by-kind?limit=3")
    assert [p.json()["items"] for p in pages] == [[2, 3, 6], [1, 4, 5], [7]]
    pages = _walk(client, "/v1/items-by-kind?limit=1&district=衢江区")
    assert [p.json()["items"] for p in pages] == [[2], [5]]  # 衢江区: 2 (b), then 5 (a)


def _forged(values: list[object], ordered_by: str = "cursor_item.id asc") -> str:
    """A cursor made as the platform makes one, by someone who has read its source (the digest is not a secret)."""
    raw = json.dumps(values, separators=(",", ":")).encode()
    digest = hashlib.sha256(hashlib.sha256(ordered_by.encode()).digest() + raw).digest()[:12]
    return f"{_b64(raw)}.{_b64(digest)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_forged_cursor_reaches_what_an_offset_would(client: TestClient) -> None:
    """The same encoding the platform uses (the test proves it reads one): after id 4 come 5, 6, 7."""
    assert client.get("/v1/items", params={"cursor": _forged([4])}).json()["items"] == [5, 6, 7]
    assert client.get("/v1/items", params={"cursor": _forged([2**31 - 1])}).json()["items"] == []


def test_an_invalid_or_tampered_cursor_is_refused_naming_it(client: TestClient) -> None:
    good = client.get("/v1/items", params={"limit": 1}).json()["next_cursor"]
    value, _, digest = good.partition(".")
    other_collection = client.get("/v1/items-by-kind", params={"limit": 1}).json()["next_cursor"]
    refused = {
        "garbage": "not-a-cursor",
        "empty": "",
        "edited value": _b64(b"[5]") + "." + digest,
        "cut short": good[:-3],
        "no digest": value,
        "another list's": other_collection,
        "not base64": "%%%." + digest,
        "non-ASCII": "游标." + digest,
        "text for an integer": _forged(["1"]),
        "a boolean": _forged([True]),
        "two values for one column": _forged([1, 2]),
        "not a list": _forged({"id": 1}),  # type: ignore[arg-type]
        "beyond the column's integers": _forged([2**31]),
        "a fraction": _forged([1.5]),
        "wrong order columns": _forged([1], "cursor_item.id desc"),
    }
    for case, cursor in refused.items():
        answer = client.get("/v1/items", params={"cursor": cursor})
        assert answer.status_code == 422, case
        assert (answer.json()["code"], answer.json()["field"]) == ("cursor_invalid", "cursor"), case


def test_a_cursor_with_an_offset_is_refused(client: TestClient) -> None:
    cursor = client.get("/v1/items", params={"limit": 1}).json()["next_cursor"]
    answer = client.get("/v1/items", params={"cursor": cursor, "offset": 3})
    assert answer.status_code == 422
    assert (answer.json()["code"], answer.json()["field"]) == ("cursor_with_offset", "offset")
    too_long = client.get("/v1/items", params={"cursor": "x" * 513})
    assert (too_long.status_code, too_long.json()["field"]) == (422, "cursor")


def test_the_contract_shows_the_cursor_and_next_cursor(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    parameters = {p["name"] for p in document["paths"]["/v1/items"]["get"]["parameters"]}
    assert {"limit", "offset", "cursor"} <= parameters
    page = document["components"]["schemas"]["Page_int_"]["properties"]
    assert "next_cursor" in page


def test_an_order_a_cursor_cannot_follow_is_refused_when_declared() -> None:
    class Loose(Base):
        __tablename__ = "cursor_loose"
        id: Mapped[int] = mapped_column(primary_key=True)
        note: Mapped[str | None] = mapped_column(String(10))

    with pytest.raises(ValueError, match="non-null"):
        PagedSelect(select(Loose).order_by(Loose.note))  # a NULL has no place in a keyset
    with pytest.raises(ValueError, match="deterministic"):
        PagedSelect(select(Loose))
