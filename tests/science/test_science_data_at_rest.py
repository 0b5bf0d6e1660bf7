"""Nothing that names a person is in the science database in clear, after ordinary use or after migration 0005
sealed the rows of the release before, while every answer still carries it (issue 30, Personal data at rest:
个人信息保护法 第五十一条, 等保2.0 level 3).

The persons science stores are 创业者 holding 创新券 (by 身份证号 and name, claimed at a window or through 浙里办),
the subjects of 科研诚信记录 and the related holders of a carrier. The database is read as an intruder with a dump
would read it: every cell of every table, raw SQL, on SQLite and PostgreSQL.
"""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from science_testdata import carrier, pool, redemption_body
from testkit import DatabaseFactory, PiiKeys, id_number, identity_headers, in_clear, run_sql, write_as_stored

from qz_common.migrations import downgrade, upgrade
from qz_common.pii import ID_NUMBER, KeyRing
from qz_common.settings import PlatformSettings
from science.main import create_app
from science.settings import ScienceSettings

CLAIMANT = id_number("330802", dt.date(1992, 8, 8), 456)  # claims through 浙里办
WINDOW_CLAIMANT = id_number("330803", dt.date(1990, 5, 1), 123)  # claims at a window, later listed for fraud
RELATED = id_number("330881", dt.date(1988, 1, 9), 77)  # co-founded the carrier
PERSONAL = [CLAIMANT, WINDOW_CLAIMANT, RELATED, "李四", "张三", "王五"]
FRAUD = {"subject_kind": "entrepreneur", "kind": "voucher_fraud", "decided_on": "2023-05-10", "reason": "虚开发票"}


def use_the_service_as_every_day(client: TestClient) -> None:
    """Claims (one through 浙里办, retried), a redemption at a carrier with related holders, a credit listing posted
    twice, and every way of reading them back: lists by id, the citizen's own view, the cross-bureau dossier."""
    batch = pool(client)
    citizen = identity_headers("science", citizen=CLAIMANT) | {"Idempotency-Key": "zlb-0001"}
    mine = {"pool_id": batch["id"], "holder_name": "李四", "amount": "20000", "claimed_on": "2023-03-01"}
    first, again = (client.post("/v1/me/claims", json=mine, headers=citizen) for _ in range(2))
    assert (first.status_code, again.headers["Idempotent-Replayed"], again.json()) == (201, "true", first.json())
    # 四(二) 每年最高申领额度为6万元: 20,000 claimed, so 40,001 more is over and 40,000 is not.
    over = client.post("/v1/me/claims", json=mine | {"amount": "40001"}, headers=citizen | {"Idempotency-Key": "2"})
    assert (over.status_code, over.json()["code"]) == (422, "annual_cap_exceeded"), over.text
    window = {
        "pool_id": batch["id"],
        "holder_kind": "entrepreneur",
        "holder_id": WINDOW_CLAIMANT,
        "holder_name": "张三",
    }
    voucher = client.post("/v1/claims", json=window | {"amount": "10000", "claimed_on": "2023-03-01"})
    assert voucher.status_code == 201, voucher.text
    lab = carrier(client, related_holders=[RELATED, WINDOW_CLAIMANT])
    refused = client.post("/v1/redemptions", json=redemption_body(voucher.json()["id"], lab["id"]))
    assert "carrier_related" in {e["code"] for e in refused.json()["errors"]}, refused.text
    used = client.post("/v1/redemptions", json=redemption_body(first.json()["id"], lab["id"]))
    assert used.status_code == 201, used.text
    listing = FRAUD | {"subject_id": WINDOW_CLAIMANT, "document_number": "衢科〔2023〕5号"}
    listed, relisted = (client.post("/v1/credit-records", json=listing) for _ in range(2))
    assert (listed.status_code, relisted.headers["Idempotent-Replayed"]) == (201, "true"), relisted.text

    by_id = {"holder_id": CLAIMANT.lower()}  # a lower-case x is the same person
    assert [v["holder_name"] for v in client.get("/v1/vouchers", params=by_id).json()["items"]] == ["李四"]
    assert [r["id"] for r in client.get("/v1/redemptions", params=by_id).json()["items"]] == [used.json()["id"]]
    credit = client.get("/v1/credit-records", params={"subject_id": WINDOW_CLAIMANT}).json()["items"]
    assert [c["subject_id"] for c in credit] == [WINDOW_CLAIMANT]
    own = client.get("/v1/me/records", headers=identity_headers("science", citizen=CLAIMANT)).json()
    assert [(v["holder_id"], v["face_value"]) for v in own["vouchers"]] == [(CLAIMANT, "20000.00")]
    dossier = client.get(f"/v1/dossiers/citizens/{WINDOW_CLAIMANT}").json()
    assert [v["holder_name"] for v in dossier["vouchers"]] == ["张三"]
    assert [f["since"] for f in dossier["credit_flags"]] == ["2023-05-10"]
    assert client.get(f"/v1/carriers/{lab['id']}").json()["related_holders"] == [RELATED, WINDOW_CLAIMANT]


def test_no_id_number_or_name_of_a_person_is_stored_in_clear(science_settings_on_backend: ScienceSettings) -> None:
    app = create_app(science_settings_on_backend, PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("science")) as client:
        use_the_service_as_every_day(client)
    # The 浙里办 claim's audit actor named CLAIMANT: sealed with the rest.
    assert in_clear(science_settings_on_backend.database_url, PERSONAL) == []


# --- migration 0005 on the rows of the release before --------------------------------------------------------

LEGACY_HOLDER = id_number("330881", dt.date(1985, 6, 15), 31)
LEGACY_FRAUD = next(n for n in (id_number("330824", dt.date(1979, 2, 2), s) for s in range(200)) if n.endswith("X"))
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
DOCUMENT = "衢科〔2026〕9号"
LEGACY_DECISION = f"credit_subject/{LEGACY_FRAUD}/voucher_fraud/2026-05-10/{DOCUMENT}"
LEGACY_ROWS: dict[str, list[dict[str, Any]]] = {
    "carriers": [
        {
            "id": 1,
            "name": "衢州学院检测中心",
            "uscc": "12330800MB1234567X",
            "kind": "科技创新服务平台",
            "in_quzhou": True,
            "channel": "local_registration",
            "district": "市本级",
            "status": "active",
            "related_holders": [LEGACY_FRAUD],
            "created_at": NOW,
        }
    ],
    "voucher_pools": [
        {
            "id": 1,
            "name": "2026年第一期",
            "district": "市本级",
            "total": "1000000.00",
            "available": "950000.00",
            "opens_on": dt.date(2026, 1, 1),
            "closes_on": dt.date(2026, 12, 31),
            "created_at": NOW,
        }
    ],
    "vouchers": [
        {
            "id": 1,
            "pool_id": 1,
            "district": "市本级",
            "holder_kind": "entrepreneur",
            "holder_id": LEGACY_HOLDER,
            "holder_name": "王五",
            "face_value": "50000.00",
            "remaining": "50000.00",
            "returned": "0.00",
            "issued_on": dt.date(2026, 11, 2),
            "last_valid_on": dt.date(2027, 2, 1),
            "status": "active",
            "priority_grounds": [],
            "created_at": NOW,
        }
    ],
    "annual_quotas": [{"id": 1, "holder_id": LEGACY_HOLDER, "year": 2026, "claimed": "50000.00"}],
    "credit_records": [
        {
            "id": 1,
            "subject_id": LEGACY_FRAUD.lower(),  # as an import wrote it: found all the same
            "kind": "voucher_fraud",
            "decided_on": dt.date(2026, 5, 10),
            "ban_until": dt.date(2029, 5, 9),
            "reason": "虚开发票骗取创新券",
            "basis": "衢市科发高〔2022〕44号 五(二)",
            "document_number": DOCUMENT,
            "redemption_id": None,
            "institute_id": None,
            "created_at": NOW,
        }
    ],
    "audit_log": [
        {
            "id": 1,
            "occurred_at": NOW,
            "actor": f"zlb-adapter/citizen:{LEGACY_HOLDER}",
            "request_id": None,
            "action": "claim",
            "entity": "vouchers",
            "entity_id": "1",
            "before": None,
            "after": {"holder_id": LEGACY_HOLDER, "holder_name": "王五"},
        }
    ],
    "idempotency_keys": [
        {
            "id": 1,
            "client_id": "decision:credit_subject",
            "key": LEGACY_DECISION,
            "request_hash": "0" * 64,
            "status_code": 201,
            "response_body": {"id": 1, "subject_id": LEGACY_FRAUD, "kind": "voucher_fraud"},
            "created_at": NOW,
        }
    ],
}
LEGACY_PERSONAL = [LEGACY_HOLDER, LEGACY_FRAUD, LEGACY_FRAUD.lower(), "王五"]


def test_migration_0005_seals_the_rows_of_the_release_before_and_its_downgrade_opens_them(
    database_factory: DatabaseFactory, backend: str
) -> None:
    url = database_factory.create("science", backend=backend, migrate=False)
    upgrade("science", url, "0004")
    write_as_stored(url, LEGACY_ROWS)
    assert len(in_clear(url, LEGACY_PERSONAL)) > 0
    keys = PiiKeys.fresh("2026a")
    ring = KeyRing.from_settings(ScienceSettings(**keys.settings), dev_mode=False)

    upgrade("science", url, keyring=ring)
    assert in_clear(url, LEGACY_PERSONAL) == []
    subject = ring.lookup(ID_NUMBER, LEGACY_FRAUD)[:18]
    assert run_sql(url, "SELECT key FROM idempotency_keys") == [(LEGACY_DECISION.replace(LEGACY_FRAUD, subject),)]
    settings = ScienceSettings(database_url=url, **keys.settings)
    with TestClient(create_app(settings, PlatformSettings(dev_mode=True)), headers=identity_headers("science")) as c:
        holder = identity_headers("science", citizen=LEGACY_HOLDER)
        own = c.get("/v1/me/records", headers=holder).json()
        assert [(v["holder_name"], v["face_value"]) for v in own["vouchers"]] == [("王五", "50000.00")]
        # 四(二) 6万 a year: the 50,000 of the quota row before leaves 10,000, so 10,001 is over.
        claim = {"pool_id": 1, "holder_name": "王五", "amount": "10001", "claimed_on": "2026-12-01"}
        over = c.post("/v1/me/claims", json=claim, headers=holder)
        assert (over.status_code, over.json()["code"]) == (422, "annual_cap_exceeded"), over.text
        flags = c.get(f"/v1/dossiers/citizens/{LEGACY_FRAUD}").json()["credit_flags"]
        assert [f["since"] for f in flags] == ["2026-05-10"]
        listed = c.get("/v1/credit-records", params={"subject_id": LEGACY_FRAUD}).json()["items"]
        assert [r["subject_id"] for r in listed] == [LEGACY_FRAUD.lower()]
        assert c.get("/v1/carriers/1").json()["related_holders"] == [LEGACY_FRAUD]
        # The decision of before is recognised under its new identity: the same listing posted again meets it (its
        # stored content is a stand-in here, so it answers the conflict rather than a replay; not a second listing).
        again = FRAUD | {"subject_id": LEGACY_FRAUD, "decided_on": "2026-05-10", "document_number": DOCUMENT}
        met = c.post("/v1/credit-records", json=again)
        assert (met.status_code, met.json()["code"]) == (409, "decision_conflict"), met.text

    downgrade("science", url, "0004", keyring=ring)
    assert run_sql(url, "SELECT holder_id, holder_name FROM vouchers") == [(LEGACY_HOLDER, "王五")]
    assert run_sql(url, "SELECT subject_id FROM credit_records") == [(LEGACY_FRAUD.lower(),)]
    assert run_sql(url, "SELECT key FROM idempotency_keys") == [(LEGACY_DECISION,)]
    upgrade("science", url, keyring=ring)
    assert in_clear(url, LEGACY_PERSONAL) == []
