"""What-if grading: a district tries another A-grade share before publishing it (qz_common.scenario)."""

from decimal import Decimal

from fastapi.testclient import TestClient
from medinsurance_testdata import MEDICAL

from medinsurance.api.examples import EXAMPLES, GRADE_REQUEST, PHARMACY_USCC
from medinsurance.parameters import PARAMS_DIR
from qz_common.parameter_api import ParameterShelf


def grades(client: TestClient, parameters: dict[str, str] | None) -> dict[str, str | None]:
    r = client.post("/v1/assessments/grade", json={**GRADE_REQUEST, "parameters": parameters})
    assert r.status_code == 200, r.text
    assert r.json().get("scenario") == parameters
    return {x["id"]: x["grade"] for x in r.json()["results"]}


def test_a_wider_a_share_changes_the_grades(client: TestClient) -> None:
    # 附件1 二(三)/(四): final = 30% half-year + 70% annual; H330802001: 0.3×92.5 + 0.7×94 = 93.55 (≥ 90), rank 1
    # of the 2 graded (the institution new this year is not graded). A needs rank ≤ 2 × share:
    # 2 × 10% = 0.2 → no A (B); with a 50% share, 2 × 50% = 1 → A.
    assert grades(client, None)["H330802001"] == "B"
    wider = grades(client, {"performance.comprehensive_a_top_share": "0.50"})
    assert wider["H330802001"] == "A"


def test_overrides_are_validated(client: TestClient) -> None:
    r = client.post("/v1/assessments/grade", json={**GRADE_REQUEST, "parameters": {"evaluation.pass_score": "60"}})
    assert (r.status_code, r.json()["field"]) == (422, "parameters.evaluation.pass_score")
    assert r.json()["errors"][0]["code"] == "parameter_unknown"  # another book than grading uses


def test_a_shorter_payment_period_moves_the_deadline(client: TestClient) -> None:
    body = {"duty": "payment", "start": "2023-06-01"}
    # 四(六) 申报后30个工作日内拨付; tried at 10: 2023-06-01 (Thu, not counted) → 6/2, 6/5–6/9, 6/12–6/15 = 10
    # working days (no holiday before 端午 6/22) → 2023-06-15.
    r = client.post("/v1/calculators/deadline", json=body | {"parameters": {"agreement.payment_working_days": "10"}})
    assert r.status_code == 200, r.text
    assert (r.json()["deadline"], r.json()["scenario"]) == ("2023-06-15", {"agreement.payment_working_days": "10"})
    assert "agreement=" in r.headers["x-parameter-versions"] and "+scenario@" in r.headers["x-parameter-versions"]
    assert "scenario" not in client.post("/v1/calculators/deadline", json=body).json()
    # a count of working days takes whole numbers only
    half = client.post(
        "/v1/calculators/deadline", json=body | {"parameters": {"agreement.payment_working_days": "10.5"}}
    )
    assert (half.status_code, half.json()["code"]) == (422, "scenario_not_computable")


def test_a_longer_chronic_supply_allows_the_prescription(client: TestClient) -> None:
    body = {"on": "2023-06-01", "disease": "chronic", "days": 20}
    plain = client.post("/v1/calculators/dispensing", json=body).json()
    assert (plain["allowed"], plain["max_days"]) == (False, 15)  # 附件2 二(五) 一般慢性病不超过15天量
    r = client.post("/v1/calculators/dispensing", json=body | {"parameters": {"conduct.chronic_max_days": "30"}})
    assert (r.json()["allowed"], r.json()["max_days"]) == (True, 30)  # 20 ≤ 30


def test_stored_records_never_take_overrides(client: TestClient) -> None:
    r = client.post("/v1/violations", json={"parameters": {"sanctions.payment_due_days": "30"}})
    assert r.status_code == 422
    assert {"field": "parameters", "code": "extra_forbidden"} in [
        {"field": e["field"], "code": e["code"]} for e in r.json()["errors"]
    ]


def test_each_figure_has_one_book() -> None:
    # issue 28 "one figure, one home": pass_score (评估, 二(三)3), suspensions_for_termination (五(三)5(1)) and
    # reassess_months (附件1 二(四)2) were each kept in two books, so a what-if of one did not move the other
    books = ParameterShelf.load(PARAMS_DIR).books
    homes: dict[str, list[str]] = {}
    for book in books:
        for key in book.versions[-1].values:
            homes.setdefault(key, []).append(book.name)
    assert {key: names for key, names in homes.items() if len(names) > 1} == {}
    assert (homes["pass_score"], homes["suspensions_for_termination"], homes["reassess_months"]) == (
        ["evaluation"],
        ["agreement"],
        ["performance"],
    )


def test_a_what_if_of_the_pass_mark_moves_the_evaluation_and_its_basis(client: TestClient) -> None:
    # 二(三)3 "评估分数85分(含)以上的为合格": the example scores 100; with a pass mark of 100.01 it does not pass
    body = {**MEDICAL, "parameters": {"evaluation.pass_score": "100.01"}}
    r = client.post("/v1/evaluations/score", json=body)
    assert (r.status_code, r.json()["qualified"]) == (200, False), r.text
    assert r.json()["basis"].endswith("100.01分(含)以上的为合格")


# Readings as switches (issue 31): each register entry whose other reading changes a figure, tried through the
# what-if of the calculator it touches, with that reading's figure worked by hand from the clause.


def test_the_average_shown_passes_an_evaluation_the_exact_average_fails(client: TestClient) -> None:
    """A-13 (二(三)3 "得分取各评估小组成员平均分", "85分(含)以上"): three evaluators give 85, 85 and 84.99 (item 14
    场所布局 0 with 4 designated nearby: −10; item 4 one verified price complaint: −5; the third enters comfort 1.99
    instead of 2). Σ = 254.99, exact average 84.9966… < 85: not qualified; shown to 0.01 it is 85.00 ≥ 85: qualified
    when the other reading compares the average shown."""
    at85 = {**MEDICAL["sheets"][0], "community_designated": 4, "disclosure": {"verified_price_complaints": 1}}
    below = {**at85, "premises": {"owned": True, "area_m2": "500", "comfort": "1.99"}}
    body = {**MEDICAL, "sheets": [at85, at85, below]}
    exact = client.post("/v1/evaluations/score", json=body).json()
    assert (exact["total"], exact["qualified"]) == ("85.00", False)
    shown = client.post(
        "/v1/evaluations/score", json=body | {"parameters": {"evaluation.pass_compared_on": "rounded_average"}}
    ).json()
    assert (shown["total"], shown["qualified"]) == ("85.00", True)


def test_a_lease_of_exactly_three_years_and_exactly_200_drugs_read_the_other_way(client: TestClient) -> None:
    """A-32 (表2 item 4 租赁 "超过3年(含3年)得3分,超过2年(含2年)得2分") and A-30 (item 14 "超过200的得1分,低于200的
    不得分"), on the pharmacy example (a 36-month lease) with exactly 200 drugs. Chosen: the lease takes 3 (含), 200
    drugs 0 (超过 excludes). Other readings: the lease 2 (超过 excludes 36), 200 drugs 1; each total moves by 1."""
    body = {**EXAMPLES["PharmacyEvaluationIn"]}
    body["sheets"] = [{**body["sheets"][0], "catalogue_drug_varieties": 200}]

    def scored(parameters: dict[str, str] | None) -> tuple[Decimal, Decimal, Decimal]:
        r = client.post("/v1/evaluations/score", json=body | {"parameters": parameters})
        assert r.status_code == 200, r.text
        items = {i["no"]: Decimal(i["score"]) for i in r.json()["items"]}
        return items[4], items[14], Decimal(r.json()["total"])

    premises, varieties, total = scored(None)
    assert varieties == 0
    assert scored({"evaluation.lease_band_boundary": "excluded"}) == (premises - 1, varieties, total - 1)
    assert scored({"evaluation.variety_band_boundary": "included"}) == (premises, Decimal(1), total + 1)


def test_deductions_stopped_row_by_row_leave_the_group_two_points_more(client: TestClient) -> None:
    """A-62 (门诊类 4 工作完成情况 "累计计算扣分,扣完为止"): 结算率 12 percentage points short deducts 12 from a
    10-point row. Cumulative: the 2 points over come off 非标率, 100 − 2 (O13/O14 unentered: 1 of 2 each, A-42) − 12
    = 86. Row by row: the row stops at 0 and the 2 are lost, 100 − 2 − 10 = 88."""
    body = {"category": "outpatient", "on": "2023-12-31", "items": {"O04a": {"units": {"shortfall_points": "12"}}}}
    assert client.post("/v1/assessments/score", json=body).json()["total"] == 86
    per_row_reading = {"parameters": {"performance.group_deductions": "per_row"}}
    per_row = client.post("/v1/assessments/score", json=body | per_row_reading)
    assert per_row.status_code == 200, per_row.text
    assert per_row.json()["total"] == 88


def penalty_under(client: TestClient, body: dict[str, object], reading: dict[str, str] | None) -> dict[str, object]:
    r = client.post("/v1/violations/penalty", json=body | {"parameters": reading})
    assert r.status_code in (200, 422), r.text
    return {"status": r.status_code} | dict(r.json())


def test_a_penalty_for_every_tier_read_from_five_five(client: TestClient) -> None:
    """A-09: a tier-4 case at 10% of 12,680.00 元. Chosen (only 五(三)3 lists 违约金): refused, the only ratio is 0.
    Other reading (五(五) for every tier, cap 30%): 12,680.00 × 10% = 1,268.00 元, due 30 日 later."""
    body = {"tier": 4, "violation_amount": "12680.00", "ratio": "0.10", "decided_on": "2023-09-12"}
    assert penalty_under(client, body, None)["status"] == 422
    every = penalty_under(client, body, {"sanctions.penalty_tiers": "every_tier"})
    assert (every["penalty"], every["allowed_low"], every["allowed_high"]) == ("1268.00", "0", "0.30")


def test_mitigation_without_a_bound_allows_a_quarter(client: TestClient) -> None:
    """A-10: tier 3 with one 从轻 circumstance (附件3 二(1)) at 25%. Chosen: 从轻 alone caps the ratio at 20%, refused.
    Other reading (the whole 10%–30%): 12,680.00 × 25% = 3,170.00 元."""
    body = {"tier": 3, "violation_amount": "12680.00", "ratio": "0.25", "decided_on": "2023-09-12", "mitigating": [1]}
    assert penalty_under(client, body, None)["status"] == 422
    full = penalty_under(client, body, {"sanctions.circumstances_bound": "full_range"})
    assert (full["penalty"], full["allowed_high"]) == ("3170.00", "0.30")


def test_thirty_working_days_to_pay(client: TestClient) -> None:
    """A-11: a 违约金 decided Tuesday 2023-09-12. Chosen (30 日, calendar days): 2023-10-12. Other reading (30 working
    days, the decision day not counted, A-01): 9/13–15 (3), 9/18–22 (8), 9/25–28 (12; 9/29–10/6 中秋国庆), 10/7 and
    10/8 (调休 working, 14), 10/9–13 (19), 10/16–20 (24), 10/23–27 (29), 10/30 (30): 2023-10-30."""
    body = {"tier": 3, "violation_amount": "12680.00", "ratio": "0.20", "decided_on": "2023-09-12"}
    assert penalty_under(client, body, None)["due_on"] == "2023-10-12"
    working = penalty_under(client, body, {"sanctions.payment_due_counting": "working_days"})
    assert (working["penalty"], working["due_on"]) == ("2536.00", "2023-10-30")


def test_a_final_score_rounded_to_the_cent_reaches_b(client: TestClient) -> None:
    """A-23 (附件1 二(三) 最终得分 = 半年 × 30% + 年度 × 70%): 80.03 × 30% + 79.98 × 70% = 24.009 + 55.986 = 79.995.
    Chosen (exact): below 80, C. Other reading (rounded half up to 0.01 first): 80.00, "80分(含)以上" B."""
    body = {
        "category": "comprehensive",
        "on": "2023-12-31",
        "institutions": [{"id": "H1", "half_year_score": "80.03", "annual_score": "79.98"}],
    }
    exact = client.post("/v1/assessments/grade", json=body).json()["results"][0]
    assert (exact["final_score"], exact["grade"]) == (79.995, "C")
    cent = body | {"parameters": {"performance.final_score_rounding": "cent"}}
    rounded = client.post("/v1/assessments/grade", json=cent).json()["results"][0]
    assert (rounded["final_score"], rounded["grade"]) == (80.0, "B")


def test_a_tie_across_the_last_two_places_suspended_whole(client: TestClient) -> None:
    """A-25 (附件1 二(四)2 "将排名末两位的…予以暂停联网结算"): four clinics, one at 95 and three tied at 85 (all above
    60). The three share the last place but fill three places, across the last-two boundary. Chosen: none is
    suspended, each goes to the caseworker. Other reading (the whole tie): all three suspended."""
    clinics = [{"id": "K1", "half_year_score": "95", "annual_score": "95"}] + [
        {"id": f"K{k}", "half_year_score": "85", "annual_score": "85"} for k in (2, 3, 4)
    ]
    body = {"category": "outpatient", "on": "2023-12-31", "institutions": clinics}

    def suspended(parameters: dict[str, str] | None) -> dict[str, tuple[bool, bool]]:
        r = client.post("/v1/assessments/grade", json=body | {"parameters": parameters})
        assert r.status_code == 200, r.text
        return {
            x["id"]: (x["consequences"]["settlement_suspended"], x["consequences"]["caseworker_review"] is not None)
            for x in r.json()["results"]
        }

    chosen = suspended(None)
    assert chosen == {"K1": (False, False), "K2": (False, True), "K3": (False, True), "K4": (False, True)}
    whole = suspended({"performance.last_places_tie": "whole_tie"})
    assert whole == {"K1": (False, False), "K2": (True, False), "K3": (True, False), "K4": (True, False)}


def evaluation_items(client: TestClient, body: dict[str, object], parameters: dict[str, str] | None) -> dict[int, str]:
    """Item number → score, and 0 → the total, of an evaluation scored under ``parameters``."""
    r = client.post("/v1/evaluations/score", json=body | {"parameters": parameters})
    assert r.status_code == 200, r.text
    return {i["no"]: i["score"] for i in r.json()["items"]} | {0: r.json()["total"]}


def test_the_oldest_licence_under_the_code_counts_across_a_change(client: TestClient) -> None:
    """A-14 (表1 item 6 "社会信用代码不变按照最老的执业许可证计算经营时间,有变化按照最新的"): licences 2018-01-01 under
    the institution's code, 2020-01-01 under another, 2022-06-01 under its code again; evaluated 2023-06-01. Chosen
    (the latest unbroken run): from 2022-06-01, 1 year → 3 of 5, total 98. Other reading (the oldest under the
    current code): from 2018, over 2 years → 5, total 100."""
    licences = [
        {"approved_on": "2018-01-01", "uscc": MEDICAL["licences"][0]["uscc"]},
        {"approved_on": "2020-01-01", "uscc": PHARMACY_USCC},
        {"approved_on": "2022-06-01", "uscc": MEDICAL["licences"][0]["uscc"]},
    ]
    body = {**MEDICAL, "licences": licences}
    chosen = evaluation_items(client, body, None)
    assert (chosen[6], chosen[0]) == ("3.00", "98.00")
    oldest = evaluation_items(client, body, {"evaluation.licence_history": "oldest_under_uscc"})
    assert (oldest[6], oldest[0]) == ("5.00", "100.00")


def test_a_village_clinic_scored_on_its_own_data(client: TestClient) -> None:
    """A-29 (表1 items 3, 8, 12 "规范化村级医疗机构参照上级医疗机构标准"): the clinic's own sheet is full; its 上级
    lacks 2 devices (item 3: 7 − 2 = 5), has no 基本账户 (item 8: 0 of 2) and 1 诊疗科目 (item 12: 2 of 5). Chosen (the
    parent's data): 100 − 2 − 2 − 3 = 93. Other reading (its own data to the parent's standard): 100."""
    parent = {"hardware": {"missing_devices": 2}, "basic_account": False, "practice_subjects": 1}
    body = {**MEDICAL, "standardised_village": True, "parent": parent}
    chosen = evaluation_items(client, body, None)
    assert (chosen[3], chosen[8], chosen[12], chosen[0]) == ("5.00", "0.00", "2.00", "93.00")
    own = evaluation_items(client, body, {"evaluation.village_items_on": "own"})
    assert (own[3], own[8], own[12], own[0]) == ("7.00", "2.00", "5.00", "100.00")


def test_every_pharmacist_counted_past_the_rows_five(client: TestClient) -> None:
    """A-45 (表2 item 7 药师配备: 按规定配备 2 分, 每增加一名执业药师加 2 分, 分值 5): the pharmacy example with 3 more
    licensed pharmacists, 2 + 3 × 2 = 8. Chosen: stopped at 5. Other reading (no cap): 8, the total 3 more."""
    body = {**EXAMPLES["PharmacyEvaluationIn"]}
    body["sheets"] = [{**body["sheets"][0], "additional_licensed_pharmacists": 3}]
    chosen = evaluation_items(client, body, None)
    uncapped = evaluation_items(client, body, {"evaluation.pharmacist_points": "uncapped"})
    assert (chosen[7], uncapped[7]) == ("5.00", "8.00")
    assert Decimal(uncapped[0]) == Decimal(chosen[0]) + 3


def test_a_contract_ending_the_day_before_its_anniversary_is_a_year_only_with_its_end_day(client: TestClient) -> None:
    """A-05 (二(二)1(2) "签订1年以上劳动合同且在合同期内"): on 2023-05-10 the pharmacy's one pharmacist holds a contract
    2022-06-01 to 2023-05-31. Chosen (its end day is one of its days): 365 days, one year, the condition holds. Other
    reading (the contract ends before its end date): 2022-06-01 to 2023-05-30, one day short of 2023-06-01, so
    "药师" is unmet."""
    body = {**EXAMPLES["PharmacyConditionsIn"]}
    body["facts"] = {**body["facts"], "pharmacists": [{"contract_start": "2022-06-01", "contract_end": "2023-05-31"}]}

    def unmet(parameters: dict[str, str] | None) -> set[str]:
        r = client.post("/v1/admission/pharmacy-conditions", json=body | {"parameters": parameters})
        assert r.status_code == 200, r.text
        return {u["code"] for u in r.json()["unmet"]}

    assert "pharmacist" not in unmet(None)
    assert "pharmacist" in unmet({"admission.contract_end_day": "excluded"})
