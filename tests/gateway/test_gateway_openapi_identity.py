"""The merged OpenAPI documents, on every /api/v1/me operation, the identity problems gateway.auth really answers
(issue 27): each is provoked here and must be the documented example, code and Chinese detail alike."""

import datetime as dt
import secrets
import time
from typing import Any

import jwt
from fastapi.testclient import TestClient
from testkit import id_number
from zheliban_kit import ADAPTER, assertion, signed_in

from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET

METHODS = {"get", "post", "put", "patch", "delete"}
READ = "/api/v1/me/notices"
WRITE = "/api/v1/me/medinsurance/proxy-authorisations"


def documented(document: dict[str, Any], path: str, method: str, status: int) -> dict[str, dict[str, Any]]:
    """code → the example body documented for ``status`` of ``method path``."""
    content = document["paths"][path][method]["responses"][str(status)]["content"]["application/problem+json"]
    return {code: example["value"] for code, example in content["examples"].items()}


def person() -> str:
    return id_number("330802", dt.date(1945, 1, 1), secrets.randbelow(999))


def proxy_body() -> dict[str, str]:
    agent = person()
    return {"agent_id_number": agent, "ground": "mobility", "relationship": "close_relative", "starts_on": "2023-06-01"}


def test_every_me_operation_documents_the_assertion_problems_and_writes_the_one_time_jti(gateway: TestClient) -> None:
    document = gateway.get("/openapi.json").json()
    me = [
        (path, method)
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/me/")
        for method in item
        if method in METHODS
    ]
    assert (READ, "get") in me and (WRITE, "post") in me
    read_401 = {"assertion_missing", "assertion_invalid", "assertion_expired", "assertion_too_long"}
    for path, method in me:
        unauthorised, forbidden = documented(document, path, method, 401), documented(document, path, method, 403)
        write = method != "get"
        expected = read_401 | ({"assertion_jti_missing", "assertion_replayed"} if write else set())
        assert expected <= set(unauthorised), (path, method)
        assert ("assertion_replayed" in unauthorised) is write, (path, method)  # a read spends nothing
        level = forbidden["auth_level_insufficient"]["detail"]
        assert ("认证等级 3" in level) is write, (path, method)


def refused(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["detail"]


def example(document: dict[str, Any], path: str, method: str, status: int, code: str) -> tuple[int, str, str]:
    value = documented(document, path, method, status)[code]
    return value["status"], value["code"], value["detail"]


def test_each_documented_identity_problem_is_what_the_gateway_answers(gateway: TestClient) -> None:
    document = gateway.get("/openapi.json").json()
    who = person()
    now = int(time.time())

    def signed(**claims: object) -> dict[str, str]:
        return signed_in(jwt.encode({"sub": who, "iat": now, "exp": now + 300, **claims}, DEV_ADAPTER_ASSERTION_SECRET))

    read_cases = {
        "assertion_missing": ADAPTER,
        "assertion_invalid": ADAPTER | {"X-Citizen-Assertion": "not-a-token"},
        "assertion_expired": signed(iat=now - 600, exp=now - 300),
        "assertion_too_long": signed(exp=now + 16 * 60),
    }
    for code, headers in read_cases.items():
        assert refused(gateway.get(READ, headers=headers)) == example(document, READ, "get", 401, code)
    low = gateway.get(READ, headers=signed_in(assertion(who, level=1)))
    assert refused(low) == example(document, READ, "get", 403, "auth_level_insufficient")

    basic = gateway.post(WRITE, json=proxy_body(), headers=signed_in(assertion(who, level=2)))
    assert refused(basic) == example(document, WRITE, "post", 403, "auth_level_insufficient")
    no_jti = gateway.post(WRITE, json=proxy_body(), headers=signed_in(assertion(who, jti=None)))
    assert refused(no_jti) == example(document, WRITE, "post", 401, "assertion_jti_missing")
    once = signed_in(assertion(who))
    assert gateway.post(WRITE, json=proxy_body(), headers=once).status_code == 201
    replayed = gateway.post(WRITE, json=proxy_body(), headers=once)
    assert refused(replayed) == example(document, WRITE, "post", 401, "assertion_replayed")
