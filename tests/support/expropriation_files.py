"""Test data for the expropriation files: a project, and rosters written the way caseworkers write them."""

import asyncio
import csv
import datetime as dt
import io
import time
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import httpx
from expropriation_kit import project
from fastapi.testclient import TestClient
from openpyxl import Workbook
from testkit import id_number

from expropriation.exchange.roster import COLUMNS
from expropriation.settings import ExpropriationSettings
from qz_common.db import Database
from qz_common.pii import KeyRing, use_keyring


def new_project(client: TestClient) -> int:
    return int(project(client)["id"])


def roster_csv(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def roster_rows(records: list[dict[str, str]]) -> list[list[Any]]:
    """A roster with the template's Chinese headers and explanation row, then one row per record."""
    notes = [note for _, note in COLUMNS.values()]
    return [
        [header for header, _ in COLUMNS.values()],
        ["说明：" + notes[0], *notes[1:]],
        *([record.get(column, "") for column in COLUMNS] for record in records),
    ]


def caseworker_rows() -> list[list[Any]]:
    """Household 007 as a caseworker types it: Chinese headers, the explanation row, 是/否, 2023/6/2 dates.

    Two collective members, a 150 m² 砖混 house built in 2000, 货币补偿 (the household whose quote the service
    tests work out by hand: total 531000.00), and a shed built after the pre-announcement (二(一): not compensated).
    """
    people = [
        {"household_ref": "007", "record": "member", "head_name": "张一", "method": "monetary", "name": "张一"}
        | {"id_number": id_number(sequence=1), "collective_member": "是", "is_owner": "是"},
        {"household_ref": "007", "record": "member", "name": "张二", "id_number": id_number(sequence=2)}
        | {"collective_member": "是", "is_owner": "否"},
        {"household_ref": "007", "record": "building", "label": "主屋", "use": "residential"}
        | {"structure": "brick_concrete", "certificate_area_m2": "150", "built_year": "2000", "built": "是"},
        {"household_ref": "007", "record": "building", "label": "预公告后新建棚", "use": "non_residential"}
        | {"structure": "other", "legal_area_m2": "10", "built_year": "2023", "work_kind": "new_build"}
        | {"work_done_on": "2023/6/2"},
    ]
    return roster_rows(people)


def households_roster(count: int) -> bytes:
    """A roster CSV of ``count`` households, 001, 002, …: each one member (born on a day of their own, so that every
    身份证号 differs) and a 150 m² 砖混 house built in 2000."""
    records: list[dict[str, str]] = []
    for n in range(1, count + 1):
        ref = f"{n:03d}"
        born = dt.date(1950, 1, 1) + dt.timedelta(days=n)
        records += [
            {"household_ref": ref, "record": "member", "head_name": f"户主{ref}", "name": f"户主{ref}"}
            | {"id_number": id_number(born=born), "collective_member": "是", "is_owner": "是"},
            {"household_ref": ref, "record": "building", "use": "residential", "structure": "brick_concrete"}
            | {"legal_area_m2": "150", "built_year": "2000"},
        ]
    return roster_csv(roster_rows(records))


def xml_row(cells: Sequence[str], number: int | None = None) -> bytes:
    """One sheet row of inline-string cells, as the XML of an XLSX writes it (``number``: its ``r`` attribute)."""
    texts = "".join(f'<c t="inlineStr"><is><t>{escape(cell)}</t></is></c>' for cell in cells)
    attribute = "" if number is None else f' r="{number}"'
    return f"<row{attribute}>{texts}</row>".encode()


def xlsx_with_sheet(sheet_data: Iterable[bytes], *, dimension: str | None = None) -> bytes:
    """An XLSX workbook made by openpyxl whose first sheet holds the ``<sheetData>`` written from ``sheet_data``.

    The parts are streamed into the archive as they come, so a test can make a file that unpacks to far more than it
    holds (a zip bomb) without holding that much at once."""
    blank = io.BytesIO()
    Workbook().save(blank)
    out = io.BytesIO()
    with zipfile.ZipFile(blank) as made, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for part in made.infolist():
            if part.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(part, made.read(part))
                continue
            with archive.open(part.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                if dimension is not None:
                    sheet.write(f'<dimension ref="{dimension}"/>'.encode())
                sheet.write(b"<sheetData>")
                for chunk in sheet_data:
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def job_ended(client: httpx.Client, location: str, timeout_s: float = 45) -> dict[str, Any]:
    """The job at ``location`` once it has ended (its work runs after the answer), polled for at most ``timeout_s``
    (less than the 60 s an identity token lasts)."""
    deadline = time.monotonic() + timeout_s
    while True:
        r = client.get(location)
        assert r.status_code == 200, r.text
        if r.json()["status"] not in ("queued", "running"):
            return dict(r.json())
        assert time.monotonic() < deadline, f"still {r.json()['status']} after {timeout_s} s: {r.text}"
        time.sleep(0.02)


# The keys a service in development mode seals with: a database opened here reads what the service wrote.
DEV_KEYS = KeyRing.from_settings(ExpropriationSettings(), dev_mode=True)


def on_database(url: str, work: Any) -> Any:
    """Run ``work(database)`` (a coroutine function) on a Database of its own, with the service's keys, as another
    process would."""

    async def run() -> Any:
        database = Database(url)
        use_keyring(database.engine, DEV_KEYS)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(run())
