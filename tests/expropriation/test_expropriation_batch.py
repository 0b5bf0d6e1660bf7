"""A project's batch quote answers, for each household, what its own quote answers: the batch reads the records in
one pass (casework/quotes.py ``batch``), and 三(一)3's one-household-per-person is worked out from the members of
the households' stored facts."""

from typing import Any

from expropriation_kit import household, project, sign
from fastapi.testclient import TestClient
from testkit import id_number


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
