import datetime as dt

from medinsurance.parameters import params
from medinsurance.rules.basis import IN_FORCE_FROM, within_recent
from medinsurance.rules.refusal import CASE_ITEMS, ApplicantRecord, RefusalCase, Termination, refusal_findings

D = dt.date
P = params("refusal", D(2024, 1, 1))
CALENDAR = params("calendar", P.effective_from)  # how periods are counted (readings)


def find(record, on, pharmacy=False):
    return {f.case: f for f in refusal_findings(record, on, pharmacy, P, CALENDAR)}


def test_clean_record_has_no_findings():
    assert refusal_findings(ApplicantRecord(), D(2024, 1, 1), False, P, CALENDAR) == []


def test_fraud_three_years_boundary():
    rec = ApplicantRecord(fraud_found_on=(D(2021, 5, 10),))
    f = find(rec, D(2024, 5, 9))[RefusalCase.FRAUDULENT_APPLICATION]
    assert f.until == D(2024, 5, 9)
    assert f.clause.endswith("(4)")
    assert RefusalCase.FRAUDULENT_APPLICATION not in find(rec, D(2024, 5, 10))


def test_fraud_pharmacy_numbering():
    rec = ApplicantRecord(fraud_found_on=(D(2023, 1, 1),))
    f = find(rec, D(2024, 1, 1), pharmacy=True)[RefusalCase.FRAUDULENT_APPLICATION]
    assert "零售药店不予受理(2)" in f.basis


def test_terminated_for_violation_then_penalties_unfulfilled():
    rec = ApplicantRecord(terminated_for_violation=(Termination(D(2020, 3, 1), liabilities_fulfilled=True),))
    assert find(rec, D(2023, 2, 28))[RefusalCase.TERMINATED_FOR_VIOLATION].until == D(2023, 2, 28)
    assert RefusalCase.TERMINATED_FOR_VIOLATION not in find(rec, D(2023, 3, 1))
    unfulfilled = ApplicantRecord(terminated_for_violation=(Termination(D(2019, 3, 1), liabilities_fulfilled=False),))
    f = find(unfulfilled, D(2024, 1, 1))[RefusalCase.TERMINATED_FOR_VIOLATION]
    assert f.until is None


def test_terminated_for_breach_one_year():
    rec = ApplicantRecord(terminated_for_breach=(Termination(D(2023, 2, 20), True),))
    assert find(rec, D(2024, 2, 19))[RefusalCase.TERMINATED_FOR_BREACH].until == D(2024, 2, 19)
    assert RefusalCase.TERMINATED_FOR_BREACH not in find(rec, D(2024, 2, 20))


def test_legal_rep_five_years():
    rec = ApplicantRecord(legal_rep_serious_termination_on=(D(2019, 7, 1),))
    assert find(rec, D(2024, 6, 30))[RefusalCase.LEGAL_REP_PRIOR_TERMINATION].until == D(2024, 6, 30)
    assert RefusalCase.LEGAL_REP_PRIOR_TERMINATION not in find(rec, D(2024, 7, 1))
    assert find(rec, D(2024, 6, 30), pharmacy=True)[RefusalCase.LEGAL_REP_PRIOR_TERMINATION].clause.endswith("(5)")


def test_medical_service_penalty_institutions_only():
    rec = ApplicantRecord(medical_service_penalty_on=(D(2023, 6, 1),))
    assert find(rec, D(2024, 5, 31))[RefusalCase.MEDICAL_SERVICE_PENALTY].until == D(2024, 5, 31)
    assert RefusalCase.MEDICAL_SERVICE_PENALTY not in find(rec, D(2024, 6, 1))
    assert find(rec, D(2024, 1, 1), pharmacy=True) == {}


def test_irregular_practice_recent_two_years_inclusive():
    rec = ApplicantRecord(irregular_practice_on=(D(2022, 4, 1),))
    assert find(rec, D(2024, 4, 1))[RefusalCase.IRREGULAR_PRACTICE].until == D(2024, 4, 1)
    assert RefusalCase.IRREGULAR_PRACTICE not in find(rec, D(2024, 4, 2))


def test_same_entity_within_one_year_and_investigation():
    rec = ApplicantRecord(same_entity_sanction_on=(D(2023, 9, 1),))
    assert find(rec, D(2024, 9, 1))[RefusalCase.SAME_ENTITY_SANCTIONED].until == D(2024, 9, 1)
    assert RefusalCase.SAME_ENTITY_SANCTIONED not in find(rec, D(2024, 9, 2))
    f = find(ApplicantRecord(same_entity_under_investigation=True), D(2024, 1, 1), pharmacy=True)
    assert f[RefusalCase.SAME_ENTITY_SANCTIONED].until is None
    assert f[RefusalCase.SAME_ENTITY_SANCTIONED].clause.endswith("(7)")


def test_open_ended_cases():
    rec = ApplicantRecord(
        non_basic_main_scope=True,
        price_policy_not_followed=True,
        admin_penalty_unfulfilled=True,
        legal_rep_on_dishonest_list=True,
        other_legal_ground="上级规定",
    )
    inst = find(rec, D(2024, 1, 1))
    assert len(inst) == 5 and all(f.until is None for f in inst.values())
    pharm = find(rec, D(2024, 1, 1), pharmacy=True)
    assert set(pharm) == {
        RefusalCase.ADMIN_PENALTY_UNFULFILLED,
        RefusalCase.LEGAL_REP_DISHONEST,
        RefusalCase.OTHER_LEGAL,
    }
    assert pharm[RefusalCase.OTHER_LEGAL].clause.endswith("(8)")


def test_future_records_ignored_and_latest_window_wins():
    rec = ApplicantRecord(fraud_found_on=(D(2022, 1, 1), D(2023, 1, 1), D(2025, 1, 1)))
    assert find(rec, D(2024, 1, 1))[RefusalCase.FRAUDULENT_APPLICATION].until == D(2025, 12, 31)


def test_annual_assessment_termination_bars_one_year_both_kinds():
    rec = ApplicantRecord(annual_assessment_termination_on=(D(2024, 3, 15),))
    for pharmacy in (False, True):
        f = find(rec, D(2025, 3, 15), pharmacy)[RefusalCase.ANNUAL_ASSESSMENT_TERMINATION]
        assert f.until == D(2025, 3, 15) and "附件1 二(四)" in f.basis
        assert RefusalCase.ANNUAL_ASSESSMENT_TERMINATION not in find(rec, D(2025, 3, 16), pharmacy)


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
    found = {f.case for f in refusal_findings(record, day, False, params("refusal", day), CALENDAR)}
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
    findings = refusal_findings(
        ApplicantRecord(terminated_for_breach=terminations), on, False, params("refusal", on), CALENDAR
    )
    assert [(f.case, f.until) for f in findings] == [(RefusalCase.TERMINATED_FOR_BREACH, dt.date(2024, 8, 31))]
