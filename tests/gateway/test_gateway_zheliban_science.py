"""创新券 for enterprises from the phone (issue 27, journeys; 44号 四(一)(二), AMBIGUITIES V-19): the signed-in
enterprise claims for itself and sees what is left of its yearly 6万, and its 研究院 (43号); the caseworker sees the
claim in the same list."""

import datetime as dt
import secrets
from typing import Any

from fastapi.testclient import TestClient
from science_testdata import carrier, institute_application, make_uscc, recognise, redemption_body
from testkit import id_number
from zheliban_kit import ENTERPRISE_NAME, STAFF, assertion, signed_in

AGENT = id_number("330803", dt.date(1986, 1, 1), 81)
QUOTA = "/api/v1/me/science/voucher-quota"


def as_enterprise(uscc: str) -> dict[str, str]:
    return signed_in(assertion(uscc, user_type="LEGAL_PERSON", agent=AGENT))


def registered_enterprise(gateway: TestClient, **facts: str) -> str:
    """An enterprise of this test's own (the services' databases are shared by the gateway tests), registered."""
    uscc = make_uscc(secrets.randbelow(10**7), "330803")
    body = {"uscc": uscc, "name": ENTERPRISE_NAME, "district": "柯城区"} | facts
    assert gateway.post("/api/science/v1/enterprises", json=body, headers=STAFF).status_code == 201
    return uscc


def pool(gateway: TestClient) -> int:
    body = {"name": "2023年第二期", "total": "1000000", "opens_on": "2023-01-01", "closes_on": "2023-12-31"}
    r = gateway.post("/api/science/v1/voucher-pools", json=body, headers=STAFF)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def claim(gateway: TestClient, uscc: str, pool_id: int, amount: str) -> Any:
    body = {"pool_id": pool_id, "holder_name": ENTERPRISE_NAME, "amount": amount, "claimed_on": "2023-05-10"}
    return gateway.post("/api/v1/me/science/claims", json=body, headers=as_enterprise(uscc))


def quota(gateway: TestClient, uscc: str, year: int = 2023) -> Any:
    r = gateway.get(QUOTA, params={"year": year}, headers=as_enterprise(uscc))
    assert r.status_code == 200, r.text
    return r.json()


def test_an_enterprise_claims_and_sees_its_yearly_six_wan_remaining(gateway: TestClient) -> None:
    ours, theirs = registered_enterprise(gateway), registered_enterprise(gateway)
    pool_id = pool(gateway)
    before = quota(gateway, ours)
    assert (before["cap"], before["claimed"], before["remaining"]) == ("60000.00", "0.00", "60000.00")
    assert before["basis"] == "衢市科发高〔2022〕44号 四(二)"
    # 10,000 + 20,000 claimed in 2023: 60,000 − 30,000 = 30,000 left.
    assert [claim(gateway, ours, pool_id, amount).status_code for amount in ("10000", "20000")] == [201, 201]
    after = quota(gateway, ours)
    assert (after["claimed"], after["remaining"]) == ("30000.00", "30000.00")
    # 每年最高6万 includes 6万: 30,000.01 more is over, exactly 30,000 more is the last that fits.
    over = claim(gateway, ours, pool_id, "30000.01")
    assert (over.status_code, over.json()["code"], over.json()["field"]) == (422, "annual_cap_exceeded", "amount")
    assert claim(gateway, ours, pool_id, "30000").status_code == 201
    assert (quota(gateway, ours)["claimed"], quota(gateway, ours)["remaining"]) == ("60000.00", "0.00")
    # Another enterprise's year is its own; and the year under way (no claim of ours dated in it) starts whole.
    assert quota(gateway, theirs)["remaining"] == "60000.00"
    this_year = gateway.get(QUOTA, headers=as_enterprise(ours)).json()
    assert (this_year["year"], this_year["claimed"]) == (dt.datetime.now(dt.UTC).year, "0.00")
    # Before the 办法 (六: 2023-01-01) there is no quota to show.
    early = gateway.get(QUOTA, params={"year": 2022}, headers=as_enterprise(ours))
    assert (early.status_code, early.json()["code"], early.json()["field"]) == (422, "not_in_force", "year")

    # The caseworker finds the enterprise's claims in the same list as the window's, by its 统一社会信用代码.
    listed = gateway.get("/api/science/v1/vouchers", params={"holder_id": ours}, headers=STAFF).json()
    assert sorted(v["face_value"] for v in listed["items"]) == ["10000.00", "20000.00", "30000.00"]
    assert {v["holder_kind"] for v in listed["items"]} == {"enterprise"}


def test_an_unregistered_enterprise_is_told_to_register_first(gateway: TestClient) -> None:
    unknown = make_uscc(secrets.randbelow(10**7), "330881")
    r = claim(gateway, unknown, pool(gateway), "10000")
    assert (r.status_code, r.json()["code"]) == (422, "enterprise_not_registered")
    assert quota(gateway, unknown)["claimed"] == "0.00"


def test_a_person_sees_their_own_yearly_quota_too(gateway: TestClient) -> None:
    founder = id_number("330802", dt.date(1996, 6, 6), secrets.randbelow(999))
    body = {"pool_id": pool(gateway), "holder_name": "周创业", "amount": "15000", "claimed_on": "2023-05-10"}
    claimed = gateway.post("/api/v1/me/science/claims", json=body, headers=signed_in(assertion(founder)))
    assert claimed.status_code == 201, claimed.text
    mine = gateway.get(QUOTA, params={"year": 2023}, headers=signed_in(assertion(founder))).json()
    assert (mine["claimed"], mine["remaining"]) == ("15000.00", "45000.00")  # 60,000 − 15,000


class StaffScience:
    """The science bureau's caseworker through the gateway, called as science_testdata calls a service."""

    def __init__(self, gateway: TestClient) -> None:
        self.gateway = gateway

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.gateway.post(f"/api/science{path}", headers=STAFF, **kwargs)


def test_an_enterprise_sees_its_institute_and_only_its_own(gateway: TestClient) -> None:
    ours, theirs = registered_enterprise(gateway, hitech_valid_until="2024-12-31"), registered_enterprise(gateway)
    application = institute_application(enterprise_uscc=ours)
    applied = gateway.post("/api/science/v1/institutes", json=application, headers=STAFF)
    assert applied.status_code == 201, applied.text
    mine = gateway.get("/api/v1/me/science/institutes", headers=as_enterprise(ours)).json()
    assert [(i["id"], i["status"]) for i in mine] == [(applied.json()["id"], "applied")]
    recognise(StaffScience(gateway), applied.json()["id"])  # type: ignore[arg-type]
    mine = gateway.get("/api/v1/me/science/institutes", headers=as_enterprise(ours)).json()
    # Recognised 2023-07-20 (43号 二(四)); the host's 高新 certificate ran to 2024-12-31: the institute is due for
    # review from the day after (三(六)2, I-18), and the enterprise is told so.
    assert [(i["status"], i["recognised_on"]) for i in mine] == [("recognised", "2023-07-20")]
    assert (mine[0]["hitech_review"]["occurred_on"], mine[0]["hitech_review"]["basis"]) == (
        "2025-01-01",
        "衢市科发高〔2022〕43号 三(六)2",
    )
    assert gateway.get("/api/v1/me/science/institutes", headers=as_enterprise(theirs)).json() == []
    # A person hosts no institute.
    person = signed_in(assertion(id_number("330802", dt.date(1990, 9, 9), 5)))
    assert gateway.get("/api/v1/me/science/institutes", headers=person).json() == []


def test_an_enterprise_redeems_its_own_voucher_and_no_one_else_s(gateway: TestClient) -> None:
    ours, theirs = registered_enterprise(gateway), registered_enterprise(gateway)
    voucher = claim(gateway, ours, pool(gateway), "10000").json()  # issued 2023-05-10, valid through 2023-08-10
    lab = carrier(StaffScience(gateway), make_uscc(secrets.randbelow(10**7), "330800"))  # type: ignore[arg-type]
    serial = secrets.token_hex(4)
    body = redemption_body(
        voucher["id"],
        lab["id"],
        contract_number=f"HT-{serial}",
        invoice_number=f"FP-{serial}",
        used_on="2023-06-01",
        submitted_on="2023-06-10",
    )
    # Another enterprise citing our voucher is told it does not exist (实名制、不得转让, 五(二)), and nothing is
    # reserved: the same contract and invoice then pass for us.
    cited = gateway.post("/api/v1/me/science/redemptions", json=body, headers=as_enterprise(theirs))
    refusal = (cited.status_code, cited.json()["code"], cited.json()["field"])
    assert refusal == (422, "reference_not_found", "voucher_id")
    r = gateway.post("/api/v1/me/science/redemptions", json=body, headers=as_enterprise(ours))
    assert r.status_code == 201, r.text
    assert (r.json()["voucher_id"], r.json()["status"]) == (voucher["id"], "submitted")
    # The caseworker reviews it in the same list as the window's submissions.
    listed = gateway.get("/api/science/v1/redemptions", params={"holder_id": ours}, headers=STAFF).json()
    assert [x["id"] for x in listed["items"]] == [r.json()["id"]]
    own = gateway.get("/api/v1/me/science/records", headers=as_enterprise(ours)).json()
    assert [x["id"] for x in own["redemptions"]] == [r.json()["id"]]


def test_an_enterprise_sees_its_four_colour_record_and_no_one_else_s(gateway: TestClient) -> None:
    ours, theirs = registered_enterprise(gateway, on_four_colour_list="true"), registered_enterprise(gateway)
    updates = f"/api/science/v1/enterprises/{ours}/four-colour-updates"
    before = gateway.get("/api/v1/me/science/enterprise", headers=as_enterprise(ours)).json()
    assert (before["enterprise"]["on_four_colour_list"], before["four_colour_updates"]) == (True, [])
    # 二(四) 季末25日前: Q2 2023 is due 2023-06-25, that day included (V-14): 06-25 on time, Q3's 09-26 late.
    for quarter, day, listed in ((2, "2023-06-25", True), (3, "2023-09-26", False)):
        body = {"year": 2023, "quarter": quarter, "listed": listed, "updated_on": day}
        assert gateway.post(updates, json=body, headers=STAFF).status_code == 201
    mine = gateway.get("/api/v1/me/science/enterprise", headers=as_enterprise(ours))
    assert mine.status_code == 200, mine.text
    # Listed on registration, taken off by Q3's update: the enterprise's status is the latest quarter's.
    assert (mine.json()["enterprise"]["uscc"], mine.json()["enterprise"]["on_four_colour_list"]) == (ours, False)
    seen = [(u["quarter"], u["listed"], u["due_on"], u["on_time"]) for u in mine.json()["four_colour_updates"]]
    assert seen == [("2023Q2", True, "2023-06-25", True), ("2023Q3", False, "2023-09-25", False)]
    # Another enterprise sees only its own (no updates); a person holds no enterprise: an unregistered code's answer.
    other = gateway.get("/api/v1/me/science/enterprise", headers=as_enterprise(theirs)).json()
    assert (other["enterprise"]["uscc"], other["four_colour_updates"]) == (theirs, [])
    person = signed_in(assertion(AGENT))
    refused = gateway.get("/api/v1/me/science/enterprise", headers=person)
    assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    # An enterprise not registered with the bureau: the same answer, naming no field (its code is its sign-in's).
    unregistered = make_uscc(secrets.randbelow(10**7), "330803")
    unknown = gateway.get("/api/v1/me/science/enterprise", headers=as_enterprise(unregistered))
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (404, "not_found", None)
