"""Nothing that names a person is in the expropriation database in clear, after ordinary use, while every answer and
every file still carries it (issue 30, Personal data at rest: 个人信息保护法 第五十一条, 等保2.0 level 3); and migration
0006 seals the rows of the release before it. On SQLite and PostgreSQL.

The database is read as an intruder with a dump would read it: every cell of every table, raw SQL
(``testkit.in_clear``). Only the service's API fills it in the first test, so that test runs against any release.
"""

import datetime as dt
import io
import json
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from expropriation_files import caseworker_rows, job_ended, roster_csv
from expropriation_kit import project, sign
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from testkit import (
    DatabaseFactory,
    PiiKeys,
    id_number,
    identity_headers,
    in_clear,
    reset_tables,
    run_sql,
    write_as_stored,
)

from expropriation.facts.household import HouseholdFacts
from expropriation.main import create_app
from expropriation.models import Base
from expropriation.settings import ExpropriationSettings
from qz_common.clock import today
from qz_common.migrations import downgrade, upgrade
from qz_common.pii import KeyRing
from qz_common.settings import PlatformSettings

# The roster's household 007 (expropriation_files.caseworker_rows): 张一 and 张二, 身份证号 of sequences 1 and 2.
ROSTER_PEOPLE = ["张一", "张二", id_number(sequence=1), id_number(sequence=2)]
# A household registered through the API, then declared, signed for 房票: names no other text here has.
HEAD, SON = "鞠婉秋", "鞠国栋"
HEAD_ID, SON_ID = id_number(sequence=31), id_number(sequence=32)
# A household under a 二(四) dispute: its 情况说明 names the owner and where she went.
MISSING, MISSING_ID = "欧阳明月", id_number(sequence=41)
DISPUTE_DETAIL = f"产权人{MISSING}下落不明，其邻居称其已迁居外省"
CLAWBACK_REASON = "经查张一虚报附房面积五十平方米"
# A 复核 request filed through 浙里办 by that household's member, and its answer: free text naming people.
OBJECTION_GROUNDS = "欧阳明月之女欧阳晓晴另建的附房未计入"
OBJECTION_ANSWER = "经查欧阳晓晴所建附房系临时建筑，维持原测算"
PERSONAL = [
    *ROSTER_PEOPLE,
    *(HEAD, SON, HEAD_ID, SON_ID, MISSING, MISSING_ID),
    *(DISPUTE_DETAIL, CLAWBACK_REASON, OBJECTION_GROUNDS, OBJECTION_ANSWER),
]
HOUSE = {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}


def member(name: str, number: str) -> dict[str, Any]:
    return {"name": name, "id_number": number, "collective_member": True}


@pytest.fixture(scope="module")
def database(database_factory: DatabaseFactory, backend: str) -> str:
    return database_factory.create("expropriation", backend=backend)


@pytest.fixture
def client(database: str) -> Iterator[TestClient]:
    reset_tables(database, Base.metadata)
    # A batch quote of more than one household runs as a job, so that a job's result (every 户主) is stored too.
    settings = ExpropriationSettings(database_url=database, batch_job_threshold=1)
    with TestClient(
        create_app(settings, PlatformSettings(dev_mode=True)), headers=identity_headers("expropriation")
    ) as c:
        yield c


def use_the_service_as_every_day(client: TestClient) -> dict[str, int]:
    """A project, its roster imported, households registered (one retried), declared, quoted, signed, paid, a 房票
    issued, a clawback, a dispute, a batch quote run as a job. Returns the ids the reads below need."""
    project_id = project(client)["id"]
    imported = client.post(
        f"/v1/projects/{project_id}/roster",
        files={"file": ("花名册.csv", roster_csv(caseworker_rows(), "gbk"), "text/csv")},
    )
    assert imported.status_code == 201, imported.text
    roster_household = client.get(f"/v1/projects/{project_id}/households").json()["items"][0]
    body = {"ref": "101", "head_name": HEAD, "method": "house_voucher", "buildings": [HOUSE]}
    body["members"] = [member(HEAD, HEAD_ID), member(SON, SON_ID)]
    first = client.post(f"/v1/projects/{project_id}/households", json=body, headers={"Idempotency-Key": "desk-1-0001"})
    again = client.post(f"/v1/projects/{project_id}/households", json=body, headers={"Idempotency-Key": "desk-1-0001"})
    assert (first.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true"), first.text
    household_id = first.json()["id"]
    declaration = {"declared_on": "2023-06-10", "documents": ["户口簿"], "proofs": ["certificate"]}
    declared = client.post(
        f"/v1/households/{household_id}/declarations",
        json=declaration | {"members": body["members"], "buildings": [HOUSE]},
    )
    assert declared.status_code == 201, declared.text
    assert [p["name"] for p in client.get(f"/v1/households/{household_id}/quote").json()["persons"]] == [HEAD, SON]
    voucher_agreement = sign(client, household_id, method="house_voucher")
    assert voucher_agreement.json()["member_id_numbers"] == [HEAD_ID, SON_ID], voucher_agreement.text
    voucher = client.post(f"/v1/agreements/{voucher_agreement.json()['id']}/voucher", json={"issued_on": "2023-08-10"})
    assert voucher.status_code == 201, voucher.text

    agreement = sign(client, roster_household["id"]).json()
    paid = {"agreement_id": agreement["id"], "item_code": "house_monetary_compensation", "amount": "300000"}
    assert client.post(
        "/v1/payments", json=paid | {"paid_on": "2023-08-20", "reference": "衢柯征付2023-0042"}
    ).is_success
    corrected = {"members": [member("张一", id_number(sequence=1))], "buildings": [HOUSE | {"legal_area_m2": "100"}]}
    clawback = {"agreement_id": agreement["id"], "found_on": "2024-01-10", "reason": CLAWBACK_REASON}
    assert client.post("/v1/clawbacks", json=clawback | {"corrected": corrected}).status_code == 201

    missing = {"ref": "102", "head_name": MISSING, "buildings": [HOUSE], "members": [member(MISSING, MISSING_ID)]}
    missing_id = client.post(f"/v1/projects/{project_id}/households", json=missing).json()["id"]
    dispute = {"household_id": missing_id, "ground": "owner_missing", "detail": DISPUTE_DETAIL}
    assert client.post("/v1/disputes", json=dispute).status_code == 201
    review = {"item_codes": ["moving_fee"], "grounds": OBJECTION_GROUNDS}
    citizen = identity_headers("expropriation", citizen=MISSING_ID)
    filed = client.post(f"/v1/me/households/{missing_id}/objections", json=review, headers=citizen)
    assert filed.status_code == 201, filed.text
    answer = {"outcome": "maintained", "answer": OBJECTION_ANSWER, "answered_on": today().isoformat()}
    assert client.post(f"/v1/objections/{filed.json()['id']}/answer", json=answer).status_code == 200

    batch = client.post(f"/v1/projects/{project_id}/batch-quotes")
    assert batch.status_code == 202, batch.text
    job = job_ended(client, batch.headers["Location"])  # type: ignore[arg-type]
    assert {h["head_name"] for h in job["result"]["households"]} == {"张一", HEAD, MISSING}, job
    return {"project": project_id, "household": household_id}


_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_text(pdf: bytes) -> str:
    """The text a PDF of the service draws, as a reader copying it gets it: its CJK font draws glyph numbers (two
    bytes each in the page's ``Tj`` strings), which the font's ToUnicode map turns back into characters."""
    streams = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(stream))
        except zlib.error:
            streams.append(stream)  # not deflated: the ToUnicode maps
    characters = {
        int(glyph, 16): chr(int(unicode, 16))
        for stream in streams
        for glyph, unicode in re.findall(rb"<([0-9A-F]{4})> <([0-9A-F]{4})>", stream)
    }
    drawn = []
    for stream in streams:
        for string in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", stream, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: _unescape(m.group(1)), string, flags=re.S)
            drawn.append("".join(characters.get(int.from_bytes(raw[i : i + 2]), "?") for i in range(0, len(raw), 2)))
    return "\n".join(drawn)


def _unescape(escaped: bytes) -> bytes:
    if escaped[:1].isdigit():
        return bytes([int(escaped, 8)])
    return _PDF_ESCAPES.get(escaped, escaped)


def test_no_id_number_or_name_is_stored_in_clear_and_every_answer_and_file_shows_them(
    client: TestClient, database: str
) -> None:
    ids = use_the_service_as_every_day(client)

    mine = client.get("/v1/me/household", headers=identity_headers("expropriation", citizen=HEAD_ID)).json()
    assert [(h["head_name"], h["voucher"]["expires_on"]) for h in mine] == [(HEAD, "2025-08-10")]
    persons = mine[0]["quote"]["persons"]
    assert [p["name"] for p in persons] == [HEAD, SON]
    assert persons[0]["id_number"] == HEAD_ID and SON_ID not in json.dumps(mine)  # the others' masked
    dossier = client.get(f"/v1/dossiers/citizens/{id_number(sequence=2)}").json()
    assert [h["head_name"] for h in dossier["households"]] == ["张一"]
    assert [f["detail"].endswith(CLAWBACK_REASON) for f in dossier["credit_flags"]] == [True]
    missing = client.get(f"/v1/dossiers/citizens/{MISSING_ID}").json()
    assert [d["detail"] for d in missing["disputes"]] == [DISPUTE_DETAIL]

    sheet = client.get(f"/v1/projects/{ids['project']}/settlement-sheet")
    assert all(name in sheet.text for name in ("张一", HEAD, MISSING)), sheet.text
    workbook = client.get(f"/v1/projects/{ids['project']}/settlement-sheet", params={"format": "xlsx"})
    cells = {cell.value for row in load_workbook(io.BytesIO(workbook.content)).active.iter_rows() for cell in row}  # type: ignore[union-attr]
    assert {"张一", HEAD, MISSING} <= cells
    pdf = client.get(f"/v1/households/{ids['household']}/quote", params={"format": "pdf"})
    assert pdf.status_code == 200 and f"户主：{HEAD}" in pdf_text(pdf.content)

    assert in_clear(database, PERSONAL) == []


# --- migration 0006 -------------------------------------------------------------------------------------------------

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
LEGACY_HEAD, LEGACY_HEAD_ID, LEGACY_WIFE, LEGACY_WIFE_ID = (
    "祝永康",
    id_number(sequence=61),
    "祝林芳",
    id_number(sequence=62),
)
LEGACY_FACTS = HouseholdFacts.model_validate(
    {"members": [member(LEGACY_HEAD, LEGACY_HEAD_ID), member(LEGACY_WIFE, LEGACY_WIFE_ID)], "buildings": [HOUSE]}
).model_dump(mode="json")
LEGACY_DISPUTE = f"{LEGACY_HEAD}与其兄对产权有争议"
# Rows as the release before wrote them (revision 0005), one a table that holds personal data.
LEGACY_ROWS: dict[str, list[dict[str, Any]]] = {
    "projects": [
        {"id": 1, "name": "某某路工程", "district": "柯城区", "village": "石梁村"}
        | {"pre_announcement_date": dt.date(2023, 6, 1), "signing_deadline": dt.date(2023, 9, 30)}
        | {"valuation_date": dt.date(2023, 7, 1), "outside_urban_plan_area": False, "created_at": NOW}
        | {"appraised_price_per_m2": 3000, "market_price_per_m2": 9000}
    ],
    "households": [
        {"id": 1, "project_id": 1, "ref": "001", "head_name": LEGACY_HEAD, "district": "柯城区"}
        | {"natural_village": "石梁村", "method": "monetary", "facts": LEGACY_FACTS, "created_at": NOW}
    ],
    "household_members": [
        {"id": 1, "household_id": 1, "id_number": LEGACY_HEAD_ID, "name": LEGACY_HEAD},
        {"id": 2, "household_id": 1, "id_number": LEGACY_WIFE_ID, "name": LEGACY_WIFE},
    ],
    "declarations": [
        {"id": 1, "household_id": 1, "declared_on": dt.date(2023, 6, 10), "documents": ["户口簿"]}
        | {"proofs": ["certificate"], "payload": {"members": LEGACY_FACTS["members"]}, "basis": "二(二)"}
        | {"created_at": NOW}
    ],
    "disputes": [
        {"id": 1, "household_id": 1, "district": "柯城区", "ground": "ownership_dispute", "state": "opened"}
        | {"detail": LEGACY_DISPUTE, "history": [], "created_at": NOW}
    ],
    "jobs": [
        {"id": 1, "kind": "batch_quote", "project_id": 1, "district": "柯城区", "status": "done", "done": 1}
        | {"total": 1, "errors": [], "result": {"households": [{"ref": "001", "head_name": LEGACY_HEAD}]}}
        | {"requested_by": "kecheng-desk", "arguments": {}, "attempts": 1, "created_at": NOW}
    ],
    "audit_log": [
        {"id": 1, "occurred_at": NOW, "actor": "kecheng-desk", "action": "create", "entity": "households"}
        | {"entity_id": "1", "before": None, "after": {"head_name": LEGACY_HEAD, "facts": LEGACY_FACTS}}
    ],
    "idempotency_keys": [
        {"id": 1, "client_id": "kecheng-desk", "key": "desk-1-0001", "request_hash": "0" * 64, "status_code": 201}
        | {"response_body": {"id": 1, "head_name": LEGACY_HEAD}, "created_at": NOW}
    ],
}
LEGACY_PERSONAL = [LEGACY_HEAD, LEGACY_HEAD_ID, LEGACY_WIFE, LEGACY_WIFE_ID, LEGACY_DISPUTE]


def test_migration_0006_seals_the_rows_of_the_release_before_and_its_downgrade_opens_them(
    database_factory: DatabaseFactory, backend: str
) -> None:
    url = database_factory.create("expropriation", backend=backend, migrate=False)
    upgrade("expropriation", url, "0005")
    write_as_stored(url, LEGACY_ROWS)
    assert len(in_clear(url, LEGACY_PERSONAL)) > 0
    keys = PiiKeys.fresh("2026a")
    settings = ExpropriationSettings(database_url=url, **keys.settings)
    ring = KeyRing.from_settings(settings, dev_mode=False)

    upgrade("expropriation", url, keyring=ring)
    assert in_clear(url, LEGACY_PERSONAL) == []
    with TestClient(
        create_app(settings, PlatformSettings(dev_mode=True)), headers=identity_headers("expropriation")
    ) as c:
        mine = c.get("/v1/me/household", headers=identity_headers("expropriation", citizen=LEGACY_WIFE_ID)).json()
        assert [(h["household_id"], h["head_name"]) for h in mine] == [(1, LEGACY_HEAD)]
        assert [p["name"] for p in mine[0]["quote"]["persons"]] == [LEGACY_HEAD, LEGACY_WIFE]  # from the facts
        dossier = c.get(f"/v1/dossiers/citizens/{LEGACY_HEAD_ID}").json()
        assert [d["detail"] for d in dossier["disputes"]] == [LEGACY_DISPUTE]
        assert c.get("/v1/jobs/1").json()["result"] == LEGACY_ROWS["jobs"][0]["result"]

    downgrade("expropriation", url, "0005", keyring=ring)
    assert run_sql(url, "SELECT id_number, name FROM household_members ORDER BY id") == [
        (LEGACY_HEAD_ID, LEGACY_HEAD),
        (LEGACY_WIFE_ID, LEGACY_WIFE),
    ]
    ((facts,),) = run_sql(url, "SELECT facts FROM households")
    assert (json.loads(facts) if isinstance(facts, str) else facts) == LEGACY_FACTS
    upgrade("expropriation", url, keyring=ring)
    assert in_clear(url, LEGACY_PERSONAL) == []
