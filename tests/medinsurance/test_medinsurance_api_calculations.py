from medinsurance_testdata import MEDICAL
from testkit import identity_headers

CITIZEN = {"X-Qz-Identity": ""}


def test_grade_contract(client):
    body = {
        "category": "comprehensive",
        "institutions": [{"id": "a", "half_year_score": 95, "annual_score": 95, "new_this_year": False}]
        + [{"id": f"i{i}", "half_year_score": 85, "annual_score": 85, "new_this_year": False} for i in range(9)]
        + [{"id": "new", "half_year_score": 99, "annual_score": 99, "new_this_year": True}],
        "on": "2024-03-01",
    }
    r = client.post("/v1/assessments/grade", json=body)
    assert r.status_code == 200, r.text
    results = {x["id"]: x for x in r.json()["results"]}
    assert results["a"]["grade"] == "A" and results["a"]["final_score"] == 95
    assert results["i0"]["grade"] == "B"
    assert results["new"]["grade"] is None and results["new"]["final_score"] is None
    assert "items" in results["a"]["consequences"]


def test_grade_final_score_weights(client):
    body = {
        "category": "pharmacy",
        "institutions": [{"id": "x", "half_year_score": 80.5, "annual_score": 90, "new_this_year": False}],
    }
    r = client.post("/v1/assessments/grade", json=body)
    assert r.json()["results"][0]["final_score"] == 87.15


def test_grade_validation(client):
    r = client.post("/v1/assessments/grade", json={"category": "other", "institutions": []})
    assert r.status_code == 422
    r2 = client.post(
        "/v1/assessments/grade",
        json={"category": "outpatient", "institutions": [{"id": "x", "half_year_score": 101, "annual_score": 1}]},
    )
    assert r2.status_code == 422
    dup = {"id": "x", "half_year_score": 80, "annual_score": 80}
    r3 = client.post("/v1/assessments/grade", json={"category": "outpatient", "institutions": [dup, dup]})
    assert r3.status_code == 422 and r3.json()["field"] == "institutions.1.id"


def test_penalty_contract(client):
    r = client.post("/v1/violations/penalty", json={"tier": 3, "violation_amount": "12345.67", "ratio": "0.15"})
    assert r.status_code == 200, r.text
    assert r.json()["penalty"] == "1851.85"
    assert "五(五)" in r.json()["basis"]


def test_penalty_ratio_out_of_range_422(client):
    for body in (
        {"tier": 3, "violation_amount": "1000", "ratio": "0.31"},
        {"tier": 3, "violation_amount": "1000", "ratio": "0.09"},
        {"tier": 1, "violation_amount": "1000", "ratio": "0.1"},
        {"tier": 3, "violation_amount": "1000", "ratio": "0.25", "mitigating": [1]},
    ):
        r = client.post("/v1/violations/penalty", json=body)
        assert r.status_code == 422, body
        assert r.json()["field"] == "ratio"
    assert (
        client.post("/v1/violations/penalty", json={"tier": 6, "violation_amount": "1", "ratio": "0"}).status_code
        == 422
    )


def test_auth_errors(client):
    assert client.post("/v1/violations/penalty", json={}, headers={"X-Qz-Identity": ""}).status_code == 401
    no_scope = identity_headers("medinsurance", scopes=[])
    body = {"tier": 3, "violation_amount": "1", "ratio": "0.1"}
    assert client.post("/v1/violations/penalty", json=body, headers=no_scope).status_code == 403


def test_evaluation_score_medical(client):
    r = client.post("/v1/evaluations/score", json=MEDICAL)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["basic_passed"] is True and data["qualified"] is True
    assert data["total"] == "100.00"
    assert len(data["items"]) == 15


def test_evaluation_score_basic_failure_and_validation(client):
    body = {**MEDICAL, "basic": {**MEDICAL["basic"], "credit": False}}
    data = client.post("/v1/evaluations/score", json=body).json()
    assert data["basic_passed"] is False and data["qualified"] is False
    bad = {**MEDICAL, "sheets": [{**MEDICAL["sheets"][0], "management_quality": "3"}]}
    r = client.post("/v1/evaluations/score", json=bad)
    assert r.status_code == 422
    village = {**MEDICAL, "standardised_village": True}
    r2 = client.post("/v1/evaluations/score", json=village)
    assert r2.status_code == 422 and r2.json()["field"] == "parent"


def test_evaluation_score_pharmacy(client):
    body = {
        "kind": "retail_pharmacy",
        "evaluated_on": "2023-06-01",
        "accepted_on": "2023-05-15",
        "basic": {},
        "licences": [{"approved_on": "2022-06-01", "uscc": "91110000600037341L"}],
        "sheets": [{"management_quality": "1"}],
    }
    data = client.post("/v1/evaluations/score", json=body).json()
    assert len(data["items"]) == 16
    assert data["basic_passed"] is False


def test_refusal_check(client):
    r = client.post("/v1/refusal-check", json={"pharmacy": False, "on": "2024-05-09", "fraud_found_on": ["2021-05-10"]})
    assert r.status_code == 200
    f = r.json()["findings"][0]
    assert r.json()["refused"] and f["until"] == "2024-05-09" and f["case"] == "fraudulent_application"


def test_assessment_table_score(client):
    r = client.post(
        "/v1/assessments/score",
        json={
            "category": "comprehensive",
            "items": {
                "C02": {"units": {"shortfall_points": "3"}},
                "C14c": {"deduction": "5"},
                "C15b": {"severe": True},
            },
        },
    )
    assert r.status_code == 200, r.text
    scores = {i["code"]: i["score"] for i in r.json()["items"]}
    assert scores["C02"] == 7 and scores["C14c"] == 10 and scores["C15b"] == 0
    assert r.json()["total"] == 90
    bad = client.post("/v1/assessments/score", json={"category": "pharmacy", "items": {"C02": {}}})
    assert bad.status_code == 422 and bad.json()["field"] == "items"


def test_institution_conditions_endpoint(client):
    body = {
        "on": "2023-06-01",
        "facts": {
            "kind": "blind_massage",
            "operating_since": "2023-03-01",
            "massage_staff": 3,
            "massage_beds": 9,
            "floor_area_m2": "120",
            "leader_responsible": True,
            "insurance_staff": 1,
            "rules_in_place": True,
            "system_connected": True,
            "inventory_managed": True,
        },
    }
    r = client.post("/v1/admission/institution-conditions", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["route"] == "designation"
    assert [u["code"] for u in r.json()["unmet"]] == ["massage_beds"]


def test_pharmacy_conditions_endpoint(client):
    body = {
        "on": "2023-06-01",
        "facts": {
            "has_drug_trading_licence": True,
            "operating_since": "2023-03-01",
            "pharmacists": [{"contract_start": "2023-01-01", "contract_end": "2023-12-31"}],
            "insurance_staff": [{"contract_start": "2023-01-01"}, {"contract_start": "2023-01-01"}],
            "classified_storage_and_marks": True,
            "rules_in_place": True,
            "system_connected": True,
            "business_scope_medical_only": True,
            "total_area_m2": "100",
            "non_drug_area_m2": "20",
            "inventory_managed": True,
        },
    }
    r = client.post("/v1/admission/pharmacy-conditions", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["conditions_met"] is True
    body["facts"]["non_drug_area_m2"] = "20.5"
    assert client.post("/v1/admission/pharmacy-conditions", json=body).json()["unmet"][0]["code"] == "non_drug_area"
