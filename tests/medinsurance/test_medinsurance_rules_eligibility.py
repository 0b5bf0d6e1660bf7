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
    assert institution_conditions(clinic(), ON, P) == []


def test_operating_three_months_boundary():
    # operating since 2023-03-01: 满3个月 on 2023-06-01
    assert "operating_months" not in codes(institution_conditions(clinic(), D(2023, 6, 1), P))
    assert "operating_months" in codes(institution_conditions(clinic(), D(2023, 5, 31), P))


def test_physician_required_except_blind_massage():
    assert "physician" in codes(institution_conditions(clinic(qualified_physicians=0), ON, P))
    massage = clinic(
        kind=InstitutionType.BLIND_MASSAGE,
        qualified_physicians=0,
        massage_staff=3,
        massage_beds=10,
        floor_area_m2=Decimal("120"),
    )
    assert institution_conditions(massage, ON, P) == []


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
    assert code in codes(institution_conditions(facts, ON, P))


def test_hundred_beds_needs_department_boundary():
    assert "insurance_department" in codes(institution_conditions(clinic(beds=100), ON, P))
    assert "insurance_department" not in codes(institution_conditions(clinic(beds=99), ON, P))
    assert institution_conditions(clinic(beds=100, internal_insurance_department=True), ON, P) == []


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
    assert pharmacy_conditions(pharmacy(), ON, P) == []


def test_pharmacy_non_drug_area_above_20_percent():
    assert "non_drug_area" in codes(pharmacy_conditions(pharmacy(non_drug_area_m2=Decimal("20.01")), ON, P))


def test_pharmacist_contract_one_year_boundary():
    # both contract dates inclusive: 2023-01-01 … 2023-12-31 is exactly one year
    short = staff(D(2023, 1, 1), D(2023, 12, 30))
    exact = staff(D(2023, 1, 1), D(2023, 12, 31))
    assert "pharmacist" in codes(pharmacy_conditions(pharmacy(pharmacists=(short,)), ON, P))
    assert "pharmacist" not in codes(pharmacy_conditions(pharmacy(pharmacists=(exact,)), ON, P))


def test_contract_must_be_current_and_pharmacist_local():
    expired = Employee(D(2021, 1, 1), D(2022, 12, 31))
    assert "pharmacist" in codes(pharmacy_conditions(pharmacy(pharmacists=(expired,)), ON, P))
    remote = Employee(D(2023, 1, 1), None, registered_locally=False)
    assert "pharmacist" in codes(pharmacy_conditions(pharmacy(pharmacists=(remote,)), ON, P))
    open_ended = Employee(D(2023, 1, 1), None)
    assert "pharmacist" not in codes(pharmacy_conditions(pharmacy(pharmacists=(open_ended,)), ON, P))


def test_two_insurance_staff_needed():
    assert "insurance_staff" in codes(
        pharmacy_conditions(pharmacy(insurance_staff=(Employee(D(2023, 1, 1), None),)), ON, P)
    )


def test_missing_materials_listed_at_once_and_shared_excluded():
    m = missing_materials(False, frozenset({"application_form"}), frozenset({"licence"}))
    assert "licence" not in m.missing
    assert "premises" in m.missing and len(m.missing) == 7
    assert "二(一)3" in m.basis
    assert missing_materials(True, frozenset(), frozenset()).missing[0] == "application_form"
