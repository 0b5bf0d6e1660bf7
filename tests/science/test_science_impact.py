"""Impact over a year's 创新券 兑付 (issue 31): each redemption recomputed from its stored facts as decided and under a
scenario, replayed voucher by voucher so that what is left on a voucher caps it (44号 一(三), 四(二)).

Every test: 衢州元立新材料有限公司 holds voucher A of 10,000 and voucher B of 3,000 (a 市本级 pool of 2023); a local
检测中心 serves them. A1: 检验检测 fee 10,000 (三(四) 40% = 4,000; A left 6,000); A2: 委托开发 fee 20,000 (三(一)
40% = 8,000, capped at the 6,000 left); B1: 检验检测 fee 10,000 (4,000, capped at B's 3,000). All submitted 2023-04-01.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import carrier, claim_body, enterprise, pool, redemption_body


@pytest.fixture
def redemptions(client: TestClient) -> dict[str, dict[str, Any]]:
    enterprise(client, hitech_valid_until="2024-12-31")
    p = pool(client)
    a, b = (client.post("/v1/claims", json=claim_body(p["id"], amount)).json() for amount in ("10000", "3000"))
    c = carrier(client)
    made = {}
    for name, voucher, changes in (
        ("A1", a, {}),
        ("A2", a, {"service_type": "commissioned_development", "fee": "20000", "paid_amount": "20000"}),
        ("B1", b, {}),
    ):
        numbers = {"contract_number": f"HT-{name}", "invoice_number": f"FP-{name}"}
        r = client.post("/v1/redemptions", json=redemption_body(voucher["id"], c["id"], **numbers, **changes))
        assert r.status_code == 201, r.text
        made[name] = r.json()
    return made


def impact(client: TestClient, parameters: dict[str, str], **body: Any) -> dict[str, Any]:
    r = client.post("/v1/impact/voucher-redemptions", json={"year": 2023, "parameters": parameters, **body})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_a_higher_testing_rate_is_taken_back_by_the_voucher_cap(client: TestClient, redemptions: Any) -> None:
    """三(四) at 50%: A1 10,000 × 50% = 5,000 (+1,000), leaving 5,000 on A; A2 8,000 capped at 5,000 (−1,000);
    B1 5,000 capped at 3,000 (unchanged). Total 13,000 before and after."""
    assert [redemptions[n]["amount"] for n in ("A1", "A2", "B1")] == ["4000.00", "6000.00", "3000.00"]
    result = impact(client, {"vouchers.testing_rate": "0.5"})
    assert (result["records"], result["total_before"], result["total_after"]) == (3, "13000.00", "13000.00")
    assert (result["gain"], result["lose"], result["unchanged"]) == (1, 1, 1)
    items = {i["code"]: (i["label"], i["basis"], i["before"], i["after"]) for i in result["items"]}
    assert items == {
        "testing": ("检验检测", "衢市科发高〔2022〕44号 三(四)", "7000.00", "8000.00"),
        "commissioned_development": ("委托开发", "衢市科发高〔2022〕44号 三(一)", "6000.00", "5000.00"),
    }
    changes = {r["record_id"]: r["difference"] for r in result["largest"]}
    assert changes == {
        str(redemptions["A1"]["id"]): "1000.00",
        str(redemptions["A2"]["id"]): "-1000.00",
        str(redemptions["B1"]["id"]): "0.00",
    }


def test_a_lower_development_rate(client: TestClient, redemptions: Any) -> None:
    """三(一) at 20%: A2 20,000 × 20% = 4,000, under the 6,000 left: −2,000; the others unchanged."""
    result = impact(client, {"vouchers.commissioned_development_rate": "0.2"}, largest=1)
    assert (result["difference"], result["lose"], result["unchanged"]) == ("-2000.00", 1, 2)
    assert [(r["record_id"], r["before"], r["after"]) for r in result["largest"]] == [
        (str(redemptions["A2"]["id"]), "6000.00", "4000.00")
    ]


def test_another_year_or_district_holds_none_of_them(client: TestClient, redemptions: Any) -> None:
    assert impact(client, {"vouchers.testing_rate": "0.5"}, year=2024)["records"] == 0
    assert impact(client, {"vouchers.testing_rate": "0.5"}, district="衢江区")["records"] == 0
    assert impact(client, {"vouchers.testing_rate": "0.5"}, district="市本级")["records"] == 3  # the pool's


def test_a_scenario_the_books_do_not_allow_is_refused(client: TestClient, redemptions: Any) -> None:
    r = client.post("/v1/impact/voucher-redemptions", json={"year": 2023, "parameters": {"vouchers.testing_rate": "2"}})
    assert (r.status_code, r.json()["code"]) == (422, "scenario_invalid")
    r = client.post("/v1/impact/voucher-redemptions", json={"year": 2022, "parameters": {"vouchers.testing_rate": "1"}})
    assert (r.status_code, r.json()["field"]) == (422, "year")
