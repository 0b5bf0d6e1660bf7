"""Gateway replicas on one database: relocation steps are claimed, never sent twice; revocations reach all."""

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from testkit import ServiceProcess, id_number

# The case fixtures of the relocation tests (a household with a registered dog), loaded rather than copied.
_spec = importlib.util.spec_from_file_location(
    "relocation_cases", Path(__file__).with_name("test_gateway_relocation.py")
)
assert _spec is not None and _spec.loader is not None
relocation_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(relocation_cases)
DEV = relocation_cases.DEV
RETRY_S = 0.4  # GATEWAY_RELOCATION_RETRY_S of the replicas: a case is tried at most once per interval


def test_three_replicas_retry_each_failed_step_exactly_once(
    make_gateway: Callable[..., TestClient],
    spare_dogs: ServiceProcess,
    service_processes: dict[str, ServiceProcess],
    gateway_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls, retry_attempts=0, breaker_reset_s=0.1)
    owners = [id_number("330802", dt.date(1993, 5, 5), 50 + i) for i in range(3)]
    households = [relocation_cases.household_with_dog(gateway, owner) for owner in owners]
    spare_dogs.stop()  # the dogs bureau fails ...
    case_ids = []
    for household_id in households:
        key = {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}
        view = gateway.post(
            "/api/v1/cases/relocation", json=relocation_cases.case_body(household_id), headers=DEV | key
        )
        assert view.json()["status"] == "attention", view.text
        case_ids.append(view.json()["id"])

    monkeypatch.setenv("GATEWAY_SERVICE_URLS", json.dumps(urls))
    monkeypatch.setenv("GATEWAY_RELOCATION_RETRY_S", str(RETRY_S))
    monkeypatch.setenv("GATEWAY_BREAKER_RESET_S", "0.05")
    replicas = [ServiceProcess("gateway", gateway_db, tmp_path / f"gateway-{i}.log") for i in range(3)]
    try:
        with ThreadPoolExecutor(len(replicas)) as starting:
            list(starting.map(ServiceProcess.start, replicas))
        time.sleep(3 * RETRY_S)  # rounds of the replicas fail against the stopped service ...
        spare_dogs.start()  # ... until it recovers
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            views = [gateway.get(f"/api/v1/cases/relocation/{case_id}", headers=DEV).json() for case_id in case_ids]
            if all(v["status"] == "completed" for v in views):
                break
            time.sleep(0.1)
        time.sleep(3 * RETRY_S)  # later rounds of every replica find nothing left to send
    finally:
        for replica in replicas:
            replica.stop()

    assert [v["status"] for v in views] == ["completed"] * 3, views
    # Tried at creation, by at least one failing round, and once more when the service was back.
    assert all(v["steps"][1]["attempts"] >= 3 for v in views), views
    # Every request that reached the recovered dogs service is in its access log: one per step, no more.
    sends = [line for line in spare_dogs.log().splitlines() if '"path": "/v1/address-changes"' in line]
    assert len(sends) == len(case_ids), sends


def test_a_revoked_key_is_refused_by_every_replica_within_the_key_cache_time(
    make_gateway: Callable[..., TestClient], issue_key: Callable[..., str], gateway_db: str
) -> None:
    cache_s = 0.5  # GATEWAY_KEY_CACHE_S, 10 s by default (docs/OPERATIONS.md)
    replicas = [make_gateway(key_cache_s=cache_s) for _ in range(2)]
    client_id = f"revoked-{uuid.uuid4().hex[:8]}"
    headers = {"X-API-Key": issue_key(client_id, "dogs:read")}
    assert [r.get("/api/dogs/v1/vaccinations", headers=headers).status_code for r in replicas] == [200, 200]
    subprocess.run(
        [sys.executable, "-P", "-m", "gateway.cli", "revoke", "--client-id", client_id],
        env={**os.environ, "GATEWAY_DATABASE_URL": gateway_db, "QZ_DEV_MODE": "true"},  # as its gateways run
        check=True,
        capture_output=True,
    )
    time.sleep(cache_s)
    refused = [r.get("/api/dogs/v1/vaccinations", headers=headers) for r in replicas]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [(401, "api_key_invalid")] * 2
