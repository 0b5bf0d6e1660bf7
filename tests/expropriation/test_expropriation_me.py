"""What a household does itself through 浙里办 (/v1/me, issue 27), at the service: the 复核 answer's due day (A-51),
the declared 安置方式 (A-52), and the notices computed from the records. The journeys end to end through the gateway
are tests/gateway/test_gateway_zheliban_expropriation.py."""

import datetime as dt
from typing import Any

from expropriation_kit import household, project, sign
from fastapi.testclient import TestClient
from testkit import id_number, identity_headers

from expropriation.rules.objections import answer_due
from qz_common.clock import today

DEADLINE = dt.date(2023, 9, 30)
MEMBER = id_number(sequence=1)  # a member of the kit's households (members 1 and 2)


def mine(who: str = MEMBER) -> dict[str, str]:
    return identity_headers("expropriation", citizen=who)


def test_the_answer_is_due_by_the_signing_deadline_or_the_day_filed_after_it() -> None:
    # filed before the 签约期限 → due on it; on it (届满之日 included) → that day; after it → the day filed.
    assert answer_due(DEADLINE, dt.date(2023, 8, 1)) == DEADLINE
    assert answer_due(DEADLINE, DEADLINE) == DEADLINE
    assert answer_due(DEADLINE, dt.date(2023, 10, 1)) == dt.date(2023, 10, 1)


def objection(client: TestClient, household_id: int, **changes: Any) -> Any:
    body = {"item_codes": ["house_monetary_compensation"], "grounds": "附房未计入"} | changes
    return client.post(f"/v1/me/households/{household_id}/objections", json=body, headers=mine())


def test_items_are_checked_against_the_quote_objected_to(client: TestClient) -> None:
    deadline = today() + dt.timedelta(days=30)
    h = household(client, project(client, signing_deadline=deadline.isoformat(), handover_deadline=None)["id"], "001")
    # 货币补偿 has no 房票 item: both unknown codes are named, by their place in the list.
    r = objection(client, h["id"], item_codes=["house_voucher_value", "moving_fee", "nothing"])
    assert (r.status_code, r.json()["code"]) == (422, "item_not_in_quote")
    assert [e["field"] for e in r.json()["errors"]] == ["item_codes[0]", "item_codes[2]"]
    # Under 房票 the voucher value is an item: 160 m² 安置面积 × (9000 − 1200) = 1,248,000.00 shown when filed.
    r = objection(client, h["id"], method="house_voucher", item_codes=["house_voucher_value"])
    assert r.status_code == 201, r.text
    # Filed today (衢州), before the 签约期限: the answer is due on the deadline.
    shown = (r.json()["items"], r.json()["filed_on"], r.json()["answer_due_on"])
    assert shown == ({"house_voucher_value": "1248000.00"}, today().isoformat(), deadline.isoformat())


def test_an_objection_or_a_choice_after_signing_is_refused(client: TestClient) -> None:
    h = household(client, project(client)["id"], "001")
    assert sign(client, h["id"]).status_code == 201
    assert objection(client, h["id"]).json()["code"] == "agreement_exists"
    chose = client.post(f"/v1/me/households/{h['id']}/method-choice", json={"method": "monetary"}, headers=mine())
    assert (chose.status_code, chose.json()["code"]) == (409, "agreement_exists")


def test_a_method_closed_to_the_household_cannot_be_declared(client: TestClient) -> None:
    h = household(client, project(client)["id"], "001")
    # 三(三)4: 宅基地安置 only outside the urban plan area; the kit's project is inside it.
    r = client.post(f"/v1/me/households/{h['id']}/method-choice", json={"method": "homestead"}, headers=mine())
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "method_not_available",
        "outside_urban_plan_area",
    )
    confirm = client.post(f"/v1/households/{h['id']}/method-choice/confirm", json={"confirmed_on": today().isoformat()})
    assert (confirm.status_code, confirm.json()["code"]) == (409, "no_choice_pending")


def test_notices_follow_the_records(client: TestClient) -> None:
    unsigned = household(client, project(client)["id"], "001")
    voucher_case = household(client, project(client)["id"], "002", method="house_voucher")
    agreement = sign(client, voucher_case["id"], handed_over_on=None, method="house_voucher").json()
    issued_on = today()
    voucher = client.post(f"/v1/agreements/{agreement['id']}/voucher", json={"issued_on": issued_on.isoformat()})
    assert voucher.status_code == 201, voucher.text
    filed = objection(client, unsigned["id"]).json()
    notices = client.get("/v1/me/notices", headers=mine()).json()
    # 签约期限 2023-09-30 (unsigned, missed: overdue), 交房期限 2023-10-31 (signed, not handed over: overdue), the
    # objection due 2023-09-30 too (filed after it: the day filed, A-51), and the 房票 valid to its last day.
    expected = sorted(
        [
            (filed["answer_due_on"], "expropriation.objection_answer_due", f"objections/{filed['id']}"),
            ("2023-09-30", "expropriation.signing_deadline", f"households/{unsigned['id']}"),
            ("2023-10-31", "expropriation.handover_deadline", f"agreements/{agreement['id']}"),
            (voucher.json()["expires_on"], "expropriation.voucher_expiry", f"vouchers/{voucher.json()['id']}"),
        ]
    )
    assert [(n["due_on"], n["kind"], n["record"]) for n in notices] == expected
    assert all(n["overdue"] == (n["due_on"] < today().isoformat()) for n in notices)
    # Nobody else has any of them.
    assert client.get("/v1/me/notices", headers=mine(id_number(sequence=77))).json() == []


def test_an_agreement_on_the_declared_method_confirms_it_and_any_agreement_ends_the_wait(client: TestClient) -> None:
    project_id = project(client)["id"]
    taken, other = household(client, project_id, "001")["id"], household(client, project_id, "002", seqs=(3, 4))["id"]
    for household_id, who in ((taken, MEMBER), (other, id_number(sequence=3))):
        url = f"/v1/me/households/{household_id}/method-choice"
        assert client.post(url, json={"method": "house_voucher"}, headers=mine(who)).status_code == 200
    pending = f"/v1/projects/{project_id}/households?choice_pending=true"
    assert [h["id"] for h in client.get(pending).json()["items"]] == [taken, other]
    # Signed on the declared 房票 (today, the day it was declared): confirmed by the signing, dated that day.
    signed_today = today().isoformat()
    assert sign(client, taken, signed_on=signed_today, handed_over_on=None, method="house_voucher").status_code == 201
    # Signed on 货币 instead: the declaration stays unconfirmed, but the agreement answers it.
    assert sign(client, other, signed_on=signed_today, handed_over_on=None).status_code == 201
    households = {h["id"]: h for h in client.get(f"/v1/projects/{project_id}/households").json()["items"]}
    assert (households[taken]["method"], households[taken]["choice_confirmed_on"]) == ("house_voucher", signed_today)
    assert (households[other]["method"], households[other]["choice_confirmed_on"]) == ("monetary", None)
    assert client.get(pending).json()["items"] == []
