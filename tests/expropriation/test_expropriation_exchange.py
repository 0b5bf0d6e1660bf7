"""Files caseworkers use: rosters in GBK/UTF-8/XLSX, the template, XLSX settlement sheets, PDF 结算单 (issue 14)."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from expropriation_files import caseworker_rows, new_project, roster_csv
from expropriation_kit import household, project
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from testkit import id_number

from expropriation.exchange.amount_words import amount_in_words
from expropriation.exchange.roster import COLUMNS, ROSTER_COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("531000.00", "伍拾叁万壹仟元整"),
        ("100.05", "壹佰元零伍分"),
        ("1005.50", "壹仟零伍元伍角"),
        ("10010.00", "壹万零壹拾元整"),
        ("100010000.00", "壹亿零壹万元整"),
        ("1000000.00", "壹佰万元整"),
        ("60000.07", "陆万元零柒分"),
        ("0.30", "叁角"),
        ("0.00", "零元整"),
        ("-3000.00", "负叁仟元整"),
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def imported(client: TestClient, project_id: int, name: str, content: bytes, media_type: str) -> dict[str, Any]:
    r = client.post(f"/v1/projects/{project_id}/roster", files={"file": (name, content, media_type)})
    assert r.status_code == 201, r.text
    assert r.json() == {"created": 1, "households": ["007"]}
    (household,) = client.get(f"/v1/projects/{project_id}/households").json()["items"]
    assert household["ref"] == "007"  # the leading zeros stay
    return dict(household)


def test_template_covers_every_roster_column() -> None:
    assert list(COLUMNS) == list(ROSTER_COLUMNS)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_roster_csv_in_every_encoding_excel_saves(client: TestClient, encoding: str) -> None:
    content = roster_csv(caseworker_rows(), encoding)
    if encoding == "gbk":
        content.decode("gbk")  # really GBK: not valid UTF-8
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
    household = imported(client, new_project(client), "花名册.csv", content, "text/csv")
    members = household["facts"]["members"]
    assert [m["collective_member"] for m in members] == [True, True]
    assert [m["is_owner"] for m in members] == [True, False]
    assert household["facts"]["buildings"][1]["work_done_on"] == "2023-06-02"


def test_roster_xlsx_with_text_and_date_cells(client: TestClient) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in caseworker_rows():
        sheet.append(row)
    sheet.cell(row=6, column=list(COLUMNS).index("work_done_on") + 1).value = dt.date(2023, 6, 2)  # a real date cell
    sheet.cell(row=5, column=list(COLUMNS).index("built_year") + 1).value = 2000  # a number cell
    content = io.BytesIO()
    workbook.save(content)
    household = imported(client, new_project(client), "花名册.xlsx", content.getvalue(), XLSX)
    assert household["facts"]["buildings"][1]["work_done_on"] == "2023-06-02"
    assert household["facts"]["buildings"][0]["built_year"] == 2000


def test_a_bom_followed_by_other_bytes_than_utf8_is_refused_naming_the_encoding(client: TestClient) -> None:
    """A-43: the header and explanation rows in UTF-8 after a BOM (a "CSV UTF-8" template), the households pasted in
    from a GBK file. Read as GB18030, the UTF-8 rows would become other characters silently; so the file is refused,
    naming the encoding and the row where it stops being UTF-8."""
    rows = caseworker_rows()
    content = roster_csv(rows[:2], "utf-8-sig") + roster_csv(rows[2:], "gbk")
    project_id = new_project(client)
    r = client.post(f"/v1/projects/{project_id}/roster", files={"file": ("花名册.csv", content, "text/csv")})
    assert (r.status_code, r.json()["code"], r.json()["field"]) == (422, "encoding", "file")
    assert (r.json()["encoding"], r.json()["line"]) == ("utf-8", 3)
    assert "UTF-8" in r.json()["detail"] and "第 3 行" in r.json()["detail"]
    assert client.get(f"/v1/projects/{project_id}/households").json()["total"] == 0


def test_roster_errors(client: TestClient) -> None:
    project_id = new_project(client)
    garbage = client.post(f"/v1/projects/{project_id}/roster", files={"file": ("x.xlsx", b"PK\x03\x04oops", XLSX)})
    assert (garbage.status_code, garbage.json()["code"], garbage.json()["field"]) == (422, "xlsx_invalid", "file")
    rows = caseworker_rows()
    rows[3][list(COLUMNS).index("collective_member")] = "也许"
    r = client.post(f"/v1/projects/{project_id}/roster", files={"file": ("a.csv", roster_csv(rows, "gbk"), "text/csv")})
    assert r.status_code == 422 and "row 4.members[1].collective_member" in {e["field"] for e in r.json()["errors"]}
    assert client.get(f"/v1/projects/{project_id}/households").json()["total"] == 0


def test_template_downloads_and_imports_as_it_is(client: TestClient) -> None:
    r = client.get("/v1/roster-template")
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert "roster-template.xlsx" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["户号", "记录类型", "户主姓名"]
    assert str(sheet["A2"].value).startswith("说明")
    assert sheet["A3"].value == "007" and sheet["A3"].number_format == "@"
    # the example rows of the template are a valid roster
    imported(client, new_project(client), "roster-template.xlsx", r.content, XLSX)
    as_csv = client.get("/v1/roster-template", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.content.startswith(b"\xef\xbb\xbf")
    assert as_csv.content.decode("utf-8-sig").splitlines()[0].startswith("户号,记录类型")


def test_settlement_sheet_as_xlsx(client: TestClient) -> None:
    project_id = new_project(client)
    imported(client, project_id, "花名册.csv", roster_csv(caseworker_rows(), "gbk"), "text/csv")
    for request in ({"params": {"format": "xlsx"}}, {"headers": {"Accept": XLSX}}):
        r = client.get(f"/v1/projects/{project_id}/settlement-sheet", **request)  # type: ignore[arg-type]
        assert r.status_code == 200 and r.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    assert str(sheet["A1"].value).startswith("某某路工程（柯城区石梁村）")
    headers = [c.value for c in sheet[2]]
    money = headers.index("房屋货币补偿") + 1
    total = headers.index("合计(元)") + 1
    assert sheet.cell(row=3, column=1).value == "条款依据"
    assert str(sheet.cell(row=3, column=money).value).startswith("衢政发〔2023〕2号 三(三)1")
    assert sheet["A4"].value == "007" and sheet["A4"].number_format == "@"
    # 150 m² × 3000 元/m² = 450000 (三(三)1); the quote's hand-worked total is 531000.00
    assert Decimal(str(sheet.cell(row=4, column=money).value)) == Decimal("450000")
    assert Decimal(str(sheet.cell(row=4, column=total).value)) == Decimal("531000")
    assert sheet["A5"].value == "合计" and Decimal(str(sheet.cell(row=5, column=total).value)) == Decimal("531000")
    plain = client.get(f"/v1/projects/{project_id}/settlement-sheet")
    assert plain.headers["content-type"].startswith("text/csv")
    assert client.get(f"/v1/projects/{project_id}/settlement-sheet?format=doc").status_code == 422


def test_household_settlement_pdf(client: TestClient) -> None:
    project_id = new_project(client)
    household = imported(client, project_id, "花名册.csv", roster_csv(caseworker_rows(), "gbk"), "text/csv")
    url = f"/v1/households/{household['id']}/quote"
    for request in ({"params": {"format": "pdf"}}, {"headers": {"Accept": "application/pdf"}}):
        r = client.get(url, **request)  # type: ignore[arg-type]
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert f"settlement-{project_id}-007.pdf" in r.headers["content-disposition"]
    assert r.content.startswith(b"%PDF-")
    assert b"/FontFile" in r.content and b"NotoSansSC" in r.content  # the CJK font travels with the file
    assert client.get(url).json()["total"] == "531000.00"  # JSON stays the default


def test_appraised_items_in_the_settlement_sheet(client: TestClient) -> None:
    p = project(client)
    household(client, p["id"], "001", appraised_items=[{"kind": "decoration", "label": "装修", "amount": "12345.60"}])
    sheet = client.get(f"/v1/projects/{p['id']}/settlement-sheet").text
    header, row = sheet.lstrip("\ufeff").splitlines()[:2]
    assert "decoration_compensation" in header.split(",")
    assert "12345.60" in row.split(",")


def test_roster_flags_accept_words_and_refuse_others(client: TestClient) -> None:
    def roster(flag: str) -> bytes:
        rows = [
            {"household_ref": "001", "record": "member", "head_name": "甲", "name": "甲"}
            | {"id_number": id_number(sequence=1), "collective_member": flag},
            {
                "household_ref": "001",
                "record": "building",
                "use": "residential",
                "structure": "frame",
                "legal_area_m2": "100",
                "built_year": "2000",
            },
        ]
        lines = [",".join(ROSTER_COLUMNS)] + [",".join(r.get(c, "") for c in ROSTER_COLUMNS) for r in rows]
        return ("\n".join(lines) + "\n").encode()

    p = project(client)
    bad = client.post(f"/v1/projects/{p['id']}/roster", files={"file": ("r.csv", roster("yes"), "text/csv")})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "row 2.members[0].collective_member"
    ok = client.post(f"/v1/projects/{p['id']}/roster", files={"file": ("r.csv", roster("是"), "text/csv")})
    assert ok.status_code == 201, ok.text
