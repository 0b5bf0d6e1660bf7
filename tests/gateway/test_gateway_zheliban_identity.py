"""Who signs in through 浙里办 (issue 27, Identity): a person or a legal person, at a real-name level, once per write.

Through the gateway with the dev adapter's key and assertions signed as the adapter contract says
(../shared/reference/zheliban.md): reads need level 2, writes level 3 and a ``jti`` not spent before (in memory, and
across two replicas sharing Redis); a legal person reaches its own enterprise's records only, and the person acting
for it is the actor of the audit trail.
"""

import datetime as dt
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import make_uscc
from testkit import ServiceProcess, id_number
from zheliban_kit import ENTERPRISE_NAME, STAFF, assertion, audit_actors, signed_in

from gateway.settings import DEV_ADAPTER_CLIENT
from science.models import AuditRecord
from science.settings import ScienceSettings

PERSON = id_number("330802", dt.date(1991, 2, 3), 71)
AGENT = id_number("330803", dt.date(1984, 8, 9), 72)  # the 经办人 who acts for the enterprises below


def as_person(who: str = PERSON, **claims: Any) -> dict[str, str]:
    return signed_in(assertion(who, **claims))


def as_enterprise(uscc: str, **claims: Any) -> dict[str, str]:
    return signed_in(assertion(uscc, user_type="LEGAL_PERSON", **({"agent": AGENT} | claims)))


def fresh_uscc() -> str:
    """An enterprise of this test's own: the services' databases are shared by the gateway tests."""
    return make_uscc(secrets.randbelow(10**7), "330802")


def wrong_check_character(uscc: str) -> str:
    return uscc[:-1] + ("0" if uscc[-1] != "0" else "1")


def registered(gateway: TestClient, uscc: str) -> str:
    body = {"uscc": uscc, "name": ENTERPRISE_NAME, "district": "柯城区"}
    r = gateway.post("/api/science/v1/enterprises", json=body, headers=STAFF)
    assert r.status_code == 201, r.text
    return uscc


def open_pool(gateway: TestClient) -> int:
    body = {"name": "2023年第一期", "total": "1000000", "opens_on": "2023-01-01", "closes_on": "2023-12-31"}
    r = gateway.post("/api/science/v1/voucher-pools", json=body, headers=STAFF)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def my_claim(pool_id: int, amount: str = "10000") -> dict[str, object]:
    return {"pool_id": pool_id, "holder_name": ENTERPRISE_NAME, "amount": amount, "claimed_on": "2023-03-01"}


def claim(gateway: TestClient, headers: dict[str, str], body: dict[str, object]) -> Any:
    return gateway.post("/api/v1/me/science/claims", json=body, headers=headers)


# --- person and legal person ---------------------------------------------------------------------------------------


def test_a_legal_person_claims_for_its_own_enterprise_and_its_agent_is_the_actor(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    ours, theirs = registered(gateway, fresh_uscc()), registered(gateway, fresh_uscc())
    pool_id = open_pool(gateway)
    r = claim(gateway, as_enterprise(ours), my_claim(pool_id))
    assert r.status_code == 201, r.text
    voucher = r.json()
    # The holder is the enterprise of the assertion, as an enterprise (四(一)), whatever the body might say.
    assert (voucher["holder_kind"], voucher["holder_id"], voucher["face_value"]) == ("enterprise", ours, "10000.00")
    named = claim(gateway, as_enterprise(ours), my_claim(pool_id) | {"holder_id": theirs})
    assert (named.status_code, named.json()["code"]) == (422, "validation_failed")
    # The person acting for the enterprise is written in the trail, beside the enterprise and the adapter.
    actors = audit_actors(service_processes["science"], AuditRecord, ScienceSettings, "vouchers", str(voucher["id"]))
    assert actors == [f"{DEV_ADAPTER_CLIENT}/enterprise:{ours}/agent:{AGENT}"]

    own = gateway.get("/api/v1/me/science/records", headers=as_enterprise(ours)).json()
    assert [v["id"] for v in own["vouchers"]] == [voucher["id"]]
    other = gateway.get("/api/v1/me/science/records", headers=as_enterprise(theirs)).json()
    assert other["vouchers"] == []
    # Another enterprise's voucher by id: the adapter has no way out of /api/v1/me (403, as for a person).
    by_id = gateway.get(f"/api/science/v1/vouchers/{voucher['id']}", headers=as_enterprise(theirs))
    assert (by_id.status_code, by_id.json()["code"]) == (403, "adapter_limited_to_me")
    # A person's own records are a person's: an enterprise is refused there, never shown anyone's.
    dogs = gateway.get("/api/v1/me/dogs/records", headers=as_enterprise(ours))
    assert (dogs.status_code, dogs.json()["code"]) == (403, "citizen_only")


def test_the_dossier_of_a_legal_person_is_its_enterprise_s(gateway: TestClient) -> None:
    ours = registered(gateway, fresh_uscc())
    pool_id = open_pool(gateway)
    assert claim(gateway, as_enterprise(ours), my_claim(pool_id, "20000")).status_code == 201
    r = gateway.get("/api/v1/me/dossier", headers=as_enterprise(ours))
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(s["service"], s["status"]) for s in body["sources"]] == [("science", "ok")]
    assert [v["face_value"] for v in body["records"]["science"]["vouchers"]] == ["20000.00"]
    stranger = gateway.get("/api/v1/me/dossier", headers=as_enterprise(fresh_uscc())).json()
    assert stranger["records"]["science"]["vouchers"] == []


def test_a_person_is_the_default_and_claims_as_an_entrepreneur(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    pool_id = open_pool(gateway)
    founder = id_number("330802", dt.date(1993, 1, 1), secrets.randbelow(999))
    body = my_claim(pool_id) | {"holder_name": "赵创业"}
    explicit = claim(gateway, as_person(founder, user_type="PERSON"), body)
    implicit = claim(gateway, as_person(founder), body)  # no user_type: a person, as before legal persons
    assert [r.status_code for r in (explicit, implicit)] == [201, 201], implicit.text
    assert {(r.json()["holder_kind"], r.json()["holder_id"]) for r in (explicit, implicit)} == {
        ("entrepreneur", founder)
    }
    actors = audit_actors(
        service_processes["science"], AuditRecord, ScienceSettings, "vouchers", str(implicit.json()["id"])
    )
    assert actors == [f"{DEV_ADAPTER_CLIENT}/citizen:{founder}"]


# Each case makes its assertion when it runs (an assertion made at collection could expire before its case runs).
@pytest.mark.parametrize(
    "make_headers",
    [
        lambda: as_enterprise(wrong_check_character(make_uscc(5))),
        lambda: as_enterprise(PERSON),  # a legal person named by a 身份证号
        lambda: as_person(make_uscc(5)),  # a person named by a USCC
        lambda: as_enterprise(make_uscc(5), agent=None),  # no acting person
        lambda: as_enterprise(make_uscc(5), agent="330802199102030000"),  # an acting person's number that is wrong
        lambda: as_enterprise(make_uscc(5), agent_name=" "),
        lambda: as_person(user_type="ENTERPRISE"),  # not a 浙里办 user type
        lambda: as_person(level=4),
        lambda: as_person(level="3"),
        lambda: as_person(level=True),
        lambda: as_person(jti=""),
    ],
)
def test_assertions_that_break_the_contract_are_invalid(
    gateway: TestClient, make_headers: Callable[[], dict[str, str]]
) -> None:
    r = gateway.get("/api/v1/me/science/records", headers=make_headers())
    assert (r.status_code, r.json()["code"]) == (401, "assertion_invalid")


# --- real-name levels ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "read", "write"),
    [(1, 403, 403), (2, 200, 403), (3, 200, 201), (None, 200, 403)],
    ids=["level 1", "level 2", "level 3", "level absent (an assertion made before levels)"],
)
@pytest.mark.parametrize("user_type", ["PERSON", "LEGAL_PERSON"])
def test_reads_need_level_2_and_writes_level_3(
    gateway: TestClient, level: int | None, read: int, write: int, user_type: str
) -> None:
    pool_id = open_pool(gateway)
    if user_type == "PERSON":
        who, body = id_number("330802", dt.date(1992, 5, 5), secrets.randbelow(999)), my_claim(pool_id)
    else:
        who, body = registered(gateway, fresh_uscc()), my_claim(pool_id)

    def headers() -> dict[str, str]:
        return signed_in(assertion(who, user_type=user_type, level=level, agent=AGENT))

    reading = gateway.get("/api/v1/me/science/records", headers=headers())
    writing = claim(gateway, headers(), body)
    assert (reading.status_code, writing.status_code) == (read, write), writing.text
    for refused in (r for r in (reading, writing) if r.status_code == 403):
        assert refused.json()["code"] == "auth_level_insufficient"
        assert "实名认证" in refused.json()["detail"]
    if write == 403:  # nothing was claimed
        mine = signed_in(assertion(who, user_type=user_type, agent=AGENT))
        assert gateway.get("/api/v1/me/science/records", headers=mine).json()["vouchers"] == []


# --- one use per write ---------------------------------------------------------------------------------------------


def test_a_write_spends_its_assertion_in_memory(gateway: TestClient) -> None:
    ours = registered(gateway, fresh_uscc())
    pool_id = open_pool(gateway)
    token = assertion(ours, user_type="LEGAL_PERSON", agent=AGENT)
    assert gateway.get("/readyz").json()["spent_assertions"]["backend"] == "memory"
    # Reads may reuse an assertion, before and after the write it carries.
    assert gateway.get("/api/v1/me/science/records", headers=signed_in(token)).status_code == 200
    assert claim(gateway, signed_in(token), my_claim(pool_id)).status_code == 201
    replayed = claim(gateway, signed_in(token), my_claim(pool_id))
    assert (replayed.status_code, replayed.json()["code"]) == (401, "assertion_replayed")
    assert gateway.get("/api/v1/me/science/records", headers=signed_in(token)).status_code == 200
    # One voucher: the replay changed nothing.
    vouchers = gateway.get("/api/v1/me/science/records", headers=signed_in(token)).json()["vouchers"]
    assert [v["face_value"] for v in vouchers] == ["10000.00"]


def test_a_write_without_jti_is_refused_and_a_read_without_one_passes(gateway: TestClient) -> None:
    pool_id = open_pool(gateway)
    write = claim(gateway, as_person(jti=None), my_claim(pool_id))
    assert (write.status_code, write.json()["code"]) == (401, "assertion_jti_missing")
    assert gateway.get("/api/v1/me/science/records", headers=as_person(jti=None)).status_code == 200


def test_a_write_spends_its_assertion_once_it_passed_the_limits_whatever_the_service_answers(
    make_gateway: Callable[..., TestClient],
) -> None:
    gateway = make_gateway(citizen_rate_limit_per_s=0.5, citizen_rate_limit_burst=2)
    founder = id_number("330802", dt.date(1994, 4, 4), secrets.randbelow(999))
    first, second = assertion(founder), assertion(founder)
    no_pool = {"pool_id": 2**62, "holder_name": "钱创业", "amount": "10000", "claimed_on": "2023-03-01"}
    refused_by_science = claim(gateway, signed_in(first), no_pool)
    assert (refused_by_science.status_code, refused_by_science.json()["code"]) == (422, "reference_not_found")
    # It reached the service: spent, although nothing was written (a retry is signed anew).
    assert claim(gateway, signed_in(first), no_pool).json()["code"] == "assertion_replayed"
    # The citizen's two tokens are used: a 429 comes before the assertion is spent, so it still serves the retry.
    assert claim(gateway, signed_in(second), no_pool).status_code == 429
    time.sleep(2.1)  # a token back at 0.5 a second
    assert claim(gateway, signed_in(second), no_pool).json()["code"] == "reference_not_found"


def test_a_jti_spent_on_one_replica_is_refused_on_the_other_through_redis(
    make_gateway: Callable[..., TestClient],
) -> None:
    replicas = [make_gateway(redis_url="redis://127.0.0.1:6379/15") for _ in range(2)]
    assert {g.get("/readyz").json()["spent_assertions"]["backend"] for g in replicas} == {"redis"}
    ours = registered(replicas[0], fresh_uscc())
    pool_id = open_pool(replicas[0])
    token = assertion(ours, user_type="LEGAL_PERSON", agent=AGENT)
    assert claim(replicas[0], signed_in(token), my_claim(pool_id)).status_code == 201
    replayed = claim(replicas[1], signed_in(token), my_claim(pool_id))
    assert (replayed.status_code, replayed.json()["code"]) == (401, "assertion_replayed")
    again = claim(replicas[0], signed_in(token), my_claim(pool_id))
    assert (again.status_code, again.json()["code"]) == (401, "assertion_replayed")
    # Reads may still use it, on either replica.
    assert replicas[1].get("/api/v1/me/science/records", headers=signed_in(token)).status_code == 200


def test_with_redis_away_a_replica_still_refuses_what_it_saw(make_gateway: Callable[..., TestClient]) -> None:
    gateway = make_gateway(redis_url="redis://127.0.0.1:1/0")
    pool_id = open_pool(gateway)
    token = assertion(id_number("330802", dt.date(1995, 5, 5), secrets.randbelow(999)))
    body = my_claim(pool_id) | {"holder_name": "孙创业"}
    assert claim(gateway, signed_in(token), body).status_code == 201  # writes keep working without Redis
    assert claim(gateway, signed_in(token), body).json()["code"] == "assertion_replayed"
    ready = gateway.get("/readyz").json()["spent_assertions"]
    assert ready["backend"] == "memory" and "redis unreachable" in ready["reason"]
