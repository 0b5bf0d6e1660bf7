"""Readings of 43号 that an application's acceptance and its recognition depend on (issue 31): I-06 (on which day the
高新 certificate must be valid) and I-11 (the audit reports of a firm registered less than three years).

Each is a parameter of params/institutes.toml: POST /v1/institutes and the recognition follow the reading published
(the other one is published for a test, as 市科技局 would publish a new version), and POST /v1/institutes/what-if
judges an application as published and under a scenario, storing nothing (a refused application leaves no record,
so no impact over stored applications could show it).

Common facts: 衢州元立新材料有限公司 applies on 2023-06-01 with the standard application (eligibility_body: every
condition of 一 met) and complete materials unless a test says otherwise.
"""

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import ALL_AUDIT_ITEMS, audit_trail, eligibility_body, enterprise, institute_application
from science_testdata import materials_body as materials

from qz_common.params import ParameterBook
from science import parameters

Publish = Callable[..., None]


@pytest.fixture
def publish(monkeypatch: pytest.MonkeyPatch) -> Iterator[Publish]:
    """``publish(key=value)``: every version of the institutes book holds ``value`` for ``key``."""

    def published(**values: Any) -> None:
        original: ParameterBook = parameters.institutes_book()
        versions = tuple(dataclasses.replace(v, values={**v.values, **values}) for v in original.versions)
        changed = dataclasses.replace(original, versions=versions)
        monkeypatch.setattr(parameters, "institutes_book", lambda: changed)

    yield published


def what_if(client: TestClient, parameters: dict[str, str] | None, **changes: Any) -> dict[str, Any]:
    body = institute_application(**changes) | ({"parameters": parameters} if parameters else {})
    r = client.post("/v1/institutes/what-if", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def codes(verdict: dict[str, Any]) -> tuple[bool, list[str]]:
    return verdict["accepted"], [p["code"] for p in verdict["problems"]]


# --- I-11: 近三年专项审计报告 of a firm registered less than three years --------------------------------------------

YOUNG = eligibility_body(registered_in_quzhou_on="2021-03-01")  # registered 2 years 3 months before applying
TWO_REPORTS = materials(audit_reports=[{"year": year, "items": ALL_AUDIT_ITEMS} for year in (2021, 2022)])


def test_a_young_firms_audit_reports_under_each_reading(client: TestClient) -> None:
    """二(一) 近三年专项审计报告 (I-11). Registered in 衢州 2021-03-01, applying 2023-06-01 with reports for 2021 and
    2022. Chosen reading (2020, 2021, 2022 from every firm): 2020's is missing, refused. Other reading (the years from
    registration: 2021, 2022): complete, accepted. Nothing is stored by the what-if."""
    enterprise(client)
    trail = audit_trail(client)
    other = {"institutes.audit_reports_of": "years_registered"}
    answer = what_if(client, other, application=YOUNG, materials=TWO_REPORTS)
    assert codes(answer["published"]) == (False, ["audit_report"])
    assert answer["published"]["problems"][0]["detail"] == "缺少2020年度专项审计报告"
    assert codes(answer["scenario"]) == (True, [])
    assert answer["scenario"]["parameter_version"].endswith("+scenario")
    assert (audit_trail(client), client.get("/v1/institutes").json()["items"]) == (trail, [])
    # A firm registered in 2015 owes all three years under both readings.
    old_firm = what_if(client, other, materials=TWO_REPORTS)
    assert codes(old_firm["published"]) == codes(old_firm["scenario"]) == (False, ["audit_report"])


def test_the_stored_application_follows_the_published_reading_of_the_audit_years(
    client: TestClient, publish: Publish
) -> None:
    """The same young firm's application is refused as published (2020's report missing), and stored once the other
    reading is published (2021 and 2022 suffice)."""
    enterprise(client)
    r = client.post("/v1/institutes", json=institute_application(application=YOUNG, materials=TWO_REPORTS))
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (
        422,
        "materials_incomplete",
        "materials.audit_report",
    )
    publish(audit_reports_of="years_registered")
    r = client.post("/v1/institutes", json=institute_application(application=YOUNG, materials=TWO_REPORTS))
    assert r.status_code == 201, r.text


# --- I-06: the 高新 certificate on which day ---------------------------------------------------------------------

STEPS = [
    {"action": "recommend", "on": "2023-06-10", "no_violation_certificate": "柯科证〔2023〕12号"},
    {"action": "pass_review", "on": "2023-07-01"},
    {"action": "publicise", "on": "2023-07-05"},
]


def _publicised(client: TestClient, hitech_valid_until: str) -> int:
    """An application of 2023-06-01 by a firm whose record's certificate runs through ``hitech_valid_until``, taken
    to its public notice (2023-07-05)."""
    enterprise(client, hitech_valid_until=hitech_valid_until)
    body = institute_application(application=eligibility_body(hitech_valid_until=hitech_valid_until))
    r = client.post("/v1/institutes", json=body)
    assert r.status_code == 201, r.text
    for step in STEPS:
        assert client.post(f"/v1/institutes/{r.json()['id']}/decisions", json=step).status_code == 200
    return int(r.json()["id"])


def recognise(client: TestClient, institute_id: int, on: str) -> Any:
    body = {"action": "recognise", "on": on, "batch": "2023年第一批"}
    return client.post(f"/v1/institutes/{institute_id}/decisions", json=body)


def test_a_certificate_running_out_before_recognition_is_recognised_under_the_chosen_reading(
    client: TestClient,
) -> None:
    """一(二) 国家高新技术企业 (I-06), chosen reading (valid on the application day): the certificate runs through
    2023-07-10, valid on 2023-06-01, so the application was accepted and the recognition on 07-20 goes through."""
    institute = _publicised(client, "2023-07-10")
    r = recognise(client, institute, "2023-07-20")
    assert (r.status_code, r.json()["status"]) == (200, "recognised")


def test_a_certificate_running_out_before_recognition_under_the_other_reading(
    client: TestClient, publish: Publish
) -> None:
    """I-06, the other reading published (valid on the day of recognition): the certificate through 2023-07-10 is no
    longer valid on 07-20, refused naming `on`; on 07-10 itself (有效期至 includes its last day) it is recognised."""
    publish(hitech_valid_on="recognition")
    institute = _publicised(client, "2023-07-10")
    r = recognise(client, institute, "2023-07-20")
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "hitech_not_valid_on_recognition", "on")
    assert r.json()["errors"][0]["basis"] == "衢市科发高〔2022〕43号 一(二)"
    assert recognise(client, institute, "2023-07-10").json()["status"] == "recognised"


def test_a_certificate_expired_on_the_application_day_under_each_reading(client: TestClient) -> None:
    """I-06 at the application: a certificate that ran through 2023-05-31, the application made 2023-06-01. Chosen
    reading: the 高新 half of 一(二) fails on the application day, refused (registration_hitech). Other reading: a
    certificate is held, its validity is judged at recognition, so the application is accepted."""
    enterprise(client, hitech_valid_until="2023-05-31")
    lapsed = eligibility_body(hitech_valid_until="2023-05-31")
    answer = what_if(client, {"institutes.hitech_valid_on": "recognition"}, application=lapsed)
    assert codes(answer["published"]) == (False, ["registration_hitech"])
    assert codes(answer["scenario"]) == (True, [])
    hitech = next(c for c in answer["scenario"]["conditions"] if c["code"] == "registration_hitech")
    assert hitech["detail"] == "在衢注册满1年、独立法人、持有国家高新技术企业证书（有效期于认定之日核验）"


def test_the_what_if_names_every_refusal_and_the_scenario_it_was_given(client: TestClient) -> None:
    """All refusals at once, in the order the command checks them: the record contradicted (its 高新 through
    2024-12-31 against 2023-05-31 stated), the missing 2020 report, the unmet 高新 half. A scenario naming a book an
    application does not read (the 1号 policies) is refused as any what-if's."""
    enterprise(client, hitech_valid_until="2024-12-31")
    answer = what_if(client, None, application=eligibility_body(hitech_valid_until="2023-05-31"), materials=TWO_REPORTS)
    assert codes(answer["published"]) == (
        False,
        ["contradicts_enterprise_record", "audit_report", "registration_hitech"],
    )
    assert "scenario" not in answer and "parameters" not in answer
    body = institute_application() | {"parameters": {"policies.rd_cap": "2000000"}}
    r = client.post("/v1/institutes/what-if", json=body)
    assert (r.status_code, r.json()["code"]) == (422, "scenario_invalid")
