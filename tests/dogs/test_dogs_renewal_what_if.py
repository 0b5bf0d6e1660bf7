"""D-24 switched per request (issue 31): ``POST /v1/registrations/{id}/renewal/what-if`` answers when a stored
registration is due for renewal as the notice's book of the day stands and under a scenario of figures and readings
(D-24's ``registration_renewal_due``, D-09's ``vaccination_due_date_covers``), with its clauses and the readings it
was read under; it renews, audits and stores nothing.

Every expected day is worked out from 三3 and the register: the registration stands on a rabies vaccination given
30 days before today whose next due date is 200 days after today (within the 12 months of D-21, so that date bounds
the immunity)."""

import datetime as dt
from typing import Any

from dogs_testdata import audit_trail, submitted_registration, vaccination
from fastapi.testclient import TestClient
from testkit import identity_headers

from qz_common.clock import today

CLAUSE = "衢执法发〔2023〕3号 三3"
INTERVAL = "衢执法发〔2023〕3号 六；《狂犬病防治技术规范》（原农业部）：犬每年加强免疫一次"
RENEWAL = "dogs.registration_renewal_due"
DUE_DAY_COVERS = "dogs.vaccination_due_date_covers"


def registration_covering_through(client: TestClient, due: dt.date) -> dict[str, Any]:
    """A window registration (submitted, 柯城区) whose 免疫证明 was given 30 days ago and is next due on ``due``."""
    vaccinated_on = today() - dt.timedelta(days=30)
    cited = vaccination(client, vaccinated_on=vaccinated_on.isoformat(), next_due_on=due.isoformat())
    return submitted_registration(client, vaccination_id=cited["id"])


def what_if(client: TestClient, registration_id: int, **body: Any) -> dict[str, Any]:
    r = client.post(f"/v1/registrations/{registration_id}/renewal/what-if", json=body)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def readings(answer: dict[str, Any]) -> dict[str, str]:
    return {r["parameter"]: r["value"] for r in answer["readings"]}


def test_due_the_day_the_vaccination_stops_covering_as_published_and_never_under_none(client: TestClient) -> None:
    """Next due D = today + 200. As published: D-09 (true) keeps D itself covered, so the immunity covers through D
    and D-24 (vaccination) makes D the renewal day. Under ``none`` the registration has no term of its own: no renewal
    day, though the vaccination still covers through D (D-09 unchanged)."""
    due = today() + dt.timedelta(days=200)
    filed = registration_covering_through(client, due)
    before = audit_trail(client), client.get(f"/v1/registrations/{filed['id']}").json()

    answer = what_if(client, filed["id"], parameters={RENEWAL: "none"})

    assert (answer["registration_id"], answer["status"], answer["as_of"]) == (filed["id"], "submitted", str(today()))
    published, scenario = answer["published"], answer["scenario"]
    assert (published["renewal_due"], published["vaccination_covers_until"]) == (str(due), str(due))
    assert published["overdue"] is False
    assert published["basis"] == [CLAUSE, INTERVAL]
    assert readings(published) == {RENEWAL: "vaccination", DUE_DAY_COVERS: "true"}
    assert published["parameter_version"] == "dogs@2023-03-01"
    assert (scenario["renewal_due"], scenario["vaccination_covers_until"]) == (None, str(due))
    assert scenario["overdue"] is False
    assert readings(scenario) == {RENEWAL: "none", DUE_DAY_COVERS: "true"}
    entry = {r["parameter"]: (r["entry"], r["label"]) for r in scenario["readings"]}[RENEWAL]
    assert entry == ("D-24", "登记本身无期限，不因免疫证明到期而须续期")
    assert scenario["parameter_version"] == "dogs@2023-03-01+scenario"
    assert answer["parameters"] == {RENEWAL: "none"}
    # Nothing renewed, audited or stored.
    assert (audit_trail(client), client.get(f"/v1/registrations/{filed['id']}").json()) == before


def test_d09_moves_the_renewal_day_one_day_earlier_in_the_same_what_if(client: TestClient) -> None:
    """D-09 switched (false): the 免疫证明 stops covering the day before its next due date, so it covers through
    D − 1 and the registration is due then; with D-24's ``none`` too, no renewal day and still cover through D − 1."""
    due = today() + dt.timedelta(days=200)
    filed = registration_covering_through(client, due)
    day_before = str(due - dt.timedelta(days=1))

    earlier = what_if(client, filed["id"], parameters={DUE_DAY_COVERS: "false"})["scenario"]
    assert (earlier["renewal_due"], earlier["vaccination_covers_until"]) == (day_before, day_before)
    assert readings(earlier) == {RENEWAL: "vaccination", DUE_DAY_COVERS: "false"}

    both = what_if(client, filed["id"], parameters={DUE_DAY_COVERS: "false", RENEWAL: "none"})["scenario"]
    assert (both["renewal_due"], both["vaccination_covers_until"]) == (None, day_before)


def test_asked_on_a_later_day_the_renewal_is_overdue_only_where_one_falls_due(client: TestClient) -> None:
    """Asked on D + 1 (a day the book of 2023-03-01 still governs): D has passed, so the published renewal is overdue;
    under ``none`` nothing falls due and nothing is overdue. Without ``parameters`` only the published side answers."""
    due = today() + dt.timedelta(days=200)
    filed = registration_covering_through(client, due)
    later = str(due + dt.timedelta(days=1))

    answer = what_if(client, filed["id"], as_of=later, parameters={RENEWAL: "none"})
    assert answer["as_of"] == later
    assert (answer["published"]["renewal_due"], answer["published"]["overdue"]) == (str(due), True)
    assert (answer["scenario"]["renewal_due"], answer["scenario"]["overdue"]) == (None, False)

    plain = what_if(client, filed["id"])
    assert "scenario" not in plain and "parameters" not in plain
    assert plain["published"]["renewal_due"] == str(due)


def test_another_districts_registration_answers_as_an_unused_id(client: TestClient) -> None:
    filed = registration_covering_through(client, today() + dt.timedelta(days=200))
    path = f"/v1/registrations/{filed['id']}/renewal/what-if"
    elsewhere = client.post(path, json={}, headers=identity_headers("dogs", district="衢江区"))
    unused = client.post(f"/v1/registrations/{filed['id'] + 1000}/renewal/what-if", json={})
    for r in (elsewhere, unused):
        assert r.status_code == 404, r.text
        assert (r.json()["code"], r.json()["field"]) == ("not_found", "registration_id")
    # Its own district's reader, read scope only, is answered.
    reader = identity_headers("dogs", district="柯城区", scopes=["dogs:read"])
    assert client.post(path, json={}, headers=reader).status_code == 200


def test_an_unknown_parameter_or_reading_is_refused_naming_each(client: TestClient) -> None:
    filed = registration_covering_through(client, today() + dt.timedelta(days=200))
    path = f"/v1/registrations/{filed['id']}/renewal/what-if"
    r = client.post(
        path,
        json={
            "parameters": {
                RENEWAL: "regulation_term",  # the 条例's own term: not in the seed, no reading here
                "dogs.no_such_parameter": "1",
                "breeds.fierce_breeds": "x",  # a book this calculation does not read
                "dogs.city_name": "杭州市",  # a name, not a figure
            }
        },
    )
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["code"] == "scenario_invalid"
    assert {e["field"]: e["code"] for e in problem["errors"]} == {
        f"parameters.{RENEWAL}": "reading_unknown",
        "parameters.dogs.no_such_parameter": "parameter_unknown",
        "parameters.breeds.fierce_breeds": "parameter_unknown",
        "parameters.dogs.city_name": "parameter_not_a_figure",
    }
    unknown_field = client.post(path, json={"as_of": "2026-01-01", "renewal_due": "none"})
    assert unknown_field.status_code == 422, unknown_field.text


def test_a_refused_application_has_no_renewal_to_ask_about(client: TestClient) -> None:
    """As the renewal itself (D-24): a refused application may not be renewed, 409 ``registration_not_renewable``."""
    filed = registration_covering_through(client, today() + dt.timedelta(days=200))
    rejected = client.post(f"/v1/registrations/{filed['id']}/reject", json={"reasons": ["犬只照片不清晰"]})
    assert rejected.status_code == 200, rejected.text
    r = client.post(f"/v1/registrations/{filed['id']}/renewal/what-if", json={"parameters": {RENEWAL: "none"}})
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "registration_not_renewable"
