"""Projects, households, declarations, agreements (re-quote reproduces), village completion from records,
disputes to 提存, payments, clawbacks, batch quotes, CSV roster import and settlement-sheet export, /v1/me, dossiers;
the input rules every request body and path follows."""

import csv
import io
from typing import Any

import pytest
from expropriation_kit import household, project, refused, sign, signed_monetary, tomorrow
from fastapi.testclient import TestClient
from testkit import id_number, identity_headers

from expropriation.exchange.roster import ROSTER_COLUMNS

USCC = "91110000600037341L"


def test_project_refuses_other_district_and_old_rules(client: TestClient) -> None:
    r = client.post(
        "/v1/projects",
        json={
            "name": "x",
            "district": "江山市",
            "village": "v",
            "pre_announcement_date": "2023-06-01",
            "signing_deadline": "2023-09-30",
            "valuation_date": "2023-07-01",
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "out_of_scope"
    r = client.post(
        "/v1/projects",
        json={
            "name": "x",
            "district": "柯城区",
            "village": "v",
            "pre_announcement_date": "2023-02-28",
            "signing_deadline": "2023-09-30",
            "valuation_date": "2023-07-01",
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "pre_announcement_date"


def test_project_dates_out_of_order_422(client: TestClient) -> None:
    r = client.post(
        "/v1/projects",
        json={
            "name": "x",
            "district": "柯城区",
            "village": "v",
            "pre_announcement_date": "2023-06-01",
            "signing_deadline": "2023-05-30",
            "valuation_date": "2023-07-01",
        },
    )
    assert r.status_code == 422 and r.json()["field"] == "signing_deadline"


def test_project_idempotent_and_list(client: TestClient) -> None:
    p = project(client)
    h = {"Idempotency-Key": "k1"}
    b = {
        "name": "y",
        "district": "衢江区",
        "village": "v",
        "pre_announcement_date": "2023-06-01",
        "signing_deadline": "2023-09-30",
        "valuation_date": "2023-07-01",
    }
    first = client.post("/v1/projects", json=b, headers=h)
    again = client.post("/v1/projects", json=b, headers=h)
    assert first.json()["id"] == again.json()["id"]
    assert client.get("/v1/projects").json()["total"] == 2
    scoped = client.get("/v1/projects", headers=identity_headers("expropriation", district="柯城区")).json()
    assert [x["id"] for x in scoped["items"]] == [p["id"]]
    kecheng = identity_headers("expropriation", district="柯城区")
    theirs = client.get(f"/v1/projects/{first.json()['id']}", headers=kecheng)  # another district's: as unused
    unused = client.get("/v1/projects/999", headers=kecheng)
    assert (theirs.status_code, theirs.json()["field"]) == (404, "project_id")
    assert (unused.status_code, unused.json()["detail"]) == (404, theirs.json()["detail"])


def test_household_ref_unique(client: TestClient) -> None:
    p = project(client)
    household(client, p["id"], "001")
    r = client.post(
        f"/v1/projects/{p['id']}/households",
        json={
            "ref": "001",
            "head_name": "x",
            "members": [{"name": "a", "id_number": id_number(sequence=9), "collective_member": True}],
            "buildings": [{"use": "residential", "structure": "frame", "legal_area_m2": "10", "built_year": 2000}],
        },
    )
    assert r.status_code == 409


def test_household_quote_and_declaration(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001")
    q = client.get(f"/v1/households/{h['id']}/quote").json()
    assert q["total"] == "531000.00"
    decl = {
        "declared_on": "2023-06-10",
        "documents": ["户口簿", "不动产权证书"],
        "proofs": ["certificate"],
        "members": [{"name": "成员1", "id_number": id_number(sequence=1), "collective_member": True}],
        "buildings": [
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000},
            {
                "use": "residential",
                "structure": "brick_concrete",
                "legal_area_m2": "30",
                "built_year": 2023,
                "work_kind": "extension",
                "work_done_on": "2023-06-05",
                "label": "新扩建",
            },
        ],
    }
    r = client.post(f"/v1/households/{h['id']}/declarations", json=decl)
    assert r.status_code == 201, r.text
    assert r.json()["basis"] == "衢政发〔2023〕2号 二(二)"
    q = client.get(f"/v1/households/{h['id']}/quote").json()
    assert q["resettlement_persons"] == 1
    assert q["excluded_buildings"][0]["subject"] == "新扩建"
    assert q["excluded_buildings"][0]["basis"] == "衢政发〔2023〕2号 二(一)1"
    assert client.get(f"/v1/households/{h['id']}/declarations").json()["total"] == 1
    bad = client.post(f"/v1/households/{h['id']}/declarations", json={**decl, "declared_on": "2023-05-01"})
    assert bad.status_code == 422 and bad.json()["field"] == "declared_on"
    compare = client.get(f"/v1/households/{h['id']}/compare").json()
    assert len(compare["outcomes"]) == 4


def test_parent_counts_in_one_household_of_project(client: TestClient) -> None:
    p = project(client)
    a = household(client, p["id"], "001", seqs=(1, 3))  # child 1 + parent 3
    b = household(client, p["id"], "002", seqs=(2, 3))  # child 2 + parent 3
    qa = client.get(f"/v1/households/{a['id']}/quote").json()
    qb = client.get(f"/v1/households/{b['id']}/quote").json()
    assert qa["resettlement_persons"] == 2
    assert qb["resettlement_persons"] == 1
    assert qb["excluded_persons"][0]["basis"] == "衢政发〔2023〕2号 三(一)3"


def test_agreement_requote_reproduces_and_lists_ids(client: TestClient) -> None:
    p = project(client)
    h = household(
        client,
        p["id"],
        "001",
        buildings=[
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000},
            {
                "use": "non_residential",
                "structure": "brick_wood",
                "legal_area_m2": "50",
                "built_year": 2000,
                "owner_uscc": USCC,
            },
        ],
    )
    r = sign(client, h["id"])
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["member_id_numbers"] == [id_number(sequence=1), id_number(sequence=2)]
    assert a["building_owner_usccs"] == [USCC]
    assert a["city_parameter_version"] == "2023-03-01"
    # 531000 + 50 × 1000 × 3 + 9000: the only household of the village signed and handed over in time (三(四)8)
    assert a["total"] == "690000.00"
    again = client.get(f"/v1/agreements/{a['id']}/requote").json()
    assert again["items"] == a["quote"]["items"]
    assert again["total"] == a["total"]
    assert sign(client, h["id"]).status_code == 409


def test_agreement_dates_checked(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001")
    assert sign(client, h["id"], signed_on="2023-05-01").json()["field"] == "signed_on"
    assert (
        sign(client, h["id"], signed_on="2023-08-01", handed_over_on="2023-07-01").json()["field"] == "handed_over_on"
    )


def test_owner_without_persons_signing_late_must_take_money(client: TestClient) -> None:
    p = project(client)
    h = household(
        client,
        p["id"],
        "001",
        members=[{"name": "外村人", "id_number": id_number(sequence=5), "collective_member": False, "is_owner": True}],
    )
    r = sign(client, h["id"], signed_on="2023-10-08", handed_over_on=None, method="property_swap")
    assert r.status_code == 422
    assert r.json()["code"] == "method_not_available"


def test_village_completion_from_records(client: TestClient) -> None:
    p = project(client)
    a = household(client, p["id"], "001", seqs=(1,))
    b = household(client, p["id"], "002", seqs=(2,))
    sign(client, a["id"])
    batch = client.post(f"/v1/projects/{p['id']}/batch-quotes").json()
    assert batch["village_completion"] == {"石梁村": False}
    r = sign(client, b["id"], handed_over_on=None)
    assert r.json()["quote"]["items"][-1]["amount"] == "0.00"
    agreement_b = r.json()["id"]
    assert (
        client.post(f"/v1/agreements/{agreement_b}/handover", json={"handed_over_on": "2023-11-01"}).status_code == 200
    )
    late = client.post(f"/v1/projects/{p['id']}/batch-quotes").json()
    assert late["village_completion"] == {"石梁村": False}  # handed over after 2023-10-31
    assert (
        client.post(f"/v1/agreements/{agreement_b}/handover", json={"handed_over_on": "2023-10-30"}).status_code == 409
    )


def test_village_completion_all_in_time(client: TestClient) -> None:
    p = project(client)
    a = household(client, p["id"], "001", seqs=(1,))
    b = household(client, p["id"], "002", seqs=(2,))
    sign(client, a["id"])
    sign(client, b["id"], handed_over_on="2023-10-31")
    batch = client.post(f"/v1/projects/{p['id']}/batch-quotes").json()
    assert batch["village_completion"] == {"石梁村": True}
    assert all(h["items"]["village_completion_reward"] == "9000.00" for h in batch["households"])
    assert batch["quoted"] == 2


def test_batch_with_method_and_refusals(client: TestClient) -> None:
    p = project(client)
    household(client, p["id"], "001")
    out = client.post(f"/v1/projects/{p['id']}/batch-quotes", params={"method": "homestead"}).json()
    assert out["refused"] == 1
    assert out["households"][0]["refusal"]["field"] == "outside_urban_plan_area"


def test_dispute_path_to_deposit(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001")
    d = client.post("/v1/disputes", json={"household_id": h["id"], "ground": "owner_missing"}).json()
    assert d["may_take_house"] is False
    assert sign(client, h["id"]).status_code == 409
    skip = client.post(f"/v1/disputes/{d['id']}/steps", json={"state": "decision_made", "on": "2023-07-01"})
    assert skip.status_code == 409
    for state, on in (
        ("plan_proposed", "2023-07-01"),
        ("evidence_preserved", "2023-07-05"),
        ("decision_made", "2023-07-10"),
    ):
        assert client.post(f"/v1/disputes/{d['id']}/steps", json={"state": state, "on": on}).status_code == 200
    no_amount = client.post(f"/v1/disputes/{d['id']}/steps", json={"state": "deposited", "on": "2023-07-20"})
    assert no_amount.status_code == 422 and no_amount.json()["field"] == "deposit_amount"
    back = client.post(
        f"/v1/disputes/{d['id']}/steps", json={"state": "deposited", "on": "2023-07-01", "deposit_amount": "531000"}
    )
    assert back.status_code == 422 and back.json()["field"] == "on"
    done = client.post(
        f"/v1/disputes/{d['id']}/steps",
        json={"state": "deposited", "on": "2023-07-20", "deposit_amount": "531000", "reference": "提存书001"},
    ).json()
    assert done["may_take_house"] is True
    assert done["deposit_amount"] == "531000.00"
    assert [s["state"] for s in done["history"]] == [
        "plan_proposed",
        "evidence_preserved",
        "decision_made",
        "deposited",
    ]
    assert client.get(f"/v1/disputes/{d['id']}").json()["state"] == "deposited"


def test_payments_and_clawback(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001")
    a = sign(client, h["id"]).json()
    ok = client.post(
        "/v1/payments",
        json={
            "agreement_id": a["id"],
            "item_code": "house_monetary_compensation",
            "amount": "450000",
            "paid_on": "2023-08-20",
        },
    )
    assert ok.status_code == 201, ok.text
    over = client.post(
        "/v1/payments",
        json={
            "agreement_id": a["id"],
            "item_code": "house_monetary_compensation",
            "amount": "0.01",
            "paid_on": "2023-08-20",
        },
    )
    assert over.status_code == 422 and over.json()["field"] == "amount"
    unknown = client.post(
        "/v1/payments", json={"agreement_id": a["id"], "item_code": "nothing", "amount": "1", "paid_on": "2023-08-20"}
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "item_code"
    client.post(
        "/v1/payments",
        json={"agreement_id": a["id"], "item_code": "early_vacate_reward", "amount": "60000", "paid_on": "2023-08-20"},
    )
    assert client.get(f"/v1/agreements/{a['id']}/payments").json()["total"] == 2
    corrected = {
        "buildings": [
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "100", "built_year": 2000}
        ],
        "members": [{"name": "成员1", "id_number": id_number(sequence=1), "collective_member": True}],
    }
    c = client.post(
        "/v1/clawbacks",
        json={"agreement_id": a["id"], "found_on": "2024-01-10", "reason": "虚报面积", "corrected": corrected},
    )
    assert c.status_code == 201, c.text
    assert c.json()["amount"] == "170000.00"  # 50 m² × 3000 + 50 m² × 400
    assert c.json()["by_item"] == {"house_monetary_compensation": "150000.00", "early_vacate_reward": "20000.00"}
    assert c.json()["basis"] == "衢政发〔2023〕2号 四(一)"
    assert client.get(f"/v1/agreements/{a['id']}/clawbacks").json()["total"] == 1
    dossier = client.get(f"/v1/dossiers/citizens/{id_number(sequence=1)}").json()
    assert dossier["credit_flags"][0]["code"] == "expropriation_fraud_clawback"


def test_me_household_and_dossiers(client: TestClient) -> None:
    p = project(client)
    h = household(
        client,
        p["id"],
        "001",
        buildings=[
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000},
            {
                "use": "non_residential",
                "structure": "frame",
                "legal_area_m2": "20",
                "built_year": 2010,
                "owner_uscc": USCC,
            },
        ],
    )
    me = client.get("/v1/me/household", headers=identity_headers("expropriation", citizen=id_number(sequence=1))).json()
    assert len(me) == 1
    assert me[0]["quote"]["total"] == "615000.00"  # 531000 + 20 × 1400 × 3
    ids = [x["id_number"] for x in me[0]["quote"]["persons"]]
    assert ids[0] == id_number(sequence=1) and "*" in ids[1]
    assert (
        client.get("/v1/me/household", headers=identity_headers("expropriation", citizen=id_number(sequence=77))).json()
        == []
    )
    assert client.get("/v1/me/household").status_code == 403  # staff token is not a citizen
    dossier = client.get(f"/v1/dossiers/enterprises/{USCC}").json()
    assert [x["id"] for x in dossier["households"]] == [h["id"]]
    other = client.get(
        f"/v1/dossiers/citizens/{id_number(sequence=1)}", headers=identity_headers("expropriation", district="衢江区")
    ).json()
    assert other["households"] == []
    assert client.get("/v1/dossiers/citizens/123").status_code == 422


def roster(*, structure: str = "brick_concrete", third_id: str | None = None) -> str:
    rows: list[dict[str, Any]] = [
        {
            "household_ref": "001",
            "record": "member",
            "head_name": "张一",
            "natural_village": "石梁村",
            "method": "monetary",
            "name": "张一",
            "id_number": id_number(sequence=1),
            "collective_member": "true",
            "is_owner": "true",
        },
        {
            "household_ref": "001",
            "record": "member",
            "name": "张二",
            "id_number": id_number(sequence=2),
            "collective_member": "true",
        },
        {
            "household_ref": "001",
            "record": "building",
            "label": "主屋",
            "use": "residential",
            "structure": structure,
            "certificate_area_m2": "150",
            "built_year": "2000",
        },
        {
            "household_ref": "002",
            "record": "member",
            "head_name": "李一",
            "method": "property_swap",
            "flat_area_m2": "110",
            "moves_via_temporary_housing": "false",
            "name": "李一",
            "id_number": third_id or id_number(sequence=3),
            "collective_member": "true",
            "is_owner": "true",
        },
        {
            "household_ref": "002",
            "record": "building",
            "use": "residential",
            "structure": "frame",
            "legal_area_m2": "120",
            "built_year": "2022",
        },
        {
            "household_ref": "002",
            "record": "building",
            "use": "residential",
            "structure": "frame",
            "legal_area_m2": "30",
            "built_year": "2022",
            "kind": "attic",
            "eaves_height_m": "1.8",
        },
        {
            "household_ref": "002",
            "record": "building",
            "use": "non_residential",
            "structure": "other",
            "legal_area_m2": "10",
            "built_year": "2023",
            "work_kind": "new_build",
            "work_done_on": "2023-06-02",
            "label": "预公告后新建棚",
        },
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ROSTER_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_roster_import_and_settlement_sheet(client: TestClient) -> None:
    p = project(client)
    r = client.post(f"/v1/projects/{p['id']}/roster", files={"file": ("roster.csv", roster().encode(), "text/csv")})
    assert r.status_code == 201, r.text
    assert r.json() == {"created": 2, "households": ["001", "002"]}
    sheet = client.get(f"/v1/projects/{p['id']}/settlement-sheet")
    assert sheet.status_code == 200
    # the project header, the Chinese headers, the clause row, then one row a household (as the XLSX)
    _title, headers, _bases, *households = csv.reader(io.StringIO(sheet.text.lstrip("\ufeff")))
    rows = [dict(zip(headers, row, strict=False)) for row in households[:2]]
    assert [x["户号"] for x in rows] == ["001", "002"]
    assert rows[0]["合计(元)"] == "531000.00"
    assert rows[0]["房屋货币补偿"] == "450000.00"
    assert rows[1]["安置方式"] == "产权调换"
    assert rows[1]["测算状态"] == "已测算", rows[1]["未能测算原因"]
    assert rows[1]["阁楼、架空层补偿"] == "21000.00"  # 30 × 1400 × 0.5
    assert rows[1]["搬迁费"] == "3000.00"
    assert rows[0]["合法住宅面积(㎡)"] == "150.00"  # 二(三): from the certificate area
    assert rows[1]["非住宅房屋补偿"] == ""  # 二(一): the shed built after the pre-announcement
    # the same refs again: nothing imported, every duplicate named
    again = client.post(f"/v1/projects/{p['id']}/roster", files={"file": ("roster.csv", roster().encode(), "text/csv")})
    assert again.status_code == 422
    assert len(again.json()["errors"]) == 2


def test_roster_errors_name_rows(client: TestClient) -> None:
    p = project(client)
    bad = roster(structure="concrete", third_id="330802198506150000")
    r = client.post(f"/v1/projects/{p['id']}/roster", files={"file": ("roster.csv", bad.encode(), "text/csv")})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert "row 4.buildings[0].structure" in fields
    assert "row 5.members[0].id_number" in fields
    assert client.get(f"/v1/projects/{p['id']}/households").json()["total"] == 0


def test_concurrent_signing_one_agreement(client: TestClient, expropriation_settings: Any) -> None:
    import asyncio

    import httpx

    from expropriation.main import create_app
    from qz_common.settings import PlatformSettings

    p = project(client)
    h = household(client, p["id"], "001")
    app = create_app(expropriation_settings, PlatformSettings(dev_mode=True))

    async def run() -> list[int]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://t", headers=identity_headers("expropriation")
        ) as ac:
            body = {"household_id": h["id"], "method": "monetary", "signed_on": "2023-08-01"}
            rs = await asyncio.gather(*(ac.post("/v1/agreements", json=body) for _ in range(5)))
            return sorted(r.status_code for r in rs)

    assert asyncio.run(run()) == [201, 409, 409, 409, 409]


def test_village_reward_payable_once_village_completes(client: TestClient) -> None:
    p = project(client)
    a = household(client, p["id"], "001", seqs=(1,))
    b = household(client, p["id"], "002", seqs=(2,))
    first = sign(client, a["id"]).json()
    assert first["quote"]["items"][-1] == {
        **first["quote"]["items"][-1],
        "code": "village_completion_reward",
        "amount": "0.00",
    }
    pay = {
        "agreement_id": first["id"],
        "item_code": "village_completion_reward",
        "amount": "9000",
        "paid_on": "2023-11-05",
    }
    assert client.post("/v1/payments", json=pay).status_code == 422  # the village has not completed yet
    sign(client, b["id"], handed_over_on="2023-10-20")
    r = client.post("/v1/payments", json=pay)
    assert r.status_code == 201, r.text
    assert client.post("/v1/payments", json={**pay, "amount": "0.01"}).status_code == 422
    # the signed agreement itself is unchanged and still re-quotes to its own figures
    assert client.get(f"/v1/agreements/{first['id']}/requote").json()["total"] == first["total"]


def test_scopes_and_district_binding_on_commands(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001")
    read_only = identity_headers("expropriation", scopes=["expropriation:read"])
    assert (
        client.post(
            "/v1/agreements",
            json={"household_id": h["id"], "method": "monetary", "signed_on": "2023-08-01"},
            headers=read_only,
        ).status_code
        == 403
    )
    assert client.get(f"/v1/households/{h['id']}", headers=read_only).status_code == 200
    qujiang = identity_headers("expropriation", district="衢江区")
    r = client.post(
        "/v1/agreements",
        json={"household_id": h["id"], "method": "monetary", "signed_on": "2023-08-01"},
        headers=qujiang,
    )
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "reference_not_found", "household_id")
    assert client.post(f"/v1/projects/{p['id']}/batch-quotes", headers=qujiang).status_code == 404
    assert client.get(f"/v1/projects/{p['id']}/settlement-sheet", headers=qujiang).status_code == 404
    # A 404 names the path parameter that named the missing record, a 422 the body field.
    for path, field in (("/v1/households/999", "household_id"), ("/v1/agreements/999", "agreement_id")):
        missing = client.get(path)
        assert (missing.status_code, missing.json()["field"]) == (404, field)
    assert client.get("/v1/disputes/999").json()["field"] == "dispute_id"
    unknown = client.post("/v1/agreements", json={"household_id": 999, "method": "monetary", "signed_on": "2023-08-01"})
    assert (unknown.status_code, unknown.json()["field"]) == (422, "household_id")
    assert unknown.json()["detail"] == r.json()["detail"]


# --- the input rules of every request (issues 9, 10, 11) -------------------------------------------------------------


def test_every_request_body_refuses_unknown_fields(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    bodies = set()
    for operations in spec["paths"].values():
        for op in operations.values():
            content = op.get("requestBody", {}).get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref")
            if ref:
                bodies.add(ref.rsplit("/", 1)[1])
    assert {"QuoteRequest", "ProjectIn", "HouseholdIn", "AgreementIn", "PaymentIn", "VoucherUseIn"} <= bodies
    for name in bodies:
        assert schemas[name].get("additionalProperties") is False, name


@pytest.mark.parametrize("path", ["/v1/projects/{}", "/v1/households/{}", "/v1/agreements/{}", "/v1/vouchers/{}"])
@pytest.mark.parametrize("value", [2**63, 0, -1, 10**30])
def test_path_ids_are_bounded(client: TestClient, path: str, value: int) -> None:
    r = client.get(path.format(value))
    assert r.status_code == 422, r.text


def test_body_ids_are_bounded(client: TestClient) -> None:
    r = client.post("/v1/agreements", json={"household_id": 2**63, "method": "monetary", "signed_on": "2023-08-01"})
    refused(r, "household_id")
    r = client.post(
        "/v1/payments", json={"agreement_id": 10**30, "item_code": "x", "amount": "1", "paid_on": "2023-08-01"}
    )
    refused(r, "agreement_id")


# --- agreements and payments after the clause review (issue 11) ---------------------------------------------------


def test_explicit_zero_household_appraisal_is_not_the_projects(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001", appraised_price_per_m2="0")
    q = client.get(f"/v1/households/{h['id']}/quote").json()
    item = next(i for i in q["items"] if i["code"] == "house_monetary_compensation")
    assert item["amount"] == "0.00"  # 150 × 0, not 150 × 3000 (the project's)


def test_payment_of_zero_refused(client: TestClient) -> None:
    _, a = signed_monetary(client)
    body = {"agreement_id": a["id"], "item_code": "moving_fee", "amount": "0", "paid_on": "2023-08-20"}
    refused(client.post("/v1/payments", json=body), "amount")
    # 三(四)7 moving fee due 3,000 (one move): 2,000 + 1,000 = 3,000 is the most that may be paid
    for amount in ("2000", "1000"):
        assert client.post("/v1/payments", json=body | {"amount": amount}).status_code == 201
    refused(client.post("/v1/payments", json=body | {"amount": "0.01"}), "amount")
    refused(client.post("/v1/payments", json=body | {"amount": "1", "paid_on": tomorrow()}), "paid_on")


def test_agreement_with_appraised_items_requotes_identically(client: TestClient) -> None:
    p = project(client)
    h = household(client, p["id"], "001", appraised_items=[{"kind": "attachment", "label": "围墙", "amount": "5000"}])
    a = sign(client, h["id"], method="monetary").json()
    # 150 × 3000 + 18,000 + 3,000 + 60,000 = 531,000; the village's only household signed and handed over in time
    # → + 150 × 60 = 9,000 (三(四)8); + the appraised 5,000 → 545,000
    assert a["total"] == "545000.00"
    assert client.get(f"/v1/agreements/{a['id']}/requote").json()["total"] == "545000.00"


def test_signing_for_a_tenants_only_household_refused(client: TestClient) -> None:
    p = project(client)
    tenant = {"name": "租户", "id_number": id_number(sequence=7), "collective_member": True, "occupancy": "tenant"}
    h = household(client, p["id"], "001", members=[tenant])
    r = sign(client, h["id"], method="monetary")
    assert refused(r, "members")["code"] == "not_entitled"
    again = sign(client, h["id"], method="monetary")
    assert again.json()["code"] == "not_entitled"  # nothing was stored by the refused signing (not 409)


def test_payment_and_clawback_not_before_the_agreement(client: TestClient) -> None:
    h, a = signed_monetary(client)
    pay = {"agreement_id": a["id"], "item_code": "moving_fee", "amount": "100", "paid_on": "2023-07-31"}
    refused(client.post("/v1/payments", json=pay), "paid_on")
    assert client.post("/v1/payments", json=pay | {"paid_on": "2023-08-01"}).status_code == 201
    corrected = {"members": h["facts"]["members"], "buildings": h["facts"]["buildings"]}
    claw = {"agreement_id": a["id"], "found_on": "2023-07-31", "reason": "虚报", "corrected": corrected}
    refused(client.post("/v1/clawbacks", json=claw), "found_on")
