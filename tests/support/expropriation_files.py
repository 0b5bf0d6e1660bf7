"""Test data for the expropriation files: a project, and rosters written the way caseworkers write them."""

import csv
import io
from typing import Any

from expropriation_kit import project
from fastapi.testclient import TestClient

from expropriation.exchange.roster import COLUMNS


def new_project(client: TestClient) -> int:
    return int(project(client)["id"])


def roster_csv(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def roster_rows(records: list[dict[str, str]]) -> list[list[Any]]:
    """A roster with the template's Chinese headers and explanation row, then one row per record."""
    notes = [note for _, note in COLUMNS.values()]
    return [
        [header for header, _ in COLUMNS.values()],
        ["说明：" + notes[0], *notes[1:]],
        *([record.get(column, "") for column in COLUMNS] for record in records),
    ]
