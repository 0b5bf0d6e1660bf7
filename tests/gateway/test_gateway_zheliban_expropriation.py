"""Expropriation from the phone (issue 27, journeys; 衢政发〔2023〕2号 三(三), 三(四)8, AMBIGUITIES A-51, A-52): a
household member compares the four 安置方式 on the household's own records, declares the one chosen for the caseworker
to confirm, reads the agreement with each payment and the 房票, asks for a 复核 of the quote that the caseworker
answers, and sees what is due; the caseworker sees the choice and the objection in the same lists; nobody else can
reach any of it.

The household of every test is the kit's (tests/support/expropriation_kit.py): a 柯城区 project valued 2023-07-01 at
3000/m² appraised and 9000/m² market, and two 本村 members with one 150 m² 砖混 house built in 2000, here with members
of the test's own (the services' databases are shared by the gateway tests)."""

import datetime as dt
import secrets
from typing import Any

from expropriation_kit import PROJECT
from fastapi.testclient import TestClient
from testkit import ServiceProcess, id_number
from zheliban_kit import STAFF, as_person, audit_actors

from expropriation.models import AuditRecord
from expropriation.settings import ExpropriationSettings
from gateway.settings import DEV_ADAPTER_CLIENT
from qz_common.clock import today

ME = "/api/v1/me/expropriation"
STAFF_API = "/api/expropriation/v1"
UNUSED = 987_654_321


def person(born: dt.date) -> str:
    return id_number("330802", born, secrets.randbelow(999))


def staff(gateway: TestClient, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    r = gateway.request(method, f"{STAFF_API}{path}", json=body, headers=STAFF)
    assert r.status_code < 300, r.text
    return r.json()


def project(gateway: TestClient, **changes: str | None) -> int:
    return int(staff(gateway, "POST", "/projects", PROJECT | changes)["id"])


def household(gateway: TestClient, project_id: int, *members: str, method: str = "monetary") -> int:
    body = {
        "ref": f"H{secrets.randbelow(10**6)}",
        "head_name": "张建国",
        "method": method,
        "members": [{"name": f"成员{n}", "id_number": m, "collective_member": True} for n, m in enumerate(members)],
        "buildings": [
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}
        ],
    }
    return int(staff(gateway, "POST", f"/projects/{project_id}/households", body)["id"])


def family(gateway: TestClient, **terms: str | None) -> tuple[str, str, int]:
    """Two members of a new household of a new project: (the one signed in, the other, the household id)."""
    me, spouse = person(dt.date(1970, 3, 3)), person(dt.date(1972, 4, 4))
    return me, spouse, household(gateway, project(gateway, **terms), me, spouse)


def later(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def test_a_household_compares_the_four_methods_on_its_own_records(gateway: TestClient) -> None:
    me, spouse, household_id = family(gateway)
    r = gateway.get(f"{ME}/households/{household_id}/compare", headers=as_person(me, level=2))
    assert r.status_code == 200, r.text
    outcomes = {o["method"]: o for o in r.json()["outcomes"]}
    monetary, voucher = outcomes["monetary"]["quote"], outcomes["house_voucher"]["quote"]
    items = {i["code"]: (i["amount"], i["basis"]) for i in monetary["items"]}
    # 三(三)1 货币: 150 m² × 3000 = 450,000; 三(四)6 150 m² × 10 = 1,500 a month (above 1,000) × 12 = 18,000;
    # 三(四)7 one move 3,000; 三(四)8 150 m² × 400 (placeholder, A-37) = 60,000; 整村 not all signed: 0.
    assert items == {
        "house_monetary_compensation": ("450000.00", "衢政发〔2023〕2号 三(三)1"),
        "temporary_resettlement_fee": ("18000.00", "衢政发〔2023〕2号 三(四)6"),
        "moving_fee": ("3000.00", "衢政发〔2023〕2号 三(四)7"),
        "early_vacate_reward": ("60000.00", "衢政发〔2023〕2号 三(四)8"),
        "village_completion_reward": ("0.00", "衢政发〔2023〕2号 三(四)8"),
    }
    assert monetary["total"] == "531000.00"
    # 三(三)2 房票: 安置面积 110 + 50 = 160 m² × (9000 − 1200 砖混重置价) = 1,248,000; the house 150 m² × 1200 × 80%
    # (built 2000, valued 2023: 20 years beyond the third at 1%) = 144,000; 24 months' fee 36,000; two moves 6,000.
    assert voucher["total"] == "1494000.00"
    assert {i["code"]: i["amount"] for i in voucher["items"]}["house_voucher_value"] == "1248000.00"
    # 产权调换 needs the flat's area (三(三)3(3)); 宅基地 is only outside the urban plan area (三(三)4).
    refusals = {m: (o["available"], o["refusal"] and o["refusal"]["basis"]) for m, o in outcomes.items()}
    assert refusals["property_swap"] == (False, "衢政发〔2023〕2号 三(三)3(3)")
    assert refusals["homestead"] == (False, "衢政发〔2023〕2号 三(三)4")
    # The signed-in member's own 身份证号 in clear, the other member's masked.
    persons = [p["id_number"] for p in monetary["persons"]]
    assert me in persons and spouse not in persons and f"{spouse[:6]}********{spouse[-4:]}" in persons
    choice = r.json()["choice"]
    assert (choice["household_id"], choice["method"], choice["declared_method"]) == (household_id, "monetary", None)


def test_a_household_declares_its_method_and_the_caseworker_confirms_it(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    me, spouse, household_id = family(gateway)
    chosen = gateway.post(
        f"{ME}/households/{household_id}/method-choice", json={"method": "house_voucher"}, headers=as_person(me)
    )
    assert chosen.status_code == 200, chosen.text
    declared = today().isoformat()
    assert chosen.json() == {
        "household_id": household_id,
        "method": "monetary",  # not the household's method until the caseworker confirms it: nothing is signed
        "declared_method": "house_voucher",
        "declared_on": declared,
        "choice_confirmed_on": None,
    }
    # The caseworker sees it in the household list (pending filter) and detail, and confirms it.
    project_id = staff(gateway, "GET", f"/households/{household_id}")["project_id"]
    pending = staff(gateway, "GET", f"/projects/{project_id}/households?choice_pending=true")["items"]
    assert [(h["id"], h["declared_method"], h["declared_on"]) for h in pending] == [
        (household_id, "house_voucher", declared)
    ]
    assert staff(gateway, "GET", f"/projects/{project_id}/households?choice_pending=false")["items"] == []
    confirmed = staff(gateway, "POST", f"/households/{household_id}/method-choice/confirm", {"confirmed_on": declared})
    assert (confirmed["method"], confirmed["choice_confirmed_on"]) == ("house_voucher", declared)
    assert staff(gateway, "GET", f"/projects/{project_id}/households?choice_pending=true")["items"] == []
    # The household's comparison now shows its method as 房票, confirmed; the other member sees the same.
    seen = gateway.get(f"{ME}/households/{household_id}/compare", headers=as_person(spouse)).json()["choice"]
    assert (seen["method"], seen["choice_confirmed_on"]) == ("house_voucher", declared)
    again = staff_refusal(gateway, f"/households/{household_id}/method-choice/confirm", {"confirmed_on": declared})
    assert again == (409, "no_choice_pending")
    # The trail names the member as the one who declared, through the adapter, then the caseworker.
    actors = audit_actors(
        service_processes["expropriation"], AuditRecord, ExpropriationSettings, "households", str(household_id)
    )
    assert actors[-2:] == [f"{DEV_ADAPTER_CLIENT}/citizen:{me}", "dev"]


def staff_refusal(gateway: TestClient, path: str, body: dict[str, Any]) -> tuple[int, str]:
    r = gateway.post(f"{STAFF_API}{path}", json=body, headers=STAFF)
    return r.status_code, r.json()["code"]


def test_a_household_reads_its_agreement_each_payment_and_its_voucher(gateway: TestClient) -> None:
    me, _spouse, household_id = family(gateway)
    unsigned = gateway.get(f"{ME}/households/{household_id}/agreement", headers=as_person(me))
    assert (unsigned.status_code, unsigned.json()["code"]) == (404, "agreement_not_signed")
    terms = {"household_id": household_id, "method": "house_voucher", "signed_on": "2023-08-01"}
    agreement = staff(gateway, "POST", "/agreements", terms | {"handed_over_on": "2023-08-10"})
    payment = {"agreement_id": agreement["id"], "item_code": "house_replacement_value", "amount": "144000"}
    staff(gateway, "POST", "/payments", payment | {"paid_on": "2023-08-20", "reference": "柯财支 2023-0820-1"})
    voucher = staff(gateway, "POST", f"/agreements/{agreement['id']}/voucher", {"issued_on": "2023-08-20"})
    use = {"used_on": "2023-10-08", "purchase_price": "1000000", "reference": "衢房网签-1"}
    staff(gateway, "POST", f"/vouchers/{voucher['id']}/use", use)

    r = gateway.get(f"{ME}/households/{household_id}/agreement", headers=as_person(me, level=2))
    assert r.status_code == 200, r.text
    mine = r.json()
    # Signed and handed over in time, the only household of its village: 整村 reward 150 m² × 60 = 9,000 on top of
    # the 房票 quote's 1,494,000 → 1,503,000.
    assert (mine["agreement"]["id"], mine["agreement"]["total"]) == (agreement["id"], "1503000.00")
    assert [(p["item_code"], p["amount"], p["paid_on"]) for p in mine["payments"]] == [
        ("house_replacement_value", "144000.00", "2023-08-20")
    ]
    lines = {line["code"]: (line["entitled"], line["paid"], line["payable"]) for line in mine["ledger"]["lines"]}
    assert lines["house_replacement_value"] == ("144000.00", "144000.00", "0.00")
    # 房票 1,248,000 issued 2023-08-20, valid 24 months to 2025-08-20; a 1,000,000 flat leaves 248,000.
    shown = mine["voucher"]
    assert (shown["face_value"], shown["expires_on"], shown["remaining_value"]) == (
        "1248000.00",
        "2025-08-20",
        "248000.00",
    )
    assert (mine["ledger"]["voucher_used"], mine["ledger"]["voucher_unused"]) == ("1000000.00", "248000.00")


def objections(gateway: TestClient, state: str) -> list[dict[str, Any]]:
    """Every objection of that state the caseworker lists, page after page."""
    found, url = [], f"{STAFF_API}/objections?state={state}&limit=200"
    while url:
        page = gateway.get(url, headers=STAFF).json()
        found += page["items"]
        url = page["next_cursor"] and f"{STAFF_API}/objections?state={state}&limit=200&cursor={page['next_cursor']}"
    return found


def test_a_household_asks_for_a_review_and_the_caseworker_answers(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    me, spouse, household_id = family(gateway, signing_deadline=later(30), handover_deadline=None)
    body = {"item_codes": ["house_monetary_compensation", "early_vacate_reward"], "grounds": "东侧附房未计入合法面积"}
    r = gateway.post(f"{ME}/households/{household_id}/objections", json=body, headers=as_person(me))
    assert r.status_code == 201, r.text
    filed = r.json()
    # The amounts the household saw: 150 m² × 3000 = 450,000 and 150 m² × 400 = 60,000; the answer is due by the
    # 签约期限, 30 days from today.
    assert filed["items"] == {"house_monetary_compensation": "450000.00", "early_vacate_reward": "60000.00"}
    assert (filed["method"], filed["state"], filed["answer_due_on"]) == ("monetary", "open", later(30))
    assert filed["basis"] == "衢政发〔2023〕2号 三(四)8"

    # The caseworker lists it among the open ones and must answer it; answered, it leaves that list.
    assert filed["id"] in [o["id"] for o in objections(gateway, "open")]
    answer = {"outcome": "maintained", "answer": "附房系临时建筑，已另行补偿", "answered_on": today().isoformat()}
    staff(gateway, "POST", f"/objections/{filed['id']}/answer", answer)
    assert filed["id"] not in [o["id"] for o in objections(gateway, "open")]
    assert staff_refusal(gateway, f"/objections/{filed['id']}/answer", answer | {"outcome": "revised"})[0] == 409

    # Both members see the answer.
    for member in (me, spouse):
        seen = gateway.get(f"{ME}/households/{household_id}/objections", headers=as_person(member, level=2)).json()
        assert [(o["id"], o["state"], o["outcome"], o["answer"]) for o in seen] == [
            (filed["id"], "answered", "maintained", "附房系临时建筑，已另行补偿")
        ]
    actors = audit_actors(
        service_processes["expropriation"], AuditRecord, ExpropriationSettings, "objections", str(filed["id"])
    )
    assert actors == [f"{DEV_ADAPTER_CLIENT}/citizen:{me}", "dev"]


def test_what_is_due_for_a_household_member(gateway: TestClient) -> None:
    me = person(dt.date(1969, 5, 5))
    # One household of a project still open for signing, one of a project past its deadlines, signed under 房票 but
    # not handed over, its voucher issued today.
    open_one = household(gateway, project(gateway, signing_deadline=later(30), handover_deadline=later(60)), me)
    signed_one = household(gateway, project(gateway), me, method="house_voucher")
    terms = {"household_id": signed_one, "method": "house_voucher", "signed_on": "2023-08-01"}
    agreement = staff(gateway, "POST", "/agreements", terms)
    voucher = staff(gateway, "POST", f"/agreements/{agreement['id']}/voucher", {"issued_on": today().isoformat()})
    body = {"item_codes": ["moving_fee"], "grounds": "搬迁两次"}
    filed = gateway.post(f"{ME}/households/{open_one}/objections", json=body, headers=as_person(me)).json()

    notices = gateway.get(f"{ME}/notices", headers=as_person(me, level=2)).json()
    # Earliest first: the 交房期限 2023-10-31 missed (三(四)8); on the 签约期限, 30 days on, the objection's answer
    # (A-51) and the signing (三(四)8); the 房票's last day, 24 months from today (三(三)2(2)).
    assert [(n["due_on"], n["kind"], n["record"], n["overdue"]) for n in notices] == [
        ("2023-10-31", "expropriation.handover_deadline", f"agreements/{agreement['id']}", True),
        (later(30), "expropriation.objection_answer_due", f"objections/{filed['id']}", False),
        (later(30), "expropriation.signing_deadline", f"households/{open_one}", False),
        (voucher["expires_on"], "expropriation.voucher_expiry", f"vouchers/{voucher['id']}", False),
    ]
    assert [n["basis"] for n in notices] == [
        "衢政发〔2023〕2号 三(四)8",
        "衢政发〔2023〕2号 三(四)8",
        "衢政发〔2023〕2号 三(四)8",
        "衢政发〔2023〕2号 三(三)2(2)",
    ]
    assert notices[2]["act_at"] == f"{ME}/households/{open_one}/compare"
    assert gateway.get(f"{ME}/notices", headers=as_person(person(dt.date(1990, 1, 1)))).json() == []


def test_another_person_reaches_nothing_of_the_household(gateway: TestClient) -> None:
    me, _spouse, household_id = family(gateway)
    stranger, _, their_own = family(gateway)
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "compare", None),
        ("POST", "method-choice", {"method": "house_voucher"}),
        ("GET", "agreement", None),
        ("POST", "objections", {"item_codes": ["moving_fee"], "grounds": "理由"}),
        ("GET", "objections", None),
    ]
    for method, tail, body in requests:
        answers = []
        for target in (household_id, UNUSED):
            r = gateway.request(method, f"{ME}/households/{target}/{tail}", json=body, headers=as_person(stranger))
            problem = r.json()
            problem.pop("request_id", None)
            answers.append((r.status_code, problem))
        # Another person's household answers exactly as an id never used.
        assert answers[0] == answers[1], (method, tail, answers)
        assert (answers[0][0], answers[0][1]["code"], answers[0][1]["field"]) == (404, "not_found", "household_id")
    # A body cannot name a household (or anyone): the household is the path's, the person the signed-in one.
    for field, value in (("household_id", household_id), ("id_number", me), ("declared_on", "2023-08-01")):
        named = {"method": "house_voucher", field: value}
        r = gateway.post(f"{ME}/households/{their_own}/method-choice", json=named, headers=as_person(stranger))
        assert (r.status_code, r.json()["code"]) == (422, "validation_failed"), field
    # Nothing was changed by any of it: the household has no declared choice and no objection.
    assert staff(gateway, "GET", f"/households/{household_id}")["declared_method"] is None
    assert gateway.get(f"{ME}/households/{household_id}/objections", headers=as_person(me)).json() == []
    assert gateway.get(f"{ME}/notices", headers=as_person(stranger)).json()[0]["record"] == f"households/{their_own}"


def test_writes_need_full_real_name_and_an_unspent_assertion(gateway: TestClient) -> None:
    me, _spouse, household_id = family(gateway)
    url, body = f"{ME}/households/{household_id}/objections", {"item_codes": ["moving_fee"], "grounds": "理由"}
    basic = gateway.post(url, json=body, headers=as_person(me, level=2))
    assert (basic.status_code, basic.json()["code"]) == (403, "auth_level_insufficient")
    once = as_person(me)
    assert gateway.post(url, json=body, headers=once).status_code == 201
    replayed = gateway.post(url, json=body, headers=once)
    assert (replayed.status_code, replayed.json()["code"]) == (401, "assertion_replayed")
    assert len(gateway.get(url, headers=as_person(me, level=2)).json()) == 1
