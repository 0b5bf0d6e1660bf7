"""District boundaries on cited records, district-first checks, and dates of past events (dogs)."""

import datetime as dt
from typing import Any

import httpx
from dogs_testdata import (
    IMPOUNDMENT,
    OWNER,
    SHELTER_DOG,
    VISITOR,
    applicant,
    registration_body,
    vaccination,
    vaccination_body,
)
from fastapi.testclient import TestClient
from testkit import identity_headers

from dogs.rules.adoption import CHECKLIST
from qz_common.clock import today


# Identity tokens live 60 s: minted for each request, never once at import (a long suite outlives them).
def kecheng() -> dict[str, str]:
    return identity_headers("dogs", district="柯城区")


def qujiang() -> dict[str, str]:
    return identity_headers("dogs", district="衢江区")


def answer(response: httpx.Response) -> tuple[int, dict[str, Any]]:
    """Status and problem document, without the request id that differs on every request."""
    body = response.json()
    body.pop("request_id", None)
    return response.status_code, body


def test_a_registration_cannot_cite_another_districts_vaccination(client: TestClient) -> None:
    """A 衢江区 client citing 柯城区 records learns neither that they exist nor whom they name: 422
    reference_not_found, word for word the answer to an id that names nothing."""
    same_owner = vaccination(client)["id"]  # 柯城区, names OWNER
    other_owner = vaccination(client, VISITOR)["id"]  # 柯城区, names someone else
    in_qujiang = registration_body(client) | {"district": "衢江区", "address": "衢江区樟潭街道1号"}
    answers = [
        answer(client.post("/v1/registrations", json=in_qujiang | {"vaccination_id": cited}, headers=qujiang()))
        for cited in (same_owner, other_owner, 999_999)
    ]
    assert answers[0][0] == 422 and answers[0][1]["code"] == "reference_not_found"
    assert answers[0][1]["field"] == "vaccination_id"
    assert answers[1] == answers[0] and answers[2] == answers[0]
    assert client.get("/v1/registrations").json()["total"] == 0

    # in its own district the client gets the materials check, which may name the owner mismatch
    mismatch = client.post(
        "/v1/registrations", json=registration_body(client, vaccination_id=other_owner), headers=kecheng()
    )
    assert mismatch.status_code == 422
    assert "vaccination_owner_mismatch" in {e["code"] for e in mismatch.json()["errors"]}
    # a client bound to no district gets the same answer for an id that names nothing
    unknown = client.post("/v1/registrations", json=registration_body(client, vaccination_id=999_999))
    assert answer(unknown) == answers[2]


def test_an_address_change_for_another_districts_owner_is_refused_first(client: TestClient) -> None:
    record = client.post("/v1/registrations", json=registration_body(client)).json()  # 柯城区
    client.post(f"/v1/registrations/{record['id']}/approve")
    into_qujiang = {"owner_id_number": OWNER, "address": "衢江区安置小区3幢", "district": "衢江区", "key_area": False}
    refused = client.post("/v1/address-changes", json=into_qujiang, headers=qujiang())
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (
        403,
        "district_forbidden",
        "owner_id_number",
    )
    assert client.get(f"/v1/registrations/{record['id']}").json()["district"] == "柯城区"


def test_an_adoption_application_for_another_districts_dog_is_404_before_409(client: TestClient) -> None:
    dog = client.post("/v1/shelter-dogs", json=SHELTER_DOG).json()  # 柯城区
    first = client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=applicant(1)).json()
    approved = client.post(
        f"/v1/adoption-applications/{first['id']}/approve", json={"checklist": dict.fromkeys(CHECKLIST, True)}
    )
    assert approved.json()["status"] == "approved"

    from_qujiang = client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=applicant(2), headers=qujiang())
    missing = client.post("/v1/shelter-dogs/999999/applications", json=applicant(2), headers=qujiang())
    assert answer(from_qujiang) == answer(missing)
    assert answer(missing)[0] == 404 and answer(missing)[1]["field"] == "dog_id"
    from_kecheng = client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=applicant(2), headers=kecheng())
    assert (from_kecheng.status_code, from_kecheng.json()["code"]) == (409, "dog_not_available")


def test_an_impoundment_cites_only_a_registration_of_its_district(client: TestClient) -> None:
    registration = client.post("/v1/registrations", json=registration_body(client)).json()  # 柯城区
    in_qujiang = IMPOUNDMENT | {"district": "衢江区", "location": "衢江区樟潭街道"}
    answers = [
        answer(client.post("/v1/impoundments", json=in_qujiang | {"registration_id": cited}, headers=qujiang()))
        for cited in (registration["id"], 999_999)
    ]
    assert answers[0][0] == 422 and answers[0][1]["field"] == "registration_id" and answers[1] == answers[0]
    # an unknown registration is a clear 422 (it was a foreign-key 500)
    unknown = client.post("/v1/impoundments", json=IMPOUNDMENT | {"registration_id": 999_999})
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        422,
        "reference_not_found",
        "registration_id",
    )
    cited = client.post(
        "/v1/impoundments", json=IMPOUNDMENT | {"registration_id": registration["id"]}, headers=kecheng()
    )
    assert cited.status_code == 201, cited.text


def test_a_shelter_dog_cites_only_an_impoundment_of_its_district(client: TestClient) -> None:
    impoundment = client.post("/v1/impoundments", json=IMPOUNDMENT).json()  # 柯城区
    in_qujiang = SHELTER_DOG | {"district": "衢江区"}
    answers = [
        answer(client.post("/v1/shelter-dogs", json=in_qujiang | {"impoundment_id": cited}, headers=qujiang()))
        for cited in (impoundment["id"], 999_999)
    ]
    assert answers[0][0] == 422 and answers[0][1]["field"] == "impoundment_id" and answers[1] == answers[0]
    assert answers[0][1]["code"] == "reference_not_found"
    unknown = client.post("/v1/shelter-dogs", json=SHELTER_DOG | {"impoundment_id": 999_999})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "reference_not_found")
    assert client.get("/v1/shelter-dogs").json()["total"] == 0


def test_past_events_cannot_be_dated_after_today(client: TestClient) -> None:
    """A vaccination given, a dog captured or handed over: not later than today in 衢州 (today itself is fine)."""
    day = today()
    tomorrow = day + dt.timedelta(days=1)
    given_tomorrow = client.post(
        "/v1/vaccinations",
        json=vaccination_body(vaccinated_on=str(tomorrow), next_due_on=str(tomorrow + dt.timedelta(days=365))),
    )
    assert (given_tomorrow.status_code, given_tomorrow.json()["code"], given_tomorrow.json()["field"]) == (
        422,
        "date_in_future",
        "vaccinated_on",
    )
    given_today = client.post(
        "/v1/vaccinations", json=vaccination_body(vaccinated_on=str(day), next_due_on=str(tomorrow))
    )
    assert given_today.status_code == 201, given_today.text

    at = dt.datetime.combine(tomorrow, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    captured = client.post(
        "/v1/impoundments",
        json=IMPOUNDMENT | {"occurred_at": at.isoformat(), "handed_over_at": (at + dt.timedelta(hours=1)).isoformat()},
    )
    assert captured.status_code == 422
    assert [e["field"] for e in captured.json()["errors"]] == ["occurred_at", "handed_over_at"]
    assert client.get("/v1/impoundments").json()["total"] == 0
