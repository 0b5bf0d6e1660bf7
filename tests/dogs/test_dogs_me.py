"""养犬一点通 (/v1/me) on days to come: an application that waits while its 免疫证明 lapses is told what to supply,
and a renewal supplies it (D-23, D-24, D-28). The journeys themselves run through the gateway
(tests/gateway/test_gateway_zheliban_dogs.py)."""

import datetime as dt
import io

import pytest
from dogs_testdata import JPEG, OWNER, PNG, registration_body, vaccination
from fastapi.testclient import TestClient
from testkit import identity_headers

from dogs.casework import registrations
from qz_common.clock import today
from qz_common.periods import add_months


def me() -> dict[str, str]:
    """The owner's identity, signed when the request is made: a token signed when the tests were collected has
    expired by the time a long run reaches them."""
    return identity_headers("dogs", citizen=OWNER)


def my_photo(client: TestClient, data: bytes) -> str:
    r = client.post("/v1/me/photos", files={"file": ("dog.jpg", io.BytesIO(data), "image/jpeg")}, headers=me())
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_a_waiting_application_whose_vaccination_lapsed_is_told_to_supply_one(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    filed_on = today()
    body = registration_body(client, front_photo_id=my_photo(client, JPEG), side_photo_id=my_photo(client, PNG))
    mine = {field: value for field, value in body.items() if field not in {"channel", "owner_id_number"}}
    filed = client.post("/v1/me/registrations", json=mine, headers=me())
    assert filed.status_code == 201, filed.text
    application = filed.json()["id"]
    # Vaccinated 30 days before filing, due 300 days after: it covers to filed_on + 300. On filed_on + 301 it has
    # lapsed while the application waited.
    covered_to, later = filed_on + dt.timedelta(days=300), filed_on + dt.timedelta(days=301)
    monkeypatch.setattr(registrations, "today", lambda: later)
    now = client.get(f"/v1/me/registrations/{application}/materials", headers=me()).json()
    assert (now["complete"], now["checked_on"], now["valid_until"]) == (
        False,
        later.isoformat(),
        covered_to.isoformat(),
    )
    assert [(m["field"], m["code"], m["basis"]) for m in now["missing"]] == [
        ("vaccination_id", "vaccination_lapsed", "衢执法发〔2023〕3号 三3")
    ]
    # What is due, earliest first: the lapsed 免疫证明 (covered_to, overdue), then the materials to supply now.
    due = client.get("/v1/me/notices", params={"as_of": later.isoformat()}, headers=me()).json()
    assert [(n["kind"], n["due_on"], n["overdue"]) for n in due] == [
        ("dogs.vaccination_due", covered_to.isoformat(), True),
        ("dogs.materials_to_supply", later.isoformat(), False),
    ]
    assert "免疫已过期" in due[1]["title"]
    # A vaccination given on filed_on, due 12 months on, covers past `later`: it renews the waiting application, whose
    # materials are then complete, covered to add_months(filed_on, 12).
    renewed_by = vaccination(
        client, next_due_on=add_months(filed_on, 12).isoformat(), vaccinated_on=filed_on.isoformat()
    )["id"]
    renewed = client.post(
        f"/v1/me/registrations/{application}/renewal", json={"vaccination_id": renewed_by}, headers=me()
    )
    assert (renewed.status_code, renewed.json()["status"]) == (200, "submitted"), renewed.text
    now = client.get(f"/v1/me/registrations/{application}/materials", headers=me()).json()
    assert (now["complete"], now["valid_until"]) == (True, add_months(filed_on, 12).isoformat())
    due = client.get("/v1/me/notices", params={"as_of": later.isoformat()}, headers=me()).json()
    assert [n["kind"] for n in due] == ["dogs.vaccination_due"]


def test_a_refused_application_cannot_be_renewed_and_has_nothing_due(client: TestClient) -> None:
    body = registration_body(client, front_photo_id=my_photo(client, JPEG), side_photo_id=my_photo(client, PNG))
    mine = {field: value for field, value in body.items() if field not in {"channel", "owner_id_number"}}
    application = client.post("/v1/me/registrations", json=mine, headers=me()).json()["id"]
    refused = client.post(f"/v1/registrations/{application}/reject", json={"reasons": ["照片不清晰"]})
    assert refused.status_code == 200, refused.text
    later = vaccination(client, vaccinated_on=today().isoformat(), next_due_on=add_months(today(), 12).isoformat())
    again = client.post(
        f"/v1/me/registrations/{application}/renewal", json={"vaccination_id": later["id"]}, headers=me()
    )
    assert (again.status_code, again.json()["code"]) == (409, "registration_not_renewable")
    assert client.get("/v1/me/notices", headers=me()).json() == []


def test_a_window_photo_cannot_be_cited_through_zheliban(client: TestClient) -> None:
    """D-22: a photo uploaded at the window names no one, so no person can show it is theirs: as an unused id."""
    body = registration_body(client)  # its photos uploaded at the window
    mine = {field: value for field, value in body.items() if field not in {"channel", "owner_id_number"}}
    r = client.post("/v1/me/registrations", json=mine, headers=me())
    assert (r.status_code, r.json()["code"]) == (422, "registration_materials_invalid")
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("front_photo_id", "photo_missing"),
        ("side_photo_id", "photo_missing"),
    ]
