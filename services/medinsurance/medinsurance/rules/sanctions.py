"""协议处理 of 衢医保发〔2023〕8号 五(三) tiers 1–5, 违约金 of 五(五), and 附件3 认定标准 / 从轻 / 从重.

Each enumerated case of a tier is a code ``T<tier>_<item>``. 违约金 = 核定违规医保费用 × 违约支付比例 (五(五)),
never above 30%, only where the tier provides for it; 中止 days fall within the tier's range; a second 中止 within
one agreement term escalates to termination (五(三)5(1)).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from medinsurance.rules.agreements import suspension_ends_agreement
from medinsurance.rules.basis import basis, start_day_counted
from medinsurance.rules.workdays import add_working_days
from qz_common.money import to_fen
from qz_common.params import ParameterSet

ZERO = Decimal(0)


class Measure(StrEnum):
    INTERVIEW = "interview"  # 约谈有关负责人
    SUSPEND_NETWORK_SETTLEMENT = "suspend_network_settlement"  # 暂停联网结算
    DEFER_PAYMENT = "defer_payment"  # 暂缓拨付费用
    REFUSE_OR_RECOVER = "refuse_or_recover"  # 不予支付或追回已支付的医保费用
    PENALTY = "penalty"  # 违约金
    SUSPEND_STAFF_OR_DEPARTMENT = "suspend_staff_or_department"  # 中止相关责任人员或所在部门
    SUSPEND_AGREEMENT = "suspend_agreement"  # 中止医保协议
    TERMINATE_AGREEMENT = "terminate_agreement"  # 解除医保协议


TIER_MEASURES: dict[int, tuple[Measure, ...]] = {
    1: (Measure.INTERVIEW, Measure.SUSPEND_NETWORK_SETTLEMENT, Measure.DEFER_PAYMENT),
    2: (Measure.INTERVIEW, Measure.REFUSE_OR_RECOVER),
    3: (
        Measure.INTERVIEW,
        Measure.REFUSE_OR_RECOVER,
        Measure.PENALTY,
        Measure.SUSPEND_STAFF_OR_DEPARTMENT,
        Measure.SUSPEND_AGREEMENT,
    ),
    4: (
        Measure.INTERVIEW,
        Measure.SUSPEND_STAFF_OR_DEPARTMENT,
        Measure.SUSPEND_AGREEMENT,
        Measure.TERMINATE_AGREEMENT,
    ),
    5: (Measure.INTERVIEW, Measure.TERMINATE_AGREEMENT),
}

CASES: dict[str, str] = {
    "T1_1": "未按规定安装、使用监控设备的",
    "T1_2": "违反定点医药机构信息系统配置要求的",
    "T1_3": "无正当理由拒绝为参保人员提供联网结算服务的,经提醒拒不改正的",
    "T1_4": "人脸识别系统使用月度紧急结算率高于医保相关规定且无合理理由的",
    "T1_5": "其他违反相关管理规定,情节较轻且未造成医保基金实际损失的",
    "T2_1": "违反财务结算制度,使用现金购销药品耗材涉及的费用的",
    "T2_2": "违反门诊接诊流程的",
    "T2_3": "接诊医生不如实记录患者外伤原因和经过…或未按医保规定对意外伤害对象申请外伤调查的",
    "T2_4": "违规提前向参保人员收取医疗服务项目费用的,或以会员制作并发放提前收取费用的各类预付卡的",
    "T2_5": "其他违反相关管理规定,造成医保基金损失但情节较轻的",
    "T3_1": "违反医保医师协议,冒用或出借医保医师账号等为患者提供医药服务并进行医保结算的",
    "T3_2": "药品、器械及耗材等进销存不符的",
    "T3_3": "因用医保系统升级等借口隐瞒被处理事实及政策解释不到位等行为,导致参保人员投诉或者上访等现象的",
    "T3_4": "违规收集参保人员社会保障卡或医保电子凭证的",
    "T3_5": "经2次提醒监控仍不能正常使用或年度内出现3次非第三方原因导致的监控故障的",
    "T3_6": "被卫健、市场监管等相关部门查处,涉及医保基金损失的",
    "T3_7": "处方管理不规范,无处方刷卡、无处方或不按处方配售处方药的",
    "T3_8": "工作人员未核验病人身份,导致冒用参保人员身份进行冒名住院、冒名就诊及冒名购药的",
    "T3_9": "将超医保限定支付条件的医疗服务项目、医疗服务设施、药品等纳入医保结算的",
    "T3_10": "匹配错误导致医保基金损失的",
    "T3_11": "经相关部门认定的,违反药品说明书适应症范围或功能主治、用法、用量、禁忌等超药品说明书使用的",
    "T3_12": "定点零售药店销售假药、劣药等行为的",
    "T3_13": "定点医疗机构违反DRGs结算要求,出现病案不合规、反套高、反套低等行为的",
    "T3_14": "定点医疗机构违反本办法相关规定和临床诊疗规范的",
    "T3_15": "定点医疗机构理疗管理不规范的",
    "T3_16": "定点医疗机构违规销售保健品的",
    "T3_17": "定点医疗机构违背参保人员意愿,让参保人员自行到药店购买当次就医所需的医保目录内药品、耗材的",
    "T3_18": "定点医疗机构违反住院标准,降低入院标准或将已好转痊愈的参保人员留治继续住院的",
    "T3_19": "定点医疗机构提供未取得卫健部门批准的诊疗项目…等超执业范围诊疗的",
    "T3_20": "定点医疗机构超人次、超疗程、超床日…等变相提高标准收费的",
    "T3_21": "定点医疗机构无医嘱或执行记录收费的",
    "T3_22": "定点零售药店销售除药品、医疗器械、卫生消毒等医疗相关用品、食品(限药食同源)以外的其他物品的",
    "T3_23": "定点零售药店药师不在岗配售处方药的",
    "T3_24": "法律法规和规章规定的应当中止的其他情形",
    "T4_1": "违反药品管理规范,从非法的供应单位购进药品的",
    "T4_2": "唆使、诱导参保人员集体投诉或者集体上访的",
    "T4_3": "法律法规和规章规定的应当中止或解除的其他情形",
    "T5_1": "医保协议有效期内累计2次及以上被中止医保协议或中止医保协议期间未按要求整改或整改不到位的",
    "T5_2": "以弄虚作假等不正当手段申请取得定点的",
    "T5_3": "为非定点医药机构或处于中止医保协议期间的医药机构提供医保费用结算的",
    "T5_4": "拒绝、阻挠或不配合医疗保障部门或经办机构开展智能审核、绩效考核、监督检查等,情节恶劣的",
    "T5_5": "被发现重大信息发生变更但未办理重大信息变更的",
    "T5_6": "在行政执法中发现存在重大违法违规行为且可能造成医疗保障基金重大损失的",
    "T5_7": "被吊销、注销医疗机构执业许可证、中医诊所备案证、药品经营许可证或营业执照的",
    "T5_8": "法定代表人、主要负责人、企业负责人或实际控制人不能履行医保协议约定,或有违法失信行为的",
    "T5_9": "未依法履行医疗保障行政部门作出的行政处罚决定的",
    "T5_10": "主动提出解除医保协议且经办机构同意的",
    "T5_11": "单位主体变更、停业或歇业3个月内未按规定向经办机构报告的",
    "T5_12": "以伪造、变造医保药品进销存票据和账目、伪造处方或参保人员费用清单等方式,骗取医疗保障基金的",
    "T5_13": "将医保结算设备转借或赠与他人,改变使用场地的",
    "T5_14": "发生重大药品质量安全事件的",
    "T5_15": "连锁零售药店其中一家分支被解除医保协议的,相同法定代表人等的其他分支零售药店同时解除",
    "T5_16": "根据医保协议约定应当解除医保协议的",
    "T5_17": "法律法规和规章规定的应当解除的其他情形",
}


# 五(三)3: items (13)–(21) name "定点医疗机构", items (12), (22), (23) name "定点零售药店".
MEDICAL_ONLY = frozenset(f"T3_{item}" for item in range(13, 22))
PHARMACY_ONLY = frozenset({"T3_12", "T3_22", "T3_23"})


def case_applies(case: str, *, pharmacy: bool) -> bool:
    """Whether ``case`` can be recorded against a pharmacy (``pharmacy``) or a medical institution."""
    return case not in (MEDICAL_ONLY if pharmacy else PHARMACY_ONLY)


def tier_of(case: str) -> int:
    if case not in CASES:
        raise ValueError(f"unknown 协议处理 case {case!r}")
    return int(case[1])


def case_clause(case: str) -> str:
    return f"五(三){tier_of(case)}({case.split('_')[1]})"


def case_basis(case: str) -> str:
    return basis(case_clause(case))


# 附件3 一: the 21 认定标准
STANDARDS: dict[int, str] = {
    1: "分解住院",
    2: "挂床住院",
    3: "过度诊疗",
    4: "重复收费",
    5: "分解收费",
    6: "超标准收费",
    7: "串换",
    8: "超执业范围诊疗",
    9: "诱导、协助他人冒名或者虚假就医,提供虚假证明材料,虚开票据",
    10: "变相提高标准收费",
    11: "超医保限定支付范围",
    12: "超药品说明书使用",
    13: "违反医保医师协议",
    14: "协助他人冒名就医",
    15: "虚假住院",
    16: "降低入院标准/提高出院标准",
    17: "冒名住院",
    18: "虚假就诊",
    19: "冒名就诊",
    20: "不合理用药",
    21: "不合理诊疗",
}

# 附件3 二 从轻或减轻 (1–6) and 三 从重 (1–7)
MITIGATING: dict[int, str] = {
    1: "主动消除或者减轻基金使用违规行为危害后果的",
    2: "主动供述尚未掌握的基金使用违规违法行为的",
    3: "主动中止违规违法行为的",
    4: "配合查处违规违法行为如主动提供线索、证据等有立功表现的",
    5: "主动投案如实交代违规违法行为的",
    6: "其他依法应当从轻或减轻处罚的",
}
AGGRAVATING: dict[int, str] = {
    1: "违法违规情节恶劣,造成严重危害后果的",
    2: "责令改正拒不改正,或者一年内实施两次以上同种违规违法行为的",
    3: "妨碍、阻挠或者抗拒执法人员依法调查、处理其违规违法行为的",
    4: "故意转移、隐匿、毁坏或伪造证据,或者对举报投诉人、证人打击报复的",
    5: "在医保行政部门或经办机构日常工作开展中不配合的",
    6: "在医保行政部门或经办机构组织的自查自纠工作中敷衍应付的",
    7: "其他依法应当从重处罚的",
}


@dataclass(frozen=True)
class RatioRange:
    low: Decimal
    high: Decimal
    basis: str


class RatioOutOfRange(ValueError):
    def __init__(self, ratio: Decimal, allowed: RatioRange) -> None:
        super().__init__(f"违约支付比例 {ratio} 不在允许范围 [{allowed.low}, {allowed.high}] ({allowed.basis})")
        self.allowed = allowed


def ratio_range(
    tier: int, p: ParameterSet, *, mitigating: frozenset[int] = frozenset(), aggravating: frozenset[int] = frozenset()
) -> RatioRange:
    """The 违约支付比例 a tier allows, narrowed by 附件3 从轻/从重 (reading A-10).

    Only tier 3 provides 违约金: "按照核定医保费用的10%—30%支付违约金" (五(三)3); 五(五) "原则上不超过…30%".
    Tiers 1, 2, 4, 5 list no 违约金 among their measures, so the only ratio allowed is 0 (reading A-09, parameter
    ``penalty_tiers`` = ``tier3_only``); the other reading (``every_tier``) lets 五(五) apply to every tier, any
    ratio up to its 30% cap. With only 从轻 circumstances the ratio stays at or below the split ratio; with only 从重
    at or above it (reading A-10, parameter ``circumstances_bound`` = ``split``; the other reading, ``full_range``,
    leaves the circumstances to the caseworker within the tier's whole range).
    """
    if tier not in TIER_MEASURES:
        raise ValueError(f"协议处理 tier must be 1–5, got {tier}")
    unknown = (mitigating - MITIGATING.keys()) | (aggravating - AGGRAVATING.keys())
    if unknown:
        raise ValueError(f"unknown 附件3 circumstance numbers {sorted(unknown)}")
    cap = p.decimal("penalty_ratio_cap")
    if tier != 3:
        if p["penalty_tiers"] == "every_tier":
            return RatioRange(ZERO, cap, basis(f"五(三){tier}, 五(五)"))
        return RatioRange(ZERO, ZERO, basis(f"五(三){tier}"))
    low = p.decimal("tier3_ratio_min")
    high = min(p.decimal("tier3_ratio_max"), cap)
    split = p.decimal("mitigation_split_ratio")
    note = "五(三)3, 五(五)"
    if p["circumstances_bound"] == "full_range":
        return RatioRange(low, high, basis(note))
    if mitigating and not aggravating:
        high = split
        note += ", 附件3 二 从轻"
    elif aggravating and not mitigating:
        low = split
        note += ", 附件3 三 从重"
    return RatioRange(low, high, basis(note))


@dataclass(frozen=True)
class Penalty:
    amount: Decimal
    ratio: Decimal
    due_on: dt.date | None
    basis: str


def penalty(
    tier: int,
    violation_amount: Decimal,
    ratio: Decimal,
    p: ParameterSet,
    *,
    decided_on: dt.date | None = None,
    calendar: ParameterSet | None = None,
    mitigating: frozenset[int] = frozenset(),
    aggravating: frozenset[int] = frozenset(),
) -> Penalty:
    """五(五) "违约金金额=核定违规医保费用×违约支付比例", rounded once to 分; "原则上应在30日内完成缴款".

    Raises ``RatioOutOfRange`` when the ratio is outside what the tier (and the circumstances) allow.
    """
    if violation_amount < 0:
        raise ValueError("核定违规医保费用 must not be negative")
    allowed = ratio_range(tier, p, mitigating=mitigating, aggravating=aggravating)
    if not allowed.low <= ratio <= allowed.high:
        raise RatioOutOfRange(ratio, allowed)
    amount = to_fen(violation_amount * ratio)
    # Only a 违约金 to pay has a payment date ("原则上应在30日内完成缴款").
    due = _payment_due(decided_on, p, calendar) if decided_on and amount > 0 else None
    return Penalty(amount, ratio, due, basis("五(五)"))


def _payment_due(decided_on: dt.date, p: ParameterSet, calendar: ParameterSet | None) -> dt.date:
    """五(五) "30日内完成缴款": reading A-11 (parameter ``payment_due_counting`` = ``calendar_days``) counts 日 as
    calendar days; the other reading (``working_days``) counts working days, as the text's other periods, the
    decision day counted or not as the calendar book reads A-01 (so the calendar book is needed then)."""
    days = p.integer("payment_due_days")
    if p["payment_due_counting"] == "working_days":
        if calendar is None:
            raise ValueError("working days are counted as the calendar book reads A-01: pass it")
        return add_working_days(decided_on, days, start_counted=start_day_counted(calendar)).date
    return decided_on + dt.timedelta(days=days)


@dataclass(frozen=True)
class SuspensionRange:
    min_days: int
    max_days: int
    basis: str


def suspension_range(tier: int, p: ParameterSet) -> SuspensionRange | None:
    """五(三)3 "中止期原则上不低于30日,不超过180日"; 五(三)4 "不低于60日,不超过180日"; other tiers have no 中止."""
    if tier == 3:
        return SuspensionRange(
            p.integer("tier3_suspension_min_days"), p.integer("tier3_suspension_max_days"), basis("五(三)3")
        )
    if tier == 4:
        return SuspensionRange(
            p.integer("tier4_suspension_min_days"), p.integer("tier4_suspension_max_days"), basis("五(三)4")
        )
    return None


def check_suspension_days(tier: int, days: int, p: ParameterSet) -> SuspensionRange:
    rng = suspension_range(tier, p)
    if rng is None:
        raise ValueError(f"五(三){tier} 不含中止 ({basis(f'五(三){tier}')})")
    if not rng.min_days <= days <= rng.max_days:
        raise ValueError(f"中止期 {days} 日不在 {rng.min_days}–{rng.max_days} 日 ({rng.basis})")
    return rng


def monitoring_fault_case(
    non_third_party_faults_this_year: int, reminders_still_failing: int, p: ParameterSet
) -> str | None:
    """五(三)3(5) "经2次提醒监控仍不能正常使用或年度内出现3次非第三方原因导致的监控故障的" → case T3_5, else None."""
    if non_third_party_faults_this_year >= p.integer(
        "monitoring_faults_per_year"
    ) or reminders_still_failing >= p.integer("monitoring_reminders"):
        return "T3_5"
    return None


@dataclass(frozen=True)
class Decision:
    case: str
    tier: int
    measures: tuple[Measure, ...]
    escalated: bool
    basis: str


def decide(case: str, agreement: ParameterSet, *, suspending: bool, prior_suspensions_this_term: int) -> Decision:
    """The tier's measures for ``case``; a 中止 that would be the second within one agreement term is escalated to
    解除 under 五(三)5(1) "医保协议有效期内累计2次及以上被中止医保协议" (the count is the agreement book's, where the
    agreement's own 中止 are counted)."""
    tier = tier_of(case)
    measures = TIER_MEASURES[tier]
    if suspending and Measure.SUSPEND_AGREEMENT not in measures:
        raise ValueError(f"{case} 不适用中止医保协议 ({case_basis(case)})")
    if suspending and suspension_ends_agreement(prior_suspensions_this_term, agreement):
        return Decision(
            case,
            5,
            (Measure.INTERVIEW, Measure.TERMINATE_AGREEMENT),
            True,
            basis("五(三)5(1)") + "; " + case_basis(case),
        )
    return Decision(case, tier, measures, False, case_basis(case))
