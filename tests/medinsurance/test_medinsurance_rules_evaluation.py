import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from medinsurance.api.schemas import calculations as form
from medinsurance.parameters import params
from medinsurance.rules.evaluation import (
    MEDICAL_ITEMS,
    PHARMACY_ITEMS,
    Disclosure,
    Hardware,
    Inventory,
    Ledger,
    Licence,
    MedicalBasic,
    MedicalEvaluation,
    MedicalSheet,
    PenaltyRecord,
    PharmacyBasic,
    PharmacyEvaluation,
    PharmacySheet,
    Premises,
    Subjects,
    operating_since,
    score_medical,
    score_pharmacy,
    table_maxima,
)

D = dt.date
P = params("evaluation", D(2023, 6, 1))
USCC = "91110000600037341L"
FULL_PREMISES = Premises(owned=True, area_m2=Decimal("500"), comfort=Decimal("2"))
FULL_PHARMACY_PREMISES = Premises(owned=True, area_m2=Decimal("400"), comfort=Decimal("2"))


def med_sheet(**kw):
    base = dict(
        management_quality=Decimal("2"),
        premises=FULL_PREMISES,
        intermediate_physicians=3,
        practice_subjects=4,
    )
    base.update(kw)
    return MedicalSheet(**base)


def med(sheets=None, **kw):
    base = dict(
        evaluated_on=D(2023, 6, 1),
        accepted_on=D(2023, 5, 15),
        basic={b: True for b in MedicalBasic},
        licences=[Licence(approved_on=D(2021, 6, 1), uscc=USCC)],
        sheets=sheets or [med_sheet()],
    )
    base.update(kw)
    return MedicalEvaluation(**base)


def items(result):
    return {i.no: i.score for i in result.items}


def test_tables_sum_to_100():
    assert sum(table_maxima(P, MEDICAL_ITEMS).values()) == 100
    assert sum(table_maxima(P, PHARMACY_ITEMS).values()) == 100
    assert len(table_maxima(P, MEDICAL_ITEMS)) == 15
    assert len(table_maxima(P, PHARMACY_ITEMS)) == 16


def test_full_marks_medical():
    r = score_medical(med(), P)
    assert r.total == Decimal("100.00")
    assert r.basic_passed and r.qualified
    assert all("附件4 表1" in i.basis for i in r.items)


def test_basic_failure_unqualified_whatever_the_score():
    basic = {b: True for b in MedicalBasic}
    basic[MedicalBasic.CREDIT] = False
    r = score_medical(med(basic=basic), P)
    assert r.total == Decimal("100.00")
    assert not r.basic_passed and not r.qualified
    assert r.failed_basic == ["credit"]


def test_missing_basic_indicator_counts_as_failed():
    r = score_medical(med(basic={MedicalBasic.OPERATING_TIME: True}), P)
    assert not r.basic_passed


def test_premises_tenure_and_area_bands():
    def premises_score(**kw):
        base = dict(owned=False, lease_months=0, area_m2=Decimal("0"), comfort=Decimal("0"), rooms_missing=3)
        base.update(kw)
        return items(score_medical(med([med_sheet(premises=Premises(**base))]), P))[5]

    assert premises_score(lease_months=36) == 3
    assert premises_score(lease_months=35) == 2
    assert premises_score(lease_months=24) == 2
    assert premises_score(lease_months=12) == 1
    assert premises_score(lease_months=11) == 0
    assert premises_score(area_m2=Decimal("500")) == 6
    assert premises_score(area_m2=Decimal("499.99")) == 5
    assert premises_score(area_m2=Decimal("120")) == 1
    assert premises_score(area_m2=Decimal("119.99")) == 0
    assert premises_score(rooms_missing=1) == 2
    assert premises_score(owned=True, area_m2=Decimal("500"), comfort=Decimal("2"), rooms_missing=0) == 15


def test_community_station_and_village_clinic_area_full():
    sheet = med_sheet(premises=Premises(owned=True, area_m2=Decimal("150"), comfort=Decimal("2")))
    assert items(score_medical(med([sheet], community_station=True), P))[5] == 15
    assert items(score_medical(med([sheet]), P))[5] == 11
    village = med_sheet(premises=Premises(owned=True, area_m2=Decimal("60"), comfort=Decimal("2")))
    parent = Subjects(hardware=Hardware(), basic_account=True, practice_subjects=4)
    r = score_medical(med([village], standardised_village=True, village_clinic=True, parent=parent), P)
    assert items(r)[5] == 15
    small = med_sheet(premises=Premises(owned=True, area_m2=Decimal("59.9"), comfort=Decimal("2")))
    r2 = score_medical(med([small], standardised_village=True, village_clinic=True, parent=parent), P)
    assert items(r2)[5] == 9


def test_village_items_follow_parent_and_layout_exempt():
    parent = Subjects(hardware=Hardware(missing_devices=2), basic_account=False, practice_subjects=1)
    sheet = med_sheet(community_designated=5)
    r = score_medical(med([sheet], standardised_village=True, parent=parent), P)
    s = items(r)
    assert s[3] == 5 and s[8] == 0 and s[12] == 2 and s[14] == 10
    assert "参照上级医疗机构标准" in r.items[2].basis
    with pytest.raises(ValueError, match="上级医疗机构"):
        score_medical(med([sheet], standardised_village=True), P)


def test_layout_counts():
    def layout(designated, same, **kw):
        return items(
            score_medical(med([med_sheet(community_designated=designated, community_same_type=same)], **kw), P)
        )[14]

    assert layout(3, 0) == 10
    assert layout(3, 1) == 5
    assert layout(3, 2) == 0
    assert layout(4, 0) == 0
    assert layout(4, 0, secondary_or_above=True) == 10


def test_operating_time_bands_and_licence_history():
    def months_score(approved):
        return items(score_medical(med(licences=[Licence(approved_on=approved, uscc=USCC)]), P))[6]

    assert months_score(D(2021, 6, 1)) == 5
    assert months_score(D(2021, 6, 2)) == 3
    assert months_score(D(2022, 6, 1)) == 3
    assert months_score(D(2022, 12, 1)) == 2
    assert months_score(D(2022, 12, 2)) == 1
    assert months_score(D(2023, 3, 1)) == 1
    assert months_score(D(2023, 3, 2)) == 0
    same = [Licence(approved_on=D(2018, 1, 1), uscc=USCC), Licence(approved_on=D(2022, 1, 1), uscc=USCC)]
    assert operating_since(same) == D(2018, 1, 1)
    changed = [
        Licence(approved_on=D(2018, 1, 1), uscc="91330800MA2DC0000B"),
        Licence(approved_on=D(2022, 1, 1), uscc=USCC),
    ]
    assert operating_since(changed) == D(2022, 1, 1)


def test_physicians_capped_at_5():
    assert items(score_medical(med([med_sheet(intermediate_physicians=0, senior_physicians=0)]), P))[7] == 2
    assert items(score_medical(med([med_sheet(intermediate_physicians=0, rehired_physicians=1)]), P))[7] == Decimal(
        "2.5"
    )
    assert items(score_medical(med([med_sheet(senior_physicians=5)]), P))[7] == 5


def test_inventory_deductions_and_floor():
    inv = Inventory(missing_fields=3)
    assert items(score_medical(med([med_sheet(inventory=inv)]), P))[10] == Decimal("16.4")
    worst = Inventory(computerised=False, same_computer=False, mismatched_varieties=5, missing_binding_months=3)
    assert items(score_medical(med([med_sheet(inventory=worst)]), P))[10] == 0
    with pytest.raises(ValidationError):
        form.Inventory(mismatched_varieties=6)


def test_ledger_readings():
    def ledger(**kw):
        return items(score_medical(med([med_sheet(ledger=Ledger(**kw))]), P))[9]

    assert ledger() == 8
    assert ledger(accounts="paper_only") == 3
    assert ledger(accounts="none") == 3
    assert ledger(accounts="none", findings=5) == 0
    assert ledger(findings=2) == 6


def test_disclosure_and_hardware_floor_at_zero():
    s = items(score_medical(med([med_sheet(disclosure=Disclosure(verified_price_complaints=2))]), P))
    assert s[4] == 0
    s2 = items(score_medical(med([med_sheet(hardware=Hardware(not_isolated=True, bad_positions=1))]), P))
    assert s2[3] == 4


def test_penalties_three_year_window_from_acceptance():
    acc = D(2023, 5, 15)
    inside = PenaltyRecord(on=D(2020, 5, 15), warning=False)
    outside = PenaltyRecord(on=D(2020, 5, 14), warning=False)
    assert items(score_medical(med(penalties=[inside], accepted_on=acc), P))[15] == 8
    assert items(score_medical(med(penalties=[outside], accepted_on=acc), P))[15] == 10
    two = [inside, PenaltyRecord(on=D(2022, 1, 1), warning=False), PenaltyRecord(on=D(2022, 2, 1), warning=True)]
    assert items(score_medical(med(penalties=two, accepted_on=acc), P))[15] == 4
    three = [PenaltyRecord(on=D(2022, 1, i), warning=False) for i in (1, 2, 3)]
    assert items(score_medical(med(penalties=three, accepted_on=acc), P))[15] == 0


def test_subjective_range_enforced():
    with pytest.raises(ValidationError):
        form.MedicalSheet(management_quality=Decimal("2.5"))
    with pytest.raises(ValidationError):
        form.MedicalSheet(management_quality=Decimal("0"))
    with pytest.raises(ValidationError):
        form.Premises(comfort=Decimal("3"))


def test_evaluators_averaged_and_85_inclusive():
    # totals 100 and 70 → average 85 → qualified
    low = med_sheet(
        premises=Premises(owned=False, area_m2=Decimal("500"), comfort=Decimal("2")),  # −4
        community_designated=4,  # −10
        irregular_records=8,  # −4
        procurement_ok=False,  # −2
        practice_subjects=3,  # −1
        disclosure=Disclosure(verified_price_complaints=1),  # −5
        ledger=Ledger(findings=4),  # −4
    )
    r = score_medical(med([med_sheet(), low]), P)
    assert r.evaluator_totals == [Decimal("100"), Decimal("70")]
    assert r.total == Decimal("85.00")
    assert r.qualified
    r2 = score_medical(med([med_sheet(), low, low]), P)
    assert r2.total == Decimal("80.00") and not r2.qualified


def test_exact_average_decides_not_the_rounded_one():
    # 85 + 85 + 84.99 = 254.99 → average 84.9966… displays as 85.00 but is below 85 (含)
    at85 = med_sheet(community_designated=4, disclosure=Disclosure(verified_price_complaints=1))
    below = med_sheet(
        community_designated=4,
        disclosure=Disclosure(verified_price_complaints=1),
        premises=Premises(owned=True, area_m2=Decimal("500"), comfort=Decimal("1.99")),
    )
    r = score_medical(med([at85, at85, below]), P)
    assert r.evaluator_totals == [Decimal("85"), Decimal("85"), Decimal("84.99")]
    assert r.total == Decimal("85.00")
    assert not r.qualified
    assert score_medical(med([at85, at85, at85]), P).qualified


def pharm_sheet(**kw):
    base = dict(
        management_quality=Decimal("2"),
        premises=FULL_PHARMACY_PREMISES,
        chain=True,
        additional_licensed_pharmacists=2,
        catalogue_drug_varieties=601,
    )
    base.update(kw)
    return PharmacySheet(**base)


def pharm(sheets=None, **kw):
    base = dict(
        evaluated_on=D(2023, 6, 1),
        accepted_on=D(2023, 5, 15),
        basic={b: True for b in PharmacyBasic},
        licences=[Licence(approved_on=D(2022, 6, 1), uscc=USCC)],
        sheets=sheets or [pharm_sheet()],
    )
    base.update(kw)
    return PharmacyEvaluation(**base)


def pitems(result):
    return {i.no: i.score for i in result.items}


def test_full_marks_pharmacy():
    r = score_pharmacy(pharm(), P)
    assert r.total == Decimal("100.00") and r.qualified
    assert len(r.items) == 16


def test_drug_varieties_bands_exclusive():
    def v(n):
        return pitems(score_pharmacy(pharm([pharm_sheet(catalogue_drug_varieties=n)]), P))[14]

    assert v(601) == 5
    assert v(600) == 4
    assert v(201) == 1
    assert v(200) == 0
    assert v(199) == 0


def test_pharmacy_area_and_mode_and_layout():
    def area(a):
        return pitems(score_pharmacy(pharm([pharm_sheet(premises=Premises(area_m2=Decimal(a)))]), P))[4]

    assert area("400") == 6 and area("399") == 5 and area("60") == 1 and area("59.99") == 0
    s = pitems(score_pharmacy(pharm([pharm_sheet(chain=False, community_pharmacies=3)]), P))
    assert s[6] == 3 and s[15] == 0
    assert pitems(score_pharmacy(pharm([pharm_sheet(community_pharmacies=2)]), P))[15] == 10


def test_pharmacy_operating_time():
    def t(approved):
        return pitems(score_pharmacy(pharm(licences=[Licence(approved_on=approved, uscc=USCC)]), P))[5]

    assert t(D(2022, 6, 1)) == 3 and t(D(2022, 6, 2)) == 2 and t(D(2022, 12, 1)) == 2 and t(D(2022, 12, 2)) == 1


def test_pharmacy_marks_layout_and_pharmacists():
    s = pitems(
        score_pharmacy(
            pharm([pharm_sheet(insurance_marks=False, nonconforming_layout=1, positive_list_breached=True)]), P
        )
    )
    assert s[12] == 0 and s[11] == 2
    s2 = pitems(
        score_pharmacy(
            pharm([pharm_sheet(inaccurate_marks=3, additional_licensed_pharmacists=0, rehired_pharmacists=1)]), P
        )
    )
    assert s2[12] == 0 and s2[7] == 3


def test_pharmacy_disclosure_complaint_wipes_item():
    s = pitems(score_pharmacy(pharm([pharm_sheet(disclosure=Disclosure(verified_price_complaints=1))]), P))
    assert s[3] == 0
