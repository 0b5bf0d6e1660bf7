"""Test data for the science API: valid USCCs and request bodies."""

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from stdnum.cn import uscc as stdnum_uscc

from science.models import AuditRecord


def make_uscc(serial: int, area: str = "330802") -> str:
    """A valid 统一社会信用代码 (check character computed by python-stdnum)."""
    body = f"91{area}MA{serial:07d}"
    return body + stdnum_uscc.calc_check_digit(body)


ENTERPRISE = make_uscc(1)
CARRIER = make_uscc(900, "330800")


def eligibility_body(**changes: Any) -> dict[str, Any]:
    return {
        "applied_on": "2023-06-01",
        "important_fields": ["new_materials"],
        "key_industries": ["high_tech"],
        "registered_in_quzhou_on": "2015-03-01",
        "independent_legal_person": True,
        "hitech_valid_until": "2024-12-31",
        "has_city_engineering_centre": True,
        "last_year_sales": "100000000",
        "last_year_rd_expense": "5000000",
        "has_independent_rd_unit": True,
        "fulltime_rd_staff": 30,
        "enterprise_employees": 200,
        "institute_staff": 40,
        "qualified_engineers": 30,
        "funding_secured": True,
        "site_m2": "800",
        "dedicated_equipment_value": "6000000",
        "shared_equipment_value": "0",
        "ip_rights": [{"kind": "invention_patent", "obtained_on": "2022-05-01"}],
        "has_management_system": True,
    } | changes


def enterprise(client: TestClient, uscc: str = ENTERPRISE, district: str = "柯城区", **changes: Any) -> dict[str, Any]:
    body = {"uscc": uscc, "name": "衢州元立新材料有限公司", "district": district} | changes
    response = client.post("/v1/enterprises", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def pool(client: TestClient, total: str = "100000", **changes: Any) -> dict[str, Any]:
    body = {"name": "2023年第一期", "total": total, "opens_on": "2023-01-01", "closes_on": "2023-12-31"} | changes
    response = client.post("/v1/voucher-pools", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def claim_body(pool_id: int, amount: str = "10000", holder: str = ENTERPRISE, **changes: Any) -> dict[str, Any]:
    return {
        "pool_id": pool_id,
        "holder_kind": "enterprise",
        "holder_id": holder,
        "holder_name": "衢州元立新材料有限公司",
        "amount": amount,
        "claimed_on": "2023-03-01",
    } | changes


def carrier(client: TestClient, uscc: str = CARRIER, **changes: Any) -> dict[str, Any]:
    body = {
        "name": "衢州学院检测中心",
        "uscc": uscc,
        "kind": "科技创新服务平台",
        "in_quzhou": True,
        "channel": "local_registration",
        "district": "市本级",
    } | changes
    response = client.post("/v1/carriers", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def redemption_body(voucher_id: int, carrier_id: int, **changes: Any) -> dict[str, Any]:
    return {
        "voucher_id": voucher_id,
        "carrier_id": carrier_id,
        "service_type": "testing",
        "fee": "10000",
        "paid_amount": "10000",
        "via_shared_platform": False,
        "contract_number": "HT-2023-001",
        "contract_sealed_by_both": True,
        "bank_receipt": True,
        "invoice_number": "FP-0001",
        "service_evidence": True,
        "used_on": "2023-03-10",
        "submitted_on": "2023-04-01",
    } | changes


ALL_AUDIT_ITEMS = ["rd_staff", "site_area", "equipment_value", "own_ip", "rd_ratio"]


def materials_body(**changes: Any) -> dict[str, Any]:
    """43号 二(一) materials for an application dated in 2023 (audits of 2020–2022)."""
    return {
        "application_form": True,
        "implementation_plan": True,
        "commitment": True,
        "audit_reports": [{"year": y, "items": ALL_AUDIT_ITEMS} for y in (2020, 2021, 2022)],
    } | changes


def institute_application(**changes: Any) -> dict[str, Any]:
    """POST /v1/institutes body: the enterprise ENTERPRISE applying in 2023 with complete materials."""
    return {
        "enterprise_uscc": ENTERPRISE,
        "trade_name": "元立",
        "core_direction": "高性能合金材料",
        "materials": materials_body(),
        "application": eligibility_body(),
    } | changes


def recognise(client: TestClient, institute_id: int) -> dict[str, Any]:
    """43号 二(二)–(四): county recommendation, expert review, public notice, recognition (June–July 2023)."""
    steps = [
        {"action": "recommend", "on": "2023-06-10", "no_violation_certificate": "柯科证〔2023〕12号"},
        {"action": "pass_review", "on": "2023-07-01"},
        {"action": "publicise", "on": "2023-07-05"},
        {"action": "recognise", "on": "2023-07-20", "batch": "2023年第一批"},
    ]
    for step in steps:
        response = client.post(f"/v1/institutes/{institute_id}/decisions", json=step)
        assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def recognised_institute(client: TestClient) -> dict[str, Any]:
    """ENTERPRISE registered, its institute applied for and recognised on 2023-07-20."""
    enterprise(client)
    applied = client.post("/v1/institutes", json=institute_application())
    assert applied.status_code == 201, applied.text
    return recognise(client, applied.json()["id"])


def submitted_redemption(client: TestClient) -> dict[str, Any]:
    """A 10,000 voucher of ENTERPRISE (claimed 2023-03-01) redeemed for a 10,000 testing contract: 4,000 reserved."""
    enterprise(client)
    voucher = client.post("/v1/claims", json=claim_body(pool(client)["id"]))
    assert voucher.status_code == 201, voucher.text
    redemption = client.post("/v1/redemptions", json=redemption_body(voucher.json()["id"], carrier(client)["id"]))
    assert redemption.status_code == 201, redemption.text
    return redemption.json()  # type: ignore[no-any-return]


async def audit_rows(app: FastAPI) -> list[tuple[str, str, str]]:
    """(action, entity, entity id) of every audit row, oldest first: what the service changed."""
    async with app.state.db.sessionmaker() as session:
        rows = await session.execute(
            select(AuditRecord.action, AuditRecord.entity, AuditRecord.entity_id).order_by(AuditRecord.id)
        )
    return [(action, entity, entity_id) for action, entity, entity_id in rows]


def audit_trail(client: TestClient) -> list[tuple[str, str, str]]:
    return client.portal.call(audit_rows, client.app)  # type: ignore[union-attr, arg-type]
