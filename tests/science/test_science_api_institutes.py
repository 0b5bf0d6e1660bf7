"""Research institutes through the API: application, procedure, monitoring, changes, revocation, dossier."""

from typing import Any

from fastapi.testclient import TestClient
from science_testdata import (
    ENTERPRISE,
    eligibility_body,
    enterprise,
    institute_application,
    make_uscc,
    materials_body,
    recognise,
)
from testkit import identity_headers


def apply(client: TestClient, **changes: Any) -> Any:
    return client.post("/v1/institutes", json=institute_application(**changes))


def recognised(client: TestClient) -> dict[str, Any]:
    enterprise(client)
    return recognise(client, apply(client).json()["id"])


def test_application_generates_the_name_and_stores_conditions(client: TestClient) -> None:
    enterprise(client)
    r = apply(client)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["name"] == "衢州市元立高性能合金材料企业研究院"
    assert body["status"] == "applied" and body["district"] == "柯城区" and len(body["conditions"]) == 9


def test_application_names_every_failing_condition(client: TestClient) -> None:
    enterprise(client)
    r = apply(client, application=eligibility_body(fulltime_rd_staff=14, has_management_system=False))
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["application.staff", "application.management_system"]


def test_application_needs_a_registered_enterprise(client: TestClient) -> None:
    unregistered = apply(client)
    assert (unregistered.status_code, unregistered.json()["code"], unregistered.json()["field"]) == (
        422,
        "reference_not_found",
        "enterprise_uscc",
    )


def test_second_live_application_is_409(client: TestClient) -> None:
    enterprise(client)
    apply(client)
    assert apply(client).status_code == 409


def test_procedure_in_order_with_certificate_and_batch(client: TestClient) -> None:
    enterprise(client)
    institute = apply(client).json()
    url = f"/v1/institutes/{institute['id']}/decisions"
    early = client.post(url, json={"action": "recognise", "on": "2023-07-01", "batch": "一"})
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    no_cert = client.post(url, json={"action": "recommend", "on": "2023-06-10"})
    assert (no_cert.status_code, no_cert.json()["field"]) == (422, "no_violation_certificate")


def test_full_recognition(client: TestClient) -> None:
    institute = recognised(client)
    assert institute["status"] == "recognised" and institute["batch"] == "2023年第一批"
    assert institute["status_basis"] == "衢市科发高〔2022〕43号 二(四)"


def test_monitoring_yellow_then_revoked(client: TestClient) -> None:
    institute = recognised(client)
    url = f"/v1/institutes/{institute['id']}/annual-reports"
    first = client.post(url, json={"year": 2023, "sales": "100000000", "rd_expense": "3999999.99"})
    assert first.status_code == 201, first.text
    assert first.json()["outcome"] == "yellow_warning"
    assert client.get(f"/v1/institutes/{institute['id']}").json()["status"] == "yellow_warning"
    assert client.post(url, json={"year": 2023, "sales": "1", "rd_expense": "1"}).status_code == 409
    second = client.post(url, json={"year": 2024, "sales": "100000000", "rd_expense": "100"}).json()
    assert second["outcome"] == "revoked"
    after = client.get(f"/v1/institutes/{institute['id']}").json()
    assert after["status"] == "revoked" and after["status_basis"] == "衢市科发高〔2022〕43号 三(五)"


def test_a_compliant_year_clears_the_warning(client: TestClient) -> None:
    institute = recognised(client)
    url = f"/v1/institutes/{institute['id']}/annual-reports"
    client.post(url, json={"year": 2023, "sales": "100000000", "rd_expense": "100"})
    client.post(url, json={"year": 2024, "sales": "100000000", "rd_expense": "4000000"})
    assert client.get(f"/v1/institutes/{institute['id']}").json()["status"] == "recognised"


def test_change_reported_within_six_months_and_rename(client: TestClient) -> None:
    institute = recognised(client)
    url = f"/v1/institutes/{institute['id']}/changes"
    on_time = client.post(
        url,
        json={
            "kind": "rename",
            "description": "企业更名",
            "changed_on": "2023-08-31",
            "reported_on": "2024-02-29",
            "new_trade_name": "元立集团",
        },
    ).json()
    assert on_time["on_time"] is True and on_time["deadline"] == "2024-02-29"
    assert on_time["new_name"] == "衢州市元立集团高性能合金材料企业研究院"
    late = client.post(
        url,
        json={"kind": "restructure", "description": "重组", "changed_on": "2023-08-31", "reported_on": "2024-03-01"},
    ).json()
    assert late["on_time"] is False


def test_upgrade_leaves_the_list(client: TestClient) -> None:
    institute = recognised(client)
    r = client.post(
        f"/v1/institutes/{institute['id']}/upgrade",
        json={"on": "2024-01-10", "provincial_designation": "省级企业研究院"},
    )
    assert r.json()["status"] == "upgraded"
    assert (
        client.post(
            f"/v1/institutes/{institute['id']}/upgrade", json={"on": "2024-01-11", "provincial_designation": "x"}
        ).status_code
        == 409
    )


def test_false_materials_revoke_and_bar_for_three_years(client: TestClient) -> None:
    institute = recognised(client)
    r = client.post(
        f"/v1/institutes/{institute['id']}/revoke",
        json={"ground": "false_materials", "decided_on": "2023-09-01", "reason": "专项审计报告数据造假"},
    )
    assert r.json()["status"] == "revoked" and r.json()["status_basis"] == "衢市科发高〔2022〕43号 三(六)1"
    records = client.get("/v1/credit-records", params={"subject_id": ENTERPRISE}).json()["items"]
    assert records[0]["ban_until"] == "2026-09-01"
    audits = [
        {"year": y, "items": ["rd_staff", "site_area", "equipment_value", "own_ip", "rd_ratio"]}
        for y in (2023, 2024, 2025)
    ]
    again = apply(
        client, application=eligibility_body(applied_on="2026-09-01"), materials=materials_body(audit_reports=audits)
    )
    assert (again.status_code, again.json()["code"]) == (422, "credit_ban")
    dossier = client.get(f"/v1/dossiers/enterprises/{ENTERPRISE}").json()
    assert {f["code"] for f in dossier["credit_flags"]} == {"institute_false_materials", "institute_revoked"}
    assert dossier["institutes"][0]["status"] == "revoked"


def test_district_bound_client_cannot_touch_another_district(client: TestClient) -> None:
    enterprise(client)
    institute = apply(client).json()
    other = identity_headers("science", district="江山市")
    theirs = client.get(f"/v1/institutes/{institute['id']}", headers=other)  # another district's: as an unused id
    assert (theirs.status_code, theirs.json()["field"]) == (404, "institute_id")
    assert theirs.json()["detail"] == client.get("/v1/institutes/999999", headers=other).json()["detail"]
    cited = client.post("/v1/institutes", json=institute_application(), headers=other)  # the enterprise, in a body
    assert (cited.status_code, cited.json()["code"], cited.json()["field"]) == (
        422,
        "reference_not_found",
        "enterprise_uscc",
    )
    assert client.get("/v1/institutes", params={"district": "柯城区"}, headers=other).status_code == 403
    assert client.get("/v1/institutes", headers=other).json()["total"] == 0


def test_read_only_client_cannot_write(client: TestClient) -> None:
    headers = identity_headers("science", scopes=["science:read"])
    r = client.post("/v1/enterprises", json={"uscc": make_uscc(5), "name": "x", "district": "柯城区"}, headers=headers)
    assert (r.status_code, r.json()["code"]) == (403, "scope_missing")


def test_enterprise_errors(client: TestClient) -> None:
    bad = client.post("/v1/enterprises", json={"uscc": "91330802MA0000001X", "name": "x", "district": "柯城区"})
    assert (bad.status_code, bad.json()["field"]) == (422, "uscc")
    enterprise(client)
    dup = client.post("/v1/enterprises", json={"uscc": ENTERPRISE, "name": "x", "district": "柯城区"})
    assert dup.status_code == 409
    assert client.get(f"/v1/enterprises/{make_uscc(77)}").status_code == 404
    patched = client.patch(f"/v1/enterprises/{ENTERPRISE}", json={"on_four_colour_list": True}).json()
    assert patched["on_four_colour_list"] is True


def test_idempotent_enterprise_creation(client: TestClient) -> None:
    body = {"uscc": make_uscc(8), "name": "衢州甲公司", "district": "柯城区"}
    first = client.post("/v1/enterprises", json=body, headers={"Idempotency-Key": "k1"})
    second = client.post("/v1/enterprises", json=body, headers={"Idempotency-Key": "k1"})
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    assert second.headers.get("Idempotent-Replayed") == "true"


def test_application_needs_complete_materials(client: TestClient) -> None:
    enterprise(client)
    partial = materials_body(
        implementation_plan=False, audit_reports=[{"year": 2022, "items": ["rd_staff", "site_area"]}]
    )
    r = apply(client, materials=partial)
    assert (r.status_code, r.json()["code"]) == (422, "materials_incomplete")
    assert [e["field"] for e in r.json()["errors"]] == [
        "materials.implementation_plan",
        "materials.audit_report",
        "materials.audit_report",
        "materials.audit_report_items",
    ]
