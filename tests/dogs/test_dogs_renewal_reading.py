"""Reading D-24 as a parameter (issue 31): a registration is due for renewal when its 免疫证明 stops covering
(``registration_renewal_due = vaccination``, chosen), or it has no term of its own and nothing falls due (``none``).
浙里办 notices take no ``parameters``, so for them the reading is switched by a dated version of the notice's book; here
that version is stood for by the published one with the value replaced. A caseworker switches it per request in
``POST /v1/registrations/{id}/renewal/what-if`` (tests/dogs/test_dogs_renewal_what_if.py)."""

import datetime as dt
from dataclasses import replace

import pytest
from dogs_testdata import OWNER, registration_body
from fastapi.testclient import TestClient
from testkit import identity_headers

from dogs.casework import registrations
from dogs.parameters import notice_book
from dogs.rules.registration import VaccinationOnFile, renewal_due, valid_until
from qz_common.params import ParameterSet

PUBLISHED = notice_book().at(dt.date(2023, 6, 1))


def no_term(version: ParameterSet) -> ParameterSet:
    return replace(version, values={**version.values, "registration_renewal_due": "none"})


def test_the_renewal_due_day_under_each_reading() -> None:
    """三3, vaccinated 2023-01-10, next due 2024-01-10 (D-21), the due day itself covered (D-09): due for renewal on
    2024-01-10 (chosen), or never (no term of its own); the vaccination covers to 2024-01-10 either way."""
    rabies = VaccinationOnFile(OWNER, "狂犬病灭活疫苗", dt.date(2023, 1, 10), dt.date(2024, 1, 10))
    assert renewal_due(rabies, PUBLISHED) == dt.date(2024, 1, 10)
    assert renewal_due(rabies, no_term(PUBLISHED)) is None
    assert valid_until(rabies, no_term(PUBLISHED)) == dt.date(2024, 1, 10)
    assert PUBLISHED["registration_renewal_due"] == "vaccination"


def test_the_owner_is_told_of_a_renewal_only_under_the_chosen_reading(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's registration of the owner's dog, vaccinated 30 days ago and due 300 days after (dogs_testdata):
    one notice, ``dogs.vaccination_due``, on its next due date. With a version reading ``none`` in force, the owner's
    notices hold nothing for it."""
    filed = client.post("/v1/registrations", json=registration_body(client))
    assert filed.status_code == 201, filed.text
    me = identity_headers("dogs", citizen=OWNER)
    due = client.get("/v1/me/notices", headers=me).json()
    assert [n["kind"] for n in due] == ["dogs.vaccination_due"]
    published = registrations.notice_on
    monkeypatch.setattr(registrations, "notice_on", lambda day: no_term(published(day)))
    assert client.get("/v1/me/notices", headers=me).json() == []


def test_the_reading_is_listed(client: TestClient) -> None:
    listed = {r["parameter"]: r for r in client.get("/v1/readings", params={"on": "2023-06-01"}).json()}
    renewal = listed["dogs.registration_renewal_due"]
    assert (renewal["id"], renewal["chosen"]) == ("D-24", "vaccination")
    assert renewal["calculators"] == ["GET /v1/me/notices", "POST /v1/registrations/{registration_id}/renewal/what-if"]
