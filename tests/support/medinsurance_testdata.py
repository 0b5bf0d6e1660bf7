"""Test data for the medinsurance API: an operating entity, its clinic, its agreement, a 表1 evaluation body, and
what the service recorded (its audit trail)."""

import asyncio
import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import id_number

from qz_common.db import async_url

USCC = "91110000600037341L"
REP = id_number("330802", dt.date(1986, 5, 1), 11)


def institution(client: TestClient, **changes: Any) -> dict[str, Any]:
    """Register a 柯城区 clinic of the entity ``USCC`` (fields overridable) and return it."""
    district = changes.get("district", "柯城区")
    body = {
        "name": "柯城康复诊所",
        "kind": "primary_care",
        "uscc": USCC,
        "district": district,
        "address": f"{district}荷花街道1号",
        "community": "荷花社区",
        "legal_rep_id_number": REP,
        **changes,
    }
    r = client.post("/v1/institutions", json=body)
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def agreement(
    client: TestClient, inst: dict[str, Any], signed_on: str = "2023-02-20", **changes: Any
) -> dict[str, Any]:
    """The institution's 医保协议 signed on ``signed_on`` before the platform existed, imported with its 文书号 (to
    31 December of that year, 二(三)4): for tests about agreements, not about how they are made."""
    body = {
        "institution_id": inst["id"],
        "signed_on": signed_on,
        "original_document_number": f"柯医保协〔{signed_on[:4]}〕{inst['id']:04d}号",
    }
    r = client.post("/v1/agreement-imports", json=body | {"reason": "平台启用前以纸质方式签订", **changes})
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def application(client: TestClient, inst: dict[str, Any], pre: str = "2023-03-01") -> dict[str, Any]:
    """A 预登记 of ``inst`` on ``pre`` (二(三)1)."""
    r = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": pre})
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


def application_event(client: TestClient, app_id: int, name: str, on: str, **kw: Any) -> Any:
    """A step of 二(三) posted to the application (the response, whatever its status)."""
    return client.post(f"/v1/applications/{app_id}/events", json={"event": name, "on": on, **kw})


def agreement_event(client: TestClient, agreement_id: int, name: str, on: str, **kw: Any) -> Any:
    """An event of the agreement's life (附件1 一) posted to it (the response, whatever its status)."""
    return client.post(f"/v1/agreements/{agreement_id}/events", json={"event": name, "on": on, **kw})


def approved_application(client: TestClient, inst: dict[str, Any]) -> dict[str, Any]:
    """An application of ``inst`` through 二(三) to 党组会审议通过: 预登记 2023-03-01, 试运行满3个月 → submitted
    2023-06-01, accepted 06-05, evaluated 90 (≥ 85) on 06-20, approved 07-01."""
    r = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"})
    assert r.status_code == 201, r.text
    url = f"/v1/applications/{r.json()['id']}/events"
    for step in (
        {"event": "submit", "on": "2023-06-01"},
        {"event": "accept", "on": "2023-06-05"},
        {"event": "evaluate", "on": "2023-06-20", "score": "90"},
        {"event": "approve", "on": "2023-07-01"},
    ):
        r = client.post(url, json=step)
        assert r.status_code == 200, r.text
    approved: dict[str, Any] = r.json()
    return approved


def audit_trail(database_url: str) -> list[tuple[str, str, str]]:
    """Every audit row the service wrote, in order: (action, entity, entity id)."""

    async def read() -> list[tuple[str, str, str]]:
        engine = create_async_engine(async_url(database_url))
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT action, entity, entity_id FROM audit_log ORDER BY id"))).all()
        await engine.dispose()
        return [(r.action, r.entity, r.entity_id) for r in rows]

    return asyncio.run(read())


MEDICAL_BASIC = (
    "operating_time",
    "physician_and_premises",
    "insurance_management",
    "rules",
    "information_system",
    "base_database",
    "practice_scope",
    "price_policy",
    "credit",
    "other_refusal",
)
# 表1 evaluation with every 基础指标 met, owned premises of 500㎡ and full marks from one evaluator
MEDICAL: dict[str, Any] = {
    "kind": "medical_institution",
    "evaluated_on": "2023-06-01",
    "accepted_on": "2023-05-15",
    "basic": dict.fromkeys(MEDICAL_BASIC, True),
    "licences": [{"approved_on": "2021-06-01", "uscc": USCC}],
    "sheets": [
        {
            "management_quality": "2",
            "premises": {"owned": True, "area_m2": "500", "comfort": "2"},
            "intermediate_physicians": 3,
            "practice_subjects": 4,
        }
    ],
}
