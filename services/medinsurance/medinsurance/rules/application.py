"""The application process of 衢医保发〔2023〕8号 二(三): 预登记 → 试运行 → 受理 → 评估 → 党组会 → 协议 → 开通刷卡.

A pure state machine: ``step`` takes the current ``Application``, an event and the date it happens on, checks
the clause's window, and returns the next ``Application`` (or raises ``ProcessError`` naming the clause).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from medinsurance.rules.basis import basis
from medinsurance.rules.workdays import EMPTY_TABLE, HolidayTable, add_working_days, working_days_between
from qz_common.params import ParameterSet
from qz_common.periods import add_months, add_years

ONE_DAY = dt.timedelta(days=1)


class AppState(StrEnum):
    TRIAL = "trial"  # 预登记 done, 试运行 (no card settlement)
    SUBMITTED = "submitted"  # 正式的定点申请书 submitted, awaiting the quarterly review
    SUPPLEMENT_REQUESTED = "supplement_requested"  # 材料不齐…一次性告知
    WITHDRAWN = "withdrawn"  # 逾期不补正的视作放弃申请
    CANCELLED = "cancelled"  # 提供虚假材料…取消本次申请
    ACCEPTED = "accepted"  # 受理; evaluation running
    FAILED = "failed"  # 评估分数85分以下; may be re-evaluated after 3 months
    BARRED = "barred"  # 评估仍不合格的,1年内不得再次申请
    PASSED = "passed"  # 85分(含)以上, 公示
    APPROVED = "approved"  # 党组会审议通过, 确定为定点医药机构
    SIGNED = "signed"  # 医保协议 signed (to 31 December)
    OPEN = "open"  # 开通刷卡及公告


class AppEvent(StrEnum):
    SUBMIT = "submit"
    REQUEST_SUPPLEMENT = "request_supplement"
    COMPLETE_SUPPLEMENT = "complete_supplement"
    LAPSE_SUPPLEMENT = "lapse_supplement"
    ACCEPT = "accept"
    FRAUD_FOUND = "fraud_found"
    EVALUATE = "evaluate"
    REEVALUATE = "reevaluate"
    APPROVE = "approve"
    SIGN = "sign"
    OPEN_SETTLEMENT = "open_settlement"


class ProcessError(ValueError):
    def __init__(self, message: str, clause: str) -> None:
        super().__init__(f"{message} ({basis(clause)})")
        self.clause = clause
        self.basis = basis(clause)


@dataclass(frozen=True)
class Application:
    state: AppState
    pre_registered_on: dt.date
    submitted_on: dt.date | None = None
    supplement_notice_on: dt.date | None = None
    supplement_deadline: dt.date | None = None
    accepted_on: dt.date | None = None
    excluded_working_days: int = 0  # 机构补充材料时间不计入评估期限
    evaluation_deadline: dt.date | None = None
    score: Decimal | None = None
    failures: int = 0
    reevaluation_from: dt.date | None = None
    reapply_from: dt.date | None = None
    barred_until: dt.date | None = None
    agreement_end: dt.date | None = None
    cancelled_on: dt.date | None = None  # 虚假材料一经核实 (also the 发现之日 of 不予受理 医疗机构(4)/药店(2))
    provisional: bool = False  # a 工作日 deadline was counted without a published holiday schedule
    last_event_on: dt.date | None = None  # date of the latest step: the next one may not precede it
    basis: str = basis("二(三)1")


def earliest_application(pre_registered_on: dt.date, p: ParameterSet) -> dt.date:
    """二(三)2 "试运行期间不开通刷卡,试运行满3个月后…提交正式的定点申请书"."""
    return add_months(pre_registered_on, p.integer("trial_months"))


def quarter_of(day: dt.date) -> str:
    """二(三)2 "原则上每季度应开展1次集中受理审查": the batch an application belongs to."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def agreement_end(signed_on: dt.date) -> dt.date:
    """二(三)4 "协议期限一般按自然年度签订至当年12月31日"."""
    return dt.date(signed_on.year, 12, 31)


def step(
    app: Application,
    event: AppEvent,
    on: dt.date,
    p: ParameterSet,
    *,
    score: Decimal | None = None,
    table: HolidayTable = EMPTY_TABLE,
) -> Application:
    """Apply ``event`` on ``on`` to ``app`` under 二(三) and return the new state.

    二(三) orders the steps (预登记 → 受理 → 评估 → 审议 → 签约 → 开通): no step may be dated before the previous one.
    """
    previous = app.last_event_on or app.pre_registered_on
    if on < previous:
        raise ProcessError(f"{event.value} 日期 {on} 早于上一步骤日期 {previous}", "二(三)")
    return replace(_step(app, event, on, p, score=score, table=table), last_event_on=on)


def _step(
    app: Application,
    event: AppEvent,
    on: dt.date,
    p: ParameterSet,
    *,
    score: Decimal | None,
    table: HolidayTable,
) -> Application:
    s = app.state
    if event is AppEvent.FRAUD_FOUND:
        if s in (
            AppState.SUBMITTED,
            AppState.SUPPLEMENT_REQUESTED,
            AppState.ACCEPTED,
            AppState.FAILED,
            AppState.PASSED,
        ):
            return replace(app, state=AppState.CANCELLED, cancelled_on=on, basis=basis("二(三)2"))
        raise ProcessError(f"{s} 状态下不可取消申请", "二(三)2")
    if event is AppEvent.SUBMIT:
        if s not in (AppState.TRIAL, AppState.WITHDRAWN, AppState.BARRED):
            raise ProcessError(f"{s} 状态下不可提交申请", "二(三)2")
        first = earliest_application(app.pre_registered_on, p)
        if on < first:
            raise ProcessError(f"试运行满3个月后方可申请(最早{first})", "二(三)2")
        if s is AppState.WITHDRAWN and app.reapply_from is not None and on < app.reapply_from:
            raise ProcessError(f"视作放弃申请,须3个月后方可再次申请(最早{app.reapply_from})", "二(三)2")
        if s is AppState.BARRED and app.barred_until is not None and on <= app.barred_until:
            raise ProcessError(f"评估仍不合格,1年内不得再次申请(至{app.barred_until})", "二(三)3")
        return replace(
            app,
            state=AppState.SUBMITTED,
            submitted_on=on,
            supplement_notice_on=None,
            supplement_deadline=None,
            accepted_on=None,
            excluded_working_days=0,
            evaluation_deadline=None,
            score=None,
            failures=0,
            reevaluation_from=None,
            basis=basis("二(三)2"),
        )
    if event is AppEvent.REQUEST_SUPPLEMENT:
        # "材料不齐或不符合条件的,应一次性告知": one 补正 notice per application (a new submission starts afresh).
        if s is not AppState.SUBMITTED or app.supplement_notice_on is not None:
            raise ProcessError("材料不齐应一次性告知,只可告知一次", "二(三)2")
        deadline = add_working_days(on, p.integer("supplement_working_days"), table)
        return replace(
            app,
            state=AppState.SUPPLEMENT_REQUESTED,
            supplement_notice_on=on,
            supplement_deadline=deadline.date,
            provisional=app.provisional or deadline.provisional,
            basis=basis("二(三)2"),
        )
    if event is AppEvent.COMPLETE_SUPPLEMENT:
        if s is not AppState.SUPPLEMENT_REQUESTED or app.supplement_deadline is None:
            raise ProcessError(f"{s} 状态下无补正", "二(三)2")
        if on > app.supplement_deadline:
            raise ProcessError(f"逾期未补正(期限{app.supplement_deadline})", "二(三)2")
        return replace(app, state=AppState.SUBMITTED, basis=basis("二(三)2"))
    if event is AppEvent.LAPSE_SUPPLEMENT:
        if s is not AppState.SUPPLEMENT_REQUESTED or app.supplement_deadline is None:
            raise ProcessError(f"{s} 状态下无补正", "二(三)2")
        if on <= app.supplement_deadline:
            raise ProcessError(f"补正期限{app.supplement_deadline}未届满", "二(三)2")
        lapsed_on = app.supplement_deadline + ONE_DAY
        return replace(
            app,
            state=AppState.WITHDRAWN,
            reapply_from=add_months(lapsed_on, p.integer("withdrawn_reapply_months")),
            basis=basis("二(三)2"),
        )
    if event is AppEvent.ACCEPT:
        if s is not AppState.SUBMITTED:
            raise ProcessError(f"{s} 状态下不可受理", "二(三)2")
        # Reading A-06: a supplement completed before acceptance does not move the evaluation deadline;
        # supplements during evaluation are added with ``extend_for_supplement``.
        excluded = 0
        deadline = add_working_days(on, p.integer("evaluation_working_days"), table)
        return replace(
            app,
            state=AppState.ACCEPTED,
            accepted_on=on,
            excluded_working_days=excluded,
            evaluation_deadline=deadline.date,
            provisional=app.provisional or deadline.provisional,
            basis=basis("二(三)3"),
        )
    if event is AppEvent.EVALUATE:
        if s is not AppState.ACCEPTED:
            raise ProcessError(f"{s} 状态下不可评估", "二(三)3")
        if score is None:
            raise ProcessError("评估须给出分数", "二(三)3")
        if score >= p.decimal("pass_score"):
            return replace(app, state=AppState.PASSED, score=score, basis=basis("二(三)3"))
        failures = app.failures + 1
        if failures >= p.integer("failures_before_bar"):
            return replace(
                app,
                state=AppState.BARRED,
                score=score,
                failures=failures,
                barred_until=add_years(on, p.integer("second_failure_bar_years")),
                basis=basis("二(三)3"),
            )
        return replace(
            app,
            state=AppState.FAILED,
            score=score,
            failures=failures,
            reevaluation_from=add_months(on, p.integer("reevaluation_months")),
            basis=basis("二(三)3"),
        )
    if event is AppEvent.REEVALUATE:
        if s is not AppState.FAILED or app.reevaluation_from is None:
            raise ProcessError(f"{s} 状态下不可再次评估", "二(三)3")
        if on < app.reevaluation_from:
            raise ProcessError(f"整改3个月后方可再次评估(最早{app.reevaluation_from})", "二(三)3")
        deadline = add_working_days(on, p.integer("evaluation_working_days"), table)
        return replace(
            app,
            state=AppState.ACCEPTED,
            accepted_on=on,
            excluded_working_days=0,
            evaluation_deadline=deadline.date,
            provisional=app.provisional or deadline.provisional,
            basis=basis("二(三)3"),
        )
    if event is AppEvent.APPROVE:
        if s is not AppState.PASSED:
            raise ProcessError(f"{s} 状态下不可报党组会审议", "二(三)4")
        return replace(app, state=AppState.APPROVED, basis=basis("二(三)4"))
    if event is AppEvent.SIGN:
        if s is not AppState.APPROVED:
            raise ProcessError(f"{s} 状态下不可签订协议", "二(三)4")
        return replace(app, state=AppState.SIGNED, agreement_end=agreement_end(on), basis=basis("二(三)4"))
    if s is not AppState.SIGNED:
        raise ProcessError(f"{s} 状态下不可开通刷卡", "二(三)5")
    return replace(app, state=AppState.OPEN, basis=basis("二(三)5"))


def extend_for_supplement(
    app: Application, first: dt.date, last: dt.date, p: ParameterSet, table: HolidayTable = EMPTY_TABLE
) -> Application:
    """二(三)3 "自受理申请材料之日起,评估时间不超过20个工作日,机构补充材料时间不计入评估期限".

    Records a supplement period [first, last] during evaluation; its working days extend the deadline.
    """
    if app.state is not AppState.ACCEPTED or app.accepted_on is None:
        raise ProcessError("仅评估期间的补充材料时间可不计入评估期限", "二(三)3")
    if first < max(app.accepted_on, app.last_event_on or app.accepted_on) or last < first:
        raise ProcessError("补充材料时间须在受理之后", "二(三)3")
    days, provisional = working_days_between(first, last, table)
    excluded = app.excluded_working_days + days
    deadline = add_working_days(app.accepted_on, p.integer("evaluation_working_days") + excluded, table)
    return replace(
        app,
        excluded_working_days=excluded,
        evaluation_deadline=deadline.date,
        provisional=app.provisional or provisional or deadline.provisional,
        last_event_on=first,
        basis=basis("二(三)3"),
    )


@dataclass(frozen=True)
class WaitingBar:
    """A window in which the operating entity may not apply again, ending on ``until`` (inclusive)."""

    until: dt.date
    reason: str
    basis: str


def waiting_bar(history: Iterable[Application], on: dt.date) -> WaitingBar | None:
    """The waiting periods of 二(三)2 "逾期不补正的视作放弃申请,须3个月后方可再次申请" and 二(三)3 "评估仍不合格的,
    1年内不得再次申请" bind the institution (its 统一社会信用代码), not one application: ``history`` holds every
    application of the entity; the bar that ends last applies (reading A-59)."""
    bars: list[WaitingBar] = []
    for app in history:
        if app.state is AppState.WITHDRAWN and app.reapply_from is not None and on < app.reapply_from:
            until = app.reapply_from - ONE_DAY
            bars.append(
                WaitingBar(
                    until, f"逾期不补正视作放弃申请,须3个月后方可再次申请(最早{app.reapply_from})", basis("二(三)2")
                )
            )
        if app.state is AppState.BARRED and app.barred_until is not None and on <= app.barred_until:
            bars.append(
                WaitingBar(app.barred_until, f"评估仍不合格,1年内不得再次申请(至{app.barred_until})", basis("二(三)3"))
            )
    return max(bars, key=lambda b: b.until, default=None)
