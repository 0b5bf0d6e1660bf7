"""Every state-changing request of the medinsurance API happens once (qz_common.idempotency.Commands, issue 26).

A retry under the same ``Idempotency-Key`` is answered with the first answer and changes nothing; the key reused for
another request is a 422. A decision (an application step, a 中止/恢复/解除/续签, a 解除 procedure step, a 协议处理
decision) is recognised by what it is, its record, kind, date and 文书号, with or without a key: posted again it is
the same decision; the same identity with another content is a 409.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from medinsurance_testdata import USCC, agreement, audit_trail, institution
from testkit import id_number, identity_headers

PRINCIPAL = id_number("330802", dt.date(1988, 1, 1), 21)
AGENT = id_number("330802", dt.date(1990, 1, 1), 31)
Command = tuple[str, dict[str, Any], dict[str, Any]]  # url, body, another body


def application(client: TestClient, *steps: tuple[str, str]) -> dict[str, Any]:
    inst = institution(client)
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"})
    for event, on in steps:
        r = client.post(f"/v1/applications/{app.json()['id']}/events", json={"event": event, "on": on})
        assert r.status_code == 200, r.text
    return app.json()  # type: ignore[no-any-return]


def register(client: TestClient) -> Command:
    body = {"name": "柯城康复诊所", "kind": "primary_care", "uscc": USCC, "district": "柯城区"}
    body |= {"address": "柯城区荷花街道1号", "community": "荷花社区"}
    return "/v1/institutions", body, body | {"name": "柯城康复诊所二部"}


def pre_register(client: TestClient) -> Command:
    body = {"institution_id": institution(client)["id"], "pre_registered_on": "2023-03-01"}
    return "/v1/applications", body, body | {"pre_registered_on": "2023-03-02"}


def submit(client: TestClient) -> Command:
    url = f"/v1/applications/{application(client)['id']}/events"
    return url, {"event": "submit", "on": "2023-06-01"}, {"event": "submit", "on": "2023-06-02"}


def evaluate(client: TestClient) -> Command:
    accepted = application(client, ("submit", "2023-06-01"), ("accept", "2023-07-03"))
    body = {"event": "evaluate", "on": "2023-07-20", "score": "85"}
    return f"/v1/applications/{accepted['id']}/events", body, body | {"score": "84.99"}


def supplement(client: TestClient) -> Command:
    accepted = application(client, ("submit", "2023-06-01"), ("accept", "2023-07-03"))
    body = {"first": "2023-07-10", "last": "2023-07-14"}
    return f"/v1/applications/{accepted['id']}/supplements", body, body | {"last": "2023-07-13"}


def suspend(client: TestClient) -> Command:
    body = {"event": "suspend", "on": "2023-03-01", "days": 30}
    return f"/v1/agreements/{agreement(client, institution(client))['id']}/events", body, body | {"days": 60}


def termination_step(client: TestClient) -> Command:
    ended = agreement(client, institution(client))
    client.post(f"/v1/agreements/{ended['id']}/events", json={"event": "terminate", "on": "2023-04-01"})
    body = {"step": "stop_settlement", "on": "2023-04-01"}
    return f"/v1/agreements/{ended['id']}/termination-steps", body, body | {"on": "2023-04-02"}


def decide(client: TestClient) -> Command:
    inst = institution(client)
    agreement(client, inst)
    body = {"institution_id": inst["id"], "case": "T3_2", "decided_on": "2023-04-01", "violation_amount": "100.00"}
    body |= {"ratio": "0.10"}
    return "/v1/violations", body, body | {"violation_amount": "200.00"}


def authorise_proxy(client: TestClient) -> Command:
    body = {"principal_id_number": PRINCIPAL, "agent_id_number": AGENT, "ground": "injury"}
    body |= {"relationship": "close_relative", "starts_on": "2024-03-01"}
    return "/v1/proxy-authorisations", body, body | {"starts_on": "2024-03-02"}


def revoke_proxy(client: TestClient) -> Command:
    url, body, _ = authorise_proxy(client)
    proxy = client.post(url, json=body).json()
    return f"/v1/proxy-authorisations/{proxy['id']}/revoke", {"on": "2024-04-01"}, {"on": "2024-04-02"}


def report_outage(client: TestClient) -> Command:
    body = {"institution_id": institution(client)["id"], "failed_at": "2024-05-01T08:00:00+08:00"}
    return "/v1/outages", body, body | {"failed_at": "2024-05-01T09:00:00+08:00"}


def outage_step(step: str, body: dict[str, Any], other: dict[str, Any]) -> Callable[[TestClient], Command]:
    def prepare(client: TestClient) -> Command:
        url, outage, _ = report_outage(client)
        return f"/v1/outages/{client.post(url, json=outage).json()['id']}/{step}", body, other

    return prepare


def file_relocation(client: TestClient) -> Command:
    agreement(client, institution(client))
    body = {"operator_uscc": USCC, "from_address": "柯城区荷花街道1号", "to_address": "柯城区府山街道2号"}
    body |= {"reference": "柯城区征收〔2023〕017号"}
    return "/v1/relocation-filings", body, body | {"reference": "柯城区征收〔2023〕018号"}


WINDOW = {"requested_at": "2024-05-02T10:00:00+08:00", "reason": "配件"}
COMMANDS = {
    "register institution": register,
    "pre-register": pre_register,
    "application event": submit,
    "supplement": supplement,
    "agreement event": suspend,
    "termination step": termination_step,
    "violation decision": decide,
    "proxy authorisation": authorise_proxy,
    "proxy revocation": revoke_proxy,
    "outage": report_outage,
    "outage window": outage_step("window", WINDOW, WINDOW | {"reason": "配件未到"}),
    "outage repair": outage_step(
        "repair", {"repaired_at": "2024-05-04T12:00:00+08:00"}, {"repaired_at": "2024-05-04T13:00:00+08:00"}
    ),
    "relocation filing": file_relocation,
}


@pytest.mark.parametrize("prepare", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_retried_key_replays_and_changes_nothing(client, medinsurance_settings, prepare):
    url, body, other = prepare(client)
    key = {"Idempotency-Key": "retry-1"}
    first = client.post(url, json=body, headers=key)
    assert first.status_code in (200, 201), first.text
    trail = audit_trail(medinsurance_settings.database_url)
    retried = client.post(url, json=body, headers=key)
    assert (retried.status_code, retried.json()) == (first.status_code, first.json())
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert audit_trail(medinsurance_settings.database_url) == trail
    reused = client.post(url, json=other, headers=key)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert audit_trail(medinsurance_settings.database_url) == trail


@pytest.mark.parametrize(
    "prepare", [submit, suspend, termination_step, decide], ids=["application", "agreement", "procedure", "violation"]
)
def test_the_same_decision_without_a_key_replays_and_changes_nothing(client, medinsurance_settings, prepare):
    url, body, _ = prepare(client)
    first = client.post(url, json=body)
    trail = audit_trail(medinsurance_settings.database_url)
    again = client.post(url, json=body)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert audit_trail(medinsurance_settings.database_url) == trail


@pytest.mark.parametrize("prepare", [evaluate, suspend, decide], ids=["application", "agreement", "violation"])
def test_the_same_decision_with_another_content_is_a_conflict(client, medinsurance_settings, prepare):
    # same record, kind and day, no 文书号 to tell them apart: 85 or 84.99, 30 days or 60, 100.00 or 200.00 yuan
    url, body, other = prepare(client)
    client.post(url, json=body)
    trail = audit_trail(medinsurance_settings.database_url)
    conflict = client.post(url, json=other)
    assert (conflict.status_code, conflict.json()["code"]) == (409, "decision_conflict")
    assert audit_trail(medinsurance_settings.database_url) == trail


def test_a_decision_refused_by_the_rules_leaves_it_free_for_the_corrected_one(client):
    url, body, _ = suspend(client)
    # 附件1 一(三)1 "中止时间原则上不得超过180日": refused, so the corrected 中止 of the same day is not a conflict
    refused = client.post(url, json=body | {"days": 181})
    assert (refused.status_code, refused.json()["code"]) == (409, "agreement_rule")
    assert client.post(url, json=body).json()["state"] == "suspended"


def test_another_districts_client_gets_its_404_not_the_first_answer(client):
    url, body, _ = suspend(client)
    assert client.post(url, json=body).status_code == 200
    other = client.post(url, json=body, headers=identity_headers("medinsurance", district="江山市"))
    assert (other.status_code, other.json()["field"], "Idempotent-Replayed" in other.headers) == (
        404,
        "agreement_id",
        False,
    )


def test_the_same_document_number_on_another_day_is_another_decision(client):
    url, body, _ = suspend(client)
    client.post(url, json=body | {"document_number": "衢医保稽〔2023〕7号"})
    client.post(url, json={"event": "resume", "on": "2023-03-31"})
    # 文书号 alone does not make the decision: the same number a month later is another 中止, the term's second
    later = client.post(url, json=body | {"on": "2023-05-01", "document_number": "衢医保稽〔2023〕7号"})
    assert (later.status_code, later.json()["state"]) == (200, "terminated")
