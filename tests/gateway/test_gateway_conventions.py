"""Conventions integrators know, through the gateway to the real services (issue 29).

RateLimit fields (draft-ietf-httpapi-ratelimit-headers-06) on every answer that passed a bucket; the W3C trace
context carried to the services and answered in ``traceresponse``; cursor pages whose ``Link`` points at the gateway's
path. The services run on this run's database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set).
"""

import datetime as dt
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from dogs_testdata import SHELTER_DOG
from fastapi.testclient import TestClient
from testkit import ServiceProcess, id_number

from gateway.proxy import gateway_links
from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET

DEV = {"X-API-Key": "dev-key"}
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE_ID}-b7ad6b7169203331-01"
TRACERESPONSE = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def _limits(answer: Any) -> tuple[int, int, int]:
    headers = answer.headers
    return int(headers["RateLimit-Limit"]), int(headers["RateLimit-Remaining"]), int(headers["RateLimit-Reset"])


def _resets_about(answers: list[Any], expected: list[int], started: float) -> bool:
    """Each answer's RateLimit-Reset is its expected value less the refill since the first request: the bucket
    refills while the requests run (the first call to a service opens its connection, seconds on a loaded machine)."""
    slack = time.monotonic() - started + 1
    return all(
        expected_s - slack <= _limits(a)[2] <= expected_s for a, expected_s in zip(answers, expected, strict=True)
    )


def _as_citizen(who: str) -> dict[str, str]:
    now = int(time.time())
    claims = {"sub": who, "name": "市民", "iat": now, "exp": now + 300}
    return {"X-API-Key": "dev-zheliban-key", "X-Citizen-Assertion": jwt.encode(claims, DEV_ADAPTER_ASSERTION_SECRET)}


# RateLimit fields


def test_every_answer_of_a_client_describes_its_bucket(make_gateway: Callable[..., TestClient]) -> None:
    """A bucket of 3 tokens refilled at 0.01 per second (one token every 100 s).

    After the first request 2 tokens are left and the bucket is full again in (3 − 2) / 0.01 = 100 s; after the
    second 1 token, 200 s; after the third none, 300 s. The fourth is refused: 0 left, still about 300 s to full, and
    Retry-After (one whole token back) 100 s, less what refilled while the requests ran."""
    gateway = make_gateway(rate_limit_per_s=0.01, rate_limit_burst=3)
    started = time.monotonic()
    answers = [gateway.get("/api/dogs/healthz", headers=DEV) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [_limits(a)[:2] for a in answers] == [(3, 2), (3, 1), (3, 0), (3, 0)]
    assert _resets_about(answers, [100, 200, 300, 300], started)
    assert 90 <= int(answers[-1].headers["Retry-After"]) <= 100
    assert answers[-1].json()["code"] == "rate_limited"


def test_refusals_after_the_bucket_describe_it_too(make_gateway: Callable[..., TestClient]) -> None:
    gateway = make_gateway(rate_limit_per_s=0.01, rate_limit_burst=5)
    no_key = gateway.get("/api/dogs/healthz")  # the address's bucket
    assert no_key.status_code == 401 and _limits(no_key)[:2] == (5, 4)
    adapter_off_its_path = gateway.get("/api/dogs/healthz", headers={"X-API-Key": "dev-zheliban-key"})
    assert adapter_off_its_path.status_code == 403 and _limits(adapter_off_its_path)[:2] == (5, 4)
    not_found = gateway.get("/api/dogs/v1/registrations/999999999", headers=DEV)
    assert not_found.status_code == 404 and _limits(not_found)[:2] == (5, 4)
    unknown_service = gateway.get("/api/nosuch/v1/x", headers=DEV)
    assert unknown_service.status_code == 404 and _limits(unknown_service)[:2] == (5, 3)
    # What the gateway answers itself, outside the buckets, describes none.
    assert "RateLimit-Limit" not in gateway.get("/healthz").headers


def test_a_citizen_s_answer_describes_the_tighter_of_their_bucket_and_the_adapter_s(
    make_gateway: Callable[..., TestClient],
) -> None:
    path = "/api/v1/me/expropriation/household"
    # Citizen 2 tokens, adapter 10: after one request the citizen has 1 left, the adapter 9: the citizen's.
    own_tighter = make_gateway(
        citizen_rate_limit_per_s=0.01,
        citizen_rate_limit_burst=2,
        adapter_rate_limit_per_s=0.1,
        adapter_rate_limit_burst=10,
    )
    alice = id_number("330802", dt.date(1950, 1, 1), 71)
    first, second, refused = (own_tighter.get(path, headers=_as_citizen(alice)) for _ in range(3))
    assert [first.status_code, second.status_code, refused.status_code] == [200, 200, 429]
    # Citizen 2 at 0.01/s: 1 left, full in 100 s; 0 left, 200 s; refused: 0 left, Retry-After 100 s.
    assert [_limits(a) for a in (first, second, refused)] == [(2, 1, 100), (2, 0, 200), (2, 0, 200)]
    assert refused.headers["Retry-After"] == "100"
    # Adapter 2 tokens shared, each citizen 5: after Bob's request the adapter has 1 left, Bob 4: the adapter's.
    shared_tighter = make_gateway(
        citizen_rate_limit_per_s=0.1,
        citizen_rate_limit_burst=5,
        adapter_rate_limit_per_s=0.01,
        adapter_rate_limit_burst=2,
    )
    bob, carol = id_number("330803", dt.date(1960, 1, 1), 72), id_number("330803", dt.date(1961, 1, 1), 73)
    bobs = shared_tighter.get(path, headers=_as_citizen(bob))
    carols, refused = (shared_tighter.get(path, headers=_as_citizen(carol)) for _ in range(2))
    assert [bobs.status_code, carols.status_code, refused.status_code] == [200, 200, 429]
    # Adapter 2 at 0.01/s: 1 left (100 s to full), then 0 (200 s), then the refusal from the adapter's bucket.
    assert [_limits(a) for a in (bobs, carols, refused)] == [(2, 1, 100), (2, 0, 200), (2, 0, 200)]


def test_replicas_sharing_redis_describe_the_shared_bucket(
    make_gateway: Callable[..., TestClient], issue_key: Callable[..., str]
) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings = {"rate_limit_per_s": 0.01, "rate_limit_burst": 3, "redis_url": "redis://127.0.0.1:6379/15"}
    first, second = make_gateway(**settings), make_gateway(**settings)
    headers = {"X-API-Key": issue_key(f"ratelimit-{uuid.uuid4().hex[:8]}", "dogs:read")}  # a bucket of its own
    started = time.monotonic()
    answers = [gateway.get("/api/dogs/healthz", headers=headers) for gateway in (first, second, first, second)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [_limits(a)[:2] for a in answers] == [(3, 2), (3, 1), (3, 0), (3, 0)]
    assert _resets_about(answers, [100, 200, 300, 300], started)  # 100 s per spent token, by Redis's clock


# W3C trace context


def test_the_caller_s_trace_reaches_the_service_and_comes_back(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    marker = f"trace-{uuid.uuid4().hex[:12]}"
    answer = gateway.get("/api/dogs/healthz", headers=DEV | {"traceparent": TRACEPARENT, "X-Request-ID": marker})
    trace_id, span_id, flags = TRACERESPONSE.match(answer.headers["traceresponse"]).groups()  # type: ignore[union-attr]
    assert (trace_id, flags) == (TRACE_ID, "01") and span_id != "b7ad6b7169203331"
    # The service's request is a child of the gateway's span, the one the caller's traceresponse names.
    logged = service_processes["dogs"].logged(marker)[-1]
    assert f'"traceparent": "00-{TRACE_ID}-{span_id}-01"' in logged
    # One traceresponse, the gateway's: the service's own (its span in the same trace) is not passed on.
    assert len(answer.headers.get_list("traceresponse")) == 1


@pytest.mark.parametrize(
    "malformed", ["nonsense", f"00-{'0' * 32}-b7ad6b7169203331-01", f"ff-{TRACE_ID}-b7ad6b7169203331-01", ""]
)
def test_a_malformed_traceparent_is_ignored(gateway: TestClient, malformed: str) -> None:
    answer = gateway.get("/api/dogs/healthz", headers=DEV | {"traceparent": malformed})
    assert answer.status_code == 200
    trace_id, _, _ = TRACERESPONSE.match(answer.headers["traceresponse"]).groups()  # type: ignore[union-attr]
    assert trace_id not in (TRACE_ID, "0" * 32)


def test_every_answer_of_the_gateway_carries_a_traceresponse(gateway: TestClient) -> None:
    for path, headers, status in [
        ("/healthz", {}, 200),
        ("/openapi.json", {}, 200),
        ("/api/dogs/healthz", {}, 401),
        ("/api/dogs/v1/registrations/999999999", DEV, 404),
        ("/api/nosuch/v1/x", DEV, 404),
    ]:
        answer = gateway.get(path, headers=headers | {"traceparent": TRACEPARENT})
        assert answer.status_code == status, path
        assert answer.headers["traceresponse"].startswith(f"00-{TRACE_ID}-"), path


# Cursor pages through the gateway


def test_cursor_pages_through_the_gateway_link_to_the_gateway_path(gateway: TestClient) -> None:
    shelter = f"收容点{uuid.uuid4().hex[:6]}"
    created = [
        gateway.post("/api/dogs/v1/shelter-dogs", json=SHELTER_DOG | {"shelter": shelter}, headers=DEV).json()["id"]
        for _ in range(3)
    ]
    everything = gateway.get("/api/dogs/v1/shelter-dogs", params={"limit": 200, "district": "柯城区"}, headers=DEV)
    by_offset = [dog["id"] for dog in everything.json()["items"]]
    url, by_cursor, links = "/api/dogs/v1/shelter-dogs?limit=2&district=柯城区", [], []
    while url:
        page = gateway.get(url, headers=DEV)
        assert page.status_code == 200, page.text
        by_cursor += [dog["id"] for dog in page.json()["items"]]
        link = page.headers.get("link")
        links.append(link)
        url = link[1 : link.index(">")] if link else ""
        assert (link is None) == (page.json()["next_cursor"] is None)
    # The same rows in the same order as one large page by offset, each once, the three created among them.
    assert by_cursor == by_offset and set(created) <= set(by_cursor)
    assert all(link.startswith("</api/dogs/v1/shelter-dogs?limit=2&district=") for link in links[:-1])
    assert links[-1] is None


def test_a_tampered_cursor_through_the_gateway_is_422_naming_it(gateway: TestClient) -> None:
    gateway.post("/api/dogs/v1/shelter-dogs", json=SHELTER_DOG, headers=DEV).raise_for_status()
    gateway.post("/api/dogs/v1/shelter-dogs", json=SHELTER_DOG, headers=DEV).raise_for_status()
    cursor = gateway.get("/api/dogs/v1/shelter-dogs", params={"limit": 1}, headers=DEV).json()["next_cursor"]
    value, _, digest = cursor.partition(".")
    tampered = ("A" if value[0] != "A" else "B") + value[1:] + "." + digest
    answer = gateway.get("/api/dogs/v1/shelter-dogs", params={"cursor": tampered}, headers=DEV)
    assert answer.status_code == 422
    assert (answer.json()["code"], answer.json()["field"]) == ("cursor_invalid", "cursor")


def test_a_service_s_links_are_moved_under_the_gateway_s_prefix() -> None:
    link = '</v1/me/records?cursor=abc>; rel="next", <https://docs.example/x>; rel="deprecation"'
    assert gateway_links(link, "/v1/me", "/api/v1/me/dogs") == (
        '</api/v1/me/dogs/records?cursor=abc>; rel="next", <https://docs.example/x>; rel="deprecation"'
    )
    assert gateway_links('</v1/registrations?cursor=abc>; rel="next"', "", "/api/dogs") == (
        '</api/dogs/v1/registrations?cursor=abc>; rel="next"'
    )
    # A path outside the service's prefix is left as it is.
    assert gateway_links('</v1/other>; rel="next"', "/v1/me", "/api/v1/me/dogs") == '</v1/other>; rel="next"'
