"""房票 under an agreement (衢政发〔2023〕2号 三(三)2; AMBIGUITIES A-13, A-39): issued with its validity, used or
converted to money within it, once."""

from typing import Any

from expropriation_kit import household, project, refused, sign, signed_monetary
from fastapi.testclient import TestClient
from testkit import id_number, identity_headers


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


def test_voucher_issue_day_near_year_9999_is_a_422(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001")
    a = sign(client, h["id"], method="house_voucher").json()
    refused(client.post(f"/v1/agreements/{a['id']}/voucher", json={"issued_on": "9999-12-31"}), "issued_on")
