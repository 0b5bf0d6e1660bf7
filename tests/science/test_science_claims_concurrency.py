"""44号 under simultaneous requests, on SQLite and PostgreSQL alike: neither a pool nor the 6万 annual cap (四(二))
can be overdrawn by claims, nor a voucher's value by redemptions (一(三), 四(四))."""

import asyncio
from decimal import Decimal

import httpx
from science_testdata import CARRIER, claim_body, make_uscc, redemption_body
from testkit import identity_headers

from qz_common.settings import PlatformSettings
from science.main import create_app
from science.settings import ScienceSettings


async def _run(
    settings: ScienceSettings,
    setup: list[tuple[str, dict]],  # type: ignore[type-arg]
    requests: list[dict],  # type: ignore[type-arg]
    path: str = "/v1/claims",
) -> list[httpx.Response]:
    """Runs ``setup`` one by one, then POSTs every body of ``requests`` to ``path`` at the same instant."""
    app = create_app(settings, PlatformSettings(dev_mode=True))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://science", headers=identity_headers("science")
    ) as http:
        for setup_path, body in setup:
            created = await http.post(setup_path, json=body)
            assert created.status_code == 201, created.text
        responses = await asyncio.gather(*(http.post(path, json=body) for body in requests))
    await app.state.db.dispose()
    return list(responses)


async def _get(settings: ScienceSettings, path: str) -> dict:  # type: ignore[type-arg]
    app = create_app(settings, PlatformSettings(dev_mode=True))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://science", headers=identity_headers("science")
    ) as http:
        body = (await http.get(path)).json()
    await app.state.db.dispose()
    return body  # type: ignore[no-any-return]


POOL = {"name": "2023年第一期", "total": "50000", "opens_on": "2023-01-01", "closes_on": "2023-12-31"}
CARRIER_BODY = {
    "name": "衢州学院检测中心",
    "uscc": CARRIER,
    "kind": "科技创新服务平台",
    "in_quzhou": True,
    "channel": "local_registration",
    "district": "市本级",
}


def test_simultaneous_claims_never_overdraw_the_pool(science_settings: ScienceSettings) -> None:
    """Twenty enterprises claim 5,000 each at once from a 50,000 pool: exactly ten succeed, the pool ends at 0."""
    holders = [make_uscc(100 + i) for i in range(20)]
    setup = [("/v1/voucher-pools", POOL)] + [
        ("/v1/enterprises", {"uscc": h, "name": f"企业{i}", "district": "柯城区"}) for i, h in enumerate(holders)
    ]
    responses = asyncio.run(_run(science_settings, setup, [claim_body(1, "5000", holder=h) for h in holders]))
    ok = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code != 201]
    assert len(ok) == 10, [r.text for r in responses]
    assert {(r.status_code, r.json()["code"]) for r in refused} == {(422, "pool_exhausted")}
    pool = asyncio.run(_get(science_settings, "/v1/voucher-pools/1"))
    assert pool["available"] == "0.00"
    issued = sum(Decimal(r.json()["face_value"]) for r in ok)
    assert issued == Decimal("50000")


def test_simultaneous_claims_never_exceed_the_annual_cap(science_settings: ScienceSettings) -> None:
    """One enterprise claims 10,000 twenty times at once across two pools: exactly six succeed (60,000)."""
    holder = make_uscc(200)
    big = POOL | {"total": "1000000"}
    setup = [
        ("/v1/voucher-pools", big),
        ("/v1/voucher-pools", big | {"name": "2023年第二期"}),
        ("/v1/enterprises", {"uscc": holder, "name": "企业甲", "district": "柯城区"}),
    ]
    claims = [claim_body(1 + i % 2, "10000", holder=holder) for i in range(20)]
    responses = asyncio.run(_run(science_settings, setup, claims))
    ok = [r for r in responses if r.status_code == 201]
    assert len(ok) == 6, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code != 201} == {"annual_cap_exceeded"}
    vouchers = asyncio.run(_get(science_settings, f"/v1/vouchers?holder_id={holder}"))
    assert vouchers["total"] == 6
    pools = asyncio.run(_get(science_settings, "/v1/voucher-pools"))
    assert sum(Decimal(p["available"]) for p in pools["items"]) == Decimal("2000000") - Decimal("60000")


def test_simultaneous_redemptions_never_pay_more_than_the_voucher(science_settings: ScienceSettings) -> None:
    """Ten redemptions of one 10,000 voucher at once, each for a different 10,000 testing contract.

    三(四): testing is subsidised at 40% of the fee, 10,000 × 40% = 4,000 each; 一(三): never more than what is left
    on the voucher. Whatever the order: 4,000 + 4,000 + 2,000 (the remainder) = 10,000 paid, seven refused.
    """
    holder = make_uscc(300)
    setup = [
        ("/v1/voucher-pools", POOL),
        ("/v1/enterprises", {"uscc": holder, "name": "企业甲", "district": "柯城区"}),
        ("/v1/claims", claim_body(1, "10000", holder=holder)),
        ("/v1/carriers", CARRIER_BODY),
    ]
    redemptions = [redemption_body(1, 1, contract_number=f"HT-{i}", invoice_number=f"FP-{i}") for i in range(10)]
    responses = asyncio.run(_run(science_settings, setup, redemptions, path="/v1/redemptions"))
    ok = [r for r in responses if r.status_code == 201]
    assert sorted(Decimal(r.json()["amount"]) for r in ok) == [Decimal("2000"), Decimal("4000"), Decimal("4000")]
    assert all(r.status_code == 422 for r in responses if r.status_code != 201), [r.text for r in responses]
    voucher = asyncio.run(_get(science_settings, "/v1/vouchers/1"))
    assert (voucher["remaining"], voucher["status"]) == ("0.00", "used_up")
