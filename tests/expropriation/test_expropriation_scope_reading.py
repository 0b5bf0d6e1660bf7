"""五(二) "本办法自2023年3月1日起施行，施行前已实施征收的，按照原规定执行" (AMBIGUITIES.md A-02): from which act is an
expropriation "已实施"? The reading ``expropriation.implemented_from``: as chosen, from its 征收土地预公告
(``pre_announcement``); the other, from its 征收公告 (``announcement``; a project with none recorded has not been
announced, so not 实施 by that act). The 施行日 2023-03-01 itself is under this 办法 under both (自…起施行).

The boundary by hand (in force from 2023-03-01):
- 预公告 2023-02-28, 征收公告 2023-03-01: chosen 2023-02-28 < 2023-03-01 → refused; other 2023-03-01 is not before
  2023-03-01 → quoted.
- 预公告 2023-02-28, 征收公告 2023-02-28: chosen refused (预公告 before); other refused (征收公告 before).
- 预公告 2023-02-28, no 征收公告: chosen refused; other: not announced → quoted.

The household quoted (expropriation_kit: 柯城区, signing deadline 2023-09-30, 评估时点 2023-07-01, appraised
3,000 元/㎡; two 本村 members; one 150 ㎡ 砖混 house built 2000, 货币补偿 through temporary housing, on time), its
total by hand:
house 150 × 3,000 = 450,000 (三(三)1); 临时安置费 150 × 10 × 12 = 18,000 (三(四)6; 1,500 a month, above the 1,000
minimum); 搬迁费 3,000 once (三(四)7); 签约腾空奖励 150 × 400 = 60,000 (三(四)8, 柯城区's book) — 531,000.
The 预公告's day changes no figure of it (no birth, death, work or leaving near it).
"""

import dataclasses
import datetime as dt
from typing import Any

import pytest
from expropriation_kit import PROJECT, household, project, quote_body
from fastapi.testclient import TestClient
from testkit import run_sql

from expropriation.facts.quote import refusal
from expropriation.rules.params import CityParams
from expropriation.rules.scope import check_scope
from expropriation.rules.types import OldRulesApply, RuleError
from expropriation.settings import ExpropriationSettings

OTHER = {"expropriation.implemented_from": "announcement"}
BASIS = "衢政发〔2023〕2号 五(二)"
TOTAL = "531000.00"  # 450,000 + 18,000 + 3,000 + 60,000 (module docstring)
DAY_BEFORE, IN_FORCE = dt.date(2023, 2, 28), dt.date(2023, 3, 1)


def refused(answer: Any, field: str) -> None:
    """A 422 old_rules_apply naming ``field`` and 五(二)."""
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert (problem["code"], problem["errors"][0]["field"], problem["basis"]) == ("old_rules_apply", field, BASIS)


def quote(client: TestClient, announced: str | None, parameters: dict[str, str] | None = None) -> Any:
    body = quote_body(pre_announcement_date="2023-02-28", announcement_date=announced)
    return client.post("/v1/quotes", json={**body, "parameters": parameters})


# --- the rule -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("announced", "chosen_refuses", "other_refuses"),
    [(IN_FORCE, True, False), (DAY_BEFORE, True, True), (None, True, False)],
    ids=["announced-on-the-day", "announced-the-day-before", "not-announced"],
)
def test_the_scope_under_either_reading(
    city: CityParams, announced: dt.date | None, chosen_refuses: bool, other_refuses: bool
) -> None:
    """The three boundary cases of the module docstring, 预公告 2023-02-28 in each."""
    other = dataclasses.replace(city, implemented_from="announcement")
    for reading, refuses, field in ((city, chosen_refuses, "pre_announcement_date"), (other, other_refuses, None)):
        if not refuses:
            check_scope(reading, "柯城区", DAY_BEFORE, announced)
            continue
        with pytest.raises(OldRulesApply) as e:
            check_scope(reading, "柯城区", DAY_BEFORE, announced)
        assert e.value.field == (field or "announcement_date")
        assert (refusal(e.value).code, e.value.basis) == ("old_rules_apply", BASIS)


def test_a_pre_announcement_on_the_day_is_under_this_rule_whatever_the_announcement(city: CityParams) -> None:
    """预公告 2023-03-01: not before the 施行日, so under this 办法 as chosen; the 征收公告 follows it (2023-03-01 or
    later, or none), never before the 施行日, so under the other reading too."""
    other = dataclasses.replace(city, implemented_from="announcement")
    for reading in (city, other):
        for announced in (None, IN_FORCE, dt.date(2023, 9, 1)):
            check_scope(reading, "柯城区", IN_FORCE, announced)


def test_an_announcement_before_its_pre_announcement_is_refused(city: CityParams) -> None:
    """The 征收公告 follows the 预公告 (the 办法 starts its duties from the 预公告, 二(一)): one dated earlier is an
    input the rules cannot run on, under either reading."""
    for reading in (city, dataclasses.replace(city, implemented_from="announcement")):
        with pytest.raises(RuleError) as e:
            check_scope(reading, "柯城区", dt.date(2023, 6, 1), dt.date(2023, 5, 31))
        assert e.value.field == "announcement_date"


# --- the stateless what-if -------------------------------------------------------------------------------------------


def test_announced_on_the_in_force_day_refused_as_chosen_quoted_under_the_other(client: TestClient) -> None:
    refused(quote(client, "2023-03-01"), "pre_announcement_date")
    other = quote(client, "2023-03-01", OTHER)
    assert other.status_code == 200, other.text
    assert other.json()["total"] == TOTAL
    assert other.json()["parameter_versions"]["expropriation"].endswith("+scenario")


def test_announced_the_day_before_refused_under_both(client: TestClient) -> None:
    refused(quote(client, "2023-02-28"), "pre_announcement_date")
    refused(quote(client, "2023-02-28", OTHER), "announcement_date")


def test_not_announced_refused_as_chosen_quoted_under_the_other(client: TestClient) -> None:
    refused(quote(client, None), "pre_announcement_date")
    other = quote(client, None, OTHER)
    assert other.status_code == 200, other.text
    assert other.json()["total"] == TOTAL


def test_the_comparison_of_methods_switches_alike(client: TestClient) -> None:
    """POST /v1/quotes/compare checks the scope once for the four methods, with the same reading."""
    body = quote_body(pre_announcement_date="2023-02-28", announcement_date="2023-03-01")
    refused(client.post("/v1/quotes/compare", json=body), "pre_announcement_date")
    other = client.post("/v1/quotes/compare", json={**body, "parameters": OTHER})
    assert other.status_code == 200, other.text
    monetary = next(o for o in other.json()["outcomes"] if o["method"] == "monetary")
    assert monetary["quote"]["total"] == TOTAL


def test_an_unknown_act_is_not_a_reading(client: TestClient) -> None:
    answer = quote(client, "2023-03-01", {"expropriation.implemented_from": "first_agreement"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["code"] == "reading_unknown"


def test_an_announcement_before_the_pre_announcement_is_refused_in_a_quote(client: TestClient) -> None:
    body = quote_body(announcement_date="2023-05-31")  # 预公告 2023-06-01
    answer = client.post("/v1/quotes", json=body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "announcement_date"


# --- a project ------------------------------------------------------------------------------------------------------


def test_a_project_records_its_announcement(client: TestClient) -> None:
    created = project(client, announcement_date="2023-06-20")
    assert created["announcement_date"] == "2023-06-20"
    assert client.get(f"/v1/projects/{created['id']}").json()["announcement_date"] == "2023-06-20"
    assert project(client, name="未发布征收公告")["announcement_date"] is None


def test_a_project_is_created_as_the_book_reads(client: TestClient) -> None:
    """Creation checks 五(二) with the book's reading (chosen: the 预公告), whatever the 征收公告."""
    terms = {"pre_announcement_date": "2023-02-28", "announcement_date": "2023-03-01"}
    refused(client.post("/v1/projects", json=project_terms(**terms)), "pre_announcement_date")
    early = client.post("/v1/projects", json=project_terms(announcement_date="2023-05-31"))  # 预公告 2023-06-01
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "announcement_date"


def test_a_stored_project_refused_as_chosen_is_quoted_under_the_other_in_its_impact(
    client: TestClient, expropriation_settings: ExpropriationSettings
) -> None:
    """A project on record pre-announced 2023-02-28 and announced 2023-03-01: creation refuses it as chosen, so it is
    recorded as a project that was (预公告 2023-03-01) and its 预公告 then written as found, past the API — as a
    project recorded before 五(二) was checked, or under a book reading otherwise, would stand.
    As decided (chosen): its household refused (old_rules_apply), 0; under the other reading: quoted, 531,000 (module
    docstring). The impact: one household, outcome changed, +531,000; nothing in scope changes."""
    project_id = project(client, pre_announcement_date="2023-03-01", announcement_date="2023-03-01")["id"]
    household_id = household(client, project_id, "001")["id"]
    run_sql(
        expropriation_settings.database_url,
        "UPDATE projects SET pre_announcement_date = :day WHERE id = :id",
        day=DAY_BEFORE,
        id=project_id,
    )
    refused(client.get(f"/v1/households/{household_id}/quote"), "pre_announcement_date")
    before = client.post(f"/v1/projects/{project_id}/batch-quotes").json()
    assert (before["quoted"], before["refused"], before["total"]) == (0, 1, "0.00")

    r = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": OTHER})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["records"], result["gain"], result["outcome_changed"]) == (1, 1, 1)
    assert (result["total_before"], result["total_after"], result["difference"]) == ("0.00", TOTAL, TOTAL)
    (changed,) = result["largest"]
    assert (changed["outcome_before"], changed["outcome_after"]) == ("old_rules_apply", "quoted")
    assert result["scenario"] == OTHER
    assert client.post(f"/v1/projects/{project_id}/batch-quotes").json() == before


def test_a_project_quoted_as_chosen_stays_quoted_under_the_other(client: TestClient) -> None:
    """预公告 2023-06-01, 征收公告 2023-06-20: under this 办法 by either act; the impact changes nothing."""
    project_id = project(client, announcement_date="2023-06-20")["id"]
    household(client, project_id, "001")
    result = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": OTHER}).json()
    assert (result["records"], result["unchanged"], result["outcome_changed"]) == (1, 1, 0)
    assert (result["total_before"], result["total_after"]) == (TOTAL, TOTAL)


def test_the_readings_list_it(client: TestClient) -> None:
    readings = client.get("/v1/readings", params={"on": "2023-07-01"}).json()
    (a02,) = [r for r in readings if r["parameter"] == "expropriation.implemented_from"]
    assert (a02["id"], a02["clause"], a02["chosen"]) == ("A-02", BASIS, "pre_announcement")
    assert [(c["value"], c["chosen"]) for c in a02["readings"]] == [("pre_announcement", True), ("announcement", False)]
    assert {"POST /v1/quotes", "POST /v1/projects/{project_id}/impact"} <= set(a02["calculators"])


def project_terms(**over: Any) -> dict[str, Any]:
    return PROJECT | over
