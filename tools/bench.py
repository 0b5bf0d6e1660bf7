"""``./dev bench``: every ratio of issue 16, measured side by side in one run on this machine.

    ./dev bench [--seconds 3] [--rounds 3] [--households 1000] [--loader auto|wrk|python]

Starts, as real processes on free ports: a bare FastAPI echo app (tools/bench_echo.py: same uvicorn, no middleware,
no database), the dogs, expropriation and medinsurance services on temporary SQLite files, the gateway in front of
them, and, when ``TEST_DATABASE_URL`` names a PostgreSQL server, a second dogs service on a fresh database there.
Then it drives them with wrk (one thread, 16 connections) when wrk is installed, else with a small Python keep-alive
load generator (it says which), and prints:

* one-row read (dogs ``GET /v1/vaccinations?limit=1``) / echo GET, on SQLite and PostgreSQL;
* stateless quote (expropriation ``POST /v1/quotes``) / echo POST of the same body;
* gateway / direct for the one-row read and for the quote;
* batch quotes over HTTP (``POST /v1/projects/{id}/batch-quotes``, per household) / single quotes over HTTP;
* citizen dossier latency / its slowest source called directly;
* reported beside them, with no goal: an impact over a project of ``--impact-households`` (``POST
  /v1/projects/{id}/impact``, each household quoted twice), per household, and a single quote over HTTP.

Every throughput target is measured once per round, round-robin, so all of them see the same machine load; the
figures are medians over the rounds. Nothing here asserts a time: this prints measurements, it does not test.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
import httpx
from sqlalchemy.engine import make_url
from stdnum.cn import ric

from expropriation.exchange.roster import ROSTER_COLUMNS
from qz_common.identity import IDENTITY_HEADER, mint_token
from qz_common.settings import DEV_SIGNING_KEY

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
WRK_TIMEOUT_S = 10
DEV_KEY = {"X-API-Key": "dev-key"}
DISTRICT = "柯城区"
DOSSIER_SOURCES = ("dogs", "expropriation", "medinsurance")
SEEDED_VACCINATIONS = 50  # a default page's worth, so the one-row read pages through a real table


# --- processes -----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start(name: str, command: list[str], env: dict[str, str], workdir: Path, health: str = "/healthz") -> Server:
    port = free_port()
    log = workdir / f"{name}.log"
    with log.open("ab") as out:
        process = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=out, stderr=out, cwd=ROOT)
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(server.url + health, timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"{name} did not start:\n{log.read_text(errors='replace')[-3000:]}")


def start_deployable(name: str, package: str, database_url: str, upstreams: dict[str, str], workdir: Path) -> Server:
    env = {
        **os.environ,
        "QZ_DEV_MODE": "true",
        "QZ_LOG_LEVEL": "WARNING",
        f"{package.upper()}_DATABASE_URL": database_url,
        "GATEWAY_SERVICE_URLS": "{" + ", ".join(f'"{s}": "{u}"' for s, u in upstreams.items()) + "}",
        "GATEWAY_RATE_LIMIT_PER_S": "1000000",
        "GATEWAY_RATE_LIMIT_BURST": "1000000",
        # The batch is measured as the one synchronous request it is up to this threshold, not as a background job.
        "EXPROPRIATION_BATCH_JOB_THRESHOLD": "1000000",
    }
    # -P: the repository root must not shadow the installed packages (gateway/ is both a folder and a package).
    return start(name, [sys.executable, "-P", "-m", "qz_common.serve", package], env, workdir)


@contextmanager
def postgres_database(server_url: str | None) -> Iterator[str | None]:
    """A fresh, uniquely named database on the server of ``TEST_DATABASE_URL``, dropped afterwards."""
    if not server_url:
        yield None
        return
    name = f"qz_bench_dogs_{uuid.uuid4().hex[:8]}"
    admin = make_url(server_url).set(drivername="postgresql")

    async def execute(statement: str) -> None:
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- load generators -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    headers: Callable[[], dict[str, str]]  # called before every run: identity tokens live 60 s
    body: bytes | None = None  # a JSON body makes it a POST

    @property
    def method(self) -> str:
        return "GET" if self.body is None else "POST"


class Loader(Protocol):
    description: str

    def rate(self, target: Target, seconds: int) -> float:
        """Successful requests per second over ``seconds``; any non-2xx answer is an error."""


class Wrk:
    description = f"wrk (C load generator, 1 thread, {CONNECTIONS} connections)"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def rate(self, target: Target, seconds: int) -> float:
        # wrk's default timeout (2 s) counts a slow answer as a socket error. On a shared 2-core machine a read can
        # wait that long behind the others and still be answered (up to 3.4 s before the connection pool served
        # waiters in order, docs/PERFORMANCE.md): it counts as throughput; no answer within 10 s aborts the run.
        command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", f"{WRK_TIMEOUT_S}s"]
        for name, value in target.headers().items():
            command += ["-H", f"{name}: {value}"]
        if target.body is not None:
            body = self.workdir / f"{abs(hash(target.label))}.json"
            body.write_bytes(target.body)
            script = body.with_suffix(".lua")
            script.write_text(
                'wrk.method = "POST"\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
                f'local f = io.open("{body}", "rb")\nwrk.body = f:read("*a")\nf:close()\n'
            )
            command += ["-s", str(script)]
        out = subprocess.run([*command, target.url], capture_output=True, text=True, check=True).stdout
        if failed := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
            raise RuntimeError(f"{target.label}: {failed.group(1)} failed requests\n{out}")
        if errors := re.search(r"Socket errors: .*", out):
            raise RuntimeError(f"{target.label}: {errors.group(0)}\n{out}")
        found = re.search(r"Requests/sec:\s+([\d.]+)", out)
        if found is None:
            raise RuntimeError(f"{target.label}: unexpected wrk output\n{out}")
        return float(found.group(1))


class PythonLoad:
    """Keep-alive HTTP/1.1 over raw asyncio streams: far cheaper than an HTTP client library, dearer than wrk."""

    description = f"Python asyncio load generator ({CONNECTIONS} keep-alive connections)"

    def rate(self, target: Target, seconds: int) -> float:
        return asyncio.run(self._rate(target, seconds))

    async def _rate(self, target: Target, seconds: int) -> float:
        url = httpx.URL(target.url)
        lines = [f"{target.method} {url.raw_path.decode()} HTTP/1.1", f"Host: {url.host}:{url.port}"]
        lines += [f"{name}: {value}" for name, value in target.headers().items()]
        body = target.body or b""
        if target.body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        counts = await asyncio.gather(
            *(self._connection(url.host, url.port or 80, request, deadline) for _ in range(CONNECTIONS))
        )
        return sum(counts) / (time.perf_counter() - started)

    @staticmethod
    async def _connection(host: str, port: int, request: bytes, deadline: float) -> int:
        reader, writer = await asyncio.open_connection(host, port)
        done = 0
        try:
            while time.perf_counter() < deadline:
                writer.write(request)
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
                status = int(head[9:12])
                if length := re.search(r"\r\ncontent-length: *(\d+)", head):
                    await reader.readexactly(int(length.group(1)))
                else:  # chunked
                    while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                        await reader.readexactly(size + 2)
                    await reader.readuntil(b"\r\n")
                if not 200 <= status < 300:
                    raise RuntimeError(f"HTTP {status} from {host}:{port}")
                done += 1
        finally:
            writer.close()
        return done


# --- data ----------------------------------------------------------------------------------------------------------


def id_number(n: int) -> str:
    born = dt.date(1986, 1, 1) + dt.timedelta(days=n // 900)
    body = f"330802{born:%Y%m%d}{n % 900 + 1:03d}"
    return body + ric.calc_check_digit(body + "0")


PERSON = id_number(0)  # the citizen whose dossier is fetched: owner of the seeded vaccinations


def identity(service: str) -> Callable[[], dict[str, str]]:
    def headers() -> dict[str, str]:
        token = mint_token(DEV_SIGNING_KEY, audience=service, client_id="bench", scopes=[f"{service}:*"])
        return {IDENTITY_HEADER: token}

    return headers


def vaccination(n: int) -> dict[str, Any]:
    return {
        "owner_name": f"养犬人{n}",
        "owner_phone": "13800001234",
        "owner_id_number": PERSON,
        "breed": "柴犬",
        "address": "柯城区某路1号",
        "district": DISTRICT,
        "coat_colour": "黄",
        "sex": "male",
        "vaccine_name": "狂犬病疫苗",
        "vaccinated_on": "2023-03-01",
        "batch_number": f"B{n}",
        "next_due_on": "2024-03-01",
        "immunisation_point": "柯城区动物防疫站",
    }


PROJECT = {
    "name": "bench",
    "district": DISTRICT,
    "village": "基准村",
    "pre_announcement_date": "2023-06-01",
    "signing_deadline": "2023-09-30",
    "valuation_date": "2023-07-01",
    "appraised_price_per_m2": "3000",
    "market_price_per_m2": "9000",
}
METHODS = ("monetary", "house_voucher", "property_swap", "monetary")
STRUCTURES = ("frame", "brick_concrete", "brick_wood", "other")


def households(count: int) -> tuple[str, list[dict[str, Any]]]:
    """A roster CSV of ``count`` households (1–4 members, one building, the four methods in turn) and, for each,
    the same facts as a single ``POST /v1/quotes`` body."""
    out = io.StringIO()
    roster = csv.DictWriter(out, fieldnames=ROSTER_COLUMNS)
    roster.writeheader()
    quotes: list[dict[str, Any]] = []
    person = 0
    for h in range(count):
        ref, method, flat = f"{h + 1:05d}", METHODS[h % 4], str(110 + 50 * (h % 4))
        members = []
        for k in range(1 + h % 4):
            person += 1
            members.append({"name": f"成员{person}", "id_number": id_number(person), "collective_member": True})
            row = {"household_ref": ref, "record": "member", **members[-1], "collective_member": "true"}
            if k == 0:
                row |= {"head_name": members[-1]["name"], "method": method, "flat_area_m2": flat}
            roster.writerow(row)
        building = {
            "use": "residential",
            "structure": STRUCTURES[h % 4],
            "legal_area_m2": str(90 + h % 150),
            "built_year": 1980 + h % 43,
        }
        roster.writerow({"household_ref": ref, "record": "building", **building})
        facts = {k: v for k, v in PROJECT.items() if k not in {"name", "village"}}
        quotes.append({**facts, "method": method, "members": members, "buildings": [building], "flat_area_m2": flat})
    return out.getvalue(), quotes


def seed(dogs: list[Server], expropriation: Server, household_count: int) -> tuple[int, dict[str, Any]]:
    """Vaccinations in every dogs service, one project of households; returns its id and a single-quote body."""
    with httpx.Client(timeout=120) as client:
        for server in dogs:
            for n in range(SEEDED_VACCINATIONS):
                created = client.post(f"{server.url}/v1/vaccinations", json=vaccination(n), headers=identity("dogs")())
                created.raise_for_status()
        headers = identity("expropriation")()
        project = client.post(f"{expropriation.url}/v1/projects", json=PROJECT, headers=headers)
        project.raise_for_status()
        project_id = int(project.json()["id"])
        roster, quotes = households(household_count)
        imported = client.post(
            f"{expropriation.url}/v1/projects/{project_id}/roster",
            files={"file": ("roster.csv", roster.encode(), "text/csv")},
            headers=headers,
        )
        imported.raise_for_status()
    return project_id, quotes[1]  # two members, one brick-concrete building, 房票: a typical household


# --- measurements --------------------------------------------------------------------------------------------------


def throughputs(loader: Loader, targets: list[Target], seconds: int, rounds: int) -> dict[str, float]:
    for target in targets:  # warm-up: connection pools, parameter caches, first-import costs
        loader.rate(target, 1)
    samples: dict[str, list[float]] = {t.label: [] for t in targets}
    for _ in range(rounds):
        for target in targets:
            samples[target.label].append(loader.rate(target, seconds))
    return {label: statistics.median(rates) for label, rates in samples.items()}


def per_household_rate(
    server: Server, path: str, repeats: int, counted: str, body: dict[str, Any] | None = None
) -> tuple[int, float]:
    """Households per second by one request over a whole project (median of ``repeats`` after a warm-up): the
    answer's ``counted`` field says how many it handled."""
    elapsed: list[float] = []
    handled = 0
    with httpx.Client(timeout=600) as client:
        for _ in range(repeats + 1):
            started = time.perf_counter()
            response = client.post(f"{server.url}{path}", json=body, headers=identity("expropriation")())
            elapsed.append(time.perf_counter() - started)
            response.raise_for_status()
            handled = int(response.json()[counted])
    return handled, handled / statistics.median(elapsed[1:])


# The impact measured: 柯城区's 签约腾空 reward at 300 instead of its 400 placeholder (issue 31's example).
IMPACT_SCENARIO = {"parameters": {"district_kecheng.early_vacate_rate_per_m2": "300"}}


async def dossier_latencies(services: dict[str, Server], gateway: Server, samples: int) -> tuple[float, float]:
    """Median latency of the slowest source called directly (all sources at once, as the gateway does), and of the
    citizen dossier through the gateway, sampled alternately."""

    async def timed(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> float:
        started = time.perf_counter()
        (await client.get(url, headers=headers)).raise_for_status()
        return time.perf_counter() - started

    slowest, dossier = [], []
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(samples + 1):  # the first pair warms up
            sources = await asyncio.gather(
                *(
                    timed(client, f"{services[s].url}/v1/dossiers/citizens/{PERSON}", identity(s)())
                    for s in DOSSIER_SOURCES
                )
            )
            slowest.append(max(sources))
            dossier.append(await timed(client, f"{gateway.url}/api/v1/citizens/{PERSON}/dossier", DEV_KEY))
    return statistics.median(slowest[1:]), statistics.median(dossier[1:])


# --- report --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    label: str
    value: float
    goal: float
    at_most: bool = False  # the dossier's goal is an upper bound

    def line(self) -> str:
        met = self.value <= self.goal if self.at_most else self.value >= self.goal
        goal = f"{'<=' if self.at_most else '>='} {self.goal:g}"
        return f"  {self.label:<52} {self.value:7.2f}   goal {goal:<8} {'met' if met else 'NOT MET'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=3, help="length of each throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="round-robin rounds (medians are reported)")
    parser.add_argument("--households", type=int, default=1000, help="households in the batch-quoted project")
    parser.add_argument("--impact-households", type=int, default=2000, help="households in the project of the impact")
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    server_url = os.environ.get("TEST_DATABASE_URL")

    with tempfile.TemporaryDirectory(prefix="qz-bench-") as tmp, postgres_database(server_url) as pg_url:
        workdir = Path(tmp)
        use_wrk = args.loader == "wrk" or (args.loader == "auto" and shutil.which("wrk"))
        loader: Loader = Wrk(workdir) if use_wrk else PythonLoad()
        servers: list[Server] = []
        try:
            echo = start(
                "echo",
                [sys.executable, "-P", str(ROOT / "tools" / "bench_echo.py")],
                dict(os.environ),
                workdir,
                "/echo",
            )
            servers.append(echo)
            services: dict[str, Server] = {}
            for name in DOSSIER_SOURCES:
                services[name] = start_deployable(name, name, f"sqlite:///{workdir / name}.db", {}, workdir)
                servers.append(services[name])
            upstreams = {name: server.url for name, server in services.items()}
            gateway = start_deployable("gateway", "gateway", f"sqlite:///{workdir}/gateway.db", upstreams, workdir)
            servers.append(gateway)
            dogs_pg = start_deployable("dogs-pg", "dogs", pg_url, {}, workdir) if pg_url else None
            if dogs_pg:
                servers.append(dogs_pg)

            project_id, quote_body = seed(
                [services["dogs"], *([dogs_pg] if dogs_pg else [])], services["expropriation"], args.households
            )
            body = httpx.Request("POST", "/", json=quote_body).content
            read = "/v1/vaccinations?limit=1"
            targets = [
                Target("echo GET", f"{echo.url}/echo", dict),
                Target("echo POST (the quote's body)", f"{echo.url}/echo", dict, body),
                Target("one-row read, SQLite, direct", services["dogs"].url + read, identity("dogs")),
                Target("one-row read, SQLite, via gateway", f"{gateway.url}/api/dogs{read}", DEV_KEY.copy),
                Target("quote, direct", f"{services['expropriation'].url}/v1/quotes", identity("expropriation"), body),
                Target("quote, via gateway", f"{gateway.url}/api/expropriation/v1/quotes", DEV_KEY.copy, body),
            ]
            if dogs_pg:
                targets.append(Target("one-row read, PostgreSQL, direct", dogs_pg.url + read, identity("dogs")))
            why = " (wrk is not installed: apt-get install wrk)" if not use_wrk and args.loader == "auto" else ""
            print(f"load: {loader.description}{why}; {args.rounds} rounds of {args.seconds} s per target, medians")
            print(f"databases: SQLite{' and PostgreSQL' if dogs_pg else ' (set TEST_DATABASE_URL to add PostgreSQL)'}")
            rates = throughputs(loader, targets, args.seconds, args.rounds)
            expropriation = services["expropriation"]
            batch_path = f"/v1/projects/{project_id}/batch-quotes"
            quoted, batch = per_household_rate(expropriation, batch_path, args.rounds, "quoted")
            impact_project, _body = seed([], expropriation, args.impact_households)
            impact_path = f"/v1/projects/{impact_project}/impact"
            recomputed, impact = per_household_rate(expropriation, impact_path, args.rounds, "records", IMPACT_SCENARIO)
            slowest, dossier = asyncio.run(dossier_latencies(services, gateway, args.rounds * 10))
        finally:
            for server in servers:
                server.process.terminate()
            for server in servers:
                server.process.wait(timeout=15)

    print()
    for label, rate in rates.items():
        print(f"  {label:<52} {rate:9,.0f} req/s")
    print(f"  {f'batch quotes ({quoted} households per request)':<52} {batch:9,.0f} quotes/s")
    print(f"  {f'impact ({recomputed} households per request, each twice)':<52} {impact:9,.0f} households/s")
    print(f"  {'citizen dossier, slowest source alone':<52} {slowest * 1000:9.1f} ms")
    print(f"  {'citizen dossier via gateway':<52} {dossier * 1000:9.1f} ms")
    ratios = [
        Ratio("one-row read / echo GET (SQLite)", rates["one-row read, SQLite, direct"] / rates["echo GET"], 0.15),
    ]
    if "one-row read, PostgreSQL, direct" in rates:
        pg = rates["one-row read, PostgreSQL, direct"] / rates["echo GET"]
        ratios.append(Ratio("one-row read / echo GET (PostgreSQL)", pg, 0.15))
    ratios += [
        Ratio(
            "quote / echo POST of the same body", rates["quote, direct"] / rates["echo POST (the quote's body)"], 0.40
        ),
        Ratio(
            "gateway / direct, one-row read",
            rates["one-row read, SQLite, via gateway"] / rates["one-row read, SQLite, direct"],
            0.85,
        ),
        Ratio("gateway / direct, quote", rates["quote, via gateway"] / rates["quote, direct"], 0.70),
        Ratio("batch quotes / single quotes, per quote, over HTTP", batch / rates["quote, direct"], 20),
        Ratio("dossier latency / slowest source", dossier / slowest, 1.2, at_most=True),
    ]
    print()
    for ratio in ratios:
        print(ratio.line())
    # Reported, with no goal (issue 31): what a household costs in an impact beside one quote over HTTP.
    single_us, impact_us = 1e6 / rates["quote, direct"], 1e6 / impact
    print(f"  impact per household {impact_us:,.0f} µs beside a single quote over HTTP {single_us:,.0f} µs")


if __name__ == "__main__":
    main()
