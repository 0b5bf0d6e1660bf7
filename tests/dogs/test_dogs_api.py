"""The dogs API: public contract, materials, state machines, errors, isolation."""

import datetime as dt
import io
import re

import pytest
from dogs_testdata import IMPOUNDMENT, JPEG, OWNER, VISITOR, registration_body, vaccination_body
from fastapi.testclient import TestClient
from testkit import identity_headers

from dogs.casework.common import audit
from dogs.casework.photos import new_photo_id
from dogs.settings import DogsSettings
from qz_common.logs import mask_pii


def test_classify_contract(client: TestClient) -> None:
    r = client.post("/v1/classify", json={"breed": "金毛", "shoulder_height_cm": 56, "body_length_cm": 70})
    body = r.json()
    assert (r.status_code, body["large"], body["fierce"], body["finding"]) == (200, True, False, "not_listed")
    assert "衢执法发〔2023〕3号 一(一)" in body["basis"]


def test_classify_answers_null_for_a_breed_it_cannot_place(client: TestClient) -> None:
    r = client.post("/v1/classify", json={"breed": "火星犬", "shoulder_height_cm": 40, "body_length_cm": 60})
    assert r.status_code == 200 and '"fierce":null' in r.text  # D-03: JSON null, never false
    assert r.json()["finding"] == "officer_decision_required"


def test_classify_rejects_bad_measurements(client: TestClient) -> None:
    r = client.post("/v1/classify", json={"breed": "金毛", "shoulder_height_cm": -1, "body_length_cm": "abc"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "validation_failed"
    assert {e["field"] for e in body["errors"]} == {"shoulder_height_cm", "body_length_cm"}


def test_walking_hours_contract(client: TestClient) -> None:
    inside = client.get("/v1/walking-hours/check", params={"at": "2023-03-01T10:30:00Z", "key_area": "true"}).json()
    assert inside["allowed"] is True and inside["basis"] == ["衢执法发〔2023〕3号 二"]
    outside = client.get("/v1/walking-hours/check", params={"at": "2023-03-01T09:00:00+08:00"}).json()
    assert outside["allowed"] is False


def test_walking_hours_unencoded_plus_offset(client: TestClient) -> None:
    r = client.get("/v1/walking-hours/check?at=2023-03-01T19:00:00+08:00&key_area=true")
    assert r.status_code == 200 and r.json()["allowed"] is True


def test_walking_hours_bad_datetime(client: TestClient) -> None:
    r = client.get("/v1/walking-hours/check", params={"at": "yesterday"})
    assert (r.status_code, r.json()["field"]) == (422, "at")


def test_registration_approved_gets_a_number(client: TestClient) -> None:
    created = client.post("/v1/registrations", json=registration_body(client))
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["status"] == "submitted" and record["registration_number"] is None
    approved = client.post(f"/v1/registrations/{record['id']}/approve").json()
    assert approved["status"] == "approved" and approved["registration_number"].startswith("衢犬登330802")
    again = client.post(f"/v1/registrations/{record['id']}/approve")  # the same decision again: the first (D-20)
    assert (again.status_code, again.json()) == (200, approved)
    refused = client.post(f"/v1/registrations/{record['id']}/reject", json={"reasons": ["住所证明与地址不符"]})
    assert (refused.status_code, refused.json()["code"]) == (409, "registration_already_decided")


def test_registration_rejected_with_reasons(client: TestClient) -> None:
    record = client.post("/v1/registrations", json=registration_body(client)).json()
    assert client.post(f"/v1/registrations/{record['id']}/reject", json={"reasons": []}).status_code == 422
    rejected = client.post(f"/v1/registrations/{record['id']}/reject", json={"reasons": ["住所证明与地址不符"]}).json()
    assert rejected["status"] == "rejected" and rejected["rejection_reasons"] == ["住所证明与地址不符"]


def test_registration_names_every_failing_item(client: TestClient) -> None:
    body = registration_body(
        client,
        owner_id_number=VISITOR,
        owner_registered_address="浙江省杭州市西湖区文三路1号",
        residence_proof_number=None,
        vaccination_id=None,
    )
    body.pop("side_photo_id")
    r = client.post("/v1/registrations", json=body)
    assert r.status_code == 422
    problem = r.json()
    assert problem["code"] == "registration_materials_invalid"
    assert {e["code"] for e in problem["errors"]} == {
        "residence_permit_required",
        "residence_proof_missing",
        "vaccination_not_found",
        "photo_missing",
    }
    assert client.get("/v1/registrations").json()["total"] == 0  # nothing written


def test_registration_refuses_large_dog_in_key_area(client: TestClient) -> None:
    r = client.post("/v1/registrations", json=registration_body(client, shoulder_height_cm="55.1"))
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "large_or_fierce_in_key_area"
    ok = client.post("/v1/registrations", json=registration_body(client, shoulder_height_cm="55.0"))
    assert ok.status_code == 201


def test_registration_is_idempotent(client: TestClient) -> None:
    body = registration_body(client)
    first = client.post("/v1/registrations", json=body, headers={"Idempotency-Key": "reg-1"})
    second = client.post("/v1/registrations", json=body, headers={"Idempotency-Key": "reg-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second.headers["Idempotent-Replayed"] == "true"
    assert client.get("/v1/registrations").json()["total"] == 1
    other = client.post("/v1/registrations", json=body | {"dog_name": "旺财"}, headers={"Idempotency-Key": "reg-1"})
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")


def test_registration_list_filters_and_paginates(client: TestClient) -> None:
    for _ in range(3):
        client.post("/v1/registrations", json=registration_body(client))
    page = client.get("/v1/registrations", params={"owner_id_number": OWNER, "limit": 2, "offset": 0}).json()
    assert (page["total"], len(page["items"]), page["limit"]) == (3, 2, 2)
    assert client.get("/v1/registrations", params={"owner_id_number": VISITOR}).json()["total"] == 0
    bad = client.get("/v1/registrations", params={"owner_id_number": "123"})
    assert (bad.status_code, bad.json()["field"]) == (422, "owner_id_number")


def test_photo_must_be_jpeg_or_png_and_small(client: TestClient) -> None:
    gif = client.post("/v1/photos", files={"file": ("x.gif", io.BytesIO(b"GIF89a" + b"\0" * 10), "image/gif")})
    assert (gif.status_code, gif.json()["code"]) == (415, "photo_type")
    big = client.post("/v1/photos", files={"file": ("x.jpg", io.BytesIO(JPEG + b"\0" * 70000), "image/jpeg")})
    assert (big.status_code, big.json()["code"]) == (413, "photo_too_large")


def test_a_photo_whose_command_fails_leaves_no_file(
    client: TestClient, dogs_settings: DogsSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is written inside the command: when the command does not commit, no file outlives it."""

    def lost_database(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("database gone")

    monkeypatch.setattr(audit, "record", lost_database)
    with pytest.raises(ConnectionError):
        client.post("/v1/photos", files={"file": ("x.jpg", io.BytesIO(JPEG), "image/jpeg")})
    assert list(dogs_settings.photo_dir.iterdir()) == []


def test_photo_ids_appear_in_the_logs_as_they_are() -> None:
    # Drawn as plain uuid4().hex, about one id in eighty held a digit run that the log masking takes for a mobile or
    # a 身份证号, so 4,000 such ids would almost surely (1 - (79/80)^4000) include one the logs altered.
    ids = [new_photo_id() for _ in range(4000)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) and mask_pii(i) == i for i in ids)
    assert len(set(ids)) == len(ids)


def test_vaccination_validation(client: TestClient) -> None:
    body = {"owner_name": "李四", "owner_phone": "12345", "district": "杭州"}
    r = client.post("/v1/vaccinations", json=body)
    fields = {e["field"] for e in r.json()["errors"]}
    assert r.status_code == 422 and {"owner_phone", "district", "vaccine_name"} <= fields
    r = client.post(
        "/v1/vaccinations",
        json={
            "owner_name": "李四",
            "owner_phone": "0570-3012345",
            "breed": "柴犬",
            "address": "衢江区1号",
            "district": "衢江区",
            "coat_colour": "黄",
            "sex": "female",
            "vaccine_name": "狂犬病疫苗",
            "vaccinated_on": "2023-03-01",
            "batch_number": "X1",
            "next_due_on": "2023-03-01",
            "immunisation_point": "衢江区防疫站",
        },
    )
    assert (r.status_code, r.json()["field"]) == (422, "next_due_on")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"vaccinated_on": "1900-01-01"}, "vaccinated_on", "implausible_date"),
        ({"next_due_on": "2999-01-01"}, "next_due_on", "next_due_beyond_interval"),
        ({"dog_born_on": "2099-01-01"}, "dog_born_on", "date_in_future"),
    ],
)
def test_a_vaccination_with_dates_that_cannot_be_is_refused(
    client: TestClient, changes: dict[str, str], field: str, code: str
) -> None:
    # D-21: before any living dog, due later than 12 months after (1900 and 2999 were stored), a birth to come
    r = client.post("/v1/vaccinations", json=vaccination_body() | changes)
    assert (r.status_code, r.json()["field"], r.json()["errors"][0]["code"]) == (422, field, code)
    assert client.get("/v1/vaccinations").json()["total"] == 0


def test_a_vaccination_cannot_precede_the_dogs_birth(client: TestClient) -> None:
    body = vaccination_body()
    born_after = dt.date.fromisoformat(body["vaccinated_on"]) + dt.timedelta(days=1)
    r = client.post("/v1/vaccinations", json=body | {"dog_born_on": born_after.isoformat()})
    assert (r.status_code, r.json()["errors"][0]["code"]) == (422, "vaccinated_before_birth")
    stored = client.post("/v1/vaccinations", json=body | {"dog_born_on": body["vaccinated_on"]})
    assert stored.status_code == 201 and stored.json()["dog_born_on"] == body["vaccinated_on"]


def test_text_with_control_characters_and_unknown_fields_are_refused(client: TestClient) -> None:
    """NUL cannot even be stored by PostgreSQL; a misspelt field must not read as its default."""
    r = client.post("/v1/vaccinations", json=vaccination_body(owner_name="张\x00三"))
    assert (r.status_code, r.json()["field"]) == (422, "owner_name")
    assert r.json()["errors"][0]["code"] == "control_character"
    r = client.post("/v1/vaccinations", json=vaccination_body(batch_numbr="B1"))
    assert (r.status_code, r.json()["field"], r.json()["errors"][0]["code"]) == (422, "batch_numbr", "extra_forbidden")
    assert client.get("/v1/vaccinations").json()["total"] == 0


def test_identity_is_required_and_checked(client: TestClient) -> None:
    r = client.get("/v1/registrations", headers={"X-Qz-Identity": ""})
    assert (r.status_code, r.json()["code"]) == (401, "identity_missing")
    forged = identity_headers("dogs")["X-Qz-Identity"][:-4] + "abcd"
    assert client.get("/v1/registrations", headers={"X-Qz-Identity": forged}).status_code == 401
    wrong_audience = identity_headers("science", scopes=["dogs:read"])
    assert client.get("/v1/registrations", headers=wrong_audience).status_code == 401
    read_only = identity_headers("dogs", scopes=["dogs:read"])
    r = client.post(
        "/v1/classify", json={"breed": "金毛", "shoulder_height_cm": 1, "body_length_cm": 1}, headers=read_only
    )
    assert r.status_code == 200
    r = client.post("/v1/shelter-dogs", json={}, headers=read_only)
    assert (r.status_code, r.json()["code"]) == (403, "scope_missing")


def test_district_bound_client_sees_only_its_district(client: TestClient) -> None:
    record = client.post("/v1/registrations", json=registration_body(client)).json()
    qujiang = identity_headers("dogs", district="衢江区")
    r = client.get(f"/v1/registrations/{record['id']}", headers=qujiang)
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (404, "not_found", "registration_id")
    assert client.get("/v1/registrations", headers=qujiang).json()["total"] == 0
    r = client.get("/v1/registrations", params={"district": "柯城区"}, headers=qujiang)
    assert r.status_code == 403
    kecheng = identity_headers("dogs", district="柯城区")
    assert client.get("/v1/registrations", headers=kecheng).json()["total"] == 1
    r = client.post(f"/v1/registrations/{record['id']}/approve", headers=qujiang)
    assert r.status_code == 404


def test_citizen_sees_only_own_records(client: TestClient) -> None:
    client.post("/v1/registrations", json=registration_body(client))
    mine = client.get("/v1/me/records", headers=identity_headers("dogs", citizen=OWNER)).json()
    assert len(mine["registrations"]) == 1 and len(mine["vaccinations"]) == 1
    theirs = client.get("/v1/me/records", headers=identity_headers("dogs", citizen=VISITOR)).json()
    assert theirs["registrations"] == []
    # a citizen token cannot use staff endpoints
    r = client.get("/v1/registrations", headers=identity_headers("dogs", citizen=VISITOR))
    assert r.status_code == 403
    assert client.get("/v1/me/records").status_code == 403  # staff token on a citizen endpoint


def test_dossier_lists_everything_on_a_person(client: TestClient) -> None:
    client.post("/v1/registrations", json=registration_body(client))
    dossier = client.get(f"/v1/dossiers/citizens/{OWNER}").json()
    assert len(dossier["registrations"]) == 1 and len(dossier["vaccinations"]) == 1
    assert client.get("/v1/dossiers/citizens/12345").status_code == 422


def test_address_change_moves_approved_registrations(client: TestClient) -> None:
    record = client.post("/v1/registrations", json=registration_body(client)).json()
    client.post(f"/v1/registrations/{record['id']}/approve")
    change = {"owner_id_number": OWNER, "address": "衢江区安置小区3幢", "district": "衢江区", "key_area": False}
    first = client.post("/v1/address-changes", json=change).json()
    assert first["changed_registration_ids"] == [record["id"]]
    again = client.post("/v1/address-changes", json=change).json()
    assert again["changed_registration_ids"] == []  # repeating the change changes nothing
    assert client.get(f"/v1/registrations/{record['id']}").json()["district"] == "衢江区"


def test_impoundment_only_for_large_or_fierce(client: TestClient) -> None:
    body = IMPOUNDMENT
    created = client.post("/v1/impoundments", json=body)
    assert created.status_code == 201 and created.json()["fierce"] and created.json()["large"]
    small = client.post(
        "/v1/impoundments", json=body | {"breed": "泰迪", "shoulder_height_cm": "30", "body_length_cm": "40"}
    )
    assert (small.status_code, small.json()["code"]) == (422, "not_within_clause_five")
    unplaced = client.post("/v1/impoundments", json=body | {"breed": "火星犬"})  # 60 cm: large whatever its breed
    assert unplaced.status_code == 201 and unplaced.json()["fierce"] is None  # D-03: not "not fierce"
    early = client.post("/v1/impoundments", json=body | {"handed_over_at": "2023-04-01T09:00:00+08:00"})
    assert early.status_code == 422
    assert client.get("/v1/impoundments").json()["total"] == 2


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json()["status"] == "ready"
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{8}){3}", client.get("/healthz").headers["x-request-id"])
