"""What a relocation case needs in the bureaus, made through the gateway with the dev key: a household whose members
each have an approved dog registration, a clinic whose premises are expropriated, and the case's request body."""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from expropriation_kit import PROJECT
from fastapi.testclient import TestClient

from gateway.settings import GatewaySettings
from qz_common.db import Database
from qz_common.pii import KeyRing, use_keyring

DEV = {"X-API-Key": "dev-key"}
USCC = "91110000600037341L"
# The keys of the tests' gateways, which run in dev mode: their cases and audit trail are sealed (gateway.models).
DEV_KEYRING = KeyRing.from_settings(GatewaySettings(), dev_mode=True)


def gateway_database(database_url: str) -> Database:
    """A gateway's database, read as a gateway in dev mode reads it."""
    database = Database(database_url)
    use_keyring(database.engine, DEV_KEYRING)
    return database


def post(gateway: TestClient, path: str, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    r = gateway.post(path, json=body, headers=DEV | headers)
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


def household_with_dogs(gateway: TestClient, owners: Sequence[str]) -> int:
    """A household of ``owners`` (the first its head), each with an approved dog registration at the old address."""
    project = post(
        gateway,
        "/api/expropriation/v1/projects",
        PROJECT | {"name": f"搬迁联办测试 {uuid.uuid4().hex[:6]}"},
    )
    household = post(
        gateway,
        f"/api/expropriation/v1/projects/{project['id']}/households",
        {
            "ref": "H1",
            "head_name": "户主",
            "members": [{"name": "户主", "id_number": owner, "collective_member": True} for owner in owners],
            "buildings": [
                {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "120", "built_year": 2005}
            ],
        },
    )
    for owner in owners:
        register_dog(gateway, owner)
    return int(household["id"])


def household_with_dog(gateway: TestClient, owner: str) -> int:
    return household_with_dogs(gateway, [owner])


def register_dog(gateway: TestClient, owner: str) -> int:
    """An approved registration of a vaccinated dog of ``owner`` at 柯城区石梁村1号; its id."""
    vaccination = post(
        gateway,
        "/api/dogs/v1/vaccinations",
        {
            "owner_name": "户主",
            "owner_phone": "13800001234",
            "owner_id_number": owner,
            "breed": "柴犬",
            "address": "柯城区石梁村1号",
            "district": "柯城区",
            "coat_colour": "黄",
            "sex": "male",
            "vaccine_name": "狂犬病疫苗",
            "vaccinated_on": (dt.date.today() - dt.timedelta(days=10)).isoformat(),
            "batch_number": "B1",
            "next_due_on": (dt.date.today() + dt.timedelta(days=300)).isoformat(),
            "immunisation_point": "防疫站",
        },
    )
    photos = [
        gateway.post("/api/dogs/v1/photos", files={"file": ("d.jpg", b"\xff\xd8\xff" + b"\0" * 50)}, headers=DEV)
        for _ in range(2)
    ]
    registration = post(
        gateway,
        "/api/dogs/v1/registrations",
        {
            "channel": "window",
            "owner_id_number": owner,
            "owner_name": "户主",
            "owner_phone": "13800001234",
            "owner_registered_address": "浙江省衢州市柯城区石梁村1号",  # 户籍 in 衢州: 本市身份证 (D-08)
            "residence_proof_type": "property_certificate",
            "residence_proof_number": "不动产权第1号",
            "address": "柯城区石梁村1号",
            "district": "柯城区",
            "key_area": False,
            "breed": "柴犬",
            "shoulder_height_cm": "40",
            "body_length_cm": "50",
            "coat_colour": "黄",
            "sex": "male",
            "vaccination_id": vaccination["id"],
            "front_photo_id": photos[0].json()["id"],
            "side_photo_id": photos[1].json()["id"],
        },
    )
    post(gateway, f"/api/dogs/v1/registrations/{registration['id']}/approve", {})
    return int(registration["id"])


def clinic_at(gateway: TestClient, premises: str) -> int:
    """A designated 卫生室 of the operator ``USCC`` at ``premises`` with a live agreement; its institution id."""
    clinic = post(
        gateway,
        "/api/medinsurance/v1/institutions",
        {
            "name": "石梁村卫生室",
            "kind": "primary_care",
            "uscc": USCC,
            "district": "柯城区",
            "address": premises,
            "community": "石梁社区",
        },
    )
    post(
        gateway,
        "/api/medinsurance/v1/agreement-imports",
        {
            "institution_id": clinic["id"],
            "signed_on": dt.date.today().isoformat(),
            "original_document_number": f"柯医保协〔{clinic['id']}〕号",
            "reason": "平台启用前签订",
        },
    )
    return int(clinic["id"])


def case_body(household_id: int) -> dict[str, Any]:
    return {
        "kind": "household",
        "agreement": {"household_id": household_id, "method": "monetary", "signed_on": "2023-08-01"},
        "new_address": "衢江区安置小区3幢101",
        "new_district": "衢江区",
    }


def enterprise_case_body(household_id: int, premises: str) -> dict[str, Any]:
    return case_body(household_id) | {"kind": "enterprise", "operator_uscc": USCC, "premises_address": premises}
