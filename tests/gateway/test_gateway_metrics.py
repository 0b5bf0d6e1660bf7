"""Metrics leak nothing and stay bounded: route templates only, behind a scope on the public port."""

import datetime as dt
import re
import time
import urllib.request
from collections.abc import Callable

from fastapi.testclient import TestClient
from testkit import ServiceProcess, id_number

DEV = {"X-API-Key": "dev-key"}
HOLDER = id_number("330802", dt.date(1950, 6, 15), 9)
MOBILE = "13912345678"
# a 身份证号, a mobile, or any long run of digits, anywhere in the exposition
PII = re.compile(r"\d{11,}")


def test_gateway_metrics_need_the_metrics_scope(gateway: TestClient, issue_key: Callable[..., str]) -> None:
    assert gateway.get("/metrics").status_code == 401
    dogs_reader = {"X-API-Key": issue_key(f"dogs-{time.monotonic_ns()}", "dogs:read")}
    assert (gateway.get("/metrics", headers=dogs_reader).json()["code"]) == "scope_missing"
    prometheus = {"X-API-Key": issue_key(f"prometheus-{time.monotonic_ns()}", "metrics")}
    assert gateway.get("/metrics", headers=prometheus).status_code == 200
    assert gateway.get("/metrics", headers=DEV).status_code == 200  # dev key: every scope


def test_labels_are_route_templates_and_never_identifiers(gateway: TestClient) -> None:
    gateway.get(f"/api/dogs/v1/dossiers/citizens/{HOLDER}", headers=DEV)
    gateway.get(f"/api/dogs/v1/no-such-thing/{MOBILE}/{HOLDER}", headers=DEV)
    gateway.get(f"/api/v1/citizens/{HOLDER}/dossier", headers=DEV)
    gateway.get(f"/nowhere/{HOLDER}", headers=DEV)
    exposition = gateway.get("/metrics", headers=DEV).text
    assert HOLDER not in exposition and MOBILE not in exposition
    assert not PII.search(re.sub(r"^#.*$|\s[-+.\deE]+$", "", exposition, flags=re.MULTILINE))
    upstream_routes = set(re.findall(r'gateway_request_duration_seconds_count\{route="([^"]*)"', exposition))
    assert upstream_routes >= {"/v1/dossiers/citizens/{id_number}", "unmatched"}
    own_routes = set(re.findall(r'qz_http_requests_total\{method="GET",route="([^"]*)"', exposition))
    assert {"/api/v1/citizens/{id_number}/dossier", "/api/{service}/{path:path}", "unmatched"} <= own_routes
    assert "qz_http_requests_in_flight" in exposition


def test_service_metrics_are_not_reachable_through_the_public_port(gateway: TestClient) -> None:
    for path in ("/api/dogs/metrics", "/api/dogs/%6Detrics", "/api/dogs/metrics/"):
        assert gateway.get(path, headers=DEV).status_code == 404, path


def test_services_export_their_own_request_metrics(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    gateway.get(f"/api/dogs/v1/dossiers/citizens/{HOLDER}", headers=DEV)
    with urllib.request.urlopen(service_processes["dogs"].url + "/metrics") as response:  # the internal port
        exposition = response.read().decode()
    assert 'route="/v1/dossiers/citizens/{id_number}"' in exposition
    assert "qz_http_request_duration_seconds_bucket" in exposition and "qz_http_requests_in_flight" in exposition
    assert HOLDER not in exposition
