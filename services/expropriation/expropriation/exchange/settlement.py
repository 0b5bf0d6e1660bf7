"""Settlement sheets: the project's sheet (one household a row, one item a column) as XLSX and as CSV, and a
household's printable PDF 结算单.

Every figure is the service's own quote; the files only lay it out, in Chinese throughout: the clause of every item,
Chinese headers and labels (an appraised item under the appraiser's own label), the total as who pays whom in figures
and in 大写金额 (A-46). The parameter versions go in a footnote and in the file's metadata, not among the figures.
Text a caller typed (a 户主姓名, a 自然村) is written so that no spreadsheet reads it as a formula (A-47).
"""

import csv
import datetime as dt
import io
import re
from collections.abc import AsyncIterable, Iterable
from decimal import Decimal
from typing import Any

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from expropriation.exchange.amount_words import Settlement
from expropriation.exchange.negotiation import PDF_MEDIA_TYPE, XLSX_MEDIA_TYPE
from expropriation.facts.quote import ItemOut, QuoteOut
from expropriation.models import Household, Project
from expropriation.rules.types import AppraisedKind
from qz_common.spool import Spool

# Every item a quote can hold, in the column order of the settlement sheet.
ITEM_LABELS = {
    "house_monetary_compensation": "房屋货币补偿",
    "house_voucher_value": "房票票面金额",
    "voucher_remainder_cash": "房票剩余价值转货币补偿",
    "voucher_new_housing_reward": "房票购买新建商品房奖励",
    "house_replacement_value": "被征收房屋重置价值",
    "excess_area_monetary_compensation": "超出安置面积部分货币补偿",
    "swap_flat_price_within_area": "安置面积内安置房价款",
    "swap_flat_price_beyond_area": "超出安置面积的安置房价款",
    "non_residential_compensation": "非住宅房屋补偿",
    "attic_stilt_compensation": "阁楼、架空层补偿",
    "ancillary_compensation": "附属用房补偿",
    "decoration_compensation": "装修补偿",
    "attachment_compensation": "其他附属物（构筑物）补偿",
    "temporary_building_compensation": "临时建筑补偿",
    "temporary_resettlement_fee": "临时安置费",
    "moving_fee": "搬迁费",
    "early_vacate_reward": "按期腾空奖励",
    "village_completion_reward": "整村签约完成奖励",
}
ITEM_CODES = tuple(ITEM_LABELS)
# The items made of appraised parts (三(四)3): the 结算单 names the parts by the labels the caller gave them.
APPRAISED_CODES = frozenset(f"{kind.value}_compensation" for kind in AppraisedKind)
KIND_LABELS = {"cash": "货币", "voucher": "房票", "charge": "应缴"}
METHOD_LABELS = {
    "monetary": "货币补偿",
    "house_voucher": "房票安置",
    "property_swap": "产权调换",
    "homestead": "宅基地安置",
}
STATUS_LABELS = {"quoted": "已测算", "refused": "未能测算"}
FIXED_HEADERS = (
    "户号",
    "户主姓名",
    "自然村",
    "安置方式",
    "测算状态",
    "安置人口(人)",
    "安置面积(㎡)",
    "合法住宅面积(㎡)",
)
TRAILING_HEADERS = ("合计(元)", "收付说明（大写金额）", "未能测算原因")
MONEY_FORMAT = "#,##0.00"
# format → media type, the default first (see negotiation.negotiate)
SHEET_FORMATS = {"csv": "text/csv", "xlsx": XLSX_MEDIA_TYPE}
QUOTE_FORMATS = {"json": "application/json", "pdf": PDF_MEDIA_TYPE}
BASIS = "衢政发〔2023〕2号"
SHEET_TITLE = "集体土地房屋征收补偿安置结算清单"
RECEIPT_TITLE = "集体土地房屋征收补偿安置结算单"
PRODUCER = "衢州市集体土地征收补偿安置测算服务"
_TEXT = "@"
# OWASP "CSV injection": a cell starting with one of these is a formula (or becomes one) in Excel, WPS or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | Decimal | int | None
_VERSION_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")


def spreadsheet_text(value: Cell) -> Cell:
    """A text cell a spreadsheet shows as the text it is: one that would start a formula gets a leading ``'``.

    Numbers stay numbers (a negative amount is a number, not text to neutralise); the stored record keeps the text
    as typed, only the file carries the ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def versions_in_words(versions: dict[str, str]) -> str:
    """``{"expropriation": "2023-03-01", "district:柯城区": "kecheng-2023-03-01"}`` → 市级参数 2023-03-01 版，
    柯城区参数 2023-03-01 版: each book by the day its version took effect (the full names are in the metadata)."""
    books = []
    for book, version in versions.items():
        _, _, district = book.partition("district:")  # the city's book has no district
        day = _VERSION_DAY.search(version)
        books.append(f"{district or '市级'}参数 {day.group() if day else version} 版")
    return "，".join(books)


def _versions_metadata(versions: dict[str, str]) -> str:
    """The versions as the service names them, for the file's metadata (a re-quote looks them up by these)."""
    return "; ".join(f"{book}={version}" for book, version in versions.items())


def project_header(project: Project) -> str:
    return (
        f"{project.name}（{project.district}{project.village}）{SHEET_TITLE}　"
        f"预公告 {project.pre_announcement_date}　评估基准日 {project.valuation_date}"
    )


def sheet_footnote(versions: dict[str, str]) -> str:
    return f"注：金额单位为元；依据{BASIS}；测算参数：{versions_in_words(versions)}。"


class SheetTally:
    """What the sheet's clause row and totals take from its households, gathered as their rows are made, so that the
    rows can be written out before the clause row above them is known (the CSV is sent from a spool: issue 32)."""

    def __init__(self) -> None:
        self.bases: dict[str, set[str]] = {code: set() for code in ITEM_CODES}
        self.sums = dict.fromkeys(ITEM_CODES, Decimal(0))
        self.quoted = self.refused = 0
        self.total = Decimal(0)

    def row(self, household: dict[str, Any]) -> list[Cell]:
        """The household's row; its figures and clauses are added to the tally."""
        items = household.get("items", {})
        for code, basis in household.get("bases", {}).items():
            self.bases[code].add(basis)
        for code, amount in items.items():
            self.sums[code] += Decimal(amount)
        total = _decimal(household.get("total"))
        if household["status"] == "quoted":
            self.quoted += 1
            self.total += total or Decimal(0)
        else:
            self.refused += 1
        return [
            household["ref"],
            household["head_name"],
            household["natural_village"],
            METHOD_LABELS.get(household["method"], household["method"]),
            STATUS_LABELS.get(household["status"], household["status"]),
            household.get("resettlement_persons"),
            _decimal(household.get("resettlement_area_m2")),
            _decimal(household.get("legal_residential_area_m2")),
            *(_decimal(items.get(code)) for code in ITEM_CODES),
            total,
            Settlement(total).sentence if total is not None else "",
            household.get("refusal", {}).get("detail", ""),
        ]

    def heading(self, project: Project) -> list[list[Cell]]:
        """The project header, the column headers and the clause row (every clause the households' items cite)."""
        headers: list[Cell] = [*FIXED_HEADERS, *(ITEM_LABELS[code] for code in ITEM_CODES), *TRAILING_HEADERS]
        blanks: list[Cell] = [""] * (len(FIXED_HEADERS) - 1)
        bases = ("；".join(sorted(self.bases[code])) for code in ITEM_CODES)
        return [[project_header(project)], headers, ["条款依据", *blanks, *bases, "", "", ""]]

    def closing(self, versions: dict[str, str]) -> list[list[Cell]]:
        """The totals row and the footnote."""
        count = f"{self.quoted} 户已测算，{self.refused} 户未能测算"
        sums = (self.sums[code] for code in ITEM_CODES)
        return [["合计", "", "", "", count, "", "", "", *sums, self.total, "", ""], [sheet_footnote(versions)]]


def sheet_rows(project: Project, households: Iterable[dict[str, Any]], versions: dict[str, str]) -> list[list[Cell]]:
    """The rows both sheet formats hold: the project header, the headers, the clause row, one row a household, the
    totals, the footnote. Money and counts are numbers; everything else is text."""
    tally = SheetTally()
    rows = [tally.row(household) for household in households]
    return [*tally.heading(project), *rows, *tally.closing(versions)]


def _csv_text(rows: Iterable[list[Cell]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([spreadsheet_text(cell) for cell in row] for row in rows)
    return out.getvalue()


async def settlement_csv(
    project: Project, households: AsyncIterable[dict[str, Any]], versions: dict[str, str], body: Spool
) -> tuple[bytes, bytes]:
    """The sheet as CSV, the same rows as the XLSX, for Excel: UTF-8 with a BOM (A-48), which Excel opens as UTF-8
    by a double click (without it, Chinese Excel reads the file as GBK). The households' rows are written to
    ``body`` as they come; returned: what goes before them (the BOM and the headings) and after (the totals)."""
    tally, rows = SheetTally(), csv.writer(body)
    async for household in households:
        rows.writerow([spreadsheet_text(cell) for cell in tally.row(household)])
    return ("\ufeff" + _csv_text(tally.heading(project))).encode(), _csv_text(tally.closing(versions)).encode()


def settlement_xlsx(project: Project, households: Iterable[dict[str, Any]], versions: dict[str, str]) -> bytes:
    """One household a row, one item a column; 户号 as text; money as numbers; a totals row; the clause row; print
    setup for A4 landscape, one page wide, the headers on every page; the parameter versions in the properties."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "结算清单"
    rows = sheet_rows(project, households, versions)
    for row in rows:
        ws.append([spreadsheet_text(cell) for cell in row])
    totals_row, first_data_row = len(rows) - 1, 4
    money_columns = range(len(FIXED_HEADERS) + 1, len(FIXED_HEADERS) + len(ITEM_CODES) + 2)
    for row_cells in ws.iter_rows(min_row=first_data_row, max_row=totals_row):
        row_cells[0].number_format = _TEXT  # 户号 keeps its zeros
        for index in money_columns:
            row_cells[index - 1].number_format = MONEY_FORMAT
    for cell in ws[totals_row]:
        cell.font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for cell in ws[3]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=14)
    widths = [10, 12, 12, 12, 10, 9, 11, 11, *[14] * len(ITEM_CODES), 16, 46, 40]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "C4"  # headers and basis row, 户号 and 户主 stay in view
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the households need
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "2:3"
    properties = workbook.properties
    properties.title = f"{project.name}{SHEET_TITLE}"
    properties.subject = f"{SHEET_TITLE}（{BASIS}）"
    properties.keywords = _versions_metadata(versions)
    properties.description = sheet_footnote(versions)
    properties.creator = PRODUCER
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _decimal(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


class _SettlementPdf(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        # Noto Sans SC from a package, embedded (subset) so the sheet prints the same on every machine.
        self.add_font("NotoSansSC", fname=str(pylopdf_fonts_zh_cn.sans_path()))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("NotoSansSC", size=8)
        self.cell(0, 6, f"第 {self.page_no()} 页", align="C")


def _item_label(item: ItemOut) -> str:
    """An item's Chinese name; an appraised one also names its parts as the caller labelled them (三(四)3)."""
    label = ITEM_LABELS.get(item.code, item.code)
    parts = item.inputs.get("parts")
    if item.code in APPRAISED_CODES and parts:
        # the rules list the parts as "label: amount; label: amount"; printed with Chinese punctuation
        return f"{label}（{parts.replace(': ', ' ').replace('; ', '；')}）"
    return label


def household_pdf(project: Project, household: Household, quote: QuoteOut, printed_on: dt.date) -> bytes:
    """A printable 结算单 of one household: every item with its basis, who pays whom in figures and 大写,
    signatures; the parameter versions in a footnote and in the document's metadata."""
    pdf = _SettlementPdf()
    pdf.set_title(f"{RECEIPT_TITLE}（{project.name} 户号 {household.ref}）")
    pdf.set_subject(f"{RECEIPT_TITLE}（{BASIS}）")
    pdf.set_keywords(_versions_metadata(quote.parameter_versions))
    pdf.set_creator(PRODUCER)
    pdf.add_page()
    pdf.set_font("NotoSansSC", size=16)
    pdf.cell(0, 10, RECEIPT_TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("NotoSansSC", size=10)
    for line in (
        f"项目：{project.name}　{project.district}{project.village}　评估基准日：{project.valuation_date}",
        f"户号：{household.ref}　户主：{household.head_name}　自然村：{household.natural_village}",
        f"安置方式：{METHOD_LABELS.get(quote.method.value, quote.method.value)}　"
        f"安置人口：{quote.resettlement_persons} 人　"
        f"安置面积：{quote.resettlement_area_m2} ㎡（{quote.resettlement_area_basis}）",
        f"合法住宅建筑面积：{quote.legal_residential_area_m2} ㎡",
    ):
        pdf.multi_cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    widths = (11, 55, 16, 32, 66)
    # One regular face is embedded: headings are set off by shading, not bold.
    headings = FontFace(emphasis="", fill_color=(230, 230, 230))
    alignment = ("CENTER", "LEFT", "CENTER", "RIGHT", "LEFT")
    with pdf.table(col_widths=widths, text_align=alignment, line_height=6, headings_style=headings) as table:
        table.row(["序号", "补偿安置项目", "类别", "金额(元)", "依据"])
        for number, item in enumerate(quote.items, start=1):
            table.row(
                [
                    str(number),
                    _item_label(item),
                    KIND_LABELS.get(item.kind, item.kind),
                    f"{item.amount:,.2f}",
                    item.basis,
                ]
            )
    pdf.ln(3)
    pdf.set_font("NotoSansSC", size=11)
    settlement = Settlement(Decimal(quote.total))
    for line in (
        f"{settlement.due}金额（小写）：{settlement.figures}",
        f"{settlement.due}金额（大写）：{settlement.words}",
        f"结算：{settlement.sentence}。",
    ):
        pdf.multi_cell(0, 7, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    kinds = (("货币补偿", quote.cash_total), ("房票", quote.voucher_total), ("应缴安置房价款", quote.charges_total))
    shares = "，".join(f"{name} ¥{abs(Decimal(amount)):,.2f}" for name, amount in kinds if Decimal(amount))
    pdf.set_font("NotoSansSC", size=9)
    pdf.multi_cell(0, 6, f"其中{shares}。依据：{BASIS}。" if shares else f"依据：{BASIS}。", new_x=XPos.LMARGIN)
    for note in quote.notes:
        pdf.multi_cell(0, 6, f"注：{note}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    pdf.set_font("NotoSansSC", size=11)
    for left, right in (("被征收人（签字）：", "征收实施单位（盖章）："), ("经办人（签字）：", "审核人（签字）：")):
        pdf.cell(90, 10, f"{left}＿＿＿＿＿＿＿＿")
        pdf.cell(0, 10, f"{right}＿＿＿＿＿＿＿＿", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.cell(90, 8, "日期：　　年　　月　　日")
        pdf.cell(0, 8, "日期：　　年　　月　　日", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
    pdf.set_font("NotoSansSC", size=8)
    pdf.multi_cell(
        0, 5, f"打印日期：{printed_on}　测算参数：{versions_in_words(quote.parameter_versions)}", new_x=XPos.LMARGIN
    )
    return bytes(pdf.output())
