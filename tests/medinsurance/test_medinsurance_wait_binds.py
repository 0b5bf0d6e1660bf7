"""Reading A-59 switched (issue 31): a wait or a 不予受理 bar binds the operating entity, its 统一社会信用代码 (chosen,
``process.wait_binds = entity``), or only the institution row that incurred it (``institution``). The rule
(``rules.bars``) takes the entity's records and the reading; submissions and signings use the published reading, the
what-if ``POST /v1/institutions/{id}/application-check`` either.
"""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from medinsurance_testdata import application, application_event, institution

from medinsurance.parameters import books_in_force, params
from medinsurance.rules.application import Application, AppState
from medinsurance.rules.bars import BarBooks, EntityRecords, bar_on

D = dt.date
ROW = {"process.wait_binds": "institution"}


def books(overrides: dict[str, str] | None = None) -> BarBooks:
    return BarBooks(*books_in_force(("process", "refusal", "calendar"), D(2023, 7, 1), overrides))


# Institution 1 withdrew (逾期不补正) and may apply again from 2023-09-10: its wait runs to 2023-09-09.
WITHDRAWN = Application(AppState.WITHDRAWN, D(2023, 3, 1), reapply_from=D(2023, 9, 10))


def test_a_withdrawal_waits_for_the_entity_or_for_its_row_only() -> None:
    records = EntityRecords(applications=((1, WITHDRAWN),))
    entity = bar_on(records, 2, D(2023, 7, 1), False, books())
    assert entity is not None and (entity.code, entity.until) == ("waiting_period", D(2023, 9, 9))
    assert bar_on(records, 2, D(2023, 7, 1), False, books(ROW)) is None  # another row of the entity is free
    own = bar_on(records, 1, D(2023, 7, 1), False, books(ROW))  # the row that withdrew still waits
    assert own is not None and own.until == D(2023, 9, 9)


def test_a_termination_for_breach_bars_the_entity_or_its_row() -> None:
    """医疗机构(6) "因严重违反医保协议约定而被解除协议未满1年": institution 1's agreement ended by a 五(三) decision on
    2023-03-01. The year is 满 on 2024-03-01, so 未满 through 2024-02-29 (2024 a leap year); with A-02 read the other
    way (满 the day after), through 2024-03-01."""
    records = EntityRecords(terminated_on=((1, D(2023, 3, 1)),))
    entity = bar_on(records, 2, D(2023, 7, 1), False, books())
    assert entity is not None and (entity.code, entity.until) == ("refused", D(2024, 2, 29))
    assert "(6)" in entity.basis
    assert bar_on(records, 2, D(2023, 7, 1), False, books(ROW)) is None
    later = bar_on(records, 2, D(2023, 7, 1), False, books({"calendar.period_complete_on": "day_after"}))
    assert later is not None and later.until == D(2024, 3, 1)
    assert params("process", D(2023, 7, 1))["wait_binds"] == "entity"  # the published reading


def check(client: TestClient, institution_id: int, on: str, parameters: dict[str, str] | None = None) -> Any:
    body = {"on": on, "parameters": parameters}
    r = client.post(f"/v1/institutions/{institution_id}/application-check", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_what_if_lets_the_second_institution_apply(client: TestClient) -> None:
    """As test_withdrawal_wait_binds_the_entity_not_the_row: institution 1, submitted 2023-06-01, told to supplement on
    Friday 06-02 (5 working days: 6/5–6/9, deadline 06-09), lapsed, withdrawn from 06-10, free from 2023-09-10. A
    second institution of the same 统一社会信用代码 asks about 2023-09-09: barred to 09-09 as published; free with the
    wait bound to the row. The submission itself still takes the published reading (409), and nothing is written."""
    first = institution(client)
    app = application(client, first)
    application_event(client, app["id"], "submit", "2023-06-01")
    application_event(client, app["id"], "request_supplement", "2023-06-02")
    assert application_event(client, app["id"], "lapse_supplement", "2023-06-12").json()["reapply_from"] == "2023-09-10"
    second = institution(client, name="柯城康复诊所二部", address="柯城区荷花街道2号")
    published = check(client, second["id"], "2023-09-09")
    assert (published["barred"], published["code"], published["until"]) == (True, "waiting_period", "2023-09-09")
    assert "scenario" not in published
    switched = check(client, second["id"], "2023-09-09", ROW)
    assert (switched["barred"], switched["code"], switched["scenario"]) == (False, None, ROW)
    assert check(client, first["id"], "2023-09-09", ROW)["until"] == "2023-09-09"  # the row that withdrew waits
    assert check(client, second["id"], "2023-09-10")["barred"] is False
    other = application(client, second, "2023-01-01")
    refused = application_event(client, other["id"], "submit", "2023-09-09")
    assert (refused.status_code, refused.json()["code"]) == (409, "waiting_period")


def test_the_check_refuses_what_the_books_do_not_allow_and_unknown_rows(client: TestClient) -> None:
    inst = institution(client)
    r = client.post(
        f"/v1/institutions/{inst['id']}/application-check",
        json={"on": "2023-09-09", "parameters": {"process.wait_binds": "district"}},
    )
    assert (r.status_code, r.json()["errors"][0]["code"]) == (422, "reading_unknown")
    missing = client.post("/v1/institutions/999999/application-check", json={"on": "2023-09-09"})
    assert missing.status_code == 404


def test_the_reading_is_listed(client: TestClient) -> None:
    listed = {r["parameter"]: r for r in client.get("/v1/readings", params={"on": "2023-09-09"}).json()}
    wait = listed["process.wait_binds"]
    assert (wait["id"], wait["chosen"]) == ("A-59", "entity")
    assert "POST /v1/institutions/{institution_id}/application-check" in wait["calculators"]
