"""表1 / 表2 of 衢医保发〔2023〕8号 附件4: evaluation of new 定点医疗机构 and 定点零售药店 (二(三)3).

基础指标 are pass/fail ("“否”即为不合格"): any failure makes the evaluation unqualified whatever the score.
评估指标 are scored item by item, each floored at 0 ("扣完为止") and capped at its maximum. Subjective items are
entered by the evaluator within their range. "得分取各评估小组成员平均分": each evaluator fills a sheet, item scores
and the total are the evaluators' average; "评估分数85分(含)以上的为合格".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

from medinsurance.rules.basis import basis, period_complete
from qz_common.params import ParameterSet
from qz_common.periods import add_months

ZERO = Decimal(0)
CENT = Decimal("0.01")
T1 = "附件4 表1"
T2 = "附件4 表2"

# 评估指标 by number: the item's name and the parameter holding its points ("合计" 100 each).
MEDICAL_ITEMS: dict[int, tuple[str, str]] = {
    1: ("建立完善的管理制度", "mi_01_max"),
    2: ("建立完善的统计信息管理制度", "mi_02_max"),
    3: ("配备医保要求的硬件装置", "mi_03_max"),
    4: ("信息公开制度", "mi_04_max"),
    5: ("经营场所", "mi_05_max"),
    6: ("经营时间长短", "mi_06_max"),
    7: ("医师配备情况", "mi_07_max"),
    8: ("单位基本财务账户", "mi_08_max"),
    9: ("财务台账", "mi_09_max"),
    10: ("进销存管理", "mi_10_max"),
    11: ("规范医疗行为", "mi_11_max"),
    12: ("诊疗科目", "mi_12_max"),
    13: ("药品招采", "mi_13_max"),
    14: ("场所布局", "mi_14_max"),
    15: ("行政处罚记录", "mi_15_max"),
}
PHARMACY_ITEMS: dict[int, tuple[str, str]] = {
    1: ("建立完善的医保药品管理制度", "rp_01_max"),
    2: ("建立完善的统计信息管理制度", "rp_02_max"),
    3: ("信息公开制度", "rp_03_max"),
    4: ("经营场所", "rp_04_max"),
    5: ("经营时间长短", "rp_05_max"),
    6: ("经营模式", "rp_06_max"),
    7: ("药师配备情况", "rp_07_max"),
    8: ("单位基本财务账户", "rp_08_max"),
    9: ("财务台账", "rp_09_max"),
    10: ("进销存数据传输和对应", "rp_10_max"),
    11: ("分区摆放", "rp_11_max"),
    12: ("设立医保用药标识", "rp_12_max"),
    13: ("配备医保要求的硬件装置", "rp_13_max"),
    14: ("药品品种", "rp_14_max"),
    15: ("场所布局", "rp_15_max"),
    16: ("行政处罚记录", "rp_16_max"),
}


@dataclass(frozen=True)
class DisclosureFigures:
    """The parameters of a table's 信息公开制度 item: its points and each deduction."""

    maximum: str
    not_public: str
    per_missing_statement: str
    per_price_complaint: str
    per_irregular_price: str


MEDICAL_DISCLOSURE = DisclosureFigures(
    "mi_04_max",
    "mi_04_not_public",
    "mi_04_per_missing_statement",
    "mi_04_per_price_complaint",
    "mi_04_per_irregular_price",
)
PHARMACY_DISCLOSURE = DisclosureFigures(
    "rp_03_max",
    "rp_03_not_public",
    "rp_03_per_missing_statement",
    "rp_03_per_price_complaint",
    "rp_03_per_irregular_price",
)

# The records below (keyword-only, like the form) are what an evaluator entered, already checked against the form's
# ranges by the API: api/schemas/calculations.py, which also says in Chinese what each field is.


class MedicalBasic(StrEnum):
    """表1 基础指标 1–10."""

    OPERATING_TIME = "operating_time"
    PHYSICIAN_AND_PREMISES = "physician_and_premises"
    INSURANCE_MANAGEMENT = "insurance_management"
    RULES = "rules"
    INFORMATION_SYSTEM = "information_system"
    BASE_DATABASE = "base_database"
    PRACTICE_SCOPE = "practice_scope"
    PRICE_POLICY = "price_policy"
    CREDIT = "credit"
    OTHER_REFUSAL = "other_refusal"


class PharmacyBasic(StrEnum):
    """表2 基础指标 1–11."""

    OPERATING_TIME = "operating_time"
    PHARMACIST = "pharmacist"
    INSURANCE_MANAGEMENT = "insurance_management"
    DRUG_MANAGEMENT = "drug_management"
    RULES = "rules"
    INFORMATION_SYSTEM = "information_system"
    BASE_DATABASE = "base_database"
    PRICE_POLICY = "price_policy"
    CREDIT = "credit"
    BUSINESS_SCOPE = "business_scope"
    OTHER_REFUSAL = "other_refusal"


@dataclass(frozen=True, kw_only=True)
class Hardware:
    """配备医保要求的硬件装置 (7分): counts of what is missing or wrong."""

    missing_devices: int = 0
    not_isolated: bool = False
    missing_monitoring_devices: int = 0
    bad_positions: int = 0
    unclear_device_types: int = 0


@dataclass(frozen=True, kw_only=True)
class Disclosure:
    """信息公开制度."""

    prices_not_public: bool = False
    missing_statements: int = 0
    verified_price_complaints: int = 0
    irregular_prices: int = 0


@dataclass(frozen=True, kw_only=True)
class Premises:
    """经营场所: tenure, area, environment (and, for 表1, the rooms missing of 诊疗室、药房、输液室)."""

    owned: bool = False
    lease_months: int = 0
    area_m2: Decimal = ZERO
    comfort: Decimal = ZERO
    rooms_missing: int = 0


@dataclass(frozen=True, kw_only=True)
class Ledger:
    """财务台账 (8分)."""

    accounts: Literal["computerised", "paper_only", "none"] = "computerised"
    findings: int = 0


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """进销存管理 (17分)."""

    computerised: bool = True
    same_computer: bool = True
    mismatched_varieties: int = 0
    missing_binding_months: int = 0
    binding_incomplete: bool = False
    missing_stock_months: int = 0
    stock_detail_missing: bool = False
    missing_fields: int = 0


@dataclass(frozen=True, kw_only=True)
class PenaltyRecord:
    """与医疗行为相关的行政处罚记录: a warning (警告、通报批评) or another kind."""

    on: dt.date
    warning: bool


@dataclass(frozen=True, kw_only=True)
class Licence:
    approved_on: dt.date
    uscc: str


@dataclass(frozen=True, kw_only=True)
class Subjects:
    """For 规范化村级医疗机构 items 3, 8, 12 follow the 上级医疗机构 (参照上级医疗机构标准)."""

    hardware: Hardware
    basic_account: bool
    practice_subjects: int


@dataclass(frozen=True, kw_only=True)
class MedicalSheet:
    """One evaluator's sheet for 表1 评估指标 (the numbers are the items')."""

    management_quality: Decimal  # 1 主观分 1–2
    unmaintained_cases: int = 0  # 2
    hardware: Hardware = field(default_factory=Hardware)  # 3
    disclosure: Disclosure = field(default_factory=Disclosure)  # 4
    premises: Premises = field(default_factory=Premises)  # 5
    physicians_meet_requirement: bool = True  # 7
    intermediate_physicians: int = 0
    senior_physicians: int = 0
    rehired_physicians: int = 0
    basic_account: bool = True  # 8
    ledger: Ledger = field(default_factory=Ledger)  # 9
    inventory: Inventory = field(default_factory=Inventory)  # 10
    irregular_records: int = 0  # 11, of the 8 records sampled
    practice_subjects: int = 1  # 12
    procurement_ok: bool = True  # 13
    community_designated: int = 0  # 14
    community_same_type: int = 0


@dataclass(frozen=True, kw_only=True)
class MedicalEvaluation:
    kind: Literal["medical_institution"] = "medical_institution"
    evaluated_on: dt.date
    accepted_on: dt.date  # 行政处罚记录以受理时间为准
    basic: Mapping[MedicalBasic, bool]
    licences: Sequence[Licence]
    standardised_village: bool = False
    village_clinic: bool = False
    community_station: bool = False
    secondary_or_above: bool = False
    parent: Subjects | None = None
    penalties: Sequence[PenaltyRecord] = ()
    sheets: Sequence[MedicalSheet]


@dataclass(frozen=True, kw_only=True)
class PharmacySheet:
    """One evaluator's sheet for 表2 评估指标 (the numbers are the items')."""

    management_quality: Decimal  # 1 主观分 1–2
    unmaintained_cases: int = 0  # 2
    disclosure: Disclosure = field(default_factory=Disclosure)  # 3
    premises: Premises = field(default_factory=Premises)  # 4
    chain: bool = False  # 6
    pharmacists_meet_requirement: bool = True  # 7
    additional_licensed_pharmacists: int = 0
    rehired_pharmacists: int = 0
    basic_account: bool = True  # 8
    ledger: Ledger = field(default_factory=Ledger)  # 9
    inventory: Inventory = field(default_factory=Inventory)  # 10
    nonconforming_layout: int = 0  # 11
    positive_list_breached: bool = False
    insurance_marks: bool = True  # 12
    inaccurate_marks: int = 0
    hardware: Hardware = field(default_factory=Hardware)  # 13
    catalogue_drug_varieties: int = 0  # 14
    community_pharmacies: int = 0  # 15


@dataclass(frozen=True, kw_only=True)
class PharmacyEvaluation:
    kind: Literal["retail_pharmacy"] = "retail_pharmacy"
    evaluated_on: dt.date
    accepted_on: dt.date  # 行政处罚记录以受理时间为准
    basic: Mapping[PharmacyBasic, bool]
    licences: Sequence[Licence]
    penalties: Sequence[PenaltyRecord] = ()
    sheets: Sequence[PharmacySheet]


@dataclass(frozen=True)
class ItemScore:
    no: int
    name: str
    max: Decimal
    score: Decimal
    basis: str


@dataclass(frozen=True)
class EvaluationResult:
    kind: str
    items: list[ItemScore]
    basic_passed: bool
    failed_basic: list[str]
    total: Decimal
    qualified: bool
    evaluator_totals: list[Decimal]
    basis: str


@dataclass(frozen=True)
class Implausible:
    field: str
    detail: str


def implausible(ev: MedicalEvaluation | PharmacyEvaluation, today: dt.date) -> list[Implausible]:
    """Dates that cannot be true of an evaluation: 二(三)3 evaluates "自受理申请材料之日起", so not before the
    acceptance; the result is recorded after the fact, so not in the future; a licence counted for 经营时间
    (表1 item 6 / 表2 item 5) was approved by the evaluation date."""
    found: list[Implausible] = []
    if ev.evaluated_on < ev.accepted_on:
        found.append(Implausible("evaluated_on", f"评估日期 {ev.evaluated_on} 早于受理日期 {ev.accepted_on}"))
    if ev.evaluated_on > today:
        found.append(Implausible("evaluated_on", f"评估日期 {ev.evaluated_on} 晚于今天 {today}"))
    for k, lic in enumerate(ev.licences):
        if lic.approved_on > ev.evaluated_on:
            found.append(
                Implausible(
                    f"licences.{k}.approved_on", f"许可证批准日期 {lic.approved_on} 晚于评估日期 {ev.evaluated_on}"
                )
            )
    return found


def _clamp(value: Decimal, maximum: Decimal) -> Decimal:
    return max(ZERO, min(value, maximum))


def _deduct(maximum: Decimal, deduction: Decimal) -> Decimal:
    return _clamp(maximum - deduction, maximum)


def operating_since(licences: Sequence[Licence], p: ParameterSet) -> dt.date:
    """表1 item 6 / 表2 item 5: "如果社会信用代码不变按照最老的执业许可证计算经营时间,如果社会信用代码有变化按照最新的
    执业许可证计算" — reading A-14 (parameter ``licence_history`` = ``latest_run``): the earliest licence in the latest
    unbroken run under the current USCC; the other reading (``oldest_under_uscc``): the oldest licence ever held under
    the current USCC, a run under another code in between notwithstanding."""
    ordered = sorted(licences, key=lambda lic: lic.approved_on)
    current = ordered[-1].uscc
    if p["licence_history"] == "oldest_under_uscc":
        return next(lic.approved_on for lic in ordered if lic.uscc == current)
    since = ordered[-1].approved_on
    for lic in reversed(ordered):
        if lic.uscc != current:
            break
        since = lic.approved_on
    return since


def _band_months(since: dt.date, on: dt.date, bands: list[list[Decimal]], calendar: ParameterSet) -> Decimal:
    """经营时间 bands: the first band whose months are 满 on ``on`` (reading A-02, as the calendar book reads it)."""
    for months, points in bands:
        if period_complete(since, on, int(months), calendar):
            return points
    return ZERO


def _band_at_least(value: Decimal, bands: list[list[Decimal]]) -> Decimal:
    for threshold, points in bands:
        if value >= threshold:
            return points
    return ZERO


def _hardware(h: Hardware, p: ParameterSet, maximum: Decimal) -> Decimal:
    d = (
        h.missing_devices * p.decimal("hw_missing_device")
        + (p.decimal("hw_not_isolated") if h.not_isolated else ZERO)
        + h.missing_monitoring_devices * p.decimal("hw_missing_monitor")
        + h.bad_positions * p.decimal("hw_bad_position")
        + h.unclear_device_types * p.decimal("hw_unclear_device")
    )
    return _deduct(maximum, d)


def _disclosure(d: Disclosure, p: ParameterSet, figures: DisclosureFigures) -> Decimal:
    ded = (
        (p.decimal(figures.not_public) if d.prices_not_public else ZERO)
        + d.missing_statements * p.decimal(figures.per_missing_statement)
        + d.verified_price_complaints * p.decimal(figures.per_price_complaint)
        + d.irregular_prices * p.decimal(figures.per_irregular_price)
    )
    return _deduct(p.decimal(figures.maximum), ded)


def _tenure(pr: Premises, p: ParameterSet) -> Decimal:
    """租赁 "超过3年(含3年)…": reading A-32 (parameter ``lease_band_boundary``) lets the 含 include 36 months; the
    other reading lets 超过 exclude it, so a lease of exactly 3 years falls to the next band."""
    if pr.owned:
        return p.decimal("tenure_owned")
    months = Decimal(pr.lease_months)
    for threshold, points in p["tenure_lease_bands"]:
        if months > threshold or (months == threshold and p["lease_band_boundary"] == "included"):
            return Decimal(points)
    return ZERO


def _ledger(ledger: Ledger, p: ParameterSet, maximum: Decimal) -> Decimal:
    """财务台账: "未建立扣5分,如按规定建立清晰的纸质明细账目但未建立电算化管理账目的,得3分" (reading A-15)."""
    if ledger.accounts == "none":
        start = maximum - p.decimal("ledger_not_established")
    elif ledger.accounts == "paper_only":
        start = p.decimal("ledger_paper_only_score")
    else:
        start = maximum
    return _clamp(start - ledger.findings * p.decimal("ledger_per_finding"), maximum)


def _inventory(inv: Inventory, p: ParameterSet, maximum: Decimal) -> Decimal:
    d = (
        (ZERO if inv.computerised else p.decimal("inv_not_computerised"))
        + (ZERO if inv.same_computer else p.decimal("inv_different_computer"))
        + inv.mismatched_varieties * p.decimal("inv_per_mismatch")
        + inv.missing_binding_months * p.decimal("inv_per_missing_binding_month")
        + (p.decimal("inv_incomplete_binding") if inv.binding_incomplete else ZERO)
        + inv.missing_stock_months * p.decimal("inv_per_missing_stock_month")
        + (p.decimal("inv_stock_detail_missing") if inv.stock_detail_missing else ZERO)
        + inv.missing_fields * p.decimal("inv_per_missing_field")
    )
    return _deduct(maximum, d)


def penalty_deduction(penalties: Sequence[PenaltyRecord], accepted_on: dt.date, p: ParameterSet) -> Decimal:
    """行政处罚记录: "三年内每有一次警告、通报批评类行政处罚扣1分;其他类型…三年内有一次扣2分,两次扣5分,三次及以上扣10分"
    "(以受理时间为准)": counted over the 3 years up to the acceptance date, boundary included."""
    start = add_months(accepted_on, -p.integer("penalty_lookback_months"))
    recent = [r for r in penalties if start <= r.on <= accepted_on]
    warnings = sum(1 for r in recent if r.warning)
    others = sum(1 for r in recent if not r.warning)
    d = warnings * p.decimal("penalty_per_warning")
    for count, deduction in p["penalty_other_bands"]:
        if others >= count:
            d += deduction
            break
    return d


def _medical_sheet(
    ev: MedicalEvaluation, s: MedicalSheet, p: ParameterSet, since: dt.date, penalty_d: Decimal, calendar: ParameterSet
) -> list[ItemScore]:
    def item(no: int, score: Decimal, note: str = "") -> ItemScore:
        name, key = MEDICAL_ITEMS[no]
        mx = p.decimal(key)
        return ItemScore(no=no, name=name, max=mx, score=_clamp(score, mx), basis=basis(f"{T1} 评估指标{no}{note}"))

    village = ev.standardised_village
    # "规范化村级医疗机构参照上级医疗机构标准" (items 3, 8, 12): reading A-29 (parameter ``village_items_on`` =
    # ``parent``) scores them on the 上级医疗机构's data; the other reading (``own``) holds the village institution
    # to the 上级's standard on its own data.
    on_parent = village and p["village_items_on"] == "parent"
    parent = ev.parent
    if on_parent and parent is None:
        raise ValueError("规范化村级医疗机构须提供上级医疗机构数据(表1 第3、8、12项 参照上级医疗机构标准)")
    hw = parent.hardware if on_parent and parent else s.hardware
    account = parent.basic_account if on_parent and parent else s.basic_account
    subjects = parent.practice_subjects if on_parent and parent else s.practice_subjects
    vnote = " 参照上级医疗机构标准" if village else ""

    pr = s.premises
    full_area = p["mi_area_bands"][0][1]
    if (village and ev.village_clinic and pr.area_m2 >= p.decimal("mi_area_full_village_clinic_m2")) or (
        ev.community_station and pr.area_m2 >= p.decimal("mi_area_full_community_station_m2")
    ):
        area = full_area
    else:
        area = _band_at_least(pr.area_m2, p["mi_area_bands"])
    rooms = max(ZERO, p.decimal("mi_rooms_full") - pr.rooms_missing)
    premises = _tenure(pr, p) + area + min(pr.comfort, p.decimal("comfort_max")) + rooms

    physicians = (
        (p.decimal("mi_07_base") if s.physicians_meet_requirement else ZERO)
        + s.intermediate_physicians * p.decimal("mi_07_intermediate")
        + s.senior_physicians * p.decimal("mi_07_senior")
        + s.rehired_physicians * p.decimal("mi_07_rehired")
    )
    subjects_score = ZERO if subjects < 1 else p.decimal("mi_12_base") + (subjects - 1) * p.decimal("mi_12_per_extra")
    if village or ev.secondary_or_above:
        layout = p.decimal("mi_14_max")
        layout_note = " 不受场所布局影响"
    elif s.community_designated >= p.integer("mi_14_community_limit") or s.community_same_type >= p.integer(
        "mi_14_same_type_zero_at"
    ):
        layout, layout_note = ZERO, ""
    elif s.community_same_type == 1:
        layout, layout_note = p.decimal("mi_14_one_same_type"), ""
    else:
        layout, layout_note = p.decimal("mi_14_max"), ""

    return [
        item(1, max(s.management_quality, p.decimal("mi_01_min"))),
        item(2, p.decimal("mi_02_max") - s.unmaintained_cases * p.decimal("mi_02_per_case")),
        item(3, _hardware(hw, p, p.decimal("mi_03_max")), vnote),
        item(4, _disclosure(s.disclosure, p, MEDICAL_DISCLOSURE)),
        item(5, premises),
        item(6, _band_months(since, ev.evaluated_on, p["mi_06_bands"], calendar)),
        item(7, physicians),
        item(8, p.decimal("mi_08_max") if account else ZERO, vnote),
        item(9, _ledger(s.ledger, p, p.decimal("mi_09_max"))),
        item(10, _inventory(s.inventory, p, p.decimal("mi_10_max"))),
        item(11, p.decimal("mi_11_max") - s.irregular_records * p.decimal("mi_11_per_case")),
        item(12, subjects_score, vnote),
        item(13, p.decimal("mi_13_max") if s.procurement_ok else ZERO),
        item(14, layout, layout_note),
        item(15, p.decimal("mi_15_max") - penalty_d),
    ]


def _pharmacy_sheet(
    ev: PharmacyEvaluation,
    s: PharmacySheet,
    p: ParameterSet,
    since: dt.date,
    penalty_d: Decimal,
    calendar: ParameterSet,
) -> list[ItemScore]:
    def item(no: int, score: Decimal, capped: bool = True) -> ItemScore:
        name, key = PHARMACY_ITEMS[no]
        mx = p.decimal(key)
        kept = _clamp(score, mx) if capped else max(ZERO, score)
        return ItemScore(no=no, name=name, max=mx, score=kept, basis=basis(f"{T2} 评估指标{no}"))

    pr = s.premises
    premises = (
        _tenure(pr, p) + _band_at_least(pr.area_m2, p["rp_area_bands"]) + min(pr.comfort, p.decimal("comfort_max"))
    )
    pharmacists = (
        (p.decimal("rp_07_base") if s.pharmacists_meet_requirement else ZERO)
        + s.additional_licensed_pharmacists * p.decimal("rp_07_licensed")
        + s.rehired_pharmacists * p.decimal("rp_07_rehired")
    )
    layout_zone = s.nonconforming_layout * p.decimal("rp_11_per_nonconforming") + (
        p.decimal("rp_11_positive_list") if s.positive_list_breached else ZERO
    )
    marks = (
        p.decimal("rp_12_max") - s.inaccurate_marks * p.decimal("rp_12_per_inaccurate") if s.insurance_marks else ZERO
    )
    # "超过200的得1分,低于200的不得分": reading A-30 (parameter ``variety_band_boundary``) lets 超过 exclude the
    # number, so exactly 200 (or 600) falls in the gap; the other reading gives it the band's points.
    varieties = ZERO
    for threshold, points in p["rp_14_bands"]:
        count = s.catalogue_drug_varieties
        if count > threshold or (count == threshold and p["variety_band_boundary"] == "included"):
            varieties = points
            break
    layout = p.decimal("rp_15_max") if s.community_pharmacies < p.integer("rp_15_community_limit") else ZERO
    return [
        item(1, max(s.management_quality, p.decimal("rp_01_min"))),
        item(2, p.decimal("rp_02_max") - s.unmaintained_cases * p.decimal("rp_02_per_case")),
        item(3, _disclosure(s.disclosure, p, PHARMACY_DISCLOSURE)),
        item(4, premises),
        item(5, _band_months(since, ev.evaluated_on, p["rp_05_bands"], calendar)),
        item(6, p.decimal("rp_06_chain") if s.chain else p.decimal("rp_06_single")),
        # 药师配备 adds 2 per pharmacist and states no upper limit: reading A-45 (parameter ``pharmacist_points``
        # = ``row_max``) stops it at the row's 分值 5; the other reading (``uncapped``) counts every pharmacist.
        item(7, pharmacists, capped=p["pharmacist_points"] == "row_max"),
        item(8, p.decimal("rp_08_max") if s.basic_account else ZERO),
        item(9, _ledger(s.ledger, p, p.decimal("rp_09_max"))),
        item(10, _inventory(s.inventory, p, p.decimal("rp_10_max"))),
        item(11, p.decimal("rp_11_max") - layout_zone),
        item(12, marks),
        item(13, _hardware(s.hardware, p, p.decimal("rp_13_max"))),
        item(14, varieties),
        item(15, layout),
        item(16, p.decimal("rp_16_max") - penalty_d),
    ]


def _average(
    sheets: list[list[ItemScore]], p: ParameterSet, kind: str, failed: list[str], table: str
) -> EvaluationResult:
    n = len(sheets)
    totals = [sum((i.score for i in sheet), ZERO) for sheet in sheets]
    items = [
        ItemScore(
            no=first.no,
            name=first.name,
            max=first.max,
            score=(sum((sheet[k].score for sheet in sheets), ZERO) / n).quantize(CENT, ROUND_HALF_UP),
            basis=first.basis,
        )
        for k, first in enumerate(sheets[0])
    ]
    exact_sum = sum(totals, ZERO)
    total = (exact_sum / n).quantize(CENT, ROUND_HALF_UP)
    basic_passed = not failed
    # "85分(含)以上", reading A-13 (parameter ``pass_compared_on``): the exact average (Σ totals ≥ 85 × n), so display
    # rounding never passes anyone; the other reading compares the average shown, rounded to 0.01.
    pass_score = p.decimal("pass_score")
    if p["pass_compared_on"] == "exact_average":
        qualified = basic_passed and exact_sum >= pass_score * n
    else:
        qualified = basic_passed and total >= pass_score
    return EvaluationResult(
        kind=kind,
        items=items,
        basic_passed=basic_passed,
        failed_basic=failed,
        total=total,
        qualified=qualified,
        evaluator_totals=totals,
        basis=basis(f"{table}; 二(三)3 得分取各评估小组成员平均分,{pass_score}分(含)以上的为合格"),
    )


def score_medical(ev: MedicalEvaluation, p: ParameterSet, calendar: ParameterSet) -> EvaluationResult:
    """表1 新增定点医疗机构评估标准: 基础指标 10 项 pass/fail, 评估指标 15 项 = 100分."""
    failed = [b.value for b in MedicalBasic if not ev.basic.get(b, False)]
    since = operating_since(ev.licences, p)
    penalty_d = penalty_deduction(ev.penalties, ev.accepted_on, p)
    sheets = [_medical_sheet(ev, s, p, since, penalty_d, calendar) for s in ev.sheets]
    return _average(sheets, p, ev.kind, failed, T1)


def score_pharmacy(ev: PharmacyEvaluation, p: ParameterSet, calendar: ParameterSet) -> EvaluationResult:
    """表2 新增定点零售药店评估标准: 基础指标 11 项 pass/fail, 评估指标 16 项 = 100分."""
    failed = [b.value for b in PharmacyBasic if not ev.basic.get(b, False)]
    since = operating_since(ev.licences, p)
    penalty_d = penalty_deduction(ev.penalties, ev.accepted_on, p)
    sheets = [_pharmacy_sheet(ev, s, p, since, penalty_d, calendar) for s in ev.sheets]
    return _average(sheets, p, ev.kind, failed, T2)


def score(ev: MedicalEvaluation | PharmacyEvaluation, p: ParameterSet, calendar: ParameterSet) -> EvaluationResult:
    """The evaluation scored on its own table: 表1 for a 医疗机构, 表2 for a 零售药店; 经营时间 is 满 as the calendar
    book reads A-02."""
    if isinstance(ev, MedicalEvaluation):
        return score_medical(ev, p, calendar)
    return score_pharmacy(ev, p, calendar)


def table_maxima(p: ParameterSet, items: Mapping[int, tuple[str, str]]) -> dict[int, Decimal]:
    """Item points of 表1 (``MEDICAL_ITEMS``) or 表2 (``PHARMACY_ITEMS``) by number — their sum is 100 ("合计")."""
    return {no: p.decimal(key) for no, (_, key) in items.items()}
