"""Reading A-72 switched (issue 31): "居前10%"/"居后5%" rank an institution among the year's assessments of its
category in its district (chosen, ``performance.assessment_pool = district``) or in the whole city (``city``), in
the stored grading and in the impact alike.

The caseload, 2025, assessed 2026-03-15, ten 综合类 hospitals (附件4 表3), both sheets alike with d points deducted —
C01 诚信记分 up to its 12, and beyond it C02 上传率 1 point a 百分点 short — so the final score is
30% × (100 − d) + 70% × (100 − d) = 100 − d:

- 衢江区: 衢江一院 d 4 → 96, 二院 12 → 88, 三院 14 → 86, 四院 16 → 84, 五院 18 → 82.
- 柯城区: 柯城一院 d 6 → 94, 二院 13 → 87, 三院 15 → 85, 四院 17 → 83, 五院 19 → 81.

In a district's pool of 5, "居前10%" covers 5 × 10% = 0.5 place and "居后5%" 0.25 (A-24, exact): no A, no D, and all
ten are B (80 含 以上). In the city's pool of 10: 10 × 10% = 1 place, so its first, 衢江一院 (96 ≥ 90), is A;
柯城一院 (94) is second: B; 10 × 5% = 0.5 place: no D. One grade changes.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient
from medinsurance_testdata import institution
from testkit import identity_headers

from medinsurance import parameters
from medinsurance.rules.performance import pool_district

CITY = {"performance.assessment_pool": "city"}
DEDUCTIONS = {"衢江区": ("衢江", (4, 12, 14, 16, 18)), "柯城区": ("柯城", (6, 13, 15, 17, 19))}


def record_all(client: TestClient) -> dict[str, dict[str, Any]]:
    made = {}
    for district, (prefix, deductions) in DEDUCTIONS.items():
        for n, d in zip("一二三四五", deductions, strict=True):
            name = f"{prefix}{n}院"
            inst = institution(client, name=name, kind="general_hospital", district=district)
            sheet: dict[str, Any] = {"C01": {"deduction": str(min(d, 12))}}
            if d > 12:
                sheet["C02"] = {"units": {"shortfall_points": str(d - 12)}}
            body = {
                "institution_id": inst["id"],
                "year": 2025,
                "category": "comprehensive",
                "assessed_on": "2026-03-15",
            }
            r = client.post("/v1/assessments", json=body | {"half_year": sheet, "annual": sheet})
            assert r.status_code == 201, r.text
            made[name] = r.json()
    return made


def stored(client: TestClient) -> dict[int, tuple[str, int]]:
    return {
        a["id"]: (a["grade"], a["rank"]) for a in client.get("/v1/assessments", params={"limit": 50}).json()["items"]
    }


def impact(
    client: TestClient, parameters: dict[str, str], headers: Mapping[str, str] | None = None, **body: Any
) -> Any:
    r = client.post("/v1/impact/assessments", json={"year": 2025, "parameters": parameters, **body}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def by_label(result: Any) -> dict[str, tuple[str, str]]:
    return {r["label"]: (r["outcome_before"], r["outcome_after"]) for r in result["largest"]}


def test_the_pool_is_the_district_or_the_city() -> None:
    on = dt.date(2026, 3, 15)
    assert pool_district("衢江区", parameters.params("performance", on)) == "衢江区"
    assert pool_district("衢江区", parameters.in_force("performance", on, CITY).params) is None


def test_a_city_pool_gives_the_citys_first_an_a(client: TestClient) -> None:
    made = record_all(client)
    finals = {name: a["final_score"] for name, a in made.items()}
    assert finals == {
        f"{p}{n}院": 100.0 - d for p, ds in DEDUCTIONS.values() for n, d in zip("一二三四五", ds, strict=True)
    }
    grades = stored(client)
    # Graded in their districts as published: each district's first is rank 1 and B (0.5 place is no place).
    assert grades[made["衢江一院"]["id"]] == ("B", 1) and grades[made["柯城一院"]["id"]] == ("B", 1)
    assert {g for g, _rank in grades.values()} == {"B"}
    result = impact(client, CITY)
    assert (result["records"], result["outcome_changed"], result["unchanged"]) == (10, 1, 9)
    assert result["largest"][0]["label"] == "衢江一院（衢江区综合类）"
    assert by_label(result)["衢江一院（衢江区综合类）"] == ("B", "A")
    assert by_label(result)["柯城一院（柯城区综合类）"] == ("B", "B")
    used = {r["parameter"]: (r["before"], r["after"]) for r in result["readings"]}
    assert used["performance.assessment_pool"] == ("district", "city")
    assert stored(client) == grades  # nothing written


def test_a_district_sees_its_own_institutions_ranked_in_the_city(client: TestClient) -> None:
    """The reading chosen for a district-bound caller's city-pool impact (A-72): its own district's assessments are
    listed and counted, ranked among the whole city's; the other districts' take part in the ranking unlisted. 衢江区
    sees its 5, one changed (衢江一院 B → A); 柯城区 its 5, none changed (柯城一院 is the city's second)."""
    record_all(client)
    qujiang = impact(client, CITY, identity_headers("medinsurance", district="衢江区"))
    assert (qujiang["records"], qujiang["outcome_changed"]) == (5, 1)
    assert {r["label"].split("（")[1] for r in qujiang["largest"]} == {"衢江区综合类）"}
    assert by_label(qujiang)["衢江一院（衢江区综合类）"] == ("B", "A")
    assert "全市统筹排名" in qujiang["scope"]
    kecheng = impact(client, CITY, identity_headers("medinsurance", district="柯城区"))
    assert (kecheng["records"], kecheng["outcome_changed"]) == (5, 0)
    assert not any("衢江" in r["label"] for r in kecheng["largest"])
    assert impact(client, CITY, district="柯城区")["outcome_changed"] == 0  # a city-wide caller asking for 柯城区
    # in district pools a district-bound caller reads its own district only, as before
    assert (
        "全市"
        not in impact(client, {"performance.b_min_score": "85"}, identity_headers("medinsurance", district="柯城区"))[
            "scope"
        ]
    )


def test_the_stored_grading_pools_the_city_when_its_book_reads_so(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version of the performance book published with ``city`` (stood for here by the scenario's values): each
    record grades the city's pool again, so the last one recorded leaves 衢江一院 A (rank 1 of 10), audited as a
    regrade, and 柯城一院 B at rank 2."""
    real = parameters.in_force
    monkeypatch.setattr(
        "medinsurance.casework.assessments.in_force",
        lambda name, day, overrides=None: real(name, day, CITY),
    )
    made = record_all(client)
    grades = stored(client)
    assert grades[made["衢江一院"]["id"]] == ("A", 1)
    assert grades[made["柯城一院"]["id"]] == ("B", 2)
    assert grades[made["柯城五院"]["id"]] == ("B", 10)
