"""The hand-computed cases of tests/expropriation/cases/*.toml, each posted to its calculator (case_tables)."""

from pathlib import Path

import case_tables
from fastapi.testclient import TestClient


@case_tables.parametrize(Path(__file__).parent / "cases")
def test_case(client: TestClient, case: case_tables.Case) -> None:
    answer = client.post(case.calculator, json=case.input)
    case_tables.check(case, answer.status_code, answer.json())
