"""A-22, A-27 as a switch (issue 31): 三(一)3 "父母原则上随一名本村集体经济组织成员子女安置" — a person listed in
several households of a project, the family designating none, counts in the household registered first (chosen), or
in the one listing the most persons (``expropriation.parent_kept_by = most_persons``).

The project of expropriation_kit: 柯城区, market 9,000 元/㎡, appraised 3,000 元/㎡. Every household: 房票安置, one
150 ㎡ 砖混 house built 2000 (重置价 1,200 × 成新率 0.80 = 960 a ㎡), all members 本村. 房票 price 9,000 − 1,200 =
7,800 a ㎡ (三(三)2(2)); 安置面积 110 + 50 × (persons − 1) (三(二)); the house's part beyond the 安置面积 in money at
the appraised price (三(三)2(4)).
"""

from typing import Any

from expropriation_kit import household, project
from fastapi.testclient import TestClient

SWITCH = {"expropriation.parent_kept_by": "most_persons"}


def two_households_sharing_a_parent(client: TestClient) -> tuple[int, list[int]]:
    """001 lists child 1 and parent 3 (2 persons); 002, registered after it, lists children 2 and 4 and parent 3 (3)."""
    project_id = project(client)["id"]
    ids = [
        household(client, project_id, ref, seqs=seqs, method="house_voucher")["id"]
        for ref, seqs in (("001", (1, 3)), ("002", (2, 4, 3)))
    ]
    return project_id, ids


def items_of(answer: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {i["code"]: (i["before"], i["after"]) for i in answer["items"] if i["difference"] != "0.00"}


def test_the_parent_counts_in_the_household_registered_first_or_in_the_one_listing_most(client: TestClient) -> None:
    """As chosen, parent 3 counts in 001: 001 two persons (安置面积 160), 002 two (160). Each: 房票 160 × 7,800 =
    1,248,000, the house 150 × 960 = 144,000, nothing beyond the 安置面积.
    Under most_persons, parent 3 counts in 002 (3 persons listed against 2): 001 one person (110): 房票 110 × 7,800 =
    858,000, the house within 110 × 960 = 105,600, beyond it 40 × 3,000 = 120,000; 002 three persons (210): 房票
    210 × 7,800 = 1,638,000, the house 144,000.
    By item: 房票 1,248,000 × 2 = 2,496,000 → 858,000 + 1,638,000 = 2,496,000 (no change); the house within
    144,000 × 2 = 288,000 → 105,600 + 144,000 = 249,600; beyond 0 → 120,000. 001 −390,000 − 38,400 + 120,000 =
    −308,400; 002 +390,000; together +81,600."""
    project_id, (first, second) = two_households_sharing_a_parent(client)
    persons = [client.get(f"/v1/households/{h}/quote").json()["resettlement_persons"] for h in (first, second)]
    assert persons == [2, 2]

    r = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": SWITCH})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["records"], result["gain"], result["lose"], result["difference"]) == (2, 1, 1, "81600.00")
    assert items_of(result) == {
        "house_replacement_value": ("288000.00", "249600.00"),
        "excess_area_monetary_compensation": ("0.00", "120000.00"),
    }
    changes = {record["label"]: record["difference"] for record in result["largest"]}
    assert changes == {"001": "-308400.00", "002": "390000.00"}
    assert result["scenario"] == SWITCH


def test_a_tie_in_persons_listed_keeps_the_household_registered_first(client: TestClient) -> None:
    """Under most_persons, two households listing two persons each (child 1 + parent 3; child 2 + parent 3): a tie,
    so parent 3 stays in 001, the one registered first, as chosen: no figure moves."""
    project_id = project(client)["id"]
    for ref, seqs in (("001", (1, 3)), ("002", (2, 3))):
        household(client, project_id, ref, seqs=seqs, method="house_voucher")
    result = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": SWITCH}).json()
    assert (result["records"], result["gain"], result["lose"], result["difference"]) == (2, 0, 0, "0.00")


def test_the_reading_is_listed_with_the_calculators_that_read_it(client: TestClient) -> None:
    listed = {r["parameter"]: r for r in client.get("/v1/readings", params={"on": "2023-07-01"}).json()}
    reading = listed["expropriation.parent_kept_by"]
    assert (reading["id"], reading["clause"], reading["chosen"]) == (
        "A-22",
        "衢政发〔2023〕2号 三(一)3",
        "first_registered",
    )
    assert [(r["value"], r["chosen"]) for r in reading["readings"]] == [
        ("first_registered", True),
        ("most_persons", False),
    ]
