"""Issue 12 "Readings to revisit": ties at the bottom (A-25), fixed-date holidays after 2026 (A-01), fractional
steps (A-22)."""

import datetime as dt
from decimal import Decimal

from medinsurance.parameters import params
from medinsurance.rules.performance import AssessmentInput, Category, ItemInput, grade_all, score_table
from medinsurance.rules.workdays import add_working_days, day_kind

D = dt.date
P = params("performance", D(2023, 3, 1))


def pool(*scores):
    # half-year and annual score equal → final score = s × 0.3 + s × 0.7 = s
    return [AssessmentInput(f"i{k}", Decimal(s), Decimal(s)) for k, s in enumerate(scores)]


def graded(category, *scores):
    return {r.id: r for r in grade_all(category, pool(*scores), P)}


# ---------------------------------------------------------------- A-25 "排名末两位"


def test_fifty_tied_pharmacies_are_not_all_suspended():
    r = graded(Category.PHARMACY, 95, 90, 88, *([75] * 50))
    tied = [r[f"i{k}"] for k in range(3, 53)]
    assert not any(t.consequences.settlement_suspended for t in tied)
    assert all(t.consequences.caseworker_review for t in tied)
    assert r["i0"].consequences.caseworker_review is None


def test_strictly_last_two_are_suspended():
    # 90, 80, 80, 70, 65: 65 is last, 70 second last → both suspended; the 80s are 3rd/4th from the bottom
    r = graded(Category.OUTPATIENT, 90, 80, 80, 70, 65)
    assert r["i4"].consequences.settlement_suspended and r["i3"].consequences.settlement_suspended
    assert not r["i1"].consequences.settlement_suspended and r["i1"].consequences.caseworker_review is None


def test_a_tie_filling_exactly_the_last_two_places_is_suspended():
    r = graded(Category.PHARMACY, 90, 80, 70, 70)
    assert r["i2"].consequences.settlement_suspended and r["i3"].consequences.settlement_suspended
    assert r["i2"].consequences.caseworker_review is None


def test_tie_across_the_boundary_goes_to_the_caseworker():
    # 90, 80, 80, 70: 70 is last (suspended); the two 80s share 2nd/3rd from the bottom → review, not suspended
    r = graded(Category.OUTPATIENT, 90, 80, 80, 70)
    assert r["i3"].consequences.settlement_suspended
    for k in ("i1", "i2"):
        assert not r[k].consequences.settlement_suspended
        assert "经办机构决定" in r[k].consequences.caseworker_review


def test_below_60_is_suspended_whatever_the_tie():
    # "低于60分" suspends on its own: three tied at 59.99 all suspended; exactly 60 is not 低于60
    r = graded(Category.PHARMACY, 95, 90, 85, Decimal("59.99"), Decimal("59.99"), Decimal("59.99"))
    assert all(r[f"i{k}"].consequences.settlement_suspended for k in (3, 4, 5))
    r60 = graded(Category.PHARMACY, 95, 90, 85, 60, 60, 60)
    assert not any(r60[f"i{k}"].consequences.settlement_suspended for k in (3, 4, 5))


def test_tie_review_over_http(client):
    body = {
        "category": "pharmacy",
        "on": "2024-03-01",
        "institutions": [{"id": f"p{k}", "half_year_score": 75, "annual_score": 75} for k in range(5)],
    }
    results = client.post("/v1/assessments/grade", json=body).json()["results"]
    assert {r["consequences"]["settlement_suspended"] for r in results} == {False}
    assert all(r["consequences"]["caseworker_review"] for r in results)


# ---------------------------------------------------------------- A-01 fixed-date holidays after 2026


def test_fixed_date_holidays_are_known_in_2027():
    for day in (D(2027, 1, 1), D(2027, 5, 1), D(2027, 5, 2), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)):
        kind = day_kind(day)
        assert not kind.working and not kind.provisional and kind.source == "statutory-fixed"
    monday = day_kind(D(2027, 10, 4))
    assert monday.working and monday.provisional and monday.source == "mon-fri"


def test_deadline_over_national_day_2027():
    # Thu 2027-09-30 + 1 working day: Fri 10-01 国庆 (fixed), 10-02/03 weekend, Mon 10-04 → provisional
    r = add_working_days(D(2027, 9, 30), 1)
    assert r.date == D(2027, 10, 4) and r.provisional


# ---------------------------------------------------------------- A-22 whole and started steps


def test_fractional_points_count_whole_steps():
    # 门诊类 3 人脸识别成功率 8分 "每降低1个百分点扣0.2分": 2.5 points short → 2 whole steps → 0.4 → 7.6
    r = score_table(Category.OUTPATIENT, {"O03": ItemInput(units={"shortfall_points": Decimal("2.5")})}, P)
    assert next(i.score for i in r.items if i.code == "O03") == Decimal("7.6")


def test_started_steps_where_the_row_says_so():
    # 门诊类 8 结算人数 7分 "每下降10%(不足10%的按照10%计)扣1分": 12% = 1.2 steps → 2 started steps → 7 − 2 = 5
    r = score_table(Category.OUTPATIENT, {"O08": ItemInput(units={"ten_percent_steps": Decimal("1.2")})}, P)
    assert next(i.score for i in r.items if i.code == "O08") == Decimal(5)


def test_fractional_steps_over_http(client):
    body = {"category": "outpatient", "on": "2024-03-01", "items": {"O03": {"units": {"shortfall_points": "2.5"}}}}
    items = client.post("/v1/assessments/score", json=body).json()["items"]
    assert next(i["score"] for i in items if i["code"] == "O03") == 7.6
