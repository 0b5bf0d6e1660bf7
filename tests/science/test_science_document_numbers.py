"""44号 四(四) 同一服务合同及其发票只能享受1次创新券补助, whatever the spelling: width (全角/半角), case and whitespace
are normalised before contract and invoice numbers are compared, for new redemptions and for the rows already stored
(migration 0003)."""

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient
from science_testdata import CARRIER, carrier, claim_body, enterprise, pool, redemption_body
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import DatabaseFactory

from qz_common.db import async_url
from qz_common.migrations import upgrade
from science.rules.voucher_lifecycle import document_key


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("HT-2023-001", "HT-2023-001"),
        ("ht-2023-001", "HT-2023-001"),  # case
        ("ＨＴ－２０２３－００１", "HT-2023-001"),  # full-width letters, digits and hyphen (NFKC)
        (" HT 2023\u3000-001\t", "HT2023-001"),  # spaces, an ideographic space and a tab are dropped
        ("ｆｐ　0001", "FP0001"),
        ("\u3000 ", ""),  # nothing but whitespace: no number at all
    ],
)
def test_document_key(spelling: str, key: str) -> None:
    assert document_key(spelling) == key


def two_vouchers(client: TestClient) -> tuple[int, int, int]:
    enterprise(client)
    p = pool(client)
    ids = []
    for _ in range(2):
        r = client.post("/v1/claims", json=claim_body(p["id"], "10000"))
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids[0], ids[1], carrier(client)["id"]


def redeem(client: TestClient, voucher_id: int, carrier_id: int, **changes: Any) -> Any:
    return client.post("/v1/redemptions", json=redemption_body(voucher_id, carrier_id, **changes))


def test_the_same_contract_spelt_differently_is_subsidised_once(client: TestClient) -> None:
    first, second, c = two_vouchers(client)
    assert redeem(client, first, c, contract_number="HT-2023-001", invoice_number="FP-0001").status_code == 201
    again = redeem(client, second, c, contract_number="ｈｔ－２０２３－００１ ", invoice_number="FP-0002")
    assert (again.status_code, again.json()["code"], again.json()["field"]) == (
        422,
        "already_subsidised",
        "contract_number",
    )
    invoice = redeem(client, second, c, contract_number="HT-2023-002", invoice_number="ｆｐ－０００１")
    assert (invoice.status_code, invoice.json()["code"]) == (422, "already_subsidised")
    assert redeem(client, second, c, contract_number="HT-2023-002", invoice_number="FP-0002").status_code == 201


def test_the_number_is_shown_as_submitted(client: TestClient) -> None:
    first, _, c = two_vouchers(client)
    r = redeem(client, first, c, contract_number=" ht-2023-001 ", invoice_number="ｆｐ－０００１")
    assert (r.json()["contract_number"], r.json()["invoice_number"]) == ("ht-2023-001", "ｆｐ－０００１")


def test_a_blank_number_is_no_contract(client: TestClient) -> None:
    first, _, c = two_vouchers(client)
    r = redeem(client, first, c, contract_number="\u3000")
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "contract_missing", "contract_number")
    assert redeem(client, first, c, invoice_number=" ").json()["code"] == "payment_proof"


def test_migration_normalises_stored_numbers(database_factory: DatabaseFactory) -> None:
    url = database_factory.create("science", migrate=False)
    upgrade("science", url, "0002")
    rows = [
        (1, "contract", f"{CARRIER}/ＨＴ－００１"),
        (2, "contract", f"{CARRIER}/ht-001"),  # the same contract, subsidised twice before the fix
        (3, "invoice", "FP 0001"),
        (4, "invoice", "FP0002"),
    ]

    async def run(statements: list[tuple[str, dict[str, Any]]]) -> list[tuple[Any, ...]]:
        engine = create_async_engine(async_url(url))
        async with engine.begin() as conn:
            for sql, params in statements:
                await conn.execute(text(sql), params)
            result = await conn.execute(text("SELECT id, kind, number FROM subsidised_documents ORDER BY id"))
            found = [tuple(r) for r in result]
        await engine.dispose()
        return found

    insert = "INSERT INTO subsidised_documents (id, kind, number, redemption_id) VALUES (:id, :kind, :number, :rid)"
    asyncio.run(run([(insert, {"id": i, "kind": k, "number": n, "rid": 100 + i}) for i, k, n in rows]))
    upgrade("science", url)
    assert asyncio.run(run([])) == [
        (1, "contract", f"{CARRIER}/HT-001"),
        (2, "contract", f"{CARRIER}/HT-001#2"),  # kept, marked, and the contract stays blocked by row 1
        (3, "invoice", "FP0001"),
        (4, "invoice", "FP0002"),
    ]
