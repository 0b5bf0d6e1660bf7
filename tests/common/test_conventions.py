"""Conventions every service's answers follow (issue 29): W3C trace context and the deprecation of an operation.

A test-only app of ``create_service_app`` (what every service is built from): no operation of the platform is
deprecated today, so the deprecation mechanism is proven on its routes.
"""

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from qz_common.app import create_service_app
from qz_common.context import parse_traceparent
from qz_common.deprecation import deprecated
from qz_common.errors import ProblemError
from qz_common.settings import PlatformSettings, ServiceSettings

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-01"
TRACERESPONSE = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
CHANGELOG = "https://docs.example.gov.cn/API_CHANGELOG.md#2027-03-01"

router = APIRouter()


@router.get("/v1/current")
async def current() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/v1/retiring", **deprecated(since=dt.date(2027, 3, 1), sunset=dt.date(2027, 9, 1), changelog=CHANGELOG))
async def retiring(n: int) -> dict[str, int]:
    if n < 0:
        raise ProblemError(409, "negative", "不接受负数", field="n")
    return {"n": n}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = ServiceSettings(service_name="conventions", database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    app = create_service_app(
        settings=settings, platform=PlatformSettings(dev_mode=True), title="test", description="", routers=[router]
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_answer_continues_the_caller_s_trace_in_its_traceresponse(client: TestClient) -> None:
    for path, status in [("/v1/current", 200), ("/v1/nothing-here", 404), ("/v1/retiring?n=x", 422)]:
        answer = client.get(path, headers={"traceparent": TRACEPARENT})
        assert answer.status_code == status
        trace_id, span_id, flags = TRACERESPONSE.match(answer.headers["traceresponse"]).groups()  # type: ignore[union-attr]
        # The caller's trace and flags; the span is this request's own, not the caller's.
        assert (trace_id, flags) == (TRACE_ID, "01") and span_id not in (PARENT_ID, "0" * 16)


@pytest.mark.parametrize(
    "malformed",
    [
        "garbage",
        f"00-{TRACE_ID.upper()}-{PARENT_ID}-01",  # upper-case hex
        f"00-{'0' * 32}-{PARENT_ID}-01",  # all-zero trace id
        f"00-{TRACE_ID}-{'0' * 16}-01",  # all-zero parent id
        f"ff-{TRACE_ID}-{PARENT_ID}-01",  # the forbidden version
        f"00-{TRACE_ID}-{PARENT_ID}-01-extra",  # version 00 has exactly four fields
        f"00-{TRACE_ID}-{PARENT_ID}-1",
        f"00_{TRACE_ID}_{PARENT_ID}_01",
    ],
)
def test_a_malformed_traceparent_is_ignored_and_a_new_trace_started(client: TestClient, malformed: str) -> None:
    answer = client.get("/v1/current", headers={"traceparent": malformed})
    assert answer.status_code == 200
    trace_id, _, _ = TRACERESPONSE.match(answer.headers["traceresponse"]).groups()  # type: ignore[union-attr]
    assert trace_id not in (TRACE_ID, TRACE_ID.lower(), "0" * 32)
    assert parse_traceparent(malformed) is None


def test_without_a_traceparent_each_answer_starts_a_trace_of_its_own(client: TestClient) -> None:
    first, second = (client.get("/v1/current").headers["traceresponse"] for _ in range(2))
    assert TRACERESPONSE.match(first) and TRACERESPONSE.match(second) and first[3:35] != second[3:35]


def test_a_later_version_is_read_for_its_first_four_fields() -> None:
    """Trace Context Level 2 4.3: a receiver of a higher version reads the fields it knows (and sends version 00)."""
    assert parse_traceparent(f"01-{TRACE_ID}-{PARENT_ID}-01-future") == TRACEPARENT
    assert parse_traceparent(f"01-{TRACE_ID}-{PARENT_ID}-01") == TRACEPARENT
    assert parse_traceparent(f"01-{TRACE_ID}-{PARENT_ID}-01future") is None


def test_a_deprecated_operation_says_so_on_every_answer(client: TestClient) -> None:
    for path, status in [("/v1/retiring?n=1", 200), ("/v1/retiring?n=-1", 409), ("/v1/retiring?n=x", 422)]:
        answer = client.get(path)
        assert answer.status_code == status
        # 2027-03-01 00:00 in 衢州 (UTC+8) is 2027-02-28 16:00 UTC: 1803830400 s after the epoch
        # (57 years of 365 days = 1797552000 s, 14 leap days 1970–2026 = 1209600 s, 58 days of 2027 to 28 Feb =
        # 5011200 s, 16 h = 57600 s). The sunset, 2027-09-01 00:00 in 衢州, is 2027-08-31 16:00 GMT.
        assert answer.headers["deprecation"] == "@1803830400"
        assert answer.headers["sunset"] == "Tue, 31 Aug 2027 16:00:00 GMT"
        assert answer.headers["link"] == f'<{CHANGELOG}>; rel="deprecation"'
    current = client.get("/v1/current")
    assert not {"deprecation", "sunset", "link"} & set(current.headers)


def test_a_deprecated_operation_is_marked_in_the_contract(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/v1/retiring"]["get"]["deprecated"] is True
    assert "deprecated" not in paths["/v1/current"]["get"]


def test_an_operation_cannot_be_retired_sooner_than_the_policy_allows() -> None:
    """docs/API_CHANGELOG.md: at least six months (182 days) between the deprecation and the sunset."""
    with pytest.raises(ValueError, match="182 days"):
        deprecated(since=dt.date(2027, 3, 1), sunset=dt.date(2027, 8, 29), changelog=CHANGELOG)  # 181 days
    assert deprecated(since=dt.date(2027, 3, 1), sunset=dt.date(2027, 8, 30), changelog=CHANGELOG)["deprecated"]
