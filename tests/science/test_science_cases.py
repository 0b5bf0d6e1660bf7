"""The hand-computed cases of tests/science/cases/*.toml, each posted to its stateless calculator (case_tables).

The calculators (43号 一 and 三(七), 44号 三, 衢政发〔2023〕1号 items 8–15) store nothing, so one application serves
every case."""

from collections.abc import Iterator
from pathlib import Path

import case_tables
import pytest
from fastapi.testclient import TestClient
from testkit import identity_headers

from qz_common.settings import PlatformSettings
from science.main import create_app
from science.settings import ScienceSettings


@pytest.fixture(scope="module")
def calculators(science_db: str) -> Iterator[TestClient]:
    app = create_app(ScienceSettings(database_url=science_db), PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("science")) as client:
        yield client


@case_tables.parametrize(Path(__file__).parent / "cases")
def test_case(calculators: TestClient, case: case_tables.Case) -> None:
    answer = calculators.post(case.calculator, json=case.input)
    case_tables.check(case, answer.status_code, answer.json())
