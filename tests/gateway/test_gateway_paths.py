"""The proxy forwards the path as the client encoded it, never drops the query, and refuses paths it cannot send."""

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from testkit import ServiceProcess, call_asgi, id_number, response_status

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


def _service_saw(process: ServiceProcess, request_id: str) -> tuple[str, str]:
    """The path and query the service logged for ``request_id``."""
    line = json.loads(process.logged(request_id)[-1])
    return str(line["path"]), str(line["query"])


@pytest.mark.parametrize(("escape", "character"), [("%3F", "?"), ("%23", "#")])
def test_escapes_keep_their_meaning_and_the_query_is_kept(
    gateway: TestClient, service_processes: dict[str, ServiceProcess], escape: str, character: str
) -> None:
    request_id = f"gw-path-{escape[1:]}"
    r = gateway.get(
        f"/api/dogs/v1/dossiers/citizens/{HOLDER}{escape}x=1",
        params={"limit": "5"},
        headers=DEV | {"X-Request-ID": request_id},
    )
    path, query = _service_saw(service_processes["dogs"], request_id)
    # the service got the id with "?x=1" (or "#x=1") in its path, and the client's own query beside it:
    # the escape became neither a query nor a fragment that swallows the query
    assert path.endswith(f"{character}x=1") and query == "limit=5"
    assert r.status_code in (404, 422), r.text


def test_control_characters_in_a_raw_asgi_path_are_a_4xx(gateway: TestClient) -> None:
    """A server that passes a raw path with control characters must not make the proxy raise (httpx.InvalidURL)."""

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    sent = call_asgi(gateway, "GET", b"/api/dogs/v1/regis\x00trations\n", [(b"x-api-key", b"dev-key")], receive)
    assert 400 <= response_status(sent) < 500
