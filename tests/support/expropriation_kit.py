"""Request bodies and case steps shared by the expropriation API tests (衢政发〔2023〕2号 fixtures: a 柯城区 project
pre-announced 2023-06-01, signing deadline 2023-09-30, valued 2023-07-01, appraised 3000/m², market 9000/m²; a household
of two 本村 members with one 150 m² 砖混 house built 2000)."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from testkit import id_number

from qz_common.clock import today


def quote_body(**over: Any) -> dict[str, Any]:
    b: dict[str, Any] = {
        "district": "柯城区",
        "pre_announcement_date": "2023-06-01",
        "signing_deadline": "2023-09-30",
        "valuation_date": "2023-07-01",
        "method": "monetary",
        "members": [
            {"name": "张一", "id_number": id_number(sequence=1), "collective_member": True, "exclusion": None},
            {"name": "张二", "id_number": id_number(sequence=2), "collective_member": True},
        ],
        "agreement_signed_on": None,
        "buildings": [
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}
        ],
        "moves_via_temporary_housing": True,
        "village_all_signed": False,
        "appraised_price_per_m2": "3000",
        "market_price_per_m2": "9000",
        "flat_area_m2": "160",
    }
    b.update(over)
    return b


PROJECT = {
    "name": "某某路工程",
    "district": "柯城区",
    "village": "石梁村",
    "pre_announcement_date": "2023-06-01",
    "signing_deadline": "2023-09-30",
    "handover_deadline": "2023-10-31",
    "valuation_date": "2023-07-01",
    "appraised_price_per_m2": "3000",
    "market_price_per_m2": "9000",
}


def project(client: TestClient, **over: Any) -> dict[str, Any]:
    r = client.post("/v1/projects", json=PROJECT | over)
    assert r.status_code == 201, r.text
    return dict(r.json())


def household(
    client: TestClient, project_id: int, ref: str, seqs: tuple[int, ...] = (1, 2), **over: Any
) -> dict[str, Any]:
    b: dict[str, Any] = {
        "ref": ref,
        "head_name": f"户主{ref}",
        "method": "monetary",
        "members": [{"name": f"成员{s}", "id_number": id_number(sequence=s), "collective_member": True} for s in seqs],
        "buildings": [
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}
        ],
    }
    b.update(over)
    r = client.post(f"/v1/projects/{project_id}/households", json=b)
    assert r.status_code == 201, r.text
    return dict(r.json())


def sign(
    client: TestClient,
    household_id: int,
    signed_on: str = "2023-08-01",
    handed_over_on: str | None = "2023-08-10",
    method: str = "monetary",
) -> Any:
    return client.post(
        "/v1/agreements",
        json={"household_id": household_id, "method": method, "signed_on": signed_on, "handed_over_on": handed_over_on},
    )


def refused(answer: Any, field: str, status: int = 422) -> dict[str, Any]:
    """The problem of a refused request, after checking its status and the field it names."""
    assert answer.status_code == status, answer.text
    problem = dict(answer.json())
    assert problem["field"] == field, problem
    return problem


def tomorrow() -> str:
    """The day after today in 衢州: a fact dated then has not happened yet."""
    return (today() + dt.timedelta(days=1)).isoformat()


def signed_monetary(client: TestClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new project's household 001, and its 货币补偿 agreement signed 2023-08-01 and handed over 2023-08-10."""
    h = household(client, project(client)["id"], "001")
    return h, dict(sign(client, h["id"]).json())
