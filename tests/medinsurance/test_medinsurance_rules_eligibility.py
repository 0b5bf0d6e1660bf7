import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from medinsurance.parameters import params
from medinsurance.rules.eligibility import (
    ApplicationRoute,
    Employee,
    InstitutionFacts,
    InstitutionType,
    PharmacyFacts,
    institution_conditions,
    missing_materials,
    pharmacy_conditions,
    who_may_apply,
)

D = dt.date
ON = D(2023, 6, 1)
P = params("admission", ON)
CALENDAR = params("calendar", P.effective_from)  # how periods are counted (readings)


def codes(unmet):
    return {u.code for u in unmet}


def clinic(**kw):
    base = dict(
        kind=InstitutionType.PRIMARY_CARE,
        operating_since=D(2023, 3, 1),
        qualified_physicians=1,
        leader_responsible=True,
        insurance_staff=1,
        rules_in_place=True,
        system_connected=True,
        inventory_managed=True,
    )
    base.update(kw)
    return InstitutionFacts(**base)


@pytest.mark.parametrize(
    "kind", [InstitutionType.GENERAL_HOSPITAL, InstitutionType.BLIND_MASSAGE, InstitutionType.MILITARY]
)
def test_listed_types_with_licence_may_apply(kind):
    r = who_may_apply(kind, has_practice_licence=True)
    assert r.route is ApplicationRoute.DESIGNATION
    assert "二(一)1" in r.basis


def test_listed_type_without_licence_may_not():
    assert who_may_apply(InstitutionType.PRIMARY_CARE).route is ApplicationRoute.NOT_ELIGIBLE


def test_pharmacy_needs_drug_trading_licence():
    assert who_may_apply(InstitutionType.RETAIL_PHARMACY).route is ApplicationRoute.NOT_ELIGIBLE
    assert (
        who_may_apply(InstitutionType.RETAIL_PHARMACY, has_drug_trading_licence=True).route
        is ApplicationRoute.DESIGNATION
    )


def test_internet_hospital_only_as_supplement():
    assert who_may_apply(InstitutionType.INTERNET_HOSPITAL).route is ApplicationRoute.NOT_ELIGIBLE
    r = who_may_apply(InstitutionType.INTERNET_PHARMACY, physical_parent_designated=True)
    assert r.route is ApplicationRoute.SUPPLEMENTARY_AGREEMENT


def test_independent_lab_is_third_party_provider():
    assert who_may_apply(InstitutionType.INDEPENDENT_LAB).route is ApplicationRoute.THIRD_PARTY_PROVIDER


def test_all_conditions_met():
    assert institution_conditions(clinic(), ON, P, CALENDAR) == []


def test_operating_three_months_boundary():
    # operating since 2023-03-01: 满3个月 on 2023-06-01
    assert "operating_months" not in codes(institution_conditions(clinic(), D(2023, 6, 1), P, CALENDAR))
    assert "operating_months" in codes(institution_conditions(clinic(), D(2023, 5, 31), P, CALENDAR))


def test_physician_required_except_blind_massage():
    assert "physician" in codes(institution_conditions(clinic(qualified_physicians=0), ON, P, CALENDAR))
    massage = clinic(
        kind=InstitutionType.BLIND_MASSAGE,
        qualified_physicians=0,
        massage_staff=3,
        massage_beds=10,
        floor_area_m2=Decimal("120"),
    )
    assert institution_conditions(massage, ON, P, CALENDAR) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("massage_staff", 2, "massage_staff"),
        ("massage_beds", 9, "massage_beds"),
        ("floor_area_m2", Decimal("119.99"), "massage_area"),
    ],
)
def test_blind_massage_thresholds_below(field, value, code):
    kw = dict(massage_staff=3, massage_beds=10, floor_area_m2=Decimal("120"))
    kw[field] = value
    facts = clinic(kind=InstitutionType.BLIND_MASSAGE, **kw)
    assert code in codes(institution_conditions(facts, ON, P, CALENDAR))


def test_hundred_beds_needs_department_boundary():
    assert "insurance_department" in codes(institution_conditions(clinic(beds=100), ON, P, CALENDAR))
    assert "insurance_department" not in codes(institution_conditions(clinic(beds=99), ON, P, CALENDAR))
    assert institution_conditions(clinic(beds=100, internal_insurance_department=True), ON, P, CALENDAR) == []


JAN1 = dt.date(2023, 1, 1)
DEC31 = dt.date(2023, 12, 31)


def staff(start=JAN1, end=DEC31):
    return Employee(contract_start=start, contract_end=end)


def pharmacy(**kw):
    base = dict(
        has_drug_trading_licence=True,
        operating_since=D(2023, 3, 1),
        pharmacists=(staff(),),
        insurance_staff=(staff(), staff()),
        classified_storage_and_marks=True,
        rules_in_place=True,
        system_connected=True,
        business_scope_medical_only=True,
        total_area_m2=Decimal("100"),
        non_drug_area_m2=Decimal("20"),
        inventory_managed=True,
    )
    base.update(kw)
    return PharmacyFacts(**base)


def test_pharmacy_all_met_with_20_percent_exactly():
    assert pharmacy_conditions(pharmacy(), ON, P, CALENDAR) == []


def test_pharmacy_non_drug_area_above_20_percent():
    assert "non_drug_area" in codes(pharmacy_conditions(pharmacy(non_drug_area_m2=Decimal("20.01")), ON, P, CALENDAR))


def test_pharmacist_contract_one_year_boundary():
    # both contract dates inclusive: 2023-01-01 … 2023-12-31 is exactly one year
    short = staff(D(2023, 1, 1), D(2023, 12, 30))
    exact = staff(D(2023, 1, 1), D(2023, 12, 31))
    assert "pharmacist" in codes(pharmacy_conditions(pharmacy(pharmacists=(short,)), ON, P, CALENDAR))
    assert "pharmacist" not in codes(pharmacy_conditions(pharmacy(pharmacists=(exact,)), ON, P, CALENDAR))


def test_contract_must_be_current_and_pharmacist_local():
    expired = Employee(D(2021, 1, 1), D(2022, 12, 31))
    assert "pharmacist" in codes(pharmacy_conditions(pharmacy(pharmacists=(expired,)), ON, P, CALENDAR))
    remote = Employee(D(2023, 1, 1), None, registered_locally=False)
    assert "pharmacist" in codes(pharmacy_conditions(pharmacy(pharmacists=(remote,)), ON, P, CALENDAR))
    open_ended = Employee(D(2023, 1, 1), None)
    assert "pharmacist" not in codes(pharmacy_conditions(pharmacy(pharmacists=(open_ended,)), ON, P, CALENDAR))


def test_two_insurance_staff_needed():
    assert "insurance_staff" in codes(
        pharmacy_conditions(pharmacy(insurance_staff=(Employee(D(2023, 1, 1), None),)), ON, P, CALENDAR)
    )


def test_missing_materials_listed_at_once_and_shared_excluded():
    m = missing_materials(False, frozenset({"application_form"}), frozenset({"licence"}))
    assert "licence" not in m.missing
    assert "premises" in m.missing and len(m.missing) == 7
    assert "二(一)3" in m.basis
    assert missing_materials(True, frozenset(), frozenset()).missing[0] == "application_form"


def test_internet_institutions_cite_their_own_kind_s_clause() -> None:
    # 二(一)1 互联网医院 (医疗机构), 二(二)1 互联网药店 (零售药店)
    assert who_may_apply(InstitutionType.INTERNET_HOSPITAL).basis == "衢医保发〔2023〕8号 二(一)1"
    assert who_may_apply(InstitutionType.INTERNET_PHARMACY).basis == "衢医保发〔2023〕8号 二(二)1"


ADMISSION = params("admission", dt.date(2023, 6, 1))


def unmet(**facts: object) -> set[str]:
    base = InstitutionFacts(kind=InstitutionType.PRIMARY_CARE, operating_since=dt.date(2020, 1, 1))
    found = institution_conditions(dataclasses.replace(base, **facts), dt.date(2023, 6, 1), ADMISSION, CALENDAR)  # type: ignore[arg-type]
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
    return {u.code for u in pharmacy_conditions(facts, on, ADMISSION, CALENDAR)}


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
    assert "non_drug_area" not in {u.code for u in pharmacy_conditions(facts, dt.date(2023, 6, 1), ADMISSION, CALENDAR)}
