"""Readings of the ledger as switches (issue 31): A-29 and A-42 (what a 四(一) finding recovers), A-40 (when the
三(四)8 rewards are payable) and A-13 (a 房票's last valid day) are parameters of the book an agreement was signed with,
which its commands consult; a what-if asks a stored agreement or voucher the same question under a scenario and writes
nothing. Figures by hand from the clauses.

Fixtures: expropriation_kit (a 柯城区 project pre-announced 2023-06-01, signing deadline 2023-09-30, hand-over deadline
2023-10-31, appraised 3,000/m², market 9,000/m²; households of 本村 members with one 150 m² 砖混 house built 2000).
"""

import dataclasses
import datetime as dt
from typing import Any

from expropriation_kit import household, project, refused, sign
from fastapi.testclient import TestClient
from testkit import id_number, identity_headers

from expropriation.rules.fees import voucher_last_valid_day, voucher_valid_on
from expropriation.rules.params import CityParams

BUILDING_150 = {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}
AGAINST_SIGNING = {"expropriation.clawback_against": "quote_at_signing"}
NO_FLAT_NOR_VOUCHER = {"expropriation.clawback_recovers_flat_and_voucher": "false"}
ON_PROJECTION = {"expropriation.rewards_payable_on_projection": "true"}
DAY_BEFORE = {"expropriation.voucher_valid_through_corresponding_day": "false"}


def member(sequence: int) -> dict[str, Any]:
    return {"name": f"成员{sequence}", "id_number": id_number(sequence=sequence), "collective_member": True}


def finding(
    client: TestClient, agreement_id: int, corrected: dict[str, Any], parameters: dict[str, str] | None = None
) -> dict[str, Any]:
    """What a finding of ``corrected`` facts on 2024-01-10 would recover (POST /v1/clawbacks/what-if)."""
    body = {"agreement_id": agreement_id, "found_on": "2024-01-10", "corrected": corrected, "parameters": parameters}
    r = client.post("/v1/clawbacks/what-if", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def recovered(answer: dict[str, Any]) -> tuple[str, dict[str, str], str]:
    return answer["amount"], answer["by_item"], answer["voucher_cut"]


def pay(client: TestClient, agreement_id: int, item_code: str, amount: str, paid_on: str = "2023-11-05") -> Any:
    body = {"agreement_id": agreement_id, "item_code": item_code, "amount": amount, "paid_on": paid_on}
    return client.post("/v1/payments", json=body)


def clawbacks_of(client: TestClient, agreement_id: int) -> int:
    return int(client.get(f"/v1/agreements/{agreement_id}/clawbacks").json()["total"])


# ---------------------------------------------------------------- A-29 四(一): against what is the clawback computed


def test_a_clawback_against_the_entitlement_now_or_the_quote_at_signing(client: TestClient) -> None:
    """A-29, 四(一) "收回被骗取的安置资金": household 001 (one member) signs while its village is incomplete (its quote
    carries 整村 reward 0); 002 signs and hands over in time, the village completes, 001 is paid its reward
    150 m² × 60 = 9,000 (三(四)8). A finding then puts 001's house at 120 m².
    As chosen (the entitlement now, the completion counted): 120 × 60 = 7,200 due; 9,000 − 7,200 = 1,800.
    Other reading (the quote at signing on the found facts: no completion then, reward 0): 9,000 − 0 = 9,000.
    A finding that changes nothing: 0 as chosen; 9,000 under the other reading (the reward earned after signing)."""
    p = project(client)
    a, b = household(client, p["id"], "001", seqs=(1,)), household(client, p["id"], "002", seqs=(2,))
    first = sign(client, a["id"]).json()
    assert {i["code"]: i["amount"] for i in first["quote"]["items"]}["village_completion_reward"] == "0.00"
    sign(client, b["id"], handed_over_on="2023-10-20")
    assert pay(client, first["id"], "village_completion_reward", "9000").status_code == 201
    smaller = {"members": [member(1)], "buildings": [BUILDING_150 | {"legal_area_m2": "120"}]}
    same = {"members": [member(1)], "buildings": [BUILDING_150]}
    chosen = finding(client, first["id"], smaller)
    assert recovered(chosen) == ("1800.00", {"village_completion_reward": "1800.00"}, "0.00")
    assert chosen["basis"] == "衢政发〔2023〕2号 四(一)" and "scenario" not in chosen
    other = finding(client, first["id"], smaller, AGAINST_SIGNING)
    assert recovered(other) == ("9000.00", {"village_completion_reward": "9000.00"}, "0.00")
    assert other["scenario"] == AGAINST_SIGNING
    assert other["parameter_versions"]["expropriation"] == "2023-03-01+scenario"
    assert recovered(finding(client, first["id"], same)) == ("0.00", {}, "0.00")
    assert recovered(finding(client, first["id"], same, AGAINST_SIGNING))[0] == "9000.00"
    # the what-ifs wrote nothing; the finding itself, recorded, recovers what the book's reading says: 1,800
    assert clawbacks_of(client, first["id"]) == 0
    body = {"agreement_id": first["id"], "found_on": "2024-01-10", "reason": "虚报面积", "corrected": smaller}
    recorded = client.post("/v1/clawbacks", json=body)
    assert recorded.status_code == 201, recorded.text
    assert (recorded.json()["amount"], recorded.json()["by_item"]) == (
        "1800.00",
        {"village_completion_reward": "1800.00"},
    )


def test_a_clawback_what_if_refuses_what_a_finding_would_and_an_unlisted_reading(client: TestClient) -> None:
    a = sign(client, household(client, project(client)["id"], "001")["id"]).json()
    corrected = {"members": [member(1)], "buildings": [BUILDING_150]}
    body = {"agreement_id": a["id"], "found_on": "2024-01-10", "corrected": corrected}
    unknown = client.post("/v1/clawbacks/what-if", json=body | {"parameters": {"expropriation.clawback_against": "x"}})
    problem = refused(unknown, "parameters.expropriation.clawback_against")
    assert problem["errors"][0]["code"] == "reading_unknown"
    early = client.post("/v1/clawbacks/what-if", json=body | {"found_on": "2023-07-31"})  # signed 2023-08-01
    assert refused(early, "found_on")["code"] == "found_before_signing"
    qujiang = identity_headers("expropriation", district="衢江区")
    elsewhere = client.post("/v1/clawbacks/what-if", json=body, headers=qujiang)
    assert refused(elsewhere, "agreement_id")["code"] == "reference_not_found"


# ---------------------------------------------------------------- A-42 四(一): the flat and the 房票


def test_a_flat_bought_short_recovered_or_not(client: TestClient) -> None:
    """A-42 with 三(三)3(3) "安置面积范围内按重置价结算，超出部分按市场评估价": two members (安置面积
    110 + 50 = 160 m²), a 160 m² flat charged 160 × 1,400 = 224,000. Found: one member, 安置面积 110 m²:
    110 × 1,400 + 50 × 8,000 = 554,000 owed. As chosen: 554,000 − 224,000 = 330,000 recovered (swap_flat_price).
    Other reading: 0."""
    p = project(client)
    h = household(client, p["id"], "001", method="property_swap", flat_area_m2="160", flat_market_price_per_m2="8000")
    agreement = sign(client, h["id"], method="property_swap").json()
    found = {"members": [member(1)], "buildings": [BUILDING_150]}
    assert recovered(finding(client, agreement["id"], found)) == ("330000.00", {"swap_flat_price": "330000.00"}, "0.00")
    assert recovered(finding(client, agreement["id"], found, NO_FLAT_NOR_VOUCHER)) == ("0.00", {}, "0.00")


def test_a_voucher_found_too_high_cut_and_recovered_or_not(client: TestClient) -> None:
    """A-42 with 三(三)2(2): two members, 房票 (9,000 − 1,200) × 160 = 1,248,000, issued, used on a flat of 1,000,000
    (248,000 unused). Found: one member, 安置面积 110: 房票 7,800 × 110 = 858,000; beyond it 1,248,000 − 858,000
    = 390,000. As chosen: the unused 248,000 cut from the voucher, 390,000 − 248,000 = 142,000 recovered
    (house_voucher_value). Other reading: nothing cut, nothing recovered (no cash was paid)."""
    h = household(client, project(client)["id"], "001", method="house_voucher")
    agreement = sign(client, h["id"], method="house_voucher").json()
    voucher = client.post(f"/v1/agreements/{agreement['id']}/voucher", json={"issued_on": "2023-08-15"}).json()
    use = {"used_on": "2023-09-01", "purchase_price": "1000000"}
    assert client.post(f"/v1/vouchers/{voucher['id']}/use", json=use).json()["remaining_value"] == "248000.00"
    found = {"members": [member(1)], "buildings": [BUILDING_150]}
    chosen = finding(client, agreement["id"], found)
    assert recovered(chosen) == ("142000.00", {"house_voucher_value": "142000.00"}, "248000.00")
    assert recovered(finding(client, agreement["id"], found, NO_FLAT_NOR_VOUCHER)) == ("0.00", {}, "0.00")
    # a what-if cuts nothing from the stored voucher
    assert client.get(f"/v1/vouchers/{voucher['id']}").json()["remaining_value"] == "248000.00"


# ---------------------------------------------------------------- A-40 三(四)8: rewards before the hand-over


def test_a_reward_payable_on_the_projection_or_only_after_the_hand_over(client: TestClient) -> None:
    """A-40, 三(四)8 签约腾空奖励: signed 2023-08-01, no hand-over recorded; the quote projects an on-time hand-over:
    150 m² × 400 (柯城区) = 60,000.
    As chosen: not yet earned, the payment refused (reward_not_yet_earned), entitled 0 now.
    Other reading: payable on the projection, 60,000 accepted. After a hand-over on 2023-11-01 (deadline 2023-10-31)
    the reward is 0 under both (item_not_payable)."""
    p = project(client)
    a = sign(client, household(client, p["id"], "001")["id"], handed_over_on=None).json()
    body = {"agreement_id": a["id"], "item_code": "early_vacate_reward", "amount": "60000", "paid_on": "2023-09-01"}

    def asked(parameters: dict[str, str] | None = None) -> dict[str, Any]:
        r = client.post("/v1/payments/what-if", json=body | {"parameters": parameters})
        assert r.status_code == 200, r.text
        return dict(r.json())

    chosen = asked()
    assert (chosen["accepted"], chosen["refusal"]["code"], chosen["entitled"]) == (
        False,
        "reward_not_yet_earned",
        "0.00",
    )
    assert chosen["refusal"]["basis"] == "衢政发〔2023〕2号 三(四)8"
    other = asked(ON_PROJECTION)
    assert (other["accepted"], other["refusal"], other["entitled"], other["paid"]) == (True, None, "60000.00", "0.00")
    assert other["scenario"] == ON_PROJECTION
    # the payment itself follows the book: refused, and the what-ifs paid nothing
    assert refused(pay(client, a["id"], "early_vacate_reward", "60000", "2023-09-01"), "item_code")["code"] == (
        "reward_not_yet_earned"
    )
    assert client.get(f"/v1/agreements/{a['id']}/payments").json()["total"] == 0
    client.post(f"/v1/agreements/{a['id']}/handover", json={"handed_over_on": "2023-11-01"})
    late = asked(ON_PROJECTION)
    assert (late["accepted"], late["refusal"]["code"], late["entitled"]) == (False, "item_not_payable", "0.00")
    before_signing = client.post("/v1/payments/what-if", json=body | {"paid_on": "2023-07-31"}).json()
    assert (before_signing["accepted"], before_signing["refusal"]["code"]) == (False, "paid_before_signing")


# ---------------------------------------------------------------- A-13 三(三)2(2): a 房票's last valid day


def test_a_voucher_s_last_day_by_each_reading() -> None:
    """A-13, 三(三)2(2) "房票有效期自出票之日起计算，最长不超过24个月": issued 2023-08-10.
    As chosen: through the corresponding day, 2025-08-10. Other reading (the issue day the first day): 2025-08-09.
    Issued 2024-02-29, no 29 February in 2026: the month's last day, 2026-02-28, under both (民法典 第二百零二条)."""
    from expropriation.books import params_on

    chosen = params_on("柯城区", dt.date(2023, 7, 1)).city
    other: CityParams = dataclasses.replace(chosen, voucher_valid_through_corresponding_day=False)
    issued = dt.date(2023, 8, 10)
    assert voucher_last_valid_day(chosen, issued) == dt.date(2025, 8, 10)
    assert voucher_last_valid_day(other, issued) == dt.date(2025, 8, 9)
    assert voucher_valid_on(chosen, issued, dt.date(2025, 8, 10)) is True
    assert voucher_valid_on(other, issued, dt.date(2025, 8, 10)) is False
    assert voucher_valid_on(other, issued, dt.date(2025, 8, 9)) is True
    assert voucher_valid_on(other, issued, issued) is True
    leap = dt.date(2024, 2, 29)
    assert voucher_last_valid_day(chosen, leap) == voucher_last_valid_day(other, leap) == dt.date(2026, 2, 28)


def test_a_stored_voucher_s_last_day_under_a_scenario(client: TestClient) -> None:
    """A-13 on a stored 房票 issued 2023-08-10: its recorded last day 2025-08-10 (the book's reading). Under the other
    reading 2025-08-09: a use on 2025-08-10 would be refused, on 2025-08-09 accepted under both. Under 18 months
    (voucher_validity_months, a figure): 2025-02-10. The voucher is unchanged."""
    h = household(client, project(client)["id"], "001", method="house_voucher")
    agreement = sign(client, h["id"], method="house_voucher").json()
    voucher = client.post(f"/v1/agreements/{agreement['id']}/voucher", json={"issued_on": "2023-08-10"}).json()

    def asked(on: str, parameters: dict[str, str] | None = None) -> tuple[str, str, bool]:
        r = client.post(f"/v1/vouchers/{voucher['id']}/what-if", json={"on": on, "parameters": parameters})
        assert r.status_code == 200, r.text
        return r.json()["expires_on"], r.json()["recorded_expires_on"], r.json()["valid_on"]

    assert asked("2025-08-10") == ("2025-08-10", "2025-08-10", True)
    assert asked("2025-08-10", DAY_BEFORE) == ("2025-08-09", "2025-08-10", False)
    assert asked("2025-08-09", DAY_BEFORE) == ("2025-08-09", "2025-08-10", True)
    assert asked("2025-08-11") == ("2025-08-10", "2025-08-10", False)
    assert asked("2025-02-10", {"expropriation.voucher_validity_months": "18"})[::2] == ("2025-02-10", True)
    assert client.get(f"/v1/vouchers/{voucher['id']}").json()["expires_on"] == "2025-08-10"
    # the use itself follows the book: accepted on 2025-08-10
    last_day = client.post(f"/v1/vouchers/{voucher['id']}/use", json={"used_on": "2025-08-10", "purchase_price": "1"})
    assert last_day.status_code == 200, last_day.text
    missing = client.post("/v1/vouchers/999999/what-if", json={"on": "2025-08-10"})
    assert refused(missing, "voucher_id", 404)["code"] == "not_found"
