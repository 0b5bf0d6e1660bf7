"""Agreement life of 衢医保发〔2023〕8号: 二(三)4 and 附件1 一 (协议变更, 有效期, 中止, 解除, 程序)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from medinsurance.rules.basis import basis, start_day_counted
from medinsurance.rules.workdays import EMPTY_TABLE, HolidayTable, WorkdayResult, add_working_days
from qz_common.params import ParameterSet
from qz_common.periods import add_months, add_years

ONE_DAY = dt.timedelta(days=1)


class AgreementState(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # 中止: 中止期间发生的医保费用(不含原在院人员)不予结算
    TERMINATED = "terminated"  # 解除: 协议关系不再存续
    EXPIRED = "expired"  # 到期未续签 (未达成一致的,医保协议到期后自动解除)


class AgreementError(ValueError):
    def __init__(self, message: str, clause: str) -> None:
        super().__init__(f"{message} ({basis(clause)})")
        self.basis = basis(clause)


@dataclass(frozen=True)
class Agreement:
    state: AgreementState
    starts_on: dt.date
    ends_on: dt.date
    public_institution: bool = False
    suspensions_this_term: int = 0
    suspended_from: dt.date | None = None
    suspended_until: dt.date | None = None  # last day of the decided 中止期
    voluntary_suspension: bool = False
    terminated_on: dt.date | None = None
    reason: str = ""
    last_event_on: dt.date | None = None  # date of the latest event: the next one may not precede it
    basis: str = basis("二(三)4")


def check_order(a: Agreement, on: dt.date) -> None:
    """Events of one agreement happen in date order, none before the signature (or the renewal)."""
    previous = a.last_event_on or a.starts_on
    if on < previous:
        raise AgreementError(f"日期 {on} 早于医保协议上一事件日期 {previous}", "附件1 一")


def first_term(signed_on: dt.date) -> Agreement:
    """二(三)4 "协议期限一般按自然年度签订至当年12月31日"."""
    return Agreement(AgreementState.ACTIVE, signed_on, dt.date(signed_on.year, 12, 31), last_event_on=signed_on)


def renew(a: Agreement, on: dt.date, p: ParameterSet) -> Agreement:
    """附件1 一(二) "协议有效期原则上为1年…协商一致的,可续签医保协议;未达成一致的,医保协议到期后自动解除".

    ``a`` is the agreement as it stands on ``on`` (``status_on``). Reading A-60: a renewal agreed on ``on`` within
    the term starts the next 1-year term the day after the term ends (counters reset); after the end the agreement
    has lapsed and a new one must be signed; a running 中止 is never renewed away: it must first end (恢复) within
    the term, and one running past the term end ends this term's agreement (附件1 一(三)1).
    """
    check_order(a, on)
    if a.state is AgreementState.TERMINATED:
        raise AgreementError("已解除的医保协议不能续签", "附件1 一(二)")
    if a.state is AgreementState.SUSPENDED:
        raise AgreementError(
            "医保协议中止期间不能续签:中止期结束未超过有效期的先恢复履行,超过有效期的本协议期医保协议解除",
            "附件1 一(三)1",
        )
    # Reading A-60 (parameter ``late_renewal`` = ``lapsed``): "未达成一致的,医保协议到期后自动解除", so a renewal
    # agreed after the term end comes too late; the other reading (``renewable``) lets an agreement that merely
    # expired be renewed for the next term still.
    if (a.state is AgreementState.EXPIRED or on > a.ends_on) and p["late_renewal"] == "lapsed":
        raise AgreementError(f"医保协议已于{a.ends_on}到期,未续签的到期后自动解除,须重新签订", "附件1 一(二)")
    start = a.ends_on + ONE_DAY
    if on >= add_years(start, p.integer("term_years")):
        raise AgreementError(f"医保协议已于{a.ends_on}到期,下一协议期也已届满,须重新签订", "附件1 一(二)")
    # 五(三)5(1) "医保协议有效期内累计2次": reading A-12 (parameter ``suspension_count`` = ``per_term``) counts the
    # 中止 of one term, so the count starts again; the other reading (``across_renewals``) carries it on.
    carried = a.suspensions_this_term if p["suspension_count"] == "across_renewals" else 0
    return Agreement(
        AgreementState.ACTIVE,
        start,
        add_years(start, p.integer("term_years")) - ONE_DAY,
        a.public_institution,
        suspensions_this_term=carried,
        last_event_on=on,
        basis=basis("附件1 一(二)"),
    )


def suspend(
    a: Agreement,
    on: dt.date,
    days: int,
    p: ParameterSet,
    *,
    voluntary: bool = False,
    notified_on: dt.date | None = None,
) -> Agreement:
    """中止 for ``days`` days from ``on``.

    附件1 一(三)1 "中止时间原则上不得超过180日"; 五(三)5(1) a second 中止 within one term → 解除;
    附件1 一(三)3 voluntary 中止 "应提前3个月…提出申请" and "公立医疗机构不得主动提出中止或解除医保协议".
    """
    check_order(a, on)
    if a.state not in (AgreementState.ACTIVE, AgreementState.SUSPENDED):
        raise AgreementError(f"{a.state} 状态下不可中止", "附件1 一(三)1")
    if a.state is AgreementState.SUSPENDED and a.suspensions_this_term < 1:  # pragma: no cover - defensive
        raise AgreementError("协议已中止", "附件1 一(三)1")
    longest = p.integer("suspension_max_days")
    if not 1 <= days <= longest:
        raise AgreementError(f"中止时间原则上不得超过{longest}日", "附件1 一(三)1")
    if voluntary:
        check_voluntary(a, notified_on or on, on, p)
    if a.state is AgreementState.SUSPENDED and p["suspension_while_suspended"] == "extends":
        # Reading A-55's other reading: a 中止 decided while one runs is not another 中止 but carries the running one
        # on to the later of the two ends (the 180 days still count from its first day, status_on).
        until = max(a.suspended_until or on, on + dt.timedelta(days=days - 1))
        return replace(a, suspended_until=until, last_event_on=on, basis=basis("附件1 一(三)1"))
    # Reading A-55 (``suspension_while_suspended`` = ``counts``): it is the second 中止 of the term, as any other.
    if suspension_ends_agreement(a.suspensions_this_term, p):
        return replace(
            a,
            state=AgreementState.TERMINATED,
            terminated_on=on,
            reason=f"医保协议有效期内累计{p.integer('suspensions_for_termination')}次及以上被中止医保协议",
            last_event_on=on,
            basis=basis("五(三)5(1)"),
        )
    return replace(
        a,
        state=AgreementState.SUSPENDED,
        suspensions_this_term=a.suspensions_this_term + 1,
        suspended_from=on,
        suspended_until=on + dt.timedelta(days=days - 1),
        voluntary_suspension=voluntary,
        last_event_on=on,
        basis=basis("附件1 一(三)1"),
    )


def suspension_ends_agreement(suspensions_this_term: int, p: ParameterSet) -> bool:
    """五(三)5(1) "医保协议有效期内累计2次及以上被中止医保协议的" → 解除: whether one more 中止 in this term, after
    ``suspensions_this_term``, reaches the count (the count resets with the term, reading A-12)."""
    return suspensions_this_term + 1 >= p.integer("suspensions_for_termination")


def resume(a: Agreement, on: dt.date, p: ParameterSet) -> Agreement:
    """附件1 一(三)1 "中止期结束,未超过医保协议有效期的,医保协议可继续履行;
    超过医保协议有效期的,本协议期医保协议解除"."""
    check_order(a, on)
    current = status_on(a, on, p)
    if current.state is not AgreementState.SUSPENDED:
        raise AgreementError(f"{current.state} 状态下不可恢复", "附件1 一(三)1")
    if on > a.ends_on:
        return replace(
            a,
            state=AgreementState.TERMINATED,
            terminated_on=a.ends_on,
            reason="中止期超过医保协议有效期",
            last_event_on=on,
            basis=basis("附件1 一(三)1"),
        )
    return replace(
        a,
        state=AgreementState.ACTIVE,
        suspended_from=None,
        suspended_until=None,
        last_event_on=on,
        basis=basis("附件1 一(三)1"),
    )


def status_on(a: Agreement, day: dt.date, p: ParameterSet) -> Agreement:
    """The agreement as it stands on ``day`` (auto-termination and expiry applied).

    "在医保协议中止超过180日仍未提出继续履行医保协议申请的,原则上医保协议自动解除" (超过 excludes 180: the 181st day).
    Reading A-19 (parameter ``suspension_first_day`` = ``counted``): the first day of 中止 is day 1, so the 181st
    day is the 180th after it; the other reading (``not_counted``, 民法典 第二百零一条 for periods of days) starts
    counting the next day, one day later.
    """
    if a.state is AgreementState.SUSPENDED and a.suspended_from is not None:
        longest = p.integer("suspension_max_days")
        first_counted = a.suspended_from if p["suspension_first_day"] == "counted" else a.suspended_from + ONE_DAY
        limit = first_counted + dt.timedelta(days=longest - 1)
        if day > limit:
            return replace(
                a,
                state=AgreementState.TERMINATED,
                terminated_on=limit + ONE_DAY,
                reason=f"中止超过{longest}日仍未提出继续履行申请,医保协议自动解除",
                basis=basis("附件1 一(三)1"),
            )
        if day > a.ends_on:
            return replace(
                a,
                state=AgreementState.TERMINATED,
                terminated_on=a.ends_on + ONE_DAY,
                reason="中止期超过医保协议有效期,本协议期医保协议解除",
                basis=basis("附件1 一(三)1"),
            )
    if a.state is AgreementState.ACTIVE and day > a.ends_on:
        return replace(a, state=AgreementState.EXPIRED, reason="医保协议到期", basis=basis("附件1 一(二)"))
    return a


def terminate(a: Agreement, on: dt.date, reason: str, clause: str) -> Agreement:
    """附件1 一(三)2 解除: "协议关系不再存续" — also for an agreement past its end (the decision stands)."""
    check_order(a, on)
    if a.state is AgreementState.TERMINATED:
        raise AgreementError("医保协议已解除", clause)
    return replace(
        a, state=AgreementState.TERMINATED, terminated_on=on, reason=reason, last_event_on=on, basis=basis(clause)
    )


def check_voluntary(a: Agreement, requested_on: dt.date, effective_on: dt.date, p: ParameterSet) -> None:
    """附件1 一(三)3 "主动提出中止、解除医保协议或不再续签医保协议的,应提前3个月向经办机构提出申请。公立医疗机构不得主动
    提出中止或解除医保协议" (reading A-18: the effective date is at least 3 months after the request)."""
    if a.public_institution:
        raise AgreementError("公立医疗机构不得主动提出中止或解除医保协议", "附件1 一(三)3")
    months = p.integer("voluntary_notice_months")
    earliest = _earliest_after_notice(requested_on, p)
    if effective_on < earliest:
        raise AgreementError(f"应提前{months}个月提出申请(最早生效{earliest})", "附件1 一(三)3")


def check_non_renewal_notice(requested_on: dt.date, ends_on: dt.date, p: ParameterSet) -> None:
    """附件1 一(三)3 "不再续签医保协议的,应提前3个月向经办机构提出申请" (public institutions may decline renewal)."""
    months = p.integer("voluntary_notice_months")
    if ends_on < _earliest_after_notice(requested_on, p):
        raise AgreementError(f"应提前{months}个月提出不再续签申请(协议到期{ends_on})", "附件1 一(三)3")


def _earliest_after_notice(requested_on: dt.date, p: ParameterSet) -> dt.date:
    """ "应提前3个月…提出申请": reading A-18 (parameter ``notice_ends_on`` = ``corresponding_day``) lets the request
    take effect from the corresponding day 3 months later; the other reading (``day_after``, 民法典 第二百零一条、
    第二百零三条: the 3 months run from the next day and end on the corresponding day) only from the day after."""
    corresponding = add_months(requested_on, p.integer("voluntary_notice_months"))
    return corresponding + ONE_DAY if p["notice_ends_on"] == "day_after" else corresponding


def major_change_deadline(
    approved_on: dt.date, p: ParameterSet, calendar: ParameterSet, table: HolidayTable = EMPTY_TABLE
) -> WorkdayResult:
    """附件1 一(一) 重大信息变更 "应自有关部门批准之日起30个工作日内向统筹地区经办机构提出变更申请" (counted as the
    calendar book reads A-01)."""
    days = p.integer("major_change_working_days")
    return add_working_days(approved_on, days, table, start_counted=start_day_counted(calendar))


@dataclass(frozen=True)
class GradeChange:
    filing_deadline: dt.date
    preparation_deadline: dt.date
    new_rates_from: dt.date | None
    basis: str


def grade_change(changed_on: dt.date, p: ParameterSet, accepted_on: dt.date | None = None) -> GradeChange:
    """附件1 一(一) "在等级发生变化一个月内应向医保经办机构提交备案登记;…六个月内,必须做好调整前相关准备,
    医保经办机构验收通过后,自次月1日起按新等级标准进行相关医保结算"."""
    new_from = None
    if accepted_on is not None:
        nxt = add_months(dt.date(accepted_on.year, accepted_on.month, 1), 1)
        new_from = nxt
    return GradeChange(
        add_months(changed_on, p.integer("grade_filing_months")),
        add_months(changed_on, p.integer("grade_preparation_months")),
        new_from,
        basis("附件1 一(一)"),
    )


def relocation_needs_approval(*, pharmacy: bool, secondary_or_above: bool, cross_community: bool) -> bool:
    """附件1 一(一) "二级以下定点医疗机构及定点零售药店跨社区移址的,须事先报备,获得许可后方可移址"."""
    return cross_community and (pharmacy or not secondary_or_above)


TERMINATION_STEPS: tuple[tuple[str, str], ...] = (
    ("stop_settlement", "暂停联网结算: 暂停医保服务功能,停止联网刷卡结算"),
    ("decision", "下达处理意见: 下达解除原医保协议的处理意见"),
    ("final_settlement", "完成日常费用结算: 完成与定点医药机构的日常费用结算,并解除医保协议"),
    ("liquidation", "清算: 清算年度产生的医疗费用仍须列入清算范围,根据清算结果多退少补"),
)


def payment_deadline(
    declared_on: dt.date, p: ParameterSet, calendar: ParameterSet, table: HolidayTable = EMPTY_TABLE
) -> WorkdayResult:
    """四(六) "原则上,应当在定点医药机构申报后30个工作日内拨付符合规定的医保费用" (counted as the calendar book reads
    A-01, A-48)."""
    days = p.integer("payment_working_days")
    return add_working_days(declared_on, days, table, start_counted=start_day_counted(calendar))


def next_termination_step(done: frozenset[str]) -> str | None:
    """附件1 一(四) 解除协议办理程序: the steps run in order."""
    for code, _ in TERMINATION_STEPS:
        if code not in done:
            return code
    return None


@dataclass(frozen=True)
class TerminationStep:
    step: str
    on: dt.date


def record_termination_step(
    a: Agreement, done: tuple[TerminationStep, ...], step: str, on: dt.date
) -> tuple[TerminationStep, ...]:
    """附件1 一(四) "定点医药机构出现上述解除协议情形的,经办机构按以下程序办理": 暂停联网结算 → 下达处理意见 →
    完成日常费用结算 → 清算. Reading A-61: the steps are recorded on an agreement whose 解除 is decided, in order,
    each dated no earlier than the 解除 decision and the previous step."""
    if a.state is not AgreementState.TERMINATED:
        raise AgreementError("仅已作出解除决定的医保协议办理解除程序", "附件1 一(四)")
    expected = next_termination_step(frozenset(s.step for s in done))
    if expected is None:
        raise AgreementError("解除协议办理程序已完成", "附件1 一(四)")
    if step != expected:
        raise AgreementError(f"解除协议办理程序须按顺序进行,下一步为 {expected}", "附件1 一(四)")
    previous = max([s.on for s in done], default=a.terminated_on or on)
    if on < previous:
        raise AgreementError(f"日期 {on} 早于上一步骤日期 {previous}", "附件1 一(四)")
    return (*done, TerminationStep(step, on))
