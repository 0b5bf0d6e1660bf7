import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from medinsurance.api.schemas import calculations as form
from medinsurance.parameters import params
from medinsurance.rules import evaluation as tables
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
from qz_common.params import ParameterSet

D = dt.date
P = params("evaluation", D(2023, 6, 1))
CALENDAR = params("calendar", P.effective_from)  # how periods are counted (readings)
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
    r = score_medical(med(), P, CALENDAR)
    assert r.total == Decimal("100.00")
    assert r.basic_passed and r.qualified
    assert all("附件4 表1" in i.basis for i in r.items)


def test_basic_failure_unqualified_whatever_the_score():
    basic = {b: True for b in MedicalBasic}
    basic[MedicalBasic.CREDIT] = False
    r = score_medical(med(basic=basic), P, CALENDAR)
    assert r.total == Decimal("100.00")
    assert not r.basic_passed and not r.qualified
    assert r.failed_basic == ["credit"]


def test_missing_basic_indicator_counts_as_failed():
    r = score_medical(med(basic={MedicalBasic.OPERATING_TIME: True}), P, CALENDAR)
    assert not r.basic_passed


def test_premises_tenure_and_area_bands():
    def premises_score(**kw):
        base = dict(owned=False, lease_months=0, area_m2=Decimal("0"), comfort=Decimal("0"), rooms_missing=3)
        base.update(kw)
        return items(score_medical(med([med_sheet(premises=Premises(**base))]), P, CALENDAR))[5]

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
    assert items(score_medical(med([sheet], community_station=True), P, CALENDAR))[5] == 15
    assert items(score_medical(med([sheet]), P, CALENDAR))[5] == 11
    village = med_sheet(premises=Premises(owned=True, area_m2=Decimal("60"), comfort=Decimal("2")))
    parent = Subjects(hardware=Hardware(), basic_account=True, practice_subjects=4)
    r = score_medical(med([village], standardised_village=True, village_clinic=True, parent=parent), P, CALENDAR)
    assert items(r)[5] == 15
    small = med_sheet(premises=Premises(owned=True, area_m2=Decimal("59.9"), comfort=Decimal("2")))
    r2 = score_medical(med([small], standardised_village=True, village_clinic=True, parent=parent), P, CALENDAR)
    assert items(r2)[5] == 9


def test_village_items_follow_parent_and_layout_exempt():
    parent = Subjects(hardware=Hardware(missing_devices=2), basic_account=False, practice_subjects=1)
    sheet = med_sheet(community_designated=5)
    r = score_medical(med([sheet], standardised_village=True, parent=parent), P, CALENDAR)
    s = items(r)
    assert s[3] == 5 and s[8] == 0 and s[12] == 2 and s[14] == 10
    assert "参照上级医疗机构标准" in r.items[2].basis
    with pytest.raises(ValueError, match="上级医疗机构"):
        score_medical(med([sheet], standardised_village=True), P, CALENDAR)


def test_layout_counts():
    def layout(designated, same, **kw):
        return items(
            score_medical(
                med([med_sheet(community_designated=designated, community_same_type=same)], **kw), P, CALENDAR
            )
        )[14]

    assert layout(3, 0) == 10
    assert layout(3, 1) == 5
    assert layout(3, 2) == 0
    assert layout(4, 0) == 0
    assert layout(4, 0, secondary_or_above=True) == 10


def test_operating_time_bands_and_licence_history():
    def months_score(approved):
        return items(score_medical(med(licences=[Licence(approved_on=approved, uscc=USCC)]), P, CALENDAR))[6]

    assert months_score(D(2021, 6, 1)) == 5
    assert months_score(D(2021, 6, 2)) == 3
    assert months_score(D(2022, 6, 1)) == 3
    assert months_score(D(2022, 12, 1)) == 2
    assert months_score(D(2022, 12, 2)) == 1
    assert months_score(D(2023, 3, 1)) == 1
    assert months_score(D(2023, 3, 2)) == 0
    same = [Licence(approved_on=D(2018, 1, 1), uscc=USCC), Licence(approved_on=D(2022, 1, 1), uscc=USCC)]
    assert operating_since(same, P) == D(2018, 1, 1)
    changed = [
        Licence(approved_on=D(2018, 1, 1), uscc="91330800MA2DC0000B"),
        Licence(approved_on=D(2022, 1, 1), uscc=USCC),
    ]
    assert operating_since(changed, P) == D(2022, 1, 1)


def test_physicians_capped_at_5():
    assert items(score_medical(med([med_sheet(intermediate_physicians=0, senior_physicians=0)]), P, CALENDAR))[7] == 2
    assert items(score_medical(med([med_sheet(intermediate_physicians=0, rehired_physicians=1)]), P, CALENDAR))[
        7
    ] == Decimal("2.5")
    assert items(score_medical(med([med_sheet(senior_physicians=5)]), P, CALENDAR))[7] == 5


def test_inventory_deductions_and_floor():
    inv = Inventory(missing_fields=3)
    assert items(score_medical(med([med_sheet(inventory=inv)]), P, CALENDAR))[10] == Decimal("16.4")
    worst = Inventory(computerised=False, same_computer=False, mismatched_varieties=5, missing_binding_months=3)
    assert items(score_medical(med([med_sheet(inventory=worst)]), P, CALENDAR))[10] == 0
    with pytest.raises(ValidationError):
        form.Inventory(mismatched_varieties=6)


def test_ledger_readings():
    def ledger(**kw):
        return items(score_medical(med([med_sheet(ledger=Ledger(**kw))]), P, CALENDAR))[9]

    assert ledger() == 8
    assert ledger(accounts="paper_only") == 3
    assert ledger(accounts="none") == 3
    assert ledger(accounts="none", findings=5) == 0
    assert ledger(findings=2) == 6


def test_disclosure_and_hardware_floor_at_zero():
    s = items(score_medical(med([med_sheet(disclosure=Disclosure(verified_price_complaints=2))]), P, CALENDAR))
    assert s[4] == 0
    s2 = items(score_medical(med([med_sheet(hardware=Hardware(not_isolated=True, bad_positions=1))]), P, CALENDAR))
    assert s2[3] == 4


def test_penalties_three_year_window_from_acceptance():
    acc = D(2023, 5, 15)
    inside = PenaltyRecord(on=D(2020, 5, 15), warning=False)
    outside = PenaltyRecord(on=D(2020, 5, 14), warning=False)
    assert items(score_medical(med(penalties=[inside], accepted_on=acc), P, CALENDAR))[15] == 8
    assert items(score_medical(med(penalties=[outside], accepted_on=acc), P, CALENDAR))[15] == 10
    two = [inside, PenaltyRecord(on=D(2022, 1, 1), warning=False), PenaltyRecord(on=D(2022, 2, 1), warning=True)]
    assert items(score_medical(med(penalties=two, accepted_on=acc), P, CALENDAR))[15] == 4
    three = [PenaltyRecord(on=D(2022, 1, i), warning=False) for i in (1, 2, 3)]
    assert items(score_medical(med(penalties=three, accepted_on=acc), P, CALENDAR))[15] == 0


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
    r = score_medical(med([med_sheet(), low]), P, CALENDAR)
    assert r.evaluator_totals == [Decimal("100"), Decimal("70")]
    assert r.total == Decimal("85.00")
    assert r.qualified
    r2 = score_medical(med([med_sheet(), low, low]), P, CALENDAR)
    assert r2.total == Decimal("80.00") and not r2.qualified


def test_exact_average_decides_not_the_rounded_one():
    # 85 + 85 + 84.99 = 254.99 → average 84.9966… displays as 85.00 but is below 85 (含)
    at85 = med_sheet(community_designated=4, disclosure=Disclosure(verified_price_complaints=1))
    below = med_sheet(
        community_designated=4,
        disclosure=Disclosure(verified_price_complaints=1),
        premises=Premises(owned=True, area_m2=Decimal("500"), comfort=Decimal("1.99")),
    )
    r = score_medical(med([at85, at85, below]), P, CALENDAR)
    assert r.evaluator_totals == [Decimal("85"), Decimal("85"), Decimal("84.99")]
    assert r.total == Decimal("85.00")
    assert not r.qualified
    assert score_medical(med([at85, at85, at85]), P, CALENDAR).qualified


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
    r = score_pharmacy(pharm(), P, CALENDAR)
    assert r.total == Decimal("100.00") and r.qualified
    assert len(r.items) == 16


def test_drug_varieties_bands_exclusive():
    def v(n):
        return pitems(score_pharmacy(pharm([pharm_sheet(catalogue_drug_varieties=n)]), P, CALENDAR))[14]

    assert v(601) == 5
    assert v(600) == 4
    assert v(201) == 1
    assert v(200) == 0
    assert v(199) == 0


def test_pharmacy_area_and_mode_and_layout():
    def area(a):
        return pitems(score_pharmacy(pharm([pharm_sheet(premises=Premises(area_m2=Decimal(a)))]), P, CALENDAR))[4]

    assert area("400") == 6 and area("399") == 5 and area("60") == 1 and area("59.99") == 0
    s = pitems(score_pharmacy(pharm([pharm_sheet(chain=False, community_pharmacies=3)]), P, CALENDAR))
    assert s[6] == 3 and s[15] == 0
    assert pitems(score_pharmacy(pharm([pharm_sheet(community_pharmacies=2)]), P, CALENDAR))[15] == 10


def test_pharmacy_operating_time():
    def t(approved):
        return pitems(score_pharmacy(pharm(licences=[Licence(approved_on=approved, uscc=USCC)]), P, CALENDAR))[5]

    assert t(D(2022, 6, 1)) == 3 and t(D(2022, 6, 2)) == 2 and t(D(2022, 12, 1)) == 2 and t(D(2022, 12, 2)) == 1


def test_pharmacy_marks_layout_and_pharmacists():
    s = pitems(
        score_pharmacy(
            pharm([pharm_sheet(insurance_marks=False, nonconforming_layout=1, positive_list_breached=True)]),
            P,
            CALENDAR,
        )
    )
    assert s[12] == 0 and s[11] == 2
    s2 = pitems(
        score_pharmacy(
            pharm([pharm_sheet(inaccurate_marks=3, additional_licensed_pharmacists=0, rehired_pharmacists=1)]),
            P,
            CALENDAR,
        )
    )
    assert s2[12] == 0 and s2[7] == 3


def test_pharmacy_disclosure_complaint_wipes_item():
    s = pitems(score_pharmacy(pharm([pharm_sheet(disclosure=Disclosure(verified_price_complaints=1))]), P, CALENDAR))
    assert s[3] == 0


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
    return {i.no: i.score for i in tables.score_pharmacy(evaluation, book, CALENDAR).items}


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
    return {
        i.no: i.score
        for i in tables.score_medical(dataclasses.replace(base, **(evaluation or {})), book, CALENDAR).items
    }


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
    assert {i.no: i.score for i in tables.score_pharmacy(other, EVALUATION, CALENDAR).items}[16] == Decimal("8")
    warned = pharmacy_evaluation(penalties=[tables.PenaltyRecord(on=ACCEPTED, warning=True)])
    doubled = dataclasses.replace(EVALUATION, values={**EVALUATION.values, "penalty_per_warning": Decimal("2")})
    assert {i.no: i.score for i in tables.score_pharmacy(warned, doubled, CALENDAR).items}[16] == Decimal("8")


def test_a_pharmacy_basic_indicator_not_answered_counts_as_failed() -> None:
    # 表2 基础指标 are pass/fail: one not recorded is not passed
    result = tables.score_pharmacy(pharmacy_evaluation(basic={}), EVALUATION, CALENDAR)
    assert (result.basic_passed, result.qualified) == (False, False)
    assert len(result.failed_basic) == len(tables.PharmacyBasic)


def test_item_scores_are_the_evaluators_average_to_the_cent() -> None:
    # 二(三)3 "得分取各评估小组成员平均分": item 1 scored 1, 1 and 2 → 4 ÷ 3 = 1.33
    sheets = [tables.PharmacySheet(management_quality=Decimal(q)) for q in ("1", "1", "2")]
    result = tables.score_pharmacy(pharmacy_evaluation(sheets=sheets), EVALUATION, CALENDAR)
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
