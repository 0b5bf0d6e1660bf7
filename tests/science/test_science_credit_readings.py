"""G-02 (issue 31): which later requests a 科研诚信 record bars. 44号 五(二) 3年内不再给予科技项目和财政科技资金支持;
43号 三(六) 三年内不得申报各项科技计划项目.

Chosen reading (`vouchers.credit_ban_reach` "every_programme"): either kind of record bars voucher claims,
redemptions and 研究院 applications. Other reading ("own_programme"): voucher fraud bars the vouchers only, false
institute materials the 研究院 (科技计划) applications only. Switched per request in the what-ifs of a claim and of
an application; the stored commands follow the reading published (published for a test as 市科技局 would).

Common facts: 衢州元立新材料有限公司 is listed on 2023-02-01 (barred through 2026-02-01, G-01), then claims a
10,000 voucher on 2023-03-01 and applies for a 研究院 on 2023-06-01 with the standard, complete application.
"""

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import ENTERPRISE, claim_body, enterprise, institute_application, pool

from qz_common.params import ParameterBook
from science import parameters

OTHER = {"vouchers.credit_ban_reach": "own_programme"}


@pytest.fixture
def publish_own_programme(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    def published() -> None:
        original: ParameterBook = parameters.vouchers_book()
        versions = tuple(
            dataclasses.replace(v, values={**v.values, "credit_ban_reach": "own_programme"}) for v in original.versions
        )
        changed = dataclasses.replace(original, versions=versions)
        monkeypatch.setattr(parameters, "vouchers_book", lambda: changed)

    yield published


def listed(client: TestClient, kind: str) -> int:
    """The enterprise listed for ``kind`` on 2023-02-01; the pool the claim is made from."""
    enterprise(client, hitech_valid_until="2024-12-31")
    record = {"subject_id": ENTERPRISE, "subject_kind": "enterprise", "kind": kind, "decided_on": "2023-02-01"}
    assert client.post("/v1/credit-records", json=record | {"reason": "经核查属实"}).status_code == 201
    return int(pool(client)["id"])


def what_if(client: TestClient, path: str, body: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The codes of the refusals as published and under the other reading."""
    r = client.post(path, json=body | {"parameters": OTHER})
    assert r.status_code == 200, r.text
    published, scenario = ([p["code"] for p in r.json()[side]["problems"]] for side in ("published", "scenario"))
    return published, scenario


def test_false_institute_materials_and_a_voucher_claim_under_each_reading(client: TestClient) -> None:
    """An institute_false_materials record. A claim: barred as published (credit_ban), issued under the other
    reading; an application: barred under both (its own programme)."""
    p = listed(client, "institute_false_materials")
    assert what_if(client, "/v1/claims/what-if", claim_body(p)) == (["credit_ban"], [])
    assert what_if(client, "/v1/institutes/what-if", institute_application()) == (["credit_ban"], ["credit_ban"])


def test_voucher_fraud_and_an_institute_application_under_each_reading(client: TestClient) -> None:
    """A voucher_fraud record. An application: barred as published (credit_ban naming enterprise_uscc), accepted
    under the other reading; a claim: barred under both."""
    p = listed(client, "voucher_fraud")
    assert what_if(client, "/v1/institutes/what-if", institute_application()) == (["credit_ban"], [])
    assert what_if(client, "/v1/claims/what-if", claim_body(p)) == (["credit_ban"], ["credit_ban"])


def test_the_stored_commands_follow_the_published_reach(
    client: TestClient, publish_own_programme: Callable[[], None]
) -> None:
    """As published the voucher-fraud record refuses the application (422 credit_ban); once the other reading is
    published it is stored, while a claim is still refused."""
    p = listed(client, "voucher_fraud")
    r = client.post("/v1/institutes", json=institute_application())
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "credit_ban", "enterprise_uscc")
    publish_own_programme()
    assert client.post("/v1/institutes", json=institute_application()).status_code == 201
    r = client.post("/v1/claims", json=claim_body(p))
    assert (r.status_code, r.json()["code"]) == (422, "credit_ban")
