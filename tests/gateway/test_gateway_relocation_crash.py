"""A gateway killed while it opens a relocation case loses nothing: after a restart every case completes, and every
step was done once in its bureau (one agreement, one address change per dog owner, one clinic filing).

The gateway and the four services run as real processes; between the gateway and each bureau stands an
``Interceptor``, a real HTTP hop that stops one call at a step boundary, before the bureau gets it or after the
bureau has acted but before the gateway hears, and keeps it there while the test SIGKILLs the gateway.
"""

import asyncio
import datetime as dt
import itertools
import json
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from relocation_kit import DEV, case_body, clinic_at, enterprise_case_body, household_with_dogs
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from testkit import DatabaseFactory, ServiceProcess, free_port, id_number

from dogs.models import AuditRecord as DogsAuditRecord
from expropriation.models import Agreement
from gateway.models import RelocationCase
from medinsurance.models import RelocationFiling
from qz_common.db import Database

CASES = "/api/v1/cases/relocation"
_BUREAUS_OF_A_CASE = ("expropriation", "dogs", "medinsurance")
# Each test's dog owners are people of their own (the bureaus' databases live for the whole session).
_OWNER_SEQUENCES = itertools.count(100)
# Hop-by-hop and framing headers of the bureau's answer, which the interceptor's own server writes.
_NOT_RELAYED = {"content-length", "transfer-encoding", "connection", "date", "server"}


class Interceptor:
    """A real HTTP hop in front of one bureau, relaying every call; the first POST to ``boundary``'s path is held
    (``before``: never sent on; ``after``: sent, and the bureau's answer kept back) until ``release``."""

    def __init__(self, bureau_url: str) -> None:
        self.bureau_url = bureau_url
        self.boundary: tuple[str, Literal["before", "after"]] | None = None
        self.reached = threading.Event()
        self.released = threading.Event()
        app = Starlette(routes=[Route("/{path:path}", self.relay, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.config.port}"

    def hold(self, path: str, when: Literal["before", "after"]) -> None:
        self.reached.clear()
        self.released.clear()
        self.boundary = (path, when)

    def release(self) -> None:
        self.boundary = None
        self.released.set()

    async def relay(self, request: Request) -> Response:
        held = (
            self.boundary is not None
            and request.method == "POST"
            and request.url.path == self.boundary[0]
            and not self.reached.is_set()
        )
        if held and self.boundary is not None and self.boundary[1] == "before":
            await self._hold()
            return Response(status_code=503)
        async with httpx.AsyncClient(base_url=self.bureau_url, timeout=30) as bureau:
            answer = await bureau.request(
                request.method,
                request.url.path,
                params=request.url.query,
                headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
                content=await request.body(),
            )
        if held:
            await self._hold()
        headers = {k: v for k, v in answer.headers.items() if k.lower() not in _NOT_RELAYED}
        return Response(answer.content, status_code=answer.status_code, headers=headers)

    async def _hold(self) -> None:
        self.reached.set()
        await asyncio.to_thread(self.released.wait)


@pytest.fixture(scope="module")
def interceptors(service_processes: dict[str, ServiceProcess]) -> Iterator[dict[str, Interceptor]]:
    hops = {name: Interceptor(process.url) for name, process in service_processes.items()}
    threads = [threading.Thread(target=hop.server.run, daemon=True) for hop in hops.values()]
    for thread in threads:
        thread.start()
    while not all(hop.server.started for hop in hops.values()):
        time.sleep(0.01)
    yield hops
    for hop in hops.values():
        hop.release()
        hop.server.should_exit = True
    for thread in threads:
        thread.join(5)


@dataclass(frozen=True)
class Boundary:
    service: str
    path: str
    when: Literal["before", "after"]  # the bureau has not yet acted / has acted, unbeknown to the gateway
    kind: Literal["household", "enterprise"] = "household"


BOUNDARIES = {
    "case recorded, agreement not sent": Boundary("expropriation", "/v1/agreements", "before"),
    "agreement signed, unanswered": Boundary("expropriation", "/v1/agreements", "after"),
    "agreement answered, no dog moved": Boundary("dogs", "/v1/address-changes", "before"),
    "first owner's dogs moved, unanswered": Boundary("dogs", "/v1/address-changes", "after"),
    "agreement answered, clinic not filed": Boundary("medinsurance", "/v1/relocation-filings", "before", "enterprise"),
    "clinic filed, unanswered": Boundary("medinsurance", "/v1/relocation-filings", "after", "enterprise"),
}


def _count(database_url: str, query: Select[tuple[int]]) -> int:
    async def run() -> int:
        database = Database(database_url)
        async with database.sessionmaker() as session:
            found = await session.scalar(query)
        await database.dispose()
        return int(found or 0)

    return asyncio.run(run())


def _case_id(gateway_db: str, key: str) -> int:
    """The case the client's key opened (the client never got its answer, so it does not know the id)."""
    return _count(gateway_db, select(RelocationCase.id).where(RelocationCase.idempotency_key == key))


def _start_gateway(
    process: ServiceProcess, interceptors: dict[str, Interceptor], retry_s: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEWAY_SERVICE_URLS", json.dumps({name: hop.url for name, hop in interceptors.items()}))
    monkeypatch.setenv("GATEWAY_RELOCATION_RETRY_S", str(retry_s))
    monkeypatch.setenv("GATEWAY_RATE_LIMIT_PER_S", "1000")
    process.start()


RECOVERIES = ("client retries", "background loop")


def _tried_elsewhere(boundary: Boundary, recovery: str, backend: str, backends: tuple[str, ...]) -> bool:
    """With both databases here, each database takes every boundary and both recoveries, alternating, and each
    (boundary, recovery) pair runs on one of them: the whole product on both took a tenth of the CI budget. With
    SQLite alone every pair runs on it."""
    if len(backends) < 2:
        return False
    turn = list(BOUNDARIES.values()).index(boundary) + backends.index(backend)
    return recovery != RECOVERIES[turn % 2]


@pytest.mark.parametrize("recovery", RECOVERIES)
@pytest.mark.parametrize("boundary", BOUNDARIES.values(), ids=BOUNDARIES.keys())
def test_a_case_whose_gateway_was_killed_at_a_step_boundary_completes_once(
    boundary: Boundary,
    recovery: str,
    backend: str,
    gateway: TestClient,
    interceptors: dict[str, Interceptor],
    service_processes: dict[str, ServiceProcess],
    database_factory: DatabaseFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if _tried_elsewhere(boundary, recovery, backend, database_factory.backends):
        pytest.skip("this boundary and recovery run on the other database")
    owners = [id_number("330802", dt.date(1994, 1, 1), next(_OWNER_SEQUENCES)) for _ in range(2)]
    household_id = household_with_dogs(gateway, owners)  # made through an in-process gateway of its own
    premises = f"柯城区石梁村{uuid.uuid4().hex[:6]}号"
    clinic_id = clinic_at(gateway, premises) if boundary.kind == "enterprise" else None
    body = enterprise_case_body(household_id, premises) if clinic_id else case_body(household_id)
    key = {"Idempotency-Key": f"case-{uuid.uuid4().hex}"}

    gateway_db = database_factory.create("gateway", backend=backend)
    process = ServiceProcess("gateway", gateway_db, tmp_path / "gateway.log")
    _start_gateway(process, interceptors, 3600, monkeypatch)  # its retry loop never runs
    hop = interceptors[boundary.service]
    hop.hold(boundary.path, boundary.when)
    with httpx.Client(base_url=process.url, headers=DEV | key, timeout=60) as client, ThreadPoolExecutor(1) as pool:
        opening: Future[httpx.Response] = pool.submit(client.post, CASES, json=body)
        assert hop.reached.wait(30), f"the gateway never called {boundary.service} {boundary.path}"
        assert process.process is not None
        process.process.send_signal(signal.SIGKILL)
        process.process.wait()
        with pytest.raises(httpx.TransportError):  # the client never gets an answer
            opening.result(30)
    hop.release()

    # Restarted: either the client sends its request again, or nobody does and the background loop finishes it.
    _start_gateway(process, interceptors, 3600 if recovery == "client retries" else 0.2, monkeypatch)
    try:
        with httpx.Client(base_url=process.url, headers=DEV, timeout=60) as client:
            if recovery == "background loop":
                case_url = f"{CASES}/{_case_id(gateway_db, key['Idempotency-Key'])}"
                deadline = time.monotonic() + 30
                while client.get(case_url).json()["status"] != "completed" and time.monotonic() < deadline:
                    time.sleep(0.1)
            retried = client.post(CASES, json=body, headers=key)
    finally:
        process.stop()
    assert retried.status_code == 201, retried.text
    assert retried.headers["Idempotent-Replayed"] == "true"
    view = retried.json()
    assert view["status"] == "completed", view
    assert all(step["status"] == "done" for step in view["steps"]), view
    assert _case_id(gateway_db, key["Idempotency-Key"]) == view["id"]

    assert_done_once(service_processes, gateway, household_id, owners, clinic_id)


def assert_done_once(
    service_processes: dict[str, ServiceProcess],
    gateway: TestClient,
    household_id: int,
    owners: list[str],
    clinic_id: int | None,
) -> None:
    """One agreement; then one clinic filing, or each owner's dog moved once."""
    expropriation, dogs, medinsurance = (service_processes[name].database_url for name in _BUREAUS_OF_A_CASE)
    assert _count(expropriation, select(func.count()).where(Agreement.household_id == household_id)) == 1
    if clinic_id is not None:
        assert _count(medinsurance, select(func.count()).where(RelocationFiling.institution_id == clinic_id)) == 1
        return
    for owner in owners:
        registrations = gateway.get(f"/api/dogs/v1/registrations?owner_id_number={owner}", headers=DEV).json()
        [registration] = registrations["items"]
        assert registration["district"] == "衢江区"
        moves = select(func.count()).where(
            DogsAuditRecord.action == "address_change", DogsAuditRecord.entity_id == str(registration["id"])
        )
        assert _count(dogs, moves) == 1, owner
