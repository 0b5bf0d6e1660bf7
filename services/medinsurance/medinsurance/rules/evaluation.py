"""表1 / 表2 of 衢医保发〔2023〕8号 附件4: evaluation of new 定点医疗机构 and 定点零售药店 (二(三)3).

基础指标 are pass/fail ("“否”即为不合格"): any failure makes the evaluation unqualified whatever the score.
评估指标 are scored item by item, each floored at 0 ("扣完为止") and capped at its maximum. Subjective items are
entered by the evaluator within their range. "得分取各评估小组成员平均分": each evaluator fills a sheet, item scores
and the total are the evaluators' average; "评估分数85分(含)以上的为合格".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from medinsurance.rules.basis import Day, basis, period_complete
from qz_common.ids import USCC
from qz_common.inputs import StrictInput
from qz_common.params import ParameterSet
from qz_common.periods import add_months

ZERO = Decimal(0)
CENT = Decimal("0.01")
T1 = "附件4 表1"
T2 = "附件4 表2"

NonNeg = Annotated[int, Field(ge=0, le=10_000)]
# Input bounds (not law): an 评估小组 is a handful of experts; an institution's licence and penalty history is short.
MAX_EVALUATORS = 30
MAX_LICENCES = 50
MAX_PENALTIES = 200


class _Frozen(StrictInput):
    """The facts a caseworker submits: exactly understood or refused (qz_common.inputs), and immutable."""

    model_config = ConfigDict(frozen=True)


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


class Hardware(_Frozen):
    """配备医保要求的硬件装置 (7分)."""

    missing_devices: NonNeg = Field(0, description="少配备的医保要求设施设备数（每项扣1分）")
    not_isolated: bool = Field(False, description="未与其他网络安全隔离、未与互联网物理隔离（扣2分）")
    missing_monitoring_devices: NonNeg = Field(0, description="少安装的人脸识别、视频监控设备数（每项扣3分）")
    bad_positions: NonNeg = Field(0, description="不符合安装要求的位置数（每个扣1分）")
    unclear_device_types: NonNeg = Field(0, description="不清晰的设备种类数（每种扣2分）")


class Disclosure(_Frozen):
    """信息公开制度."""

    prices_not_public: bool = Field(False, description="未公开药品、服务项目和材料的价格（扣2分）")
    missing_statements: NonNeg = Field(0, description="未向参保人员提供费用结算清单的例数（每例扣1分）")
    verified_price_complaints: NonNeg = Field(0, description="查实的价格投诉举报例数（表1每例扣5分，表2每例扣4分）")
    irregular_prices: NonNeg = Field(0, description="定价或标识不规范的例数（每例扣1分）")


class Premises(_Frozen):
    """经营场所: tenure, area, environment (and rooms for 表1)."""

    owned: bool = Field(False, description="房产所有权属法人代表（或负责人）或单位所有（得4分）")
    lease_months: NonNeg = Field(0, description="租赁合同年限（月；满1、2、3年分别得1、2、3分）")
    area_m2: Annotated[Decimal, Field(ge=0)] = Field(ZERO, description="实际经营面积（m²，按档得分）")
    comfort: Annotated[Decimal, Field(ge=0, le=2)] = Field(ZERO, description="环境舒适酌情得分（0–2分）")
    rooms_missing: Annotated[int, Field(ge=0, le=3)] = Field(
        0, description="表1：诊疗室、药房、输液室缺少的间数（每少一室扣1分）"
    )


class Ledger(_Frozen):
    """财务台账 (8分)."""

    accounts: Literal["computerised", "paper_only", "none"] = Field(
        "computerised",
        description="会计账目：computerised 电算化明细账 | paper_only 仅纸质明细账（得3分） | none 未建立（扣5分）",
    )
    findings: NonNeg = Field(0, description="未做到账账相符、账实相符的发现项数（每项扣1分）")


class Inventory(_Frozen):
    """进销存管理 (17分)."""

    computerised: bool = Field(True, description="购进、销售是否纳入“进、销、存”电算化管理（否则扣5分）")
    same_computer: bool = Field(True, description="经营电脑与上传医保系统电脑是否为同一台（否则扣3分）")
    mismatched_varieties: Annotated[int, Field(ge=0, le=5)] = Field(
        0, description="抽查5个品种中进销存不对应的品种数（每个扣1分）"
    )
    missing_binding_months: NonNeg = Field(0, description="评估前3个月中未按月装订的月数（每月扣2分）")
    binding_incomplete: bool = Field(False, description="装订是否不齐全（扣1分）")
    missing_stock_months: NonNeg = Field(0, description="盘存表缺少的月数（每月扣2分）")
    stock_detail_missing: bool = Field(False, description="盘存明细是否缺失（扣1分）")
    missing_fields: NonNeg = Field(0, description="药品购进记录缺少字段数（每个扣0.2分）")


class PenaltyRecord(_Frozen):
    """与医疗行为相关的行政处罚记录."""

    on: Day = Field(description="行政处罚日期（三年内的计入，以受理时间为准）")
    warning: bool = Field(
        description="是否为警告、通报批评类处罚（每次扣1分；其他类一次扣2分、两次扣5分、三次及以上扣10分）"
    )


class Licence(_Frozen):
    approved_on: Day = Field(description="执业（经营）许可证核准之日（计算经营时间长短）")
    uscc: USCC = Field(description="许可证对应的统一社会信用代码（代码不变按最早许可证计算）")


class Subjects(_Frozen):
    """For 规范化村级医疗机构 items 3, 8, 12 follow the 上级医疗机构 (参照上级医疗机构标准)."""

    hardware: Hardware = Field(description="上级医疗机构的硬件装置情况（规范化村级医疗机构参照上级标准）")
    basic_account: bool = Field(description="上级医疗机构是否所有资金收支通过基本账户")
    practice_subjects: Annotated[int, Field(ge=0)] = Field(description="上级医疗机构的诊疗科目数")


class MedicalSheet(_Frozen):
    """One evaluator's sheet for 表1 评估指标."""

    management_quality: Annotated[Decimal, Field(ge=1, le=2)] = Field(description="1 管理制度整体质量（1–2分，主观分）")
    unmaintained_cases: NonNeg = Field(0, description="2 未按要求维护标准数据库基础信息的例数（每例扣1分）")
    hardware: Hardware = Field(Hardware(), description="3 医保要求的硬件装置")
    disclosure: Disclosure = Field(Disclosure(), description="4 信息公开制度")
    premises: Premises = Field(Premises(), description="5 经营场所")
    physicians_meet_requirement: bool = Field(True, description="7 是否按规定配备医师（得2分）")
    intermediate_physicians: NonNeg = Field(0, description="7 增加的中级职称医师人数（每名加1分）")
    senior_physicians: NonNeg = Field(0, description="7 增加的副高及以上职称医师人数（每名加2分）")
    rehired_physicians: NonNeg = Field(0, description="7 有效劳务合同的中级及以上职称退休返聘医师人数")
    basic_account: bool = Field(True, description="8 所有资金收支是否通过本单位基本账户（得2分）")
    ledger: Ledger = Field(Ledger(), description="9 财务台账")
    inventory: Inventory = Field(Inventory(), description="10 进销存管理")
    irregular_records: Annotated[int, Field(ge=0, le=8)] = Field(
        0, description="11 抽查8份资料中不合理或不规范的份数（每份扣0.5分）"
    )
    practice_subjects: NonNeg = Field(1, description="12 执业许可证中的诊疗科目（大类）数")
    procurement_ok: bool = Field(True, description="13 是否按规定通过“智慧医保”招采子系统采购并按时结算（得2分）")
    community_designated: NonNeg = Field(0, description="14 社区内已有二级以下定点医疗机构家数")
    community_same_type: NonNeg = Field(0, description="14 其中同类型医疗机构家数")


class MedicalEvaluation(_Frozen):
    kind: Literal["medical_institution"] = Field(
        "medical_institution", description="评估表：medical_institution 表1 医疗机构"
    )
    evaluated_on: Day = Field(description="评估之日")
    accepted_on: Day = Field(description="受理之日（行政处罚记录以受理时间为准）")
    basic: dict[MedicalBasic, bool] = Field(description="基础指标1–10逐项是否符合（任一“否”即不合格）")
    licences: list[Licence] = Field(
        min_length=1, max_length=MAX_LICENCES, description="执业许可证（核准日期与统一社会信用代码）"
    )
    standardised_village: bool = Field(False, description="是否为规范化村级医疗机构（3、8、12项参照上级医疗机构）")
    village_clinic: bool = Field(False, description="是否为规范化村卫生室（经营面积60㎡以上即得满分）")
    community_station: bool = Field(False, description="是否为社区卫生服务站（经营面积150㎡以上即得满分）")
    secondary_or_above: bool = Field(False, description="是否为二级及以上医疗机构（不适用场所布局）")
    parent: Subjects | None = Field(None, description="规范化村级医疗机构的上级医疗机构情况")
    penalties: list[PenaltyRecord] = Field(
        default_factory=list, max_length=MAX_PENALTIES, description="与医疗行为相关的行政处罚记录"
    )
    sheets: list[MedicalSheet] = Field(
        min_length=1, max_length=MAX_EVALUATORS, description="各评估人员的评分表（取平均）"
    )


class PharmacySheet(_Frozen):
    """One evaluator's sheet for 表2 评估指标."""

    management_quality: Annotated[Decimal, Field(ge=1, le=2)] = Field(
        description="1 医保药品管理制度整体质量（1–2分，主观分）"
    )
    unmaintained_cases: NonNeg = Field(0, description="2 未按要求维护标准数据库基础信息的例数（每例扣1分）")
    disclosure: Disclosure = Field(Disclosure(), description="3 信息公开制度")
    premises: Premises = Field(Premises(), description="4 经营场所")
    chain: bool = Field(False, description="6 经营模式是否为零售（连锁）（连锁得5分，否则3分）")
    pharmacists_meet_requirement: bool = Field(True, description="7 是否按规定配备药师（得2分）")
    additional_licensed_pharmacists: NonNeg = Field(0, description="7 增加的执业药师人数（每名加2分）")
    rehired_pharmacists: NonNeg = Field(0, description="7 退休返聘药师人数（每名加1分）")
    basic_account: bool = Field(True, description="8 所有资金收支是否通过本单位基本账户（得2分）")
    ledger: Ledger = Field(Ledger(), description="9 财务台账")
    inventory: Inventory = Field(Inventory(), description="10 进销存数据传输和对应")
    nonconforming_layout: Annotated[int, Field(ge=0, le=3)] = Field(
        0, description="11 营业面积、专区、专柜设置不符合规范的项数"
    )
    positive_list_breached: bool = Field(False, description="11 其他用品是否超出正面清单")
    insurance_marks: bool = Field(True, description="12 是否设立医保用药标识（未设立不得分）")
    inaccurate_marks: NonNeg = Field(0, description="12 医保用药标识不准确的例数（每例扣1分）")
    hardware: Hardware = Field(Hardware(), description="13 医保要求的硬件装置")
    catalogue_drug_varieties: NonNeg = Field(0, description="14 浙江省医保药品目录内药品种类数")
    community_pharmacies: NonNeg = Field(0, description="15 社区内已有定点零售药店家数")


class PharmacyEvaluation(_Frozen):
    kind: Literal["retail_pharmacy"] = Field("retail_pharmacy", description="评估表：retail_pharmacy 表2 零售药店")
    evaluated_on: Day = Field(description="评估之日")
    accepted_on: Day = Field(description="受理之日（行政处罚记录以受理时间为准）")
    basic: dict[PharmacyBasic, bool] = Field(description="基础指标1–11逐项是否符合（任一“否”即不合格）")
    licences: list[Licence] = Field(
        min_length=1, max_length=MAX_LICENCES, description="药品经营许可证（核准日期与统一社会信用代码）"
    )
    penalties: list[PenaltyRecord] = Field(
        default_factory=list, max_length=MAX_PENALTIES, description="与医疗行为相关的行政处罚记录"
    )
    sheets: list[PharmacySheet] = Field(
        min_length=1, max_length=MAX_EVALUATORS, description="各评估人员的评分表（取平均）"
    )


class ItemScore(_Frozen):
    no: int
    name: str
    max: Decimal
    score: Decimal
    basis: str


class EvaluationResult(_Frozen):
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


def operating_since(licences: list[Licence]) -> dt.date:
    """表1 item 6 / 表2 item 5: "如果社会信用代码不变按照最老的执业许可证计算经营时间,如果社会信用代码有变化按照最新的
    执业许可证计算" — reading A-14: the earliest licence in the latest unbroken run under the current USCC."""
    ordered = sorted(licences, key=lambda lic: lic.approved_on)
    current = ordered[-1].uscc
    since = ordered[-1].approved_on
    for lic in reversed(ordered):
        if lic.uscc != current:
            break
        since = lic.approved_on
    return since


def _band_months(since: dt.date, on: dt.date, bands: list[list[Decimal]]) -> Decimal:
    for months, points in bands:
        if period_complete(since, on, int(months)):
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


def _disclosure(d: Disclosure, p: ParameterSet, prefix: str) -> Decimal:
    ded = (
        (p.decimal(f"{prefix}_not_public") if d.prices_not_public else ZERO)
        + d.missing_statements * p.decimal(f"{prefix}_per_missing_statement")
        + d.verified_price_complaints * p.decimal(f"{prefix}_per_price_complaint")
        + d.irregular_prices * p.decimal(f"{prefix}_per_irregular_price")
    )
    return _deduct(p.decimal(f"{prefix}_max"), ded)


def _tenure(pr: Premises, p: ParameterSet) -> Decimal:
    if pr.owned:
        return p.decimal("tenure_owned")
    return _band_at_least(Decimal(pr.lease_months), p["tenure_lease_bands"])


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


def penalty_deduction(penalties: list[PenaltyRecord], accepted_on: dt.date, p: ParameterSet) -> Decimal:
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
    ev: MedicalEvaluation, s: MedicalSheet, p: ParameterSet, since: dt.date, penalty_d: Decimal
) -> list[ItemScore]:
    def item(no: int, name: str, score: Decimal, note: str = "") -> ItemScore:
        mx = p.decimal(f"mi_{no:02d}_max")
        return ItemScore(no=no, name=name, max=mx, score=_clamp(score, mx), basis=basis(f"{T1} 评估指标{no}{note}"))

    village = ev.standardised_village
    parent = ev.parent
    if village and parent is None:
        raise ValueError("规范化村级医疗机构须提供上级医疗机构数据(表1 第3、8、12项 参照上级医疗机构标准)")
    hw = parent.hardware if village and parent else s.hardware
    account = parent.basic_account if village and parent else s.basic_account
    subjects = parent.practice_subjects if village and parent else s.practice_subjects
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
        item(1, "建立完善的管理制度", max(s.management_quality, p.decimal("mi_01_min"))),
        item(
            2, "建立完善的统计信息管理制度", p.decimal("mi_02_max") - s.unmaintained_cases * p.decimal("mi_02_per_case")
        ),
        item(3, "配备医保要求的硬件装置", _hardware(hw, p, p.decimal("mi_03_max")), vnote),
        item(4, "信息公开制度", _disclosure(s.disclosure, p, "mi_04")),
        item(5, "经营场所", premises),
        item(6, "经营时间长短", _band_months(since, ev.evaluated_on, p["mi_06_bands"])),
        item(7, "医师配备情况", physicians),
        item(8, "单位基本财务账户", p.decimal("mi_08_max") if account else ZERO, vnote),
        item(9, "财务台账", _ledger(s.ledger, p, p.decimal("mi_09_max"))),
        item(10, "进销存管理", _inventory(s.inventory, p, p.decimal("mi_10_max"))),
        item(11, "规范医疗行为", p.decimal("mi_11_max") - s.irregular_records * p.decimal("mi_11_per_case")),
        item(12, "诊疗科目", subjects_score, vnote),
        item(13, "药品招采", p.decimal("mi_13_max") if s.procurement_ok else ZERO),
        item(14, "场所布局", layout, layout_note),
        item(15, "行政处罚记录", p.decimal("mi_15_max") - penalty_d),
    ]


def _pharmacy_sheet(
    ev: PharmacyEvaluation, s: PharmacySheet, p: ParameterSet, since: dt.date, penalty_d: Decimal
) -> list[ItemScore]:
    def item(no: int, name: str, score: Decimal) -> ItemScore:
        mx = p.decimal(f"rp_{no:02d}_max")
        return ItemScore(no=no, name=name, max=mx, score=_clamp(score, mx), basis=basis(f"{T2} 评估指标{no}"))

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
    varieties = ZERO
    for threshold, points in p["rp_14_bands"]:
        if s.catalogue_drug_varieties > threshold:  # 超过 excludes the number
            varieties = points
            break
    layout = p.decimal("rp_15_max") if s.community_pharmacies < p.integer("rp_15_community_limit") else ZERO
    return [
        item(1, "建立完善的医保药品管理制度", max(s.management_quality, p.decimal("rp_01_min"))),
        item(
            2, "建立完善的统计信息管理制度", p.decimal("rp_02_max") - s.unmaintained_cases * p.decimal("rp_02_per_case")
        ),
        item(3, "信息公开制度", _disclosure(s.disclosure, p, "rp_03")),
        item(4, "经营场所", premises),
        item(5, "经营时间长短", _band_months(since, ev.evaluated_on, p["rp_05_bands"])),
        item(6, "经营模式", p.decimal("rp_06_chain") if s.chain else p.decimal("rp_06_single")),
        item(7, "药师配备情况", pharmacists),
        item(8, "单位基本财务账户", p.decimal("rp_08_max") if s.basic_account else ZERO),
        item(9, "财务台账", _ledger(s.ledger, p, p.decimal("rp_09_max"))),
        item(10, "进销存数据传输和对应", _inventory(s.inventory, p, p.decimal("rp_10_max"))),
        item(11, "分区摆放", p.decimal("rp_11_max") - layout_zone),
        item(12, "设立医保用药标识", marks),
        item(13, "配备医保要求的硬件装置", _hardware(s.hardware, p, p.decimal("rp_13_max"))),
        item(14, "药品品种", varieties),
        item(15, "场所布局", layout),
        item(16, "行政处罚记录", p.decimal("rp_16_max") - penalty_d),
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
    # "85分(含)以上": compared on the exact average (Σ totals ≥ 85 × n), so display rounding never passes anyone.
    qualified = basic_passed and exact_sum >= p.decimal("pass_score") * n
    return EvaluationResult(
        kind=kind,
        items=items,
        basic_passed=basic_passed,
        failed_basic=failed,
        total=total,
        qualified=qualified,
        evaluator_totals=totals,
        basis=basis(f"{table}; 二(三)3 得分取各评估小组成员平均分,85分(含)以上的为合格"),
    )


def score_medical(ev: MedicalEvaluation, p: ParameterSet) -> EvaluationResult:
    """表1 新增定点医疗机构评估标准: 基础指标 10 项 pass/fail, 评估指标 15 项 = 100分."""
    failed = [b.value for b in MedicalBasic if not ev.basic.get(b, False)]
    since = operating_since(ev.licences)
    penalty_d = penalty_deduction(ev.penalties, ev.accepted_on, p)
    sheets = [_medical_sheet(ev, s, p, since, penalty_d) for s in ev.sheets]
    return _average(sheets, p, ev.kind, failed, T1)


def score_pharmacy(ev: PharmacyEvaluation, p: ParameterSet) -> EvaluationResult:
    """表2 新增定点零售药店评估标准: 基础指标 11 项 pass/fail, 评估指标 16 项 = 100分."""
    failed = [b.value for b in PharmacyBasic if not ev.basic.get(b, False)]
    since = operating_since(ev.licences)
    penalty_d = penalty_deduction(ev.penalties, ev.accepted_on, p)
    sheets = [_pharmacy_sheet(ev, s, p, since, penalty_d) for s in ev.sheets]
    return _average(sheets, p, ev.kind, failed, T2)


def table_maxima(p: ParameterSet, prefix: str) -> dict[str, Decimal]:
    """Item maxima of 表1 (``mi``) or 表2 (``rp``) — their sum must be 100 ("合计")."""
    return {k: v for k, v in p.values.items() if k.startswith(f"{prefix}_") and k.endswith("_max")}
