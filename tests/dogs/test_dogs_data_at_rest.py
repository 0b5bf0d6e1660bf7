"""Nothing that names a person is in the dogs database in clear, after ordinary use, while every answer still
carries it (issue 30, Personal data at rest: 个人信息保护法 第五十一条, 等保2.0 level 3).

The database is read as an intruder with a dump would read it: every cell of every table, raw SQL, on SQLite and
PostgreSQL. Only the service's API is used to fill it, so the test runs against any release.
"""

import io
from typing import Any

from dogs_testdata import ALL_CONFIRMED, IMPOUNDMENT, JPEG, OWNER, SHELTER_DOG, VISITOR, applicant, registration_body
from fastapi.testclient import TestClient
from sqlalchemy import select
from testkit import DatabaseFactory, PiiKeys, identity_headers, in_clear, run_sql

from dogs.casework.common import audit
from dogs.main import create_app
from dogs.models import AuditRecord, Vaccination
from dogs.settings import DogsSettings
from qz_common.identity import Caller
from qz_common.migrations import downgrade, upgrade
from qz_common.pii import KeyRing
from qz_common.settings import PlatformSettings

APPLICANT = applicant(1)
NEW_ADDRESS = "柯城区新新街道8号"
RESIDENCE_PROOF = "浙(2020)衢州市不动产权第0001234号"
# What ordinary use below stores about the owner and the applicant: 身份证号, names, phones, home addresses.
PERSONAL = [
    OWNER,
    "张三",
    "13800001234",
    "柯城区荷花街道1号",
    NEW_ADDRESS,
    RESIDENCE_PROOF,
    APPLICANT["applicant_id_number"],
    APPLICANT["applicant_name"],
    APPLICANT["applicant_phone"],
    APPLICANT["address"],
    VISITOR,
]


def use_the_service_as_every_day(client: TestClient) -> None:
    """Registrations (a retried one), an approval, an address change, an adoption, an impoundment, and every way of
    reading them back: lists by 身份证号, the citizen's own view, the cross-bureau dossier."""
    body = registration_body(client, residence_proof_number=RESIDENCE_PROOF)
    first = client.post("/v1/registrations", json=body, headers={"Idempotency-Key": "window-7-0001"})
    again = client.post("/v1/registrations", json=body, headers={"Idempotency-Key": "window-7-0001"})
    assert (first.status_code, again.status_code, again.headers["Idempotent-Replayed"]) == (201, 201, "true")
    assert again.json() == first.json() and first.json()["owner_name"] == "张三"
    registration_id = first.json()["id"]
    assert client.post(f"/v1/registrations/{registration_id}/approve").status_code == 200
    moved = client.post(
        "/v1/address-changes",
        json={"owner_id_number": OWNER, "address": NEW_ADDRESS, "district": "柯城区", "key_area": True},
    )
    assert moved.json()["changed_registration_ids"] == [registration_id], moved.text
    dog = client.post("/v1/shelter-dogs", json=SHELTER_DOG).json()
    application = client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=APPLICANT).json()
    approved = client.post(f"/v1/adoption-applications/{application['id']}/approve", json=ALL_CONFIRMED)
    assert approved.json()["status"] == "approved", approved.text
    impounded = client.post(
        "/v1/impoundments", json=IMPOUNDMENT | {"owner_id_number": OWNER, "registration_id": registration_id}
    )
    assert impounded.status_code == 201, impounded.text
    # Through 浙里办: a photo keeps the person who uploaded it (D-22), and what is due is read from the records.
    photo = ("dog.jpg", io.BytesIO(JPEG), "image/jpeg")
    uploaded = client.post("/v1/me/photos", files={"file": photo}, headers=identity_headers("dogs", citizen=VISITOR))
    assert uploaded.status_code == 201, uploaded.text
    due = client.get("/v1/me/notices", headers=identity_headers("dogs", citizen=OWNER)).json()
    assert {n["kind"] for n in due} == {"dogs.vaccination_due", "dogs.impoundment_claim"}

    by_owner = {"owner_id_number": OWNER}
    registrations = client.get("/v1/registrations", params=by_owner).json()["items"]
    assert [(r["id"], r["owner_name"], r["address"]) for r in registrations] == [(registration_id, "张三", NEW_ADDRESS)]
    assert client.get("/v1/vaccinations", params=by_owner).json()["items"][0]["owner_phone"] == "13800001234"
    assert client.get("/v1/impoundments", params=by_owner).json()["total"] == 1
    applications = client.get(
        "/v1/adoption-applications", params={"applicant_id_number": APPLICANT["applicant_id_number"]}
    )
    assert [a["applicant_name"] for a in applications.json()["items"]] == [APPLICANT["applicant_name"]]
    mine = client.get("/v1/me/records", headers=identity_headers("dogs", citizen=OWNER)).json()
    dossier = client.get(f"/v1/dossiers/citizens/{OWNER}").json()
    for records in (mine, dossier):
        assert [r["residence_proof_number"] for r in records["registrations"]] == [RESIDENCE_PROOF]
        assert [i["owner_id_number"] for i in records["impoundments"]] == [OWNER]
    applicant_dossier = client.get(f"/v1/dossiers/citizens/{APPLICANT['applicant_id_number']}").json()
    assert [a["address"] for a in applicant_dossier["adoption_applications"]] == [APPLICANT["address"]]


def test_no_id_number_name_phone_or_address_is_stored_in_clear(dogs_settings_on_backend: DogsSettings) -> None:
    app = create_app(dogs_settings_on_backend, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("dogs")) as client:
        use_the_service_as_every_day(client)
    assert in_clear(dogs_settings_on_backend.database_url, PERSONAL) == []


# A 浙里办 caller: qz_common.audit.actor_of names the citizen in the actor of what they do.
CITIZEN = Caller("zlb-adapter", frozenset({"dogs:write"}), citizen_id=OWNER)


async def audit_as_the_citizen(app: Any) -> list[str]:
    """An audit row of a change the citizen made (the dogs service has no 浙里办 command yet: its trail is written as a
    command would write it), and the actors read back through the model."""
    async with app.state.db.sessionmaker() as session, session.begin():
        vaccination = await session.scalar(select(Vaccination))
        async with audit.change(session, CITIZEN, "correct_phone", vaccination):
            vaccination.owner_phone = "13900009999"
    async with app.state.db.sessionmaker() as session:
        return list(await session.scalars(select(AuditRecord.actor).order_by(AuditRecord.id)))


def test_the_actor_of_a_citizens_change_is_not_stored_in_clear(dogs_settings_on_backend: DogsSettings) -> None:
    app = create_app(dogs_settings_on_backend, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("dogs")) as client:
        use_the_service_as_every_day(client)
        actors = client.portal.call(audit_as_the_citizen, app)  # type: ignore[union-attr]
    assert actors[-1] == f"zlb-adapter/citizen:{OWNER}"
    assert in_clear(dogs_settings_on_backend.database_url, [*PERSONAL, "13900009999"]) == []


def test_migration_0004_seals_the_actors_written_before_it_and_its_downgrade_opens_them(
    database_factory: DatabaseFactory, backend: str
) -> None:
    url = database_factory.create("dogs", backend=backend, migrate=False)
    upgrade("dogs", url, "0003")
    actor = f"zlb-adapter/citizen:{OWNER}"
    run_sql(
        url,
        "INSERT INTO audit_log (id, occurred_at, actor, action, entity, entity_id) "
        "VALUES (1, CURRENT_TIMESTAMP, :actor, 'submit', 'registrations', '1')",
        actor=actor,
    )
    ring = KeyRing.from_settings(DogsSettings(**PiiKeys.fresh().settings), dev_mode=False)

    upgrade("dogs", url, keyring=ring)
    assert in_clear(url, [OWNER]) == []
    ((stored,),) = run_sql(url, "SELECT actor FROM audit_log")
    assert ring.open(stored).decode() == actor

    downgrade("dogs", url, "0003", keyring=ring)
    assert run_sql(url, "SELECT actor FROM audit_log") == [(actor,)]
