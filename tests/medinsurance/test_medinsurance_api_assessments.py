"""Yearly 绩效考核 records over HTTP (附件1 二): one per institution and year, the sheets scored by the tables'
rules, the pool graded again at each record (A-72), refusals, district scoping and the audit trail."""

import asyncio
from typing import Any

import httpx
from fastapi.testclient import TestClient
from medinsurance_testdata import audit_trail, institution
from testkit import identity_headers

from medinsurance.main import create_app
from medinsurance.settings import MedinsuranceSettings
from qz_common.settings import PlatformSettings

ON = "2026-03-15"


def body(inst: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"institution_id": inst["id"], "year": 2025, "category": "outpatient", "assessed_on": ON, **changes}


def test_a_clinic_s_sheets_are_scored_and_it_is_graded(client: TestClient) -> None:
    """门诊类 sheets start from 98 (O13, O14 unchanged: 1 of 2, A-42). 半年: O01 诚信记分 −3 → 95; 年度: O03 人脸识别
    成功率低 6 个百分点 × 0.2 = −1.2 → 96.8. Final 95 × 30% + 96.8 × 70% = 28.5 + 67.76 = 96.26. Alone in its pool,
    1 × 5% = 0.05 places: no A, so B."""
    clinic = institution(client)
    sheets = {"half_year": {"O01": {"deduction": "3"}}, "annual": {"O03": {"units": {"shortfall_points": "6"}}}}
    r = client.post("/v1/assessments", json=body(clinic, **sheets))
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["half_year_score"], made["annual_score"], made["final_score"]) == (95.0, 96.8, 96.26)
    assert (made["grade"], made["rank"], made["district"]) == ("B", 1, "柯城区")
    assert made["parameter_versions"] == {"sheets": "performance=2023-02-18", "grade": "performance=2023-02-18"}
    assert made["half_year_items"] == {"O01": {"deduction": "3"}}  # the sheet as entered
    assert "附件1 二(四)2" in made["basis"]
    assert client.get(f"/v1/assessments/{made['id']}").json() == made


def test_one_assessment_per_institution_and_year(client: TestClient) -> None:
    clinic = institution(client)
    first = client.post("/v1/assessments", json=body(clinic, document_number="柯医保考〔2026〕1号"))
    assert first.status_code == 201
    # The same decision posted again is answered as the first and changes nothing.
    again = client.post("/v1/assessments", json=body(clinic, document_number="柯医保考〔2026〕1号"))
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (201, first.json(), "true")
    # Another sheet for the same year is a second assessment: refused, not a correction.
    second = client.post(
        "/v1/assessments", json=body(clinic, assessed_on="2026-03-20", half_year={"O01": {"deduction": "1"}})
    )
    assert (second.status_code, second.json()["code"], second.json()["field"]) == (
        409,
        "assessment_exists",
        "institution_id",
    )
    assert client.post("/v1/assessments", json=body(clinic, year=2024, assessed_on="2025-03-10")).status_code == 201
    assert client.get("/v1/assessments", params={"institution_id": clinic["id"]}).json()["total"] == 2


def test_refusals_name_their_field(client: TestClient) -> None:
    clinic = institution(client)
    pharmacy = institution(client, name="荷花大药房", kind="retail_pharmacy")
    for sent, status, code, field in (
        (body(pharmacy), 422, "category_mismatch", "category"),
        (body(clinic, category="pharmacy"), 422, "category_mismatch", "category"),
        (body(clinic, assessed_on="2025-12-31"), 422, "assessment_too_early", "assessed_on"),  # the year not yet over
        (body(clinic, assessed_on="2099-03-01"), 422, "date_in_future", "assessed_on"),
        (body(clinic, half_year={"P01": {"deduction": "1"}}), 422, "invalid_items", "half_year"),  # a pharmacy row
        (body(clinic, annual={"O03": {"units": {"bad_kind": "1"}}}), 422, "invalid_items", "annual"),
        (
            body(clinic, new_this_year=True, annual={"O01": {"deduction": "1"}}),
            422,
            "new_institution_not_assessed",
            "new_this_year",
        ),
        (body(clinic, year=2022, assessed_on="2023-03-01"), 422, "validation_failed", "year"),
        (body(clinic, half_year={"O01": {"deduction": "1.234"}}), 422, "validation_failed", None),
        (body({"id": 999_999}), 422, "reference_not_found", "institution_id"),
    ):
        r = client.post("/v1/assessments", json=sent)
        assert (r.status_code, r.json()["code"]) == (status, code), (sent, r.text)
        if field is not None:
            assert r.json()["field"].startswith(field), r.json()
    assert client.get("/v1/assessments").json()["total"] == 0


def test_a_new_institution_is_not_assessed_nor_counted(client: TestClient) -> None:
    clinic, newcomer = institution(client), institution(client, name="新开诊所")
    client.post("/v1/assessments", json=body(clinic))
    made = client.post("/v1/assessments", json=body(newcomer, new_this_year=True)).json()
    assert (made["final_score"], made["grade"], made["rank"]) == (None, None, None)
    assert made["consequences"]["items"] == ["当年新增的定点医药机构,不予考核"]
    assert client.get("/v1/assessments").json()["items"][0]["rank"] == 1


def test_each_record_grades_its_pool_again(client: TestClient, medinsurance_settings: MedinsuranceSettings) -> None:
    """Two pharmacies of 柯城区, whose sheets start from 99 (P12 执业药师人数 unchanged: 1 of 2). P1 (P01 诚信记分 −12
    on each sheet: 87, final 87) alone is rank 1; P2 (nothing deducted: final 99) then ranks first and P1 moves to
    rank 2, audited as ``regrade``. A 衢江区 pharmacy is another pool: rank 1 there."""
    p1, p2 = (institution(client, name=n, kind="retail_pharmacy") for n in ("荷花大药房", "府山大药房"))
    p3 = institution(client, name="衢江大药房", kind="retail_pharmacy", district="衢江区")
    pharmacy = {"category": "pharmacy"}
    first = client.post(
        "/v1/assessments",
        json=body(p1, **pharmacy, half_year={"P01": {"deduction": "12"}}, annual={"P01": {"deduction": "12"}}),
    ).json()
    assert (first["final_score"], first["rank"]) == (87.0, 1)
    second = client.post("/v1/assessments", json=body(p2, **pharmacy)).json()
    third = client.post("/v1/assessments", json=body(p3, **pharmacy)).json()
    assert (second["final_score"], second["rank"], third["rank"]) == (99.0, 1, 1)
    assert client.get(f"/v1/assessments/{first['id']}").json()["rank"] == 2
    trail = [row for row in audit_trail(medinsurance_settings.database_url) if row[1] == "assessments"]
    assert [action for action, _entity, _id in trail] == ["assess", "assess", "regrade", "assess"]


def test_four_records_of_one_pool_at_once_grade_it_with_each_other(
    client: TestClient, medinsurance_settings: MedinsuranceSettings
) -> None:
    """Four 柯城区 pharmacies recorded at once through a second instance: each record waits for the district's
    earlier ones (A-72), so the last to commit ranks all four. P01 −n on each sheet gives 99 − n: 99, 98, 97, 96,
    ranks 1–4 whatever the order they committed in."""
    pharmacies = [institution(client, name=f"药房{n}", kind="retail_pharmacy") for n in range(4)]
    bodies = [
        body(p, category="pharmacy", half_year={"P01": {"deduction": str(n)}}, annual={"P01": {"deduction": str(n)}})
        for n, p in enumerate(pharmacies)
    ]

    async def at_once() -> list[httpx.Response]:
        app = create_app(medinsurance_settings, PlatformSettings(dev_mode=True))
        transport = httpx.ASGITransport(app=app)
        headers = identity_headers("medinsurance")
        async with httpx.AsyncClient(transport=transport, base_url="http://medinsurance", headers=headers) as http:
            responses = await asyncio.gather(*(http.post("/v1/assessments", json=b) for b in bodies))
        await app.state.db.dispose()
        return list(responses)

    assert [r.status_code for r in asyncio.run(at_once())] == [201] * 4
    listed = client.get("/v1/assessments").json()["items"]
    assert sorted((a["institution_id"], a["final_score"], a["rank"]) for a in listed) == [
        (p["id"], 99.0 - n, n + 1) for n, p in enumerate(pharmacies)
    ]


def test_a_district_bound_caller_sees_and_records_only_its_district(client: TestClient) -> None:
    kecheng, qujiang = institution(client), institution(client, district="衢江区")
    made = client.post("/v1/assessments", json=body(qujiang)).json()
    client.post("/v1/assessments", json=body(kecheng))
    own = identity_headers("medinsurance", district="柯城区")
    listed = client.get("/v1/assessments", headers=own).json()
    assert [a["district"] for a in listed["items"]] == ["柯城区"]
    assert client.get("/v1/assessments", params={"district": "衢江区"}, headers=own).status_code == 403
    assert client.get(f"/v1/assessments/{made['id']}", headers=own).status_code == 404
    refused = client.post("/v1/assessments", json=body(qujiang, year=2024, assessed_on="2025-03-01"), headers=own)
    assert (refused.status_code, refused.json()["code"]) == (422, "reference_not_found")


def test_the_list_pages(client: TestClient) -> None:
    for n in range(3):
        client.post("/v1/assessments", json=body(institution(client, name=f"诊所{n}")))
    page = client.get("/v1/assessments", params={"limit": 2}).json()
    assert (page["total"], len(page["items"])) == (3, 2)
    assert client.get("/v1/assessments", params={"year": 2024}).json()["total"] == 0
