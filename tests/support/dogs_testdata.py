"""Test data for the dogs API: people, photos, request bodies and records; the audit trail as the test reads it."""

import datetime as dt
import io
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from testkit import id_number

from dogs.api.examples import EXAMPLES
from dogs.models import AuditRecord
from dogs.rules.adoption import CHECKLIST

OWNER = id_number("330802", dt.date(1985, 6, 15))
VISITOR = id_number("330106", dt.date(1990, 1, 2))
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def vaccination_body(owner: str | None = OWNER, **changes: object) -> dict[str, Any]:
    return {
        "owner_name": "张三",
        "owner_phone": "13800001234",
        "owner_id_number": owner,
        "breed": "金毛",
        "address": "柯城区荷花街道1号",
        "district": "柯城区",
        "coat_colour": "金色",
        "sex": "male",
        "vaccine_name": "狂犬病灭活疫苗",
        "vaccinated_on": (dt.date.today() - dt.timedelta(days=30)).isoformat(),
        "batch_number": "B2023-01",
        "next_due_on": (dt.date.today() + dt.timedelta(days=300)).isoformat(),
        "immunisation_point": "柯城区动物防疫站",
    } | changes


def vaccination(client: TestClient, owner: str | None = OWNER, **changes: object) -> dict[str, Any]:
    response = client.post("/v1/vaccinations", json=vaccination_body(owner, **changes))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def photo(client: TestClient, data: bytes = JPEG) -> str:
    response = client.post("/v1/photos", files={"file": ("dog.jpg", io.BytesIO(data), "image/jpeg")})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def registration_body(client: TestClient, **changes: object) -> dict[str, Any]:
    return {
        "channel": "window",
        "owner_id_number": OWNER,
        "owner_name": "张三",
        "owner_phone": "13800001234",
        "owner_registered_address": "浙江省衢州市柯城区荷花街道1号",  # 户籍 in 衢州: 本市身份证 (D-08)
        "residence_proof_type": "property_certificate",
        "residence_proof_number": "浙(2020)衢州市不动产权第0001234号",
        "address": "柯城区荷花街道1号",
        "district": "柯城区",
        "key_area": True,
        "breed": "金毛",
        "shoulder_height_cm": "50.5",
        "body_length_cm": "70",
        "coat_colour": "金色",
        "sex": "male",
        "vaccination_id": vaccination(client)["id"],
        "front_photo_id": photo(client),
        "side_photo_id": photo(client, PNG),
    } | changes


def submitted_registration(client: TestClient, **changes: object) -> dict[str, Any]:
    response = client.post("/v1/registrations", json=registration_body(client, **changes))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


SHELTER_DOG = {
    "shelter": "衢州市犬只收容中心",
    "district": "柯城区",
    "breed": "中华田园犬",
    "coat_colour": "黄",
    "sex": "female",
}


def applicant(n: int) -> dict[str, str]:
    return {
        "applicant_id_number": id_number("330802", dt.date(1986, 1, 1) + dt.timedelta(days=n), 100 + n),
        "applicant_name": f"申请人{n}",
        "applicant_phone": "13900000000",
        "address": "柯城区某街道",
    }


IMPOUNDMENT = {
    "action": "seizure",
    "occurred_at": "2023-04-01T10:00:00+08:00",
    "location": "柯城区府山街道",
    "district": "柯城区",
    "police_unit": "柯城分局府山派出所",
    "officer_badge": "012345",
    "breed": "藏獒",
    "shoulder_height_cm": "60",
    "body_length_cm": "90",
    "shelter": "衢州市犬只收容中心",
    "handed_over_at": "2023-04-01T12:00:00+08:00",
}


def seizure_body(occurred_at: str, **changes: object) -> dict[str, Any]:
    """五: the police seize a large dog (58 cm, the service's own example) and hand it to the shelter two hours on."""
    handed_over_at = dt.datetime.fromisoformat(occurred_at) + dt.timedelta(hours=2)
    example = EXAMPLES["ImpoundmentIn"] | {"action": "seizure", "occurred_at": occurred_at}
    return example | {"handed_over_at": handed_over_at.isoformat()} | changes


ALL_CONFIRMED = {"checklist": dict.fromkeys(CHECKLIST, True)}  # 四: every condition of 第十三、十四条 confirmed


def adoption_application(client: TestClient, n: int = 1) -> dict[str, Any]:
    """An application, the first in the queue for a newly offered dog."""
    dog = client.post("/v1/shelter-dogs", json=SHELTER_DOG).json()
    response = client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=applicant(n))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def audit_rows(app: FastAPI) -> list[tuple[str, str, str]]:
    """(action, entity, entity id) of every audit row, oldest first: what the service changed."""
    async with app.state.db.sessionmaker() as session:
        rows = await session.execute(
            select(AuditRecord.action, AuditRecord.entity, AuditRecord.entity_id).order_by(AuditRecord.id)
        )
    return [(action, entity, entity_id) for action, entity, entity_id in rows]


def audit_trail(client: TestClient) -> list[tuple[str, str, str]]:
    return client.portal.call(audit_rows, client.app)  # type: ignore[union-attr, arg-type]
