"""Isolation tried from every public path of the merged OpenAPI document, not just the ones we thought of."""

import datetime as dt
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from dogs_testdata import vaccination_body
from fastapi.testclient import TestClient
from testkit import id_number

from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET

DEV = {"X-API-Key": "dev-key"}
ALICE = id_number("330802", dt.date(1989, 9, 9), 51)
BOB = id_number("330802", dt.date(1989, 10, 10), 52)
PERSON_PARAMETERS = ("id_number", "owner_id_number", "applicant_id_number", "principal_id_number", "agent_id_number")


def as_citizen(who: str) -> dict[str, str]:
    now = int(time.time())
    token = jwt.encode({"sub": who, "name": "市民", "iat": now, "exp": now + 300}, DEV_ADAPTER_ASSERTION_SECRET)
    return {"X-API-Key": "dev-zheliban-key", "X-Citizen-Assertion": token}


def concrete(path: str) -> str:
    """A callable URL for a templated path: ids become 1, persons become Alice."""
    path = re.sub(r"\{(id_number|owner_id_number)\}", ALICE, path)
    path = re.sub(r"\{uscc\}", "91110000600037341L", path)
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def public_paths(gateway: TestClient) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = gateway.get("/openapi.json").json()["paths"]
    assert len(paths) > 50
    return paths


def test_the_adapter_is_refused_on_every_staff_path(gateway: TestClient, public_paths: dict[str, Any]) -> None:
    tried = 0
    for path, operations in public_paths.items():
        if "/v1/me/" in path or not path.startswith("/api/"):
            continue  # the gateway's own /healthz, /readyz are public
        for method in operations:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            r = gateway.request(method.upper(), concrete(path), headers=as_citizen(BOB), json={})
            assert r.status_code == 403, (method, path, r.status_code)
            tried += 1
    assert tried > 50


def test_citizen_paths_never_show_another_person(gateway: TestClient, public_paths: dict[str, Any]) -> None:
    gateway.post("/api/dogs/v1/vaccinations", json=vaccination_body(ALICE), headers=DEV).raise_for_status()
    me_paths = [(p, m) for p, ops in public_paths.items() if "/v1/me/" in p for m in ops if m == "get"]
    assert me_paths
    for path, _method in me_paths:
        url = concrete(path)  # citizen routes are documented at their real /api/v1/me/... paths
        query = "&".join(f"{name}={ALICE}" for name in PERSON_PARAMETERS)
        alice_view = gateway.get(f"{url}?{query}", headers=as_citizen(ALICE))
        bob_view = gateway.get(f"{url}?{query}", headers=as_citizen(BOB))
        assert alice_view.status_code in (200, 404, 422), (path, alice_view.text)
        assert ALICE not in bob_view.text, path
        # a system key cannot use the citizen entrance at all
        assert gateway.get(url, headers=DEV).status_code == 403, path


def test_district_bound_client_cannot_widen_any_list(
    gateway: TestClient, public_paths: dict[str, Any], issue_key: Callable[..., str]
) -> None:
    scopes = "dogs:read,expropriation:read,medinsurance:read,science:read"
    qujiang = {"X-API-Key": issue_key(f"qj-{uuid.uuid4().hex[:6]}", scopes, "衢江区")}
    tried = 0
    for path, operations in public_paths.items():
        get = operations.get("get")
        if not get or "{" in path or "/v1/me/" in path or not path.startswith("/api/"):
            continue
        parameters = {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
        if "district" not in parameters:
            continue
        r = gateway.get(path, params={"district": "柯城区"}, headers=qujiang)
        assert (r.status_code, r.json()["code"]) == (403, "district_forbidden"), path
        tried += 1
    assert tried >= 5
