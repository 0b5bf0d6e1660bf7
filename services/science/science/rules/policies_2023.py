"""衢政发〔2023〕1号 二、科技创新政策 items 7–16 (责任单位 mainly 市科技局).

Items 13, 14 and 15 are calculators; the computable sentences of items 8, 10 and 12 too. Items 7–12 and 16 are also
kept as structured, citable records of their targets and funds (``ITEMS``).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from qz_common.money import to_fen
from science.rules.basis import policies
from science.rules.params import PolicyParams


def item(number: int) -> str:
    """``衢政发〔2023〕1号 二13``."""
    return policies(f"二{number}")


@dataclass(frozen=True)
class Line:
    label: str
    amount: Decimal
    basis: str


@dataclass(frozen=True)
class Award:
    eligible: bool
    amount: Decimal
    lines: tuple[Line, ...]
    basis: tuple[str, ...]
    reasons: tuple[str, ...] = ()


def in_force(on: dt.date, p: PolicyParams) -> bool:
    """The policy items are for 2023 (2023年 targets; valid_from/valid_until in params/policies.toml)."""
    return p.valid_from <= on <= p.valid_until


@dataclass(frozen=True)
class RdSubsidyInput:
    rd_expense: Decimal  # 年度申报允许加计扣除研发费用 (核定), yuan
    previous_rd_expense: Decimal  # the year before
    revenue: Decimal  # 营业收入


def rd_growth_met(rd: Decimal, previous: Decimal, p: PolicyParams) -> bool:
    """研发费用年增长20%以上: rd ≥ previous × 1.2.

    With no previous R&D the growth rate is undefined: not met, or under the other reading any R&D this year is
    growth (``rd_growth_without_previous``, AMBIGUITIES.md P-02).
    """
    if previous <= 0:
        return p.rd_growth_without_previous == "met" and rd > 0
    return rd - previous >= previous * p.rd_min_growth


def rd_subsidy(data: RdSubsidyInput, p: PolicyParams) -> Award:
    """13 对年度申报允许加计扣除研发费用达200万元及以上的企业，或……占营业收入比重3%以上且研发费用年增长20%以上的企业，
    按核定研发费用总额的一定比例给予补助，其中存量部分按2%给予补助、增量部分按10%给予补助，补助总额不超过100万元.

    Reading (AMBIGUITIES.md P-01): 存量 = the part of this year's R&D up to last year's amount (min(rd, previous));
    增量 = the excess over last year (max(rd − previous, 0)). Each line is rounded to 分; the total is capped.
    """
    basis = item(13)
    rd, previous = data.rd_expense, data.previous_rd_expense
    if rd < 0 or previous < 0 or data.revenue < 0:
        raise ValueError("amounts must not be negative")
    by_amount = rd >= p.rd_min_expense
    by_ratio = data.revenue > 0 and rd >= data.revenue * p.rd_min_ratio
    by_growth = rd_growth_met(rd, previous, p)
    if not (by_amount or (by_ratio and by_growth)):
        reasons = [f"研发费用{rd}元未达{p.rd_min_expense}元"]
        if not by_ratio:
            reasons.append(f"研发费用占营业收入比重未达{(p.rd_min_ratio * 100).normalize():f}%")
        if not by_growth:
            reasons.append(
                "研发费用年增长未达"
                f"{(p.rd_min_growth * 100).normalize():f}%"
                + ("（上年无研发费用，增长率无法计算）" if previous <= 0 else "")
            )
        return Award(False, Decimal("0.00"), (), (basis,), tuple(reasons))
    existing = min(rd, previous)
    increase = max(rd - previous, Decimal(0))
    lines = [
        Line(
            f"存量部分{to_fen(existing)}元×{(p.rd_existing_rate * 100).normalize():f}%",
            to_fen(existing * p.rd_existing_rate),
            basis,
        ),
        Line(
            f"增量部分{to_fen(increase)}元×{(p.rd_increase_rate * 100).normalize():f}%",
            to_fen(increase * p.rd_increase_rate),
            basis,
        ),
    ]
    total = sum((line.amount for line in lines), Decimal("0.00"))
    notes: tuple[str, ...] = ()
    if total > p.rd_cap:
        notes = (f"补助总额不超过{p.rd_cap}元（计算值{total}元）",)
        total = p.rd_cap
    return Award(True, to_fen(total), tuple(lines), (basis,), notes)


class InternationalBaseKind(enum.StrEnum):
    COOPERATION_BASE = "cooperation_base"  # 省级国际合作基地
    JOINT_LAB = "joint_lab"  # 国际联合实验室
    OVERSEAS_INCUBATION_CENTRE = "overseas_incubation_centre"  # 海外创新孵化中心


def international_base_award(filed_with_province: bool, rated_excellent: bool, p: PolicyParams) -> Award:
    """14 在省科技厅备案的省级国际合作基地、国际联合实验室和海外创新孵化中心，
    经省绩效考核评为优秀的，给予每家100万元奖励.
    """
    basis = item(14)
    reasons: list[str] = []
    if not filed_with_province:
        reasons.append("未在省科技厅备案")
    if not rated_excellent:
        reasons.append("未经省绩效考核评为优秀")
    if reasons:
        return Award(False, Decimal("0.00"), (), (basis,), tuple(reasons))
    amount = to_fen(p.international_base_award)
    return Award(True, amount, (Line("省绩效考核优秀，每家奖励", amount, basis),), (basis,))


def overseas_rd_award(overseas_rd_investment: Decimal, already_awarded: bool, p: PolicyParams) -> Award:
    """14 鼓励企业通过并购或自建方式在海外设立研发机构，符合条件的，
    按其海外研发投入的5%给予最高不超过500万元的一次性奖励.
    """
    basis = item(14)
    if already_awarded:
        return Award(False, Decimal("0.00"), (), (basis,), ("一次性奖励已享受",))
    if overseas_rd_investment <= 0:
        return Award(False, Decimal("0.00"), (), (basis,), ("无海外研发投入",))
    computed = to_fen(overseas_rd_investment * p.overseas_rd_rate)
    amount = min(computed, p.overseas_rd_cap)
    reasons = (f"最高不超过{p.overseas_rd_cap}元（计算值{computed}元）",) if computed > p.overseas_rd_cap else ()
    line = Line(
        f"海外研发投入{to_fen(overseas_rd_investment)}元×{(p.overseas_rd_rate * 100).normalize():f}%", computed, basis
    )
    return Award(True, to_fen(amount), (line,), (basis,), reasons)


class CarrierLevel(enum.StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"


class IncubatorEvent(enum.StrEnum):
    NEW_INCUBATOR = "new_incubator"  # 新认定的科技企业孵化器
    NEW_MAKER_SPACE = "new_maker_space"  # 新备案的众创空间
    EXCELLENT_MAKER_SPACE = "excellent_maker_space"  # 新评定的优秀众创空间


def incubator_award(
    event: IncubatorEvent, level: CarrierLevel, p: PolicyParams, superior_award: Decimal | None = None
) -> Award:
    """15 对新认定的国家级、省级科技企业孵化器分别给予300万元、100万元的补助；对新备案的国家级、省级众创空间给予20万元、
    10万元的补助；对新评定的优秀国家、省级众创空间按上级补助标准1:1配套补助.
    """
    basis = item(15)
    if event is IncubatorEvent.NEW_INCUBATOR:
        amount = p.incubator_national if level is CarrierLevel.NATIONAL else p.incubator_provincial
        label = f"新认定{'国家级' if level is CarrierLevel.NATIONAL else '省级'}科技企业孵化器"
    elif event is IncubatorEvent.NEW_MAKER_SPACE:
        amount = p.maker_space_national if level is CarrierLevel.NATIONAL else p.maker_space_provincial
        label = f"新备案{'国家级' if level is CarrierLevel.NATIONAL else '省级'}众创空间"
    else:
        if superior_award is None or superior_award <= 0:
            return Award(False, Decimal("0.00"), (), (basis,), ("须提供上级补助金额（按1:1配套）",))
        amount = superior_award * p.excellent_maker_space_match_ratio
        grade = "国家" if level is CarrierLevel.NATIONAL else "省级"
        label = f"优秀{grade}众创空间，上级补助{to_fen(superior_award)}元1:1配套"
    rounded = to_fen(amount)
    return Award(True, rounded, (Line(label, rounded, basis),), (basis,))


def insurance_compensation(premium: Decimal, p: PolicyParams) -> Award:
    """8 支持创新券给予保费兑付补偿，补偿额为企业实际投保费用的80% (科技成果先用后转保险)."""
    basis = item(8)
    rate = p.insurance_compensation_rate
    amount = to_fen(premium * rate)
    label = f"实际投保费用{to_fen(premium)}元×{(rate * 100).normalize():f}%"
    return Award(True, amount, (Line(label, amount, basis),), (basis,))


def innovation_centre_city_minimum(
    provincial_funding: Decimal, p: PolicyParams, city_funding: Decimal | None = None
) -> Award:
    """10 市财政合计补助经费不低于省财政补助经费的2倍 (省高端化学品技术创新中心): the city's minimum, and whether a
    planned city funding reaches it (不低于 includes the minimum itself).
    """
    basis = item(10)
    multiple = p.innovation_centre_city_multiple
    amount = to_fen(provincial_funding * multiple)
    line = Line(f"省财政补助{to_fen(provincial_funding)}元×{multiple.normalize():f}倍（下限）", amount, basis)
    if city_funding is not None and city_funding < amount:
        reason = f"市财政合计补助{to_fen(city_funding)}元，低于省财政补助的{multiple.normalize():f}倍（{amount}元）"
        return Award(False, amount, (line,), (basis,), (reason,))
    return Award(True, amount, (line,), (basis,))


@dataclass(frozen=True)
class TechTransferSplit:
    exempt: Decimal
    halved: Decimal
    taxable_base: Decimal  # 应纳税所得 after the exemption and halving
    basis: str


def tech_transfer_income_split(income: Decimal, p: PolicyParams) -> TechTransferSplit:
    """12 对符合条件的居民企业技术转让所得不超过500万元的部分，免征企业所得税；超过500万元的部分，减半征收企业所得税."""
    exempt = min(max(income, Decimal(0)), p.tech_transfer_exempt_amount)
    halved = max(income - p.tech_transfer_exempt_amount, Decimal(0))
    return TechTransferSplit(
        to_fen(exempt), to_fen(halved), to_fen(halved * p.tech_transfer_excess_taxable_share), item(12)
    )


@dataclass(frozen=True)
class Target:
    metric: str
    comparator: str  # ">=", ">", "<=": 以上/不低于 → ">=", 超过 → ">"
    value: Decimal
    unit: str


@dataclass(frozen=True)
class PolicyItem:
    number: int
    title: str
    responsible: tuple[str, ...]
    targets: tuple[Target, ...]
    measures: tuple[str, ...]
    calculator: str | None = None

    @property
    def basis(self) -> str:
        return item(self.number)


ITEMS: tuple[PolicyItem, ...] = (
    PolicyItem(
        7,
        "积极争取省级财政资金支持",
        ("市科技局", "市委人才办"),
        (
            Target("争取省财政补助资金", ">=", Decimal("40000000"), "元"),
            Target("其中重大创新平台资金", ">=", Decimal("10000000"), "元"),
            Target("原创性、引领性技术和关键核心技术攻关资金", ">=", Decimal("30000000"), "元"),
        ),
        ("对照省教育、科技、人才一体化推进政策争取省财政补助",),
    ),
    PolicyItem(
        8,
        "推进科技金融深度融合",
        ("市金融办", "市市场监管局", "市科技局", "市人行", "市银保监局"),
        (
            Target("知识产权质押登记额", ">=", Decimal("1000000000"), "元"),
            Target("科技金融合作贷款余额", ">=", Decimal("200000000"), "元"),
            Target("创新券保费兑付补偿比例（企业实际投保费用）", "=", Decimal("0.80"), "比例"),
        ),
        (
            "指导高新技术企业用好中央科技创新再贷款货币政策工具",
            "开展科技成果转化贷款、知识产权质押贷款、科技型中小企业研发贷款、“专精特新”贷款等融资业务",
            "支持以科技成果先用后转方式实施转化，支持保险机构开发科技成果先用后转保险",
        ),
        "insurance_compensation",
    ),
    PolicyItem(
        9,
        "强化高层次人才引育",
        ("市委人才办", "市人社保局", "市科技局"),
        (),
        (
            "省高层次人才特支计划杰出人才、科技创新领军人才、科技创业领军人才优先推荐纳入省级高层次人才“编制池”",
            "探索超额利润分享、项目跟投等激励方式",
            "外国高端人才引进“一对一”服务，现场办结",
        ),
    ),
    PolicyItem(
        10,
        "推进高能级科创平台建设",
        ("市科技局", "市经信局"),
        (
            Target("省高端化学品技术创新中心争取省奖励资金", ">=", Decimal("10000000"), "元"),
            Target("市财政合计补助经费相对省财政补助经费倍数", ">=", Decimal("2"), "倍"),
        ),
        (
            "支持产业化成果纳入省首台(套)产品和“浙江制造精品”目录",
            "省级新型研发机构享受省属科研院所同等待遇",
        ),
        "innovation_centre_city_minimum",
    ),
    PolicyItem(
        11,
        "加强关键核心技术攻关",
        ("市科技局",),
        (
            Target("承接省原创性、引领性技术和关键核心技术攻关项目", ">=", Decimal("10"), "个"),
            Target("争取省财政补助经费", ">=", Decimal("30000000"), "元"),
            Target("实施市级科技攻关项目", ">=", Decimal("80"), "个"),
            Target("市财政补助总经费", ">=", Decimal("40000000"), "元"),
        ),
        ("支持科技领军企业和科技小巨人企业牵头组建创新联合体",),
    ),
    PolicyItem(
        12,
        "落实科技企业税收优惠政策",
        ("市税务局",),
        (
            Target("国家高新技术企业企业所得税税率", "=", Decimal("0.15"), "比例"),
            Target("技术转让所得免征企业所得税部分上限", "<=", Decimal("5000000"), "元"),
        ),
        (
            "落实研发费用加计扣除和基础研究税收优惠政策",
            "技术转让、技术开发及相关技术咨询、技术服务免征增值税",
            "技术转让所得超过500万元的部分减半征收企业所得税",
        ),
        "tech_transfer_income_split",
    ),
    PolicyItem(
        13,
        "支持企业加大研发投入",
        ("市科技局",),
        (
            Target("研发费用（路径一）", ">=", Decimal("2000000"), "元"),
            Target("研发费用占营业收入比重（路径二）", ">=", Decimal("0.03"), "比例"),
            Target("研发费用年增长（路径二）", ">=", Decimal("0.20"), "比例"),
            Target("补助总额上限", "<=", Decimal("1000000"), "元"),
        ),
        ("存量部分按2%、增量部分按10%给予补助",),
        "rd_subsidy",
    ),
    PolicyItem(
        14,
        "实施海外与外资研发机构激励政策",
        ("市科技局",),
        (
            Target("省绩效考核优秀的国际合作基地等每家奖励", "=", Decimal("1000000"), "元"),
            Target("海外研发机构一次性奖励上限", "<=", Decimal("5000000"), "元"),
        ),
        ("按海外研发投入的5%给予一次性奖励",),
        "international_base_award, overseas_rd_award",
    ),
    PolicyItem(
        15,
        "支持双创载体建设",
        ("市科技局", "市国资委", "智造新城管委会", "智慧新城管委会"),
        (
            Target("新认定国家级科技企业孵化器补助", "=", Decimal("3000000"), "元"),
            Target("新认定省级科技企业孵化器补助", "=", Decimal("1000000"), "元"),
            Target("新备案国家级众创空间补助", "=", Decimal("200000"), "元"),
            Target("新备案省级众创空间补助", "=", Decimal("100000"), "元"),
        ),
        ("新评定的优秀国家、省级众创空间按上级补助标准1:1配套", "支持国有孵化器、众创空间减免在孵企业租金"),
        "incubator_award",
    ),
    PolicyItem(
        16,
        "深化产学研合作",
        ("市科技局",),
        (
            Target("高校服务产业创新能力提升专项资金", "=", Decimal("10000000"), "元"),
            Target("其中资助青年科技人员比例", ">=", Decimal("0.50"), "比例"),
            Target("企业产学研合作资助专项资金", "=", Decimal("3000000"), "元"),
        ),
        ("重点支持无研发活动的规上工业企业开展技术创新",),
    ),
)


def policy_item(number: int) -> PolicyItem:
    for entry in ITEMS:
        if entry.number == number:
            return entry
    raise KeyError(f"衢政发〔2023〕1号 二 has no science item {number} (items 7–16)")
