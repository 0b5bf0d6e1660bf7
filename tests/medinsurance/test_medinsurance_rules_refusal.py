import datetime as dt

from medinsurance.parameters import params
from medinsurance.rules.refusal import ApplicantRecord, RefusalCase, Termination, refusal_findings

D = dt.date
P = params("refusal", D(2024, 1, 1))


def find(record, on, pharmacy=False):
    return {f.case: f for f in refusal_findings(record, on, pharmacy, P)}


def test_clean_record_has_no_findings():
    assert refusal_findings(ApplicantRecord(), D(2024, 1, 1), False, P) == []


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
