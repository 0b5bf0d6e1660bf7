"""Edges of 衢医保发〔2023〕8号 the other rules tests left open (found by `./dev mutate`, see docs/TESTING.md).

Each test pins one side of one 以上/以下/低于 edge (民法典 第一千二百五十九条: 以上/以下 include the number, 低于
excludes it), one condition of a compound test varied alone, or one enumerated text against the document.
"""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from testkit import id_number

from medinsurance.parameters import params
from medinsurance.rules import evaluation as tables
from medinsurance.rules.agreements import (
    AgreementError,
    AgreementState,
    check_non_renewal_notice,
    first_term,
    renew,
    resume,
    status_on,
    suspend,
    terminate,
)
from medinsurance.rules.application import (
    AppEvent,
    Application,
    AppState,
    Books,
    ProcessError,
    extend_for_supplement,
    step,
)
from medinsurance.rules.basis import IN_FORCE_FROM, within_recent
from medinsurance.rules.conduct import (
    DiseaseKind,
    ProxyGround,
    ProxyRequest,
    Relationship,
    SettlementStatus,
    check_dispensing,
    check_password,
    check_proxy,
    outage_status,
    price_split,
    proxy_year_bounds,
)
from medinsurance.rules.eligibility import (
    Employee,
    InstitutionFacts,
    InstitutionType,
    PharmacyFacts,
    institution_conditions,
    pharmacy_conditions,
    who_may_apply,
)
from medinsurance.rules.performance import (
    AssessmentInput,
    AssessmentResult,
    Category,
    Grade,
    ItemInput,
    assessment_schedule,
    final_score,
    grade_all,
    score_table,
    whole_steps,
)
from medinsurance.rules.refusal import CASE_ITEMS, ApplicantRecord, RefusalCase, Termination, refusal_findings
from medinsurance.rules.sanctions import AGGRAVATING, MITIGATING, STANDARDS, penalty, ratio_range
from medinsurance.rules.workdays import DayKind, HolidayTable, YearSchedule, day_kind
from qz_common.params import ParameterSet

SANCTIONS = params("sanctions", dt.date(2023, 3, 1))
PERFORMANCE = params("performance", dt.date(2023, 3, 1))


# ---------------------------------------------------------------- 附件3 认定标准, 从轻, 从重; 五(五) 违约金


def test_standards_are_numbered_as_in_attachment_3() -> None:
    # 附件3 一 (一)–(二十一): the first and the last named ones
    assert sorted(STANDARDS) == list(range(1, 22))
    assert (STANDARDS[1], STANDARDS[2], STANDARDS[21]) == ("分解住院", "挂床住院", "不合理诊疗")


def test_mitigating_and_aggravating_circumstances_are_numbered_as_in_attachment_3() -> None:
    # 附件3 二 (一)–(六) 从轻或减轻, 三 (一)–(七) 从重; the catch-alls are the last items
    assert sorted(MITIGATING) == list(range(1, 7))
    assert MITIGATING[6] == "其他依法应当从轻或减轻处罚的"
    assert sorted(AGGRAVATING) == list(range(1, 8))
    assert AGGRAVATING[7] == "其他依法应当从重处罚的"


def test_the_mitigating_catch_all_narrows_the_ratio() -> None:
    # 附件3 二(六) "其他依法应当从轻或减轻处罚的" is a 从轻 circumstance like (一)–(五): at most the split ratio
    narrowed = ratio_range(3, SANCTIONS, mitigating=frozenset({6}))
    assert narrowed.high == SANCTIONS.decimal("mitigation_split_ratio")


def test_the_30_percent_ceiling_caps_a_higher_tier_maximum() -> None:
    # 五(五) "原则上不超过…30%" binds even a parameter version whose 五(三)3 range would reach 40%
    wider = dataclasses.replace(SANCTIONS, values={**SANCTIONS.values, "tier3_ratio_max": Decimal("0.40")})
    assert ratio_range(3, wider).high == Decimal("0.30")


def test_a_zero_or_small_violation_amount_is_a_penalty_not_an_error() -> None:
    # 违约金 = 核定违规医保费用 × 违约支付比例: 0 × 10% = 0.00; 0.50 × 10% = 0.05
    assert penalty(3, Decimal("0"), Decimal("0.10"), SANCTIONS).amount == Decimal("0.00")
    assert penalty(3, Decimal("0.50"), Decimal("0.10"), SANCTIONS).amount == Decimal("0.05")


# ---------------------------------------------------------------- 附件1 考核标准 tables, 二(三) schedule, 最终得分


def test_steps_of_more_than_one_percentage_point() -> None:
    # 表3 "相较前一年同比下降的,每下降5个百分点扣1分": a 12-point fall is 2 whole steps of 5, not 12 × 5
    assert whole_steps(Decimal("12"), Decimal("5")) == 2
    assert whole_steps(Decimal("10"), Decimal("5")) == 2
    assert whole_steps(Decimal("9.99"), Decimal("5")) == 1


def test_zero_and_fractional_units_are_deductions_not_errors() -> None:
    # 门诊类 O03 "每降低1个百分点扣0.2分": no shortfall (0 units) keeps the row's full 8 points; only negative units
    # are refused
    full = {i.code: i.score for i in score_table(Category.OUTPATIENT, {}, PERFORMANCE).items}
    zero = score_table(Category.OUTPATIENT, {"O03": ItemInput(units={"shortfall_points": Decimal("0")})}, PERFORMANCE)
    assert {i.code: i.score for i in zero.items}["O03"] == full["O03"] == 8
    # a measured shortfall counts in whole points, so 0.5 is no step yet and 1.5 is one step
    half = score_table(Category.OUTPATIENT, {"O03": ItemInput(units={"shortfall_points": Decimal("0.5")})}, PERFORMANCE)
    assert {i.code: i.score for i in half.items}["O03"] == 8  # 8 − 0 × 0.2
    one_and_a_half = score_table(
        Category.OUTPATIENT, {"O03": ItemInput(units={"shortfall_points": Decimal("1.5")})}, PERFORMANCE
    )
    assert {i.code: i.score for i in one_and_a_half.items}["O03"] == Decimal("7.8")  # 8 − 1 × 0.2


def test_annual_assessment_done_by_the_end_of_a_leap_february() -> None:
    # 年度总评 "考核在次年…完成": were the deadline month February, 2023's assessment ends on 29 February 2024
    february = dataclasses.replace(PERFORMANCE, values={**PERFORMANCE.values, "annual_done_by_month": 2})
    assert assessment_schedule(2023, february).annual_done_by == dt.date(2024, 2, 29)
    assert assessment_schedule(2024, february).annual_done_by == dt.date(2025, 2, 28)


def test_final_score_accepts_both_ends_of_0_to_100() -> None:
    # 100 × 30% + 100 × 70% = 100 (a perfect score); 0 × 30% + 0 × 70% = 0
    assert final_score(Decimal("100"), Decimal("100"), PERFORMANCE) == 100
    assert final_score(Decimal("0"), Decimal("0"), PERFORMANCE) == 0
    for outside in (Decimal("-0.01"), Decimal("100.01")):
        with pytest.raises(ValueError):
            final_score(Decimal("90"), outside, PERFORMANCE)


# ---------------------------------------------------------------- 附件1 二(四) 结果运用


def pool(*scores: int | str) -> list[AssessmentInput]:
    """Institutions i0, i1, … scoring the same in both assessments, so their final score is that score."""
    return [AssessmentInput(f"i{n}", Decimal(s), Decimal(s)) for n, s in enumerate(scores)]


def graded(category: Category, *scores: int | str) -> list[AssessmentResult]:
    return grade_all(category, pool(*scores), PERFORMANCE)


def test_new_institutions_are_neither_graded_nor_suspended() -> None:
    # "对于当年新增的定点医药机构,不予考核": no grade, no rank, and so none of the 暂停联网结算 of 末两位
    institutions = [*pool(95, 90), AssessmentInput("new", Decimal("40"), Decimal("40"), new_this_year=True)]
    new = grade_all(Category.OUTPATIENT, institutions, PERFORMANCE)[-1]
    assert (new.grade, new.rank, new.consequences.settlement_suspended) == (None, None, False)


def test_exactly_90_and_first_is_grade_a() -> None:
    # "考核得分90分以上且居前10%": 以上 includes 90; rank 1 ≤ 10 × 10% = 1
    results = graded(Category.COMPREHENSIVE, 90, *[85] * 9)
    assert results[0].grade is Grade.A


def test_second_rank_is_within_the_top_10_percent_of_twenty() -> None:
    # 20 institutions: 居前10% = ranks ≤ 20 × 10% = 2; rank 3 is outside
    results = graded(Category.COMPREHENSIVE, 99, 98, 97, *[85] * 17)
    assert [r.grade for r in results[:3]] == [Grade.A, Grade.A, Grade.B]
    assert [r.rank for r in results[:3]] == [1, 2, 3]


def test_second_rank_is_within_the_top_5_percent_of_forty_outpatient() -> None:
    # 门诊类 "90分以上且居前5%": 40 × 5% = 2 → ranks 1 and 2 are A, rank 3 (still ≥ 90) is B
    results = graded(Category.OUTPATIENT, 99, 98, 97, *[85] * 37)
    assert [r.grade for r in results[:3]] == [Grade.A, Grade.A, Grade.B]


def test_second_from_bottom_is_within_the_bottom_5_percent_of_forty() -> None:
    # "70分以下且居后5%": 40 × 5% = 2 → the two lowest (both ≤ 70) are D, the third lowest is C
    results = graded(Category.COMPREHENSIVE, *[85] * 37, 70, 69, 68)
    assert [r.grade for r in results[-3:]] == [Grade.C, Grade.D, Grade.D]


def test_exactly_60_outside_the_last_two_is_not_suspended_but_just_below_is() -> None:
    # "将排名末两位的或考核得分低于60分的予以暂停联网结算": 低于 excludes 60; the institution scoring 60 is third
    # from the bottom, so neither condition holds; at 59.99 the score condition alone holds
    at_60 = graded(Category.OUTPATIENT, 95, *[85] * 7, 60, 50, 40)
    assert at_60[8].consequences.settlement_suspended is False
    below = graded(Category.OUTPATIENT, 95, *[85] * 7, "59.99", 50, 40)
    assert below[8].consequences.settlement_suspended is True


def test_last_two_positions_are_suspended_even_with_high_scores() -> None:
    # the position condition alone: 末两位 of a strong pool, all above 60 (and above 70: grade B, not D)
    results = graded(Category.PHARMACY, 99, *[95] * 7, 85, 84, 83)
    assert [r.consequences.settlement_suspended for r in results[-3:]] == [False, True, True]
    assert results[-1].grade is Grade.B


def test_comprehensive_consequences_per_grade() -> None:
    # 二(四)1: A 减少检查·增加预拨·张榜; B 加大检查 (no count)·减少预拨·通报; C 至少每年2次; D 至少每年三次
    results = graded(Category.COMPREHENSIVE, 95, *[85] * 17, 75, 65)
    a, b, c, d = results[0], results[1], results[-2], results[-1]
    assert [r.grade for r in (a, b, c, d)] == [Grade.A, Grade.B, Grade.C, Grade.D]
    assert (a.consequences.fund_preallocation, a.consequences.publication) == ("increase", "commend")
    assert a.consequences.min_inspections_per_year is None
    assert [r.consequences.min_inspections_per_year for r in (b, c, d)] == [None, 2, 3]
    assert {(r.consequences.fund_preallocation, r.consequences.publication) for r in (b, c, d)} == {
        ("decrease", "notify")
    }
    assert not any(r.consequences.settlement_suspended for r in results)


@pytest.mark.parametrize("category", [Category.OUTPATIENT, Category.PHARMACY])
def test_outpatient_and_pharmacy_consequences_per_grade(category: Category) -> None:
    # 二(四)2: B "至少每年检查2次及以上", C "至少每年检查3次及以上", both 减少基金预拨·通报公布;
    # D "根据优胜劣汰、动态管理原则" with 暂停联网结算 and 整改3个月后再进行考核 for the last two
    results = graded(category, 95, *[85] * 16, 75, 72, 65)
    b, c, d = results[1], results[-2], results[-1]
    assert [r.grade for r in (b, c, d)] == [Grade.B, Grade.C, Grade.D]
    assert (b.consequences.min_inspections_per_year, b.consequences.fund_preallocation) == (2, "decrease")
    assert (c.consequences.min_inspections_per_year, c.consequences.publication) == (3, "notify")
    assert d.consequences.items[0] == "根据优胜劣汰、动态管理原则进行管理"
    assert (d.consequences.fund_preallocation, d.consequences.publication) == (None, None)
    assert d.consequences.settlement_suspended is True
    assert d.consequences.reassess_after_months == 3
    assert any("暂停联网结算" in item for item in d.consequences.items)
    assert b.consequences.reassess_after_months is None


# ---------------------------------------------------------------- 工作日


def test_an_operator_entered_working_weekend_is_certain_not_provisional() -> None:
    # a 调休 Saturday the operator entered from the published schedule is a 工作日 on that authority
    saturday = dt.date(2027, 1, 2)
    table = HolidayTable({2027: YearSchedule(working_weekends=frozenset({saturday}))})
    assert day_kind(saturday, table) == DayKind(True, False, "operator")


# ---------------------------------------------------------------- 二(三)2 不予受理 numbering, 四(四) 施行, 近N年内


def test_refusal_cases_carry_the_item_numbers_of_the_text() -> None:
    # 二(三)2: 医疗机构 (1)–(12), 零售药店 (1)–(8); the pharmacy list lacks 医疗机构 (1), (2), (9) and (10)
    assert CASE_ITEMS == {
        RefusalCase.NON_BASIC_SCOPE: (1, None),  # 以医疗美容、辅助生殖…为主要执业范围
        RefusalCase.PRICE_POLICY: (2, None),  # 未执行…医药价格政策
        RefusalCase.ADMIN_PENALTY_UNFULFILLED: (3, 1),  # 未依法履行行政处罚责任
        RefusalCase.FRAUDULENT_APPLICATION: (4, 2),  # 弄虚作假…未满3年
        RefusalCase.TERMINATED_FOR_VIOLATION: (5, 3),  # 因违法违规被解除医保协议未满3年
        RefusalCase.TERMINATED_FOR_BREACH: (6, 4),  # 因违反医保协议约定…未满1年
        RefusalCase.LEGAL_REP_PRIOR_TERMINATION: (7, 5),  # 法定代表人…曾因严重违法违规
        RefusalCase.LEGAL_REP_DISHONEST: (8, 6),  # 法定代表人…被列入失信人名单
        RefusalCase.MEDICAL_SERVICE_PENALTY: (9, None),  # 因医疗服务行为受到…处罚未满1年
        RefusalCase.IRREGULAR_PRACTICE: (10, None),  # 近2年内有非法行医…
        RefusalCase.SAME_ENTITY_SANCTIONED: (11, 7),  # 同一法人主体…1年内
        RefusalCase.OTHER_LEGAL: (12, 8),  # 法律法规规定的其他不予受理的情形
    }


def test_the_measures_are_in_force_from_18_february_2023() -> None:
    # 四(四) "自2023年2月18日起施行"
    assert dt.date(2023, 2, 18) == IN_FORCE_FROM


def test_within_recent_years_includes_both_ends() -> None:
    # "近2年内": from the corresponding day 24 months back through the day itself
    on = dt.date(2025, 3, 15)
    assert within_recent(dt.date(2023, 3, 15), on, 24) and within_recent(on, on, 24)
    assert not within_recent(dt.date(2023, 3, 14), on, 24)
    assert not within_recent(dt.date(2025, 3, 16), on, 24)


def test_an_event_on_the_application_day_itself_already_counts() -> None:
    # "自发现之日起未满3年", "近2年内", "被解除医保协议未满1年": each window opens on the event's own day, so a
    # fraud found, an irregular practice, a termination on the application day refuse the application that day
    day = dt.date(2024, 5, 10)
    record = ApplicantRecord(
        fraud_found_on=(day,),
        irregular_practice_on=(day,),
        terminated_for_breach=(Termination(day, liabilities_fulfilled=True),),
    )
    found = {f.case for f in refusal_findings(record, day, False, params("refusal", day))}
    assert found == {
        RefusalCase.FRAUDULENT_APPLICATION,
        RefusalCase.IRREGULAR_PRACTICE,
        RefusalCase.TERMINATED_FOR_BREACH,
    }


def test_the_latest_of_two_terminations_decides_until_when_a_refusal_holds() -> None:
    # 二(三)2 "被解除协议未满1年": terminated 1 March and 1 September 2023, applying 10 January 2024 — refused until
    # 31 August 2024, the last day before the later termination's year is 满
    on = dt.date(2024, 1, 10)
    terminations = tuple(Termination(d, liabilities_fulfilled=True) for d in (dt.date(2023, 3, 1), dt.date(2023, 9, 1)))
    findings = refusal_findings(ApplicantRecord(terminated_for_breach=terminations), on, False, params("refusal", on))
    assert [(f.case, f.until) for f in findings] == [(RefusalCase.TERMINATED_FOR_BREACH, dt.date(2024, 8, 31))]


def test_a_new_agreement_is_not_voluntarily_suspended() -> None:
    # 二(三)4 a first term runs to 31 December; 附件1 一(三)3 a voluntary 中止 exists only once applied for
    agreement = first_term(dt.date(2023, 3, 1))
    assert (agreement.ends_on, agreement.voluntary_suspension) == (dt.date(2023, 12, 31), False)


AGREEMENT = params("agreement", dt.date(2023, 3, 1))


def test_a_suspension_of_a_single_day_is_allowed() -> None:
    # 附件1 一(三)1 "中止时间原则上不得超过180日": one day is the shortest 中止, ending on the day it starts
    day = dt.date(2023, 6, 1)
    suspended = suspend(first_term(dt.date(2023, 3, 1)), day, 1, params("agreement", day))
    assert (suspended.state, suspended.suspended_from, suspended.suspended_until) == (
        AgreementState.SUSPENDED,
        day,
        day,
    )


def test_a_voluntary_suspension_counts_its_notice_from_the_request() -> None:
    # 附件1 一(三)3 "应提前3个月…提出申请": requested 1 March, effective 1 June (exactly 3 months) is in time;
    # it is the term's first 中止
    suspended = suspend(
        first_term(dt.date(2023, 1, 1)),
        dt.date(2023, 6, 1),
        30,
        AGREEMENT,
        voluntary=True,
        notified_on=dt.date(2023, 3, 1),
    )
    assert (suspended.state, suspended.suspensions_this_term) == (AgreementState.SUSPENDED, 1)


def test_non_renewal_notice_of_exactly_three_months_is_in_time() -> None:
    check_non_renewal_notice(dt.date(2023, 9, 30), dt.date(2023, 12, 30), AGREEMENT)


def test_a_suspension_reaching_the_last_day_of_the_term() -> None:
    # 附件1 一(三)1 "中止期结束,未超过医保协议有效期的,医保协议可继续履行;超过…的,本协议期医保协议解除":
    # on 31 December (the term's last day) the agreement is still suspended and may resume; on 1 January it ends
    suspended = suspend(first_term(dt.date(2023, 1, 1)), dt.date(2023, 12, 1), 60, AGREEMENT)
    assert status_on(suspended, dt.date(2023, 12, 31), AGREEMENT).state is AgreementState.SUSPENDED
    assert resume(suspended, dt.date(2023, 12, 31), AGREEMENT).state is AgreementState.ACTIVE
    ended = status_on(suspended, dt.date(2024, 1, 1), AGREEMENT)
    assert (ended.state, ended.terminated_on) == (AgreementState.TERMINATED, dt.date(2024, 1, 1))


def test_a_terminated_agreement_keeps_its_own_termination() -> None:
    # terminated while suspended: the 180-day automatic 解除 no longer applies to it
    suspended = suspend(first_term(dt.date(2023, 1, 1)), dt.date(2023, 2, 1), 30, AGREEMENT)
    ended = terminate(suspended, dt.date(2023, 2, 10), "违规", "五(三)5(16)")
    later = status_on(ended, dt.date(2023, 12, 1), AGREEMENT)
    assert (later.terminated_on, later.reason) == (dt.date(2023, 2, 10), "违规")


# ---------------------------------------------------------------- 二(三) 申请, 补正, 评估


PROCESS = params("process", dt.date(2023, 3, 1))
BOOKS = Books(PROCESS, params("evaluation", dt.date(2023, 3, 1)))


def test_a_pre_registered_institution_has_no_failures_and_no_excluded_days() -> None:
    fresh = Application(AppState.TRIAL, dt.date(2023, 3, 1))
    assert (fresh.failures, fresh.excluded_working_days) == (0, 0)


def test_a_resubmission_starts_with_no_excluded_days() -> None:
    # 二(三)3 "机构补充材料时间不计入评估期限" concerns one evaluation: a new application starts from nothing
    barred = dataclasses.replace(
        Application(AppState.BARRED, dt.date(2022, 1, 1)), barred_until=dt.date(2023, 5, 31), excluded_working_days=4
    )
    assert step(barred, AppEvent.SUBMIT, dt.date(2023, 6, 1), BOOKS).excluded_working_days == 0


def test_a_supplement_is_completed_once() -> None:
    # 二(三)2 "材料不齐应一次性告知": once completed, there is no open supplement to complete again
    submitted = step(Application(AppState.TRIAL, dt.date(2023, 3, 1)), AppEvent.SUBMIT, dt.date(2023, 6, 1), BOOKS)
    requested = step(submitted, AppEvent.REQUEST_SUPPLEMENT, dt.date(2023, 6, 15), BOOKS)
    completed = step(requested, AppEvent.COMPLETE_SUPPLEMENT, dt.date(2023, 6, 16), BOOKS)
    with pytest.raises(ProcessError, match="无补正"):
        step(completed, AppEvent.COMPLETE_SUPPLEMENT, dt.date(2023, 6, 19), BOOKS)
    with pytest.raises(ProcessError, match="无补正"):  # nor can it lapse afterwards
        step(completed, AppEvent.LAPSE_SUPPLEMENT, dt.date(2023, 7, 31), BOOKS)


def test_a_provisional_deadline_keeps_the_application_provisional() -> None:
    # a deadline once counted without a published holiday schedule stays flagged, even when the next one is certain
    submitted = Application(AppState.SUBMITTED, dt.date(2023, 3, 1), submitted_on=dt.date(2023, 6, 1), provisional=True)
    assert step(submitted, AppEvent.ACCEPT, dt.date(2023, 6, 5), BOOKS).provisional is True


def test_a_reevaluation_starts_afresh_and_only_from_a_failure() -> None:
    # 二(三)3 "整改3个月后方可再次评估": a new 20-工作日 evaluation, no supplement days carried over, the provisional
    # flag kept; a second 再次评估 needs a second failure first
    failed = Application(
        AppState.FAILED,
        dt.date(2023, 3, 1),
        failures=1,
        excluded_working_days=4,
        reevaluation_from=dt.date(2023, 10, 9),
        provisional=True,
    )
    again = step(failed, AppEvent.REEVALUATE, dt.date(2023, 10, 9), BOOKS)
    assert (again.state, again.excluded_working_days, again.provisional) == (AppState.ACCEPTED, 0, True)
    with pytest.raises(ProcessError, match="不可再次评估"):
        step(again, AppEvent.REEVALUATE, dt.date(2023, 10, 10), BOOKS)


def test_a_one_day_supplement_on_the_acceptance_day_extends_the_evaluation() -> None:
    # "机构补充材料时间不计入评估期限": a supplement on Monday 5 June 2023, the day of acceptance itself, is one
    # 工作日 not counted. From 6 June, 20 工作日 (端午 22–23 June off, Sunday 25 June 调休 on) end on 4 July;
    # with the one excluded day, on 5 July
    accepted = Application(AppState.ACCEPTED, dt.date(2023, 3, 1), accepted_on=dt.date(2023, 6, 5), provisional=True)
    day = dt.date(2023, 6, 5)
    extended = extend_for_supplement(accepted, day, day, PROCESS)
    assert (extended.excluded_working_days, extended.evaluation_deadline) == (1, dt.date(2023, 7, 5))
    assert extended.provisional is True
    passed = dataclasses.replace(accepted, state=AppState.PASSED)
    with pytest.raises(ProcessError, match="仅评估期间"):
        extend_for_supplement(passed, day, day, PROCESS)


# ---------------------------------------------------------------- 附件2 行为规范


CONDUCT = params("conduct", dt.date(2023, 3, 1))


def test_an_outage_repaired_at_the_moment_looked_at_is_over() -> None:
    failed = dt.datetime(2023, 6, 1, 8, 0)
    at = failed + dt.timedelta(hours=30)
    assert outage_status(failed, at, CONDUCT, repaired_at=at).status is SettlementStatus.NORMAL


def test_the_48_hour_window_opens_at_the_moment_of_the_request() -> None:
    # "未正常运行超过24小时的…即被自动暂停…可…申请临时开通48小时医保结算服务": requested the moment after the
    # 24 hours, the window is open at the very moment of the request
    failed = dt.datetime(2023, 6, 1, 8, 0)
    requested = failed + dt.timedelta(hours=24, minutes=1)
    status = outage_status(failed, requested, CONDUCT, window_requested_at=requested)
    assert (status.status, status.window_until) == (
        SettlementStatus.TEMPORARY_WINDOW,
        requested + dt.timedelta(hours=48),
    )


def test_a_request_before_the_suspension_opens_no_window() -> None:
    # the window is only for a suspended system: a request at exactly 24 hours (not yet 超过) is not one
    failed = dt.datetime(2023, 6, 1, 8, 0)
    limit = failed + dt.timedelta(hours=24)
    status = outage_status(failed, limit + dt.timedelta(hours=1), CONDUCT, window_requested_at=limit)
    assert (status.status, status.window_until) == (SettlementStatus.SUSPENDED, None)


def test_password_letters_at_the_ends_of_the_alphabet_count() -> None:
    # 附件2 一(一)3 "6位以上大小字母加数字": Z, a and z are letters like any other
    assert check_password("Zabcd1", CONDUCT).ok is True
    assert check_password("ABCDz1", CONDUCT).ok is True
    assert check_password("ABCDa1", CONDUCT).ok is True
    assert check_password("ABcde0", CONDUCT).ok is True  # and 0 and 9 are digits
    assert check_password("ABcde9", CONDUCT).ok is True


def test_the_first_change_of_agent_in_a_year_is_allowed() -> None:
    # 附件2 二(四) "其他委托人一个医保年度内可以变更一次代理人": with no change counted yet, a change is allowed
    request = ProxyRequest(
        principal_id=id_number("330802", dt.date(1950, 1, 1)),
        agent_id=id_number("330802", dt.date(1980, 1, 1)),
        ground=ProxyGround.MOBILITY,
        relationship=Relationship.CLOSE_RELATIVE,
    )
    decision = check_proxy(
        request, dt.date(2024, 3, 1), CONDUCT, principal_active_agents=0, agent_active_principals=0, is_change=True
    )
    assert (decision.allowed, decision.problems) == (True, ())
    # a further agent (not a change of agent) is no change, even after this year's one change
    further = check_proxy(
        request,
        dt.date(2024, 3, 1),
        CONDUCT,
        principal_active_agents=1,
        agent_active_principals=0,
        principal_changes_this_year=1,
    )
    assert further.allowed is True


def test_one_day_of_medicine_is_a_dispensing_and_none_is_not() -> None:
    # 附件2 二(五) "急性病不超过7天量": 1 to 7 days; a dispensing of 0 days is no dispensing
    assert check_dispensing(DiseaseKind.ACUTE, 1, CONDUCT).ok is True
    assert check_dispensing(DiseaseKind.ACUTE, 0, CONDUCT).ok is False


def test_zero_prices_and_quantities_are_valid_and_each_negative_alone_is_refused() -> None:
    # 附件2 二(六) "超额部分经办机构不予支付": a free item, a zero standard (all unpaid), nothing sold are all lines
    assert price_split(Decimal("0"), Decimal("0"), Decimal("1")).payable == Decimal("0.00")
    all_excess = price_split(Decimal("0.5"), Decimal("0"), Decimal("1"))
    assert (all_excess.payable, all_excess.unpaid_excess) == (Decimal("0.00"), Decimal("0.50"))
    assert price_split(Decimal("10"), Decimal("8"), Decimal("0")).payable == Decimal("0.00")
    assert price_split(Decimal("0.5"), Decimal("0.5"), Decimal("0.5")).payable == Decimal("0.25")
    for negative in (("-1", "8", "1"), ("10", "-1", "1"), ("10", "8", "-1")):
        with pytest.raises(ValueError):
            price_split(*map(Decimal, negative))


def test_the_insurance_year_is_the_calendar_year() -> None:
    # reading A-17: the 医保年度 of 代配药 changes runs from 1 January to 31 December
    assert proxy_year_bounds(dt.date(2024, 2, 29)) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


# ---------------------------------------------------------------- 二(一)–(二) who may apply, 基本条件


def test_internet_institutions_cite_their_own_kind_s_clause() -> None:
    # 二(一)1 互联网医院 (医疗机构), 二(二)1 互联网药店 (零售药店)
    assert who_may_apply(InstitutionType.INTERNET_HOSPITAL).basis == "衢医保发〔2023〕8号 二(一)1"
    assert who_may_apply(InstitutionType.INTERNET_PHARMACY).basis == "衢医保发〔2023〕8号 二(二)1"


ADMISSION = params("admission", dt.date(2023, 6, 1))


def unmet(**facts: object) -> set[str]:
    base = InstitutionFacts(kind=InstitutionType.PRIMARY_CARE, operating_since=dt.date(2020, 1, 1))
    found = institution_conditions(dataclasses.replace(base, **facts), dt.date(2023, 6, 1), ADMISSION)  # type: ignore[arg-type]
    return {u.code for u in found}


def test_an_undeclared_condition_is_an_unmet_condition() -> None:
    # 二(一)2 "应当同时具备以下基本条件": what the institution has not declared, it has not shown
    assert unmet() == {"physician", "insurance_staff", "rules", "information_system", "inventory"}
    assert unmet(kind=InstitutionType.BLIND_MASSAGE) == {
        "massage_staff",
        "massage_beds",
        "massage_area",
        "insurance_staff",
        "rules",
        "information_system",
        "inventory",
    }


def test_a_responsible_leader_and_an_insurance_officer_are_each_required() -> None:
    # 二(一)2(3) "机构领导负责医保工作并配备专(兼)职医保管理人员": each half varied alone
    assert "insurance_staff" in unmet(leader_responsible=True)
    assert "insurance_staff" in unmet(insurance_staff=1)
    assert "insurance_staff" not in unmet(leader_responsible=True, insurance_staff=1)


def pharmacy_unmet(on: dt.date, *pharmacists: Employee) -> set[str]:
    facts = PharmacyFacts(True, dt.date(2020, 1, 1), pharmacists=pharmacists)
    return {u.code for u in pharmacy_conditions(facts, on, ADMISSION)}


def test_an_undeclared_pharmacy_condition_is_unmet() -> None:
    assert pharmacy_unmet(dt.date(2023, 6, 1)) == {
        "pharmacist",
        "insurance_staff",
        "classification",
        "rules",
        "information_system",
        "business_scope",
        "non_drug_area",
        "inventory",
    }


def test_a_pharmacist_s_contract_counts_from_its_first_through_its_last_day() -> None:
    # 二(二)1(2) "签订1年以上劳动合同且在合同期内": both contract dates inclusive; a contract not yet begun,
    # even an open-ended one, is not one the pharmacist is "在…期内" of
    year = Employee(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert "pharmacist" not in pharmacy_unmet(dt.date(2023, 1, 1), year)
    assert "pharmacist" not in pharmacy_unmet(dt.date(2023, 12, 31), year)
    assert "pharmacist" in pharmacy_unmet(dt.date(2024, 1, 1), year)
    starting = Employee(dt.date(2023, 6, 2), None)
    assert "pharmacist" in pharmacy_unmet(dt.date(2023, 6, 1), starting)
    assert "pharmacist" not in pharmacy_unmet(dt.date(2023, 6, 2), starting)


def test_a_pharmacy_declaring_no_non_drug_area_sells_none() -> None:
    # 二(二)1(7) "经营面积不得超过总经营面积的20%": undeclared, the non-drug area is 0, within 20% of even 1 m²
    facts = PharmacyFacts(True, dt.date(2020, 1, 1), total_area_m2=Decimal("1"))
    assert "non_drug_area" not in {u.code for u in pharmacy_conditions(facts, dt.date(2023, 6, 1), ADMISSION)}


# ---------------------------------------------------------------- 表2 新增定点零售药店评估标准: each deduction alone


EVALUATION = params("evaluation", dt.date(2023, 6, 1))
ACCEPTED = dt.date(2023, 5, 15)


def pharmacy_evaluation(**changes: object) -> tables.PharmacyEvaluation:
    """A 表2 evaluation accepted on 15 May 2023 with one blank evaluator's sheet, changed by ``changes``."""
    blank = tables.PharmacyEvaluation(
        evaluated_on=dt.date(2023, 6, 1),
        accepted_on=ACCEPTED,
        basic=dict.fromkeys(tables.PharmacyBasic, True),
        licences=[tables.Licence(approved_on=dt.date(2022, 6, 1), uscc="91110000600037341L")],
        sheets=[tables.PharmacySheet(management_quality=Decimal("2"))],
    )
    return dataclasses.replace(blank, **changes)


def pharmacy_items(book: ParameterSet = EVALUATION, **sheet: object) -> dict[int, Decimal]:
    """One evaluator's 表2 评估指标 scores by number, for a sheet differing from a blank one in ``sheet`` only."""
    evaluation = pharmacy_evaluation(sheets=[tables.PharmacySheet(management_quality=Decimal("2"), **sheet)])  # type: ignore[arg-type]
    return {i.no: i.score for i in tables.score_pharmacy(evaluation, book).items}


def pharmacy_item(no: int, **sheet: object) -> Decimal:
    return pharmacy_items(**sheet)[no]


def test_table_2_items_are_numbered_1_to_16() -> None:
    assert list(pharmacy_items()) == list(range(1, 17))


@pytest.mark.parametrize(
    ("hardware", "score"),
    [
        (tables.Hardware(), "7"),
        (tables.Hardware(missing_devices=1), "6"),  # 每少配备一项设备,扣1分
        (tables.Hardware(not_isolated=True), "5"),  # 未隔离扣2分
        (tables.Hardware(missing_monitoring_devices=1), "4"),  # 人脸识别、视频监控每少安装一项设备,扣3分
        (tables.Hardware(bad_positions=1), "6"),  # 一个位置不符合安装要求扣1分
        (tables.Hardware(unclear_device_types=1), "5"),  # 一种设备不清晰,扣2分
        (tables.Hardware(missing_devices=1, not_isolated=True, bad_positions=1), "3"),  # 7 − 1 − 2 − 1
        (tables.Hardware(missing_monitoring_devices=1, unclear_device_types=1), "2"),  # 7 − 3 − 2
        (tables.Hardware(missing_monitoring_devices=2, not_isolated=True), "0"),  # 3 × 2 + 2 = 8 > 7: 扣完为止
    ],
)
def test_hardware_deductions_of_table_2_item_13(hardware: tables.Hardware, score: str) -> None:
    assert pharmacy_item(13, hardware=hardware) == Decimal(score)


@pytest.mark.parametrize(
    ("disclosure", "score"),
    [
        (tables.Disclosure(), "4"),
        (tables.Disclosure(prices_not_public=True), "2"),  # 未公开扣2分
        (tables.Disclosure(missing_statements=1), "3"),  # 未提供一例扣1分
        (tables.Disclosure(verified_price_complaints=1), "0"),  # 查实1例扣4分
        (tables.Disclosure(irregular_prices=1), "3"),  # 定价或标识不规范的,发现1例扣1分
        (tables.Disclosure(prices_not_public=True, missing_statements=1), "1"),  # 4 − 2 − 1
        (tables.Disclosure(missing_statements=1, irregular_prices=1), "2"),  # 4 − 1 − 1
    ],
)
def test_disclosure_deductions_of_table_2_item_3(disclosure: tables.Disclosure, score: str) -> None:
    assert pharmacy_item(3, disclosure=disclosure) == Decimal(score)


@pytest.mark.parametrize(
    ("ledger", "score"),
    [
        (tables.Ledger(), "8"),
        (tables.Ledger(accounts="none"), "3"),  # 未建立扣5分
        (tables.Ledger(accounts="paper_only"), "3"),  # 纸质明细账目…得3分
        (tables.Ledger(findings=1), "7"),  # 发现一项扣1分
        (tables.Ledger(accounts="paper_only", findings=1), "2"),
    ],
)
def test_ledger_scores_of_table_2_item_9(ledger: tables.Ledger, score: str) -> None:
    assert pharmacy_item(9, ledger=ledger) == Decimal(score)


@pytest.mark.parametrize(
    ("inventory", "score"),
    [
        # 表2 10 (17分): 未纳入电算化管理扣5分; 非同台扣3分; 进销存不对应的一个品种扣1分; 未按月装订的,缺一个月扣2分,
        # 装订不齐全扣1分; 盘存表缺一个月扣2分,盘存明细缺失扣1分; 购进记录缺少一个字段的,扣0.2分
        (tables.Inventory(computerised=False, same_computer=False), "9"),  # 17 − 5 − 3
        (
            tables.Inventory(mismatched_varieties=1, missing_binding_months=1, missing_stock_months=1),
            "12",
        ),  # 17 − 1 − 2 − 2
        (
            tables.Inventory(binding_incomplete=True, stock_detail_missing=True, missing_fields=1),
            "14.8",
        ),  # 17 − 1 − 1 − 0.2
    ],
)
def test_inventory_deductions_of_table_2_item_10(inventory: tables.Inventory, score: str) -> None:
    assert pharmacy_item(10, inventory=inventory) == Decimal(score)


@pytest.mark.parametrize(
    ("figure", "sheet", "no", "score"),
    [
        ("rp_02_per_case", {"unmaintained_cases": 1}, 2, "1"),  # 3 − 1 × 2
        ("rp_03_per_missing_statement", {"disclosure": tables.Disclosure(missing_statements=1)}, 3, "2"),  # 4 − 1 × 2
        ("rp_03_per_irregular_price", {"disclosure": tables.Disclosure(irregular_prices=1)}, 3, "2"),
        ("rp_07_rehired", {"rehired_pharmacists": 1, "pharmacists_meet_requirement": False}, 7, "2"),  # 1 × 2
        ("ledger_per_finding", {"ledger": tables.Ledger(findings=1)}, 9, "6"),  # 8 − 1 × 2
        ("inv_per_mismatch", {"inventory": tables.Inventory(mismatched_varieties=1)}, 10, "15"),  # 17 − 1 × 2
        ("rp_11_per_nonconforming", {"nonconforming_layout": 1}, 11, "3"),  # 5 − 1 × 2
        ("rp_12_per_inaccurate", {"inaccurate_marks": 1}, 12, "0"),  # 2 − 1 × 2
        ("hw_missing_device", {"hardware": tables.Hardware(missing_devices=1)}, 13, "5"),  # 7 − 1 × 2
        ("hw_bad_position", {"hardware": tables.Hardware(bad_positions=1)}, 13, "5"),
    ],
)
def test_per_case_figures_multiply_the_count(figure: str, sheet: dict[str, object], no: int, score: str) -> None:
    # today these figures are 1 分 per case, where × and ÷ agree; a book version at 2 分 tells them apart
    book = dataclasses.replace(EVALUATION, values={**EVALUATION.values, figure: Decimal("2")})
    assert pharmacy_items(book, **sheet)[no] == Decimal(score)


# ---------------------------------------------------------------- 表1 新增定点医疗机构评估标准


def medical_items(
    book: ParameterSet = EVALUATION, evaluation: dict[str, object] | None = None, **sheet: object
) -> dict[int, Decimal]:
    """One evaluator's 表1 评估指标 scores by number: a blank sheet changed by ``sheet``, the evaluation by
    ``evaluation``."""
    base = tables.MedicalEvaluation(
        evaluated_on=dt.date(2023, 6, 1),
        accepted_on=dt.date(2023, 5, 15),
        basic=dict.fromkeys(tables.MedicalBasic, True),
        licences=[tables.Licence(approved_on=dt.date(2022, 6, 1), uscc="91110000600037341L")],
        sheets=[tables.MedicalSheet(management_quality=Decimal("2"), **sheet)],  # type: ignore[arg-type]
    )
    return {i.no: i.score for i in tables.score_medical(dataclasses.replace(base, **(evaluation or {})), book).items}


def test_table_1_items_are_numbered_1_to_15() -> None:
    assert list(medical_items()) == list(range(1, 16))


def test_table_1_per_case_figures() -> None:
    # 11 规范医疗行为 "每一例扣0.5分": 4 − 0.5 = 3.5; 7 医师配备 副高以上 2分 each: 0 + 1 × 2 = 2
    assert medical_items(irregular_records=1)[11] == Decimal("3.5")
    assert medical_items(physicians_meet_requirement=False, senior_physicians=1)[7] == Decimal("2")


@pytest.mark.parametrize(
    ("figure", "sheet", "no", "score"),
    [
        ("mi_02_per_case", {"unmaintained_cases": 1}, 2, "1"),  # 3 − 1 × 2
        ("mi_07_intermediate", {"intermediate_physicians": 1, "physicians_meet_requirement": False}, 7, "2"),
        ("mi_12_per_extra", {"practice_subjects": 2}, 12, "4"),  # 单诊疗科目2分 + 1 more × 2
    ],
)
def test_table_1_per_case_figures_multiply_the_count(
    figure: str, sheet: dict[str, object], no: int, score: str
) -> None:
    book = dataclasses.replace(EVALUATION, values={**EVALUATION.values, figure: Decimal("2")})
    assert medical_items(book, **sheet)[no] == Decimal(score)


def test_a_village_institution_is_not_taken_for_a_village_clinic_unless_it_says_so() -> None:
    # 表1 5 规范化村卫生室达到60㎡以上即得满分: a standardised village institution of 80 m² that does not say it is a
    # 村卫生室 is scored on the ordinary area bands (80 m² < 120 m²: 0), so item 5 is only 三室齐全 3
    parent = tables.Subjects(hardware=tables.Hardware(), basic_account=True, practice_subjects=1)
    village = {"standardised_village": True, "parent": parent}
    assert medical_items(evaluation=village, premises=tables.Premises(area_m2=Decimal("80")))[5] == Decimal("3")


def test_parent_data_is_used_only_for_a_standardised_village_institution() -> None:
    # 表1 3, 8, 12 "规范化村级医疗机构参照上级医疗机构标准": any other institution is scored on its own sheet, even
    # if parent data were supplied
    parent = tables.Subjects(hardware=tables.Hardware(missing_devices=7), basic_account=False, practice_subjects=0)
    own = medical_items()
    with_parent = medical_items(evaluation={"parent": parent})
    assert [with_parent[n] for n in (3, 8, 12)] == [own[n] for n in (3, 8, 12)]


def test_a_penalty_on_the_acceptance_day_counts() -> None:
    # 表2 16 "三年内…(以受理时间为准)": the window ends on the acceptance day itself; another kind of penalty once
    # deducts 2 of 10; a warning 1 per warning (2 under a book at 2 per warning, where × and ÷ differ)
    other = pharmacy_evaluation(penalties=[tables.PenaltyRecord(on=ACCEPTED, warning=False)])
    assert {i.no: i.score for i in tables.score_pharmacy(other, EVALUATION).items}[16] == Decimal("8")
    warned = pharmacy_evaluation(penalties=[tables.PenaltyRecord(on=ACCEPTED, warning=True)])
    doubled = dataclasses.replace(EVALUATION, values={**EVALUATION.values, "penalty_per_warning": Decimal("2")})
    assert {i.no: i.score for i in tables.score_pharmacy(warned, doubled).items}[16] == Decimal("8")


def test_a_pharmacy_basic_indicator_not_answered_counts_as_failed() -> None:
    # 表2 基础指标 are pass/fail: one not recorded is not passed
    result = tables.score_pharmacy(pharmacy_evaluation(basic={}), EVALUATION)
    assert (result.basic_passed, result.qualified) == (False, False)
    assert len(result.failed_basic) == len(tables.PharmacyBasic)


def test_item_scores_are_the_evaluators_average_to_the_cent() -> None:
    # 二(三)3 "得分取各评估小组成员平均分": item 1 scored 1, 1 and 2 → 4 ÷ 3 = 1.33
    sheets = [tables.PharmacySheet(management_quality=Decimal(q)) for q in ("1", "1", "2")]
    result = tables.score_pharmacy(pharmacy_evaluation(sheets=sheets), EVALUATION)
    assert {i.no: i.score for i in result.items}[1] == Decimal("1.33")


def test_a_blank_sheet_scores_only_what_needs_no_declaration() -> None:
    # 表2 for a leased-nothing, 0 m², single (非连锁) pharmacy licensed 12 months ago with nothing else declared:
    # 4 经营场所 0; 5 满12个月 3; 6 零售 3; 7 按规定配备 2 + no extra pharmacists; 14 0 varieties (not 超过200) 0;
    # 15 no 定点药店 in the community 10; every deduction item at its maximum
    assert pharmacy_items() == dict(
        zip(range(1, 17), map(Decimal, (2, 3, 4, 0, 3, 3, 2, 2, 8, 17, 5, 2, 7, 0, 10, 10)), strict=True)
    )
    # 表1 likewise: 5 经营场所 only 三室齐全 3; 6 满12个月 3; 7 按规定配备医师 2; 12 单诊疗科目 2; 14 场所布局 10
    assert medical_items() == dict(
        zip(range(1, 16), map(Decimal, (2, 3, 7, 5, 3, 3, 2, 2, 8, 17, 4, 2, 2, 10, 10)), strict=True)
    )


def test_an_evaluation_on_the_acceptance_day_today_with_a_licence_of_that_day_is_plausible() -> None:
    # 二(三)3 "自受理申请材料之日起": the acceptance day itself may be the evaluation day; a result recorded the same
    # day is not in the future; a licence approved on the evaluation day counts by then. One day off each way is not.
    same_day = pharmacy_evaluation(
        evaluated_on=ACCEPTED,
        licences=[tables.Licence(approved_on=ACCEPTED, uscc="91110000600037341L")],
    )
    assert tables.implausible(same_day, today=ACCEPTED) == []
    late_licence = pharmacy_evaluation(
        evaluated_on=ACCEPTED,
        licences=[tables.Licence(approved_on=ACCEPTED + dt.timedelta(days=1), uscc="91110000600037341L")],
    )
    fields = [f.field for f in tables.implausible(late_licence, today=ACCEPTED - dt.timedelta(days=1))]
    assert fields == ["evaluated_on", "licences.0.approved_on"]


def test_renewal_on_the_signing_day_and_on_the_last_day_of_the_term() -> None:
    # 二(三)4 "协议期限…至当年12月31日"; 附件1 一(二) "协商一致的,可续签医保协议;未达成一致的,医保协议到期后自动解除".
    # Events happen in date order: one on the same day as the previous is in order, the day before is not.
    signed = first_term(dt.date(2023, 3, 1))
    same_day = renew(signed, dt.date(2023, 3, 1), AGREEMENT)
    assert (same_day.starts_on, same_day.ends_on) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    with pytest.raises(AgreementError):
        renew(signed, dt.date(2023, 2, 28), AGREEMENT)
    # the term's last day (12月31日) is still within it; 1 January is after it, even for an agreement marked active
    assert renew(signed, dt.date(2023, 12, 31), AGREEMENT).starts_on == dt.date(2024, 1, 1)
    with pytest.raises(AgreementError, match="到期"):
        renew(signed, dt.date(2024, 1, 1), AGREEMENT)


def test_a_penalty_under_one_yuan_still_has_its_payment_date() -> None:
    # 五(五) 违约金 = 5.00 × 10% = 0.50 元 (tier 3 allows 10–30%); "原则上应在30日内完成缴款": due 2023-06-01 + 30 days
    small = penalty(3, Decimal("5.00"), Decimal("0.10"), SANCTIONS, decided_on=dt.date(2023, 6, 1))
    assert small.amount == Decimal("0.50") and small.due_on == dt.date(2023, 7, 1)
