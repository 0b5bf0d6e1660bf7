"""Relocation cases: one request signs the agreement and opens the follow-ups in other bureaus."""

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from relocation_kit import (
    DEV,
    DEV_KEYRING,
    case_body,
    clinic_at,
    enterprise_case_body,
    gateway_database,
    household_with_dog,
)
from sqlalchemy import select, text
from testkit import DatabaseFactory, ServiceProcess, id_number

from gateway.models import AuditRecord, RelocationStep
from gateway.relocation import sent_with
from qz_common.db import Database, utcnow
from qz_common.migrations import upgrade


def audit_trail(gateway_db: str, case_id: int) -> list[tuple[str, str]]:
    """(entity, action) of the gateway's audit rows about one case and its steps, in order."""

    async def rows() -> list[AuditRecord]:
        database = gateway_database(gateway_db)
        async with database.sessionmaker() as session:
            found = await session.scalars(
                select(AuditRecord)
                .where(AuditRecord.entity.in_(["relocation_cases", "relocation_steps"]))
                .order_by(AuditRecord.id)
            )
            records = list(found)
        await database.dispose()
        return records

    def about_case(row: AuditRecord) -> bool:
        after = row.after or {}
        return after.get("case_id" if row.entity == "relocation_steps" else "id") == case_id

    return [(row.entity, row.action) for row in asyncio.run(rows()) if about_case(row)]


def test_household_case_moves_the_dogs(gateway: TestClient, gateway_db: str) -> None:
    owner = id_number("330802", dt.date(1990, 2, 2), 41)
    household_id = household_with_dog(gateway, owner)
    key = {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}
    case = gateway.post("/api/v1/cases/relocation", json=case_body(household_id), headers=DEV | key)
    assert case.status_code == 201, case.text
    view = case.json()
    assert view["status"] == "completed"
    assert [(s["name"], s["status"]) for s in view["steps"]] == [
        ("sign_agreement", "done"),
        ("dog_address_change", "done"),
    ]
    registrations = gateway.get(f"/api/dogs/v1/registrations?owner_id_number={owner}", headers=DEV).json()
    assert registrations["items"][0]["district"] == "衢江区"
    replay = gateway.post("/api/v1/cases/relocation", json=case_body(household_id), headers=DEV | key)
    assert (replay.status_code, replay.json()["id"]) == (201, view["id"])
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert gateway.get(f"/api/v1/cases/relocation/{view['id']}", headers=DEV).json()["status"] == "completed"
    assert audit_trail(gateway_db, view["id"]) == [
        ("relocation_cases", "open"),
        ("relocation_steps", "step_done"),
        ("relocation_steps", "step_done"),
        ("relocation_cases", "completed"),
    ]


def test_same_key_with_another_body_is_refused(gateway: TestClient) -> None:
    household_id = household_with_dog(gateway, id_number("330802", dt.date(1990, 5, 5), 44))
    key = {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}
    first = gateway.post("/api/v1/cases/relocation", json=case_body(household_id), headers=DEV | key)
    assert first.status_code == 201, first.text
    moved_elsewhere = case_body(household_id) | {"new_address": "柯城区安置小区1幢1号", "new_district": "柯城区"}
    reused = gateway.post("/api/v1/cases/relocation", json=moved_elsewhere, headers=DEV | key)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert reused.json()["field"] == "Idempotency-Key"


def test_a_refused_agreement_opens_no_case_and_leaves_the_key_free(gateway: TestClient, gateway_db: str) -> None:
    """Expropriation refuses the agreement (no such household): that refusal is the answer, and the corrected request
    with the same key opens the case; the refused attempt stays in the case's audit trail."""
    household_id = household_with_dog(gateway, id_number("330802", dt.date(1990, 7, 7), 46))
    key = {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}
    refused = gateway.post("/api/v1/cases/relocation", json=case_body(999_999), headers=DEV | key)
    assert (refused.status_code, refused.json()["code"]) == (422, "reference_not_found")  # a body field cites it
    assert refused.json()["field"].startswith("agreement.")
    corrected = gateway.post("/api/v1/cases/relocation", json=case_body(household_id), headers=DEV | key)
    assert corrected.status_code == 201, corrected.text
    assert "Idempotent-Replayed" not in corrected.headers
    assert [s["status"] for s in corrected.json()["steps"]] == ["done", "done"]
    assert audit_trail(gateway_db, corrected.json()["id"]) == [
        ("relocation_cases", "open"),
        ("relocation_steps", "step_failed"),
        ("relocation_cases", "refused"),
        ("relocation_cases", "open"),
        ("relocation_steps", "step_done"),
        ("relocation_steps", "step_done"),
        ("relocation_cases", "completed"),
    ]


def test_twenty_simultaneous_opens_with_one_key_make_one_case(gateway: TestClient) -> None:
    """One case whose steps ran once; every answer is that case, none a 5xx."""
    household_id = household_with_dog(gateway, id_number("330802", dt.date(1990, 6, 6), 45))
    key = {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}

    def open_case(_: int) -> Any:
        return gateway.post("/api/v1/cases/relocation", json=case_body(household_id), headers=DEV | key)

    with ThreadPoolExecutor(max_workers=20) as pool:  # the TestClient runs them concurrently on the app's loop
        responses = list(pool.map(open_case, range(20)))
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses if r.status_code != 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19
    case = gateway.get(f"/api/v1/cases/relocation/{responses[0].json()['id']}", headers=DEV).json()
    assert [(s["name"], s["status"], s["attempts"]) for s in case["steps"]] == [
        ("sign_agreement", "done", 1),
        ("dog_address_change", "done", 1),
    ]


def test_failed_step_is_recorded_and_retried(
    make_gateway: Callable[..., TestClient],
    spare_dogs: ServiceProcess,
    service_processes: dict[str, ServiceProcess],
    gateway_db: str,
) -> None:
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls, retry_attempts=0, breaker_reset_s=0.1)
    owner = id_number("330802", dt.date(1991, 3, 3), 42)
    household_id = household_with_dog(gateway, owner)
    spare_dogs.stop()
    key = {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}
    view = gateway.post("/api/v1/cases/relocation", json=case_body(household_id), headers=DEV | key).json()
    assert view["status"] == "attention"
    steps = {s["name"]: s for s in view["steps"]}
    assert steps["sign_agreement"]["status"] == "done"
    assert steps["dog_address_change"]["status"] == "failed" and steps["dog_address_change"]["last_error"]
    spare_dogs.start()
    retried = gateway.post(f"/api/v1/cases/relocation/{view['id']}/retry", headers=DEV).json()
    assert retried["status"] == "completed"
    assert [s["attempts"] for s in retried["steps"]] == [1, 2]  # the agreement was not signed twice
    assert audit_trail(gateway_db, view["id"]) == [
        ("relocation_cases", "open"),
        ("relocation_steps", "step_done"),
        ("relocation_steps", "step_failed"),
        ("relocation_cases", "attention"),
        ("relocation_cases", "retry"),
        ("relocation_steps", "step_done"),
        ("relocation_cases", "completed"),
    ]


def test_enterprise_case_files_the_clinic_relocation(gateway: TestClient) -> None:
    premises = f"柯城区石梁村{uuid.uuid4().hex[:6]}号"
    clinic_at(gateway, premises)
    household_id = household_with_dog(gateway, id_number("330802", dt.date(1992, 4, 4), 43))
    body = enterprise_case_body(household_id, premises)
    view = gateway.post(
        "/api/v1/cases/relocation", json=body, headers=DEV | {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}
    ).json()
    assert [(s["name"], s["status"]) for s in view["steps"]] == [
        ("sign_agreement", "done"),
        ("clinic_relocation_filing", "done"),
    ], view
    assert view["steps"][1]["result"]["filed"], view


def test_case_requires_an_idempotency_key_and_scopes(gateway: TestClient, issue_key: Callable[..., str]) -> None:
    r = gateway.post("/api/v1/cases/relocation", json=case_body(1), headers=DEV)
    assert (r.status_code, r.json()["field"]) == (422, "Idempotency-Key")
    dogs_only = {"X-API-Key": issue_key(f"dogs-only-{uuid.uuid4().hex[:6]}", "dogs:*")}
    r = gateway.post("/api/v1/cases/relocation", json=case_body(1), headers=dogs_only | {"Idempotency-Key": "x"})
    assert r.status_code == 403


def test_case_body_refuses_control_characters_anywhere(gateway: TestClient) -> None:
    key = {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}
    body = case_body(1) | {"new_address": "衢江区\x00安置小区"}
    r = gateway.post("/api/v1/cases/relocation", json=body, headers=DEV | key)
    assert (r.status_code, r.json()["field"], r.json()["errors"][0]["code"]) == (
        422,
        "new_address",
        "control_character",
    )
    body = case_body(1) | {"agreement": {"household_id": 1, "method": "monetary\x1b[2J", "signed_on": "2023-08-01"}}
    r = gateway.post("/api/v1/cases/relocation", json=body, headers=DEV | key)
    assert (r.status_code, r.json()["field"]) == (422, "agreement")


def test_steps_of_cases_open_before_the_upgrade_keep_the_key_they_were_sent_with(
    database_factory: DatabaseFactory, backend: str
) -> None:
    """Revision 0003 stores each step's Idempotency-Key. A step sent under the case-id key of the release before is
    sent again under that key, so its bureau recognises it: a step stored before the upgrade, and one that a gateway
    of that release writes while the new one rolls in (it stores no key)."""
    url = database_factory.create("gateway", migrate=False, backend=backend)
    upgrade("gateway", url, "0002")

    async def written_by_the_release_before(*statements: str) -> None:
        database = Database(url)
        async with database.sessionmaker() as session, session.begin():
            for statement in statements:
                await session.execute(text(statement), {"now": utcnow()})
        await database.dispose()

    step = (
        "INSERT INTO relocation_steps (case_id, position, name, service, status, attempts, updated_at)"
        " VALUES (7, {}, 'dog_address_change', 'dogs', 'failed', 1, :now)"
    )
    asyncio.run(
        written_by_the_release_before(
            "INSERT INTO relocation_cases (id, client_id, idempotency_key, kind, request, status, created_at,"
            " updated_at) VALUES (7, 'kecheng', 'k1', 'household', '{}', 'attention', :now, :now)",
            step.format(2),
        )
    )
    upgrade("gateway", url, keyring=DEV_KEYRING)
    asyncio.run(written_by_the_release_before(step.format(3)))

    async def keys_sent_with() -> list[str]:
        database = gateway_database(url)
        async with database.sessionmaker() as session:
            steps = list(await session.scalars(select(RelocationStep).order_by(RelocationStep.position)))
        await database.dispose()
        return [sent_with(step) for step in steps]

    assert asyncio.run(keys_sent_with()) == ["relocation-7-2", "relocation-7-3"]
