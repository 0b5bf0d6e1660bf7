"""The proxy forwards the path as the client encoded it, never drops the query, and refuses paths it cannot send."""

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from testkit import ServiceProcess, id_number

from gateway.proxy import raw_tail
from qz_common.errors import ProblemError

DEV = {"X-API-Key": "dev-key"}
HOLDER = id_number("330802", dt.date(1950, 6, 15), 7)


def request_for(raw_path: bytes) -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": "", "raw_path": raw_path, "headers": [], "query_string": b""}
    )


@pytest.mark.parametrize(
    ("raw", "tail"),
    [
        (b"/api/dogs/v1/registrations", "/v1/registrations"),
        (b"/api/dogs/v1/a%3Fb/c%23d/e%2Ff", "/v1/a%3Fb/c%23d/e%2Ff"),  # escapes kept, not decoded
        (b"/api/%64ogs/v1/x", "/v1/x"),  # an escaped letter in the prefix still names the service
        (b"/api/dogs/v1/a b\n", "/v1/a%20b%0A"),  # what a raw ASGI path may hold is escaped, never sent raw
        (b"/api/dogs/", "/"),
    ],
)
def test_the_tail_keeps_the_clients_encoding(raw: bytes, tail: str) -> None:
    assert raw_tail(request_for(raw), "/api/dogs") == tail


@pytest.mark.parametrize(
    "raw", [b"/api/v1/me/dogs/../v1/dossiers", b"/api/v1/me/dogs/%2e%2E/x", b"/api/v1%2Fme/dogs/x"]
)
def test_dot_segments_and_an_encoded_prefix_are_refused(raw: bytes) -> None:
    with pytest.raises(ProblemError) as refused:
        raw_tail(request_for(raw), "/api/v1/me/dogs")
    assert refused.value.status == 400 and refused.value.code == "invalid_path"


def _service_saw(process: ServiceProcess, request_id: str) -> str:
    lines = [json.loads(line) for line in process.log().splitlines() if request_id in line]
    return str(lines[-1]["path"])


@pytest.mark.parametrize(("escape", "character"), [("%3F", "?"), ("%23", "#")])
def test_an_escaped_query_or_fragment_mark_stays_in_the_path(
    gateway: TestClient, service_processes: dict[str, ServiceProcess], escape: str, character: str
) -> None:
    request_id = f"gw-path-{escape[1:]}"
    r = gateway.get(
        f"/api/dogs/v1/dossiers/citizens/{HOLDER}{escape}x=1",
        params={"limit": "5"},
        headers=DEV | {"X-Request-ID": request_id},
    )
    # the service got one path segment "<id>?x=1" (not a valid 身份证号), not the id plus a query or a fragment
    assert r.status_code == 422, r.text
    assert _service_saw(service_processes["dogs"], request_id).endswith(f"{character}x=1")


def test_the_query_string_survives_an_escaped_fragment_mark(gateway: TestClient) -> None:
    r = gateway.get("/api/dogs/v1/walking-hours/check", params={"at": "2023-03-01T12:00:00+08:00"}, headers=DEV)
    assert r.status_code == 200 and r.json()["allowed"] is False
    # "#" escaped in the path must not turn the query that follows into a fragment the service never sees
    r = gateway.get("/api/dogs/v1/walking-hours%23/check", params={"at": "2023-03-01T12:00:00+08:00"}, headers=DEV)
    assert r.status_code == 404


def test_control_characters_in_a_raw_asgi_path_are_a_4xx(gateway: TestClient) -> None:
    """A server that passes a raw path with control characters must not make the proxy raise (httpx.InvalidURL)."""
    sent: list[dict[str, object]] = []

    async def call() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/api/dogs/v1/regis\x00trations\n",
            "raw_path": b"/api/dogs/v1/regis\x00trations\n",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"x-api-key", b"dev-key"), (b"host", b"testserver")],
            "client": ("127.0.0.1", 1234),
            "server": ("testserver", 80),
        }

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        await gateway.app(scope, receive, send)  # type: ignore[arg-type]

    assert gateway.portal is not None
    gateway.portal.call(call)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    assert isinstance(status, int) and 400 <= status < 500
