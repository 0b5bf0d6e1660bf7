"""Resilience against real service processes: breaker, timeouts, partial dossiers."""

import datetime as dt
import time
from collections.abc import Callable

from fastapi.testclient import TestClient
from testkit import ServiceProcess, id_number

DEV = {"X-API-Key": "dev-key"}
PERSON = id_number("330802", dt.date(1988, 8, 8), 31)
USCC = "91110000600037341L"


def test_breaker_opens_on_a_stopped_service_and_recovers(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls, breaker_failure_threshold=3, breaker_reset_s=1.0, retry_attempts=0)
    assert gateway.get("/api/dogs/healthz", headers=DEV).status_code == 200

    spare_dogs.stop()
    for _ in range(3):
        down = gateway.get("/api/dogs/healthz", headers=DEV)
        assert (down.status_code, down.json()["code"], down.json()["service"]) == (503, "upstream_unavailable", "dogs")
    assert gateway.get("/healthz").json()["breakers"]["dogs"] == "open"
    assert 'gateway_breaker_state{service="dogs"} 2.0' in gateway.get("/metrics", headers=DEV).text
    fast = gateway.get("/api/dogs/healthz", headers=DEV)  # refused by the open breaker, not by the network
    assert fast.status_code == 503 and "Retry-After" in fast.headers

    spare_dogs.start()
    time.sleep(1.1)
    assert gateway.get("/healthz").json()["breakers"]["dogs"] == "half_open"
    assert gateway.get("/api/dogs/healthz", headers=DEV).status_code == 200  # the probe succeeds
    assert gateway.get("/healthz").json()["breakers"]["dogs"] == "closed"


def test_hung_service_times_out_with_504(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls, service_timeouts_s={"dogs": 0.5}, retry_attempts=0)
    spare_dogs.pause()
    started = time.monotonic()
    r = gateway.get("/api/dogs/healthz", headers=DEV)
    assert (r.status_code, r.json()["code"]) == (504, "upstream_timeout")
    assert time.monotonic() - started < 5  # the hung service never answers; the 0.5 s timeout ends the wait


def test_citizen_dossier_from_all_sources(gateway: TestClient) -> None:
    r = gateway.get(f"/api/v1/citizens/{PERSON}/dossier", headers=DEV)
    body = r.json()
    assert r.status_code == 200 and body["complete"] is True and r.headers["X-Aggregate-Complete"] == "true"
    assert [s["service"] for s in body["sources"]] == ["dogs", "expropriation", "medinsurance"]
    assert all(s["status"] == "ok" for s in body["sources"])
    assert set(body["records"]) == {"dogs", "expropriation", "medinsurance"}


def test_enterprise_dossier_shows_credit_flags_together(gateway: TestClient) -> None:
    body = gateway.get(f"/api/v1/enterprises/{USCC}/dossier", headers=DEV).json()
    assert body["complete"] is True and isinstance(body["credit_flags"], list)
    assert [s["service"] for s in body["sources"]] == ["science", "medinsurance", "expropriation"]


def test_dossier_validates_the_identifier(gateway: TestClient) -> None:
    assert gateway.get("/api/v1/citizens/123/dossier", headers=DEV).json()["field"] == "id_number"
    assert gateway.get("/api/v1/enterprises/ABC/dossier", headers=DEV).status_code == 422


def test_slow_source_yields_timeout_within_the_deadline(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls, dossier_deadline_s=0.8)
    spare_dogs.pause()
    started = time.monotonic()
    r = gateway.get(f"/api/v1/citizens/{PERSON}/dossier", headers=DEV)
    elapsed = time.monotonic() - started
    body = r.json()
    statuses = {s["service"]: s["status"] for s in body["sources"]}
    assert statuses == {"dogs": "timeout", "expropriation": "ok", "medinsurance": "ok"}
    assert body["complete"] is False and r.headers["X-Aggregate-Complete"] == "false"
    assert elapsed < 5  # the hung source never answers: without the deadline this would wait 10 s or more


def test_stopped_source_is_unavailable(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls)
    spare_dogs.stop()
    body = gateway.get(f"/api/v1/citizens/{PERSON}/dossier", headers=DEV).json()
    assert {s["service"]: s["status"] for s in body["sources"]}["dogs"] == "unavailable"
    assert body["complete"] is False


def _unavailable_count(gateway: TestClient) -> float:
    for line in gateway.get("/metrics", headers=DEV).text.splitlines():
        if line.startswith('gateway_upstream_errors_total{kind="unavailable",service="dogs"}'):
            return float(line.split()[-1])
    return 0.0


def test_only_idempotent_requests_are_retried(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls, retry_attempts=2, retry_backoff_s=0.01, breaker_failure_threshold=100)
    spare_dogs.stop()
    body = {"breed": "金毛", "shoulder_height_cm": 50, "body_length_cm": 60}

    gateway.get("/api/dogs/healthz", headers=DEV)
    assert _unavailable_count(gateway) == 3  # a GET: one try and two retries
    gateway.post("/api/dogs/v1/classify", json=body, headers=DEV)
    assert _unavailable_count(gateway) == 4  # a POST without Idempotency-Key: never repeated
    gateway.post("/api/dogs/v1/shelter-dogs", json=body, headers=DEV | {"Idempotency-Key": "k1"})
    assert _unavailable_count(gateway) == 7  # a create carrying Idempotency-Key is safe to repeat
