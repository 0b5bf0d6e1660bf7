"""Roster files as caseworkers save them: UTF-8 (with or without BOM), GB18030/GBK, or XLSX.

Whatever arrives is turned into the canonical roster CSV that ``parse_roster`` reads (which skips the
template's explanation row and blank rows): Chinese headers become the column names, 是/否 become true/false,
dates such as 2023/6/2 or 2023年6月2日 become 2023-06-02, and every cell stays text (户号 ``007`` keeps its zeros).
"""

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from expropriation.facts.household import HouseholdIn
from qz_common.errors import ProblemError, validation_errors

# column → (Chinese header, what to write in it); the order is the template's.
COLUMNS: dict[str, tuple[str, str]] = {
    "household_ref": ("户号", "必填；同一户的各行填同一户号，前导零保留"),
    "record": ("记录类型", "必填：member（家庭成员）或 building（房屋）"),
    "head_name": ("户主姓名", "每户至少一行填写"),
    "natural_village": ("自然村", "可空，缺省为项目所在村"),
    "method": ("安置方式", "monetary 货币 / house_voucher 房票 / property_swap 产权调换 / homestead 宅基地"),
    "moves_via_temporary_housing": ("经周转房搬迁", "是/否"),
    "expropriator_provides_transit_housing": ("征收人提供周转房", "是/否"),
    "flat_area_m2": ("安置房面积(㎡)", "产权调换时填写"),
    "flat_type": ("安置房类型", "multi_storey 多层 / high_rise 高层"),
    "delivery_months": ("安置房交付月数", "整数"),
    "appraised_price_per_m2": ("评估价(元/㎡)", "可空，缺省取项目评估价"),
    "name": ("姓名", "成员行必填"),
    "id_number": ("身份证号", "成员行必填，18位"),
    "collective_member": ("集体经济组织成员", "是/否"),
    "exclusion": (
        "不计安置人口情形",
        "affiliated / civil_servant / already_resettled / housing_reform / other_special",
    ),
    "is_owner": ("房屋所有权人", "是/否"),
    "died_on": ("死亡日期", "如 2023/6/2"),
    "occupancy": ("居住关系", "household 户内 / tenant 承租 / borrower 借用"),
    "civil_service_exit": ("离开机关事业单位方式", "retired 离退休 / resigned 辞职 / dismissed 辞退"),
    "civil_service_left_on": ("离开机关事业单位日期", "如 2023/6/2；辞职、辞退时必填"),
    "housing_reform_rented_only": ("房改房仅租住", "是/否"),
    "label": ("房屋名称", "房屋行，如 主房"),
    "use": ("用途", "residential 住宅 / non_residential 非住宅"),
    "structure": ("结构", "frame 框混 / brick_concrete 砖混 / brick_wood 砖木 / other 其他"),
    "legal_area_m2": ("合法面积(㎡)", "可空，缺省由证载面积或核定面积认定"),
    "certificate_area_m2": ("证载面积(㎡)", "可空"),
    "authority_area_m2": ("核定面积(㎡)", "可空"),
    "built_year": ("建成年份", "四位年份"),
    "kind": ("部位", "main 主房 / attic 阁楼 / stilt_floor 架空层 / ancillary 附属用房 等"),
    "land": ("土地性质", "collective 集体 / state 国有"),
    "eaves_height_m": ("檐口高度(米)", "阁楼填写"),
    "clear_height_m": ("净高(米)", "架空层填写"),
    "built": ("已建成", "是/否"),
    "work_kind": ("预公告后施工类型", "new_build / reconstruction / extension / sudden_decoration 等"),
    "work_done_on": ("施工日期", "如 2023/6/2"),
    "owner_uscc": ("产权单位统一社会信用代码", "非住宅房屋如有"),
}
EXPLANATION_MARK = "说明"
_BY_HEADER = {header: column for column, (header, _) in COLUMNS.items()} | {c: c for c in COLUMNS}
_YES_NO = {"是": "true", "否": "false"}
_DATE = re.compile(r"^(\d{4})\s*[/.\-年]\s*(\d{1,2})\s*[/.\-月]\s*(\d{1,2})\s*日?$")


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")  # what Chinese Excel and WPS save as "CSV"; a superset of GBK
    except UnicodeDecodeError:
        raise ProblemError(
            422, "encoding", "花名册须为 UTF-8、GB18030/GBK 编码的 CSV 或 XLSX 文件", field="file"
        ) from None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(raw: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError):
        raise ProblemError(422, "xlsx_invalid", "无法读取该 XLSX 文件", field="file") from None
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _normalise(value: str) -> str:
    value = value.strip()
    if value in _YES_NO:
        return _YES_NO[value]
    if match := _DATE.match(value):
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return value  # left for validation to name the field
    return value


def roster_text(raw: bytes) -> str:
    """The canonical roster CSV (English column names, normalised cells) of an uploaded file."""
    is_xlsx = raw.startswith(b"PK\x03\x04")
    rows = _xlsx_rows(raw) if is_xlsx else list(csv.reader(io.StringIO(_decode(raw))))
    if not rows:
        return ""
    header = [_BY_HEADER.get(h.strip(), h.strip()) for h in rows[0]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    # Every row is kept (blank ones and the explanation row too), so errors name the caseworker's row numbers.
    writer.writerows([_normalise(cell) for cell in row] for row in rows[1:])
    return out.getvalue()


def template(file_format: str) -> bytes:
    """The roster template: Chinese headers, an explanation row, one example member and one example building."""
    notes = [note for _, note in COLUMNS.values()]
    explanation = [f"{EXPLANATION_MARK}：{notes[0]}", *notes[1:]]
    example_member = {"household_ref": "007", "record": "member", "head_name": "张建国", "method": "monetary"}
    example_member |= {"name": "张建国", "id_number": "330802198506150014", "collective_member": "是", "is_owner": "是"}
    example_building = {"household_ref": "007", "record": "building", "label": "主房", "use": "residential"}
    example_building |= {"structure": "brick_concrete", "legal_area_m2": "150", "built_year": "2000", "built": "是"}
    rows = [
        [header for header, _ in COLUMNS.values()],
        explanation,
        [example_member.get(c, "") for c in COLUMNS],
        [example_building.get(c, "") for c in COLUMNS],
    ]
    if file_format == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return "\ufeff".encode() + out.getvalue().encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "花名册"
    for row in rows:
        sheet.append(row)
    for column in sheet.iter_cols(min_row=1, max_row=sheet.max_row):
        for cell in column:
            cell.number_format = "@"  # every column is text: 户号 and 身份证号 keep their zeros
    sheet.freeze_panes = "A3"
    out_bytes = io.BytesIO()
    workbook.save(out_bytes)
    return out_bytes.getvalue()


_MEMBER = (
    "name",
    "id_number",
    "collective_member",
    "exclusion",
    "is_owner",
    "died_on",
    "occupancy",
    "civil_service_exit",
    "civil_service_left_on",
    "housing_reform_rented_only",
)
_BUILDING = (
    "label",
    "use",
    "structure",
    "legal_area_m2",
    "certificate_area_m2",
    "authority_area_m2",
    "built_year",
    "kind",
    "land",
    "eaves_height_m",
    "clear_height_m",
    "built",
    "work_kind",
    "work_done_on",
    "owner_uscc",
)
_HOUSEHOLD = (
    "head_name",
    "natural_village",
    "method",
    "moves_via_temporary_housing",
    "expropriator_provides_transit_housing",
    "flat_area_m2",
    "flat_type",
    "delivery_months",
    "appraised_price_per_m2",
)
ROSTER_COLUMNS = ("household_ref", "record", *_HOUSEHOLD, *_MEMBER, *_BUILDING)
# Yes/no columns: a CSV cell is text, so these words are read as booleans here; anything else reaches the model as
# text and is refused there (the JSON API itself takes only true/false).
_FLAG_COLUMNS = frozenset(
    {
        "collective_member",
        "is_owner",
        "housing_reform_rented_only",
        "built",
        "moves_via_temporary_housing",
        "expropriator_provides_transit_housing",
    }
)
_FLAG_WORDS = {"true": True, "false": False, "是": True, "否": False}


def _cell(column: str, raw: str) -> str | bool:
    value = raw.strip()
    if column in _FLAG_COLUMNS:
        return _FLAG_WORDS.get(value.lower(), value)
    return value


def parse_roster(text: str) -> tuple[list[HouseholdIn], list[dict[str, str]]]:
    """Roster CSV: one row per member (record=member) or building part (record=building), grouped by household_ref.
    Household columns are read from the first row of the household that fills them."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("household_ref", "record") if c not in (reader.fieldnames or [])]
    if missing:
        return [], [{"field": c, "code": "missing_column", "detail": "缺少列"} for c in missing]
    groups: dict[str, dict[str, Any]] = {}
    errors: list[dict[str, str]] = []
    for row in reader:
        line = reader.line_num  # the row number the caseworker sees in the file
        ref = (row.get("household_ref") or "").strip()
        if ref.startswith(EXPLANATION_MARK) or not any(isinstance(v, str) and v.strip() for v in row.values()):
            continue  # the template's explanation row, and empty rows
        if not ref:
            errors.append({"field": f"row {line}.household_ref", "code": "missing", "detail": "缺少户号"})
            continue
        g = groups.setdefault(ref, {"ref": ref, "members": [], "buildings": [], "_lines": {}})
        for key in _HOUSEHOLD:
            if row.get(key) and key not in g:
                g[key] = _cell(key, row[key])
        record = (row.get("record") or "").strip()
        if record == "member":
            g["members"].append({k: _cell(k, row[k]) for k in _MEMBER if row.get(k)})
            g["_lines"][("members", len(g["members"]) - 1)] = line
        elif record == "building":
            g["buildings"].append({k: _cell(k, row[k]) for k in _BUILDING if row.get(k)})
            g["_lines"][("buildings", len(g["buildings"]) - 1)] = line
        else:
            errors.append(
                {"field": f"row {line}.record", "code": "invalid", "detail": "record 应为 member 或 building"}
            )
    households: list[HouseholdIn] = []
    for ref, g in groups.items():
        lines = g.pop("_lines")
        try:
            households.append(HouseholdIn.model_validate(g))
        except ValidationError as e:
            for err in validation_errors(list(e.errors())):
                loc = err["field"]
                where = f"household {ref}"
                for (kind, idx), line in lines.items():
                    if loc.startswith(f"{kind}[{idx}]"):
                        where = f"row {line}"
                errors.append({"field": f"{where}.{loc}", "code": err["code"], "detail": err["detail"]})
    return households, errors
