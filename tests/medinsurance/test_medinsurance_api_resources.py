import asyncio
import datetime as dt

import httpx
from medinsurance_testdata import REP, USCC, institution
from medinsurance_testdata import agreement as imported_agreement
from testkit import id_number, identity_headers

from medinsurance.main import create_app
from qz_common.settings import PlatformSettings

PRINCIPAL = id_number("330802", dt.date(1988, 1, 1), 21)
AGENT = id_number("330802", dt.date(1990, 1, 1), 31)


def test_institution_create_validation_and_idempotency(client):
    inst = institution(client)
    assert inst["uscc"] == USCC
    bad = client.post(
        "/v1/institutions",
        json={
            "name": "x",
            "kind": "primary_care",
            "uscc": "91110000600037341X",
            "district": "柯城区",
            "address": "a",
            "community": "c",
        },
    )
    assert bad.status_code == 422 and "uscc" in bad.json()["field"]
    key = {"Idempotency-Key": "inst-1"}
    body = {
        "name": "y",
        "kind": "retail_pharmacy",
        "uscc": USCC,
        "district": "柯城区",
        "address": "a",
        "community": "c",
    }
    first = client.post("/v1/institutions", json=body, headers=key)
    second = client.post("/v1/institutions", json=body, headers=key)
    assert first.json()["id"] == second.json()["id"]
    assert client.get("/v1/institutions/999").status_code == 404
    assert client.get("/v1/institutions", params={"uscc": USCC}).json()["total"] == 2


def test_district_scoping(client):
    inst = institution(client)
    other = identity_headers("medinsurance", district="江山市")
    theirs = client.get(f"/v1/institutions/{inst['id']}", headers=other)  # another district's: as an unused id
    unused = client.get("/v1/institutions/999999", headers=other)
    assert (theirs.status_code, theirs.json()["code"], theirs.json()["field"]) == (404, "not_found", "institution_id")
    assert theirs.json()["detail"] == unused.json()["detail"]
    assert client.get("/v1/institutions", params={"district": "柯城区"}, headers=other).status_code == 403
    body = {"name": "z", "kind": "primary_care", "uscc": USCC, "district": "柯城区", "address": "a", "community": "c"}
    assert client.post("/v1/institutions", json=body, headers=other).status_code == 403


def event(client, app_id, name, on, **kw):
    return client.post(f"/v1/applications/{app_id}/events", json={"event": name, "on": on, **kw})


def test_application_full_flow(client):
    inst = institution(client)
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"}).json()
    assert app["state"] == "trial"
    assert (
        client.post(
            "/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"}
        ).status_code
        == 409
    )
    early = event(client, app["id"], "submit", "2023-05-31")
    assert early.status_code == 409 and "试运行" in early.json()["detail"]
    assert event(client, app["id"], "submit", "2023-06-01").json()["state"] == "submitted"
    sup = event(client, app["id"], "request_supplement", "2023-06-15").json()
    assert sup["supplement_deadline"] == "2023-06-25"
    assert event(client, app["id"], "complete_supplement", "2023-06-25").json()["state"] == "submitted"
    acc = event(client, app["id"], "accept", "2023-07-03").json()
    assert acc["evaluation_deadline"] == "2023-07-31"
    ext = client.post(f"/v1/applications/{app['id']}/supplements", json={"first": "2023-07-10", "last": "2023-07-14"})
    assert ext.json()["evaluation_deadline"] == "2023-08-07"
    missing_score = event(client, app["id"], "evaluate", "2023-07-20")
    assert missing_score.status_code == 422
    assert event(client, app["id"], "evaluate", "2023-07-20", score="85").json()["state"] == "passed"
    assert event(client, app["id"], "approve", "2023-08-01").json()["state"] == "approved"
    signed = event(client, app["id"], "sign", "2023-08-10").json()
    assert signed["agreement_end"] == "2023-12-31"
    assert event(client, app["id"], "open_settlement", "2023-08-11").json()["state"] == "open"
    assert client.get(f"/v1/applications/{app['id']}").json()["state"] == "open"
    assert client.get("/v1/applications", params={"institution_id": inst["id"]}).json()["total"] == 1
    assert client.get("/v1/applications/999").status_code == 404
    assert event(client, 999, "submit", "2023-06-01").status_code == 404


def test_application_failure_and_bar(client):
    inst = institution(client)
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"}).json()
    event(client, app["id"], "submit", "2023-06-01")
    event(client, app["id"], "accept", "2023-06-05")
    failed = event(client, app["id"], "evaluate", "2023-06-20", score="84.9").json()
    assert failed["state"] == "failed" and failed["reevaluation_from"] == "2023-09-20"
    assert event(client, app["id"], "reevaluate", "2023-09-19").status_code == 409
    event(client, app["id"], "reevaluate", "2023-09-20")
    barred = event(client, app["id"], "evaluate", "2023-10-10", score="60").json()
    assert barred["state"] == "barred" and barred["barred_until"] == "2024-10-10"


def agreement(client, inst_id, signed="2023-02-20"):
    return imported_agreement(client, {"id": inst_id}, signed)


def test_agreement_events(client):
    inst = institution(client)
    a = agreement(client, inst["id"])
    assert a["ends_on"] == "2023-12-31"
    second = {
        "institution_id": inst["id"],
        "signed_on": "2023-03-01",
        "original_document_number": "柯医保协〔2023〕2号",
    }
    assert client.post("/v1/agreement-imports", json=second | {"reason": "补录"}).status_code == 409
    too_long = client.post(
        f"/v1/agreements/{a['id']}/events", json={"event": "suspend", "on": "2023-03-01", "days": 181}
    )
    assert too_long.status_code == 409
    s = client.post(
        f"/v1/agreements/{a['id']}/events", json={"event": "suspend", "on": "2023-03-01", "days": 30}
    ).json()
    assert s["state"] == "suspended" and s["suspended_until"] == "2023-03-30"
    r = client.post(f"/v1/agreements/{a['id']}/events", json={"event": "resume", "on": "2023-03-31"}).json()
    assert r["state"] == "active"
    t = client.post(
        f"/v1/agreements/{a['id']}/events", json={"event": "suspend", "on": "2023-05-01", "days": 30}
    ).json()
    assert t["state"] == "terminated" and "五(三)5(1)" in t["basis"]


def test_public_institution_cannot_terminate_voluntarily(client):
    inst = institution(client, public_institution=True)
    a = agreement(client, inst["id"])
    r = client.post(
        f"/v1/agreements/{a['id']}/events",
        json={"event": "terminate", "on": "2023-09-01", "voluntary": True, "requested_on": "2023-05-01"},
    )
    assert r.status_code == 409 and "公立医疗机构" in r.json()["detail"]


def test_violation_penalty_and_escalation(client):
    inst = institution(client)
    agreement(client, inst["id"])
    body = {
        "institution_id": inst["id"],
        "case": "T3_2",
        "decided_on": "2023-04-01",
        "violation_amount": "10000.00",
        "ratio": "0.2",
        "standards": [6],
        "suspension_days": 30,
    }
    v = client.post("/v1/violations", json=body)
    assert v.status_code == 201, v.text
    assert v.json()["penalty"] == "2000.00" and v.json()["penalty_due_on"] == "2023-05-01"
    second = client.post(
        "/v1/violations", json={**body, "case": "T4_1", "ratio": "0", "suspension_days": 60, "decided_on": "2023-06-01"}
    )
    assert second.status_code == 201, second.text
    assert second.json()["escalated"] is True and second.json()["tier"] == 5
    agreements = client.get("/v1/agreements", params={"institution_id": inst["id"]}).json()["items"]
    assert agreements[0]["state"] == "terminated"
    another = {"document_number": "衢医保稽〔2023〕9号"}  # not the first decision again (that would be a 409)
    bad = client.post("/v1/violations", json={**body, **another, "ratio": "0.35", "suspension_days": 10})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"ratio", "suspension_days"}
    unknown = client.post("/v1/violations", json={**body, "case": "T3_99"})
    assert unknown.status_code == 422
    assert client.get("/v1/violations", params={"institution_id": inst["id"]}).json()["total"] == 2


def test_proxy_authorisations_and_me(client):
    body = {
        "principal_id_number": PRINCIPAL,
        "agent_id_number": AGENT,
        "ground": "injury",
        "relationship": "close_relative",
        "starts_on": "2024-03-01",
    }
    r = client.post("/v1/proxy-authorisations", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["expires_on"] == "2024-06-01"
    bad = client.post("/v1/proxy-authorisations", json={**body, "relationship": "other"})
    assert bad.status_code == 422 and bad.json()["errors"]
    invalid_id = client.post("/v1/proxy-authorisations", json={**body, "agent_id_number": "330802199001010000"})
    assert invalid_id.status_code == 422
    me = client.get("/v1/me/proxy-authorisations", headers=identity_headers("medinsurance", citizen=AGENT))
    assert me.status_code == 200 and len(me.json()) == 1
    staff_on_me = client.get("/v1/me/proxy-authorisations")
    assert staff_on_me.status_code == 403
    other = client.get("/v1/me/proxy-authorisations", headers=identity_headers("medinsurance", citizen=REP))
    assert other.json() == []
    revoked = client.post(f"/v1/proxy-authorisations/{r.json()['id']}/revoke", json={"on": "2024-04-01"})
    assert revoked.json()["status"] == "revoked"
    assert (
        client.post(f"/v1/proxy-authorisations/{r.json()['id']}/revoke", json={"on": "2024-04-01"}).status_code == 409
    )


def test_proxy_agent_limit_three_principals(client):
    principals = [id_number("330802", dt.date(1987, 1, 1), 40 + i) for i in range(4)]
    base = {"agent_id_number": AGENT, "ground": "mobility", "relationship": "close_relative", "starts_on": "2024-03-01"}
    for p in principals[:3]:
        assert client.post("/v1/proxy-authorisations", json={**base, "principal_id_number": p}).status_code == 201
    r = client.post("/v1/proxy-authorisations", json={**base, "principal_id_number": principals[3]})
    assert r.status_code == 422 and "3名委托人" in r.json()["detail"]


def test_an_outage_before_the_rules_took_effect_is_refused(client):
    # 六(四) "自2023年2月18日起施行" in 衢州 time (reading A-76): 2023-02-17T16:00Z is already 2023-02-18 00:00 there
    inst = institution(client)
    before = client.post("/v1/outages", json={"institution_id": inst["id"], "failed_at": "2023-02-17T23:59:59+08:00"})
    assert (before.status_code, before.json()["code"], before.json()["field"]) == (
        422,
        "before_rules_in_force",
        "failed_at",
    )
    first = client.post("/v1/outages", json={"institution_id": inst["id"], "failed_at": "2023-02-17T16:00:00Z"})
    assert first.status_code == 201


def test_outage_lifecycle(client):
    inst = institution(client)
    o = client.post("/v1/outages", json={"institution_id": inst["id"], "failed_at": "2024-05-01T08:00:00+08:00"}).json()
    at24 = client.get(f"/v1/outages/{o['id']}", params={"at": "2024-05-02T08:00:00+08:00"}).json()
    assert at24["status"] == "normal"
    after = client.get(f"/v1/outages/{o['id']}", params={"at": "2024-05-02T08:00:01+08:00"}).json()
    assert after["status"] == "suspended"
    early = client.post(
        f"/v1/outages/{o['id']}/window", json={"requested_at": "2024-05-02T07:00:00+08:00", "reason": "配件"}
    )
    assert early.status_code == 409
    w = client.post(
        f"/v1/outages/{o['id']}/window", json={"requested_at": "2024-05-02T10:00:00+08:00", "reason": "配件"}
    )
    assert w.json()["status"] == "temporary_window"
    again = client.get(f"/v1/outages/{o['id']}", params={"at": "2024-05-04T10:00:00+08:00"}).json()
    assert again["status"] == "suspended"
    fixed = client.post(f"/v1/outages/{o['id']}/repair", json={"repaired_at": "2024-05-04T12:00:00+08:00"}).json()
    assert fixed["status"] == "normal"
    assert (
        client.post(f"/v1/outages/{o['id']}/repair", json={"repaired_at": "2024-05-04T12:00:00+08:00"}).status_code
        == 409
    )


def test_relocation_filing_and_dossiers(client):
    clinic = institution(client)
    hospital = institution(client, name="二级医院", secondary_or_above=True, kind="general_hospital")
    agreement(client, clinic["id"])
    agreement(client, hospital["id"])
    body = {
        "operator_uscc": USCC,
        "from_address": "柯城区荷花街道1号",
        "to_address": "柯城区府山街道2号",
        "reference": "R-1",
    }
    r = client.post("/v1/relocation-filings", json=body)
    assert r.status_code == 201, r.text
    filed = {f["institution_id"]: f for f in r.json()["filed"]}
    assert filed[clinic["id"]]["needs_approval"] is True
    assert filed[hospital["id"]]["needs_approval"] is False
    none = client.post("/v1/relocation-filings", json={**body, "from_address": "别处", "reference": "R-2"})
    assert none.json() == {"filed": []}
    d = client.get(f"/v1/dossiers/enterprises/{USCC}").json()
    assert len(d["institutions"]) == 2 and d["credit_flags"] == []
    p = client.get(f"/v1/dossiers/citizens/{REP}").json()
    assert len(p["institutions_as_legal_rep"]) == 2
    assert client.get("/v1/dossiers/enterprises/91110000600037341X").status_code == 422


def test_enterprise_dossier_flags_termination(client):
    inst = institution(client)
    a = agreement(client, inst["id"])
    client.post(
        f"/v1/agreements/{a['id']}/events",
        json={"event": "terminate", "on": "2023-06-01", "reason": "被吊销许可证", "clause": "五(三)5(7)"},
    )
    flags = client.get(f"/v1/dossiers/enterprises/{USCC}").json()["credit_flags"]
    assert flags[0]["code"] == "agreement_terminated" and flags[0]["until"] == "2024-05-31"


def test_concurrent_proxies_for_one_agent_stop_at_three(medinsurance_settings):
    principals = [id_number("330802", dt.date(1987, 2, 1), 60 + i) for i in range(6)]
    base = {"agent_id_number": AGENT, "ground": "mobility", "relationship": "close_relative", "starts_on": "2024-03-01"}

    async def scenario():
        app = create_app(medinsurance_settings, PlatformSettings(dev_mode=True))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://medinsurance",
            headers=identity_headers("medinsurance"),
        ) as http:
            responses = await asyncio.gather(
                *(http.post("/v1/proxy-authorisations", json={**base, "principal_id_number": p}) for p in principals)
            )
        await app.state.db.dispose()
        return responses

    responses = asyncio.run(scenario())
    assert sorted(r.status_code for r in responses) == [201, 201, 201, 422, 422, 422]


def test_concurrent_suspensions_escalate_exactly_once(medinsurance_settings):
    async def scenario():
        app = create_app(medinsurance_settings, PlatformSettings(dev_mode=True))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://medinsurance",
            headers=identity_headers("medinsurance"),
        ) as http:
            inst = (
                await http.post(
                    "/v1/institutions",
                    json={
                        "name": "n",
                        "kind": "primary_care",
                        "uscc": USCC,
                        "district": "柯城区",
                        "address": "a",
                        "community": "c",
                    },
                )
            ).json()
            signed = {
                "institution_id": inst["id"],
                "signed_on": "2023-02-20",
                "original_document_number": "柯医保协〔2023〕1号",
            }
            await http.post("/v1/agreement-imports", json=signed | {"reason": "平台启用前签订"})
            body = {
                "institution_id": inst["id"],
                "case": "T3_2",
                "decided_on": "2023-04-01",
                "violation_amount": "100.00",
                "ratio": "0.1",
                "suspension_days": 30,
            }
            # four decisions, each under its own 文书号 (one decision posted four times is recorded once)
            responses = await asyncio.gather(
                *(
                    http.post("/v1/violations", json=body | {"document_number": f"衢医保稽〔2023〕{n}号"})
                    for n in range(4)
                )
            )
            agreements = (await http.get("/v1/agreements", params={"institution_id": inst["id"]})).json()["items"]
        await app.state.db.dispose()
        return responses, agreements

    responses, agreements = asyncio.run(scenario())
    assert all(r.status_code in (201, 409) for r in responses), [r.text for r in responses]
    created = [r.json() for r in responses if r.status_code == 201]
    assert sum(1 for v in created if not v["escalated"]) == 1
    assert agreements[0]["state"] == "terminated"


def test_not_found_and_auth_on_resources(client):
    assert client.get("/v1/agreements/999").status_code == 404
    assert client.get("/v1/violations/999").status_code == 404
    assert client.get("/v1/outages/999").status_code == 404
    assert client.post("/v1/agreements/999/events", json={"event": "resume", "on": "2023-01-01"}).status_code == 404
    assert client.post("/v1/proxy-authorisations/999/revoke", json={"on": "2023-01-01"}).status_code == 404
    assert client.get("/v1/institutions", headers={"X-Qz-Identity": ""}).status_code == 401
    citizen = identity_headers("medinsurance", citizen=AGENT)
    assert client.get("/v1/institutions", headers=citizen).status_code == 403
    reader = identity_headers("medinsurance", scopes=["medinsurance:read"])
    body = {"name": "z", "kind": "primary_care", "uscc": USCC, "district": "柯城区", "address": "a", "community": "c"}
    assert client.post("/v1/institutions", json=body, headers=reader).status_code == 403
    assert client.get("/v1/institutions", headers=reader).status_code == 200


def test_violation_without_agreement_cannot_suspend(client):
    inst = institution(client)
    body = {
        "institution_id": inst["id"],
        "case": "T3_7",
        "decided_on": "2023-04-01",
        "violation_amount": "500.00",
        "ratio": "0.1",
        "suspension_days": 30,
    }
    r = client.post("/v1/violations", json=body)
    assert r.status_code == 409 and r.json()["code"] == "no_agreement"
    no_susp = client.post("/v1/violations", json={**body, "suspension_days": None})
    assert no_susp.status_code == 201 and no_susp.json()["penalty"] == "50.00"
    tier1_susp = client.post("/v1/violations", json={**body, "case": "T1_1", "ratio": "0", "suspension_days": 30})
    assert tier1_susp.status_code == 422 and tier1_susp.json()["errors"][0]["field"] == "suspension_days"


def test_fraud_cancellation_refuses_new_application_for_three_years(client):
    inst = institution(client)
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"}).json()
    event(client, app["id"], "submit", "2023-06-01")
    cancelled = event(client, app["id"], "fraud_found", "2023-06-10").json()
    assert cancelled["state"] == "cancelled" and cancelled["cancelled_on"] == "2023-06-10"
    again = client.post(
        "/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2026-01-01"}
    ).json()
    refused = event(client, again["id"], "submit", "2026-06-09")
    assert refused.status_code == 409 and refused.json()["code"] == "refused"
    assert "2026-06-09" in refused.json()["detail"]
    assert event(client, again["id"], "submit", "2026-06-10").json()["state"] == "submitted"
