"""Batch vs single quotes per second, in one run.

    .venv/bin/python services/expropriation/bench/bench_batch.py --households 1000 --single 300
    (add --database-url postgresql://postgres@127.0.0.1:5432/<db> to run on PostgreSQL; default: a temp SQLite file)

Builds one project of N households through the API (CSV roster import), then times
  * batch:  POST /v1/projects/{id}/batch-quotes (every household in one request),
  * single: POST /v1/quotes once per household (the same facts, one request each),
and prints quotes per second for both.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from stdnum.cn import ric

from expropriation.api.projects import ROSTER_COLUMNS
from expropriation.main import create_app
from expropriation.settings import ExpropriationSettings
from qz_common.identity import IDENTITY_HEADER, mint_token
from qz_common.migrations import upgrade
from qz_common.settings import DEV_INTERNAL_TOKEN_SECRET, PlatformSettings

METHODS = ("monetary", "house_voucher", "property_swap", "monetary")
STRUCTURES = ("frame", "brick_concrete", "brick_wood", "other")


def id_number(n: int) -> str:
    born = dt.date(1986, 1, 1) + dt.timedelta(days=n // 900)
    body = f"330802{born:%Y%m%d}{n % 900 + 1:03d}"
    return body + ric.calc_check_digit(body + "0")


def roster(households: int) -> tuple[str, list[dict[str, object]]]:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=ROSTER_COLUMNS)
    w.writeheader()
    singles: list[dict[str, object]] = []
    person = 0
    for h in range(households):
        ref = f"{h + 1:05d}"
        method = METHODS[h % 4]
        members = []
        for k in range(1 + h % 4):
            person += 1
            members.append({"name": f"成员{person}", "id_number": id_number(person), "collective_member": True})
            row = {"household_ref": ref, "record": "member", **members[-1], "collective_member": "true"}
            if k == 0:
                row |= {"head_name": members[-1]["name"], "method": method, "flat_area_m2": str(110 + 50 * (h % 4))}
            w.writerow(row)
        building = {
            "use": "residential",
            "structure": STRUCTURES[h % 4],
            "legal_area_m2": str(90 + h % 150),
            "built_year": 1980 + h % 43,
        }
        w.writerow({"household_ref": ref, "record": "building", **building})
        singles.append(
            {
                "district": "柯城区",
                "pre_announcement_date": "2023-06-01",
                "signing_deadline": "2023-09-30",
                "valuation_date": "2023-07-01",
                "method": method,
                "members": members,
                "buildings": [building],
                "appraised_price_per_m2": "3000",
                "market_price_per_m2": "9000",
                "flat_area_m2": str(110 + 50 * (h % 4)),
            }
        )
    return out.getvalue(), singles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--single", type=int, default=300, help="how many single-request quotes to time")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade("expropriation", url)
        app = create_app(ExpropriationSettings(database_url=url), PlatformSettings(dev_mode=True, log_level="WARNING"))
        token = mint_token(
            DEV_INTERNAL_TOKEN_SECRET,
            audience="expropriation",
            client_id="bench",
            scopes=["expropriation:read", "expropriation:write"],
        )
        with TestClient(app, headers={IDENTITY_HEADER: token}) as client:
            project = client.post(
                "/v1/projects",
                json={
                    "name": "bench",
                    "district": "柯城区",
                    "village": "基准村",
                    "pre_announcement_date": "2023-06-01",
                    "signing_deadline": "2023-09-30",
                    "valuation_date": "2023-07-01",
                    "appraised_price_per_m2": "3000",
                    "market_price_per_m2": "9000",
                },
            ).json()
            text, singles = roster(args.households)
            r = client.post(
                f"/v1/projects/{project['id']}/roster", files={"file": ("r.csv", text.encode(), "text/csv")}
            )
            r.raise_for_status()

            start = time.perf_counter()
            batch = client.post(f"/v1/projects/{project['id']}/batch-quotes")
            batch_s = time.perf_counter() - start
            batch.raise_for_status()
            quoted = batch.json()["quoted"]

            n = min(args.single, len(singles))
            start = time.perf_counter()
            for body in singles[:n]:
                client.post("/v1/quotes", json=body).raise_for_status()
            single_s = time.perf_counter() - start

    batch_rate = quoted / batch_s
    single_rate = n / single_s
    print(f"database: {url.split('://')[0]}")
    print(f"batch : {quoted} households in one request, {batch_s:.3f} s -> {batch_rate:,.0f} quotes/s")
    print(f"single: {n} requests, {single_s:.3f} s -> {single_rate:,.0f} quotes/s")
    print(f"batch / single: {batch_rate / single_rate:.1f}x")


if __name__ == "__main__":
    main()
