"""Nothing that names a citizen is in the gateway's database in clear, after relocation cases or after migration 0004
sealed the rows of the release before, while every case still shows what it did (issue 30, Personal data at rest:
个人信息保护法 第五十一条, 等保2.0 level 3).

A relocation case keeps the request it was opened with (the household, the address it moves to), each step the
request it sent and the answer it got (the agreement names the household's members by 身份证号), and the audit trail
snapshots them. The database is read as an intruder with a dump would read it: every cell of every table, raw SQL;
the file runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL set.
"""

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from relocation_kit import DEV, case_body, household_with_dogs
from testkit import DatabaseFactory, PiiKeys, id_number, in_clear, run_sql, write_as_stored

from gateway.settings import GatewaySettings
from qz_common.migrations import downgrade, upgrade
from qz_common.pii import KeyRing

CASES = "/api/v1/cases/relocation"


def test_no_member_or_address_of_a_case_is_stored_in_clear(gateway: TestClient, gateway_db: str) -> None:
    owners = [id_number("330802", dt.date(1961, 3, 3), 141), id_number("330802", dt.date(1964, 4, 4), 142)]
    body = case_body(household_with_dogs(gateway, owners)) | {"new_address": "衢江区安置小区7幢702"}
    key = DEV | {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}
    opened, again = (gateway.post(CASES, json=body, headers=key) for _ in range(2))
    assert (opened.status_code, opened.json()["status"], again.json()) == (201, "completed", opened.json())
    steps = gateway.get(f"{CASES}/{opened.json()['id']}", headers=DEV).json()["steps"]
    assert sorted(steps[0]["result"]["member_id_numbers"]) == sorted(owners)
    assert [s["name"] for s in steps] == ["sign_agreement", "dog_address_change", "dog_address_change"]
    assert in_clear(gateway_db, [*owners, "衢江区安置小区7幢702"]) == []


# --- migration 0004 on the rows of the release before --------------------------------------------------------

MEMBER = id_number("330803", dt.date(1958, 9, 9), 151)
NEW_ADDRESS = "衢江区樟潭安置小区2幢201"
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
CASE_REQUEST = {
    "kind": "household",
    "agreement": {"household_id": 9, "method": "monetary", "signed_on": "2026-11-30"},
    "new_address": NEW_ADDRESS,
    "new_district": "衢江区",
    "caller": {"client_id": "dev", "scopes": ["*"], "district": None},
}
MOVE = {"owner_id_number": MEMBER, "address": NEW_ADDRESS, "district": "衢江区", "key_area": False}
FAILED = f"dogs 422: owner_id_number {MEMBER} 无登记犬只"
LEGACY_ROWS: dict[str, list[dict[str, Any]]] = {
    "relocation_cases": [
        {
            "id": 1,
            "client_id": "dev",
            "idempotency_key": "case-before-0004",
            "kind": "household",
            "request": CASE_REQUEST,
            "status": "attention",
            "created_at": NOW,
            "updated_at": NOW,
        }
    ],
    "relocation_steps": [
        {
            "id": 1,
            "case_id": 1,
            "position": 1,
            "name": "sign_agreement",
            "service": "expropriation",
            "idempotency_key": "relocation-1-1",
            "status": "done",
            "attempts": 1,
            "request": CASE_REQUEST["agreement"],
            "result": {"id": 3, "member_id_numbers": [MEMBER]},
            "last_error": None,
            "updated_at": NOW,
        },
        {
            "id": 2,
            "case_id": 1,
            "position": 2,
            "name": "dog_address_change",
            "service": "dogs",
            "idempotency_key": "relocation-1-2",
            "status": "failed",
            "attempts": 20,
            "request": MOVE,
            "result": None,
            "last_error": FAILED,
            "updated_at": NOW,
        },
    ],
    "audit_log": [
        {
            "id": 1,
            "occurred_at": NOW,
            "actor": "dev",
            "request_id": None,
            "action": "step_failed",
            "entity": "relocation_steps",
            "entity_id": "2",
            "before": None,
            "after": {"case_id": 1, "request": MOVE, "last_error": FAILED},
        }
    ],
}


def test_migration_0004_seals_the_rows_of_the_release_before_and_its_downgrade_opens_them(
    database_factory: DatabaseFactory, make_gateway: Callable[..., TestClient]
) -> None:
    url = database_factory.create("gateway", migrate=False)
    upgrade("gateway", url, "0003")
    write_as_stored(url, LEGACY_ROWS)
    assert len(in_clear(url, [MEMBER, NEW_ADDRESS])) > 0
    keys = PiiKeys.fresh("2026a")
    ring = KeyRing.from_settings(GatewaySettings(**keys.settings), dev_mode=False)

    upgrade("gateway", url, keyring=ring)
    assert in_clear(url, [MEMBER, NEW_ADDRESS]) == []
    # A gateway with the keys shows the case as before; the background loop would retry it no more (20 attempts).
    case = make_gateway(database_url=url, relocation_retry_s=3600, **keys.settings).get(f"{CASES}/1", headers=DEV)
    assert [(s["status"], s["last_error"], s["result"]) for s in case.json()["steps"]] == [
        ("done", None, {"id": 3, "member_id_numbers": [MEMBER]}),
        ("failed", FAILED, None),
    ]

    downgrade("gateway", url, "0003", keyring=ring)
    ((request,), (move,)) = run_sql(url, "SELECT s.request FROM relocation_steps s ORDER BY s.id")
    assert [json.loads(r) if isinstance(r, str) else r for r in (request, move)] == [CASE_REQUEST["agreement"], MOVE]
    assert run_sql(url, "SELECT last_error FROM relocation_steps ORDER BY id") == [(None,), (FAILED,)]
    upgrade("gateway", url, keyring=ring)
    assert in_clear(url, [MEMBER, NEW_ADDRESS]) == []
