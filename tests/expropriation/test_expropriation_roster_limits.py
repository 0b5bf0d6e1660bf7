"""Roster files that would stall the service are refused within limits, and read off the event loop (issue 30).

A 422 KiB XLSX unpacking to 3 million rows, or a 303 KiB one holding a 300 MB cell, used to be opened on the event
loop with no limit: every other client waited for minutes. The hostile files are made here, by openpyxl and zipfile.
"""

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from expropriation_files import caseworker_rows, new_project, roster_csv, xlsx_with_sheet, xml_row
from fastapi.testclient import TestClient
from testkit import DatabaseFactory, ServiceProcess, identity_headers

from expropriation.main import create_app
from expropriation.settings import ExpropriationSettings
from qz_common.settings import PlatformSettings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READ_TIMEOUT_S = 1


def upload(name: str, content: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, content, XLSX if name.endswith(".xlsx") else "text/csv")}


def refusal(response: httpx.Response) -> tuple[int, str, str, object]:
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.status_code, body["code"], body["field"], body.get("limit")


def caseworker_sheet_rows() -> list[bytes]:
    """Household 007 (tests/expropriation/test_expropriation_exchange.py) as the rows of a sheet's XML."""
    return [xml_row([str(cell) for cell in row], number) for number, row in enumerate(caseworker_rows(), 1)]


# --- against the service as it runs: a real process -----------------------------------------------------------------


@pytest.fixture(scope="module")
def service(database_factory: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    log = tmp_path_factory.mktemp("roster-limits") / "expropriation.log"
    process = ServiceProcess("expropriation", database_factory.create("expropriation"), log)
    with pytest.MonkeyPatch.context() as environment:  # the process reads its settings when it starts
        environment.setenv("EXPROPRIATION_ROSTER_READ_TIMEOUT_S", str(READ_TIMEOUT_S))
        process.start()
    yield process
    process.stop()


@pytest.fixture
def caseworker(service: ServiceProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=service.url, headers=identity_headers("expropriation"), timeout=30) as client:
        yield client


def test_zip_bombs_are_refused_from_their_declared_sizes_before_anything_is_unpacked(caseworker: httpx.Client) -> None:
    project_id = new_project(caseworker)
    rows = xlsx_with_sheet(itertools.repeat(xml_row(["1"]) * 10_000, 300))  # 3 million rows
    cell = b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    one_cell = xlsx_with_sheet([cell, *itertools.repeat(b"A" * 2**20, 300), b"</t></is></c></row>"])  # 300 MB
    assert len(rows) < 430 * 1024 and len(one_cell) < 310 * 1024
    for bomb in (rows, one_cell):
        r = caseworker.post(f"/v1/projects/{project_id}/roster", files=upload("花名册.xlsx", bomb))
        # the code names the check on the archive's declared sizes: no row was parsed
        assert refusal(r) == (422, "xlsx_compression_ratio", "file", 100)
    assert caseworker.get(f"/v1/projects/{project_id}/households").json()["total"] == 0


def in_flight(client: httpx.Client) -> float:
    exposition = client.get("/metrics").text
    return float(next(line.split()[1] for line in exposition.splitlines() if line.startswith("qz_http_requests_in")))


def test_other_clients_are_answered_while_a_roster_is_read(caseworker: httpx.Client, service: ServiceProcess) -> None:
    """A file within every size limit that takes long to read (100,000 rows of 40 MB of XML) is read in a worker
    thread: another client's request is answered while it is being read, and the reading stops at the deadline."""
    project_id = new_project(caseworker)
    rows = (xml_row([f"{n:06d}", "member", f"户主{n}", f"张{n}", f"3308021985{n:08d}"] * 2) for n in range(100_000))
    slow = xlsx_with_sheet(rows)
    other = httpx.Client(base_url=service.url, headers=identity_headers("expropriation", client_id="other"))
    with ThreadPoolExecutor(max_workers=1) as background, other:
        reading = background.submit(
            caseworker.post, f"/v1/projects/{project_id}/roster", files=upload("花名册.xlsx", slow)
        )
        while in_flight(other) < 2:  # this request and the upload: the service has begun with the file
            assert not reading.done(), reading.result().text
        answered = other.get(f"/v1/projects/{project_id}")
        assert answered.status_code == 200 and not reading.done()
        assert refusal(reading.result()) == (413, "roster_read_timeout", "file", READ_TIMEOUT_S)


# --- each limit, in process -----------------------------------------------------------------------------------------


@pytest.fixture
def limited(expropriation_settings: ExpropriationSettings) -> Iterator[TestClient]:
    """The service with small limits: 8 rows, 1 MiB unpacked."""
    limits = {"max_roster_rows": 8, "max_xlsx_unpacked_bytes": 2**20}
    app = create_app(expropriation_settings.model_copy(update=limits), PlatformSettings(dev_mode=True))
    with TestClient(app, headers=identity_headers("expropriation")) as test_client:
        yield test_client


def test_an_xlsx_unpacking_beyond_the_limit_is_refused_before_it_is_read(limited: TestClient) -> None:
    varied = (xml_row([f"{n:08d}", f"户主{n}", f"3308021985{n:08d}"]) for n in range(30_000))  # 3 MB, 5:1
    r = limited.post(f"/v1/projects/{new_project(limited)}/roster", files=upload("a.xlsx", xlsx_with_sheet(varied)))
    assert refusal(r) == (413, "xlsx_too_large", "file", 2**20)


@pytest.mark.parametrize("name", ["花名册.csv", "花名册.xlsx"])
def test_rows_beyond_the_limit_are_refused_and_trailing_blank_rows_do_not_count(limited: TestClient, name: str) -> None:
    def content(rows: list[list[object]]) -> bytes:
        if name.endswith(".csv"):
            return roster_csv(rows)
        return xlsx_with_sheet(xml_row([str(cell) for cell in row], n) for n, row in enumerate(rows, 1))

    project_id = new_project(limited)
    rows = caseworker_rows()  # 6 rows
    blank: list[list[object]] = [[""]]
    too_many = rows[:3] + blank * 3 + rows[3:]  # blank rows between rows count: errors name the file's row numbers
    r = limited.post(f"/v1/projects/{project_id}/roster", files=upload(name, content(too_many)))
    assert refusal(r) == (413, "roster_too_many_rows", "file", 8)
    r = limited.post(f"/v1/projects/{project_id}/roster", files=upload(name, content(rows + blank * 1000)))
    assert r.status_code == 201, r.text


def test_a_cell_longer_than_the_csv_limit_is_refused_in_either_format(client: TestClient) -> None:
    project_id = new_project(client)
    rows = caseworker_rows()
    rows[3][list(rows[0]).index("姓名")] = "张" * 131_073  # one more than the csv module reads in a field
    csv_file = roster_csv(rows)
    sheet = xlsx_with_sheet(xml_row([str(cell) for cell in row], n) for n, row in enumerate(rows, 1))
    for name, content in (("花名册.csv", csv_file), ("花名册.xlsx", sheet)):
        r = client.post(f"/v1/projects/{project_id}/roster", files=upload(name, content))
        assert refusal(r) == (422, "roster_cell_too_large", "file", 131_072)
        assert "第 4 行" in r.json()["detail"]


def test_a_header_wider_than_the_limit_is_refused(client: TestClient) -> None:
    rows = caseworker_rows()
    rows[0] += [f"备注{n}" for n in range(257 - len(rows[0]))]
    r = client.post(f"/v1/projects/{new_project(client)}/roster", files=upload("a.csv", roster_csv(rows)))
    assert refusal(r) == (422, "roster_too_wide", "file", 256)


def test_a_sheet_is_read_as_it_is_not_as_its_declared_dimension(client: TestClient) -> None:
    """A sheet declaring every cell of Excel's grid (A1:XFD1048576), with a formatted row at the very end, is the six
    rows it holds: a reader trusting the declaration padded every row to 16,384 cells and read a million rows."""
    sheet = [*caseworker_sheet_rows(), b'<row r="1048576" ht="20" customHeight="1"/>']
    content = xlsx_with_sheet(sheet, dimension="A1:XFD1048576")
    r = client.post(f"/v1/projects/{new_project(client)}/roster", files=upload("花名册.xlsx", content))
    assert (r.status_code, r.json()) == (201, {"created": 1, "households": ["007"]})


@pytest.mark.parametrize(
    "sheet",
    [
        pytest.param([b'<row r="1048577"><c t="inlineStr"><is><t>x</t></is></c></row>'], id="row beyond Excel's"),
        pytest.param([b'<row r="1"><c t="inlineStr"><is><t>x</t></is>'], id="not well-formed"),
        pytest.param([b'<row r="x"/>'], id="row number not a number"),
    ],
)
def test_a_malformed_sheet_is_refused(client: TestClient, sheet: list[bytes]) -> None:
    content = xlsx_with_sheet([*caseworker_sheet_rows(), *sheet])
    r = client.post(f"/v1/projects/{new_project(client)}/roster", files=upload("花名册.xlsx", content))
    assert refusal(r) == (422, "xlsx_invalid", "file", None)
