"""GET /api/{service}/v1/parameters[/{name}?on=]: the parameter books, read-only, through the gateway."""

from fastapi.testclient import TestClient

from expropriation.facts.examples import QUOTE_REQUEST

DEV = {"X-API-Key": "dev-key"}


def test_every_service_lists_its_parameters(gateway: TestClient) -> None:
    for service, name in (
        ("expropriation", "expropriation.base_area_m2"),
        ("medinsurance", "evaluation.pass_score"),
        ("science", "vouchers.annual_claim_cap"),
        ("dogs", "dogs.large_shoulder_height_cm"),
    ):
        r = gateway.get(f"/api/{service}/v1/parameters", headers=DEV)
        assert r.status_code == 200, r.text
        listed = {p["name"]: p for p in r.json()}
        assert name in listed, (service, name)
        assert all(p["description"] and p["basis"] and p["values"] for p in listed.values()), service


def test_a_parameter_with_its_dated_values(gateway: TestClient) -> None:
    r = gateway.get("/api/expropriation/v1/parameters/expropriation.base_area_m2", headers=DEV)
    assert r.json() == {
        "name": "expropriation.base_area_m2",
        "book": "expropriation",
        "description": "户内安置人口1人的基础安置面积",
        "unit": "m²",
        "basis": "衢政发〔2023〕2号 三(二)",
        "values": [
            {"version": "2023-03-01", "effective_from": "2023-03-01", "document": "衢政发〔2023〕2号", "value": "110"}
        ],
    }


def test_the_value_in_force_on_a_day(gateway: TestClient) -> None:
    url = "/api/expropriation/v1/parameters/district_kecheng.early_vacate_rate_per_m2"
    # 施行 2023-03-01 (五(二)): the first day has a value, the day before has none
    first_day = gateway.get(url, params={"on": "2023-03-01"}, headers=DEV).json()
    assert (first_day["on"], first_day["value"]["value"], first_day["unit"]) == ("2023-03-01", "400", "元/m²")
    before = gateway.get(url, params={"on": "2023-02-28"}, headers=DEV)
    assert (before.status_code, before.json()["code"], before.json()["field"]) == (404, "parameter_not_in_force", "on")
    nested = gateway.get("/api/dogs/v1/parameters/breeds.fierce", params={"on": "2024-01-01"}, headers=DEV).json()
    assert "狼狗" in nested["value"]["value"]


def test_parameter_errors(gateway: TestClient) -> None:
    unknown = gateway.get("/api/science/v1/parameters/vouchers.no_such_rate", headers=DEV)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "parameter_unknown")
    no_book = gateway.get("/api/science/v1/parameters/nobook.rate", headers=DEV)
    assert no_book.status_code == 404
    bad_day = gateway.get("/api/science/v1/parameters/vouchers.validity_months?on=2023-02-30", headers=DEV)
    assert (bad_day.status_code, bad_day.json()["field"]) == (422, "on")
    assert gateway.get("/api/science/v1/parameters").status_code == 401


def test_computed_answers_name_the_parameter_versions_used(gateway: TestClient) -> None:
    quote = gateway.post("/api/expropriation/v1/quotes", json=QUOTE_REQUEST, headers=DEV)
    assert quote.status_code == 200
    used = dict(pair.split("=") for pair in quote.headers["x-parameter-versions"].split(","))
    assert used == {"expropriation": "2023-03-01@2023-03-01", "district_kecheng": "kecheng-2023-03-01@2023-03-01"}
    listing = gateway.get("/api/expropriation/v1/parameters", headers=DEV)
    assert "x-parameter-versions" not in listing.headers
