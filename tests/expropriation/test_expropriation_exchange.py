"""Files caseworkers use: rosters in GBK/UTF-8/XLSX, the template, XLSX settlement sheets, PDF 结算单 (issue 14);
all in Chinese, who pays whom, no formula from a name, a template at Excel/WPS level (issue 29)."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from expropriation_files import caseworker_rows, new_project, roster_csv, roster_rows
from expropriation_kit import household, project
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from pypdf import PdfReader
from testkit import id_number

import expropriation
from expropriation.exchange.amount_words import Settlement, amount_in_words
from expropriation.exchange.roster import CHOICES, COLUMNS, ROSTER_COLUMNS, TEXT_COLUMNS
from expropriation.exchange.settlement import ITEM_LABELS, spreadsheet_text
from expropriation.rules.types import AppraisedKind

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
    ],
)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def test_a_capital_amount_has_no_sign() -> None:
    """A-46: "人民币负…" is no amount anyone pays; a negative total is worded as who owes it (Settlement)."""
    with pytest.raises(ValueError, match="no sign"):
        amount_in_words(Decimal("-3000.00"))


@pytest.mark.parametrize(
    ("total", "due", "sentence"),
    [
        ("531000.00", "应付", "征收人应向被征收人支付人民币伍拾叁万壹仟元整（¥531,000.00）"),
        ("-135000.00", "应缴", "被征收人应向征收人缴纳人民币壹拾叁万伍仟元整（¥135,000.00）"),
        ("-0.30", "应缴", "被征收人应向征收人缴纳人民币叁角（¥0.30）"),
        ("0.00", "应付", "征收人应向被征收人支付人民币零元整（¥0.00）"),
    ],
)
def test_a_settlement_says_who_pays_whom_in_words_and_figures(total: str, due: str, sentence: str) -> None:
    settlement = Settlement(Decimal(total))
    assert (settlement.due, settlement.sentence) == (due, sentence)


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


def test_a_key_replays_the_file_as_sent_and_refuses_the_same_rows_saved_otherwise(client: TestClient) -> None:
    """An Idempotency-Key stands for the bytes of the file: a retry of them replays the first answer; the same rows
    saved in GBK are another request."""
    project_id, key = new_project(client), {"Idempotency-Key": "roster-once"}
    sent = {"file": ("花名册.csv", roster_csv(caseworker_rows(), "utf-8-sig"), "text/csv")}
    first = client.post(f"/v1/projects/{project_id}/roster", files=sent, headers=key)
    again = client.post(f"/v1/projects/{project_id}/roster", files=sent, headers=key)
    assert (first.status_code, again.status_code, again.headers.get("Idempotent-Replayed")) == (201, 201, "true")
    assert again.json() == first.json()
    resaved = {"file": ("花名册.csv", roster_csv(caseworker_rows(), "gbk"), "text/csv")}
    refused = client.post(f"/v1/projects/{project_id}/roster", files=resaved, headers=key)
    assert (refused.status_code, refused.json()["code"]) == (422, "idempotency_key_reused")
    assert client.get(f"/v1/projects/{project_id}/households").json()["total"] == 1


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


def test_a_row_is_named_by_its_number_in_the_spreadsheet_after_a_cell_with_a_line_break(client: TestClient) -> None:
    """A quoted cell may hold a line break (Alt+Enter in Excel): rows are counted as the spreadsheet shows them, the
    header being row 1, not as lines of the file."""
    project_id = new_project(client)
    rows = caseworker_rows()
    rows[2][list(COLUMNS).index("name")] = "成员\n二"
    rows[3][list(COLUMNS).index("collective_member")] = "也许"
    r = client.post(
        f"/v1/projects/{project_id}/roster", files={"file": ("a.csv", roster_csv(rows, "utf-8"), "text/csv")}
    )
    assert r.status_code == 422
    assert "row 4.members[1].collective_member" in {e["field"] for e in r.json()["errors"]}


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
    imported(client, new_project(client), "roster-template.csv", as_csv.content, "text/csv")


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


# --- Issue 29: what caseworkers print and fill in ---------------------------------------------------------------

SHEET = "/v1/projects/{}/settlement-sheet"
CODE = re.compile(r"[a-z]+_[a-z_]+")  # an item, method or status code left in a printed word
APPRAISED = [
    {"kind": "decoration", "label": "客厅吊顶", "amount": "12000"},
    {"kind": "attachment", "label": "围墙", "amount": "3000.50"},
    {"kind": "temporary_building", "label": "简易棚", "amount": "800"},
]


def pdf_text(content: bytes) -> str:
    """The text of a PDF. pypdf reads the two-byte codes of fpdf2's ToUnicode map for the embedded CID font with a
    NUL before each character: dropped."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\x00", "")


def sheet_csv(client: TestClient, project_id: int) -> list[list[str]]:
    r = client.get(SHEET.format(project_id))
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbf")  # A-48: UTF-8 with a BOM, what Excel opens as UTF-8
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def sheet_xlsx(client: TestClient, project_id: int) -> Workbook:
    return load_workbook(io.BytesIO(client.get(SHEET.format(project_id), params={"format": "xlsx"}).content))


def column(rows: list[list[str]], header: str) -> int:
    return rows[1].index(header)


def test_every_item_the_rules_can_produce_has_a_chinese_label() -> None:
    rules = Path(expropriation.__file__).parent / "rules"
    codes = {code for f in rules.rglob("*.py") for code in re.findall(r'\bitem\(\s*"(\w+)"', f.read_text())}
    codes |= {f"{kind.value}_compensation" for kind in AppraisedKind}  # item(f"{kind.value}_compensation", …)
    assert codes == set(ITEM_LABELS)
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in ITEM_LABELS.values())


def test_the_settlement_sheet_is_in_chinese_and_the_csv_holds_the_xlsx_rows(client: TestClient) -> None:
    """Issue 29: Chinese headers (the appraised kinds too), the clause of every item, a totals row, the parameter
    versions in a footnote and the XLSX's properties, print setup for A4 landscape; the CSV is the same rows."""
    p = project(client)
    household(client, p["id"], "001", appraised_items=APPRAISED)
    rows = sheet_csv(client, p["id"])
    headers = rows[1]
    assert headers[:2] == ["户号", "户主姓名"] and "装修补偿" in headers and "临时建筑补偿" in headers
    assert all(re.search(r"[\u4e00-\u9fff]", header) for header in headers)
    assert not [cell for row in rows for cell in row if CODE.search(cell)]
    decoration, total = column(rows, "装修补偿"), column(rows, "合计(元)")
    assert rows[2][0] == "条款依据" and rows[2][decoration] == "衢政发〔2023〕2号 三(四)3"
    assert rows[3][:2] == ["001", "户主001"] and rows[3][decoration] == "12000.00"
    # the fixture household's monetary total is 531,000.00 (test_settlement_sheet_as_xlsx); with the appraised items
    # 12,000 + 3,000.50 + 800 (三(四)3, at the appraiser's amounts) it is 546,800.50
    assert rows[3][total] == "546800.50"
    assert rows[4][0] == "合计" and rows[4][total] == "546800.50"
    assert rows[5][0].startswith("注：") and "市级参数" in rows[5][0] and "柯城区参数" in rows[5][0]
    workbook = sheet_xlsx(client, p["id"])
    sheet = workbook.active
    assert sheet is not None
    for csv_row, xlsx_row in zip(rows, sheet.iter_rows(values_only=True), strict=True):
        assert all(value is None for value in xlsx_row[len(csv_row) :])  # the sheet is as wide as its widest row
        for text, value in zip(csv_row, xlsx_row, strict=False):
            if isinstance(value, (int, float)):
                assert Decimal(text) == Decimal(str(value))
            else:
                assert text == (value or "")
    assert sheet.cell(row=4, column=total + 1).data_type == "n"
    setup = sheet.sheet_properties.pageSetUpPr
    assert sheet.page_setup.orientation == "landscape" and setup is not None and setup.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$2:$3"
    versions = workbook.properties.keywords or ""
    assert "expropriation=" in versions and "district:柯城区=" in versions
    assert not any(CODE.search(str(v)) for row in sheet.iter_rows(values_only=True) for v in row if v)


def test_the_pdf_names_appraised_items_by_their_labels_and_keeps_versions_out_of_the_body(
    client: TestClient,
) -> None:
    p = project(client)
    h = household(client, p["id"], "001", appraised_items=APPRAISED)
    r = client.get(f"/v1/households/{h['id']}/quote", params={"format": "pdf"})
    text = pdf_text(r.content)
    flat = "".join(text.split())  # table cells wrap: compare without the line breaks
    assert "装修补偿（客厅吊顶12000）" in flat and "其他附属物（构筑物）补偿（围墙3000.50）" in flat
    assert "临时建筑补偿（简易棚800）" in flat
    assert not CODE.search(text) and "参数版本" not in text and "district" not in text
    assert "测算参数：市级参数2023-03-01版，柯城区参数2023-03-01版" in flat  # the footnote
    metadata = PdfReader(io.BytesIO(r.content)).metadata
    assert metadata is not None and "district:柯城区=" in str(metadata["/Keywords"])
    # 546,800.50 (the sheet test): the 征收人 pays
    assert "应付金额（大写）：人民币伍拾肆万陆仟捌佰元伍角" in flat
    assert "征收人应向被征收人支付人民币伍拾肆万陆仟捌佰元伍角（¥546,800.50）" in flat


def test_a_negative_total_is_worded_as_what_the_household_pays(client: TestClient) -> None:
    """A-46. 产权调换 of a 50 ㎡ 砖混 house (built 2000) into a 160 ㎡ 多层 flat, two 本村 members (安置面积 160 ㎡):
    房屋 50 × 1,200 × 0.80 = 48,000 (三(三)3(2)); 安置房 160 × 1,400 = 224,000 owed (三(三)3(3), A-12);
    临时安置费 50 × 10 = 500 a month, below the 1,000 a household gets at least, so 1,000 × (24 + 6) = 30,000;
    搬迁费 2 × 3,000 = 6,000; 签约腾空奖励 50 × 400 = 20,000 (三(四)6–8):
    48,000 − 224,000 + 30,000 + 6,000 + 20,000 = −120,000: the household pays 120,000."""
    p = project(client)
    building = {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "50", "built_year": 2000}
    h = household(client, p["id"], "002", method="property_swap", flat_area_m2="160", buildings=[building])
    assert client.get(f"/v1/households/{h['id']}/quote").json()["total"] == "-120000.00"
    text = "".join(pdf_text(client.get(f"/v1/households/{h['id']}/quote", params={"format": "pdf"}).content).split())
    assert "应缴金额（小写）：¥120,000.00" in text and "应缴金额（大写）：人民币壹拾贰万元整" in text
    assert "被征收人应向征收人缴纳人民币壹拾贰万元整（¥120,000.00）" in text and "负" not in text
    rows = sheet_csv(client, p["id"])
    total, settlement = column(rows, "合计(元)"), column(rows, "收付说明（大写金额）")
    assert rows[3][total] == "-120000.00"  # a number, not text to neutralise
    assert rows[3][settlement] == "被征收人应向征收人缴纳人民币壹拾贰万元整（¥120,000.00）"
    sheet = sheet_xlsx(client, p["id"]).active
    assert sheet is not None
    assert sheet.cell(row=4, column=total + 1).value == -120000 and sheet.cell(row=4, column=total + 1).data_type == "n"
    assert sheet.cell(row=4, column=settlement + 1).value == rows[3][settlement]


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_would_start_a_formula_is_neutralised(trigger: str) -> None:
    assert spreadsheet_text(f"{trigger}1+1") == f"'{trigger}1+1"
    assert spreadsheet_text("张三") == "张三" and spreadsheet_text("") == ""
    assert spreadsheet_text(Decimal("-120000.00")) == Decimal("-120000.00")  # numbers stay numbers


@pytest.mark.parametrize("name", ['=HYPERLINK("http://example.com","点我")', "-2+3", "@SUM(A1)", "+86 张"])
def test_a_formula_typed_as_a_name_is_text_in_every_sheet_and_unchanged_in_the_record(
    client: TestClient, name: str
) -> None:
    """A-47 (OWASP CSV injection): the file carries a leading ', the record keeps the name as typed."""
    p = project(client)
    h = household(client, p["id"], "001", head_name=name)
    rows = sheet_csv(client, p["id"])
    assert rows[3][1] == f"'{name}"
    sheet = sheet_xlsx(client, p["id"]).active
    assert sheet is not None
    assert (sheet["B4"].value, sheet["B4"].data_type) == (f"'{name}", "s")  # a string, not a formula
    assert client.get(f"/v1/households/{h['id']}").json()["head_name"] == name


def test_the_template_offers_drop_downs_text_columns_and_widths(client: TestClient) -> None:
    sheet = load_workbook(io.BytesIO(client.get("/v1/roster-template").content)).active
    assert sheet is not None
    letters = {c: get_column_letter(n) for n, c in enumerate(COLUMNS, start=1)}
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    for name, words in CHOICES.items():
        validation = validations[f"{letters[name]}3:{letters[name]}1048576"]
        assert (validation.type, validation.formula1) == ("list", '"' + ",".join(words) + '"')
        assert validation.showErrorMessage and validation.allow_blank
        assert all(word in COLUMNS[name][1] for word in words)  # the hint row lists the same words
    assert {"method", "structure", "record", "is_owner", "appraised_kind"} <= set(CHOICES)
    for name in ("household_ref", "id_number"):
        assert sheet.column_dimensions[letters[name]].number_format == "@"
    assert set(TEXT_COLUMNS) >= {"household_ref", "id_number"}
    assert all((sheet.column_dimensions[letter].width or 0) >= 10 for letter in letters.values())
    assert sheet.column_dimensions[letters["id_number"]].width >= 20  # 18 digits shown whole


def roster_records() -> list[dict[str, str]]:
    """Two households as a caseworker fills the template in Chinese, every coded column among them.

    001 房票: a member who is a retired 在编人员, one who rents (承租); a 砖混 house and a 框混 非住宅 part
    突击装修 after the pre-announcement; 装修, 附属物 and 临时建筑 appraised; signed 2023-08-01, not vacated on time.
    002 产权调换 into a 高层 flat at its market and settlement prices, its 阁楼 on 集体 land."""
    first = {"household_ref": "001", "head_name": "王一", "method": "房票", "voucher_purchase_price": "800000"}
    first |= {"voucher_buys_new_housing": "是", "agreement_signed_on": "2023/8/1", "vacated_on_time": "否"}
    first |= {"moves_via_temporary_housing": "否", "expropriator_provides_transit_housing": "否"}
    second = {"household_ref": "002", "head_name": "李一", "method": "产权调换", "flat_area_m2": "120"}
    second |= {"flat_type": "高层", "flat_market_price_per_m2": "6500", "flat_replacement_price_per_m2": "1400"}
    second |= {"delivery_months": "30"}
    return [
        first
        | {"record": "成员", "name": "王一", "id_number": id_number(sequence=1), "collective_member": "是"}
        | {"is_owner": "是", "born_on": "1985/6/15", "exclusion": "在编人员", "civil_service_exit": "离退休"},
        {"household_ref": "001", "record": "成员", "name": "王二", "id_number": id_number(sequence=2)}
        | {"collective_member": "否", "occupancy": "承租", "housing_reform_rented_only": "否"},
        {"household_ref": "001", "record": "房屋", "label": "主房", "use": "住宅", "structure": "砖混"}
        | {"legal_area_m2": "150", "built_year": "2000", "kind": "主房", "land": "集体", "built": "是"},
        {"household_ref": "001", "record": "房屋", "label": "店面", "use": "非住宅", "structure": "框混"}
        | {"legal_area_m2": "40", "built_year": "2010", "work_kind": "突击装修", "work_done_on": "2023/7/1"},
        {"household_ref": "001", "record": "评估项目", "appraised_kind": "装修", "appraised_label": "客厅吊顶"}
        | {"appraised_amount": "12000"},
        {"household_ref": "001", "record": "评估项目", "appraised_kind": "附属物", "appraised_label": "围墙"}
        | {"appraised_amount": "3000.50", "made_on": "2010/5/1"},
        {"household_ref": "001", "record": "评估项目", "appraised_kind": "临时建筑", "appraised_label": "简易棚"}
        | {"appraised_amount": "800"},
        second
        | {"record": "成员", "name": "李一", "id_number": id_number(sequence=3), "collective_member": "是"}
        | {"is_owner": "是"},
        {"household_ref": "002", "record": "房屋", "use": "住宅", "structure": "砖木", "legal_area_m2": "100"}
        | {"built_year": "1995"},
        {"household_ref": "002", "record": "房屋", "use": "住宅", "structure": "其他", "legal_area_m2": "20"}
        | {"built_year": "1995", "kind": "阁楼", "eaves_height_m": "1.8"},
    ]


def as_codes(records: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: CHOICES.get(k, {}).get(v, v) for k, v in record.items()} for record in records]


def stored(client: TestClient, project_id: int) -> list[dict[str, Any]]:
    items = client.get(f"/v1/projects/{project_id}/households").json()["items"]
    return [{k: v for k, v in h.items() if k not in ("id", "project_id", "created_at")} for h in items]


def test_a_template_filled_in_chinese_imports_the_same_households_as_codes(client: TestClient) -> None:
    workbook = load_workbook(io.BytesIO(client.get("/v1/roster-template").content))
    sheet = workbook.active
    assert sheet is not None
    sheet.delete_rows(3, sheet.max_row)  # the example rows
    for record in roster_records():
        sheet.append([record.get(c, "") for c in COLUMNS])
    filled = io.BytesIO()
    workbook.save(filled)
    in_chinese, in_codes = new_project(client), new_project(client)
    r = client.post(f"/v1/projects/{in_chinese}/roster", files={"file": ("花名册.xlsx", filled.getvalue(), XLSX)})
    assert r.status_code == 201, r.text
    codes = roster_csv(
        [list(COLUMNS), *([record.get(c, "") for c in COLUMNS] for record in as_codes(roster_records()))]
    )
    assert "property_swap" in codes.decode() and "产权调换" not in codes.decode()
    r = client.post(f"/v1/projects/{in_codes}/roster", files={"file": ("roster.csv", codes, "text/csv")})
    assert r.status_code == 201, r.text
    assert stored(client, in_chinese) == stored(client, in_codes)


def test_the_new_roster_columns_import(client: TestClient) -> None:
    """签约日期, 出生日期, 按期腾空, the 房票 and 产权调换 prices and the appraised items need no JSON afterwards."""
    project_id = new_project(client)
    r = client.post(
        f"/v1/projects/{project_id}/roster",
        files={"file": ("r.csv", roster_csv(roster_rows(roster_records())), "text/csv")},
    )
    assert r.status_code == 201, r.text
    first, second = (h["facts"] for h in client.get(f"/v1/projects/{project_id}/households").json()["items"])
    assert (first["agreement_signed_on"], first["vacated_on_time"]) == ("2023-08-01", False)
    assert (first["voucher_purchase_price"], first["voucher_buys_new_housing"]) == ("800000", True)
    assert first["members"][0]["born_on"] == "1985-06-15"
    assert [(a["kind"], a["label"], a["amount"], a["made_on"]) for a in first["appraised_items"]] == [
        ("decoration", "客厅吊顶", "12000", None),
        ("attachment", "围墙", "3000.50", "2010-05-01"),
        ("temporary_building", "简易棚", "800", None),
    ]
    assert (second["flat_type"], second["flat_market_price_per_m2"], second["flat_replacement_price_per_m2"]) == (
        "high_rise",
        "6500",
        "1400",
    )
    bad = roster_records()
    bad[4]["appraised_kind"] = "家具"
    r = client.post(
        f"/v1/projects/{project_id}/roster", files={"file": ("r.csv", roster_csv(roster_rows(bad)), "text/csv")}
    )
    assert r.status_code == 422 and "row 7.appraised_items[0].kind" in {e["field"] for e in r.json()["errors"]}
