"""The merged OpenAPI document is a contract county systems can generate clients from (issue 14)."""

import importlib
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from expropriation.facts.examples import QUOTE_REQUEST

DEV = {"X-API-Key": "dev-key"}
SERVICES = ("expropriation", "medinsurance", "science", "dogs")
METHODS = {"get", "post", "put", "patch", "delete"}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


@pytest.fixture
def document(gateway: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = gateway.get("/openapi.json").json()
    assert body["x-unavailable-services"] == []
    return body


def test_merged_document_validates(document: dict[str, Any]) -> None:
    validate(document)  # raises on the first violation of the OpenAPI 3.1 schema


def test_operation_ids_are_unique_and_prefixed_by_service(document: dict[str, Any]) -> None:
    ids = Counter(operation["operationId"] for _, _, operation in operations(document))
    assert [i for i, n in ids.items() if n > 1] == []
    for path, _, operation in operations(document):
        service = next((s for s in SERVICES if path.startswith((f"/api/{s}/", f"/api/v1/me/{s}/"))), "gateway")
        assert operation["operationId"].startswith(f"{service}_"), path


def test_schema_names_and_titles_never_collide(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    titles = Counter(schema.get("title", name) for name, schema in schemas.items())
    assert [t for t, n in titles.items() if n > 1] == []
    assert "expropriation__QuoteRequest" in schemas and "medinsurance__GradeIn" in schemas


def test_every_error_is_the_shared_problem(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) >= {"type", "title", "status", "detail", "code", "field", "errors"}
    assert not {"HTTPValidationError", "ValidationError"} & set(document["components"]["schemas"])
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (path, method, status)
    quote = document["paths"]["/api/expropriation/v1/quotes"]["post"]["responses"]
    assert {"401", "403", "409", "413", "422", "429", "503"} <= set(quote)
    household = document["paths"]["/api/expropriation/v1/projects/{project_id}"]["get"]["responses"]
    assert "404" in household and "409" not in household


def test_files_are_declared_with_their_media_type(document: dict[str, Any]) -> None:
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    paths = document["paths"]
    for path, media_types in (
        ("/api/expropriation/v1/projects/{project_id}/settlement-sheet", {"text/csv", xlsx}),
        ("/api/expropriation/v1/roster-template", {"text/csv", xlsx}),
        ("/api/expropriation/v1/households/{household_id}/quote", {"application/json", "application/pdf"}),
    ):
        assert set(paths[path]["get"]["responses"]["200"]["content"]) == media_types, path


def test_citizen_routes_at_their_real_paths_with_the_assertion_scheme(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["CitizenAssertion"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Citizen-Assertion",
        "description": schemes["CitizenAssertion"]["description"],
    }
    for path in ("/api/v1/me/expropriation/household", "/api/v1/me/dossier"):
        assert document["paths"][path]["get"]["security"] == [{"ApiKey": [], "CitizenAssertion": []}], path
    assert "/api/v1/me/dogs/records" in document["paths"]
    assert not [p for p in document["paths"] if re.match(r"/api/[a-z]+/v1/me/", p)], "no citizen route at a staff path"


def test_request_examples_are_real_requests(gateway: TestClient, document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    (quote,) = schemas["expropriation__QuoteRequest"]["examples"]
    r = gateway.post("/api/expropriation/v1/quotes", json=quote, headers=DEV)
    assert r.status_code == 200, r.text
    (grading,) = schemas["medinsurance__GradeIn"]["examples"]
    r = gateway.post("/api/medinsurance/v1/assessments/grade", json=grading, headers=DEV)
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]) == len(grading["institutions"])


def test_a_generated_client_quotes_through_the_gateway(
    gateway: TestClient, document: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(gateway.get("/openapi.json").text, encoding="utf-8")
    tools = str(Path(sys.executable).parent)  # the generator formats its output with ruff from the same venv
    command = [f"{tools}/openapi-python-client", "generate", "--path", str(spec), "--meta", "none"]
    generated = subprocess.run(
        [*command, "--output-path", str(tmp_path / "qz_client")],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{tools}:{os.environ.get('PATH', '')}"},
        cwd=tmp_path,
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output

    monkeypatch.syspath_prepend(str(tmp_path))
    client_module = importlib.import_module("qz_client")
    quote_api = importlib.import_module("qz_client.api.expropriation_quotes.expropriation_quote_household")
    models = importlib.import_module("qz_client.models")

    gateway.headers.update(DEV)
    client = client_module.Client(base_url=str(gateway.base_url))
    client.set_httpx_client(gateway)  # the in-process gateway in front of the real service processes
    answer = quote_api.sync(client=client, body=models.ExpropriationQuoteRequest.from_dict(QUOTE_REQUEST))

    assert isinstance(answer, models.ExpropriationQuoteOut), answer
    assert answer.resettlement_persons == 2  # both members are collective members
    assert answer.total == gateway.post("/api/expropriation/v1/quotes", json=QUOTE_REQUEST).json()["total"]
    refused = quote_api.sync(
        client=client, body=models.ExpropriationQuoteRequest.from_dict({**QUOTE_REQUEST, "district": "江山市"})
    )
    assert isinstance(refused, models.Problem) and refused.status == 422


def test_docs_and_redoc_render_offline(gateway: TestClient) -> None:
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = gateway.get(page).text
        assert f"/docs-assets/{asset}" in html
        assert "http://" not in html and "https://" not in html, f"{page} must not load anything from the internet"
    for asset, media_type in (
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("redoc.standalone.js", "text/javascript"),
    ):
        r = gateway.get(f"/docs-assets/{asset}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(media_type)
        assert len(r.content) > 100_000, asset
    missing = gateway.get("/docs-assets/..%2Fcore.py")
    assert missing.status_code == 404
