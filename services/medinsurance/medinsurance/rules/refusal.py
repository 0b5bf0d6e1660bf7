"""不予受理 (refusal to accept an application) of 衢医保发〔2023〕8号 二(三)2.

Twelve cases for 医疗机构 and eight for 零售药店, decided from dated records on the application date. Each
finding names the case, its clause, and until when it applies (``until`` is the last day on which it still
applies; ``None`` means until the condition is remedied, e.g. penalties fulfilled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from medinsurance.rules.basis import basis, complete_from
from qz_common.params import ParameterSet
from qz_common.periods import add_years

ONE_DAY = dt.timedelta(days=1)


class RefusalCase(StrEnum):
    NON_BASIC_SCOPE = "non_basic_scope"
    PRICE_POLICY = "price_policy"
    ADMIN_PENALTY_UNFULFILLED = "admin_penalty_unfulfilled"
    FRAUDULENT_APPLICATION = "fraudulent_application"
    TERMINATED_FOR_VIOLATION = "terminated_for_violation"
    TERMINATED_FOR_BREACH = "terminated_for_breach"
    LEGAL_REP_PRIOR_TERMINATION = "legal_rep_prior_termination"
    LEGAL_REP_DISHONEST = "legal_rep_dishonest"
    MEDICAL_SERVICE_PENALTY = "medical_service_penalty"
    IRREGULAR_PRACTICE = "irregular_practice"
    SAME_ENTITY_SANCTIONED = "same_entity_sanctioned"
    OTHER_LEGAL = "other_legal"
    ANNUAL_ASSESSMENT_TERMINATION = "annual_assessment_termination"  # 附件1 二(四), both kinds


# clause item numbers: (医疗机构, 零售药店); None = not a case for that kind
CASE_ITEMS: dict[RefusalCase, tuple[int | None, int | None]] = {
    RefusalCase.NON_BASIC_SCOPE: (1, None),
    RefusalCase.PRICE_POLICY: (2, None),
    RefusalCase.ADMIN_PENALTY_UNFULFILLED: (3, 1),
    RefusalCase.FRAUDULENT_APPLICATION: (4, 2),
    RefusalCase.TERMINATED_FOR_VIOLATION: (5, 3),
    RefusalCase.TERMINATED_FOR_BREACH: (6, 4),
    RefusalCase.LEGAL_REP_PRIOR_TERMINATION: (7, 5),
    RefusalCase.LEGAL_REP_DISHONEST: (8, 6),
    RefusalCase.MEDICAL_SERVICE_PENALTY: (9, None),
    RefusalCase.IRREGULAR_PRACTICE: (10, None),
    RefusalCase.SAME_ENTITY_SANCTIONED: (11, 7),
    RefusalCase.OTHER_LEGAL: (12, 8),
}
ANNUAL_CLAUSE = "附件1 二(四)"


@dataclass(frozen=True)
class Termination:
    on: dt.date
    liabilities_fulfilled: bool  # 行政处罚法律责任 / 违约责任 fully performed


@dataclass(frozen=True)
class ApplicantRecord:
    """Dated records about an applicant, its legal representative (or 主要负责人/实际控制人) and legal entity."""

    non_basic_main_scope: bool = False  # 以医疗美容、辅助生殖…为主要执业范围
    price_policy_not_followed: bool = False
    admin_penalty_unfulfilled: bool = False
    fraud_found_on: tuple[dt.date, ...] = ()
    terminated_for_violation: tuple[Termination, ...] = ()
    terminated_for_breach: tuple[Termination, ...] = ()
    legal_rep_serious_termination_on: tuple[dt.date, ...] = ()
    legal_rep_on_dishonest_list: bool = False
    medical_service_penalty_on: tuple[dt.date, ...] = ()
    irregular_practice_on: tuple[dt.date, ...] = ()  # 非法行医、非法医疗广告、诊室外包
    same_entity_sanction_on: tuple[dt.date, ...] = ()  # 同一法人主体…被暂停、解除或终止医保协议
    same_entity_under_investigation: bool = False
    other_legal_ground: str | None = None
    annual_assessment_termination_on: tuple[dt.date, ...] = ()  # 年度考核被解除医保协议


@dataclass(frozen=True)
class RefusalFinding:
    case: RefusalCase
    clause: str
    reason: str
    until: dt.date | None
    basis: str


def _clause(case: RefusalCase, pharmacy: bool) -> str | None:
    """The clause of ``case`` for the kind, or None when it is not a case for that kind (药店 has no (1)(2)(9)(10))."""
    if case is RefusalCase.ANNUAL_ASSESSMENT_TERMINATION:
        return ANNUAL_CLAUSE
    item = CASE_ITEMS[case][1 if pharmacy else 0]
    if item is None:
        return None
    head = "二(三)2 零售药店不予受理" if pharmacy else "二(三)2 医疗机构不予受理"
    return f"{head}({item})"


def _not_full(event: dt.date, on: dt.date, years: int, calendar: ParameterSet) -> dt.date | None:
    """未满N年: the last day still inside the window (the day before the N years are 满, reading A-02 as the calendar
    book reads it), or None if ``on`` is past it."""
    last = complete_from(event, 12 * years, calendar) - ONE_DAY
    return last if event <= on <= last else None


def _recent(event: dt.date, on: dt.date, years: int) -> dt.date | None:
    """近N年内 / N年内 (boundary included): the last day on which ``event`` is still within the window."""
    last = add_years(event, years)
    return last if event <= on <= last else None


_Hit = tuple[RefusalCase, str, dt.date | None]  # a case that applies, why, and until when (None: until remedied)


def _latest(case: RefusalCase, reason: str, windows: list[dt.date | None]) -> list[_Hit]:
    """The case once, ending with the window that ends last, if any of ``windows`` (one per dated event) is open."""
    open_until = [until for until in windows if until is not None]
    return [(case, reason, max(open_until))] if open_until else []


def _undated(record: ApplicantRecord) -> list[_Hit]:
    """医疗机构(1)(2), 医疗机构(3)/药店(1): conditions that hold until remedied."""
    hits: list[_Hit] = []
    if record.non_basic_main_scope:
        hits.append((RefusalCase.NON_BASIC_SCOPE, "以非基本医疗服务为主要执业范围", None))
    if record.price_policy_not_followed:
        hits.append((RefusalCase.PRICE_POLICY, "基本医疗服务未执行医药价格政策", None))
    if record.admin_penalty_unfulfilled:
        hits.append((RefusalCase.ADMIN_PENALTY_UNFULFILLED, "未依法履行行政处罚责任", None))
    return hits


def _fraud(record: ApplicantRecord, on: dt.date, p: ParameterSet, calendar: ParameterSet) -> list[_Hit]:
    """医疗机构(4)/药店(2) "以弄虚作假等不正当手段申请定点,自发现之日起未满3年"."""
    years = p.integer("fraud_found_years")
    reason = f"以弄虚作假等不正当手段申请定点,自发现之日起未满{years}年"
    return _latest(
        RefusalCase.FRAUDULENT_APPLICATION, reason, [_not_full(d, on, years, calendar) for d in record.fraud_found_on]
    )


def _terminated(
    case: RefusalCase, terms: tuple[Termination, ...], years: int, liability: str, on: dt.date, calendar: ParameterSet
) -> list[_Hit]:
    """ "被解除医保协议未满N年或已满N年但未完全履行…责任": open-ended while any liability is unfulfilled (reading
    A-04), else until the window of the latest termination ends."""
    past = [t for t in terms if t.on <= on]
    if any(not t.liabilities_fulfilled for t in past):
        return [(case, f"被解除医保协议,未完全履行{liability}", None)]
    return _latest(case, f"被解除医保协议未满{years}年", [_not_full(t.on, on, years, calendar) for t in past])


def _terminations(record: ApplicantRecord, on: dt.date, p: ParameterSet, calendar: ParameterSet) -> list[_Hit]:
    """医疗机构(5)/药店(3) "因违法违规被解除医保协议未满3年或已满3年但未完全履行行政处罚法律责任"; 医疗机构(6)/药店(4)
    "因严重违反医保协议约定而被解除协议未满1年或已满1年但未完全履行违约责任"."""
    return [
        *_terminated(
            RefusalCase.TERMINATED_FOR_VIOLATION,
            record.terminated_for_violation,
            p.integer("terminated_violation_years"),
            "行政处罚法律责任",
            on,
            calendar,
        ),
        *_terminated(
            RefusalCase.TERMINATED_FOR_BREACH,
            record.terminated_for_breach,
            p.integer("terminated_breach_years"),
            "违约责任",
            on,
            calendar,
        ),
    ]


def _legal_representative(record: ApplicantRecord, on: dt.date, p: ParameterSet, calendar: ParameterSet) -> list[_Hit]:
    """医疗机构(7)/药店(5) "法定代表人…曾因严重违法违规导致原定点医药机构被解除医保协议,未满5年"; 医疗机构(8)/药店(6)
    "…被列入失信人名单"."""
    years = p.integer("legal_rep_serious_years")
    reason = f"法定代表人等曾因严重违法违规导致原定点机构被解除协议,未满{years}年"
    windows = [_not_full(d, on, years, calendar) for d in record.legal_rep_serious_termination_on]
    hits = _latest(RefusalCase.LEGAL_REP_PRIOR_TERMINATION, reason, windows)
    if record.legal_rep_on_dishonest_list:
        hits.append((RefusalCase.LEGAL_REP_DISHONEST, "法定代表人等被列入失信人名单", None))
    return hits


def _practice(record: ApplicantRecord, on: dt.date, p: ParameterSet, calendar: ParameterSet) -> list[_Hit]:
    """医疗机构(9) "因医疗服务行为受到有关行政部门处罚未满1年"; (10) "近2年内有非法行医、非法医疗广告、诊室外包等不规范
    经营行为" (近N年内 includes the anniversary, reading A-03)."""
    years = p.integer("medical_penalty_years")
    windows = [_not_full(d, on, years, calendar) for d in record.medical_service_penalty_on]
    hits = _latest(RefusalCase.MEDICAL_SERVICE_PENALTY, f"因医疗服务行为受到行政处罚未满{years}年", windows)
    recent = p.integer("irregular_practice_years")
    reason = f"近{recent}年内有非法行医、非法医疗广告、诊室外包等不规范经营行为"
    windows = [_recent(d, on, recent) for d in record.irregular_practice_on]
    return [*hits, *_latest(RefusalCase.IRREGULAR_PRACTICE, reason, windows)]


def _same_entity(record: ApplicantRecord, on: dt.date, p: ParameterSet) -> list[_Hit]:
    """医疗机构(11)/药店(7) "同一法人主体的相关定点医药机构1年内有因违规被暂停、解除或终止医保协议或正在接受经办机构
    调查处理的"."""
    if record.same_entity_under_investigation:
        return [(RefusalCase.SAME_ENTITY_SANCTIONED, "同一法人主体的相关定点机构正在接受经办机构调查处理", None)]
    years = p.integer("same_entity_years")
    reason = f"同一法人主体的相关定点机构{years}年内因违规被暂停、解除或终止医保协议"
    windows = [_recent(d, on, years) for d in record.same_entity_sanction_on]
    return _latest(RefusalCase.SAME_ENTITY_SANCTIONED, reason, windows)


def _annual_assessment(record: ApplicantRecord, on: dt.date, p: ParameterSet) -> list[_Hit]:
    """附件1 二(四) "对年度考核被解除医保协议的定点医药机构,一年内不得再次申请医保定点" (内 includes the
    anniversary, reading A-47)."""
    years = p.integer("annual_assessment_termination_years")
    reason = f"年度考核被解除医保协议,{years}年内不得再次申请医保定点"
    windows = [_recent(d, on, years) for d in record.annual_assessment_termination_on]
    return _latest(RefusalCase.ANNUAL_ASSESSMENT_TERMINATION, reason, windows)


def refusal_findings(
    record: ApplicantRecord, on: dt.date, pharmacy: bool, p: ParameterSet, calendar: ParameterSet
) -> list[RefusalFinding]:
    """二(三)2 "有下列情形之一的,不予受理定点申请" — every case that applies on ``on`` to the kind (医疗机构 or
    零售药店), in the order of the text, with its end date; 未满N年 ends as the calendar book reads A-02."""
    other = [(RefusalCase.OTHER_LEGAL, record.other_legal_ground, None)] if record.other_legal_ground else []
    hits: list[_Hit] = [
        *_undated(record),
        *_fraud(record, on, p, calendar),
        *_terminations(record, on, p, calendar),
        *_legal_representative(record, on, p, calendar),
        *_practice(record, on, p, calendar),
        *_same_entity(record, on, p),
        *other,
        *_annual_assessment(record, on, p),
    ]
    return [
        RefusalFinding(case, clause, reason, until, basis(clause))
        for case, reason, until in hits
        if (clause := _clause(case, pharmacy)) is not None
    ]
