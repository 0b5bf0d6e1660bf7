"""不予受理 (refusal to accept an application) of 衢医保发〔2023〕8号 二(三)2.

Twelve cases for 医疗机构 and eight for 零售药店, decided from dated records on the application date. Each
finding names the case, its clause, and until when it applies (``until`` is the last day on which it still
applies; ``None`` means until the condition is remedied, e.g. penalties fulfilled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from medinsurance.rules.basis import basis
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


def _clause(case: RefusalCase, pharmacy: bool) -> str:
    if case is RefusalCase.ANNUAL_ASSESSMENT_TERMINATION:
        return ANNUAL_CLAUSE
    item = CASE_ITEMS[case][1 if pharmacy else 0]
    head = "二(三)2 零售药店不予受理" if pharmacy else "二(三)2 医疗机构不予受理"
    return f"{head}({item})"


def _not_full(event: dt.date, on: dt.date, years: int) -> dt.date | None:
    """未满N年: the last day still inside the window, or None if ``on`` is past it."""
    last = add_years(event, years) - ONE_DAY
    return last if event <= on <= last else None


def _recent(event: dt.date, on: dt.date, years: int) -> dt.date | None:
    """近N年内 / N年内 (boundary included): the last day on which ``event`` is still within the window."""
    last = add_years(event, years)
    return last if event <= on <= last else None


def refusal_findings(record: ApplicantRecord, on: dt.date, pharmacy: bool, p: ParameterSet) -> list[RefusalFinding]:
    """二(三)2 "有下列情形之一的,不予受理定点申请" — every case that applies on ``on``, with its end date.

    Windows: "自发现之日起未满3年"; "被解除医保协议未满3年或已满3年但未完全履行行政处罚法律责任";
    "被解除协议未满1年或已满1年但未完全履行违约责任"; "未满5年"; "处罚未满1年"; "近2年内"; "1年内".
    """
    out: list[RefusalFinding] = []

    def add(case: RefusalCase, reason: str, until: dt.date | None) -> None:
        if case in CASE_ITEMS and CASE_ITEMS[case][1 if pharmacy else 0] is None:
            return
        clause = _clause(case, pharmacy)
        out.append(RefusalFinding(case, clause, reason, until, basis(clause)))

    def latest(dates: list[dt.date | None]) -> tuple[bool, dt.date | None]:
        hits = [d for d in dates if d is not None]
        return (bool(hits), max(hits) if hits else None)

    if record.non_basic_main_scope:
        add(RefusalCase.NON_BASIC_SCOPE, "以非基本医疗服务为主要执业范围", None)
    if record.price_policy_not_followed:
        add(RefusalCase.PRICE_POLICY, "基本医疗服务未执行医药价格政策", None)
    if record.admin_penalty_unfulfilled:
        add(RefusalCase.ADMIN_PENALTY_UNFULFILLED, "未依法履行行政处罚责任", None)

    hit, until = latest([_not_full(d, on, p.integer("fraud_found_years")) for d in record.fraud_found_on])
    if hit:
        add(RefusalCase.FRAUDULENT_APPLICATION, "以弄虚作假等不正当手段申请定点,自发现之日起未满3年", until)

    for years_key, terms, case, label in (
        (
            "terminated_violation_years",
            record.terminated_for_violation,
            RefusalCase.TERMINATED_FOR_VIOLATION,
            "行政处罚法律责任",
        ),
        ("terminated_breach_years", record.terminated_for_breach, RefusalCase.TERMINATED_FOR_BREACH, "违约责任"),
    ):
        years = p.integer(years_key)
        untils: list[dt.date | None] = []
        open_ended = False
        for t in terms:
            if t.on > on:
                continue
            window = _not_full(t.on, on, years)
            if window is not None and t.liabilities_fulfilled:
                untils.append(window)
            elif not t.liabilities_fulfilled:
                open_ended = True
        if open_ended:
            add(case, f"被解除医保协议,未完全履行{label}", None)
        elif untils:
            add(case, f"被解除医保协议未满{years}年", max(d for d in untils if d is not None))

    hit, until = latest(
        [_not_full(d, on, p.integer("legal_rep_serious_years")) for d in record.legal_rep_serious_termination_on]
    )
    if hit:
        add(
            RefusalCase.LEGAL_REP_PRIOR_TERMINATION,
            "法定代表人等曾因严重违法违规导致原定点机构被解除协议,未满5年",
            until,
        )
    if record.legal_rep_on_dishonest_list:
        add(RefusalCase.LEGAL_REP_DISHONEST, "法定代表人等被列入失信人名单", None)

    hit, until = latest(
        [_not_full(d, on, p.integer("medical_penalty_years")) for d in record.medical_service_penalty_on]
    )
    if hit:
        add(RefusalCase.MEDICAL_SERVICE_PENALTY, "因医疗服务行为受到行政处罚未满1年", until)
    hit, until = latest([_recent(d, on, p.integer("irregular_practice_years")) for d in record.irregular_practice_on])
    if hit:
        add(RefusalCase.IRREGULAR_PRACTICE, "近2年内有非法行医、非法医疗广告、诊室外包等不规范经营行为", until)

    if record.same_entity_under_investigation:
        add(RefusalCase.SAME_ENTITY_SANCTIONED, "同一法人主体的相关定点机构正在接受经办机构调查处理", None)
    else:
        hit, until = latest([_recent(d, on, p.integer("same_entity_years")) for d in record.same_entity_sanction_on])
        if hit:
            add(
                RefusalCase.SAME_ENTITY_SANCTIONED,
                "同一法人主体的相关定点机构1年内因违规被暂停、解除或终止医保协议",
                until,
            )
    if record.other_legal_ground:
        add(RefusalCase.OTHER_LEGAL, record.other_legal_ground, None)
    # 附件1 二(四) "对年度考核被解除医保协议的定点医药机构,一年内不得再次申请医保定点" (内 includes the anniversary)
    hit, until = latest(
        [
            _recent(d, on, p.integer("annual_assessment_termination_years"))
            for d in record.annual_assessment_termination_on
        ]
    )
    if hit:
        add(RefusalCase.ANNUAL_ASSESSMENT_TERMINATION, "年度考核被解除医保协议,一年内不得再次申请医保定点", until)
    return out
