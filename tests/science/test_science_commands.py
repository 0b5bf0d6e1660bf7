"""Commands that happen once (qz_common.idempotency through the science API), on SQLite and PostgreSQL alike.

A retried Idempotency-Key is answered with the first answer and changes nothing. An official decision — a step of
the 43号 二 procedure, an upgrade or revocation (三(四)(六)), the 44号 四(五) review and payment of a redemption, a
五(二) 科研诚信 listing — posted twice, with or without a key, is one decision: the same record, kind, day and 文书号
(AMBIGUITIES.md I-17, V-16, V-17).
"""

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from science_testdata import (
    CARRIER,
    ENTERPRISE,
    audit_rows,
    audit_trail,
    carrier,
    claim_body,
    enterprise,
    institute_application,
    pool,
    recognised_institute,
    redemption_body,
    submitted_redemption,
)
from testkit import id_number, identity_headers

from qz_common.clock import today
from qz_common.settings import PlatformSettings
from science.main import create_app
from science.settings import ScienceSettings

Post = Callable[[dict[str, str]], httpx.Response]  # one command, sent with the headers given

RECOMMENDATION = {
    "action": "recommend",
    "on": "2023-06-10",
    "no_violation_certificate": "柯科证〔2023〕12号",
    "document_number": "柯科发〔2023〕21号",
}
REVOCATION = {
    "ground": "false_materials",
    "decided_on": "2023-09-01",
    "reason": "专项审计报告数据造假",
    "document_number": "衢市科发高〔2023〕31号",
}
APPROVAL = {"on": "2023-04-20", "document_number": "衢市科发高〔2023〕19号"}
REJECTION = {"on": "2023-04-20", "document_number": "衢市科发高〔2023〕20号", "reasons": ["服务凭证不符"]}
PAYMENT = {"paid_on": "2023-05-10", "document_number": "衢市科发高〔2023〕24号"}
ENTERPRISE_BODY = {"uscc": ENTERPRISE, "name": "衢州元立新材料有限公司", "district": "柯城区"}
CARRIER_BODY = {
    "name": "衢州学院检测中心",
    "uscc": CARRIER,
    "kind": "科技创新服务平台",
    "in_quzhou": True,
    "channel": "local_registration",
    "district": "市本级",
}
POOL_BODY = {"name": "2023年第一期", "total": "100000", "opens_on": "2023-01-01", "closes_on": "2023-12-31"}


def fraud(redemption_id: int, **changes: Any) -> dict[str, Any]:
    return {
        "subject_id": ENTERPRISE,
        "subject_kind": "enterprise",
        "kind": "voucher_fraud",
        "decided_on": "2023-05-10",
        "reason": "以虚假合同骗取创新券补助",
        "redemption_id": redemption_id,
        "document_number": "衢市科发高〔2023〕33号",
    } | changes


def _send(
    client: TestClient, method: str, path: str, body: dict[str, Any], identity: dict[str, str] | None = None
) -> Post:
    return lambda headers: client.request(method, path, json=body, headers=(identity or {}) | headers)


def _enterprise_update(client: TestClient) -> Post:
    enterprise(client)
    return _send(client, "PATCH", f"/v1/enterprises/{ENTERPRISE}", {"national_tech_sme": True})


def _four_colour_update(client: TestClient) -> Post:
    enterprise(client)
    body = {"year": 2023, "quarter": 2, "listed": True, "updated_on": "2023-06-20"}
    return _send(client, "POST", f"/v1/enterprises/{ENTERPRISE}/four-colour-updates", body)


def _application(client: TestClient) -> Post:
    enterprise(client)
    return _send(client, "POST", "/v1/institutes", institute_application())


def _institute_decision(client: TestClient) -> Post:
    enterprise(client)
    institute = client.post("/v1/institutes", json=institute_application()).json()
    return _send(client, "POST", f"/v1/institutes/{institute['id']}/decisions", RECOMMENDATION)


def _on_recognised(path: str, body: dict[str, Any]) -> Callable[[TestClient], Post]:
    def prepare(client: TestClient) -> Post:
        return _send(client, "POST", f"/v1/institutes/{recognised_institute(client)['id']}/{path}", body)

    return prepare


def _carrier_update(client: TestClient) -> Post:
    return _send(client, "PATCH", f"/v1/carriers/{carrier(client)['id']}", {"status": "suspended"})


def _claim(client: TestClient) -> Post:
    enterprise(client)
    return _send(client, "POST", "/v1/claims", claim_body(pool(client)["id"]))


def _citizen_claim(client: TestClient) -> Post:
    body = {"pool_id": pool(client)["id"], "holder_name": "张三", "amount": "10000", "claimed_on": "2023-03-01"}
    return _send(client, "POST", "/v1/me/claims", body, identity_headers("science", citizen=id_number()))


def _expiry(client: TestClient) -> Post:
    _claim(client)({})  # valid until 2023-05-31 (四(二) 3个月)
    return _send(client, "POST", "/v1/vouchers/expire", {"as_of": "2023-06-30"})


def _redemption(client: TestClient) -> Post:
    enterprise(client)
    voucher = client.post("/v1/claims", json=claim_body(pool(client)["id"])).json()
    return _send(client, "POST", "/v1/redemptions", redemption_body(voucher["id"], carrier(client)["id"]))


def _on_redemption(step: str, body: dict[str, Any], approved: bool = False) -> Callable[[TestClient], Post]:
    def prepare(client: TestClient) -> Post:
        rid = submitted_redemption(client)["id"]
        if approved:
            assert client.post(f"/v1/redemptions/{rid}/approve", json=APPROVAL).status_code == 200
        return _send(client, "POST", f"/v1/redemptions/{rid}/{step}", body)

    return prepare


def _credit_record(client: TestClient) -> Post:
    return _send(client, "POST", "/v1/credit-records", fraud(submitted_redemption(client)["id"]))


# Every state-changing request of the service, each ready to be sent on a fresh database.
COMMANDS: dict[str, Callable[[TestClient], Post]] = {
    "enterprise": lambda c: _send(c, "POST", "/v1/enterprises", ENTERPRISE_BODY),
    "enterprise update": _enterprise_update,
    "four-colour update": _four_colour_update,
    "institute application": _application,
    "institute decision": _institute_decision,
    "annual report": _on_recognised("annual-reports", {"year": 2023, "sales": "100000000", "rd_expense": "5000000"}),
    "change": _on_recognised(
        "changes",
        {"kind": "restructure", "description": "重组", "changed_on": "2023-08-31", "reported_on": "2023-09-15"},
    ),
    "upgrade": _on_recognised("upgrade", {"on": "2024-01-10", "provincial_designation": "省级企业研究院"}),
    "revocation": _on_recognised("revoke", REVOCATION),
    "carrier": lambda c: _send(c, "POST", "/v1/carriers", CARRIER_BODY),
    "carrier update": _carrier_update,
    "pool": lambda c: _send(c, "POST", "/v1/voucher-pools", POOL_BODY),
    "claim": _claim,
    "citizen claim": _citizen_claim,
    "expiry": _expiry,
    "redemption": _redemption,
    "redemption approval": _on_redemption("approve", APPROVAL),
    "redemption rejection": _on_redemption("reject", REJECTION),
    "redemption payment": _on_redemption("pay", PAYMENT, approved=True),
    "credit record": _credit_record,
}


def test_every_command_takes_a_key(client: TestClient) -> None:
    """Every POST and PATCH but the stateless calculators (tag ``rules``), impact (tag ``impact``: it computes and
    writes nothing) and the what-if of a submission (tag ``what-if``: it reads and writes nothing) declares the
    Idempotency-Key header."""
    document = client.get("/openapi.json").json()
    keyless = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("post", "patch") and not {"rules", "impact", "what-if"} & set(operation["tags"])
        if "Idempotency-Key" not in {p["name"] for p in operation.get("parameters", [])}
    ]
    assert keyless == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_retried_key_is_answered_as_the_first_time_and_changes_nothing(client: TestClient, command: str) -> None:
    post, key = COMMANDS[command](client), {"Idempotency-Key": f"{command}-1"}
    before = audit_trail(client)
    first = post(key)
    assert first.status_code in (200, 201), first.text
    changes = audit_trail(client)
    assert len(changes) > len(before)

    retried = post(key)
    assert (retried.status_code, retried.json()) == (first.status_code, first.json())
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert audit_trail(client) == changes


def test_a_key_reused_for_another_request_is_refused(client: TestClient) -> None:
    rid = submitted_redemption(client)["id"]
    key = {"Idempotency-Key": "review-1"}
    assert client.post(f"/v1/redemptions/{rid}/approve", json=APPROVAL, headers=key).status_code == 200
    for path, body in (
        (f"/v1/redemptions/{rid}/pay", PAYMENT),
        (f"/v1/redemptions/{rid}/approve", APPROVAL | {"document_number": "衢市科发高〔2023〕29号"}),
    ):
        reused = client.post(path, json=body, headers=key)
        assert (reused.status_code, reused.json()["code"], reused.json()["field"]) == (
            422,
            "idempotency_key_reused",
            "Idempotency-Key",
        )
    assert client.get(f"/v1/redemptions/{rid}").json()["status"] == "approved"


def test_a_payment_posted_twice_is_one_payment(client: TestClient) -> None:
    """四(五) 兑现: the same payment (day, 文书号) sent again is answered with the payment made; nothing moves.

    Testing at 40% (三(四)): 10,000 × 40% = 4,000 reserved on the 10,000 voucher, 6,000 left; the pool of 100,000
    issued 10,000, 90,000 left. Refused by the code before I-17/V-16: the second post answered 409."""
    rid = submitted_redemption(client)["id"]
    assert client.post(f"/v1/redemptions/{rid}/approve", json=APPROVAL).status_code == 200
    first = client.post(f"/v1/redemptions/{rid}/pay", json=PAYMENT)
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["payment_document"]) == ("paid", PAYMENT["document_number"])
    changes = audit_trail(client)

    again = client.post(f"/v1/redemptions/{rid}/pay", json=PAYMENT | {"document_number": " 衢市科发高〔2023〕24号 "})
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (200, first.json(), "true")
    assert audit_trail(client) == changes
    voucher = client.get(f"/v1/vouchers/{first.json()['voucher_id']}").json()
    assert (voucher["remaining"], client.get(f"/v1/voucher-pools/{voucher['pool_id']}").json()["available"]) == (
        "6000.00",
        "90000.00",
    )
    later = client.post(f"/v1/redemptions/{rid}/pay", json={"paid_on": "2023-05-11"})  # another payment: refused
    assert (later.status_code, later.json()["code"]) == (409, "redemption_not_approved")


def test_a_rejection_posted_twice_gives_the_reservation_back_once(client: TestClient) -> None:
    """The 4,000 reserved returns to the voucher once: 6,000 + 4,000 = 10,000, not 14,000.

    Refused by the code before V-16: the second post answered 409."""
    redemption = submitted_redemption(client)
    path = f"/v1/redemptions/{redemption['id']}/reject"
    first = client.post(path, json=REJECTION)
    assert first.status_code == 200, first.text
    changes = audit_trail(client)

    again = client.post(path, json=REJECTION)
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (200, first.json(), "true")
    assert audit_trail(client) == changes
    assert client.get(f"/v1/vouchers/{redemption['voucher_id']}").json()["remaining"] == "10000.00"
    other = client.post(path, json=REJECTION | {"reasons": ["发票抬头不符"]})  # same 文书号 and day, other reasons
    assert (other.status_code, other.json()["code"], other.json()["field"]) == (
        409,
        "decision_conflict",
        "document_number",
    )


def test_a_recognition_posted_twice_is_one_recognition(client: TestClient) -> None:
    """二(四) 予以认定: the recognition sent again is the recognition made.

    Refused by the code before I-17: the second post answered 409 invalid_transition."""
    enterprise(client)
    institute = client.post("/v1/institutes", json=institute_application()).json()
    path = f"/v1/institutes/{institute['id']}/decisions"
    for step in (
        RECOMMENDATION,
        {"action": "pass_review", "on": "2023-07-01"},
        {"action": "publicise", "on": "2023-07-05"},
    ):
        assert client.post(path, json=step).status_code == 200
    recognition = {
        "action": "recognise",
        "on": "2023-07-20",
        "batch": "2023年第一批",
        "document_number": "衢市科发高〔2023〕15号",
    }
    first = client.post(path, json=recognition)
    assert (first.json()["status"], first.json()["status_document"]) == ("recognised", "衢市科发高〔2023〕15号")
    changes = audit_trail(client)

    again = client.post(path, json=recognition)
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (200, first.json(), "true")
    assert audit_trail(client) == changes
    later = client.post(path, json=recognition | {"on": "2023-07-21"})  # another day: another decision, refused
    assert (later.status_code, later.json()["code"]) == (409, "invalid_transition")


def test_a_decision_without_a_document_number_is_told_by_its_day(client: TestClient) -> None:
    """Two 评审通过 of one institute on one day are one; the same day with another opinion is a conflict."""
    enterprise(client)
    institute = client.post("/v1/institutes", json=institute_application()).json()
    path = f"/v1/institutes/{institute['id']}/decisions"
    assert client.post(path, json=RECOMMENDATION).status_code == 200
    review = {"action": "pass_review", "on": "2023-07-01", "note": "专家评审通过"}
    first = client.post(path, json=review)
    assert first.json()["status_document"] is None
    assert client.post(path, json=review).headers["Idempotent-Replayed"] == "true"
    other = client.post(path, json=review | {"note": "实地考察通过"})
    assert (other.status_code, other.json()["code"], other.json()["field"]) == (409, "decision_conflict", "on")


def test_a_revocation_posted_twice_bars_the_enterprise_once(client: TestClient) -> None:
    """三(六)1 取消资格, 三年内不得申报: one revocation, one 科研诚信 record under the decision's 文书号."""
    path = f"/v1/institutes/{recognised_institute(client)['id']}/revoke"
    first = client.post(path, json=REVOCATION)
    assert (first.json()["status"], first.json()["status_document"]) == ("revoked", REVOCATION["document_number"])
    assert client.post(path, json=REVOCATION).headers["Idempotent-Replayed"] == "true"
    records = client.get("/v1/credit-records", params={"subject_id": ENTERPRISE}).json()
    assert [(r["ban_until"], r["document_number"]) for r in records["items"]] == [
        ("2026-09-01", REVOCATION["document_number"])
    ]
    other = client.post(path, json=REVOCATION | {"reason": "研发费用数据造假"})
    assert (other.status_code, other.json()["code"]) == (409, "decision_conflict")


def test_a_credit_listing_posted_twice_is_one_listing(client: TestClient) -> None:
    """五(二) 列入科研诚信记录 sent again (here without its 文书号: told by subject, kind and day): one record, the
    redemption stopped once. Made two records in the code before V-17."""
    rid = submitted_redemption(client)["id"]
    listing = fraud(rid)
    del listing["document_number"]
    first = client.post("/v1/credit-records", json=listing)
    assert first.status_code == 201, first.text
    again = client.post("/v1/credit-records", json=listing)
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert client.get("/v1/credit-records", params={"subject_id": ENTERPRISE}).json()["total"] == 1
    assert client.get(f"/v1/redemptions/{rid}").json()["status"] == "clawed_back"


def test_a_review_is_dated_and_a_bare_approval_is_todays(client: TestClient) -> None:
    rid = submitted_redemption(client)["id"]  # submitted 2023-04-01
    early = client.post(f"/v1/redemptions/{rid}/approve", json={"on": "2023-03-31"})
    assert (early.status_code, early.json()["code"], early.json()["field"]) == (422, "decided_before_submission", "on")
    first = client.post(f"/v1/redemptions/{rid}/approve")
    assert (first.json()["decided_on"], first.json()["decision_document"]) == (today().isoformat(), None)
    for body in ({}, {"on": today().isoformat()}):  # the same approval, however it is written
        again = client.post(f"/v1/redemptions/{rid}/approve", json=body)
        assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (200, first.json(), "true")


def test_a_decision_is_replayed_only_to_a_caller_who_may_make_it(client: TestClient) -> None:
    """The first answer names the holder: another district's client gets the answer of an unknown record."""
    redemption = submitted_redemption(client)  # a 市本级 pool's voucher
    path = f"/v1/redemptions/{redemption['id']}/reject"
    assert client.post(path, json=REJECTION).status_code == 200
    qujiang = identity_headers("science", district="衢江区")
    theirs = client.post(path, json=REJECTION, headers=qujiang)
    unknown = client.post("/v1/redemptions/999999/reject", json=REJECTION, headers=qujiang)
    assert (theirs.status_code, theirs.json()["field"], "Idempotent-Replayed" in theirs.headers) == (
        404,
        "redemption_id",
        False,
    )
    assert theirs.json()["detail"] == unknown.json()["detail"]
    listing = client.post("/v1/credit-records", json=fraud(redemption["id"]) | {"redemption_id": None})
    assert listing.status_code == 201
    r = client.post("/v1/credit-records", json=fraud(redemption["id"]), headers=qujiang)  # cites the redemption
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "reference_not_found", "redemption_id")


def test_a_key_that_met_an_earlier_decision_is_answered_with_it_again(client: TestClient) -> None:
    """Two screens approve under two keys: the second is answered with the first approval, and so is its retry.

    Works around qz_common.idempotency, which kept the second key claimed with no answer: its retry got null."""
    approve = f"/v1/redemptions/{submitted_redemption(client)['id']}/approve"
    first = client.post(approve, json=APPROVAL, headers={"Idempotency-Key": "screen-1"})
    for _ in range(2):
        second = client.post(approve, json=APPROVAL, headers={"Idempotency-Key": "screen-2"})
        assert (second.status_code, second.json()) == (200, first.json())


@pytest.mark.parametrize(("step", "body"), [("pay", {"paid_on": "2023-05-10"}), ("reject", {"reasons": ["凭证不符"]})])
def test_six_simultaneous_identical_decisions_are_one(
    science_settings_on_backend: ScienceSettings, step: str, body: dict[str, Any]
) -> None:
    """Six clicks at once (bodies as a client written before 文书号 were taken sends them): one payment or one
    rejection, answered six times, audited once; a rejection gives the 4,000 back to the voucher once (10,000).

    Refused by the code before V-16: one decision and five 409s."""
    app = create_app(science_settings_on_backend, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("science")) as setup:
        redemption = submitted_redemption(setup)
        assert setup.post(f"/v1/redemptions/{redemption['id']}/approve").status_code == 200

    async def scenario() -> tuple[list[httpx.Response], list[tuple[str, str, str]], dict[str, Any]]:
        app = create_app(science_settings_on_backend, PlatformSettings(dev_mode=True))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://science", headers=identity_headers("science")
        ) as http:
            path = f"/v1/redemptions/{redemption['id']}/{step}"
            responses = await asyncio.gather(*(http.post(path, json=body) for _ in range(6)))
            audited = await audit_rows(app)
            voucher = (await http.get(f"/v1/vouchers/{redemption['voucher_id']}")).json()
        await app.state.db.dispose()
        return list(responses), audited, voucher

    responses, audited, voucher = asyncio.run(scenario())
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    assert [r.json() for r in responses] == [responses[0].json()] * 6
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 5
    assert [action for action, *_ in audited].count(step) == 1
    assert voucher["remaining"] == ("6000.00" if step == "pay" else "10000.00")
