"""代配药 from the phone (issue 27, journeys; 附件2 二(四), AMBIGUITIES A-75): a principal authorises and revokes an
agent through /api/v1/me/medinsurance, under the caseworker's rules; the agent sees what they may collect; the
caseworker sees it in the same list; nobody else can touch it."""

import datetime as dt
import secrets
from typing import Any

from fastapi.testclient import TestClient
from testkit import ServiceProcess, id_number
from zheliban_kit import STAFF, as_person, audit_actors

from gateway.settings import DEV_ADAPTER_CLIENT
from medinsurance.models import AuditRecord
from medinsurance.settings import MedinsuranceSettings

MINE = "/api/v1/me/medinsurance/proxy-authorisations"


def person(born: dt.date) -> str:
    """A person of this test's own: the services' databases are shared by the gateway tests."""
    return id_number("330802", born, secrets.randbelow(999))


def authorise(gateway: TestClient, principal: str, agent: str, **changes: Any) -> Any:
    body = {"agent_id_number": agent, "ground": "mobility", "relationship": "close_relative", "starts_on": "2023-06-01"}
    return gateway.post(MINE, json=body | changes, headers=as_person(principal))


def test_a_principal_authorises_and_revokes_an_agent_who_sees_what_they_may_collect(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    principal, agent, stranger = person(dt.date(1940, 3, 3)), person(dt.date(1970, 4, 4)), person(dt.date(1980, 5, 5))
    r = authorise(gateway, principal, agent)
    assert r.status_code == 201, r.text
    given = r.json()
    # 行动不便 is a long-term ground (附件2 二(四)1): no expiry, drugs for stable chronic, special and mental illness.
    assert (given["principal_id_number"], given["agent_id_number"], given["status"]) == (principal, agent, "active")
    assert given["expires_on"] is None and given["drug_scope"].startswith("慢性病、特殊病、精神病")
    # The principal is the signed-in person: the body cannot name another.
    named = authorise(gateway, principal, agent, principal_id_number=stranger)
    assert (named.status_code, named.json()["code"]) == (422, "validation_failed")

    # The agent sees what they may collect, and for whom; the caseworker sees it in the same list as their own.
    seen = gateway.get(MINE, headers=as_person(agent)).json()
    assert [(p["id"], p["principal_id_number"], p["drug_scope"]) for p in seen] == [
        (given["id"], principal, given["drug_scope"])
    ]
    listed = gateway.get(f"/api/medinsurance/v1/proxy-authorisations?id_number={principal}", headers=STAFF).json()
    assert [p["id"] for p in listed["items"]] == [given["id"]]
    assert gateway.get(MINE, headers=as_person(stranger)).json() == []

    # Only the principal revokes: the agent and a stranger get the answer to an unused id.
    revoke = f"{MINE}/{given['id']}/revoke"
    for other in (agent, stranger):
        refused = gateway.post(revoke, json={"on": "2023-09-01"}, headers=as_person(other))
        assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    revoked = gateway.post(revoke, json={"on": "2023-09-01"}, headers=as_person(principal))
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["status"], revoked.json()["revoked_on"]) == ("revoked", "2023-09-01")
    again = gateway.post(revoke, json={"on": "2023-09-02"}, headers=as_person(principal))
    assert (again.status_code, again.json()["code"]) == (409, "proxy_not_active")
    assert [p["status"] for p in gateway.get(MINE, headers=as_person(agent)).json()] == ["revoked"]

    # The trail names the principal as the actor of both, through the adapter.
    medinsurance = service_processes["medinsurance"]
    actors = audit_actors(medinsurance, AuditRecord, MedinsuranceSettings, "proxy_authorisations", str(given["id"]))
    assert actors == [f"{DEV_ADAPTER_CLIENT}/citizen:{principal}"] * 2


def test_the_caseworker_s_rules_hold_for_the_principal(gateway: TestClient) -> None:
    principal = person(dt.date(1938, 6, 6))
    agents = [person(dt.date(1960 + n, 1, 1)) for n in range(4)]
    # 委托1至3名代理人 (附件2 二(四)): the third is within, the fourth beyond.
    assert [authorise(gateway, principal, a).status_code for a in agents[:3]] == [201, 201, 201]
    fourth = authorise(gateway, principal, agents[3])
    assert (fourth.status_code, fourth.json()["code"]) == (422, "proxy_not_allowed")
    assert "至多委托3名代理人" in fourth.json()["detail"]
    # An agent must be an adult (完全民事行为能力的成年人): 17 on the first day is refused.
    minor = id_number("330802", dt.date(2005, 6, 2), secrets.randbelow(999))
    young = authorise(gateway, person(dt.date(1939, 7, 7)), minor)
    assert (young.status_code, young.json()["code"]) == (422, "proxy_not_allowed")
    # A change of agent replaces only one of the principal's own authorisations.
    theirs = authorise(gateway, person(dt.date(1941, 8, 8)), person(dt.date(1975, 2, 2))).json()
    swap = authorise(gateway, principal, agents[3], replaces_id=theirs["id"])
    assert (swap.status_code, swap.json()["code"]) == (422, "reference_not_found")


def test_writes_need_full_real_name_and_an_unspent_assertion(gateway: TestClient) -> None:
    principal, agent = person(dt.date(1942, 9, 9)), person(dt.date(1972, 3, 3))
    body = {"agent_id_number": agent, "ground": "mobility", "relationship": "close_relative", "starts_on": "2023-06-01"}
    basic = gateway.post(MINE, json=body, headers=as_person(principal, level=2))
    assert (basic.status_code, basic.json()["code"]) == (403, "auth_level_insufficient")
    once = as_person(principal)
    assert gateway.post(MINE, json=body, headers=once).status_code == 201
    replayed = gateway.post(MINE, json=body, headers=once)
    assert (replayed.status_code, replayed.json()["code"]) == (401, "assertion_replayed")
    assert len(gateway.get(MINE, headers=as_person(principal, level=2)).json()) == 1
