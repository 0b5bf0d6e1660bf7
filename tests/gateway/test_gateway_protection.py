"""One client cannot take a bureau away from the others: breaker, limits before work, pools, rate limits."""

import asyncio
import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import jwt
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from testkit import ServiceProcess, call_asgi, free_port, id_number, response_status

from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET

DEV = {"X-API-Key": "dev-key"}


@pytest.fixture
def flaky_bureau() -> Iterator[str]:
    """A real HTTP upstream that answers 500 on /boom and 503 on /down (no real service has such a path)."""
    app = FastAPI()

    @app.get("/ok")
    async def ok() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/boom")
    async def boom() -> JSONResponse:
        return JSONResponse({"code": "internal_error"}, status_code=500)

    @app.get("/down")
    async def down() -> JSONResponse:
        return JSONResponse({"code": "maintenance"}, status_code=503)

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(5)


def test_one_clients_500s_do_not_open_the_breaker_for_another(
    make_gateway: Callable[..., TestClient],
    issue_key: Callable[..., str],
    flaky_bureau: str,
    service_processes: dict[str, ServiceProcess],
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": flaky_bureau}
    gateway = make_gateway(urls, breaker_failure_threshold=3, retry_attempts=0)
    other = {"X-API-Key": issue_key(f"other-{time.monotonic_ns()}", "dogs:read")}
    for _ in range(10):  # one client's requests the service cannot handle
        assert gateway.get("/api/dogs/boom", headers=DEV).status_code == 500
    assert gateway.get("/healthz").json()["breakers"]["dogs"] == "closed"
    assert gateway.get("/api/dogs/ok", headers=other).status_code == 200

    # the service itself unwell (503 ×3): that opens the breaker, for everyone
    for _ in range(3):
        assert gateway.get("/api/dogs/down", headers=DEV).status_code == 503
    assert gateway.get("/healthz").json()["breakers"]["dogs"] == "open"
    refused = gateway.get("/api/dogs/ok", headers=other)
    assert (refused.status_code, refused.json()["code"]) == (503, "upstream_unavailable")


@pytest.mark.parametrize("path", ["/api/v1/cases/relocation", "/api/dogs/v1/registrations", "/healthz"])
def test_a_declared_oversized_body_is_refused_before_authentication(
    make_gateway: Callable[..., TestClient], path: str
) -> None:
    gateway = make_gateway(max_body_bytes=1000)
    # no API key: the size is checked first, so the answer is 413, not 401
    r = gateway.post(path, content=b"{" + b" " * 5000 + b"}", headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (413, "payload_too_large")
    assert r.headers["content-type"] == "application/problem+json"


def test_an_undeclared_oversized_body_is_cut_off_while_read(make_gateway: Callable[..., TestClient]) -> None:
    gateway = make_gateway(max_body_bytes=1000)

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b" " * 500

    for path in ("/api/v1/cases/relocation", "/api/dogs/v1/registrations"):
        r = gateway.post(path, content=chunks(), headers=DEV | {"content-type": "application/json"})
        assert (r.status_code, r.json()["code"]) == (413, "payload_too_large"), path


def test_oversized_headers_get_431(gateway: TestClient) -> None:
    r = gateway.get("/api/dogs/healthz", headers=DEV | {"X-Padding": "x" * 20_000})
    assert (r.status_code, r.json()["code"]) == (431, "headers_too_large")
    assert gateway.get("/api/dogs/healthz", headers=DEV | {"X-Padding": "x" * 2_000}).status_code == 200


def test_a_trickling_body_meets_the_read_deadline(make_gateway: Callable[..., TestClient]) -> None:
    gateway = make_gateway(body_read_timeout_s=0.5)
    parts = iter([b'{"household"', b": 1}"])

    async def trickle() -> dict[str, Any]:
        part = next(parts, None)
        if part is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(0.4)  # 0.8 s for the whole body: over the 0.5 s deadline
        return {"type": "http.request", "body": part, "more_body": True}

    started = time.monotonic()
    headers = [(b"x-api-key", b"dev-key"), (b"content-type", b"application/json")]
    assert response_status(call_asgi(gateway, "POST", b"/api/v1/cases/relocation", headers, trickle)) == 408
    assert time.monotonic() - started < 3


def test_a_slow_bureau_does_not_starve_another(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls, pool_connections_per_service=1, pool_wait_s=0.3, service_timeouts_s={"dogs": 3})
    spare_dogs.pause()
    hung = threading.Thread(target=lambda: gateway.get("/api/dogs/healthz", headers=DEV))
    hung.start()
    time.sleep(0.3)  # the one dogs connection is taken by the hung request
    busy = gateway.get("/api/dogs/healthz", headers=DEV)
    assert (busy.status_code, busy.json()["code"]) == (503, "upstream_busy")
    assert gateway.get("/api/expropriation/healthz", headers=DEV).status_code == 200  # a pool of its own
    spare_dogs.resume()
    hung.join(10)
    assert gateway.get("/healthz").json()["breakers"]["dogs"] == "closed"  # a full pool is not a failure


def test_requests_without_a_valid_key_are_limited_by_source_address(make_gateway: Callable[..., TestClient]) -> None:
    gateway = make_gateway(rate_limit_per_s=0.1, rate_limit_burst=2)
    codes = [gateway.get("/api/dogs/healthz", headers={"X-API-Key": "guess"}).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    assert gateway.get("/api/dogs/healthz").status_code == 429  # same address, no key at all
    assert gateway.get("/api/dogs/healthz", headers=DEV).status_code == 200  # a valid client has its own bucket


def test_denied_requests_use_up_the_clients_bucket(
    make_gateway: Callable[..., TestClient], issue_key: Callable[..., str]
) -> None:
    gateway = make_gateway(rate_limit_per_s=0.1, rate_limit_burst=2)
    key = {"X-API-Key": issue_key(f"dogs-only-{time.monotonic_ns()}", "dogs:read")}
    codes = [gateway.get("/api/science/healthz", headers=key).status_code for _ in range(3)]
    assert codes == [403, 403, 429]


def _as_citizen(
    who: str, adapter_key: str = "dev-zheliban-key", secret: str = DEV_ADAPTER_ASSERTION_SECRET
) -> dict[str, str]:
    now = int(time.time())
    claims = {"sub": who, "name": "市民", "iat": now, "exp": now + 300}
    return {"X-API-Key": adapter_key, "X-Citizen-Assertion": jwt.encode(claims, secret)}


def test_each_citizen_behind_the_adapter_has_a_bucket_of_their_own(make_gateway: Callable[..., TestClient]) -> None:
    gateway = make_gateway(
        citizen_rate_limit_per_s=0.1,
        citizen_rate_limit_burst=2,
        adapter_rate_limit_per_s=0.1,
        adapter_rate_limit_burst=3,
    )
    alice, bob = id_number("330802", dt.date(1950, 1, 1), 61), id_number("330803", dt.date(1960, 1, 1), 62)
    path = "/api/v1/me/expropriation/household"
    assert [gateway.get(path, headers=_as_citizen(alice)).status_code for _ in range(3)] == [200, 200, 429]
    # Alice's refused request took nothing from the adapter's bucket: its third token is Bob's.
    assert gateway.get(path, headers=_as_citizen(bob)).status_code == 200


@pytest.mark.parametrize(
    ("redis_url", "replicas", "backend"),
    [(None, 1, "memory"), ("redis://127.0.0.1:6379/15", 2, "redis")],
    ids=["in-process", "two replicas sharing Redis"],
)
def test_all_citizens_of_an_adapter_together_meet_the_adapter_rate(
    redis_url: str | None,
    replicas: int,
    backend: str,
    make_gateway: Callable[..., TestClient],
    issue_key: Callable[..., str],
) -> None:
    """Citizens each within their own bucket still share the adapter's (before: 300 citizens passed in 3.1 s through
    one adapter against a 50/s limit)."""
    adapter = f"zlb-{uuid.uuid4().hex[:8]}"  # buckets of its own, in Redis too
    secret = f"assertion-secret-{uuid.uuid4().hex}"
    limits = {"adapter_rate_limit_per_s": 0.1, "adapter_rate_limit_burst": 3, "redis_url": redis_url}
    gateways = [make_gateway(**limits, adapter_assertion_secrets={adapter: secret}) for _ in range(replicas)]
    assert {gateway.get("/readyz").json()["rate_limiter"]["backend"] for gateway in gateways} == {backend}
    key = issue_key(adapter, kind="citizen_adapter")
    citizens = [id_number("330881", dt.date(1970, 1, 1), n) for n in range(6)]
    answers = [
        gateways[n % replicas].get("/api/v1/me/expropriation/household", headers=_as_citizen(who, key, secret))
        for n, who in enumerate(citizens)
    ]
    assert [r.status_code for r in answers] == [200, 200, 200, 429, 429, 429]
    assert answers[-1].json()["code"] == "rate_limited" and int(answers[-1].headers["Retry-After"]) >= 1


def test_unset_an_adapter_has_the_clients_rate_and_each_citizen_a_tenth_of_it(
    make_gateway: Callable[..., TestClient],
) -> None:
    gateway = make_gateway(rate_limit_per_s=0.1, rate_limit_burst=20)
    path = "/api/v1/me/expropriation/household"
    citizens = [id_number("330824", dt.date(1980, 1, 1), n) for n in range(20)]
    assert [gateway.get(path, headers=_as_citizen(citizens[0])).status_code for _ in range(3)] == [200, 200, 429]
    others = [gateway.get(path, headers=_as_citizen(who)).status_code for who in citizens[1:]]
    assert others == [200] * 18 + [429]  # the adapter's 20 tokens: 2 for the first citizen, 18 for the others


def test_redis_unreachable_falls_back_to_in_process_buckets(make_gateway: Callable[..., TestClient]) -> None:
    gateway = make_gateway(redis_url="redis://127.0.0.1:1/0", rate_limit_per_s=0.1, rate_limit_burst=2)
    codes = [gateway.get("/api/dogs/healthz", headers=DEV).status_code for _ in range(3)]
    assert codes == [200, 200, 429]  # no request failed because of Redis, and the limit still holds
    ready = gateway.get("/readyz").json()
    assert ready["rate_limiter"]["backend"] == "memory" and "redis unreachable" in ready["rate_limiter"]["reason"]
    assert "gateway_rate_limiter_degraded 1.0" in gateway.get("/metrics", headers=DEV).text
