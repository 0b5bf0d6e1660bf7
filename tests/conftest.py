from collections.abc import Iterator

import pytest
from testkit import DatabaseFactory, ServiceProcess

SERVICES = ("expropriation", "medinsurance", "science", "dogs")


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory.from_environment(tmp_path_factory.mktemp("sqlite"))
    yield factory
    factory.drop_all()


def pytest_report_header() -> str:
    import os

    target = os.environ.get("TEST_DATABASE_URL") or "testcontainers PostgreSQL if Docker runs, else SQLite"
    return f"test database: {target}"


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    """Tests marked ``postgres_only`` concern a PostgreSQL feature itself (concurrency proofs run on both backends)."""
    if request.node.get_closest_marker("postgres_only") and not request.getfixturevalue("database_factory").is_postgres:
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL or run Docker)")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, database_factory: DatabaseFactory) -> str:
    """Both databases in one run, for invariants proven on each (PostgreSQL when TEST_DATABASE_URL is set or Docker
    runs: `.ci/run` always has it)."""
    if request.param not in database_factory.backends:
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL or run Docker)")
    return str(request.param)


@pytest.fixture(scope="session")
def service_processes(
    database_factory: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ServiceProcess]]:
    """The four services as real processes on databases of their own (behind the gateway in tests/gateway, fuzz)."""
    logs = tmp_path_factory.mktemp("service-logs")
    processes = {name: ServiceProcess(name, database_factory.create(name), logs / f"{name}.log") for name in SERVICES}
    try:
        for process in processes.values():
            process.start()
        yield processes
    finally:
        for process in processes.values():
            process.stop()
