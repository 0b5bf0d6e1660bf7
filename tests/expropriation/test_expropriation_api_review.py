"""The expropriation API after the clause review (issue 11) and the input rules of issues 9 and 10: strict flags,
dates that are facts, bounded ids, certificate against declared area, 房票 validity, explicit zeros."""

import datetime as dt
from typing import Any

import pytest
from expropriation_kit import household, project, quote_body, sign
from fastapi.testclient import TestClient
from testkit import id_number, identity_headers

from expropriation.exchange.roster import ROSTER_COLUMNS
from qz_common.clock import today
from qz_common.periods import add_months


def member(**over: Any) -> dict[str, Any]:
    return {"name": "张一", "id_number": id_number(sequence=1), "collective_member": True} | over


def building(**over: Any) -> dict[str, Any]:
    return {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000} | over


def refused(r: Any, field: str, status: int = 422) -> dict[str, Any]:
    assert r.status_code == status, r.text
    problem = dict(r.json())
    assert problem["field"] == field, problem
    return problem


# --- strict inputs --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "true", 1, "1"])
def test_boolean_must_be_true_or_false(client: TestClient, value: Any) -> None:
    r = client.post("/v1/quotes", json=quote_body(members=[member(collective_member=value)]))
    refused(r, "members[0].collective_member")


def test_every_request_body_refuses_unknown_fields(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    bodies = set()
    for operations in spec["paths"].values():
        for op in operations.values():
            content = op.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            if ref:
                bodies.add(ref.rsplit("/", 1)[1])
    assert {"QuoteRequest", "ProjectIn", "HouseholdIn", "AgreementIn", "PaymentIn", "VoucherUseIn"} <= bodies
    for name in bodies:
        assert schemas[name].get("additionalProperties") is False, name
    r = client.post("/v1/quotes", json=quote_body(fraud_found=True))
    refused(r, "fraud_found")


def test_unknown_field_of_a_nested_member_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=quote_body(members=[member(is_ownr=True)]))
    refused(r, "members[0].is_ownr")


# --- dates that are facts, and dates far ahead (issues 9, 10, 11) ----------------------------------------------


def tomorrow() -> str:
    return (today() + dt.timedelta(days=1)).isoformat()


def test_future_death_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=quote_body(members=[member(died_on=tomorrow())]))
    refused(r, "members[0].died_on")


def test_future_building_work_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=quote_body(buildings=[building(work_kind="extension", work_done_on=tomorrow())]))
    refused(r, "buildings[0].work_done_on")


def test_work_kind_without_its_day_refused(client: TestClient) -> None:
    refused(client.post("/v1/quotes", json=quote_body(buildings=[building(work_kind="extension")])), "buildings[0]")


def test_building_work_after_valuation_refused(client: TestClient) -> None:
    r = client.post(
        "/v1/quotes", json=quote_body(buildings=[building(work_kind="extension", work_done_on="2023-07-02")])
    )
    refused(r, "buildings[0].work_done_on")


def test_future_signature_refused(client: TestClient) -> None:
    refused(client.post("/v1/quotes", json=quote_body(agreement_signed_on=tomorrow())), "agreement_signed_on")


def test_announcement_in_the_far_future_refused(client: TestClient) -> None:
    far = add_months(today(), 13).isoformat()
    r = client.post("/v1/quotes", json=quote_body(pre_announcement_date=far, signing_deadline=far, valuation_date=far))
    refused(r, "pre_announcement_date")


@pytest.mark.parametrize("field", ["signing_deadline", "valuation_date"])
def test_year_9999_is_a_422_not_a_500(client: TestClient, field: str) -> None:
    refused(client.post("/v1/quotes", json=quote_body(**{field: "9999-12-31"})), field)


def test_voucher_issue_day_near_year_9999_is_a_422(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001")
    a = sign(client, h["id"], method="house_voucher").json()
    refused(client.post(f"/v1/agreements/{a['id']}/voucher", json={"issued_on": "9999-12-31"}), "issued_on")


@pytest.mark.parametrize("path", ["/v1/projects/{}", "/v1/households/{}", "/v1/agreements/{}", "/v1/vouchers/{}"])
@pytest.mark.parametrize("value", [2**63, 0, -1, 10**30])
def test_path_ids_are_bounded(client: TestClient, path: str, value: int) -> None:
    r = client.get(path.format(value))
    assert r.status_code == 422, r.text


def test_body_ids_are_bounded(client: TestClient) -> None:
    r = client.post("/v1/agreements", json={"household_id": 2**63, "method": "monetary", "signed_on": "2023-08-01"})
    refused(r, "household_id")
    r = client.post(
        "/v1/payments", json={"agreement_id": 10**30, "item_code": "x", "amount": "1", "paid_on": "2023-08-01"}
    )
    refused(r, "agreement_id")


def signed_monetary(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    h = household(client, project(client)["id"], "001")
    return h, dict(sign(client, h["id"]).json())


def test_payment_of_zero_refused(client: TestClient) -> None:
    _, a = signed_monetary(client)
    body = {"agreement_id": a["id"], "item_code": "moving_fee", "amount": "0", "paid_on": "2023-08-20"}
    refused(client.post("/v1/payments", json=body), "amount")
    # 三(四)7 moving fee due 3,000 (one move): 2,000 + 1,000 = 3,000 is the most that may be paid
    for amount in ("2000", "1000"):
        assert client.post("/v1/payments", json=body | {"amount": amount}).status_code == 201
    refused(client.post("/v1/payments", json=body | {"amount": "0.01"}), "amount")
    refused(client.post("/v1/payments", json=body | {"amount": "1", "paid_on": tomorrow()}), "paid_on")


# --- 二(三) certificate against declared area ------------------------------------------------------------------------


def test_certificate_conflicting_with_declared_area_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=quote_body(buildings=[building(certificate_area_m2="120")]))
    problem = refused(r, "buildings[0].certificate_area_m2")
    assert "不一致" in problem["errors"][0]["detail"]


def test_authority_area_conflicting_with_declared_area_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=quote_body(buildings=[building(authority_area_m2="160")]))
    refused(r, "buildings[0].authority_area_m2")


def test_certificate_governs_when_the_legal_area_is_left_out(client: TestClient) -> None:
    b = building(certificate_area_m2="120", authority_area_m2="160")
    del b["legal_area_m2"]
    r = client.post("/v1/quotes", json=quote_body(buildings=[b]))
    assert r.status_code == 200, r.text
    assert r.json()["legal_residential_area_m2"] == "120.00"
    # 120 m² × 3000 = 360,000 (never the larger 160)
    item = next(i for i in r.json()["items"] if i["code"] == "house_monetary_compensation")
    assert item["amount"] == "360000.00"


def test_matching_certificate_and_declared_area_accepted(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=quote_body(buildings=[building(certificate_area_m2="150")]))
    assert r.status_code == 200, r.text


# --- issue 11 items through the API ----------------------------------------------------------------------------------


def test_non_residential_only_household_money_only(client: TestClient) -> None:
    shop = building(use="non_residential", structure="frame", legal_area_m2="100")
    r = client.post("/v1/quotes/compare", json=quote_body(buildings=[shop]))
    by = {o["method"]: o for o in r.json()["outcomes"]}
    assert by["monetary"]["quote"]["total"] == "420000.00"  # 100 × 1400 × 3
    assert by["monetary"]["quote"]["resettlement_area_m2"] == "0.00"
    assert by["property_swap"]["refusal"]["basis"] == "衢政发〔2023〕2号 三(二)"


def test_tenants_only_household_refused(client: TestClient) -> None:
    r = client.post("/v1/quotes", json=quote_body(members=[member(occupancy="tenant")]))
    problem = refused(r, "members")
    assert problem["code"] == "not_entitled"
    assert problem["basis"] == "衢政发〔2023〕2号 三(四)5"


def test_retired_official_needs_the_way_of_leaving(client: TestClient) -> None:
    left = member(exclusion="civil_servant", civil_service_left_on="2010-01-01")
    refused(
        client.post("/v1/quotes", json=quote_body(members=[left, member(id_number=id_number(sequence=2))])),
        "members[0].civil_service_exit",
    )
    retired = left | {"civil_service_exit": "retired"}
    r = client.post("/v1/quotes", json=quote_body(members=[retired, member(id_number=id_number(sequence=2))]))
    assert r.status_code == 200, r.text
    assert r.json()["resettlement_persons"] == 1  # the retired official stays excluded (三(一)1(2) 含离退休人员)


def test_explicit_zero_household_appraisal_is_not_the_projects(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001", appraised_price_per_m2="0")
    q = client.get(f"/v1/households/{h['id']}/quote").json()
    item = next(i for i in q["items"] if i["code"] == "house_monetary_compensation")
    assert item["amount"] == "0.00"  # 150 × 0, not 150 × 3000 (the project's)


def test_appraised_items_in_the_settlement_sheet(client: TestClient) -> None:
    p = project(client)
    household(client, p["id"], "001", appraised_items=[{"kind": "decoration", "label": "装修", "amount": "12345.60"}])
    sheet = client.get(f"/v1/projects/{p['id']}/settlement-sheet").text
    header, row = sheet.lstrip("\ufeff").splitlines()[:2]
    assert "decoration_compensation" in header.split(",")
    assert "12345.60" in row.split(",")


def test_roster_flags_accept_words_and_refuse_others(client: TestClient) -> None:
    def roster(flag: str) -> bytes:
        rows = [
            {"household_ref": "001", "record": "member", "head_name": "甲", "name": "甲"}
            | {"id_number": id_number(sequence=1), "collective_member": flag},
            {
                "household_ref": "001",
                "record": "building",
                "use": "residential",
                "structure": "frame",
                "legal_area_m2": "100",
                "built_year": "2000",
            },
        ]
        lines = [",".join(ROSTER_COLUMNS)] + [",".join(r.get(c, "") for c in ROSTER_COLUMNS) for r in rows]
        return ("\n".join(lines) + "\n").encode()

    p = project(client)
    bad = client.post(f"/v1/projects/{p['id']}/roster", files={"file": ("r.csv", roster("yes"), "text/csv")})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "row 2.members[0].collective_member"
    ok = client.post(f"/v1/projects/{p['id']}/roster", files={"file": ("r.csv", roster("是"), "text/csv")})
    assert ok.status_code == 201, ok.text


# --- 房票 validity (三(三)2(2)) ------------------------------------------------------------------------------


def voucher_agreement(client: TestClient, ref: str = "001") -> dict[str, Any]:
    h = household(client, project(client)["id"], ref, method="house_voucher")
    r = sign(client, h["id"], method="house_voucher")
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_voucher_issued_with_its_expiry_and_shown_to_the_household(client: TestClient) -> None:
    a = voucher_agreement(client)
    r = client.post(f"/v1/agreements/{a['id']}/voucher", json={"issued_on": "2023-08-10"})
    assert r.status_code == 201, r.text
    v = r.json()
    # (9000 − 1200) × 160 = 1,248,000; valid from 2023-08-10 to the corresponding day 24 months on, 2025-08-10
    assert v["face_value"] == "1248000.00"
    assert v["expires_on"] == "2025-08-10"
    assert v["state"] == "issued"
    assert v["basis"] == "衢政发〔2023〕2号 三(三)2"
    again = client.post(f"/v1/agreements/{a['id']}/voucher", json={"issued_on": "2023-08-10"})
    assert again.status_code == 409
    me = client.get("/v1/me/household", headers=identity_headers("expropriation", citizen=id_number(sequence=1)))
    assert me.status_code == 200, me.text
    assert me.json()[0]["voucher"]["expires_on"] == "2025-08-10"


def test_voucher_usable_on_its_issue_day_and_last_day_only(client: TestClient) -> None:
    a = voucher_agreement(client)
    v = client.post(f"/v1/agreements/{a['id']}/voucher", json={"issued_on": "2023-08-10"}).json()
    before = client.post(f"/v1/vouchers/{v['id']}/use", json={"used_on": "2023-08-09", "purchase_price": "1000000"})
    assert refused(before, "used_on")["code"] == "voucher_not_yet_issued"
    late = client.post(f"/v1/vouchers/{v['id']}/use", json={"used_on": "2025-08-11", "purchase_price": "1000000"})
    problem = refused(late, "used_on")
    assert problem["code"] == "voucher_expired"
    assert problem["basis"] == "衢政发〔2023〕2号 三(三)2(2)"
    on_issue_day = client.post(
        f"/v1/vouchers/{v['id']}/use", json={"used_on": "2023-08-10", "purchase_price": "1000000"}
    )
    assert on_issue_day.status_code == 200, on_issue_day.text
    # 三(三)2(4): purchase 1,000,000 below the value 1,248,000 → 248,000 remains, convertible to money
    assert on_issue_day.json()["remaining_value"] == "248000.00"
    pay = {"agreement_id": a["id"], "item_code": "voucher_remainder_cash", "amount": "1", "paid_on": "2025-09-01"}
    refused(client.post("/v1/payments", json=pay), "item_code")  # nothing converted yet, nothing payable
    expired = client.post(f"/v1/vouchers/{v['id']}/convert", json={"converted_on": "2025-08-11"})
    assert refused(expired, "converted_on")["code"] == "voucher_expired"
    last_day = client.post(f"/v1/vouchers/{v['id']}/convert", json={"converted_on": "2025-08-10"})
    assert last_day.status_code == 200, last_day.text
    assert last_day.json()["conversion_cash"] == "248000.00"  # at face value
    assert last_day.json()["state"] == "converted"
    # the converted 248,000 is now payable, and no more
    assert client.post("/v1/payments", json=pay | {"amount": "248000"}).status_code == 201
    refused(client.post("/v1/payments", json=pay | {"amount": "0.01"}), "amount")
    assert client.post(f"/v1/vouchers/{v['id']}/convert", json={"converted_on": "2025-08-10"}).status_code == 409


def test_voucher_used_twice_refused(client: TestClient) -> None:
    a = voucher_agreement(client)
    v = client.post(f"/v1/agreements/{a['id']}/voucher", json={"issued_on": "2023-08-10"}).json()
    body = {"used_on": "2024-01-01", "purchase_price": "1300000"}
    first = client.post(f"/v1/vouchers/{v['id']}/use", json=body)
    assert first.status_code == 200 and first.json()["remaining_value"] == "0.00"  # dearer flat: household pays
    assert client.post(f"/v1/vouchers/{v['id']}/use", json=body).status_code == 409
    assert client.post(f"/v1/vouchers/{v['id']}/convert", json={"converted_on": "2024-01-02"}).status_code == 409


def test_voucher_only_under_a_voucher_agreement(client: TestClient) -> None:
    _, a = signed_monetary(client)
    r = client.post(f"/v1/agreements/{a['id']}/voucher", json={"issued_on": "2023-08-10"})
    assert r.status_code == 409 and r.json()["code"] == "not_a_voucher_agreement"
    before_signing = voucher_agreement(client, "002")
    r = client.post(f"/v1/agreements/{before_signing['id']}/voucher", json={"issued_on": "2023-07-31"})
    refused(r, "issued_on")


def test_agreement_with_appraised_items_requotes_identically(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001", appraised_items=[{"kind": "attachment", "label": "围墙", "amount": "5000"}])
    a = sign(client, h["id"], method="monetary").json()
    # 150 × 3000 + 18,000 + 3,000 + 60,000 = 531,000; the village's only household signed and handed over in time
    # → + 150 × 60 = 9,000 (三(四)8); + the appraised 5,000 → 545,000
    assert a["total"] == "545000.00"
    assert client.get(f"/v1/agreements/{a['id']}/requote").json()["total"] == "545000.00"


def test_signing_for_a_tenants_only_household_refused(client: TestClient) -> None:
    p = project(client)
    tenant = {"name": "租户", "id_number": id_number(sequence=7), "collective_member": True, "occupancy": "tenant"}
    h = household(client, p["id"], "001", members=[tenant])
    r = sign(client, h["id"], method="monetary")
    assert refused(r, "members")["code"] == "not_entitled"
    again = sign(client, h["id"], method="monetary")
    assert again.json()["code"] == "not_entitled"  # nothing was stored by the refused signing (not 409)


def test_payment_and_clawback_not_before_the_agreement(client: TestClient) -> None:
    h, a = signed_monetary(client)
    pay = {"agreement_id": a["id"], "item_code": "moving_fee", "amount": "100", "paid_on": "2023-07-31"}
    refused(client.post("/v1/payments", json=pay), "paid_on")
    assert client.post("/v1/payments", json=pay | {"paid_on": "2023-08-01"}).status_code == 201
    corrected = {"members": h["facts"]["members"], "buildings": h["facts"]["buildings"]}
    claw = {"agreement_id": a["id"], "found_on": "2023-07-31", "reason": "虚报", "corrected": corrected}
    refused(client.post("/v1/clawbacks", json=claw), "found_on")
