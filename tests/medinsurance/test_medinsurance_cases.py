"""The hand-computed cases of tests/medinsurance/cases/*.toml, each posted to its stateless calculator (case_tables).

The calculators store nothing, so one application serves every case."""

from collections.abc import Iterator
from pathlib import Path

import case_tables
import pytest
from fastapi.testclient import TestClient
from testkit import identity_headers

from medinsurance.main import create_app
from medinsurance.settings import MedinsuranceSettings
from qz_common.settings import PlatformSettings


@pytest.fixture(scope="module")
def calculators(medinsurance_db: str) -> Iterator[TestClient]:
    app = create_app(MedinsuranceSettings(database_url=medinsurance_db), PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("medinsurance")) as client:
        yield client


@case_tables.parametrize(Path(__file__).parent / "cases")
def test_case(calculators: TestClient, case: case_tables.Case) -> None:
    answer = calculators.post(case.calculator, json=case.input)
    case_tables.check(case, answer.status_code, answer.json())
