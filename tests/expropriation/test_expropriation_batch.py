"""A project's batch quote answers, for each household, what its own quote answers: the batch reads the records in
one pass (casework/quotes.py ``batch``), and 三(一)3's one-household-per-person is worked out from the members of
the households' stored facts."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import case_tables
import pytest
from expropriation_kit import household, project, sign
from fastapi.testclient import TestClient
from testkit import id_number

from expropriation.casework import records
from expropriation.casework.records import quote_input
from expropriation.facts.household import HouseholdFacts
from expropriation.facts.quote import BatchQuoteOut, QuoteRequest
from expropriation.models import Household, Project


def _batch_and_single(client: TestClient, project_id: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    out = client.post(f"/v1/projects/{project_id}/batch-quotes")
    assert out.status_code == 200, out.text
    rows = out.json()["households"]
    return [(row, client.get(f"/v1/households/{row['household_id']}/quote").json()) for row in rows]


def test_batch_line_is_the_household_quote_and_a_parent_counts_once(client: TestClient) -> None:
    p = project(client)
    a = household(client, p["id"], "001", seqs=(1, 3))  # child 1 + parent 3
    b = household(client, p["id"], "002", seqs=(2, 3))  # child 2 + the same parent 3
    c = household(client, p["id"], "003", seqs=(4,))
    assert sign(client, c["id"]).status_code == 201  # a signed household: quoted with its agreement's method and days
    pairs = _batch_and_single(client, p["id"])
    assert [row["household_id"] for row, _single in pairs] == [a["id"], b["id"], c["id"]]
    for row, single in pairs:
        assert row["status"] == "quoted"
        assert (row["total"], row["resettlement_persons"]) == (single["total"], single["resettlement_persons"])
        assert row["items"] == {i["code"]: i["amount"] for i in single["items"]}
    # 三(一)3 "父母原则上随一名本村集体经济组织成员子女安置": parent 3 counts in the first household (lowest id), so
    # 001 counts child 1 + parent 3 = 2 persons and 002 only child 2 = 1.
    assert [row["resettlement_persons"] for row, _single in pairs[:2]] == [2, 1]


def test_a_declaration_that_drops_the_parent_moves_them(client: TestClient) -> None:
    p = project(client)
    a = household(client, p["id"], "001", seqs=(1, 3))
    household(client, p["id"], "002", seqs=(2, 3))
    declaration = {
        "declared_on": "2023-06-10",
        "documents": ["户口簿", "不动产权证书"],
        "proofs": ["certificate"],
        "members": [{"name": "成员1", "id_number": id_number(sequence=1), "collective_member": True}],
        "buildings": [
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}
        ],
    }
    assert client.post(f"/v1/households/{a['id']}/declarations", json=declaration).status_code == 201
    pairs = _batch_and_single(client, p["id"])
    # 001 now declares child 1 alone (1 person); parent 3 is listed only in 002: child 2 + parent 3 = 2 persons.
    assert [(row["resettlement_persons"], single["resettlement_persons"]) for row, single in pairs] == [(1, 1), (2, 2)]


def test_a_project_read_a_chunk_at_a_time_answers_as_one_read(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch and the settlement sheet read a project a chunk of households at a time and send their answer from
    a spool (issue 32). With chunks of one household, the parent listed in the first and the third household is
    still counted once, and the counts and totals are those of the lines."""
    monkeypatch.setattr(records, "_CHUNK", 1)
    p = project(client)
    household(client, p["id"], "001", seqs=(1, 3))  # child 1 + parent 3
    household(client, p["id"], "002", seqs=(2,))
    household(client, p["id"], "003", seqs=(4, 3))  # child 4 + the same parent 3, two chunks further
    out = client.post(f"/v1/projects/{p['id']}/batch-quotes")
    assert out.status_code == 200, out.text
    assert out.headers["content-length"] == str(len(out.content))
    answer = out.json()
    assert set(answer) == set(BatchQuoteOut.model_fields)
    lines = answer["households"]
    # 三(一)3: parent 3 counts in 001 (the lowest id): 001 child 1 + parent 3 = 2 persons, 002 child 2 = 1,
    # 003 child 4 = 1.
    assert [line["resettlement_persons"] for line in lines] == [2, 1, 1]
    assert (answer["quoted"], answer["refused"]) == (3, 0)
    assert Decimal(answer["total"]) == sum(Decimal(line["total"]) for line in lines)

    sheet = client.get(f"/v1/projects/{p['id']}/settlement-sheet", params={"format": "csv"})
    assert sheet.status_code == 200, sheet.text
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    headers, totals = rows[1], rows[-2]
    assert [row[0] for row in rows[3:-2]] == ["001", "002", "003"]
    assert totals[0] == "合计"
    assert totals[4] == "3 户已测算，0 户未能测算"
    assert Decimal(totals[headers.index("合计(元)")]) == Decimal(answer["total"])


_QUOTE_CASES = [
    c
    for c in case_tables.load(Path(__file__).parent / "cases")
    if c.calculator == "/v1/quotes" and c.status == 200 and "parameters" not in c.input
]


@pytest.mark.parametrize("case", _QUOTE_CASES, ids=[c.name for c in _QUOTE_CASES])
def test_stored_facts_become_the_rule_input_their_request_gives(case: case_tables.Case) -> None:
    """Every hand-computed household of the case tables, stored as a household stores it (``_new_household``: the
    validated facts dumped as JSON) and read back for the rules by ``quote_input``, is the very ``QuoteInput`` the
    stateless calculator makes of the same body: the read-back types the stored facts without validating them again
    as a request, and must lose or change nothing."""
    request = QuoteRequest.model_validate(case.input)
    project_fields = {"district", "pre_announcement_date", "signing_deadline", "valuation_date"}
    project_fields |= {"market_price_per_m2", "early_vacate_rate_per_m2", "outside_urban_plan_area"}
    on_project = Project(id=1, **request.model_dump(include=project_fields), handover_deadline=None)
    stored = HouseholdFacts.model_validate(request.model_dump(include=set(HouseholdFacts.model_fields)))
    record = Household(
        id=1,
        method=request.method.value,
        appraised_price_per_m2=request.appraised_price_per_m2,
        facts=json.loads(json.dumps(stored.model_dump(mode="json"))),  # as the sealed JSON column gives it back
    )
    read = quote_input(on_project, record, village_all_signed=request.village_all_signed)
    assert read == request.to_rules()
