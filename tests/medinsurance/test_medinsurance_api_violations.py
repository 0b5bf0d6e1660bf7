"""五(三) 协议处理 over HTTP: the cases by kind, tier 4 and 5 decisions on the agreement, dates of decisions."""

import datetime as dt

from medinsurance_testdata import agreement as imported_agreement
from medinsurance_testdata import application, application_event, institution

from qz_common.clock import today


def test_case_against_wrong_kind_refused_over_http(client):
    clinic = institution(client)
    pharmacy = institution(client, name="荷花大药房", kind="retail_pharmacy")
    body = {"case": "T3_22", "decided_on": "2023-05-01", "violation_amount": "1000.00", "ratio": "0.10"}
    wrong = client.post("/v1/violations", json={**body, "institution_id": clinic["id"]})
    assert wrong.status_code == 422 and wrong.json()["field"] == "case"
    assert client.post("/v1/violations", json={**body, "institution_id": pharmacy["id"]}).status_code == 201
    drg = client.post("/v1/violations", json={**body, "case": "T3_13", "institution_id": pharmacy["id"]})
    assert drg.status_code == 422 and "定点医疗机构" in drg.json()["detail"]


def test_tier5_decision_terminates_agreement_and_bars_reapplication(client):
    inst = institution(client)
    agreement = imported_agreement(client, inst, "2023-02-20")
    decision = client.post(
        "/v1/violations",
        json={"institution_id": inst["id"], "case": "T5_7", "decided_on": "2023-04-01", "violation_amount": "0.00"},
    ).json()
    assert decision["penalty"] == "0.00" and decision["penalty_due_on"] is None
    shown = client.get(f"/v1/agreements/{agreement['id']}").json()
    assert shown["state"] == "terminated" and shown["terminated_on"] == "2023-04-01"  # not "expired" on 2024-01-01
    assert "五(三)5(7)" in shown["basis"]
    # 医疗机构(6) "被解除医保协议未满1年": refused through 2024-03-31, the day before the anniversary
    app = application(client, inst, "2023-06-01")
    refused = application_event(client, app["id"], "submit", "2024-03-31")
    assert refused.status_code == 409 and refused.json()["until"] == "2024-03-31"
    assert application_event(client, app["id"], "submit", "2024-04-01").json()["state"] == "submitted"


def test_tier4_may_choose_termination_and_other_tiers_may_not(client):
    inst = institution(client)
    agreement = imported_agreement(client, inst, "2023-02-20")
    body = {"institution_id": inst["id"], "decided_on": "2023-04-01", "violation_amount": "0.00"}
    tier3 = client.post("/v1/violations", json={**body, "case": "T3_1", "ratio": "0.10", "terminate_agreement": True})
    assert tier3.status_code == 422 and tier3.json()["field"] == "terminate_agreement"
    both = client.post(
        "/v1/violations", json={**body, "case": "T4_1", "terminate_agreement": True, "suspension_days": 60}
    )
    assert both.status_code == 422
    assert client.post("/v1/violations", json={**body, "case": "T4_1", "terminate_agreement": True}).status_code == 201
    assert client.get(f"/v1/agreements/{agreement['id']}").json()["state"] == "terminated"


def test_future_decision_refused(client):
    inst = institution(client)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    body = {"institution_id": inst["id"], "case": "T1_1", "decided_on": tomorrow, "violation_amount": "0.00"}
    r = client.post("/v1/violations", json=body)
    assert r.status_code == 422 and r.json()["code"] == "date_in_future" and r.json()["field"] == "decided_on"
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"}).json()
    r2 = client.post(f"/v1/applications/{app['id']}/events", json={"event": "submit", "on": tomorrow})
    assert r2.status_code == 422 and r2.json()["field"] == "on"
