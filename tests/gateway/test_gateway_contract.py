"""The merged OpenAPI document is a contract county systems can generate clients from (issue 14)."""

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from gateway.upstream import UpstreamFailure

DEV = {"X-API-Key": "dev-key"}
ROOT = Path(__file__).resolve().parents[2]
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


def references(node: Any, at: str = "#") -> Iterator[tuple[str, str]]:
    """(where, target) of every reference in ``node``: each ``$ref`` and each target of a discriminator's mapping,
    which generators follow like a ``$ref`` (examples are data, not followed)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield at, value
            elif key == "discriminator":
                yield from ((f"{at}/discriminator/{tag}", target) for tag, target in value.get("mapping", {}).items())
            elif key not in ("example", "examples"):
                yield from references(value, f"{at}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from references(value, f"{at}/{i}")


def resolves(document: dict[str, Any], target: str) -> bool:
    node: Any = document
    for token in target.removeprefix("#/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")  # JSON pointer escapes (RFC 6901)
        if not isinstance(node, dict) or token not in node:
            return False
        node = node[token]
    return target.startswith("#/")


def test_every_reference_and_mapping_target_resolves(document: dict[str, Any]) -> None:
    # openapi-spec-validator checks neither: a mapping to a schema the merge renamed left ReDoc showing an empty body
    # and openapi-typescript failing on /api/medinsurance/v1/evaluations/score.
    found = list(references(document))
    assert [(at, target) for at, target in found if not resolves(document, target)] == []
    mapped = {target for at, target in found if "/discriminator/" in at}
    assert {
        "#/components/schemas/medinsurance__MedicalEvaluationIn",
        "#/components/schemas/medinsurance__PharmacyEvaluationIn",
    } <= mapped


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
                assert list(response["content"]) == ["application/problem+json"], (path, method, status)
                shown = response["content"]["application/problem+json"]
                assert shown["schema"] == {"$ref": "#/components/schemas/Problem"}, (path, method, status)
    quote = document["paths"]["/api/expropriation/v1/quotes"]["post"]["responses"]
    assert {"401", "403", "409", "413", "422", "429", "503"} <= set(quote)
    household = document["paths"]["/api/expropriation/v1/projects/{project_id}"]["get"]["responses"]
    assert "404" in household and "409" not in household


def emitted_problems() -> set[tuple[int, str]]:
    """(status, code) of every problem the platform's code raises: ``ProblemError(404, "not_found", ...)``,
    ``problem_response(503, "database_unreachable", ...)``, the gateway's ``deny(request, 401, "api_key_missing", ...)``
    and its ``upstream_<kind>`` answers."""
    sources = [
        *ROOT.glob("libs/*/qz_common/*.py"),
        *ROOT.glob("gateway/gateway/*.py"),
        *ROOT.glob("services/*/*/**/*.py"),
    ]
    raised = re.compile(r"\b([45]\d\d),\s*\"([a-z_]+)\"")
    found = {(int(status), code) for source in sources for status, code in raised.findall(source.read_text("utf-8"))}
    return found | {(status, f"upstream_{kind}") for kind, status in UpstreamFailure.STATUS.items()}


def test_every_operation_shows_a_real_answer_and_the_problems_it_really_gets(document: dict[str, Any]) -> None:
    # The answers are recorded by the examples tests (qz_common.answers); each must still be what its schema says.
    components = {"components": document["components"]}
    without_answer, not_as_documented = [], []
    for path, method, operation in operations(document):
        shown = [
            (media, content)
            for status, response in operation["responses"].items()
            if status.startswith("2")
            for media, content in response.get("content", {}).items()
            if "example" in content
        ]
        if not shown:
            without_answer.append(f"{method.upper()} {path}")
        for media, content in shown:
            if media == "application/json":
                errors = Draft202012Validator(components | content["schema"]).iter_errors(content["example"])
                not_as_documented += [f"{method.upper()} {path}: {error.message[:200]}" for error in errors]
    assert without_answer == []
    assert not_as_documented == []

    emitted, wrong = emitted_problems(), []
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                examples = response["content"]["application/problem+json"].get("examples", {})
                shown = {(example["value"]["status"], example["value"]["code"]) for example in examples.values()}
                if not shown or {code for _, code in shown} != set(examples) or not shown <= emitted:
                    wrong.append(f"{method.upper()} {path} {status}: {sorted(shown)}")
                wrong += [f"{method.upper()} {path} {status}: {s}" for s, _ in shown if s != int(status)]
    assert wrong == []

    def problems(path: str, method: str, status: str) -> set[str]:
        return set(
            document["paths"][path][method]["responses"][status]["content"]["application/problem+json"]["examples"]
        )

    assert problems("/api/expropriation/v1/quotes", "post", "401") == {"api_key_missing", "api_key_invalid"}
    assert problems("/api/expropriation/v1/quotes", "post", "429") == {"rate_limited"}
    assert {"validation_failed", "reference_not_found"} <= problems("/api/expropriation/v1/quotes", "post", "422")
    assert problems("/api/expropriation/v1/projects/{project_id}", "get", "404") == {"not_found"}
    assert "assertion_expired" in problems("/api/v1/me/dossier", "get", "401")


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
