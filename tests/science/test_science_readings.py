"""Readings as switches (issue 31): each reading of an unclear sentence that changes a figure or an outcome is a
parameter a what-if switches per request, and GET /v1/readings lists it with its clause and calculators.

Each test works out, from the clause, the figure under the chosen reading and under the other one."""

import dataclasses
import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import carrier, claim_body, eligibility_body, enterprise, pool, redemption_body

from science.parameters import institute_params
from science.rules.institute_management import AnnualReport, InstituteStatus, monitoring_verdict

FINANCIAL = {"service_type": "financial_consulting", "on": "2023-06-01"}


def subsidy(client: TestClient, fee: str, parameters: dict[str, str] | None = None) -> dict[str, Any]:
    body = FINANCIAL | {"fee": fee} | ({"parameters": parameters} if parameters else {})
    r = client.post("/v1/vouchers/subsidy", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_readings_are_listed_with_their_register_entry_clause_and_calculators(client: TestClient) -> None:
    r = client.get("/v1/readings", params={"on": "2023-06-01"})
    assert r.status_code == 200, r.text
    listed = {reading["parameter"]: reading for reading in r.json()}
    assert {name: (reading["id"], reading["chosen"]) for name, reading in listed.items()} == {
        "institutes.field_condition_halves": ("I-07", "both"),
        "institutes.shared_edge_band": ("I-01", "upper"),
        "institutes.ip_window_from": ("I-04", "same_date"),
        "institutes.incident_window_from": ("I-08", "previous_year_start"),
        "institutes.misses_run_across_gaps": ("I-09", "false"),
        "institutes.hitech_valid_on": ("I-06", "application"),
        "institutes.period_start_day_counted": ("G-01", "false"),
        "vouchers.validity_start_day_counted": ("G-01", "false"),
        "vouchers.fraud_ban_start_day_counted": ("G-01", "false"),
        "institutes.false_materials_ban_start_day_counted": ("G-01", "false"),
        "institutes.audit_reports_of": ("I-11", "three_years"),
        "institutes.shared_equipment_cap_applies": ("I-03", "true"),
        "vouchers.financial_consulting_half_of": ("V-01", "excess"),
        "vouchers.redemption_deadline_day_included": ("V-04", "true"),
        "vouchers.submission_within_validity": ("V-02", "true"),
        "vouchers.service_use_from": ("V-06", "claim_day"),
        "vouchers.annual_cap_counts": ("V-03", "face_value"),
        "vouchers.refused_reservation_returns_to": ("V-11", "voucher_while_valid"),
        "vouchers.carrier_ban_withholds": ("V-13", "redemptions"),
        "vouchers.credit_ban_reach": ("G-02", "every_programme"),
        "policies.rd_growth_without_previous": ("P-02", "not_met"),
        "policies.premium_within_voucher": ("P-05", "true"),
    }
    assert listed["vouchers.financial_consulting_half_of"]["clause"] == "衢市科发高〔2022〕44号 三(五)"
    assert listed["vouchers.financial_consulting_half_of"]["calculators"] == [
        "POST /v1/vouchers/subsidy",
        "POST /v1/impact/voucher-redemptions",
    ]


@pytest.mark.parametrize(
    ("fee", "excess", "whole"),
    [
        # 5000 itself is 以内: 5000 in full under both readings (the "whole" reading starts above 5000).
        ("5000", "5000.00", "5000.00"),
        # 8000: 5000 + (8000 − 5000) × 50% = 5000 + 1500 = 6500; the whole fee at 50%: 8000 × 50% = 4000.
        ("8000", "6500.00", "4000.00"),
        # 5000.02: 5000 + 0.02 × 50% = 5000.01; whole: 5000.02 × 50% = 2500.01 (the cliff V-01 names).
        ("5000.02", "5000.01", "2500.01"),
    ],
)
def test_financial_consulting_under_each_reading_of_the_part_above_5000(
    client: TestClient, fee: str, excess: str, whole: str
) -> None:
    """44号 三(五) 5000元以内全额抵扣，超过5000元部分按实际发生服务费用的50%给予补助 (V-01)."""
    assert subsidy(client, fee)["subsidy"] == excess
    switched = subsidy(client, fee, {"vouchers.financial_consulting_half_of": "whole"})
    assert switched["subsidy"] == whole
    assert switched["parameter_version"].endswith("+scenario")


def test_the_other_reading_of_financial_consulting_over_a_years_redemptions(client: TestClient) -> None:
    """Impact of V-01 switched: a 财务咨询 redemption of a 8,000 fee on a 10,000 voucher was paid 5,000 + 3,000 × 50%
    = 6,500; under the other reading 8,000 × 50% = 4,000, so −2,500. A 4,000 fee is 5,000 以内 under both readings:
    4,000, capped by what is left on the voucher."""
    enterprise(client, hitech_valid_until="2024-12-31")
    voucher = client.post("/v1/claims", json=claim_body(pool(client)["id"], "10000")).json()
    served_by = carrier(client)["id"]
    for number, fee in (("1", "8000"), ("2", "4000")):
        changes = {"service_type": "financial_consulting", "fee": fee, "paid_amount": fee}
        numbers = {"contract_number": f"HT-FC-{number}", "invoice_number": f"FP-FC-{number}"}
        r = client.post("/v1/redemptions", json=redemption_body(voucher["id"], served_by, **numbers, **changes))
        assert r.status_code == 201, r.text
    body = {"year": 2023, "parameters": {"vouchers.financial_consulting_half_of": "whole"}}
    r = client.post("/v1/impact/voucher-redemptions", json=body)
    assert r.status_code == 200, r.text
    result = r.json()
    # Before: 6,500 + 3,500 (the 4,000 capped at the 10,000 − 6,500 left) = 10,000; after: 4,000 + 4,000 = 8,000.
    assert (result["total_before"], result["total_after"], result["difference"]) == ("10000.00", "8000.00", "-2000.00")
    assert (result["gain"], result["lose"]) == (1, 1)


def test_submissions_on_31_december_under_each_reading_of_the_deadline(client: TestClient) -> None:
    """44号 四(四) 于当年度12月31日前在线提交兑付申请，逾期不予受理 (V-04). A voucher of 10,000 claimed 2023-10-15
    (valid through 2024-01-15, G-01, so 四(四)'s deadline comes first). R1: 检验检测 fee 10,000 submitted 12-30,
    10,000 × 40% = 4,000; R2: fee 5,000 submitted 12-31, 5,000 × 40% = 2,000. Chosen reading (前 includes the
    31st): both accepted, 6,000. Other reading (12-30 the last day): R2 is out of time, 0: total 4,000, −2,000,
    one record's outcome changed from payable to redemption_deadline_passed."""
    enterprise(client, hitech_valid_until="2024-12-31")
    voucher = client.post("/v1/claims", json=claim_body(pool(client)["id"], "10000", claimed_on="2023-10-15")).json()
    served_by = carrier(client)["id"]
    made = {}
    for name, fee, submitted_on in (("R1", "10000", "2023-12-30"), ("R2", "5000", "2023-12-31")):
        changes = {"fee": fee, "paid_amount": fee, "used_on": "2023-12-20", "submitted_on": submitted_on}
        numbers = {"contract_number": f"HT-{name}", "invoice_number": f"FP-{name}"}
        r = client.post("/v1/redemptions", json=redemption_body(voucher["id"], served_by, **numbers, **changes))
        assert r.status_code == 201, r.text
        made[name] = r.json()
    body = {"year": 2023, "parameters": {"vouchers.redemption_deadline_day_included": "false"}}
    r = client.post("/v1/impact/voucher-redemptions", json=body)
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["total_before"], result["total_after"], result["difference"]) == ("6000.00", "4000.00", "-2000.00")
    assert (result["lose"], result["unchanged"], result["outcome_changed"]) == (1, 1, 1)
    assert {row["record_id"]: row["after"] for row in result["largest"]}[str(made["R2"]["id"])] == "0.00"


def test_a_reading_the_book_does_not_list_is_refused(client: TestClient) -> None:
    r = client.post(
        "/v1/vouchers/subsidy",
        json=FINANCIAL | {"fee": "8000", "parameters": {"vouchers.financial_consulting_half_of": "half"}},
    )
    assert (r.status_code, r.json()["errors"][0]["code"]) == (422, "reading_unknown")


def test_rd_subsidy_with_no_previous_rd_under_each_reading_of_growth(client: TestClient) -> None:
    """衢政发〔2023〕1号 二13 研发费用达200万元及以上，或占营业收入比重3%以上且研发费用年增长20%以上 (P-02).

    R&D 100万, none the year before, revenue 1000万: under 200万, ratio 100/1000 = 10% ≥ 3%; growth from 0 is
    undefined. Chosen reading (not met): not eligible, 0. Other reading (met): eligible;
    存量 min(100万, 0) = 0 × 2% = 0, 增量 100万 − 0 = 100万 × 10% = 100,000.00, under the 100万 cap."""
    body = {"rd_expense": "1000000", "previous_rd_expense": "0", "revenue": "10000000"}
    chosen = client.post("/v1/policies/rd-subsidy", json=body).json()
    assert (chosen["eligible"], chosen["subsidy"]) == (False, "0.00")
    other = {"policies.rd_growth_without_previous": "met"}
    switched = client.post("/v1/policies/rd-subsidy", json=body | {"parameters": other})
    assert switched.status_code == 200, switched.text
    assert (switched.json()["eligible"], switched.json()["subsidy"]) == (True, "100000.00")
    assert [line["amount"] for line in switched.json()["lines"]] == ["0.00", "100000.00"]
    # Ratio not met (revenue 5000万: 100/5000 = 2% < 3%): growth alone never suffices, under either reading.
    low_ratio = body | {"revenue": "50000000", "parameters": other}
    assert client.post("/v1/policies/rd-subsidy", json=low_ratio).json()["eligible"] is False


def test_shared_equipment_under_each_reading_of_the_30_percent_cap(client: TestClient) -> None:
    """43号 一(六) 科研生产共用的设备原值不超过科研设备原值总额的30%(……按30%比例计入) (I-03).

    Dedicated 200万, shared 700万. Chosen reading (both halves): 700万 × 30% = 210万, capped at
    200万 × 30/70 = 85.71万; counted 285.71万 < 400万: not met. Other reading (the parenthesis alone):
    200万 + 210万 = 410万 ≥ 400万: met.
    """
    body = eligibility_body(dedicated_equipment_value="2000000", shared_equipment_value="7000000")

    def site_equipment(parameters: dict[str, str] | None) -> bool:
        sent = body | ({"parameters": parameters} if parameters else {})
        r = client.post("/v1/research-institutes/eligibility", json=sent)
        assert r.status_code == 200, r.text
        return next(c["passed"] for c in r.json()["conditions"] if c["code"] == "site_equipment")

    assert site_equipment(None) is False
    assert site_equipment({"institutes.shared_equipment_cap_applies": "false"}) is True


def condition(client: TestClient, code: str, parameters: dict[str, str] | None = None, **changes: Any) -> bool:
    """Whether the one condition ``code`` of 43号 一 passes for the standard applicant with ``changes``."""
    body = eligibility_body(**changes) | ({"parameters": parameters} if parameters else {})
    r = client.post("/v1/research-institutes/eligibility", json=body)
    assert r.status_code == 200, r.text
    return next(bool(c["passed"]) for c in r.json()["conditions"] if c["code"] == code)


def test_the_field_condition_under_each_reading_of_its_two_halves(client: TestClient) -> None:
    """43号 一(一) 属于……新材料……等重要领域，属于我市重点发展的支柱产业、主导产业和高新技术产业领域 (I-07).
    An applicant in 新材料 (an important field) that names no key industry. Chosen reading (both halves): not met.
    Other reading (either half): met. Naming neither fails under both."""
    assert condition(client, "field", key_industries=[]) is False
    assert condition(client, "field", {"institutes.field_condition_halves": "either"}, key_industries=[]) is True
    neither = {"important_fields": [], "key_industries": []}
    assert condition(client, "field", {"institutes.field_condition_halves": "either"}, **neither) is False


def test_recent_ip_under_each_reading_of_where_three_years_start(client: TestClient) -> None:
    """43号 一(七) 近三年内……拥有1件以上发明专利 (I-04). Applied 2023-06-01, one invention patent obtained 2020-03-01.
    Chosen reading (the same date three years before): the window opens 2020-06-01, the patent is outside: not met.
    Other reading (from 1 January of 2023 − 3 = 2020): the window opens 2020-01-01, the patent counts: met."""
    patent = {"ip_rights": [{"kind": "invention_patent", "obtained_on": "2020-03-01"}]}
    assert condition(client, "intellectual_property", **patent) is False
    assert condition(client, "intellectual_property", {"institutes.ip_window_from": "calendar_year"}, **patent) is True


def test_incidents_under_each_reading_of_the_year_before(client: TestClient) -> None:
    """43号 一(九) 申请认定前一年度至申请之日内未发生重大安全、质量事故 (I-08). Applied 2023-06-01, a major quality
    accident on 2022-03-01. Chosen reading (from 1 January of 2022): inside, not met. Other reading (from the same
    date a year before, 2022-06-01): outside, met."""
    accident = {"incidents": [{"kind": "重大质量事故", "occurred_on": "2022-03-01"}]}
    assert condition(client, "no_incidents", **accident) is False
    other = {"institutes.incident_window_from": "one_year_before"}
    assert condition(client, "no_incidents", other, **accident) is True


def test_two_misses_around_an_unreported_year_under_each_reading_of_consecutive() -> None:
    """43号 三(五) 年度研发投入不达标的给与“黄色”预警，连续两年不达标的取消资格 (I-09). Reports: 2023 missed,
    2024 not reported, 2025 missed. Chosen reading (consecutive calendar years): 2024's gap breaks the run, 2025 is a
    first miss again: yellow warning. Other reading (consecutive reports): 2023 and 2025 are two in a row: revoked.
    The annual reports are stored records (no what-if): the rule is tried with each reading."""
    published = institute_params(dt.date(2025, 6, 1))
    other = dataclasses.replace(published, misses_run_across_gaps=True)
    reports = [AnnualReport(2023, meets_standard=False), AnnualReport(2025, meets_standard=False)]
    chosen_verdict, other_verdict = monitoring_verdict(reports, published), monitoring_verdict(reports, other)
    assert chosen_verdict is not None and chosen_verdict.status is InstituteStatus.YELLOW_WARNING
    assert other_verdict is not None and other_verdict.status is InstituteStatus.REVOKED
