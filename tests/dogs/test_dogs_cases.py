"""The hand-computed cases of tests/dogs/cases/*.toml, each sent to its stateless calculator (case_tables).

POST /v1/classify takes its input as the body; GET /v1/walking-hours/check (``calculator = "GET …"``) as its query.
The calculators store nothing, so one application serves every case.
"""

from collections.abc import Iterator
from pathlib import Path

import case_tables
import httpx
import pytest
from fastapi.testclient import TestClient
from testkit import identity_headers

from dogs.main import create_app
from dogs.settings import DogsSettings
from qz_common.settings import PlatformSettings


@pytest.fixture(scope="module")
def calculators(dogs_db: str) -> Iterator[TestClient]:
    app = create_app(DogsSettings(database_url=dogs_db), PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("dogs")) as client:
        yield client


def ask(client: TestClient, case: case_tables.Case) -> httpx.Response:
    """The case's input posted as the body, or for a ``GET …`` calculator sent as its query."""
    method, _, path = case.calculator.rpartition(" ")
    if method == "GET":
        return client.get(path, params=case.input)
    return client.post(path, json=case.input)


@case_tables.parametrize(Path(__file__).parent / "cases")
def test_case(calculators: TestClient, case: case_tables.Case) -> None:
    answer = ask(calculators, case)
    case_tables.check(case, answer.status_code, answer.json())
    if answer.status_code == 200 and answer.json().get("finding") == "officer_decision_required":
        assert answer.json()["fierce"] is None  # D-03: a breed the service cannot place is never "not fierce"
