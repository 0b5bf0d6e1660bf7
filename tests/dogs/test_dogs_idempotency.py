"""Commands that happen once (qz_common.idempotency through the dogs API), on SQLite and PostgreSQL alike.

A retried Idempotency-Key is answered with the first answer and changes nothing; a decision on a registration or
an adoption application posted twice, with or without a key, is one decision (AMBIGUITIES.md D-20).
"""

import asyncio
import io
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from dogs_testdata import (
    ALL_CONFIRMED,
    IMPOUNDMENT,
    JPEG,
    OWNER,
    SHELTER_DOG,
    adoption_application,
    applicant,
    audit_rows,
    audit_trail,
    registration_body,
    submitted_registration,
    vaccination_body,
)
from fastapi.testclient import TestClient
from testkit import identity_headers

from dogs.main import create_app
from dogs.settings import DogsSettings
from qz_common.settings import PlatformSettings

MOVE = {"owner_id_number": OWNER, "address": "衢江区安置小区3幢", "district": "衢江区", "key_area": False}
REFUSAL = {"reasons": ["住所证明与地址不符"], "document_number": "柯综执不登〔2023〕012号"}

Post = Callable[[dict[str, str]], httpx.Response]  # one command, posted with the headers given


def _vaccination(client: TestClient) -> Post:
    return lambda headers: client.post("/v1/vaccinations", json=vaccination_body(), headers=headers)


def _photo(client: TestClient) -> Post:
    return lambda headers: client.post("/v1/photos", files={"file": ("dog.jpg", io.BytesIO(JPEG))}, headers=headers)


def _registration(client: TestClient) -> Post:
    body = registration_body(client)
    return lambda headers: client.post("/v1/registrations", json=body, headers=headers)


def _registration_approval(client: TestClient) -> Post:
    path = f"/v1/registrations/{submitted_registration(client)['id']}/approve"
    return lambda headers: client.post(path, headers=headers)


def _registration_rejection(client: TestClient) -> Post:
    path = f"/v1/registrations/{submitted_registration(client)['id']}/reject"
    return lambda headers: client.post(path, json=REFUSAL, headers=headers)


def _address_change(client: TestClient) -> Post:
    client.post(f"/v1/registrations/{submitted_registration(client)['id']}/approve")
    return lambda headers: client.post("/v1/address-changes", json=MOVE, headers=headers)


def _impoundment(client: TestClient) -> Post:
    return lambda headers: client.post("/v1/impoundments", json=IMPOUNDMENT, headers=headers)


def _shelter_dog(client: TestClient) -> Post:
    return lambda headers: client.post("/v1/shelter-dogs", json=SHELTER_DOG, headers=headers)


def _adoption_application(client: TestClient) -> Post:
    path = f"/v1/shelter-dogs/{client.post('/v1/shelter-dogs', json=SHELTER_DOG).json()['id']}/applications"
    return lambda headers: client.post(path, json=applicant(1), headers=headers)


def _adoption_approval(client: TestClient) -> Post:
    path = f"/v1/adoption-applications/{adoption_application(client)['id']}/approve"
    return lambda headers: client.post(path, json=ALL_CONFIRMED, headers=headers)


def _adoption_rejection(client: TestClient) -> Post:
    path = f"/v1/adoption-applications/{adoption_application(client)['id']}/reject"
    return lambda headers: client.post(path, json=REFUSAL, headers=headers)


# Every state-changing request of the service, each ready to be posted on a fresh database.
COMMANDS: dict[str, Callable[[TestClient], Post]] = {
    "vaccination": _vaccination,
    "photo": _photo,
    "registration": _registration,
    "registration approval": _registration_approval,
    "registration rejection": _registration_rejection,
    "address change": _address_change,
    "impoundment": _impoundment,
    "shelter dog": _shelter_dog,
    "adoption application": _adoption_application,
    "adoption approval": _adoption_approval,
    "adoption rejection": _adoption_rejection,
}


def test_twenty_simultaneous_creates_with_one_key_make_one_record(dogs_settings: DogsSettings) -> None:
    """Every one of the 20 answers is the one record, with the original 201; the other 19 say they are replays."""

    async def scenario() -> tuple[list[httpx.Response], dict[str, object]]:
        app = create_app(dogs_settings, PlatformSettings(dev_mode=True))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://dogs", headers=identity_headers("dogs")
        ) as http:
            responses = await asyncio.gather(
                *(
                    http.post("/v1/vaccinations", json=vaccination_body(), headers={"Idempotency-Key": "v-1"})
                    for _ in range(20)
                )
            )
            listed = (await http.get("/v1/vaccinations")).json()
        await app.state.db.dispose()
        return list(responses), listed

    responses, listed = asyncio.run(scenario())
    assert listed["total"] == 1
    record_id = listed["items"][0]["id"]  # type: ignore[index]
    assert [(r.status_code, r.json()["id"]) for r in responses] == [(201, record_id)] * 20
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19


def test_a_refused_create_does_not_burn_its_key(client: TestClient) -> None:
    """三: a registration refused for missing materials (422) leaves the key free for the corrected application."""
    key = {"Idempotency-Key": "reg-1"}
    complete = registration_body(client)
    refused = client.post("/v1/registrations", json=complete | {"vaccination_id": None}, headers=key)
    assert (refused.status_code, refused.json()["code"]) == (422, "registration_materials_invalid")

    created = client.post("/v1/registrations", json=complete, headers=key)
    assert created.status_code == 201, created.text
    replayed = client.post("/v1/registrations", json=complete, headers=key)
    assert (replayed.status_code, replayed.json()) == (201, created.json())
    assert replayed.headers["Idempotent-Replayed"] == "true"
    # now that the key has made a record, the refused body is another request under the same key
    reused = client.post("/v1/registrations", json=complete | {"vaccination_id": None}, headers=key)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert client.get("/v1/registrations").json()["total"] == 1


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


def test_a_retried_photo_upload_stores_one_file(client: TestClient, dogs_settings: DogsSettings) -> None:
    post = _photo(client)
    first, retried = post({"Idempotency-Key": "photo-1"}), post({"Idempotency-Key": "photo-1"})
    assert retried.json() == first.json()
    assert [p.name for p in dogs_settings.photo_dir.iterdir()] == [f"{first.json()['id']}.jpeg"]


def test_a_key_reused_for_another_request_is_refused(client: TestClient) -> None:
    """The key names one request: another registration's approval, or the same approval under another 文书号."""
    first, second = submitted_registration(client), submitted_registration(client)
    key = {"Idempotency-Key": "approve-1"}
    assert client.post(f"/v1/registrations/{first['id']}/approve", headers=key).status_code == 200
    for path, body in (
        (f"/v1/registrations/{second['id']}/approve", {}),
        (f"/v1/registrations/{first['id']}/approve", {"document_number": "柯综执犬登〔2023〕0158号"}),
    ):
        reused = client.post(path, json=body, headers=key)
        assert (reused.status_code, reused.json()["code"], reused.json()["field"]) == (
            422,
            "idempotency_key_reused",
            "Idempotency-Key",
        )
    assert client.get(f"/v1/registrations/{second['id']}").json()["status"] == "submitted"


def test_a_key_reused_on_another_endpoint_is_refused(client: TestClient) -> None:
    """The same id and body on another endpoint is another request: a registration's rejection is no answer to an
    adoption application's rejection under the same key."""
    registration, application = submitted_registration(client), adoption_application(client)
    assert registration["id"] == application["id"] == 1  # the same path id on both endpoints
    key = {"Idempotency-Key": "reject-1"}
    assert client.post("/v1/registrations/1/reject", json=REFUSAL, headers=key).status_code == 200
    reused = client.post("/v1/adoption-applications/1/reject", json=REFUSAL, headers=key)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")


def test_an_approval_posted_twice_is_one_approval(client: TestClient) -> None:
    """三: a double click, or a retry without a key, is answered with the approval given: same number, no change.

    Refused by the code before D-20: the second post answered 409 registration_already_decided."""
    approve = f"/v1/registrations/{submitted_registration(client)['id']}/approve"
    first = client.post(approve, json={"document_number": "柯综执犬登〔2023〕0158号"})
    assert first.status_code == 200 and first.json()["decision_document_number"] == "柯综执犬登〔2023〕0158号"
    changes = audit_trail(client)

    again = client.post(approve, json={"document_number": " 柯综执犬登〔2023〕0158号"})  # as typed again, a space
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert audit_trail(client) == changes


def test_another_decision_on_a_decided_registration_is_409(client: TestClient) -> None:
    """An approval after the refusal, or a refusal under another 文书号: the registration has its decision."""
    record = submitted_registration(client)
    refused = client.post(f"/v1/registrations/{record['id']}/reject", json=REFUSAL)
    assert refused.json()["decision_document_number"] == REFUSAL["document_number"]
    for verb, body in (
        ("approve", {}),
        ("approve", {"document_number": REFUSAL["document_number"]}),
        ("reject", REFUSAL | {"document_number": "柯综执不登〔2023〕013号"}),
    ):
        r = client.post(f"/v1/registrations/{record['id']}/{verb}", json=body)
        assert (r.status_code, r.json()["code"]) == (409, "registration_already_decided")
    # the same 文书号 and day with other reasons is not the refusal made: two decisions cannot share a 文书号
    other = client.post(f"/v1/registrations/{record['id']}/reject", json=REFUSAL | {"reasons": ["照片不清晰"]})
    assert (other.status_code, other.json()["code"]) == (409, "decision_conflict")
    assert client.get(f"/v1/registrations/{record['id']}").json() == refused.json()


def test_a_decision_is_replayed_only_to_a_caller_who_may_make_it(client: TestClient) -> None:
    """The first answer names the owner: another district's client gets the 404 of an unknown record."""
    record = submitted_registration(client)  # 柯城区
    assert client.post(f"/v1/registrations/{record['id']}/approve").status_code == 200
    qujiang = identity_headers("dogs", district="衢江区")
    theirs = client.post(f"/v1/registrations/{record['id']}/approve", headers=qujiang)
    unknown = client.post("/v1/registrations/999999/approve", headers=qujiang)
    assert (theirs.status_code, theirs.json()["code"], theirs.json()["field"]) == (404, "not_found", "registration_id")
    assert theirs.json()["detail"] == unknown.json()["detail"] and "Idempotent-Replayed" not in theirs.headers


def test_a_key_that_met_an_earlier_decision_is_answered_with_it_again(client: TestClient) -> None:
    """Two screens approve under two keys: the second is answered with the first approval, and so is its retry.

    Works around qz_common.idempotency, which kept the second key claimed with no answer: its retry got null."""
    approve = f"/v1/registrations/{submitted_registration(client)['id']}/approve"
    first = client.post(approve, headers={"Idempotency-Key": "screen-1"})
    for _ in range(2):
        second = client.post(approve, headers={"Idempotency-Key": "screen-2"})
        assert (second.status_code, second.json()) == (200, first.json())


def test_an_adoption_decision_posted_twice_is_one(client: TestClient) -> None:
    """四: the approval posted again is the approval made; the later applications stay closed, once."""
    dog = client.post("/v1/shelter-dogs", json=SHELTER_DOG).json()
    first, _second = (client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=applicant(n)) for n in (1, 2))
    approve = f"/v1/adoption-applications/{first.json()['id']}/approve"
    approved = client.post(approve, json=ALL_CONFIRMED)
    assert approved.status_code == 200, approved.text
    changes = audit_trail(client)

    again = client.post(approve, json=ALL_CONFIRMED)
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (200, approved.json(), "true")
    assert audit_trail(client) == changes
    refused = client.post(f"/v1/adoption-applications/{first.json()['id']}/reject", json=REFUSAL)
    assert (refused.status_code, refused.json()["code"]) == (409, "adoption_closed")


def _approval(client: TestClient, decided: str) -> tuple[str, dict[str, Any]]:
    """The path and body of an approval waiting to be made: of a registration or of an adoption application."""
    if decided == "registration":
        return f"/v1/registrations/{submitted_registration(client)['id']}/approve", {}
    return f"/v1/adoption-applications/{adoption_application(client)['id']}/approve", ALL_CONFIRMED


@pytest.mark.parametrize("decided", ["registration", "adoption_applications"])
def test_six_simultaneous_identical_approvals_are_one(dogs_settings_on_backend: DogsSettings, decided: str) -> None:
    """Six clicks at once: one approval (one registration number), answered six times, audited once.

    Refused by the code before D-20: one approval and five 409s."""
    app = create_app(dogs_settings_on_backend, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("dogs")) as setup:
        path, body = _approval(setup, decided)

    async def scenario() -> tuple[list[httpx.Response], list[tuple[str, str, str]]]:
        app = create_app(dogs_settings_on_backend, PlatformSettings(dev_mode=True))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://dogs", headers=identity_headers("dogs")
        ) as http:
            responses = await asyncio.gather(*(http.post(path, json=body) for _ in range(6)))
            audited = await audit_rows(app)
        await app.state.db.dispose()
        return list(responses), audited

    responses, audited = asyncio.run(scenario())
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    assert [r.json() for r in responses] == [responses[0].json()] * 6
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 5
    assert [action for action, *_ in audited].count("approved") == 1
