"""Gateway overhead, measured side by side in one run (no timed assertions anywhere: machines are noisy).

    .venv/bin/python -P gateway/bench/bench_gateway.py [--requests 2000] [--concurrency 16]

Starts dogs, expropriation, medinsurance and the gateway as real processes on temporary SQLite files
(dev mode), then prints:
1. requests/s for the same GET straight to the dogs service and through the gateway, and the ratio
   (goal: the gateway keeps at least 70% of direct throughput), for a one-row page (where the gateway's
   cost is the largest share) and for a default 50-row page (a typical caseworker list);
2. the citizen dossier's latency against its slowest single source called directly, and the ratio
   (goal: within 1.3x, i.e. the fan-out is concurrent).
Rounds alternate direct and gateway so both see the same machine load.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import httpx
from stdnum.cn import ric

from qz_common.identity import IDENTITY_HEADER, mint_token
from qz_common.settings import DEV_INTERNAL_TOKEN_SECRET

PORTS = {"dogs": 18104, "expropriation": 18101, "medinsurance": 18102, "gateway": 18100}
SOURCES = ("dogs", "expropriation", "medinsurance")
PAGE = 50  # the default page size of every collection


def start(name: str, workdir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "QZ_DEV_MODE": "true",
        f"{name.upper()}_DATABASE_URL": f"sqlite:///{workdir / name}.db",
        "GATEWAY_SERVICE_URLS": "{" + ", ".join(f'"{s}": "http://127.0.0.1:{PORTS[s]}"' for s in SOURCES) + "}",
        "GATEWAY_RATE_LIMIT_PER_S": "1000000",
        "GATEWAY_RATE_LIMIT_BURST": "1000000",
        "QZ_LOG_LEVEL": "WARNING",
    }
    log = (workdir / f"{name}.log").open("ab")
    command = [sys.executable, "-P", "-m", "qz_common.serve", name, "--port", str(PORTS[name])]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORTS[name]}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not start; see {workdir / name}.log")


async def throughput(client: httpx.AsyncClient, url: str, headers: dict[str, str], n: int, concurrency: int) -> float:
    remaining = n

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            response = await client.get(url, headers=headers)
            response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return n / (time.perf_counter() - started)


async def timed(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    (await client.get(url, headers=headers)).raise_for_status()
    return time.perf_counter() - started


async def seed_vaccinations(client: httpx.AsyncClient, gateway: str, count: int) -> None:
    """A page's worth of 免疫点 records, so the page GET returns a full default page."""
    for n in range(count):
        body = {
            "owner_name": f"养犬人{n}",
            "owner_phone": "13800001234",
            "breed": "柴犬",
            "address": "柯城区某路1号",
            "district": "柯城区",
            "coat_colour": "黄",
            "sex": "male",
            "vaccine_name": "狂犬病疫苗",
            "vaccinated_on": "2023-03-01",
            "batch_number": f"B{n}",
            "next_due_on": "2024-03-01",
            "immunisation_point": "柯城区动物防疫站",
        }
        response = await client.post(f"{gateway}/api/dogs/v1/vaccinations", json=body, headers={"X-API-Key": "dev-key"})
        response.raise_for_status()


def direct_headers(service: str) -> dict[str, str]:
    token = mint_token(DEV_INTERNAL_TOKEN_SECRET, audience=service, client_id="bench", scopes=[f"{service}:*"])
    return {IDENTITY_HEADER: token}


async def main(requests: int, concurrency: int, rounds: int) -> None:
    gateway = f"http://127.0.0.1:{PORTS['gateway']}"
    person = "33080219900101123"
    person += ric.calc_check_digit(person + "0")
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency * 2), timeout=30) as client:
        await seed_vaccinations(client, gateway, PAGE)
        for path in ("/v1/vaccinations?limit=1", f"/v1/vaccinations?limit={PAGE}"):
            direct_rps, gateway_rps = [], []
            for _ in range(rounds):  # alternate, so both sides see the same machine load
                direct_url = f"http://127.0.0.1:{PORTS['dogs']}{path}"
                direct_rps.append(await throughput(client, direct_url, direct_headers("dogs"), requests, concurrency))
                gateway_url = f"{gateway}/api/dogs{path}"
                gateway_rps.append(
                    await throughput(client, gateway_url, {"X-API-Key": "dev-key"}, requests, concurrency)
                )
            direct, through = statistics.median(direct_rps), statistics.median(gateway_rps)
            print(f"GET {path}  ({requests} requests x {rounds} rounds, concurrency {concurrency}, medians)")
            print(f"  direct to dogs      : {direct:8.1f} req/s")
            print(f"  through the gateway : {through:8.1f} req/s")
            print(f"  gateway/direct      : {through / direct:8.2f}   (goal >= 0.70)")

        slowest_all, dossier_all, ratios = [], [], []
        for _ in range(rounds * 10):
            singles = await asyncio.gather(
                *(
                    timed(client, f"http://127.0.0.1:{PORTS[s]}/v1/dossiers/citizens/{person}", direct_headers(s))
                    for s in SOURCES
                )
            )
            dossier = await timed(client, f"{gateway}/api/v1/citizens/{person}/dossier", {"X-API-Key": "dev-key"})
            slowest_all.append(max(singles))
            dossier_all.append(dossier)
            ratios.append(dossier / max(singles))
    print(f"citizen dossier  ({len(ratios)} samples, medians)")
    print(f"  slowest source alone: {statistics.median(slowest_all) * 1000:8.1f} ms")
    print(f"  dossier via gateway : {statistics.median(dossier_all) * 1000:8.1f} ms")
    print(f"  dossier/slowest     : {statistics.median(ratios):8.2f}   (goal <= 1.30)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        processes = [start(name, Path(tmp)) for name in (*SOURCES, "gateway")]
        try:
            asyncio.run(main(args.requests, args.concurrency, args.rounds))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=10)
