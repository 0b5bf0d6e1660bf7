"""The hand-computed cases of tests/expropriation/cases/*.toml, each posted to its calculator (case_tables).

The calculators are stateless (POST /v1/quotes, /v1/quotes/compare): one application serves every case of a table.
"""

from collections.abc import Iterator
from pathlib import Path

import case_tables
import pytest
from fastapi.testclient import TestClient
from testkit import identity_headers

from expropriation.main import create_app
from expropriation.settings import ExpropriationSettings
from qz_common.settings import PlatformSettings


@pytest.fixture(scope="module")
def calculators(expropriation_db: str) -> Iterator[TestClient]:
    app = create_app(ExpropriationSettings(database_url=expropriation_db), PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("expropriation")) as client:
        yield client


@case_tables.parametrize(Path(__file__).parent / "cases")
def test_case(calculators: TestClient, case: case_tables.Case) -> None:
    answer = calculators.post(case.calculator, json=case.input)
    case_tables.check(case, answer.status_code, answer.json())
