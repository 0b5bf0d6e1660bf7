"""GET /api/v1/me/dossier: the signed-in citizen's own cross-bureau dossier, for the 浙里办 adapter only."""

import datetime as dt
import time
from collections.abc import Callable

import jwt
from dogs_testdata import vaccination_body
from fastapi.testclient import TestClient
from testkit import ServiceProcess, id_number

from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET

ADAPTER = {"X-API-Key": "dev-zheliban-key"}
STAFF = {"X-API-Key": "dev-key"}
CAROL = id_number("330802", dt.date(1988, 5, 6), 31)
DAVE = id_number("330802", dt.date(1990, 7, 8), 42)


def as_citizen(who: str) -> dict[str, str]:
    now = int(time.time())
    claims = {"sub": who, "name": "市民", "iat": now, "exp": now + 300}
    return ADAPTER | {"X-Citizen-Assertion": jwt.encode(claims, DEV_ADAPTER_ASSERTION_SECRET, algorithm="HS256")}


def vaccinate(gateway: TestClient, owner: str, breed: str) -> None:
    r = gateway.post("/api/dogs/v1/vaccinations", json=vaccination_body(owner, breed=breed), headers=STAFF)
    assert r.status_code == 201, r.text


def test_the_citizen_sees_their_own_records_from_every_bureau(gateway: TestClient) -> None:
    vaccinate(gateway, CAROL, "柴犬")
    vaccinate(gateway, DAVE, "柯基")
    r = gateway.get("/api/v1/me/dossier", headers=as_citizen(CAROL))
    assert r.status_code == 200, r.text
    body = r.json()
    assert {s["service"]: s["status"] for s in body["sources"]} == {
        "dogs": "ok",
        "expropriation": "ok",
        "medinsurance": "ok",
    }
    assert body["complete"] is True and r.headers["X-Aggregate-Complete"] == "true"
    vaccinations = body["records"]["dogs"]["vaccinations"]
    assert [v["breed"] for v in vaccinations] == ["柴犬"]
    assert DAVE not in r.text, "nothing about anyone else"


def test_only_the_adapter_with_a_valid_assertion(gateway: TestClient) -> None:
    staff = gateway.get("/api/v1/me/dossier", headers=STAFF)
    assert (staff.status_code, staff.json()["code"]) == (403, "citizen_path_only_for_adapter")
    unsigned = gateway.get("/api/v1/me/dossier", headers=ADAPTER)
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "assertion_missing")
    assert gateway.get("/api/v1/me/dossier").status_code == 401
    # and the adapter still cannot use the staff dossier
    assert gateway.get(f"/api/v1/citizens/{CAROL}/dossier", headers=as_citizen(CAROL)).status_code == 403


def test_a_stopped_source_makes_the_dossier_incomplete(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    gateway = make_gateway({name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url})
    spare_dogs.stop()
    r = gateway.get("/api/v1/me/dossier", headers=as_citizen(CAROL))
    body = r.json()
    assert {s["service"]: s["status"] for s in body["sources"]}["dogs"] == "unavailable"
    assert body["complete"] is False and r.headers["X-Aggregate-Complete"] == "false"
    assert body["records"]["dogs"] is None and body["records"]["expropriation"] is not None
