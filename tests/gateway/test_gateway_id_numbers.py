"""Real 衢州 residents get in: every 3308xx area code with holders born in any decade, through the gateway.

An area code names the division where the number was first assigned (codes.md): 柯城区 (330802) was created in
1985 and 衢江区 (330803) in 2001, yet their residents born in the 1930s hold those codes. The same number must pass
the gateway's path validation, each service's body validation and the 浙里办 assertion.
"""

import datetime as dt
import time
from typing import Any

import jwt
import pytest
from expropriation_kit import quote_body
from fastapi.testclient import TestClient
from testkit import id_number

from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET

QUZHOU_CODES = ("330802", "330803", "330822", "330824", "330825", "330881")
BIRTHS = (dt.date(1934, 2, 28), dt.date(1956, 11, 3), dt.date(1983, 7, 21), dt.date(2014, 1, 9))
HOLDERS = [id_number(area, born, sequence=41) for area in QUZHOU_CODES for born in BIRTHS]
STAFF = {"X-API-Key": "dev-key"}


def as_citizen(who: str) -> dict[str, str]:
    now = int(time.time())
    claims = {"sub": who, "name": "市民", "iat": now, "exp": now + 300}
    return {"X-API-Key": "dev-zheliban-key", "X-Citizen-Assertion": jwt.encode(claims, DEV_ADAPTER_ASSERTION_SECRET)}


def quote_for(*members: str) -> dict[str, Any]:
    return quote_body(
        members=[{"name": f"成员{i}", "id_number": m, "collective_member": True} for i, m in enumerate(members)]
    )


@pytest.mark.parametrize("holder", HOLDERS)
def test_citizen_dossier_accepts_every_quzhou_holder(gateway: TestClient, holder: str) -> None:
    r = gateway.get(f"/api/v1/citizens/{holder}/dossier", headers=STAFF)
    assert r.status_code == 200, r.text
    # every bureau accepted the number too: a source refusing it would make the dossier incomplete
    assert r.json()["complete"] is True, r.json()["sources"]


@pytest.mark.parametrize("area", QUZHOU_CODES)
def test_expropriation_quote_accepts_holders_of_every_decade(gateway: TestClient, area: str) -> None:
    household = [id_number(area, born, sequence=41) for born in BIRTHS]
    r = gateway.post("/api/expropriation/v1/quotes", json=quote_for(*household), headers=STAFF)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("holder", HOLDERS)
def test_zheliban_citizen_reaches_their_own_records(gateway: TestClient, holder: str) -> None:
    r = gateway.get("/api/v1/me/expropriation/household", headers=as_citizen(holder))
    assert r.status_code == 200, r.text
    assert r.json() == []


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (id_number("330899", dt.date(1950, 1, 1)), "行政区划代码不存在"),
        (id_number("330802", dt.date(2999, 1, 1)), "出生日期晚于今天"),
        ("330802195006151237", "校验码不正确"),
    ],
)
def test_wrong_numbers_are_still_refused_everywhere(gateway: TestClient, number: str, reason: str) -> None:
    dossier = gateway.get(f"/api/v1/citizens/{number}/dossier", headers=STAFF)
    assert dossier.status_code == 422 and reason in dossier.json()["detail"]
    quote = gateway.post("/api/expropriation/v1/quotes", json=quote_for(number), headers=STAFF)
    assert quote.status_code == 422 and reason in quote.json()["detail"]
    me = gateway.get("/api/v1/me/expropriation/household", headers=as_citizen(number))
    assert me.status_code == 401 and me.json()["code"] == "assertion_invalid"
