"""What-if classification: another 大型犬 threshold tried before it is published (qz_common.scenario)."""

from fastapi.testclient import TestClient

DOG = {"breed": "金毛", "shoulder_height_cm": "56", "body_length_cm": "70", "on": "2023-06-01"}


def test_a_higher_shoulder_threshold_makes_the_dog_not_large(client: TestClient) -> None:
    assert client.post("/v1/classify", json=DOG).json()["large"] is True  # 一(一): 56 cm 超过 55 cm
    overrides = {"dogs.large_shoulder_height_cm": "60"}
    r = client.post("/v1/classify", json=DOG | {"parameters": overrides})
    assert r.status_code == 200, r.text
    assert r.json()["large"] is False  # 56 cm does not exceed 60 cm; 70 cm does not exceed 80 cm
    assert r.json()["scenario"] == overrides and "dogs@2023-03-01+scenario" in r.json()["parameter_version"]


def test_undeclared_parameters_are_refused(client: TestClient) -> None:
    r = client.post("/v1/classify", json=DOG | {"parameters": {"dogs.walking_window_start": "19:00"}})
    assert (r.status_code, r.json()["errors"][0]["code"]) == (422, "parameter_not_a_figure")  # a time of day
    r = client.post("/v1/classify", json=DOG | {"parameters": {"dogs.fierce_height_cm": "40"}})
    assert (r.status_code, r.json()["errors"][0]["code"]) == (422, "parameter_unknown")


def test_stored_records_never_take_overrides(client: TestClient) -> None:
    r = client.post("/v1/registrations", json={"parameters": {"dogs.large_shoulder_height_cm": "60"}})
    assert r.status_code == 422 and "parameters" in [e["field"] for e in r.json()["errors"]]
