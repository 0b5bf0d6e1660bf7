"""Routing through the gateway to the real services: contract, headers, errors, docs, metrics."""

import re

from fastapi.testclient import TestClient
from testkit import ServiceProcess

DEV = {"X-API-Key": "dev-key"}
GOLDEN = {"breed": "金毛", "shoulder_height_cm": 56, "body_length_cm": 70}


def test_readme_curl_classifies_a_large_dog(gateway: TestClient) -> None:
    r = gateway.post("/api/dogs/v1/classify", json=GOLDEN, headers=DEV)
    assert r.status_code == 200 and r.json()["large"] is True


def test_api_key_required(gateway: TestClient) -> None:
    missing = gateway.post("/api/dogs/v1/classify", json=GOLDEN)
    assert (missing.status_code, missing.json()["code"]) == (401, "api_key_missing")
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = gateway.post("/api/dogs/v1/classify", json=GOLDEN, headers={"X-API-Key": "guess"})
    assert (wrong.status_code, wrong.json()["code"]) == (401, "api_key_invalid")


def test_service_errors_pass_through_as_problems(gateway: TestClient) -> None:
    r = gateway.post("/api/dogs/v1/classify", json={"breed": "金毛"}, headers=DEV)
    assert r.status_code == 422 and r.json()["field"] in {"shoulder_height_cm", "body_length_cm"}
    assert gateway.get("/api/nosuch/v1/x", headers=DEV).json()["code"] == "unknown_service"


def test_query_and_method_are_forwarded(gateway: TestClient) -> None:
    r = gateway.get("/api/dogs/v1/walking-hours/check", params={"at": "2023-03-01T12:00:00+08:00"}, headers=DEV)
    assert r.status_code == 200 and r.json()["allowed"] is False


def test_request_id_and_traceparent_reach_the_service(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    headers = DEV | {"X-Request-ID": "gw-test-req-42", "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}
    r = gateway.get("/api/dogs/healthz", headers=headers)
    assert r.headers["x-request-id"] == "gw-test-req-42"
    logged = service_processes["dogs"].logged("gw-test-req-42")  # the forwarded request id reached the service
    assert re.search(rf'"traceparent": "00-{trace_id}-(?!00f067aa0ba902b7)[0-9a-f]{{16}}-01"', logged[-1])


def test_body_size_limit(make_gateway) -> None:  # type: ignore[no-untyped-def]
    small = make_gateway(max_body_bytes=100)
    r = small.post("/api/dogs/v1/classify", content=b"x" * 500, headers=DEV | {"content-type": "application/json"})
    assert (r.status_code, r.json()["code"]) == (413, "payload_too_large")


def test_merged_openapi_covers_every_service(gateway: TestClient) -> None:
    document = gateway.get("/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/dogs/v1/classify",
        "/api/expropriation/v1/quotes",
        "/api/medinsurance/v1/assessments/grade",
        "/api/science/v1/vouchers/subsidy",
        "/api/v1/citizens/{id_number}/dossier",
    ):
        assert path in paths, path
    assert document["x-unavailable-services"] == []
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', str(document).replace("'", '"'))
    assert refs and all(ref in document["components"]["schemas"] for ref in refs)
    assert gateway.get("/docs").status_code == 200


def test_health_and_metrics(gateway: TestClient) -> None:
    gateway.get("/api/dogs/healthz", headers=DEV)
    health = gateway.get("/healthz").json()
    assert health["breakers"]["dogs"] == "closed"
    metrics = gateway.get("/metrics", headers=DEV).text
    assert 'gateway_requests_total{method="GET",service="dogs",status="200"}' in metrics
    assert "gateway_request_duration_seconds_bucket" in metrics and "gateway_breaker_state" in metrics
