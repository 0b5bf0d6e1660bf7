"""The application process of 衢医保发〔2023〕8号 二(三): 预登记 → 试运行 → 受理 → 评估 → 党组会 → 协议 → 开通刷卡.

A pure state machine: ``step`` takes the current ``Application``, an event and the date it happens on, checks
the clause's window, and returns the next ``Application`` (or raises ``ProcessError`` naming the clause).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from medinsurance.rules.basis import basis, complete_from, start_day_counted
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


def earliest_application(pre_registered_on: dt.date, p: ParameterSet, calendar: ParameterSet) -> dt.date:
    """二(三)2 "试运行期间不开通刷卡,试运行满3个月后…提交正式的定点申请书": the day the trial is 满 (reading A-02, as
    the calendar book reads it)."""
    return complete_from(pre_registered_on, p.integer("trial_months"), calendar)


def quarter_of(day: dt.date) -> str:
    """二(三)2 "原则上每季度应开展1次集中受理审查": the batch an application belongs to."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def agreement_end(signed_on: dt.date) -> dt.date:
    """二(三)4 "协议期限一般按自然年度签订至当年12月31日"."""
    return dt.date(signed_on.year, 12, 31)


@dataclass(frozen=True)
class Books:
    """The figures a step reads: the windows of 二(三) (``process``), the pass mark of 二(三)3, kept with the
    evaluation tables it marks (``evaluation``), and how periods are counted (``calendar``: readings A-01, A-02)."""

    process: ParameterSet
    evaluation: ParameterSet
    calendar: ParameterSet


@dataclass(frozen=True)
class _Occasion:
    """What one step is given besides the application: its date, the books in force then, a score (and, when the
    score comes from a scored 附件4 sheet, that sheet's verdict), the calendar."""

    on: dt.date
    books: Books
    score: Decimal | None
    qualified: bool | None
    table: HolidayTable

    @property
    def process(self) -> ParameterSet:
        return self.books.process


def step(
    app: Application,
    event: AppEvent,
    on: dt.date,
    books: Books,
    *,
    score: Decimal | None = None,
    qualified: bool | None = None,
    table: HolidayTable = EMPTY_TABLE,
) -> Application:
    """Apply ``event`` on ``on`` to ``app`` under 二(三) and return the new state.

    二(三) orders the steps (预登记 → 受理 → 评估 → 审议 → 签约 → 开通): no step may be dated before the previous one.
    """
    previous = app.last_event_on or app.pre_registered_on
    if on < previous:
        raise ProcessError(f"{event.value} 日期 {on} 早于上一步骤日期 {previous}", "二(三)")
    return replace(_STEPS[event](app, _Occasion(on, books, score, qualified, table)), last_event_on=on)


# While an application is under review (submitted, supplemented, evaluated, passed), fraud may be found in it.
_UNDER_REVIEW = (AppState.SUBMITTED, AppState.SUPPLEMENT_REQUESTED, AppState.ACCEPTED, AppState.FAILED, AppState.PASSED)


def _fraud_found(app: Application, o: _Occasion) -> Application:
    """二(三)2 "对提供虚假材料的医疗机构,一经核实,取消本次申请" (the day is the 发现之日 of 不予受理, reading A-57)."""
    if app.state not in _UNDER_REVIEW:
        raise ProcessError(f"{app.state} 状态下不可取消申请", "二(三)2")
    return replace(app, state=AppState.CANCELLED, cancelled_on=o.on, basis=basis("二(三)2"))


def _submit(app: Application, o: _Occasion) -> Application:
    """二(三)2 "试运行满3个月后…提交正式的定点申请书", after a withdrawal "须3个月后方可再次申请", after a second failed
    evaluation (二(三)3) "1年内不得再次申请". A new submission starts the application afresh."""
    if app.state not in (AppState.TRIAL, AppState.WITHDRAWN, AppState.BARRED):
        raise ProcessError(f"{app.state} 状态下不可提交申请", "二(三)2")
    first = earliest_application(app.pre_registered_on, o.process, o.books.calendar)
    if o.on < first:
        raise ProcessError(f"试运行满{o.process.integer('trial_months')}个月后方可申请(最早{first})", "二(三)2")
    bar = _wait_of(app, o.on)
    if bar is not None:
        raise ProcessError(bar.reason, bar.clause)
    return replace(
        app,
        state=AppState.SUBMITTED,
        submitted_on=o.on,
        supplement_notice_on=None,
        supplement_deadline=None,
        accepted_on=None,
        excluded_working_days=0,
        evaluation_deadline=None,
        score=None,
        # Reading A-08 (parameter ``failures_after_bar`` = ``fresh``): a new application counts its own failed
        # evaluations; the other reading (``carried``) carries the earlier ones on, so after the bar one more
        # failure bars the entity again.
        failures=app.failures if o.process["failures_after_bar"] == "carried" else 0,
        reevaluation_from=None,
        basis=basis("二(三)2"),
    )


def _request_supplement(app: Application, o: _Occasion) -> Application:
    """二(三)2 "材料不齐或不符合条件的,应一次性告知…应自收到材料补正通知之日起5个工作日内补正": one notice per
    application (a new submission starts afresh)."""
    if app.state is not AppState.SUBMITTED or app.supplement_notice_on is not None:
        raise ProcessError("材料不齐应一次性告知,只可告知一次", "二(三)2")
    days = o.process.integer("supplement_working_days")
    deadline = add_working_days(o.on, days, o.table, start_counted=start_day_counted(o.books.calendar))
    return replace(
        app,
        state=AppState.SUPPLEMENT_REQUESTED,
        supplement_notice_on=o.on,
        supplement_deadline=deadline.date,
        provisional=app.provisional or deadline.provisional,
        basis=basis("二(三)2"),
    )


def _open_supplement(app: Application) -> dt.date:
    """The 补正 deadline of an application waiting for its supplement."""
    if app.state is not AppState.SUPPLEMENT_REQUESTED or app.supplement_deadline is None:
        raise ProcessError(f"{app.state} 状态下无补正", "二(三)2")
    return app.supplement_deadline


def _complete_supplement(app: Application, o: _Occasion) -> Application:
    """二(三)2 补正 within the deadline ("5个工作日内", the last day included)."""
    deadline = _open_supplement(app)
    if o.on > deadline:
        raise ProcessError(f"逾期未补正(期限{deadline})", "二(三)2")
    return replace(app, state=AppState.SUBMITTED, basis=basis("二(三)2"))


def _lapse_supplement(app: Application, o: _Occasion) -> Application:
    """二(三)2 "逾期不补正的视作放弃申请,须3个月后方可再次申请": reading A-07 (parameter ``withdrawal_on`` =
    ``day_after_deadline``): withdrawn the day after the deadline, free to apply again on the corresponding day 3
    months later; the other reading (``deadline_day``) counts the 3 months from the deadline itself, a day earlier."""
    deadline = _open_supplement(app)
    if o.on <= deadline:
        raise ProcessError(f"补正期限{deadline}未届满", "二(三)2")
    lapsed_on = deadline + ONE_DAY if o.process["withdrawal_on"] == "day_after_deadline" else deadline
    return replace(
        app,
        state=AppState.WITHDRAWN,
        reapply_from=add_months(lapsed_on, o.process.integer("withdrawn_reapply_months")),
        basis=basis("二(三)2"),
    )


def _evaluation_opens(app: Application, o: _Occasion) -> Application:
    """二(三)3 "自受理申请材料之日起,评估时间不超过20个工作日": a fresh evaluation from ``o.on``, no supplement days yet
    (reading A-06: a supplement completed before acceptance does not move the deadline; ``extend_for_supplement``
    adds those of the evaluation)."""
    days = o.process.integer("evaluation_working_days")
    deadline = add_working_days(o.on, days, o.table, start_counted=start_day_counted(o.books.calendar))
    return replace(
        app,
        state=AppState.ACCEPTED,
        accepted_on=o.on,
        excluded_working_days=0,
        evaluation_deadline=deadline.date,
        provisional=app.provisional or deadline.provisional,
        basis=basis("二(三)3"),
    )


def _accept(app: Application, o: _Occasion) -> Application:
    """二(三)2 受理, which opens the evaluation of 二(三)3."""
    if app.state is not AppState.SUBMITTED:
        raise ProcessError(f"{app.state} 状态下不可受理", "二(三)2")
    return _evaluation_opens(app, o)


def _evaluate(app: Application, o: _Occasion) -> Application:
    """二(三)3 "评估分数85分(含)以上的为合格…评估分数85分以下的为不合格…整改3个月后可再次组织评估,评估仍不合格的,
    1年内不得再次申请"."""
    if app.state is not AppState.ACCEPTED:
        raise ProcessError(f"{app.state} 状态下不可评估", "二(三)3")
    if o.score is None:
        raise ProcessError("评估须给出分数", "二(三)3")
    # A scored sheet's verdict stands (its 基础指标 and reading A-13 decide it, rules/evaluation.py); a bare score is
    # compared with the pass mark.
    passed = o.qualified if o.qualified is not None else o.score >= o.books.evaluation.decimal("pass_score")
    if passed:
        return replace(app, state=AppState.PASSED, score=o.score, basis=basis("二(三)3"))
    failures = app.failures + 1
    if failures >= o.process.integer("failures_before_bar"):
        barred_until = add_years(o.on, o.process.integer("second_failure_bar_years"))
        return replace(
            app,
            state=AppState.BARRED,
            score=o.score,
            failures=failures,
            barred_until=barred_until,
            basis=basis("二(三)3"),
        )
    reevaluation_from = add_months(o.on, o.process.integer("reevaluation_months"))
    return replace(
        app,
        state=AppState.FAILED,
        score=o.score,
        failures=failures,
        reevaluation_from=reevaluation_from,
        basis=basis("二(三)3"),
    )


def _reevaluate(app: Application, o: _Occasion) -> Application:
    """二(三)3 "自结果告知送达之日起,整改3个月后可再次组织评估" (the EVALUATE date is the 送达 date, reading A-08)."""
    if app.state is not AppState.FAILED or app.reevaluation_from is None:
        raise ProcessError(f"{app.state} 状态下不可再次评估", "二(三)3")
    if o.on < app.reevaluation_from:
        months = o.process.integer("reevaluation_months")
        raise ProcessError(f"整改{months}个月后方可再次评估(最早{app.reevaluation_from})", "二(三)3")
    return _evaluation_opens(app, o)


def _approve(app: Application, o: _Occasion) -> Application:
    """二(三)4 "公示期间无人举报或举报经查不属实的,报党组会审议通过后,确定为定点医药机构" (reading A-58)."""
    if app.state is not AppState.PASSED:
        raise ProcessError(f"{app.state} 状态下不可报党组会审议", "二(三)4")
    return replace(app, state=AppState.APPROVED, basis=basis("二(三)4"))


def _sign(app: Application, o: _Occasion) -> Application:
    """二(三)4 "经办机构与医药机构签订医保协议…协议期限一般按自然年度签订至当年12月31日"."""
    if app.state is not AppState.APPROVED:
        raise ProcessError(f"{app.state} 状态下不可签订协议", "二(三)4")
    return replace(app, state=AppState.SIGNED, agreement_end=agreement_end(o.on), basis=basis("二(三)4"))


def _open_settlement(app: Application, o: _Occasion) -> Application:
    """二(三)5 开通刷卡及公告, once the agreement is signed."""
    if app.state is not AppState.SIGNED:
        raise ProcessError(f"{app.state} 状态下不可开通刷卡", "二(三)5")
    return replace(app, state=AppState.OPEN, basis=basis("二(三)5"))


_STEPS: Mapping[AppEvent, Callable[[Application, _Occasion], Application]] = {
    AppEvent.SUBMIT: _submit,
    AppEvent.REQUEST_SUPPLEMENT: _request_supplement,
    AppEvent.COMPLETE_SUPPLEMENT: _complete_supplement,
    AppEvent.LAPSE_SUPPLEMENT: _lapse_supplement,
    AppEvent.ACCEPT: _accept,
    AppEvent.FRAUD_FOUND: _fraud_found,
    AppEvent.EVALUATE: _evaluate,
    AppEvent.REEVALUATE: _reevaluate,
    AppEvent.APPROVE: _approve,
    AppEvent.SIGN: _sign,
    AppEvent.OPEN_SETTLEMENT: _open_settlement,
}


def extend_for_supplement(
    app: Application,
    first: dt.date,
    last: dt.date,
    p: ParameterSet,
    calendar: ParameterSet,
    table: HolidayTable = EMPTY_TABLE,
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
    days = p.integer("evaluation_working_days") + excluded
    deadline = add_working_days(app.accepted_on, days, table, start_counted=start_day_counted(calendar))
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
    clause: str

    @property
    def basis(self) -> str:
        return basis(self.clause)


def _wait_of(app: Application, on: dt.date) -> WaitingBar | None:
    """The wait ``app`` imposes on ``on``: 二(三)2 "逾期不补正的视作放弃申请,须3个月后方可再次申请" (to the day before
    ``reapply_from``), 二(三)3 "评估仍不合格的,1年内不得再次申请" (through ``barred_until``, 内 includes it, A-03)."""
    if app.state is AppState.WITHDRAWN and app.reapply_from is not None and on < app.reapply_from:
        reason = f"逾期不补正视作放弃申请,{app.reapply_from}起方可再次申请"
        return WaitingBar(app.reapply_from - ONE_DAY, reason, "二(三)2")
    if app.state is AppState.BARRED and app.barred_until is not None and on <= app.barred_until:
        reason = f"评估仍不合格,{app.barred_until}前(含当日)不得再次申请"
        return WaitingBar(app.barred_until, reason, "二(三)3")
    return None


def waiting_bar(history: Iterable[Application], on: dt.date) -> WaitingBar | None:
    """The waiting periods of 二(三)2 and 二(三)3 bind more than one application: ``history`` holds every application
    they bind (``rules.bars.binding``: the entity's, or the institution row's, reading A-59); the bar that ends last
    applies."""
    bars = [bar for app in history if (bar := _wait_of(app, on)) is not None]
    return max(bars, key=lambda b: b.until, default=None)
