"""Whole cases through the API, held to the law as events happen (issue 26): the ledger pays only what the
agreement entitles the household to now. Fixtures: expropriation_kit (a 柯城区 project pre-announced 2023-06-01,
signing deadline 2023-09-30, hand-over deadline 2023-10-31, appraised 3,000/m², market 9,000/m²; households of
本村 members with one 150 m² 砖混 house built 2000)."""

from typing import Any

from expropriation_kit import household, project, sign
from fastapi.testclient import TestClient
from testkit import id_number

BUILDING_150 = {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}


def pay(client: TestClient, agreement_id: int, item_code: str, amount: str, paid_on: str = "2023-11-05") -> Any:
    return client.post(
        "/v1/payments",
        json={"agreement_id": agreement_id, "item_code": item_code, "amount": amount, "paid_on": paid_on},
    )


def claw_back(client: TestClient, agreement_id: int, corrected: dict[str, Any]) -> Any:
    body = {"agreement_id": agreement_id, "found_on": "2024-01-10", "reason": "虚报", "corrected": corrected}
    return client.post("/v1/clawbacks", json=body)


def member(sequence: int) -> dict[str, Any]:
    return {"name": f"成员{sequence}", "id_number": id_number(sequence=sequence), "collective_member": True}


def test_clawback_leaves_an_earned_village_reward_alone(client: TestClient) -> None:
    """四(一) recovers what was 骗取, not what the household earned after signing (三(四)8 整村 reward, A-25)."""
    p = project(client)
    a = household(client, p["id"], "001", seqs=(1,))
    b = household(client, p["id"], "002", seqs=(2,))
    first = sign(client, a["id"]).json()  # the village is not complete yet: reward 0 in the quote as signed
    assert {i["code"]: i["amount"] for i in first["quote"]["items"]}["village_completion_reward"] == "0.00"
    sign(client, b["id"], handed_over_on="2023-10-20")  # the last household, in time: the village completes
    assert pay(client, first["id"], "village_completion_reward", "9000").status_code == 201  # 150 m² × 60
    nothing_found = claw_back(client, first["id"], {"members": [member(1)], "buildings": [BUILDING_150]})
    assert nothing_found.status_code == 201, nothing_found.text
    assert (nothing_found.json()["amount"], nothing_found.json()["by_item"]) == ("0.00", {})
    smaller = claw_back(
        client, first["id"], {"members": [member(1)], "buildings": [BUILDING_150 | {"legal_area_m2": "120"}]}
    )
    # 9,000 paid − 120 m² × 60 = 7,200 due = 1,800
    assert (smaller.json()["amount"], smaller.json()["by_item"]) == (
        "1800.00",
        {"village_completion_reward": "1800.00"},
    )
    # the found facts are the agreement's from now on: nothing more of the reward is payable
    assert pay(client, first["id"], "village_completion_reward", "0.01").json()["code"] == "overpayment"


def voucher_case(client: TestClient) -> dict[str, Any]:
    """A 房票 household of two (安置面积 110 + 50 = 160 m²): 房票 price 9,000 − 1,200 (砖混 重置价) = 7,800/m²,
    value 7,800 × 160 = 1,248,000 (A-12)."""
    p = project(client)
    h = household(client, p["id"], "001", method="house_voucher")
    agreement = sign(client, h["id"], method="house_voucher").json()
    assert {i["code"]: i["amount"] for i in agreement["quote"]["items"]}["house_voucher_value"] == "1248000.00"
    return dict(agreement)


def test_voucher_face_value_is_never_paid_in_cash(client: TestClient) -> None:
    """三(三)2(1) "房票是用于被征收人购买商品房结算的特定票据"."""
    agreement = voucher_case(client)
    r = pay(client, agreement["id"], "house_voucher_value", "1248000")
    assert (r.status_code, r.json()["code"], r.json()["basis"]) == (
        422,
        "not_a_cash_item",
        "衢政发〔2023〕2号 三(三)2(1)",
    )
    assert client.get(f"/v1/agreements/{agreement['id']}/payments").json()["total"] == 0


def test_only_what_a_purchase_left_on_the_voucher_converts_to_money(client: TestClient) -> None:
    """三(三)2(4) "被征收人所购商品房价格低于房票价值的，可以将房票剩余价值调整为货币补偿"."""
    agreement = voucher_case(client)
    voucher = client.post(f"/v1/agreements/{agreement['id']}/voucher", json={"issued_on": "2023-08-15"}).json()
    unused = client.post(f"/v1/vouchers/{voucher['id']}/convert", json={"converted_on": "2023-09-01"})
    assert (unused.status_code, unused.json()["code"]) == (409, "purchase_required")
    assert pay(client, agreement["id"], "voucher_remainder_cash", "1").status_code == 422  # nothing converted yet
    used = client.post(
        f"/v1/vouchers/{voucher['id']}/use",
        json={"used_on": "2023-09-01", "purchase_price": "1000000", "reference": "网签2023-0901"},
    )
    assert used.json()["remaining_value"] == "248000.00"  # 1,248,000 − 1,000,000
    converted = client.post(f"/v1/vouchers/{voucher['id']}/convert", json={"converted_on": "2023-09-02"}).json()
    # the remainder in money at face value
    assert (converted["converted_value"], converted["conversion_cash"]) == ("248000.00", "248000.00")
    assert pay(client, agreement["id"], "voucher_remainder_cash", "248000").status_code == 201
    assert pay(client, agreement["id"], "voucher_remainder_cash", "0.01").json()["code"] == "overpayment"


def test_no_reward_for_a_hand_over_after_the_deadline(client: TestClient) -> None:
    """三(四)8 提前腾空奖励 (A-17, A-26, A-40): earned by a hand-over recorded by the deadline, 2023-10-31 included."""
    p = project(client)
    late = sign(client, household(client, p["id"], "001", seqs=(1,))["id"], handed_over_on=None).json()
    waiting = pay(client, late["id"], "early_vacate_reward", "60000")  # 150 m² × 400 in the quote as signed
    assert (waiting.status_code, waiting.json()["code"]) == (422, "reward_not_yet_earned")
    client.post(f"/v1/agreements/{late['id']}/handover", json={"handed_over_on": "2023-11-01"})
    refused = pay(client, late["id"], "early_vacate_reward", "60000")
    assert (refused.status_code, refused.json()["code"]) == (422, "item_not_payable")
    quote = client.get(f"/v1/households/{late['household_id']}/quote").json()
    assert {i["code"]: i["amount"] for i in quote["items"]}["early_vacate_reward"] == "0.00"
    on_the_day = sign(client, household(client, p["id"], "002", seqs=(2,))["id"], handed_over_on=None).json()
    client.post(f"/v1/agreements/{on_the_day['id']}/handover", json={"handed_over_on": "2023-10-31"})
    assert pay(client, on_the_day["id"], "early_vacate_reward", "60000").status_code == 201


def test_a_deposit_counts_against_the_agreement_signed_after_it(client: TestClient) -> None:
    """二(四) 补偿提存: the deposited compensation is paid; a later agreement pays only the rest (A-41)."""
    p = project(client)
    h = household(client, p["id"], "001")
    d = client.post("/v1/disputes", json={"household_id": h["id"], "ground": "owner_missing"}).json()
    for state, on in (
        ("plan_proposed", "2023-07-01"),
        ("evidence_preserved", "2023-07-05"),
        ("decision_made", "2023-07-10"),
    ):
        client.post(f"/v1/disputes/{d['id']}/steps", json={"state": state, "on": on})
    deposit = {"state": "deposited", "on": "2023-07-20", "deposit_amount": "300000", "reference": "提存书001"}
    assert client.post(f"/v1/disputes/{d['id']}/steps", json=deposit).status_code == 200
    agreement = sign(client, h["id"]).json()
    payments = client.get(f"/v1/agreements/{agreement['id']}/payments").json()["items"]
    assert [(x["item_code"], x["amount"], x["source"], x["paid_on"]) for x in payments] == [
        ("house_monetary_compensation", "300000.00", "deposit", "2023-07-20")
    ]
    # 150 m² × 3,000 = 450,000 on the house: 300,000 deposited, 150,000 left to pay
    assert pay(client, agreement["id"], "house_monetary_compensation", "450000").json()["code"] == "overpayment"
    assert pay(client, agreement["id"], "house_monetary_compensation", "150000").status_code == 201


def test_clawback_recovers_a_flat_bought_at_replacement_price_on_an_inflated_area(client: TestClient) -> None:
    """四(一) with 三(三)3(3): a fake member inflated the 安置面积; the flat's area within it was priced at 重置价."""
    p = project(client)
    h = household(client, p["id"], "001", method="property_swap", flat_area_m2="160", flat_market_price_per_m2="8000")
    agreement = sign(client, h["id"], method="property_swap").json()
    charges = {i["code"]: i["amount"] for i in agreement["quote"]["items"] if i["kind"] == "charge"}
    assert charges == {"swap_flat_price_within_area": "-224000.00"}  # 安置面积 110 + 50 = 160 m² × 1,400
    found = claw_back(client, agreement["id"], {"members": [member(1)], "buildings": [BUILDING_150]})
    # one member: 安置面积 110 m² → 110 × 1,400 + 50 × 8,000 = 554,000 owed for the flat; 554,000 − 224,000
    assert (found.json()["amount"], found.json()["by_item"]) == ("330000.00", {"swap_flat_price": "330000.00"})
