"""Impact over a project's stored households (issue 31): each household quoted as decided and under a scenario, from
its stored facts, the difference summed by item and clause; nothing in scope changes.

The project of every test: 柯城区, expropriation_kit.PROJECT (评估时点 2023-07-01, appraised 3,000 元/㎡, market
9,000 元/㎡, no rate of its own for the 签约腾空 reward, so 柯城区's book gives it: 400 元/㎡, 三(四)8), households of
two 本村 members with one 砖混 house built 2000, not yet signed (the quote counts the reward as earned on time).
"""

import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from expropriation_files import job_ended
from expropriation_kit import household, project
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from testkit import identity_headers

RATE_300 = {"district_kecheng.early_vacate_rate_per_m2": "300"}


def house(area: str) -> list[dict[str, Any]]:
    return [{"use": "residential", "structure": "brick_concrete", "legal_area_m2": area, "built_year": 2000}]


@pytest.fixture
def three_households(client: TestClient) -> tuple[int, list[int]]:
    """Households 001 (150 ㎡), 002 (100 ㎡), 003 (120 ㎡), 货币补偿, each of two persons of its own."""
    project_id = project(client)["id"]
    ids = [
        household(client, project_id, ref, seqs=(2 * n + 1, 2 * n + 2), buildings=house(area))["id"]
        for n, (ref, area) in enumerate(SIZES)
    ]
    return project_id, ids


SIZES = (("001", "150"), ("002", "100"), ("003", "120"))


def test_the_early_vacate_reward_at_300_instead_of_400(client: TestClient, three_households: Any) -> None:
    """三(四)8 按期签约腾空奖励 = 合法面积 × 每㎡奖励 (柯城区's book: 400, its cap, a placeholder, A-37):
    001: 150 × 400 = 60,000 → 150 × 300 = 45,000, −15,000
    002: 100 × 400 = 40,000 → 100 × 300 = 30,000, −10,000
    003: 120 × 400 = 48,000 → 120 × 300 = 36,000, −12,000
    together 148,000 → 111,000, −37,000; every other item unchanged."""
    project_id, _ids = three_households
    before = client.post(f"/v1/projects/{project_id}/batch-quotes").json()
    r = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": RATE_300, "bins": 5})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["records"], result["gain"], result["lose"], result["unchanged"]) == (3, 0, 3, 0)
    assert result["outcome_changed"] == 0
    assert result["difference"] == "-37000.00"
    assert result["total_before"] == before["total"]  # as decided is what the batch quote answers
    reward = next(i for i in result["items"] if i["code"] == "early_vacate_reward")
    assert (reward["label"], reward["basis"]) == ("按期腾空奖励", "衢政发〔2023〕2号 三(四)8")
    assert (reward["before"], reward["after"], reward["difference"]) == ("148000.00", "111000.00", "-37000.00")
    assert {i["code"]: i["difference"] for i in result["items"] if i["code"] != "early_vacate_reward"} == {
        i["code"]: "0.00" for i in result["items"] if i["code"] != "early_vacate_reward"
    }
    assert [(r["label"], r["difference"]) for r in result["largest"]] == [
        ("001", "-15000.00"),
        ("003", "-12000.00"),
        ("002", "-10000.00"),
    ]
    # −15,000 to −10,000 in five bins of 1,000: −15,000 | — | — | −12,000 | −10,000 (the last bin holds its top)
    assert [(b["low"], b["high"], b["records"]) for b in result["distribution"]] == [
        ("-15000.00", "-14000.00", 1),
        ("-14000.00", "-13000.00", 0),
        ("-13000.00", "-12000.00", 0),
        ("-12000.00", "-11000.00", 1),
        ("-11000.00", "-10000.00", 1),
    ]
    assert result["scenario"] == RATE_300
    assert result["parameter_versions"]["after"].endswith("+scenario")
    assert "+scenario" not in result["parameter_versions"]["before"]
    # nothing in scope changed: the batch quote answers as before
    assert client.post(f"/v1/projects/{project_id}/batch-quotes").json() == before


def test_a_reading_switched_over_chosen_households(client: TestClient, three_households: Any) -> None:
    """A-01 (附件 说明1), the other reading: every year of age depreciates once beyond 3. A 房票 household's 150 ㎡
    砖混 house built 2000, valued 2023 (age 23): 重置价 1,200 × 150 × 成新率 0.80 (20 years beyond the third) =
    144,000 → × 0.77 (23 years) = 138,600: −5,400 on 被征收房屋重置价值 only (房票价格 takes 重置价 without 成新率)."""
    project_id, _ids = three_households
    voucher = household(client, project_id, "004", seqs=(7, 8), method="house_voucher")["id"]
    switch = {"expropriation.depreciation_offset_years": "0"}
    r = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": switch, "household_ids": [voucher]})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["records"], result["lose"], result["difference"]) == (1, 1, "-5400.00")
    changed = {i["code"]: (i["before"], i["after"]) for i in result["items"] if i["difference"] != "0.00"}
    assert changed == {"house_replacement_value": ("144000.00", "138600.00")}
    assert {"parameter": "expropriation.depreciation_offset_years", "before": "3", "after": "0"} in result["readings"]


def test_a_large_scope_is_a_job_whose_result_exports(
    small_threshold: TestClient, client: TestClient, three_households: Any
) -> None:
    project_id, _ids = three_households
    at_once = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": RATE_300}).json()
    r = small_threshold.post(f"/v1/projects/{project_id}/impact", json={"parameters": RATE_300})
    assert r.status_code == 202, r.text
    job = job_ended(small_threshold, r.headers["location"])
    assert (job["kind"], job["status"], job["done"], job["total"]) == ("impact", "done", 3, 3)
    assert small_threshold.get(f"/v1/jobs/{job['id']}/impact").json() == at_once

    workbook = small_threshold.get(f"/v1/jobs/{job['id']}/impact", params={"format": "xlsx"})
    assert workbook.status_code == 200
    sheets = load_workbook(io.BytesIO(workbook.content))
    rows = {row[0]: row for row in sheets["分项"].iter_rows(values_only=True)}
    assert rows["按期腾空奖励"][1:] == ("衢政发〔2023〕2号 三(四)8", 148000, 111000, -37000)
    assert rows["合计"][4] == -37000
    chart = small_threshold.get(f"/v1/jobs/{job['id']}/impact", params={"format": "svg"})
    assert chart.headers["content-type"].startswith("image/svg+xml")
    svg = ET.fromstring(chart.content)
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "按期腾空奖励" in texts and any("-37,000.00" in (t or "") for t in texts)


def test_a_batch_quote_job_has_no_impact_and_an_unfinished_one_none_yet(
    small_threshold: TestClient, three_households: Any
) -> None:
    project_id, _ids = three_households
    batch = job_ended(
        small_threshold, small_threshold.post(f"/v1/projects/{project_id}/batch-quotes").headers["location"]
    )
    assert small_threshold.get(f"/v1/jobs/{batch['id']}/impact").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"parameters": {}}, "parameters", "validation_failed"),
        ({"parameters": {"expropriation.voucher_remainder_reading": "half"}}, None, "scenario_invalid"),
        ({"parameters": {"district_kecheng.division_code": "330803"}}, None, "scenario_invalid"),
        ({"parameters": RATE_300, "household_ids": [10**12]}, "household_ids[0]", "reference_not_found"),
        ({"parameters": RATE_300, "largest": 0}, "largest", "validation_failed"),
    ],
)
def test_a_scenario_or_scope_that_cannot_run_is_refused_at_once(
    client: TestClient, three_households: Any, body: dict[str, Any], field: str | None, code: str
) -> None:
    project_id, _ids = three_households
    r = client.post(f"/v1/projects/{project_id}/impact", json=body)
    assert (r.status_code, r.json()["code"]) == (422, code), r.text
    if field is not None:
        assert r.json()["field"] == field


def test_another_districts_project_answers_as_an_unused_id(client: TestClient, three_households: Any) -> None:
    project_id, _ids = three_households
    qujiang = identity_headers("expropriation", district="衢江区")
    r = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": RATE_300}, headers=qujiang)
    assert r.status_code == 404


def test_the_readings_a_scenario_can_switch_are_listed_with_the_one_chosen(client: TestClient) -> None:
    answer = client.get("/v1/readings", params={"on": "2023-07-01"}).json()
    # an entry may hold more than one switch (A-05: the 1.7 m boundary and the eaves below 1 m)
    ids = ("A-01", "A-03", "A-05", "A-06", "A-07", "A-08", "A-09", "A-10", "A-14", "A-15", "A-18", "A-19", "A-23")
    ledger = ("A-13", "A-29", "A-40", "A-42")  # read by the ledger's and the 房票's commands and what-ifs
    assert {r["id"] for r in answer} == {*ids, *ledger, "A-02", "A-12", "A-22", "A-34"}
    listed = {r["parameter"]: r for r in answer}
    attic = listed["expropriation.attic_boundary_in_high_band"]
    assert (attic["parameter"], attic["clause"], attic["chosen"]) == (
        "expropriation.attic_boundary_in_high_band",
        "衢政发〔2023〕2号 附件 说明2",
        "true",
    )
    assert [(r["value"], r["chosen"]) for r in attic["readings"]] == [("true", True), ("false", False)]
    clawback = listed["expropriation.clawback_against"]
    assert (clawback["id"], clawback["chosen"], clawback["calculators"]) == (
        "A-29",
        "entitlement_now",
        ["POST /v1/clawbacks", "POST /v1/clawbacks/what-if"],
    )
    operations = {f"{method.upper()} {path}" for path, item in client.app.openapi()["paths"].items() for method in item}
    assert {c for r in listed.values() for c in r["calculators"]} <= operations
