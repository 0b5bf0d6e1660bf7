"""Roster files as caseworkers save them: UTF-8 (with or without BOM), GB18030/GBK, or XLSX.

Whatever arrives is turned into the canonical roster's rows that ``parse_roster`` reads (which skips the
template's explanation row and blank rows): Chinese headers become the column names, 是/否 become true/false,
dates such as 2023/6/2 or 2023年6月2日 become 2023-06-02, and every cell stays text (户号 ``007`` keeps its zeros).

A file is read within limits (``RosterLimits``), in a worker thread, before a deadline, so that no file can stall
the service: an XLSX is a zip archive, and a few hundred KiB of it can unpack to gigabytes (a zip bomb) or to one
cell of hundreds of MB. Its members' declared sizes are checked before anything is unpacked (Python's zipfile never
unpacks more than a member declares: a member that lies fails its CRC), then the rows are read one at a time, each
row no wider than the header, each cell no longer than the CSV path has always allowed (``csv.field_size_limit()``).
"""

import asyncio
import csv
import datetime as dt
import io
import json
import re
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, overload

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import ValidationError

from expropriation.facts.household import HouseholdIn
from expropriation.rules.types import (
    AppraisedKind,
    BuildingKind,
    CivilServiceExit,
    Exclusion,
    FlatType,
    Land,
    Method,
    Occupancy,
    Structure,
    Use,
    WorkKind,
)
from expropriation.settings import ExpropriationSettings
from qz_common.errors import ProblemError, validation_errors

_YES_NO = {"是": "true", "否": "false"}
# The yes/no columns (a CSV cell is text: these words are read as booleans here, anything else reaches the model as
# text and is refused there; the JSON API itself takes only true/false).
_FLAG_COLUMNS = frozenset(
    {
        "collective_member",
        "is_owner",
        "housing_reform_rented_only",
        "built",
        "moves_via_temporary_housing",
        "expropriator_provides_transit_housing",
        "vacated_on_time",
        "voucher_buys_new_housing",
    }
)
# Coded columns: the Chinese word the template's drop-down offers → the code. An import takes either.
CHOICES: dict[str, dict[str, str]] = {
    "record": {"成员": "member", "房屋": "building", "评估项目": "appraised"},
    "method": {
        "货币": Method.MONETARY,
        "房票": Method.HOUSE_VOUCHER,
        "产权调换": Method.PROPERTY_SWAP,
        "宅基地": Method.HOMESTEAD,
    },
    "flat_type": {"多层": FlatType.MULTI_STOREY, "高层": FlatType.HIGH_RISE},
    "exclusion": {
        "挂靠": Exclusion.AFFILIATED,
        "在编人员": Exclusion.CIVIL_SERVANT,
        "已享受安置": Exclusion.ALREADY_RESETTLED,
        "已享受房改": Exclusion.HOUSING_REFORM,
        "其他特殊人员": Exclusion.OTHER_SPECIAL,
    },
    "occupancy": {"户内": Occupancy.HOUSEHOLD, "承租": Occupancy.TENANT, "借用": Occupancy.BORROWER},
    "civil_service_exit": {
        "离退休": CivilServiceExit.RETIRED,
        "辞职": CivilServiceExit.RESIGNED,
        "辞退": CivilServiceExit.DISMISSED,
    },
    "use": {"住宅": Use.RESIDENTIAL, "非住宅": Use.NON_RESIDENTIAL},
    "structure": {
        "框混": Structure.FRAME,
        "砖混": Structure.BRICK_CONCRETE,
        "砖木": Structure.BRICK_WOOD,
        "其他": Structure.OTHER,
    },
    "kind": {
        "主房": BuildingKind.MAIN,
        "阁楼": BuildingKind.ATTIC,
        "架空层": BuildingKind.STILT_FLOOR,
        "附属用房": BuildingKind.ANCILLARY,
        "擅自加层改扩建": BuildingKind.UNAUTHORISED_EXTENSION,
        "未拆旧房": BuildingKind.OLD_HOUSE_NOT_DEMOLISHED,
    },
    "land": {"集体": Land.COLLECTIVE, "国有": Land.STATE},
    "work_kind": {
        "新建": WorkKind.NEW_BUILD,
        "改建": WorkKind.RECONSTRUCTION,
        "扩建": WorkKind.EXTENSION,
        "突击装修": WorkKind.SUDDEN_DECORATION,
        "已批未开工而开工": WorkKind.START_APPROVED_BUILD,
        "其他不当增加补偿": WorkKind.OTHER_IMPROPER,
    },
    "appraised_kind": {
        "装修": AppraisedKind.DECORATION,
        "附属物": AppraisedKind.ATTACHMENT,
        "临时建筑": AppraisedKind.TEMPORARY_BUILDING,
    },
}
CHOICES.update({column: _YES_NO for column in sorted(_FLAG_COLUMNS)})


def _choose(column: str, note: str = "") -> str:
    """The hint of a coded column: the words its drop-down offers, then what else to know."""
    return " / ".join(CHOICES[column]) + (f"；{note}" if note else "")


# column → (Chinese header, what to write in it); the order is the template's. One row per member, building part or
# appraised item (装修、附属物、临时建筑), all on one sheet and keyed by 户号.
COLUMNS: dict[str, tuple[str, str]] = {
    "household_ref": ("户号", "必填；同一户的各行填同一户号，前导零保留"),
    "record": ("记录类型", _choose("record", "必填，每人、每处房屋、每个评估项目一行")),
    "head_name": ("户主姓名", "每户至少一行填写"),
    "natural_village": ("自然村", "可空，缺省为项目所在村"),
    "method": ("安置方式", _choose("method")),
    "appraised_price_per_m2": ("评估价(元/㎡)", "可空，缺省取项目评估价"),
    "voucher_purchase_price": ("房票购房总价(元)", "房票安置时填写所购商品房总价"),
    "voucher_buys_new_housing": ("房票购买新建商品房", _choose("voucher_buys_new_housing", "房票安置时填写")),
    "flat_area_m2": ("安置房面积(㎡)", "产权调换时填写"),
    "flat_type": ("安置房类型", _choose("flat_type")),
    "flat_market_price_per_m2": ("安置房市场评估价(元/㎡)", "产权调换时填写"),
    "flat_replacement_price_per_m2": ("安置房结算价(元/㎡)", "产权调换时填写"),
    "delivery_months": ("安置房交付月数", "整数"),
    "moves_via_temporary_housing": ("经周转房搬迁", _choose("moves_via_temporary_housing", "缺省为是")),
    "expropriator_provides_transit_housing": ("征收人提供周转房", _choose("expropriator_provides_transit_housing")),
    "agreement_signed_on": ("签约日期", "已签订补偿协议的填写，如 2023/6/2"),
    "vacated_on_time": ("按期腾空", _choose("vacated_on_time", "缺省为是")),
    "name": ("姓名", "成员行必填"),
    "id_number": ("身份证号", "成员行必填，18位"),
    "born_on": ("出生日期", "可空，缺省取身份证号中的日期；填写的须与之一致"),
    "collective_member": ("集体经济组织成员", _choose("collective_member")),
    "exclusion": ("不计安置人口情形", _choose("exclusion")),
    "is_owner": ("房屋所有权人", _choose("is_owner")),
    "died_on": ("死亡日期", "如 2023/6/2"),
    "occupancy": ("居住关系", _choose("occupancy", "缺省为户内")),
    "civil_service_exit": ("离开机关事业单位方式", _choose("civil_service_exit")),
    "civil_service_left_on": ("离开机关事业单位日期", "如 2023/6/2；辞职、辞退时必填"),
    "housing_reform_rented_only": ("房改房仅租住", _choose("housing_reform_rented_only")),
    "label": ("房屋名称", "房屋行，如 主房"),
    "use": ("用途", _choose("use")),
    "structure": ("结构", _choose("structure")),
    "legal_area_m2": ("合法面积(㎡)", "可空，缺省由证载面积或核定面积认定"),
    "certificate_area_m2": ("证载面积(㎡)", "可空"),
    "authority_area_m2": ("核定面积(㎡)", "可空"),
    "built_year": ("建成年份", "四位年份"),
    "kind": ("部位", _choose("kind", "缺省为主房")),
    "land": ("土地性质", _choose("land", "缺省为集体")),
    "eaves_height_m": ("檐口高度(米)", "阁楼填写"),
    "clear_height_m": ("净高(米)", "架空层填写"),
    "built": ("已建成", _choose("built", "审批未建部分填否")),
    "work_kind": ("预公告后施工类型", _choose("work_kind")),
    "work_done_on": ("施工日期", "如 2023/6/2"),
    "owner_uscc": ("产权单位统一社会信用代码", "非住宅房屋如有"),
    "appraised_kind": ("评估项目类别", _choose("appraised_kind", "评估项目行必填")),
    "appraised_label": ("评估项目名称", "评估项目行必填，如 客厅吊顶；显示在结算单上"),
    "appraised_amount": ("评估金额(元)", "评估项目行必填：评估机构按国有土地上房屋征收补偿标准评估的金额"),
    "made_on": ("建造或装修日期", "可空，如 2023/6/2；预公告后的不予补偿"),
}
EXPLANATION_MARK = "说明"
_BY_HEADER = {header: column for column, (header, _) in COLUMNS.items()} | {c: c for c in COLUMNS}
# Columns typed as text in the template, so Excel keeps an 18-digit number and leading zeros as typed.
TEXT_COLUMNS = ("household_ref", "id_number", "owner_uscc")
_DATE = re.compile(r"^(\d{4})\s*[/.\-年]\s*(\d{1,2})\s*[/.\-月]\s*(\d{1,2})\s*日?$")


# The CSV path's cell limit (the csv module refuses a longer field), and so the XLSX path's too.
MAX_CELL_CHARS = csv.field_size_limit()
# Columns up to the header's last name: enough for the template's and any a caseworker adds; it bounds the work of a
# row, since a reader pads every row of a sheet to its width.
MAX_COLUMNS = 256
# An XLSX cannot have more rows than this (Excel's limit): beyond it the file is not one.
_XLSX_MAX_ROW = 1_048_576
# Members unpacking to less than this are not checked for their compression ratio: they cannot hurt (the total is
# capped), and a short repetitive part (styles, an empty sheet) compresses far better than data does.
_RATIO_FLOOR_BYTES = 1024 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RosterLimits:
    """What one uploaded roster may hold, and how long it may take to read (the EXPROPRIATION_… settings)."""

    max_rows: int
    max_unpacked_bytes: int
    max_compression_ratio: int
    read_timeout_s: float

    @classmethod
    def of(cls, settings: ExpropriationSettings) -> "RosterLimits":
        return cls(
            max_rows=settings.max_roster_rows,
            max_unpacked_bytes=settings.max_xlsx_unpacked_bytes,
            max_compression_ratio=settings.max_xlsx_compression_ratio,
            read_timeout_s=settings.roster_read_timeout_s,
        )


def _limit(status: int, code: str, detail: str, limit: float) -> ProblemError:
    return ProblemError(status, code, detail, field="file", limit=limit)


def _too_slow(limits: RosterLimits) -> ProblemError:
    seconds = limits.read_timeout_s
    return _limit(
        413, "roster_read_timeout", f"花名册未能在 {seconds:g} 秒内读完：请拆分后分批导入，或稍后重试", seconds
    )


@dataclass(frozen=True)
class _Deadline:
    at: float  # time.monotonic()
    limits: RosterLimits

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise _too_slow(self.limits)


def _decode(raw: bytes) -> str:
    if raw.startswith(_UTF8_BOM):
        # The BOM says UTF-8: bytes that are not are refused rather than guessed at.
        try:
            return raw[len(_UTF8_BOM) :].decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: len(_UTF8_BOM) + error.start].count(b"\n") + 1
            detail = (
                f"文件以 UTF-8 标记（BOM）开头，但第 {line} 行起不是 UTF-8 编码："
                "请另存为“CSV UTF-8”或不带 BOM 的 GB18030/GBK 文件后重新导入"
            )
            raise ProblemError(422, "encoding", detail, field="file", encoding="utf-8", line=line) from None
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


def _invalid_xlsx() -> ProblemError:
    return ProblemError(422, "xlsx_invalid", "无法读取该 XLSX 文件", field="file")


def _check_archive(raw: bytes, limits: RosterLimits) -> None:
    """Refuse, from the sizes its members declare, an archive that would unpack to too much."""
    try:
        members = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _invalid_xlsx() from None
    ratio = limits.max_compression_ratio
    for member in members:
        if member.file_size > _RATIO_FLOOR_BYTES and member.file_size > ratio * max(member.compress_size, 1):
            detail = f"XLSX 文件中有部件的压缩比超过 {ratio}:1（疑似压缩炸弹），未予读取"
            raise _limit(422, "xlsx_compression_ratio", detail, ratio)
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        mib = limits.max_unpacked_bytes / 2**20
        raise _limit(
            413, "xlsx_too_large", f"XLSX 文件解压后超过 {mib:g} MiB：请拆分后分批导入", limits.max_unpacked_bytes
        )


def _header_width(header: list[str]) -> int:
    """Columns up to the header's last name: cells beyond it belong to no column (a formatted cell is not one)."""
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    if width > MAX_COLUMNS:
        raise _limit(422, "roster_too_wide", f"花名册表头有 {width} 列，超过 {MAX_COLUMNS} 列", MAX_COLUMNS)
    return width


def _cell_too_large(row: int) -> ProblemError:
    return _limit(422, "roster_cell_too_large", f"第 {row} 行有单元格超过 {MAX_CELL_CHARS} 个字符", MAX_CELL_CHARS)


def _xlsx_rows(raw: bytes, limits: RosterLimits) -> Iterator[list[str]]:
    """The first sheet's rows as text, the header first, each cut to the header's width."""
    _check_archive(raw, limits)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the size a sheet declares is not trusted: rows are read as they come
        header = [_cell_text(value) for value in next(sheet.iter_rows(max_row=1, values_only=True), ())]
        width = _header_width(header)
        yield header[:width]
        # Rows missing from the file are filled in as blank rows of that width, so row numbers stay the file's.
        for number, row in enumerate(sheet.iter_rows(min_row=2, max_col=max(width, 1), values_only=True), 2):
            if number > _XLSX_MAX_ROW:
                raise _invalid_xlsx()
            empty = row.count(None) == len(row)  # counted in C: a million missing rows cost a fraction of a second
            yield [] if empty else [_cell_text(value) for value in row[:width]]
        workbook.close()
    except ProblemError:
        raise
    except Exception:  # openpyxl raises whatever its parser meets in a malformed workbook; each means the same
        raise _invalid_xlsx() from None


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    """The rows of a CSV file, the header first, each cut to the header's width."""
    reader = csv.reader(io.StringIO(_decode(raw)))
    try:
        header = next(reader, [])
        width = _header_width(header)
        yield header[:width]
        for row in reader:
            yield row[:width]
    except csv.Error:  # the one error of the default dialect: a field longer than the module's limit
        raise _cell_too_large(reader.line_num) from None


def _bounded(rows: Iterable[list[str]], limits: RosterLimits, deadline: _Deadline) -> Iterator[list[str]]:
    """The rows up to the last that is not blank, at most ``max_rows`` of them, read before the deadline, one at a
    time. Blank rows stay (as empty rows) so that errors name the caseworker's row numbers."""
    kept = 0
    blank = 0  # blank rows since the last kept one: kept only if a row follows
    for number, row in enumerate(rows, 1):
        deadline.check()
        if any(len(cell) > MAX_CELL_CHARS for cell in row):  # an XLSX cell (the csv module refuses a CSV one)
            raise _cell_too_large(number)
        if not any(cell.strip() for cell in row):
            blank += 1
            continue
        if kept + blank + 1 > limits.max_rows:
            raise _limit(
                413, "roster_too_many_rows", f"花名册超过 {limits.max_rows} 行：请拆分后分批导入", limits.max_rows
            )
        yield from [[]] * blank
        yield row
        kept += blank + 1
        blank = 0


def _normalise(column: str, value: str) -> str:
    """A cell as the model reads it: a coded column's Chinese word as its code, a date as 2023-06-02."""
    value = value.strip()
    if value in CHOICES.get(column, {}):
        return CHOICES[column][value]
    if match := _DATE.match(value):
        year, month, day = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return value  # left for validation to name the field
    return value


def canonical_rows(raw: bytes, limits: RosterLimits, deadline: _Deadline) -> Iterator[list[str]]:
    """The rows of an uploaded file as the canonical roster has them, the header first: English column names,
    normalised cells. One row at a time: the file is never held again as text (issue 32)."""
    is_xlsx = raw.startswith(b"PK\x03\x04")
    rows = _bounded(_xlsx_rows(raw, limits) if is_xlsx else _csv_rows(raw), limits, deadline)
    first = next(rows, None)
    if first is None:
        return
    header = [_BY_HEADER.get(h.strip(), h.strip()) for h in first]
    yield header
    for row in rows:
        yield [_normalise(column, cell) for column, cell in zip(header, row, strict=False)]


def template(file_format: str) -> bytes:
    """The roster template: Chinese headers, an explanation row, an example member, building and appraised item.

    As XLSX it is ready for Excel and WPS: a drop-down of the Chinese words on every coded column, 户号, 身份证号 and
    统一社会信用代码 formatted as text down the whole column, widths to read the headers, the headers frozen."""
    notes = [note for _, note in COLUMNS.values()]
    explanation = [f"{EXPLANATION_MARK}：{notes[0]}", *notes[1:]]
    example_member = {"household_ref": "007", "record": "成员", "head_name": "张建国", "method": "货币"}
    example_member |= {"name": "张建国", "id_number": "330802198506150014", "collective_member": "是", "is_owner": "是"}
    example_building = {"household_ref": "007", "record": "房屋", "label": "主房", "use": "住宅"}
    example_building |= {"structure": "砖混", "legal_area_m2": "150", "built_year": "2000", "built": "是"}
    example_item = {"household_ref": "007", "record": "评估项目", "appraised_kind": "装修"}
    example_item |= {"appraised_label": "客厅吊顶", "appraised_amount": "12000"}
    rows = [
        [header for header, _ in COLUMNS.values()],
        explanation,
        *([example.get(c, "") for c in COLUMNS] for example in (example_member, example_building, example_item)),
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
    for cells in sheet.iter_cols(min_row=1, max_row=sheet.max_row):
        for cell in cells:
            cell.number_format = "@"  # the cells written here are text, as the import reads them
    for cell in sheet[2]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 90
    for index, (column, (header, _)) in enumerate(COLUMNS.items(), start=1):
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(column, header)
        if column in TEXT_COLUMNS:
            dimension.number_format = "@"  # the whole column, rows a caseworker adds too
        if column in CHOICES:
            sheet.add_data_validation(_drop_down(column, header, f"{letter}3:{letter}{_XLSX_MAX_ROW}"))
    sheet.freeze_panes = "B3"
    out_bytes = io.BytesIO()
    workbook.save(out_bytes)
    return out_bytes.getvalue()


def _display_width(text: str) -> int:
    """Columns of a spreadsheet's default font a text takes: a Chinese character is two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _width(column: str, header: str) -> int:
    if column in TEXT_COLUMNS and column != "household_ref":
        return 22  # 18 characters and a margin
    words = [header, *CHOICES.get(column, ())]
    return min(max(10, *(_display_width(word) + 2 for word in words)), 30)


def _drop_down(column: str, header: str, cells: str) -> DataValidation:
    """A list of the column's Chinese words; another value is refused by Excel and WPS as it is typed."""
    words = ",".join(CHOICES[column])
    validation = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True, showErrorMessage=True)
    validation.errorTitle, validation.error = header, f"请从下拉列表中选择：{words.replace(',', ' / ')}"
    validation.promptTitle, validation.prompt = header, words.replace(",", " / ")
    validation.showInputMessage = True
    validation.add(cells)
    return validation


_MEMBER = (
    "name",
    "id_number",
    "born_on",
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
    "appraised_price_per_m2",
    "voucher_purchase_price",
    "voucher_buys_new_housing",
    "flat_area_m2",
    "flat_type",
    "flat_market_price_per_m2",
    "flat_replacement_price_per_m2",
    "delivery_months",
    "moves_via_temporary_housing",
    "expropriator_provides_transit_housing",
    "agreement_signed_on",
    "vacated_on_time",
)
# An appraised item's columns → its field (AppraisedItemIn).
_APPRAISED = {"appraised_kind": "kind", "appraised_label": "label", "appraised_amount": "amount", "made_on": "made_on"}
ROSTER_COLUMNS = ("household_ref", "record", *_HOUSEHOLD, *_MEMBER, *_BUILDING, *_APPRAISED)
_FLAG_WORDS = {"true": True, "false": False, "是": True, "否": False}


def _cell(column: str, raw: str) -> str | bool:
    value = raw.strip()
    if column in _FLAG_COLUMNS:
        return _FLAG_WORDS.get(value.lower(), value)
    return value


class Roster(Sequence[HouseholdIn]):
    """The valid households of a roster, each held as the cells it was read from (as JSON text) and validated again
    from those same cells whenever it is read, so it reads back exactly as it was first validated.

    A roster's households are read more than once (the request's fingerprint, then the import), but never needed all
    at once: held as models, 10,000 households took 52 MB of the service's memory; as their cells, a quarter of that.
    """

    def __init__(self, cells: list[str]) -> None:
        self._cells = cells

    def __len__(self) -> int:
        return len(self._cells)

    @overload
    def __getitem__(self, index: int) -> HouseholdIn: ...
    @overload
    def __getitem__(self, index: slice) -> "Roster": ...
    def __getitem__(self, index: int | slice) -> "HouseholdIn | Roster":
        if isinstance(index, slice):
            return Roster(self._cells[index])
        return HouseholdIn.model_validate(json.loads(self._cells[index]))

    def __iter__(self) -> Iterator[HouseholdIn]:
        for cells in self._cells:
            yield HouseholdIn.model_validate(json.loads(cells))


class _Groups:
    """The rows read so far, grouped by household. A roster lists a household's rows together, so the household being
    read is held as cells and one finished is packed as JSON text (a fifth of its cells' memory); rows of a packed
    household found further down unpack it again. Households keep the order of their first rows."""

    def __init__(self) -> None:
        self.packed: dict[str, str] = {}  # ref → the household as JSON; "" for the one being read
        self.ref = ""
        self.current: dict[str, Any] = {}

    def of(self, ref: str) -> dict[str, Any]:
        if ref != self.ref:
            self._pack()
            packed = self.packed.setdefault(ref, "")  # a household found again keeps its place
            self.ref, self.current = ref, json.loads(packed) if packed else _new_group(ref)
        return self.current

    def _pack(self) -> None:
        if self.ref:
            self.packed[self.ref] = json.dumps(self.current, ensure_ascii=False, separators=(",", ":"))

    def each(self) -> Iterator[dict[str, Any]]:
        """Every household; each let go of as it is taken."""
        self._pack()
        self.ref, self.current = "", {}
        for ref in list(self.packed):
            yield json.loads(self.packed.pop(ref))


def _new_group(ref: str) -> dict[str, Any]:
    # ``_lines``: [part, index, row] of each member, building and appraised item, to name its row in an error
    return {"ref": ref, "members": [], "buildings": [], "appraised_items": [], "_lines": []}


def parse_roster(rows: Iterable[list[str]], deadline: _Deadline) -> tuple[Roster, list[dict[str, str]]]:
    """Canonical roster rows, the header first: one row per member (record=member), building part (record=building)
    or appraised item (record=appraised), grouped by household_ref. Household columns are read from the first row of
    the household that fills them. Rows are numbered as the caseworker sees them, the header being row 1."""
    rows = iter(rows)
    header = next(rows, [])
    missing = [c for c in ("household_ref", "record") if c not in header]
    if missing:
        return Roster([]), [{"field": c, "code": "missing_column", "detail": "缺少列"} for c in missing]
    groups = _Groups()
    errors: list[dict[str, str]] = []
    for line, cells in enumerate(rows, start=2):
        deadline.check()
        row = dict(zip(header, cells, strict=False))
        ref = row.get("household_ref", "").strip()
        if ref.startswith(EXPLANATION_MARK) or not any(v.strip() for v in row.values()):
            continue  # the template's explanation row, and empty rows
        if not ref:
            errors.append({"field": f"row {line}.household_ref", "code": "missing", "detail": "缺少户号"})
            continue
        g = groups.of(ref)
        for key in _HOUSEHOLD:
            if row.get(key) and key not in g:
                g[key] = _cell(key, row[key])
        record = row.get("record", "").strip()
        if record == "member":
            g["members"].append({k: _cell(k, row[k]) for k in _MEMBER if row.get(k)})
            g["_lines"].append(["members", len(g["members"]) - 1, line])
        elif record == "building":
            g["buildings"].append({k: _cell(k, row[k]) for k in _BUILDING if row.get(k)})
            g["_lines"].append(["buildings", len(g["buildings"]) - 1, line])
        elif record == "appraised":
            g["appraised_items"].append({field: row[k].strip() for k, field in _APPRAISED.items() if row.get(k)})
            g["_lines"].append(["appraised_items", len(g["appraised_items"]) - 1, line])
        else:
            detail = "记录类型应为 成员、房屋 或 评估项目（member、building、appraised）"
            errors.append({"field": f"row {line}.record", "code": "invalid", "detail": detail})
    households: list[str] = []
    for g in groups.each():
        deadline.check()
        lines = g.pop("_lines")
        try:
            HouseholdIn.model_validate(g)
            households.append(json.dumps(g, ensure_ascii=False, separators=(",", ":")))
        except ValidationError as e:
            for err in validation_errors(list(e.errors())):
                loc = err["field"]
                where = f"household {g['ref']}"
                for kind, idx, line in lines:
                    if loc.startswith(f"{kind}[{idx}]"):
                        where = f"row {line}"
                errors.append({"field": f"{where}.{loc}", "code": err["code"], "detail": err["detail"]})
    return Roster(households), errors


def _read(raw: bytes, limits: RosterLimits, deadline: _Deadline) -> tuple[Roster, list[dict[str, str]]]:
    return parse_roster(canonical_rows(raw, limits, deadline), deadline)


# Rosters are read in these threads, off the event loop. Two, so that one slow file does not hold up every other
# import; not more, since a thread reading holds the interpreter in turns with the loop that serves every request.
_READERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="roster-reader")


async def read_roster(raw: bytes, limits: RosterLimits) -> tuple[Roster, list[dict[str, str]]]:
    """The households of an uploaded roster file and the errors found in it, read in a worker thread.

    The deadline runs from now (a file waiting for a free thread spends its time too). The answer never waits past
    it, and the thread itself stops at its next row once it has passed.
    """
    deadline = _Deadline(time.monotonic() + limits.read_timeout_s, limits)
    reading = asyncio.get_running_loop().run_in_executor(_READERS, _read, raw, limits, deadline)
    try:
        return await asyncio.wait_for(reading, limits.read_timeout_s)
    except TimeoutError:
        raise _too_slow(limits) from None
