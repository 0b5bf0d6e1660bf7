"""附件1 一 the agreement's life over HTTP: renewal, the 解除 procedure, agreements linked across 统筹区
(附件1 一(三)3)."""

from medinsurance_testdata import agreement, agreement_event, institution
from medinsurance_testdata import agreement as imported_agreement
from testkit import identity_headers


def test_renewal_over_http_uses_the_event_date(client):
    inst = institution(client)
    agreement = imported_agreement(client, inst, "2023-02-20")
    agreement_event(client, agreement["id"], "suspend", "2023-11-01", days=90)
    refused = agreement_event(client, agreement["id"], "renew", "2023-12-01")
    assert refused.status_code == 409 and "中止" in refused.json()["detail"]
    late = agreement_event(client, agreement["id"], "renew", "2024-02-01")
    assert late.status_code == 409  # the 中止 ran past 2023-12-31: this term's agreement is 解除


def test_termination_procedure_steps_in_order(client):
    inst = institution(client)
    agreement = imported_agreement(client, inst, "2023-02-20")
    url = f"/v1/agreements/{agreement['id']}/termination-steps"
    assert client.post(url, json={"step": "stop_settlement", "on": "2023-04-01"}).status_code == 409  # not decided
    client.post(
        "/v1/violations",
        json={"institution_id": inst["id"], "case": "T5_2", "decided_on": "2023-04-01", "violation_amount": "0.00"},
    )
    assert client.post(url, json={"step": "decision", "on": "2023-04-01"}).status_code == 409  # 1. comes first
    assert client.post(url, json={"step": "stop_settlement", "on": "2023-03-31"}).status_code == 409  # before 解除
    client.post(url, json={"step": "stop_settlement", "on": "2023-04-01"})
    assert client.post(url, json={"step": "decision", "on": "2023-03-31"}).status_code == 409
    client.post(url, json={"step": "decision", "on": "2023-04-03"})
    client.post(url, json={"step": "final_settlement", "on": "2023-04-20"})
    done = client.post(url, json={"step": "liquidation", "on": "2024-03-31"}).json()
    assert [s["step"] for s in done["termination_steps"]] == [
        "stop_settlement",
        "decision",
        "final_settlement",
        "liquidation",
    ]
    assert client.post(url, json={"step": "liquidation", "on": "2024-04-01"}).status_code == 409


def linked_setup(client):
    inst = institution(client)
    home = agreement(client, inst, "2024-01-10")
    away = agreement(client, inst, "2024-02-01", pooling_area="江山市", original_document_number="江医保协〔2024〕8号")
    assert (home["pooling_area"], away["pooling_area"]) == ("柯城区", "江山市")
    same_area = {
        "institution_id": inst["id"],
        "signed_on": "2024-02-01",
        "original_document_number": "柯医保协〔2024〕9号",
    }
    same_area |= {"reason": "补录"}
    assert client.post("/v1/agreement-imports", json=same_area).status_code == 409  # one live agreement per 统筹区
    return home, away


def test_prefecture_suspension_reaches_other_areas(client):
    home, away = linked_setup(client)
    r = client.post(
        f"/v1/agreements/{home['id']}/events",
        json={"event": "suspend", "on": "2024-05-01", "days": 60, "by_prefecture_office": True},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "suspended" and [a["id"] for a in r.json()["linked"]] == [away["id"]]
    other = r.json()["linked"][0]
    # 60 days from 05-01: 31 in May + 29 in June → last day 2024-06-29
    assert other["state"] == "suspended" and other["suspended_until"] == "2024-06-29"
    assert "附件1 一(三)3" in other["basis"]
    assert client.get(f"/v1/agreements/{away['id']}").json()["suspended_from"] == "2024-05-01"


def test_county_suspension_stays_in_its_area(client):
    home, away = linked_setup(client)
    r = client.post(f"/v1/agreements/{home['id']}/events", json={"event": "suspend", "on": "2024-05-01", "days": 60})
    assert r.json()["linked"] == []
    away_now = client.get(f"/v1/agreements/{away['id']}").json()
    assert away_now["suspended_from"] is None and away_now["suspensions_this_term"] == 0


def test_prefecture_termination_reaches_other_areas(client):
    home, away = linked_setup(client)
    r = client.post(
        f"/v1/agreements/{home['id']}/events",
        json={"event": "terminate", "on": "2024-06-01", "clause": "五(三)5(3)", "by_prefecture_office": True},
    )
    assert r.json()["state"] == "terminated"
    assert client.get(f"/v1/agreements/{away['id']}").json()["terminated_on"] == "2024-06-01"


def test_prefecture_flag_only_for_city_clients_and_suspend_or_terminate(client):
    home, _ = linked_setup(client)
    county = identity_headers("medinsurance", district="柯城区")
    r = client.post(
        f"/v1/agreements/{home['id']}/events",
        json={"event": "suspend", "on": "2024-05-01", "days": 60, "by_prefecture_office": True},
        headers=county,
    )
    assert r.status_code == 403 and r.json()["field"] == "by_prefecture_office"
    resume = client.post(
        f"/v1/agreements/{home['id']}/events",
        json={"event": "resume", "on": "2024-05-01", "by_prefecture_office": True},
    )
    assert resume.status_code == 422


def test_decision_names_its_agreement_when_several_areas(client):
    home, away = linked_setup(client)
    body = {"institution_id": home["institution_id"], "case": "T3_1", "decided_on": "2024-05-01"}
    body |= {"violation_amount": "1000.00", "ratio": "0.10", "suspension_days": 30}
    unnamed = client.post("/v1/violations", json=body)
    assert unnamed.status_code == 422 and unnamed.json()["field"] == "agreement_id"
    named = client.post("/v1/violations", json={**body, "agreement_id": away["id"]})
    assert named.status_code == 201 and named.json()["agreement_id"] == away["id"]
    assert client.get(f"/v1/agreements/{away['id']}").json()["suspended_from"] == "2024-05-01"
    assert client.get(f"/v1/agreements/{home['id']}").json()["suspended_from"] is None
