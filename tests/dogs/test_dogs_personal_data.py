"""The dogs service's sealed personal data under its keys (issue 30, Personal data at rest), on SQLite and PostgreSQL:
keys rotated while the service serves, stored values altered, keys that cannot serve the database, and the rows of
the release before sealed by migration 0003.
"""

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from dogs_testdata import OWNER, SHELTER_DOG, applicant, registration_body
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import (
    DatabaseFactory,
    PiiKeys,
    id_number,
    identity_headers,
    in_clear,
    run_sql,
    stored_text,
    write_as_stored,
)

from dogs.main import create_app
from dogs.models import AuditRecord, IdempotencyKey
from dogs.settings import DogsSettings
from qz_common.db import async_url
from qz_common.migrations import downgrade, upgrade
from qz_common.pii import KeyRing, KeyRingError, verify_keys
from qz_common.settings import PlatformSettings

APPLICANT = applicant(3)


def dogs(settings: DogsSettings, keys: PiiKeys) -> TestClient:
    """The dogs service with ``keys`` (a TestClient to enter: entering starts it)."""
    app = create_app(settings.model_copy(update=keys.settings), PlatformSettings(dev_mode=True))
    return TestClient(app, headers=identity_headers("dogs"), raise_server_exceptions=False)


def sealed_values(database_url: str) -> list[str]:
    return [value for values in stored_text(database_url).values() for value in values if value.startswith("pii1:")]


def records_of_one_owner(client: TestClient) -> dict[str, Any]:
    """A registration, an adoption application, and what the owner, the applicant and the filters read of them."""
    registration = client.post("/v1/registrations", json=registration_body(client)).json()
    dog = client.post("/v1/shelter-dogs", json=SHELTER_DOG).json()
    client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=APPLICANT)
    return read_back(client, registration["id"])


def read_back(client: TestClient, registration_id: int) -> dict[str, Any]:
    return {
        "registration": client.get(f"/v1/registrations/{registration_id}").json(),
        "by_owner": client.get("/v1/registrations", params={"owner_id_number": OWNER}).json(),
        "mine": client.get("/v1/me/records", headers=identity_headers("dogs", citizen=OWNER)).json(),
        "applicant": client.get(f"/v1/dossiers/citizens/{APPLICANT['applicant_id_number']}").json(),
    }


def rekey(database_url: str, keys: PiiKeys) -> subprocess.CompletedProcess[str]:
    """``python -m qz_common.rekey dogs`` as an operator runs it, with the service's environment."""
    environment = os.environ | keys.environment("DOGS_") | {"DOGS_DATABASE_URL": database_url, "QZ_DEV_MODE": "true"}
    command = [sys.executable, "-P", "-m", "qz_common.rekey", "dogs", "--batch-size", "2"]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120, check=False)


def test_keys_rotate_while_the_service_serves_and_the_old_key_is_removed_after_the_re_key_command(
    dogs_settings_on_backend: DogsSettings,
) -> None:
    url = dogs_settings_on_backend.database_url
    key_a = PiiKeys.fresh("2026a")
    with dogs(dogs_settings_on_backend, key_a) as client:
        before = records_of_one_owner(client)
    assert before["by_owner"]["total"] == 1 and before["mine"]["registrations"] == [before["registration"]]
    assert {value.split(":")[2] for value in sealed_values(url)} == {"2026a"}

    both = key_a.rotated_to("2026b", cipher="aes-256-gcm")  # a new key, and the cipher changes with it
    with dogs(dogs_settings_on_backend, both) as client:
        assert read_back(client, before["registration"]["id"]) == before  # rows under 2026a read as before
        created = client.post("/v1/registrations", json=registration_body(client, owner_name="张三丰")).json()
        newer = client.get(f"/v1/registrations/{created['id']}").json()
    assert {tuple(value.split(":")[1:3]) for value in sealed_values(url)} == {
        ("sm4-gcm", "2026a"),
        ("aes-256-gcm", "2026b"),
    }

    only_b = both.without("2026a")
    with (
        pytest.raises(KeyRingError, match="rows may still be sealed under key '2026a'"),
        dogs(dogs_settings_on_backend, only_b),
    ):
        pass  # removed before the re-key command: the start is refused, no row is read wrong
    refused = rekey(url, only_b)
    assert refused.returncode == 1 and "refused: rows may still be sealed under key '2026a'" in refused.stderr

    done = rekey(url, both)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])  # after the service's log lines
    assert (report["active_key"], report["cipher"], report["retired_keys"]) == ("2026b", "aes-256-gcm", ["2026a"])
    assert report["rows_rewritten"]["registrations"] == 1 and report["rows_rewritten"]["audit_log"] > 0
    assert {tuple(value.split(":")[1:3]) for value in sealed_values(url)} == {("aes-256-gcm", "2026b")}

    with dogs(dogs_settings_on_backend, only_b) as client:
        after = read_back(client, before["registration"]["id"])
        assert (after["registration"], after["applicant"]) == (before["registration"], before["applicant"])
        assert after["by_owner"]["items"] == [before["registration"], newer]
        assert after["mine"]["registrations"] == [before["registration"], newer]


def test_a_new_index_key_recomputes_every_lookup_with_the_service_stopped(
    dogs_settings_on_backend: DogsSettings,
) -> None:
    url = dogs_settings_on_backend.database_url
    old_index = PiiKeys.fresh("2026a")
    with dogs(dogs_settings_on_backend, old_index) as client:
        before = records_of_one_owner(client)
    new_index = replace_keys(old_index, index=PiiKeys({}, "", index_kid="idx-2026b"))

    # The command's first step: from then on, until it has recomputed every lookup, no service starts with either.
    ring = KeyRing.from_settings(dogs_settings_on_backend.model_copy(update=new_index.settings), dev_mode=True)
    asyncio.run(first_step_of_rekey(url, ring))
    for keys in (old_index, new_index):
        with (
            pytest.raises(KeyRingError, match=r"computed with index key \['idx-2026a', 'idx-2026b'\]"),
            dogs(dogs_settings_on_backend, keys),
        ):
            pass

    done = rekey(url, new_index)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert (report["index_key"], report["lookups_recomputed"], report["retired_keys"]) == ("idx-2026b", True, [])
    with dogs(dogs_settings_on_backend, new_index) as client:
        assert read_back(client, before["registration"]["id"]) == before
    with (
        pytest.raises(KeyRingError, match=r"computed with index key \['idx-2026b'\]"),
        dogs(dogs_settings_on_backend, old_index),
    ):
        pass


async def first_step_of_rekey(database_url: str, ring: KeyRing) -> None:
    engine = create_async_engine(async_url(database_url))
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: verify_keys(sync, ring, new_index_key=True))
    await engine.dispose()


def test_an_altered_stored_value_is_refused_never_read(dogs_settings_on_backend: DogsSettings) -> None:
    url = dogs_settings_on_backend.database_url
    with dogs(dogs_settings_on_backend, PiiKeys.fresh()) as client:
        registration = client.post("/v1/registrations", json=registration_body(client)).json()
        ((name,),) = run_sql(url, "SELECT owner_name FROM registrations WHERE id = :id", id=registration["id"])
        header, body = name.rsplit(":", 1)
        altered = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]  # one character of the ciphertext
        altered_name = f"{header}:{altered}"
        run_sql(url, "UPDATE registrations SET owner_name = :v WHERE id = :id", v=altered_name, id=registration["id"])
        for path in (f"/v1/registrations/{registration['id']}", "/v1/registrations"):
            refused = client.get(path)
            assert (refused.status_code, refused.json()["code"]) == (500, "stored_data_unreadable"), path
        # Nor can a clear value be slipped in: it is not sealed, so it is refused too.
        run_sql(url, "UPDATE registrations SET owner_name = '李四' WHERE id = :id", id=registration["id"])
        assert client.get(f"/v1/registrations/{registration['id']}").json()["code"] == "stored_data_unreadable"


def test_keys_that_would_read_the_database_wrong_stop_the_start(dogs_settings_on_backend: DogsSettings) -> None:
    keys = PiiKeys.fresh("2026a")
    with dogs(dogs_settings_on_backend, keys) as client:
        client.post("/v1/registrations", json=registration_body(client))
    other = PiiKeys.fresh("2026a")  # the same ids, other keys: a Secret made again, or another installation's
    cases = {
        "is not the key '2026a' this database was written with": replace_keys(keys, data=other),
        "DOGS_PII_INDEX_KEY is not the key 'idx-2026a'": replace_keys(keys, index=other),
        r"lookups of this database were computed with index key \['idx-2026a'\]": replace_keys(
            keys, index=PiiKeys({}, "", index_kid="idx-2026b")
        ),
    }
    for message, wrong in cases.items():
        with pytest.raises(KeyRingError, match=message), dogs(dogs_settings_on_backend, wrong):
            pass
    with pytest.raises(KeyRingError, match="DOGS_PII_KEY_ID '2026c' is not a key of DOGS_PII_KEYS"):
        dogs(dogs_settings_on_backend, PiiKeys(keys.keys, "2026c"))
    with dogs(dogs_settings_on_backend, keys) as client:  # the right keys still start
        assert client.get("/v1/registrations", params={"owner_id_number": OWNER}).json()["total"] == 1


def replace_keys(keys: PiiKeys, *, data: PiiKeys | None = None, index: PiiKeys | None = None) -> PiiKeys:
    data, index = data or keys, index or keys
    return PiiKeys(data.keys, data.active, index_kid=index.index_kid, index_key=index.index_key)


@contextlib.contextmanager
def appearing_later(backend: str, prepared: str) -> Iterator[tuple[str, Any]]:
    """A URL where no database is yet, and the function that moves the ``prepared`` database there."""
    if backend == "sqlite":
        path = Path(make_url(prepared).database or "")
        later = path.parent / f"later-{path.stem}" / path.name
        yield f"sqlite:///{later}", lambda: (later.parent.mkdir(), shutil.move(path, later))
        return
    name = make_url(prepared).database
    later_name = f"{name}_later"

    def rename(source: str | None, target: str) -> None:
        async def run() -> None:
            admin = await asyncpg.connect(make_url(prepared).set(database="postgres").render_as_string(False))
            await admin.execute(f'ALTER DATABASE "{source}" RENAME TO "{target}"')
            await admin.close()

        asyncio.run(run())

    yield make_url(prepared).set(database=later_name).render_as_string(False), lambda: rename(name, later_name)
    rename(later_name, name or "")  # back, for the factory to drop


def test_keys_unverified_at_start_are_verified_before_the_first_request(
    database_factory: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    """A service that starts while its database is away (it answers 503 meanwhile) checks its keys against the
    database before it reads anything: a wrong key is refused then, never a silent wrong read."""
    prepared = database_factory.create("dogs", backend=backend)
    settings = DogsSettings(database_url=prepared, photo_dir=tmp_path)
    keys = PiiKeys.fresh("2026a")
    with dogs(settings, keys) as client:
        client.post("/v1/registrations", json=registration_body(client))
    with appearing_later(backend, prepared) as (later, appear):
        settings = settings.model_copy(update={"database_url": later})
        with dogs(settings, PiiKeys.fresh("2026a")) as wrong_keys:  # the same id, another key
            assert wrong_keys.get("/v1/registrations").json()["code"] == "database_unavailable"
            appear()
            # The dossier would otherwise be an empty 200: another index key finds nothing.
            for path in ("/v1/registrations", f"/v1/dossiers/citizens/{OWNER}"):
                refused = wrong_keys.get(path)
                assert (refused.status_code, refused.json()["code"]) == (500, "stored_data_unreadable"), path
        with dogs(settings, keys) as right_keys:
            assert right_keys.get("/v1/registrations", params={"owner_id_number": OWNER}).json()["total"] == 1


# --- migration 0003 on the rows of the release before --------------------------------------------------------

LEGACY_OWNER = next(n for n in (id_number(sequence=s) for s in range(200)) if n.endswith("X"))
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
LEGACY_ROWS: dict[str, dict[str, Any]] = {
    "photos": {"id": "0" * 32, "content_type": "image/jpeg", "size_bytes": 104, "sha256": "0" * 64, "created_at": NOW},
    "vaccinations": {
        "id": 1,
        "owner_name": "王五",
        "owner_phone": "13700005678",
        "owner_id_number": LEGACY_OWNER,
        "breed": "柴犬",
        "address": "衢江区樟潭街道3号",
        "district": "衢江区",
        "coat_colour": "赤",
        "sex": "male",
        "vaccine_name": "狂犬病灭活疫苗",
        "vaccinated_on": dt.date(2026, 6, 1),
        "batch_number": "B2026-06",
        "next_due_on": dt.date(2027, 6, 1),
        "immunisation_point": "衢江区动物防疫站",
        "created_at": NOW,
    },
    "registrations": {
        "id": 1,
        "status": "approved",
        "channel": "window",
        "owner_id_number": LEGACY_OWNER,
        "owner_name": "王五",
        "owner_phone": "13700005678",
        "residence_permit_number": None,
        "residence_proof_type": "lease_contract",
        "residence_proof_number": "衢江租备2026-0042",
        "address": "衢江区樟潭街道3号",
        "district": "衢江区",
        "key_area": False,
        "dog_name": "小柴",
        "breed": "柴犬",
        "breed_recognised": True,
        "shoulder_height_cm": Decimal("38.0"),
        "body_length_cm": Decimal("45.0"),
        "coat_colour": "赤",
        "sex": "male",
        "vaccination_id": 1,
        "front_photo_id": "0" * 32,
        "side_photo_id": "0" * 32,
        "registration_number": "330803-2026-000001",
        "rejection_reasons": None,
        "submitted_at": NOW,
        "decided_at": NOW,
        "decided_by": "qujiang",
        "decision_document_number": None,
    },
    "impoundments": {
        "id": 1,
        "action": "seizure",
        "occurred_at": NOW,
        "location": "衢江区樟潭街道江滨公园",
        "district": "衢江区",
        "police_unit": "衢江分局樟潭派出所",
        "officer_badge": "330803",
        "breed": "藏獒",
        "shoulder_height_cm": Decimal("60.0"),
        "body_length_cm": Decimal("90.0"),
        "large": True,
        "fierce": True,
        "owner_id_number": LEGACY_OWNER.lower(),  # as a 2023 import wrote it: found all the same
        "registration_id": None,
        "shelter": "衢州市犬只收容中心",
        "handed_over_at": NOW,
        "created_at": NOW,
    },
    "audit_log": {
        "id": 1,
        "occurred_at": NOW,
        "actor": "qujiang",
        "request_id": None,
        "action": "submit",
        "entity": "registrations",
        "entity_id": "1",
        "before": None,
        "after": {"owner_name": "王五", "owner_id_number": LEGACY_OWNER, "address": "衢江区樟潭街道3号"},
    },
    "idempotency_keys": {
        "id": 1,
        "client_id": "qujiang",
        "key": "window-3-0042",
        "request_hash": "0" * 64,
        "status_code": 201,
        "response_body": {"id": 1, "owner_name": "王五", "owner_phone": "13700005678"},
        "created_at": NOW,
    },
}
LEGACY_PERSONAL = [LEGACY_OWNER, LEGACY_OWNER.lower(), "王五", "13700005678", "衢江区樟潭街道3号", "衢江租备2026-0042"]


def test_migration_0003_seals_the_rows_of_the_release_before_and_its_downgrade_opens_them(
    database_factory: DatabaseFactory, backend: str, tmp_path: Path
) -> None:
    url = database_factory.create("dogs", backend=backend, migrate=False)
    upgrade("dogs", url, "0002")
    write_as_stored(url, LEGACY_ROWS)
    assert len(in_clear(url, LEGACY_PERSONAL)) > 0
    keys = PiiKeys.fresh("2026a")
    ring = KeyRing.from_settings(DogsSettings(**keys.settings), dev_mode=False)

    upgrade("dogs", url, keyring=ring)
    assert in_clear(url, LEGACY_PERSONAL) == []
    assert run_sql(url, "SELECT purpose, kid FROM pii_keys ORDER BY purpose") == [
        ("data", "2026a"),
        ("index", "idx-2026a"),
    ]
    with dogs(DogsSettings(database_url=url, photo_dir=tmp_path), keys) as client:
        registration = client.get("/v1/registrations/1").json()
        assert (registration["owner_name"], registration["residence_proof_number"]) == ("王五", "衢江租备2026-0042")
        mine = client.get("/v1/me/records", headers=identity_headers("dogs", citizen=LEGACY_OWNER)).json()
        assert [len(mine[kind]) for kind in ("registrations", "vaccinations", "impoundments")] == [1, 1, 1]
        assert mine["impoundments"][0]["owner_id_number"] == LEGACY_OWNER.lower()
        assert client.get("/v1/impoundments", params={"owner_id_number": LEGACY_OWNER}).json()["total"] == 1
        stored = client.portal.call(read_sealed_documents, client.app)  # type: ignore[union-attr, arg-type]
    assert stored == (LEGACY_ROWS["audit_log"]["after"], LEGACY_ROWS["idempotency_keys"]["response_body"])

    downgrade("dogs", url, "0002", keyring=ring)
    assert run_sql(url, "SELECT owner_id_number, owner_name, address FROM registrations") == [
        (LEGACY_OWNER, "王五", "衢江区樟潭街道3号")
    ]
    ((after,),) = run_sql(url, "SELECT after FROM audit_log")
    assert (json.loads(after) if isinstance(after, str) else after) == LEGACY_ROWS["audit_log"]["after"]
    upgrade("dogs", url, keyring=ring)
    assert in_clear(url, LEGACY_PERSONAL) == []


async def read_sealed_documents(app: Any) -> tuple[Any, Any]:
    async with app.state.db.sessionmaker() as session:
        after = await session.scalar(select(AuditRecord.after))
        answer = await session.scalar(select(IdempotencyKey.response_body))
    return after, answer
