"""Settlement sheets: the project's XLSX (one household a row, one item a column) and a household's printable PDF.

Every figure is the service's own quote; the files only lay it out, with the clause of every item, Chinese
headers and, on paper, the total in figures and in 大写金额 above the signature lines.
"""

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from expropriation.exchange.amount_words import amount_in_words
from expropriation.exchange.negotiation import PDF_MEDIA_TYPE, XLSX_MEDIA_TYPE
from expropriation.facts.quote import BatchQuoteOut, QuoteOut
from expropriation.models import Household, Project

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
    "temporary_resettlement_fee": "临时安置费",
    "moving_fee": "搬迁费",
    "early_vacate_reward": "按期腾空奖励",
    "village_completion_reward": "整村签约完成奖励",
}
KIND_LABELS = {"cash": "货币", "voucher": "房票", "charge": "应缴"}
METHOD_LABELS = {
    "monetary": "货币补偿",
    "house_voucher": "房票安置",
    "property_swap": "产权调换",
    "homestead": "宅基地安置",
}
STATUS_LABELS = {"quoted": "已测算", "refused": "未能测算"}
# Column order of the settlement sheet (one column per item code).
ITEM_CODES = (
    "house_monetary_compensation",
    "house_voucher_value",
    "voucher_remainder_cash",
    "voucher_new_housing_reward",
    "house_replacement_value",
    "excess_area_monetary_compensation",
    "swap_flat_price_within_area",
    "swap_flat_price_beyond_area",
    "non_residential_compensation",
    "attic_stilt_compensation",
    "ancillary_compensation",
    "decoration_compensation",
    "attachment_compensation",
    "temporary_building_compensation",
    "temporary_resettlement_fee",
    "moving_fee",
    "early_vacate_reward",
    "village_completion_reward",
)
MONEY_FORMAT = "#,##0.00"
# format → media type, the default first (see negotiation.negotiate)
SHEET_FORMATS = {"csv": "text/csv", "xlsx": XLSX_MEDIA_TYPE}
QUOTE_FORMATS = {"json": "application/json", "pdf": PDF_MEDIA_TYPE}
_TEXT = "@"


def project_header(project: Project) -> str:
    return (
        f"{project.name}（{project.district}{project.village}）征收补偿安置结算清单　"
        f"预公告 {project.pre_announcement_date}　评估基准日 {project.valuation_date}"
    )


def settlement_xlsx(project: Project, sheet: BatchQuoteOut) -> bytes:
    """One household a row, one item a column; 户号 and references as text; a totals row; the basis row."""
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "结算清单"
    fixed = ["户号", "户主", "自然村", "安置方式", "状态", "安置人口", "安置面积(㎡)", "合法住宅面积(㎡)"]
    headers = [*fixed, *(ITEM_LABELS.get(c, c) for c in ITEM_CODES), "合计(元)", "未能测算原因"]
    ws.append([project_header(project)])
    ws.append(headers)
    bases = {
        code: "；".join(sorted({h["bases"][code] for h in sheet.households if code in h.get("bases", {})}))
        for code in ITEM_CODES
    }
    ws.append(["条款依据", *[""] * (len(fixed) - 1), *(bases[c] for c in ITEM_CODES), "", ""])
    first_data_row = ws.max_row + 1
    for household in sheet.households:
        items = household.get("items", {})
        ws.append(
            [
                household["ref"],
                household["head_name"],
                household["natural_village"],
                METHOD_LABELS.get(household["method"], household["method"]),
                STATUS_LABELS.get(household["status"], household["status"]),
                household.get("resettlement_persons"),
                _decimal(household.get("resettlement_area_m2")),
                _decimal(household.get("legal_residential_area_m2")),
                *(_decimal(items.get(code)) for code in ITEM_CODES),
                _decimal(household.get("total")),
                household.get("refusal", {}).get("detail", ""),
            ]
        )
    totals: list[Any] = ["合计", "", "", "", f"{sheet.quoted} 户已测算，{sheet.refused} 户未能测算", "", "", ""]
    for code in ITEM_CODES:
        totals.append(sum((_decimal(h.get("items", {}).get(code)) or Decimal(0) for h in sheet.households), Decimal(0)))
    totals += [sheet.total, ""]
    ws.append(totals)
    money_columns = range(len(fixed) + 1, len(headers))
    for row in ws.iter_rows(min_row=first_data_row, max_row=ws.max_row):
        row[0].number_format = _TEXT  # 户号 keeps its zeros
        for index in money_columns:
            row[index - 1].number_format = MONEY_FORMAT
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws["A1"].font = Font(bold=True, size=14)
    ws.freeze_panes = "C4"  # headers and basis row, 户号 and 户主 stay in view
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


def household_pdf(project: Project, household: Household, quote: QuoteOut, printed_on: dt.date) -> bytes:
    """A printable 结算单 of one household: every item with its basis, the total in figures and 大写, signatures."""
    pdf = _SettlementPdf()
    pdf.add_page()
    pdf.set_font("NotoSansSC", size=16)
    pdf.cell(0, 10, "集体土地房屋征收补偿安置结算单", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("NotoSansSC", size=10)
    for line in (
        f"项目：{project.name}　{project.district}{project.village}　评估基准日：{project.valuation_date}",
        f"户号：{household.ref}　户主：{household.head_name}　自然村：{household.natural_village}",
        f"安置方式：{METHOD_LABELS.get(quote.method.value, quote.method.value)}　"
        f"安置人口：{quote.resettlement_persons} 人　"
        f"安置面积：{quote.resettlement_area_m2} ㎡（{quote.resettlement_area_basis}）",
        f"合法住宅建筑面积：{quote.legal_residential_area_m2} ㎡　"
        f"参数版本：{'，'.join(f'{k} {v}' for k, v in quote.parameter_versions.items())}",
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
                    ITEM_LABELS.get(item.code, item.code),
                    KIND_LABELS.get(item.kind, item.kind),
                    f"{item.amount:,.2f}",
                    item.basis,
                ]
            )
    pdf.ln(3)
    pdf.set_font("NotoSansSC", size=11)
    total = Decimal(quote.total)
    pdf.multi_cell(0, 7, f"合计（小写）：¥{total:,.2f}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(0, 7, f"合计（大写）：人民币{amount_in_words(total)}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("NotoSansSC", size=9)
    pdf.multi_cell(
        0,
        6,
        f"其中货币 ¥{Decimal(quote.cash_total):,.2f}，房票 ¥{Decimal(quote.voucher_total):,.2f}，"
        f"应缴 ¥{Decimal(quote.charges_total):,.2f}。依据：衢政发〔2023〕2号。",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
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
    pdf.cell(0, 6, f"打印日期：{printed_on}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def settlement_csv(sheet: BatchQuoteOut) -> str:
    """The sheet as CSV for Excel: UTF-8 with a BOM, one household a row, one item code a column."""
    out = io.StringIO()
    columns = [
        "ref",
        "head_name",
        "natural_village",
        "method",
        "status",
        "resettlement_persons",
        "resettlement_area_m2",
        "legal_residential_area_m2",
        *ITEM_CODES,
        "total",
        "refusal",
    ]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in sheet.households:
        flat = {k: row.get(k, "") for k in columns}
        for code in ITEM_CODES:
            flat[code] = row.get("items", {}).get(code, "")
        flat["refusal"] = row["refusal"]["detail"] if "refusal" in row else ""
        writer.writerow(flat)
    return "\ufeff" + out.getvalue()
