"""附件2 衢州市定点医药机构行为规范 of 衢医保发〔2023〕8号: the rules a system can enforce."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from medinsurance.rules.basis import basis, start_day_counted
from medinsurance.rules.workdays import EMPTY_TABLE, HolidayTable, WorkdayResult, add_working_days
from qz_common.ids import birth_date
from qz_common.money import to_fen
from qz_common.params import ParameterSet
from qz_common.periods import add_months, add_years

# ---------------------------------------------------------------- video monitoring outage


class SettlementStatus(StrEnum):
    NORMAL = "normal"
    SUSPENDED = "suspended"
    TEMPORARY_WINDOW = "temporary_window"


@dataclass(frozen=True)
class OutageStatus:
    status: SettlementStatus
    suspended_from: dt.datetime | None
    window_until: dt.datetime | None
    basis: str


def outage_status(
    failed_at: dt.datetime,
    at: dt.datetime,
    p: ParameterSet,
    *,
    repaired_at: dt.datetime | None = None,
    window_requested_at: dt.datetime | None = None,
) -> OutageStatus:
    """附件2 一(二)5 "有故障的须在24小时内予以修复,未正常运行超过24小时的…即被自动暂停医保结算。有特殊情形的…可提交书面
    说明,申请临时开通48小时医保结算服务,届时仍未能修复的重新暂停医保结算直至修复为止".

    超过24小时 excludes 24h itself: suspension starts strictly after failed_at + 24h. The 48-hour window runs from
    the written request (reading A-16) and is only available once suspended.
    """
    b = basis("附件2 一(二)5")
    if repaired_at is not None and repaired_at <= at:
        return OutageStatus(SettlementStatus.NORMAL, None, None, b)
    limit = failed_at + dt.timedelta(hours=p.integer("outage_repair_hours"))
    if at <= limit:
        return OutageStatus(SettlementStatus.NORMAL, None, None, b)
    if window_requested_at is not None and window_requested_at > limit:
        window_end = window_requested_at + dt.timedelta(hours=p.integer("temporary_window_hours"))
        if window_requested_at <= at < window_end:
            return OutageStatus(SettlementStatus.TEMPORARY_WINDOW, limit, window_end, b)
        if at >= window_end:
            return OutageStatus(SettlementStatus.SUSPENDED, window_end, window_end, b)
    return OutageStatus(SettlementStatus.SUSPENDED, limit, None, b)


# ---------------------------------------------------------------- passwords


@dataclass(frozen=True)
class PasswordCheck:
    ok: bool
    problems: tuple[str, ...]
    basis: str


def check_password(password: str, p: ParameterSet) -> PasswordCheck:
    """附件2 一(一)3 "账号密码需满足6位以上大小字母加数字组成的强度" (以上 includes 6)."""
    problems: list[str] = []
    if len(password) < (length := p.integer("password_min_length")):
        problems.append(f"长度不足{length}位")
    if not any("A" <= c <= "Z" for c in password):
        problems.append("缺少大写字母")
    if not any("a" <= c <= "z" for c in password):
        problems.append("缺少小写字母")
    if not any("0" <= c <= "9" for c in password):
        problems.append("缺少数字")
    return PasswordCheck(not problems, tuple(problems), basis("附件2 一(一)3"))


# ---------------------------------------------------------------- 代配药


class ProxyGround(StrEnum):
    """附件2 二(四)1 (long-term) and 2 (short-term)."""

    MOBILITY = "mobility"  # (1) 因残疾、瘫痪、高龄等原因行动不便
    MENTAL_INCAPACITY = "mental_incapacity"  # (2) 精神类疾病…无民事行为能力或限制行为能力
    MINOR = "minor"  # (3) 未成年人
    INJURY = "injury"  # 2 因外伤等原因造成行动不便 (short-term, 3 months)


LONG_TERM = frozenset({ProxyGround.MOBILITY, ProxyGround.MENTAL_INCAPACITY, ProxyGround.MINOR})


class Relationship(StrEnum):
    CLOSE_RELATIVE = "close_relative"  # 直系亲属或近亲属
    CARER = "carer"  # 特殊情况可为照护人员
    OTHER = "other"


@dataclass(frozen=True)
class ProxyRequest:
    principal_id: str  # 委托人 身份证号
    agent_id: str  # 代理人 身份证号
    ground: ProxyGround
    relationship: Relationship
    agent_full_capacity: bool = True
    stable_chronic_special_or_mental: bool = True  # long-term: 病情稳定、治疗方案确定的慢性病、特殊病、精神病
    carer_special_circumstance: bool = False


@dataclass(frozen=True)
class ProxyDecision:
    allowed: bool
    problems: tuple[str, ...]
    expires_on: dt.date | None  # None = 委托长期有效
    drug_scope: str
    basis: str


def age_on(id_number: str, on: dt.date) -> int:
    born = birth_date(id_number)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def check_proxy(
    req: ProxyRequest,
    on: dt.date,
    p: ParameterSet,
    *,
    principal_active_agents: int,
    agent_active_principals: int,
    principal_changes_this_year: int = 0,
    is_change: bool = False,
) -> ProxyDecision:
    """附件2 二(四) 代配药: "委托1至3名代理人"; "每名代理人至多关联3名委托人"; long-term "委托长期有效", injury
    "委托有效期为3个月"; agents "具有完全民事行为能力的成年人", "原则上须为…直系亲属或近亲属,特殊情况可为照护人员";
    "除短期委托情形外,其他委托人一个医保年度内可以变更一次代理人" (医保年度: ``proxy_year_bounds``, reading A-17).
    ``principal_active_agents`` / ``agent_active_principals`` count existing active authorisations (excluding this).
    """
    problems: list[str] = []
    if req.principal_id == req.agent_id:
        problems.append("代理人不得为委托人本人")
    if age_on(req.agent_id, on) < p.integer("agent_min_age") or not req.agent_full_capacity:
        problems.append("代理人须为具有完全民事行为能力的成年人")
    if req.relationship is Relationship.OTHER or (
        req.relationship is Relationship.CARER and not req.carer_special_circumstance
    ):
        problems.append("代理人原则上须为直系亲属或近亲属,特殊情况可为照护人员")
    if principal_active_agents + 1 > (agents := p.integer("agents_max")):
        problems.append(f"每名委托人至多委托{agents}名代理人")
    if agent_active_principals + 1 > (principals := p.integer("principals_per_agent_max")):
        problems.append(f"每名代理人至多关联{principals}名委托人")
    long_term = req.ground in LONG_TERM
    if long_term and not req.stable_chronic_special_or_mental:
        problems.append("长期委托所配药品限于病情稳定、治疗方案确定的慢性病、特殊病、精神病")
    if long_term and is_change and principal_changes_this_year >= (changes := p.integer("agent_changes_per_year")):
        problems.append(f"一个医保年度内只可变更{changes}次代理人")
    expires = None if long_term else add_months(on, p.integer("short_term_months"))
    scope = "慢性病、特殊病、精神病(病情稳定、治疗方案确定)" if long_term else "所配药品范围不限"
    clause = "附件2 二(四)1" if long_term else "附件2 二(四)2"
    return ProxyDecision(not problems, tuple(problems), expires, scope, basis(f"{clause}, 二(四)3"))


# ---------------------------------------------------------------- dispensing and settlement


class DiseaseKind(StrEnum):
    ACUTE = "acute"
    CHRONIC = "chronic"
    MANAGED_SPECIAL_CHRONIC = "managed_special_chronic"  # 纳入特殊病种及慢性病管理的疾病


@dataclass(frozen=True)
class DispensingCheck:
    ok: bool
    max_days: int
    basis: str


def check_dispensing(kind: DiseaseKind, days: int, p: ParameterSet) -> DispensingCheck:
    """附件2 二(五) "单次配药量原则上急性病不超过7天量,一般慢性病不超过15天量,
    纳入特殊病种及慢性病管理的疾病不超过12周量" (不超过 includes the limit)."""
    key = {
        DiseaseKind.ACUTE: "acute_max_days",
        DiseaseKind.CHRONIC: "chronic_max_days",
        DiseaseKind.MANAGED_SPECIAL_CHRONIC: "special_max_days",
    }[kind]
    limit = p.integer(key)
    return DispensingCheck(0 < days <= limit, limit, basis("附件2 二(五)"))


def emergency_card_deadline(
    admitted_on: dt.date, p: ParameterSet, calendar: ParameterSet, table: HolidayTable = EMPTY_TABLE
) -> WorkdayResult:
    """附件2 二(十四) "因急诊等原因暂时不能出示社会保障卡或医保电子凭证的,…应当允许其在两个工作日内补办" (counted
    as the calendar book reads A-01)."""
    days = p.integer("emergency_card_working_days")
    return add_working_days(admitted_on, days, table, start_counted=start_day_counted(calendar))


@dataclass(frozen=True)
class PriceSplit:
    payable: Decimal
    unpaid_excess: Decimal
    basis: str


def price_split(unit_price: Decimal, payment_standard: Decimal, quantity: Decimal) -> PriceSplit:
    """附件2 二(六) "所售药品价格高于药品支付价格的,超额部分经办机构不予支付" (one rounding per line)."""
    if unit_price < 0 or payment_standard < 0 or quantity < 0:
        raise ValueError("prices and quantity must not be negative")
    excess_per_unit = max(Decimal(0), unit_price - payment_standard)
    unpaid = to_fen(excess_per_unit * quantity)
    total = to_fen(unit_price * quantity)
    return PriceSplit(total - unpaid, unpaid, basis("附件2 二(六)"))


def proxy_year_bounds(on: dt.date, p: ParameterSet) -> tuple[dt.date, dt.date]:
    """The 医保年度 a change of agent on ``on`` is counted in. Reading A-17 (parameter ``insurance_year`` =
    ``calendar_year``): the calendar year containing ``on``; the other reading (``twelve_months``): the 12 months
    ending on ``on``, so a change in November still counts against one in February."""
    if p["insurance_year"] == "twelve_months":
        return add_months(on, -12) + dt.timedelta(days=1), on
    return dt.date(on.year, 1, 1), add_years(dt.date(on.year, 1, 1), 1) - dt.timedelta(days=1)
