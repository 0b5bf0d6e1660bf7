"""Instructions per request, counted by valgrind: an A/B measure this noisy machine cannot blur.

    .venv/bin/python tools/instructions.py quote|read [--requests 200]

Requests per second move by ±20% between runs here, so a change worth 5% cannot be seen in them; the CPU time of a
process moves almost as much. Counted on an otherwise quiet machine, instructions barely move (±0.5% between runs
of the same code: random ids and the clock still vary); the one count taken while other benchmarks ran beside it,
the first after a fresh install too, read 6–7% high, so count with nothing else running. Under
``valgrind --tool=callgrind`` this script runs itself twice. Each run builds the service's app in-process (temporary
SQLite, migrations applied, the read's rows seeded) and drives it over raw ASGI, with no server and no socket: once
with no measured requests and once with ``--requests``. The difference, over the requests, is one request's
instructions; start-up and seeding cancel out.

* ``quote``: expropriation ``POST /v1/quotes``, the body ``./dev bench`` sends;
* ``read``: dogs ``GET /v1/vaccinations?limit=1`` over the rows ``./dev bench`` seeds.

Instructions are not time (a cache miss costs more than an add, and the server and socket are left out), so this
is a companion to ``./dev bench`` for comparing two versions of the code, not a replacement for it. Needs valgrind
(``apt-get install valgrind``); a count takes about five minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from bench import SEEDED_VACCINATIONS, households, identity, vaccination

from qz_common.migrations import upgrade

WARM_UP = 20  # requests before the measured ones, in both runs: first-call caches and lazy imports


@dataclass(frozen=True)
class Target:
    package: str
    method: str
    path: str
    body: bytes = b""
    seed_path: str = ""  # where ./dev bench's vaccinations are POSTed before measuring (the read's rows)


def _targets() -> dict[str, Target]:
    quote = json.dumps(households(2)[1][1]).encode()
    return {
        "quote": Target("expropriation", "POST", "/v1/quotes", quote),
        "read": Target("dogs", "GET", "/v1/vaccinations?limit=1", seed_path="/v1/vaccinations"),
    }


def _app(package: str, workdir: str) -> Any:
    """The service's app in development mode, on a fresh SQLite database in ``workdir`` with its migrations applied."""
    database_url = f"sqlite:///{workdir}/{package}.db"
    os.environ |= {"QZ_DEV_MODE": "true", "QZ_LOG_LEVEL": "WARNING", f"{package.upper()}_DATABASE_URL": database_url}
    upgrade(package, database_url)
    return importlib.import_module(f"{package}.main").create_app()


async def _drive(app: Any, target: Target, requests: int) -> None:
    headers = [(k.lower().encode(), v.encode()) for k, v in identity(target.package)().items()]

    async def call(method: str, target_path: str, body: bytes) -> int:
        path, _, query = target_path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [*headers, (b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        statuses: list[int] = []

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop()
            await asyncio.Event().wait()  # the client stays connected until the answer is sent
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await app(scope, receive, send)
        return statuses[0]

    if target.seed_path:
        for n in range(SEEDED_VACCINATIONS):
            created = await call("POST", target.seed_path, json.dumps(vaccination(n)).encode())
            assert created == 201, f"seeding answered {created}"
    for _ in range(WARM_UP):
        status = await call(target.method, target.path, target.body)
        assert status == 200, f"{target.method} {target.path} answered {status}"
    for _ in range(requests):
        await call(target.method, target.path, target.body)


def _counted(target_name: str, requests: int) -> int:
    run = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            target_name,
            "--child",
            str(requests),
        ],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONHASHSEED": "0"},  # the same hashes, so the same dict and set work, in every run
    )
    collected = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or collected is None:
        raise SystemExit(f"the run under valgrind failed:\n{run.stderr[-3000:]}")
    return int(collected.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=("quote", "read"))
    parser.add_argument("--requests", type=int, default=200, help="measured requests (default 200)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)  # the run under valgrind: requests to drive
    args = parser.parse_args()
    target = _targets()[args.target]
    if args.child is not None:
        with tempfile.TemporaryDirectory(prefix="qz-instructions-") as workdir:
            asyncio.run(_drive(_app(target.package, workdir), target, args.child))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    per_request = (_counted(args.target, args.requests) - _counted(args.target, 0)) / args.requests
    print(f"{target.method} {target.path}: {per_request:,.0f} instructions per request ({args.requests} requests)")


if __name__ == "__main__":
    main()
