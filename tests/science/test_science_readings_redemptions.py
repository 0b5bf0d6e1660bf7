"""Readings of the 创新券 that stored commands decide (issue 31): V-11, P-05, V-13, V-03.

Each reading is a parameter of a book: the stored command follows the reading the book publishes, and the impact
over a year's redemptions switches it per request. Each test works out by hand, from the clause, what the command
stores under the chosen reading, what it would store were the other one published (the book is published with the
other reading for the test, as 市科技局 would publish a new version), and what the impact answers between them.

Common facts: 衢州元立新材料有限公司 claims from a 市本级 pool of 100,000 opened 2023-01-01; a voucher claimed
2023-03-01 is valid through 2023-06-01 (3 months, G-01); 检验检测 is subsidised at 40% (44号 三(四)), 委托开发 at 40%
(三(一)), a 保费 at 80% (衢政发〔2023〕1号 二8).
"""

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import CARRIER, audit_trail, carrier, claim_body, enterprise, make_uscc, pool, redemption_body

from qz_common.params import ParameterBook
from science import parameters
from science.casework import impact as impact_casework

Publish = Callable[..., None]


@pytest.fixture
def publish(monkeypatch: pytest.MonkeyPatch) -> Iterator[Publish]:
    """``publish("vouchers", key=value)``: every version of the book holds ``value`` for ``key`` (the other reading
    published), for the stored commands and the impact's published side alike."""

    def published(book: str, **values: Any) -> None:
        loader = getattr(parameters, f"{book}_book")
        original: ParameterBook = loader()
        changed = dataclasses.replace(
            original, versions=tuple(dataclasses.replace(v, values={**v.values, **values}) for v in original.versions)
        )
        monkeypatch.setattr(parameters, f"{book}_book", lambda: changed)
        if hasattr(impact_casework, f"{book}_book"):
            monkeypatch.setattr(impact_casework, f"{book}_book", lambda: changed)

    yield published


def voucher(client: TestClient, amount: str, **changes: Any) -> dict[str, Any]:
    r = client.post("/v1/claims", json=claim_body(pool(client)["id"], amount, **changes))
    assert r.status_code == 201, r.text
    return dict(r.json())


def redeem(client: TestClient, voucher_id: int, carrier_id: int, name: str, **changes: Any) -> Any:
    numbers = {"contract_number": f"HT-{name}", "invoice_number": f"FP-{name}"}
    return client.post("/v1/redemptions", json=redemption_body(voucher_id, carrier_id, **numbers, **changes))


def redeemed(client: TestClient, voucher_id: int, carrier_id: int, name: str, **changes: Any) -> dict[str, Any]:
    r = redeem(client, voucher_id, carrier_id, name, **changes)
    assert r.status_code == 201, r.text
    return dict(r.json())


def impact(client: TestClient, parameters: dict[str, str]) -> dict[str, Any]:
    r = client.post("/v1/impact/voucher-redemptions", json={"year": 2023, "parameters": parameters})
    assert r.status_code == 200, r.text
    return dict(r.json())


def by_record(result: dict[str, Any]) -> dict[str, tuple[str, str, str, str]]:
    return {
        row["record_id"]: (row["before"], row["after"], row["outcome_before"], row["outcome_after"])
        for row in result["largest"]
    }


def remaining(client: TestClient, voucher_id: int) -> str:
    return str(client.get(f"/v1/vouchers/{voucher_id}").json()["remaining"])


# --- V-11: a refused redemption's reservation ------------------------------------------------------------------------

DEVELOPMENT = {"service_type": "commissioned_development", "fee": "20000", "paid_amount": "20000"}
REFUSED = {"reasons": ["服务结果凭证与合同约定不符"], "on": "2023-04-10"}


def _refused_then_redeemed(client: TestClient) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Voucher of 10,000. R1 委托开发 fee 20,000: 20,000 × 40% = 8,000 reserved (2,000 left), submitted 04-01 and
    refused by the review on 04-10 (the voucher valid through 06-01). R2 检验检测 fee 10,000, submitted 05-01:
    10,000 × 40% = 4,000, capped by what is left on the voucher then."""
    enterprise(client, hitech_valid_until="2024-12-31")
    v = voucher(client, "10000")
    c = carrier(client)
    r1 = redeemed(client, v["id"], c["id"], "R1", **DEVELOPMENT)
    assert (r1["amount"], remaining(client, v["id"])) == ("8000.00", "2000.00")
    assert client.post(f"/v1/redemptions/{r1['id']}/reject", json=REFUSED).status_code == 200
    r2 = redeemed(client, v["id"], c["id"], "R2", submitted_on="2023-05-01")
    return v, r1, r2


def test_a_refused_reservation_goes_back_to_the_voucher_while_it_is_valid(client: TestClient) -> None:
    """V-11, chosen reading: R1's 8,000 goes back to the voucher (valid on 04-10): 10,000 left, so R2 is paid 4,000
    in full and 6,000 stays on the voucher; the pool keeps 100,000 − 10,000 = 90,000. Impact with the other reading:
    R1's 8,000 would have gone to the pool, R2 capped at the 2,000 left: 4,000 → 2,000, −2,000; R1 0 both sides."""
    v, r1, r2 = _refused_then_redeemed(client)
    assert (r2["amount"], remaining(client, v["id"])) == ("4000.00", "6000.00")
    assert client.get(f"/v1/voucher-pools/{v['pool_id']}").json()["available"] == "90000.00"
    result = impact(client, {"vouchers.refused_reservation_returns_to": "pool"})
    assert (result["records"], result["total_before"], result["total_after"]) == (2, "4000.00", "2000.00")
    assert (result["lose"], result["unchanged"], result["outcome_changed"]) == (1, 1, 0)
    assert by_record(result)[str(r2["id"])] == ("4000.00", "2000.00", "payable", "payable")
    assert by_record(result)[str(r1["id"])] == ("0.00", "0.00", "rejected", "rejected")
    parameter = "vouchers.refused_reservation_returns_to"
    switched = {"parameter": parameter, "before": "voucher_while_valid", "after": "pool"}
    assert switched in result["readings"]


def test_a_refused_reservation_goes_to_the_pool_under_the_other_reading(client: TestClient, publish: Publish) -> None:
    """V-11, the other reading published: R1's 8,000 goes to the pool (90,000 + 8,000 = 98,000) and the voucher's
    returned, the voucher keeps 2,000, and R2 is capped there: 2,000 (0 left, used up). Impact switching back to the
    chosen reading: R2 2,000 → 4,000, +2,000."""
    publish("vouchers", refused_reservation_returns_to="pool")
    v, _, r2 = _refused_then_redeemed(client)
    assert r2["amount"] == "2000.00"
    held = client.get(f"/v1/vouchers/{v['id']}").json()
    assert (held["remaining"], held["returned"], held["status"]) == ("0.00", "8000.00", "used_up")
    assert client.get(f"/v1/voucher-pools/{v['pool_id']}").json()["available"] == "98000.00"
    result = impact(client, {"vouchers.refused_reservation_returns_to": "voucher_while_valid"})
    assert (result["total_before"], result["total_after"], result["gain"]) == ("2000.00", "4000.00", 1)
    assert by_record(result)[str(r2["id"])] == ("2000.00", "4000.00", "payable", "payable")


# --- P-05: item 8's 80% through the voucher -----------------------------------------------------------------------

PREMIUM = {"service_type": "insurance_premium", "fee": "5000", "paid_amount": "5000"}


def _testing_then_premium(client: TestClient) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Voucher of 10,000. R1 检验检测 fee 20,000: 20,000 × 40% = 8,000 (2,000 left). P2 保费 5,000 paid 2023-03-10:
    5,000 × 80% = 4,000."""
    enterprise(client, hitech_valid_until="2024-12-31")
    v = voucher(client, "10000")
    c = carrier(client)
    r1 = redeemed(client, v["id"], c["id"], "R1", fee="20000", paid_amount="20000")
    p2 = redeemed(client, v["id"], c["id"], "P2", **PREMIUM)
    return v, r1, p2


def test_the_premium_compensation_is_capped_by_the_voucher(client: TestClient) -> None:
    """P-05, chosen reading: P2's 4,000 capped at the 2,000 left, the voucher used up. Impact with the other reading
    (an award outside the voucher): P2 4,000 (+2,000); R1 8,000 both sides. Item 8 is the changed item."""
    v, _, p2 = _testing_then_premium(client)
    assert (p2["entitlement"], p2["amount"]) == ("4000.00", "2000.00")
    assert client.get(f"/v1/vouchers/{v['id']}").json()["status"] == "used_up"
    result = impact(client, {"policies.premium_within_voucher": "false"})
    assert (result["total_before"], result["total_after"], result["difference"]) == ("10000.00", "12000.00", "2000.00")
    assert by_record(result)[str(p2["id"])] == ("2000.00", "4000.00", "payable", "payable")
    items = {i["code"]: (i["basis"], i["difference"]) for i in result["items"]}
    assert items["insurance_premium"] == ("衢政发〔2023〕1号 二8", "2000.00")
    assert items["testing"] == ("衢市科发高〔2022〕44号 三(四)", "0.00")


def test_the_premium_compensation_outside_the_voucher(client: TestClient, publish: Publish) -> None:
    """P-05, the other reading published: P2 is paid its 4,000 in full and draws nothing on the voucher (2,000 still
    left, active); refused, it gives nothing back to the voucher or the pool (2,000 left; pool 90,000). Impact
    switching back to the chosen reading: P2 4,000 → 2,000."""
    publish("policies", premium_within_voucher=False)
    v, _, p2 = _testing_then_premium(client)
    assert (p2["amount"], p2["basis"]) == ("4000.00", ["衢政发〔2023〕1号 二8", "衢市科发高〔2022〕44号 四(四)"])
    held = client.get(f"/v1/vouchers/{v['id']}").json()
    assert (held["remaining"], held["status"]) == ("2000.00", "active")
    result = impact(client, {"policies.premium_within_voucher": "true"})
    assert by_record(result)[str(p2["id"])] == ("4000.00", "2000.00", "payable", "payable")
    assert client.post(f"/v1/redemptions/{p2['id']}/reject", json=REFUSED).status_code == 200
    assert remaining(client, v["id"]) == "2000.00"
    assert client.get(f"/v1/voucher-pools/{v['pool_id']}").json()["available"] == "90000.00"


# --- V-13: a carrier's ban ---------------------------------------------------------------------------------------

BAN = {
    "subject_id": CARRIER,
    "subject_kind": "carrier",
    "kind": "voucher_fraud",
    "decided_on": "2023-05-01",
    "reason": "虚构检测服务骗取创新券资金",
}


def _redeemed_then_banned(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """Voucher of 10,000. R1 检验检测 fee 10,000 (4,000), submitted 04-01 and approved 04-15; the carrier is listed
    for voucher fraud on 05-01 (banned through 2026-05-01, G-01)."""
    enterprise(client, hitech_valid_until="2024-12-31")
    v = voucher(client, "10000")
    c = carrier(client)
    r1 = redeemed(client, v["id"], c["id"], "R1")
    assert client.post(f"/v1/redemptions/{r1['id']}/approve", json={"on": "2023-04-15"}).status_code == 200
    assert client.post("/v1/credit-records", json=BAN).status_code == 201
    return v, r1


def test_a_carriers_ban_withholds_redemptions_naming_it(client: TestClient) -> None:
    """V-13, chosen reading: R1 is not paid on 06-01 (carrier_credit_ban), a redemption submitted 05-10 naming the
    carrier is refused. Impact with the other reading: R1, unpaid and due 2024-04-30 inside the ban, goes from 0
    (carrier_credit_ban) to 4,000 (payable): +4,000, one outcome changed."""
    v, r1 = _redeemed_then_banned(client)
    r = client.post(f"/v1/redemptions/{r1['id']}/pay", json={"paid_on": "2023-06-01"})
    assert (r.status_code, r.json()["code"]) == (422, "carrier_credit_ban")
    r = redeem(client, v["id"], r1["carrier_id"], "R2", fee="5000", paid_amount="5000", submitted_on="2023-05-10")
    assert (r.status_code, r.json()["code"]) == (422, "carrier_credit_ban")
    result = impact(client, {"vouchers.carrier_ban_withholds": "own_funds"})
    assert (result["total_before"], result["total_after"], result["outcome_changed"]) == ("0.00", "4000.00", 1)
    assert by_record(result)[str(r1["id"])] == ("0.00", "4000.00", "carrier_credit_ban", "payable")


def test_a_carriers_ban_withholds_only_its_own_funds_under_the_other_reading(
    client: TestClient, publish: Publish
) -> None:
    """V-13, the other reading published: R1 is paid on 06-01; R2 (检验检测 fee 5,000, 5,000 × 40% = 2,000)
    submitted 05-10 is accepted. Impact switching back to the chosen reading: R1 paid 06-01 inside the ban 4,000 → 0,
    R2 submitted inside it 2,000 → 0 (refused at the door): −6,000, two outcomes changed."""
    publish("vouchers", carrier_ban_withholds="own_funds")
    v, r1 = _redeemed_then_banned(client)
    assert client.post(f"/v1/redemptions/{r1['id']}/pay", json={"paid_on": "2023-06-01"}).status_code == 200
    r2 = redeemed(client, v["id"], r1["carrier_id"], "R2", fee="5000", paid_amount="5000", submitted_on="2023-05-10")
    assert r2["amount"] == "2000.00"
    result = impact(client, {"vouchers.carrier_ban_withholds": "redemptions"})
    assert (result["total_before"], result["total_after"], result["outcome_changed"]) == ("6000.00", "0.00", 2)
    assert by_record(result)[str(r1["id"])] == ("4000.00", "0.00", "payable", "carrier_credit_ban")
    assert by_record(result)[str(r2["id"])] == ("2000.00", "0.00", "payable", "carrier_credit_ban")


# --- V-03: what counts against the year's 6万 ------------------------------------------------------------------------


def _claims_with_one_expired(client: TestClient) -> dict[str, Any]:
    """A 30,000 voucher claimed 2023-01-10 (valid through 04-10) is never used; a second 30,000 claimed 03-01. On
    05-01 a claim of 20,000: the pool collects the first on that claim (30,000 back to the pool)."""
    enterprise(client, hitech_valid_until="2024-12-31")
    p = pool(client)
    for amount, day in (("30000", "2023-01-10"), ("30000", "2023-03-01")):
        assert client.post("/v1/claims", json=claim_body(p["id"], amount, claimed_on=day)).status_code == 201
    return dict(p)


def test_the_annual_cap_counts_every_claim_s_face_value(client: TestClient) -> None:
    """V-03, chosen reading: 30,000 + 30,000 = 60,000 claimed in 2023; 60,000 + 20,000 = 80,000 > 60,000: refused,
    0 left to claim (最高 includes 60,000)."""
    p = _claims_with_one_expired(client)
    r = client.post("/v1/claims", json=claim_body(p["id"], "20000", claimed_on="2023-05-01"))
    assert (r.status_code, r.json()["code"]) == (422, "annual_cap_exceeded")
    assert "尚可申领0" in r.json()["detail"]


def test_the_annual_cap_net_of_expired_vouchers_under_the_other_reading(client: TestClient, publish: Publish) -> None:
    """V-03, the other reading published: the expired voucher gave its 30,000 back, so 60,000 − 30,000 = 30,000
    counts; 30,000 + 20,000 = 50,000 ≤ 60,000: issued. A further 10,000 reaches 60,000 exactly (最高 includes it):
    issued; one more 0.01 is refused."""
    publish("vouchers", annual_cap_counts="net_of_expired")
    p = _claims_with_one_expired(client)
    r = client.post("/v1/claims", json=claim_body(p["id"], "20000", claimed_on="2023-05-01"))
    assert r.status_code == 201, r.text
    assert client.post("/v1/claims", json=claim_body(p["id"], "10000", claimed_on="2023-05-02")).status_code == 201
    r = client.post("/v1/claims", json=claim_body(p["id"], "0.01", claimed_on="2023-05-03"))
    assert (r.status_code, r.json()["code"]) == (422, "annual_cap_exceeded")


def test_a_stopped_redemption_gives_back_and_a_clawed_back_one_pays_nothing(client: TestClient) -> None:
    """五(二) 停拨或追回 in the impact (V-11). The carrier is listed twice for voucher fraud, each listing citing one
    redemption; later redemptions go to a second carrier.
    Voucher A 10,000: R1 委托开发 fee 20,000 → 8,000 (2,000 left), submitted 04-01, stopped unpaid by the listing of
    04-10: its 8,000 back to A (valid through 06-01); R2 检验检测 fee 10,000 submitted 05-01 → 4,000.
    Voucher B 10,000: S1 检验检测 fee 10,000 → 4,000, paid 04-05, clawed back by the listing of 04-12: recovered, not
    given back (6,000 left); S2 委托开发 fee 20,000 submitted 05-01 → 8,000, capped at 6,000.
    As decided: R1 0, R2 4,000, S1 0, S2 6,000 = 10,000. Other reading of V-11 (to the pool): R2 capped at the 2,000
    A kept: 8,000 in all, R2 −2,000; S1, S2 the same under both (nothing of S1 was given back)."""
    enterprise(client, hitech_valid_until="2024-12-31")
    a, b = voucher(client, "10000"), voucher(client, "10000")
    first, second = carrier(client)["id"], carrier(client, uscc=make_uscc(901, "330800"), name="衢州某研究所")["id"]
    r1 = redeemed(client, a["id"], first, "R1", **DEVELOPMENT)
    s1 = redeemed(client, b["id"], first, "S1")
    assert client.post(f"/v1/redemptions/{s1['id']}/approve", json={"on": "2023-04-02"}).status_code == 200
    assert client.post(f"/v1/redemptions/{s1['id']}/pay", json={"paid_on": "2023-04-05"}).status_code == 200
    for cited, day in ((r1, "2023-04-10"), (s1, "2023-04-12")):
        listing = BAN | {"decided_on": day, "redemption_id": cited["id"]}
        assert client.post("/v1/credit-records", json=listing).status_code == 201
    assert (remaining(client, a["id"]), remaining(client, b["id"])) == ("10000.00", "6000.00")
    r2 = redeemed(client, a["id"], second, "R2", submitted_on="2023-05-01")
    s2 = redeemed(client, b["id"], second, "S2", submitted_on="2023-05-01", **DEVELOPMENT)
    assert (r2["amount"], s2["amount"]) == ("4000.00", "6000.00")
    result = impact(client, {"vouchers.refused_reservation_returns_to": "pool"})
    assert (result["records"], result["total_before"], result["total_after"]) == (4, "10000.00", "8000.00")
    rows = by_record(result)
    assert rows[str(r1["id"])] == rows[str(s1["id"])] == ("0.00", "0.00", "clawed_back", "clawed_back")
    assert rows[str(r2["id"])] == ("4000.00", "2000.00", "payable", "payable")
    assert rows[str(s2["id"])] == ("6000.00", "6000.00", "payable", "payable")


def test_a_claim_under_each_reading_of_the_annual_cap_in_the_what_if(client: TestClient) -> None:
    """V-03 per request: POST /v1/claims/what-if of the 20,000 claim of 05-01. As published: 60,000 counted, 0 left,
    refused. Under the other reading: 60,000 − the 30,000 the expired voucher gives back = 30,000 counted, 30,000
    left, issued, valid through 2023-08-01 (3 months, G-01). Nothing is issued or collected: the pool still shows
    100,000 − 60,000 = 40,000 and the expired voucher is still to be collected (the what-if counted it as the claim
    would, 40,000 + 30,000 = 70,000 ≥ 20,000)."""
    p = _claims_with_one_expired(client)
    trail = audit_trail(client)
    body = claim_body(p["id"], "20000", claimed_on="2023-05-01") | {
        "parameters": {"vouchers.annual_cap_counts": "net_of_expired"}
    }
    r = client.post("/v1/claims/what-if", json=body)
    assert r.status_code == 200, r.text
    published, scenario = r.json()["published"], r.json()["scenario"]
    assert (published["accepted"], [e["code"] for e in published["problems"]]) == (False, ["annual_cap_exceeded"])
    assert (published["counted_this_year"], published["quota_left"]) == ("60000.00", "0.00")
    assert (scenario["accepted"], scenario["counted_this_year"], scenario["quota_left"]) == (
        True,
        "30000.00",
        "30000.00",
    )
    assert scenario["last_valid_on"] == "2023-08-01"
    assert audit_trail(client) == trail
    assert client.get(f"/v1/voucher-pools/{p['id']}").json()["available"] == "40000.00"
    body["parameters"] = {"institutes.hitech_valid_on": "recognition"}
    r = client.post("/v1/claims/what-if", json=body)
    assert (r.status_code, r.json()["code"]) == (422, "scenario_invalid")
