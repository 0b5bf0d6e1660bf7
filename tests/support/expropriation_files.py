"""Test data for the expropriation files: a project, and rosters written the way caseworkers write them."""

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from expropriation.exchange.roster import COLUMNS

PROJECT = {
    "name": "某某路工程",
    "district": "柯城区",
    "village": "石梁村",
    "pre_announcement_date": "2023-06-01",
    "signing_deadline": "2023-09-30",
    "handover_deadline": "2023-10-31",
    "valuation_date": "2023-07-01",
    "appraised_price_per_m2": "3000",
    "market_price_per_m2": "9000",
}


def new_project(client: TestClient) -> int:
    r = client.post("/v1/projects", json=PROJECT)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


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
