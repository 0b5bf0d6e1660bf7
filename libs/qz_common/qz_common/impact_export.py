"""An impact result as a director puts it in a briefing: a workbook (openpyxl, with its charts) and an SVG chart.

Both print Chinese labels (the service's names of its items), each item's clause, and in the workbook the scenario
and the parameter versions the figures were computed from. The SVG is written as XML by ``xml.etree``: two bar
charts (the distribution of the changes, the change by item) need no plotting library, and text stays text, so the
reader's own Chinese fonts draw it.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Annotated, Any, Literal
from xml.etree import ElementTree as ET

from fastapi import Query, Response
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from qz_common.contract import file_response
from qz_common.impact import ImpactOut

_BOLD = Font(bold=True)
_SIDES = {"before": "现行", "after": "情景"}


def _signed(amount: Decimal) -> str:
    return f"{amount:+,.2f}"


def to_xlsx(result: ImpactOut, *, title: str) -> bytes:
    """汇总, 分项 (with a bar per item), 分布 (with its histogram) and 变化最大 sheets."""
    book = Workbook()
    overview = book.active
    assert overview is not None
    overview.title = "汇总"
    overview.append([title])
    overview["A1"].font = _BOLD
    for row in (
        ("测算户（件）数", result.records),
        ("现行合计（元）", result.total_before),
        ("情景合计（元）", result.total_after),
        ("差额（元）", result.difference),
        ("增加", result.gain),
        ("减少", result.lose),
        ("不变", result.unchanged),
        ("结果改变（如由可测算变为不予测算）", result.outcome_changed),
    ):
        overview.append(list(row))
    overview.append([])
    overview.append(["情景参数", "取值"])
    for name, value in result.scenario.items():
        overview.append([name, value])
    for side, versions in result.parameter_versions.items():
        overview.append([f"参数版本（{_SIDES[side]}）", versions])
    for used in result.readings:
        overview.append([f"条文理解（{used.parameter}）", f"现行 {used.before}，情景 {used.after}"])
    overview.column_dimensions["A"].width = 36
    overview.column_dimensions["B"].width = 24

    items = book.create_sheet("分项")
    items.append(["项目", "依据", "现行（元）", "情景（元）", "差额（元）"])
    for item in result.items:
        items.append([item.label, item.basis, item.before, item.after, item.difference])
    items.append(["合计", "", result.total_before, result.total_after, result.difference])
    _bar(items, "分项差额（元）", column=5, rows=len(result.items), anchor="G2")

    spread = book.create_sheet("分布")
    spread.append(["差额自（元，含）", "差额至（元）", "户（件）数"])
    for b in result.distribution:
        spread.append([b.low, b.high, b.records])
    _bar(spread, "差额分布（户（件）数）", column=3, rows=len(result.distribution), anchor="E2")

    largest = book.create_sheet("变化最大")
    largest.append(["编号", "名称", "现行（元）", "情景（元）", "差额（元）", "现行结果", "情景结果"])
    for r in result.largest:
        largest.append([r.record_id, r.label, r.before, r.after, r.difference, r.outcome_before, r.outcome_after])
    for sheet in (items, spread, largest):
        for cells in sheet.iter_rows(min_row=1, max_row=1):
            for cell in cells:
                cell.font = _BOLD
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bar(sheet: Worksheet, title: str, *, column: int, rows: int, anchor: str) -> None:
    chart = BarChart()
    chart.title = title
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=column, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=rows + 1))
    sheet.add_chart(chart, anchor)


# The SVG's geometry, in px: two panels side by side.
_PANEL_W, _PANEL_H, _MARGIN, _LABEL_H = 480, 320, 40, 60


def to_svg(result: ImpactOut, *, title: str) -> str:
    """A histogram of the changes (left) and the change per item (right)."""
    width, height = 2 * _PANEL_W + 3 * _MARGIN, _PANEL_H + 2 * _MARGIN + _LABEL_H
    svg = ET.Element(
        "svg",
        xmlns="http://www.w3.org/2000/svg",
        width=str(width),
        height=str(height),
        viewBox=f"0 0 {width} {height}",
        style="font-family: sans-serif; font-size: 12px",
    )
    ET.SubElement(svg, "title").text = title
    heading = ET.SubElement(svg, "text", x=str(_MARGIN), y=str(_MARGIN // 2 + 6), style="font-size: 16px")
    heading.text = f"{title}：合计差额 {_signed(result.difference)} 元（{result.records} 户/件）"
    histogram = [(f"{b.low:,.0f}～{b.high:,.0f}", Decimal(b.records)) for b in result.distribution]
    _panel(svg, _MARGIN, "差额分布（户/件数）", histogram)
    by_item = [(i.label, i.difference) for i in result.items if i.difference != 0]
    _panel(svg, 2 * _MARGIN + _PANEL_W, "分项差额（元）", by_item)
    return ET.tostring(svg, encoding="unicode", xml_declaration=True)


def _panel(svg: ET.Element, left: int, caption: str, bars: list[tuple[str, Decimal]]) -> None:
    top = _MARGIN
    ET.SubElement(svg, "text", x=str(left), y=str(top + 14)).text = caption
    if not bars:
        ET.SubElement(svg, "text", x=str(left), y=str(top + 40)).text = "无变化"
        return
    scale = max(abs(v) for _, v in bars) or Decimal(1)
    plot_top, plot_h = top + 24, _PANEL_H - 24
    has_negative = any(v < 0 for _, v in bars)
    axis = plot_top + (plot_h // 2 if has_negative else plot_h)
    reach = Decimal(plot_h // 2 if has_negative else plot_h)
    step = _PANEL_W / len(bars)
    ET.SubElement(svg, "line", x1=str(left), x2=str(left + _PANEL_W), y1=str(axis), y2=str(axis), stroke="#333")
    for i, (label, value) in enumerate(bars):
        bar_h = float(abs(value) / scale * reach)
        x = left + i * step + step * 0.1
        y = axis - bar_h if value >= 0 else axis
        colour = "#2f6fb0" if value >= 0 else "#c0392b"
        bar = ET.SubElement(
            svg, "rect", x=f"{x:.1f}", y=f"{y:.1f}", width=f"{step * 0.8:.1f}", height=f"{bar_h:.1f}", fill=colour
        )
        ET.SubElement(bar, "title").text = f"{label}：{value:,}"
        text = ET.SubElement(
            svg,
            "text",
            x=f"{x + step * 0.4:.1f}",
            y=str(top + _PANEL_H + 14),
            transform=f"rotate(30 {x + step * 0.4:.1f} {top + _PANEL_H + 14})",
        )
        text.text = label


# --- over HTTP: every impact operation answers in these formats ----------------------------------------------------

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SVG_MEDIA_TYPE = "image/svg+xml"
ImpactFormat = Annotated[Literal["json", "xlsx", "svg"], Query(description="json（默认）| xlsx 工作簿 | svg 图表")]
IMPACT_FILES = file_response("影响测算结果", XLSX_MEDIA_TYPE, SVG_MEDIA_TYPE)


def impact_answer(result: ImpactOut, fmt: str, filename: str) -> Any:
    """The result as asked: itself (json), a workbook named ``filename``.xlsx, or the SVG chart."""
    title = f"影响测算：{result.scope}"
    if fmt == "xlsx":
        disposition = {"Content-Disposition": f'attachment; filename="{filename}.xlsx"'}
        return Response(to_xlsx(result, title=title), media_type=XLSX_MEDIA_TYPE, headers=disposition)
    if fmt == "svg":
        return Response(to_svg(result, title=title), media_type=SVG_MEDIA_TYPE)
    return result
