"""Log masking, property-based: any 身份证号 or mobile embedded in arbitrary text, and any secret sent as a query
parameter, never survives a log line."""

import contextvars
import datetime as dt
import json
import logging
import re
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from testkit import DatabaseFactory, ServiceProcess, id_number

from qz_common.context import set_request_context
from qz_common.logs import JsonFormatter, mask_pii, mask_secrets
from qz_common.requests import new_request_id

AREAS = ("330802", "330803", "330822", "330824", "330825", "330881", "110105", "440305")

id_numbers = st.builds(
    id_number,
    area=st.sampled_from(AREAS),
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
country_codes = st.sampled_from(["", "+86", "86", "0086", "+86 ", "+86-", "(+86)"])
# whatever a message may hold around the number: letters, digits, JSON escapes, Chinese, controls
surroundings = st.text(max_size=12) | st.sampled_from(["\n", "\t", "\\n", "\\t", "ID", "x", '"', "=", "电话"])


def rendered(message: str) -> str:
    """One log line carrying ``message`` in the message, an extra field, an exception and an SQL parameter dump."""
    try:
        raise ValueError(f"bad input {message!r}")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.makeLogRecord(
        {
            "msg": "查询失败 %s [parameters: (%r,)]",
            "args": (message, message),
            "path": f"/v1/dossiers/citizens/{message}",
            "exc_info": exc_info,
        }
    )
    return JsonFormatter("test").format(record)


@settings(max_examples=300, deadline=None, database=None)
@given(before=surroundings, number=id_numbers, after=surroundings)
def test_no_id_number_survives(before: str, number: str, after: str) -> None:
    line = rendered(before + number + after)
    assert number not in line
    assert number.lower() not in line
    json.loads(line)  # still one valid JSON document


@settings(max_examples=300, deadline=None, database=None)
@given(before=surroundings, code=country_codes, number=mobiles, after=surroundings)
def test_no_mobile_survives(before: str, code: str, number: str, after: str) -> None:
    line = rendered(before + code + number + after)
    assert number not in line
    json.loads(line)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话 +8613912345678", "电话 +86139****5678"),
        ("tel8613912345678;", "tel86139****5678;"),
        ("ID33080219500615123Xabc", "ID330***********123Xabc"),
        ("\\n13912345678", "\\n139****5678"),
        ("139 1234 5678", "139 **** 5678"),
    ],
)
def test_examples_read_as_a_caseworker_expects(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


def test_ordinary_numbers_are_left_alone() -> None:
    # amounts, years, ids and ten-digit numbers carry no person
    text = "amount=12345.67 year=2023 id=9223372036854 count=1234567890"
    assert mask_pii(text) == text


GENERATED_REQUEST_ID = r"[0-9a-f]{8}(-[0-9a-f]{8}){3}"


def test_the_platform_makes_its_request_ids_in_one_form() -> None:
    assert all(re.fullmatch(GENERATED_REQUEST_ID, new_request_id()) for _ in range(100))


@settings(max_examples=300, deadline=None, database=None)
@given(request_id=st.from_regex(rf"\A{GENERATED_REQUEST_ID}\Z") | st.from_regex(r"\A[0-9]{8}(-[0-9]{8}){3}\Z"))
def test_a_request_id_of_that_form_is_never_masked(request_id: str) -> None:
    # Its log lines must carry the id the client was given: no digit run of the form can look like a number.
    assert mask_pii(request_id) == request_id


def test_the_traceparent_is_logged_as_it_is_and_a_chosen_request_id_is_masked() -> None:
    # span id 1381234567800000: a mobile-shaped run, which masking turned into 138****5678 and broke the trace
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-1381234567800000-01"

    def logged_in_a_request() -> Any:
        set_request_context("13912345678", traceparent)
        return json.loads(JsonFormatter("test").format(logging.makeLogRecord({"msg": "request"})))

    line = contextvars.copy_context().run(logged_in_a_request)  # the request's context stays in the request
    assert line["traceparent"] == traceparent
    assert line["request_id"] == "139****5678"  # a client may send any text as its request id: masked as text


# The access line of a request, the one that carries its query (qz_common.logs writes JSON with ": " separators).
ACCESS_LINE = '"logger": "qz.access"'

SECRET_NAMES = ("api_key", "key", "token", "secret", "password", "access_token", "signature", "X-Amz-Signature")
# Written as clients write them: any case, the underscore percent-encoded, a qualifying prefix.
secret_names = st.builds(
    lambda name, upper, encoded, prefix: prefix + (name.upper() if upper else name).replace("_", encoded),
    st.sampled_from((*SECRET_NAMES, "apikey", "client_secret", "refresh_token", "passwd", "sig")),
    st.booleans(),
    st.sampled_from(["_", "%5F", "%5f"]),
    st.sampled_from(["", "x-", "my_", "oauth."]),
)
# What a query value may hold (no "&", no white space: the server refuses it in a request line).
query_values = st.text(alphabet=st.characters(blacklist_characters="&", blacklist_categories=("Z", "C")), min_size=1)
ordinary_names = st.sampled_from(["key_area", "owner_id_number", "on", "format", "district", "limit", "keyed", "id"])


def access_line(query: str) -> dict[str, Any]:
    record = logging.makeLogRecord({"name": "qz.access", "msg": "request", "path": "/v1/x", "query": query})
    return dict(json.loads(JsonFormatter("test").format(record)))


@settings(max_examples=300, deadline=None, database=None)
@given(
    secrets=st.lists(st.tuples(secret_names, query_values), min_size=1, max_size=3),
    ordinary=st.lists(st.tuples(ordinary_names, st.text(alphabet="abcdefXYZ-.", min_size=1)), max_size=3),
    order=st.randoms(use_true_random=False),
)
def test_no_secret_query_value_survives(
    secrets: list[tuple[str, str]], ordinary: list[tuple[str, str]], order: Any
) -> None:
    parameters = secrets + ordinary
    order.shuffle(parameters)
    query = "&".join(f"{name}={value}" for name, value in parameters)
    masked = "&".join(f"{name}={'***' if (name, value) in secrets else value}" for name, value in parameters)
    assert access_line(query)["query"] == masked
    # and in free text (a URL in a message or an exception), the value goes too
    assert mask_secrets(f"GET https://gw/api/x?{query} HTTP/1.1") == f"GET https://gw/api/x?{masked} HTTP/1.1"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("api_key=qzk_live_1&limit=5", "api_key=***&limit=5"),
        ("API_KEY=qzk_live_1", "API_KEY=***"),
        ("api%5Fkey=qzk_live_1", "api%5Fkey=***"),
        (
            "key=k&token=t&secret=s&password=p&access_token=a&signature=g",
            "key=***&token=***&secret=***&password=***&access_token=***&signature=***",
        ),
        ("GET https://gw/api/dogs/v1/x?Token=abc def", "GET https://gw/api/dogs/v1/x?Token=*** def"),
        ("next=/login?password=hunter2&x=1", "next=/login?password=***&x=1"),
        ("key_area=true&owner_id_number=&on=2023-06-01", "key_area=true&owner_id_number=&on=2023-06-01"),
    ],
)
def test_secret_parameters_read_as_an_operator_expects(text: str, masked: str) -> None:
    assert mask_secrets(text) == masked


def test_an_api_key_sent_in_the_query_is_in_no_log_of_the_gateway_or_the_service(
    service_processes: dict[str, ServiceProcess],
    database_factory: DatabaseFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Real processes, their real log files: the gateway's access and denial lines, and the service's access line of
    the request the gateway forwarded with the client's query."""
    monkeypatch.setenv("GATEWAY_SERVICE_URLS", json.dumps({name: p.url for name, p in service_processes.items()}))
    gateway = ServiceProcess("gateway", database_factory.create("gateway"), tmp_path / "gateway.log").start()
    dogs = service_processes["dogs"]
    key = f"qzk_{uuid.uuid4().hex}"
    request_ids = [f"masking-{uuid.uuid4().hex}" for _ in range(2)]
    try:
        url = f"{gateway.url}/api/dogs/v1/registrations?limit=1&api_key={key}"
        served = httpx.get(url, headers={"X-API-Key": "dev-key", "X-Request-ID": request_ids[0]})
        refused = httpx.get(url, headers={"X-Request-ID": request_ids[1]})  # no header: the query's key is not one
        assert (served.status_code, refused.status_code) == (200, 401)
        logged = [
            line
            for process, request_id in ((gateway, request_ids[0]), (gateway, request_ids[1]), (dogs, request_ids[0]))
            for line in process.logged(request_id, waiting_for=ACCESS_LINE)
        ]
    finally:
        gateway.stop()
    queries = [json.loads(line)["query"] for line in logged if json.loads(line)["logger"] == "qz.access"]
    assert queries == ["limit=1&api_key=***"] * 3
    assert key not in gateway.log() and key not in dogs.log()
