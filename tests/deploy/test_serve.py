"""python -m qz_common.serve as replicas start it: migrations taken in turn, several workers per host."""

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from testkit import DatabaseFactory, free_port

from qz_common.db import async_url


def _versions(url: str) -> list[str]:
    async def read() -> list[str]:
        engine = create_async_engine(async_url(url))
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        await engine.dispose()
        return list(rows)

    return asyncio.run(read())


def _serve(package: str, *args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-P", "-m", "qz_common.serve", package, *args],
        env={**os.environ, "QZ_DEV_MODE": "true", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


# PostgreSQL only: the lock proven is pg_advisory_xact_lock itself. On SQLite (one host) serve migrates once, before
# its --workers start, so no two migrations ever meet.
@pytest.mark.postgres_only
def test_three_replicas_migrating_one_empty_database_at_once_all_succeed(database_factory: DatabaseFactory) -> None:
    url = database_factory.create("expropriation", migrate=False)
    starts = [_serve("expropriation", "--migrate-only", env={"EXPROPRIATION_DATABASE_URL": url}) for _ in range(3)]
    outcomes = [(p.wait(timeout=120), p.stdout.read().decode() if p.stdout else "") for p in starts]
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
    assert len(_versions(url)) == 1  # one head, applied once


def test_workers_serve_from_several_processes(database_factory: DatabaseFactory, tmp_path: Path) -> None:
    url = database_factory.create("science")
    port = free_port()
    server = _serve("science", "--port", str(port), "--workers", "2", env={"SCIENCE_DATABASE_URL": url})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert server.poll() is None, "server exited"
                time.sleep(0.2)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        workers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        assert len(workers) == 2, children
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_migrate_only_needs_no_port_and_serving_does(tmp_path: Path) -> None:
    refused = subprocess.run(
        [sys.executable, "-P", "-m", "qz_common.serve", "dogs"], capture_output=True, text=True, check=False
    )
    assert refused.returncode == 2 and "--port is required" in refused.stderr
    url = f"sqlite:///{tmp_path / 'dogs.db'}"
    migrated = _serve("dogs", "--migrate-only", env={"DOGS_DATABASE_URL": url, "DOGS_PHOTO_DIR": str(tmp_path)})
    assert migrated.wait(timeout=60) == 0
    assert len(_versions(url)) == 1
