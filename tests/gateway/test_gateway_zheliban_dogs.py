"""养犬一点通 from the phone (issue 27, journeys; 衢执法发〔2023〕3号 三, 四, 五; AMBIGUITIES D-22..D-28): a person
applies for registration with the five materials of 三 uploaded through /api/v1/me/dogs, is told at once what is
missing, renews, reports a move, applies to adopt in first-come order, sees an impounded dog and the day to claim it,
and sees what is due; the caseworker sees the submissions in the same lists and decides them; nobody else can reach
any of it (another person's id answers as an unused one)."""

import datetime as dt
import io
import secrets
from typing import Any

from dogs_testdata import seizure_body
from fastapi.testclient import TestClient
from testkit import ServiceProcess, id_number
from zheliban_kit import STAFF, as_person, audit_actors

from dogs.models import AuditRecord
from dogs.settings import DogsSettings
from gateway.settings import DEV_ADAPTER_CLIENT
from qz_common.clock import today
from qz_common.periods import add_months

ME = "/api/v1/me/dogs"
STAFF_DOGS = "/api/dogs/v1"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
UNUSED = 987_654_321


def person(born: dt.date) -> str:
    """A person of this test's own: the services' databases are shared by the gateway tests."""
    return id_number("330802", born, secrets.randbelow(999))


def vaccination(gateway: TestClient, owner: str, vaccinated_on: dt.date, next_due_on: dt.date) -> int:
    """A 免疫点 record (六), entered by the 免疫点's staff as every vaccination is."""
    body = {
        "owner_name": "张建国",
        "owner_phone": "13857012345",
        "owner_id_number": owner,
        "breed": "柯基",
        "address": "柯城区荷花街道荷花中路 168 号",
        "district": "柯城区",
        "coat_colour": "黄白色",
        "sex": "male",
        "vaccine_name": "狂犬病灭活疫苗",
        "vaccinated_on": vaccinated_on.isoformat(),
        "batch_number": "202302118",
        "next_due_on": next_due_on.isoformat(),
        "immunisation_point": "柯城区荷花街道动物狂犬病免疫点",
    }
    r = gateway.post(f"{STAFF_DOGS}/vaccinations", json=body, headers=STAFF)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def my_photo(gateway: TestClient, who: str, data: bytes = JPEG) -> str:
    r = gateway.post(
        f"{ME}/photos", files={"file": ("dog.jpg", io.BytesIO(data), "image/jpeg")}, headers=as_person(who)
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def materials(gateway: TestClient, who: str, **changes: object) -> dict[str, Any]:
    """The five materials of 三, the owner's own: 1 身份证明 (户籍 in 衢州), 2 住所证明, 3 免疫证明 (vaccinated 30
    days ago, due again in 300 days), 4 品种, 5 正面及侧面照片."""
    day = today()
    body = {
        "owner_name": "张建国",
        "owner_phone": "13857012345",
        "owner_registered_address": "浙江省衢州市柯城区荷花街道荷花中路 168 号",
        "residence_proof_type": "property_certificate",
        "residence_proof_number": "浙(2019)衢州市不动产权第0012345号",
        "address": "柯城区荷花街道荷花中路 168 号",
        "district": "柯城区",
        "key_area": True,
        "breed": "柯基",
        "shoulder_height_cm": "28",
        "body_length_cm": "46",
        "coat_colour": "黄白色",
        "sex": "male",
        "vaccination_id": vaccination(gateway, who, day - dt.timedelta(days=30), day + dt.timedelta(days=300)),
        "front_photo_id": my_photo(gateway, who),
        "side_photo_id": my_photo(gateway, who, PNG),
    }
    return body | changes


def apply(gateway: TestClient, who: str, body: dict[str, Any]) -> Any:
    return gateway.post(f"{ME}/registrations", json=body, headers=as_person(who))


def registered(gateway: TestClient, who: str, **changes: object) -> dict[str, Any]:
    """An application of ``who`` through 浙里办, approved by the caseworker."""
    r = apply(gateway, who, materials(gateway, who, **changes))
    assert r.status_code == 201, r.text
    approved = gateway.post(f"{STAFF_DOGS}/registrations/{r.json()['id']}/approve", json={}, headers=STAFF)
    assert approved.status_code == 200, approved.text
    return approved.json()  # type: ignore[no-any-return]


def problem(response: Any) -> tuple[int, str, str | None]:
    body = response.json()
    return response.status_code, body["code"], body.get("field")


def test_a_person_applies_with_the_five_materials_and_the_caseworker_decides_it_in_the_same_list(
    gateway: TestClient, service_processes: dict[str, ServiceProcess]
) -> None:
    owner = person(dt.date(1985, 6, 15))
    r = apply(gateway, owner, materials(gateway, owner))
    assert r.status_code == 201, r.text
    filed = r.json()
    # The owner is the signed-in person, the channel 浙里办——养犬一点通 (三); the application waits as submitted.
    assert (filed["owner_id_number"], filed["channel"], filed["status"]) == (owner, "zheliban", "submitted")
    # The body cannot name another owner or another channel.
    named = apply(gateway, owner, materials(gateway, owner, owner_id_number=person(dt.date(1990, 1, 1))))
    assert problem(named)[:2] == (422, "validation_failed")

    # The caseworker finds it among the submitted applications, as a window's, and approves it.
    listed = gateway.get(
        f"{STAFF_DOGS}/registrations", params={"owner_id_number": owner, "status": "submitted"}, headers=STAFF
    ).json()
    assert [a["id"] for a in listed["items"]] == [filed["id"]]
    approved = gateway.post(f"{STAFF_DOGS}/registrations/{filed['id']}/approve", json={}, headers=STAFF)
    assert (approved.status_code, approved.json()["status"]) == (200, "approved"), approved.text
    assert approved.json()["registration_number"].startswith("衢犬登330802")
    mine = gateway.get(f"{ME}/records", headers=as_person(owner)).json()
    assert [(a["id"], a["status"]) for a in mine["registrations"]] == [(filed["id"], "approved")]

    # The trail names the person as the applicant (through the adapter), the caseworker as the one who approved.
    dogs = service_processes["dogs"]
    actors = audit_actors(dogs, AuditRecord, DogsSettings, "registrations", str(filed["id"]))
    assert actors[0] == f"{DEV_ADAPTER_CLIENT}/citizen:{owner}"
    assert actors[1] != actors[0] and "citizen:" not in actors[1]


def test_what_is_missing_is_told_at_once_with_each_clause(gateway: TestClient) -> None:
    owner = person(dt.date(1986, 7, 16))
    # No 住所证明, no side photo, a 户籍 outside 衢州 without a 居住证: 三1, 三2 and 三5 named together (一次性告知).
    body = materials(
        gateway,
        owner,
        residence_proof_type=None,
        residence_proof_number=None,
        side_photo_id=None,
        owner_registered_address="浙江省杭州市西湖区文三路 1 号",
    )
    refused = apply(gateway, owner, body)
    assert problem(refused) == (422, "registration_materials_invalid", "residence_permit_number")
    told = {(e["field"], e["code"], e["basis"]) for e in refused.json()["errors"]}
    assert told == {
        ("residence_permit_number", "residence_permit_required", "衢执法发〔2023〕3号 三1"),
        ("residence_proof_number", "residence_proof_missing", "衢执法发〔2023〕3号 三2"),
        ("side_photo_id", "photo_missing", "衢执法发〔2023〕3号 三5"),
    }
    # Stored, an application's materials are checked again on the day asked: complete, its 免疫证明 covering until
    # its next due date (vaccinated 30 days ago, due in 300: min(today + 300, 30 days ago + 12 months) = today + 300).
    filed = apply(gateway, owner, materials(gateway, owner)).json()
    now = gateway.get(f"{ME}/registrations/{filed['id']}/materials", headers=as_person(owner, level=2))
    assert now.status_code == 200, now.text
    day = today()
    assert now.json() == {
        "registration_id": filed["id"],
        "status": "submitted",
        "checked_on": day.isoformat(),
        "complete": True,
        "missing": [],
        "valid_until": (day + dt.timedelta(days=300)).isoformat(),
    }


def test_a_registration_is_renewed_with_a_later_vaccination_of_the_owners_own(gateway: TestClient) -> None:
    owner, stranger = person(dt.date(1987, 8, 17)), person(dt.date(1988, 9, 18))
    record = registered(gateway, owner)
    renewal = f"{ME}/registrations/{record['id']}/renewal"
    day = today()
    # Vaccinated today, due again 12 months on (the interval's corresponding day, D-21): it covers until then, later
    # than the current one's today + 300, so it renews the registration to add_months(today, 12).
    later = vaccination(gateway, owner, day, add_months(day, 12))
    # Another person's vaccination, or an unused id, is one answer: 422 reference_not_found naming the field.
    theirs = vaccination(gateway, stranger, day, add_months(day, 12))
    assert problem(gateway.post(renewal, json={"vaccination_id": theirs}, headers=as_person(owner))) == (
        422,
        "reference_not_found",
        "vaccination_id",
    )
    # One covering no longer than the current (due in 200 days < 300) renews nothing.
    shorter = vaccination(gateway, owner, day, day + dt.timedelta(days=200))
    refused = gateway.post(renewal, json={"vaccination_id": shorter}, headers=as_person(owner))
    assert problem(refused)[:2] == (422, "renewal_refused")
    assert [e["code"] for e in refused.json()["errors"]] == ["renewal_not_later"]
    # Another person cannot renew it: the registration answers as an unused id.
    assert problem(gateway.post(renewal, json={"vaccination_id": later}, headers=as_person(stranger))) == (
        404,
        "not_found",
        "registration_id",
    )
    renewed = gateway.post(renewal, json={"vaccination_id": later}, headers=as_person(owner))
    assert renewed.status_code == 200, renewed.text
    assert (renewed.json()["vaccination_id"], renewed.json()["status"]) == (later, "approved")
    now = gateway.get(f"{ME}/registrations/{record['id']}/materials", headers=as_person(owner)).json()
    assert now["valid_until"] == add_months(day, 12).isoformat()
    # The caseworker renews at the window with the same rule: the same vaccination again covers no longer.
    again = gateway.post(
        f"{STAFF_DOGS}/registrations/{record['id']}/renewal", json={"vaccination_id": later}, headers=STAFF
    )
    assert [e["code"] for e in again.json()["errors"]] == ["renewal_not_later"]


def test_a_move_is_the_caseworkers_address_change_and_a_large_dog_cannot_enter_the_key_area(
    gateway: TestClient,
) -> None:
    owner = person(dt.date(1989, 10, 19))
    # 56 cm at the shoulder is large (一(一) 超过55厘米), registered outside the 重点管理区 (D-11).
    record = registered(gateway, owner, key_area=False, breed="金毛", shoulder_height_cm="56", body_length_cm="70")
    move = {"address": "衢江区樟潭街道樟潭路 88 号", "district": "衢江区", "key_area": True}
    refused = gateway.post(f"{ME}/address-change", json=move, headers=as_person(owner))
    # D-07: refused as its registration there would be, citing 五 and 一(一); nothing of the owner moves.
    assert problem(refused) == (422, "large_or_fierce_in_key_area", "key_area")
    assert refused.json()["errors"][0]["basis"] == "衢执法发〔2023〕3号 五；衢执法发〔2023〕3号 一(一)"
    seen = gateway.get(f"{STAFF_DOGS}/registrations/{record['id']}", headers=STAFF).json()
    assert (seen["address"], seen["key_area"]) == (record["address"], False)
    moved = gateway.post(f"{ME}/address-change", json=move | {"key_area": False}, headers=as_person(owner))
    assert moved.status_code == 200, moved.text
    assert moved.json() == {"owner_id_number": owner, "changed_registration_ids": [record["id"]], "flagged": []}
    seen = gateway.get(f"{STAFF_DOGS}/registrations/{record['id']}", headers=STAFF).json()
    assert (seen["address"], seen["district"]) == ("衢江区樟潭街道樟潭路 88 号", "衢江区")
    # The body cannot name the owner.
    named = gateway.post(f"{ME}/address-change", json=move | {"owner_id_number": owner}, headers=as_person(owner))
    assert problem(named)[:2] == (422, "validation_failed")


def test_applications_to_adopt_queue_in_the_order_they_arrive_with_the_caseworkers(gateway: TestClient) -> None:
    first, second, at_window = person(dt.date(1990, 2, 2)), person(dt.date(1991, 3, 3)), person(dt.date(1992, 4, 4))
    dog_body = {"shelter": "衢州市流浪犬收容中心", "district": "衢江区", "breed": "中华田园犬", "coat_colour": "黄色"}
    dog = gateway.post(f"{STAFF_DOGS}/shelter-dogs", json=dog_body | {"sex": "female"}, headers=STAFF).json()
    # Offered dogs are listed oldest first: the newest is the last of them.
    total = gateway.get(f"{ME}/shelter-dogs", params={"limit": 1}, headers=as_person(first, level=2)).json()["total"]
    newest = gateway.get(f"{ME}/shelter-dogs", params={"offset": total - 1}, headers=as_person(first, level=2))
    assert [(d["id"], d["status"]) for d in newest.json()["items"]] == [(dog["id"], "available")]
    applicant = {"applicant_name": "徐丽萍", "applicant_phone": "13967098765", "address": "衢江区樟潭街道樟潭路 88 号"}
    apply_at = f"{ME}/shelter-dogs/{dog['id']}/applications"
    # 四 按照提交申请时间先后顺序确定: first, second, then one filed at the window, queue positions 1, 2, 3.
    queued = [gateway.post(apply_at, json=applicant, headers=as_person(who)).json() for who in (first, second)]
    window = applicant | {"applicant_id_number": at_window}
    queued.append(
        gateway.post(f"{STAFF_DOGS}/shelter-dogs/{dog['id']}/applications", json=window, headers=STAFF).json()
    )
    assert [(a["applicant_id_number"], a["queue_position"]) for a in queued] == [
        (first, 1),
        (second, 2),
        (at_window, 3),
    ]
    # The body cannot name the applicant; an unused dog is a 404.
    named = gateway.post(apply_at, json=applicant | {"applicant_id_number": first}, headers=as_person(second))
    assert problem(named)[:2] == (422, "validation_failed")
    nowhere = gateway.post(f"{ME}/shelter-dogs/{UNUSED}/applications", json=applicant, headers=as_person(first))
    assert problem(nowhere) == (404, "not_found", "dog_id")
    # The caseworker sees the three in one list and decides in that order: the second waits for the first.
    listed = gateway.get(f"{STAFF_DOGS}/adoption-applications", params={"dog_id": dog["id"]}, headers=STAFF).json()
    assert [a["id"] for a in listed["items"]] == [a["id"] for a in queued]
    checklist = {
        "checklist": dict.fromkeys(
            [
                "full_civil_capacity",
                "fixed_residence",
                "registration_and_vaccination",
                "no_abuse_record",
                "household_consent",
            ],
            True,
        )
    }
    early = gateway.post(f"{STAFF_DOGS}/adoption-applications/{queued[1]['id']}/approve", json=checklist, headers=STAFF)
    assert problem(early)[:2] == (409, "earlier_application_pending")
    approved = gateway.post(
        f"{STAFF_DOGS}/adoption-applications/{queued[0]['id']}/approve", json=checklist, headers=STAFF
    )
    assert approved.json()["status"] == "approved", approved.text
    mine = gateway.get(f"{ME}/records", headers=as_person(second)).json()["adoption_applications"]
    assert [(a["id"], a["status"]) for a in mine] == [(queued[1]["id"], "closed")]
    late = gateway.post(apply_at, json=applicant, headers=as_person(person(dt.date(1993, 5, 5))))
    assert problem(late) == (409, "dog_not_available", "dog_id")


def impoundment(gateway: TestClient, occurred_at: str, **changes: object) -> dict[str, Any]:
    body = seizure_body(occurred_at, **changes)
    r = gateway.post(f"{STAFF_DOGS}/impoundments", json=body, headers=STAFF)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_an_owner_sees_an_impounded_dog_and_the_last_day_to_claim_it(gateway: TestClient) -> None:
    owner, stranger = person(dt.date(1984, 11, 11)), person(dt.date(1983, 12, 12))
    # Seized 2026-11-20 (衢州): the 30-day period (行政强制法 第二十五条, D-27) runs from the next day, 11-21..11-30
    # (10 days) and 12-01..12-20 (20 days): claim by 2026-12-20.
    named = impoundment(gateway, "2026-11-20T07:20:00+08:00", owner_id_number=owner)
    # 23:30 UTC on 11-20 is 07:30 on 11-21 in 衢州: the period counts from 衢州's day, claim by 2026-12-21.
    late_evening = impoundment(gateway, "2026-11-20T23:30:00+00:00", owner_id_number=owner)
    # A dog the police know by its registration only is the registered owner's too.
    record = registered(gateway, owner, key_area=False)
    by_registration = impoundment(gateway, "2026-11-01T09:00:00+08:00", registration_id=record["id"])
    seen = gateway.get(f"{ME}/impoundments", headers=as_person(owner, level=2)).json()
    assert [(i["id"], i["claim_by"]) for i in seen] == [
        (named["id"], "2026-12-20"),
        (late_evening["id"], "2026-12-21"),
        (by_registration["id"], "2026-12-01"),  # 11-02..11-30 is 29 days, 12-01 the 30th
    ]
    assert seen[0]["claim_basis"] == "衢执法发〔2023〕3号 五；《中华人民共和国行政强制法》第二十五条"
    one = gateway.get(f"{ME}/impoundments/{named['id']}", headers=as_person(owner)).json()
    assert (one["claim_by"], one["shelter"]) == ("2026-12-20", "衢州市流浪犬收容中心")
    # Another person sees none of them, and one by id answers as an unused id.
    assert gateway.get(f"{ME}/impoundments", headers=as_person(stranger)).json() == []
    for impounded in (named["id"], by_registration["id"], UNUSED):
        answer = gateway.get(f"{ME}/impoundments/{impounded}", headers=as_person(stranger))
        assert problem(answer) == (404, "not_found", "impoundment_id")


def test_what_is_due_is_computed_from_the_records_earliest_first(gateway: TestClient) -> None:
    owner = person(dt.date(1982, 1, 21))
    day = today()
    record = registered(gateway, owner, key_area=False)  # vaccinated 30 days ago, due in 300: covered to day + 300
    # Seized 10 衢州 days ago: claim by day − 10 + 30 = day + 20.
    taken = dt.datetime.combine(day - dt.timedelta(days=10), dt.time(9, 0), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    seized = impoundment(gateway, taken.isoformat(), owner_id_number=owner)
    due = gateway.get(f"{ME}/notices", headers=as_person(owner, level=2))
    assert due.status_code == 200, due.text
    # due_first: day + 20 (the claim) before day + 300 (the renewal).
    assert [(n["kind"], n["due_on"], n["record"], n["overdue"]) for n in due.json()] == [
        ("dogs.impoundment_claim", (day + dt.timedelta(days=20)).isoformat(), f"impoundments/{seized['id']}", False),
        ("dogs.vaccination_due", (day + dt.timedelta(days=300)).isoformat(), f"registrations/{record['id']}", False),
    ]
    claim, renewal = due.json()
    assert (claim["act_at"], claim["basis"]) == (
        "衢州市流浪犬收容中心",
        "衢执法发〔2023〕3号 五；《中华人民共和国行政强制法》第二十五条",
    )
    assert renewal["act_at"] == f"{ME}/registrations/{record['id']}/renewal"
    assert renewal["basis"].startswith("衢执法发〔2023〕3号 三3；")
    # Another person has nothing due here.
    assert gateway.get(f"{ME}/notices", headers=as_person(person(dt.date(1981, 2, 22)))).json() == []


def test_another_persons_ids_answer_as_unused_ones_on_every_path_and_body_field(gateway: TestClient) -> None:
    owner, stranger = person(dt.date(1980, 3, 23)), person(dt.date(1979, 4, 24))
    mine = apply(gateway, owner, materials(gateway, owner)).json()
    theirs_vaccination = mine["vaccination_id"]
    unused = {"registration_id": UNUSED, "vaccination_id": UNUSED}
    paths = [
        ("get", "/registrations/{registration_id}/materials", None),
        ("post", "/registrations/{registration_id}/renewal", {"vaccination_id": theirs_vaccination}),
    ]
    for method, path, body in paths:
        answers = [
            gateway.request(method, ME + path.format(registration_id=value), json=body, headers=as_person(stranger))
            for value in (mine["id"], UNUSED)
        ]
        assert [problem(a) for a in answers] == [(404, "not_found", "registration_id")] * 2, path
    # Body fields citing the owner's records: their vaccination and photos are the stranger's unused ids.
    stranger_body = materials(gateway, stranger)
    for field, value in (
        ("vaccination_id", theirs_vaccination),
        ("front_photo_id", mine["front_photo_id"]),
        ("side_photo_id", mine["side_photo_id"]),
    ):
        answers = [
            apply(gateway, stranger, stranger_body | {field: cited}) for cited in (value, unused.get(field, "0" * 32))
        ]
        bodies = [(a.status_code, a.json()["code"], a.json()["field"], a.json().get("errors")) for a in answers]
        assert bodies[0] == bodies[1], (field, bodies)
        assert bodies[0][2] == field
    own_registration = apply(gateway, stranger, stranger_body).json()
    renewal = f"{ME}/registrations/{own_registration['id']}/renewal"
    answers = [
        gateway.post(renewal, json={"vaccination_id": cited}, headers=as_person(stranger))
        for cited in (theirs_vaccination, UNUSED)
    ]
    assert [problem(a) for a in answers] == [(422, "reference_not_found", "vaccination_id")] * 2
    # Their move moves only their own registrations (the owner's is untouched) and a replayed assertion is refused.
    once = as_person(stranger)
    move = {"address": "柯城区府山街道 1 号", "district": "柯城区", "key_area": False}
    assert gateway.post(f"{ME}/address-change", json=move, headers=once).json()["changed_registration_ids"] == []
    assert problem(gateway.post(f"{ME}/address-change", json=move, headers=once))[:2] == (401, "assertion_replayed")
