"""衢市科发高〔2022〕43号 at its boundaries: the nine conditions, naming, management (pure functions).

The hand-computed cases of the nine conditions and of the naming, each condition's edges on both sides, are in
cases/institutes_eligibility.toml and cases/institutes_name.toml (test_science_cases.py); here are what a case table
cannot say: the reading of a parameter, the details shown, and the management of a recognised institute."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from science_testdata import eligibility_body

from science.api.rules import to_application
from science.api.schemas.rules import InstituteEligibilityIn
from science.parameters import institute_params, institutes_book
from science.rules.institute_application import (
    ApplicationMaterials,
    AuditItem,
    AuditReport,
    audit_years,
    missing_materials,
)
from science.rules.institute_conditions import (
    ImportantField,
    InstituteApplication,
    IpKind,
    IpRight,
    KeyIndustry,
    KnowledgeIntensive,
    Relaxation,
    check_ip,
    check_site_and_equipment,
    check_staff,
    counted_equipment_value,
    evaluate,
    rd_intensity_met,
    sales_band,
    site_and_equipment_thresholds,
)
from science.rules.institute_management import (
    AnnualReport,
    InstituteStatus,
    NameError_,
    RevocationGround,
    change_report,
    hitech_loss_review,
    institute_name,
    monitoring_outcomes,
    monitoring_verdict,
    revoke,
    upgrade_to_provincial,
)
from science.rules.params import InstituteParams

ON = dt.date(2023, 6, 1)
P = institute_params(ON)
D = Decimal
WAN = Decimal(10000)


def wan(value: str) -> Decimal:
    return Decimal(value) * WAN


def app(**changes: object) -> InstituteApplication:
    base = InstituteApplication(
        applied_on=ON,
        important_fields=frozenset({ImportantField.NEW_MATERIALS}),
        key_industries=frozenset({KeyIndustry.HIGH_TECH}),
        registered_in_quzhou_on=dt.date(2015, 3, 1),
        independent_legal_person=True,
        hitech_valid_until=dt.date(2024, 12, 31),
        has_city_engineering_centre=True,
        last_year_sales=wan("10000"),
        last_year_rd_expense=wan("500"),
        has_independent_rd_unit=True,
        fulltime_rd_staff=30,
        enterprise_employees=200,
        institute_staff=40,
        qualified_engineers=30,
        tech_service=False,
        funding_secured=True,
        site_m2=Decimal("800"),
        dedicated_equipment_value=wan("600"),
        shared_equipment_value=Decimal(0),
        ip_rights=(IpRight(IpKind.INVENTION_PATENT, dt.date(2022, 5, 1), True),),
        has_management_system=True,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def condition(application: InstituteApplication, code: str, p: InstituteParams = P) -> bool:
    result = evaluate(application, p)
    found = {c.code: c for c in result.conditions}
    assert len(found) == 9
    return found[code].passed


def test_params_start_2023() -> None:
    assert institutes_book().first_effective == dt.date(2023, 1, 1)


# 一(二) 注册1年以上 (以上 includes the anniversary)
def test_registration_on_a_leap_day_completes_on_28_february() -> None:
    a = app(registered_in_quzhou_on=dt.date(2020, 2, 29), applied_on=dt.date(2021, 2, 28))
    assert condition(dataclasses.replace(a, ip_rights=()), "registration_hitech")


# 一(四) bands: 小于5000万 / 5000万至20000万 / 20000万以上
@pytest.mark.parametrize(
    ("sales", "band"),
    [
        (wan("4999.99"), 1),
        (wan("5000"), 2),  # 小于 excludes 5000万
        (wan("19999.99"), 2),
        (wan("20000"), 3),  # shared edge, default reading "upper" (I-01)
        (wan("20000.01"), 3),
    ],
)
def test_sales_band_edges(sales: Decimal, band: int) -> None:
    assert sales_band(sales, P).number == band


def test_shared_edge_reading_is_a_parameter() -> None:
    middle = dataclasses.replace(P, shared_edge_band="middle")
    assert sales_band(wan("20000"), middle).number == 2
    assert sales_band(wan("20000.01"), middle).number == 3


def test_rd_intensity_at_the_shared_edge_under_the_middle_reading_needs_800_wan() -> None:
    middle = dataclasses.replace(P, shared_edge_band="middle")
    assert not rd_intensity_met(wan("20000"), wan("700"), middle)[0]
    assert rd_intensity_met(wan("20000"), wan("800"), middle)[0]


# 一(六) 知识密集型企业可适当放宽
def test_relaxation_applies_only_to_knowledge_intensive_and_only_downwards() -> None:
    small = app(site_m2=Decimal("300"), dedicated_equipment_value=wan("300"))
    relax = Relaxation(min_site_m2=Decimal("300"), min_equipment=wan("300"))
    assert not condition(dataclasses.replace(small, relaxation=relax), "site_equipment")  # not knowledge-intensive
    relaxed = dataclasses.replace(small, relaxation=relax, knowledge_intensive=KnowledgeIntensive.SOFTWARE)
    assert condition(relaxed, "site_equipment")
    higher = Relaxation(min_site_m2=Decimal("900"), min_equipment=wan("900"))
    assert condition(
        dataclasses.replace(app(), relaxation=higher, knowledge_intensive=KnowledgeIntensive.SOFTWARE), "site_equipment"
    )


def test_relaxation_from_the_parameter_book() -> None:
    book = dataclasses.replace(P, knowledge_intensive_min_site_m2=Decimal("200"))
    a = app(site_m2=Decimal("250"), knowledge_intensive=KnowledgeIntensive.BIOMEDICINE)
    assert condition(a, "site_equipment", book)
    assert not condition(dataclasses.replace(a, knowledge_intensive=None), "site_equipment", book)


# 三(七) naming
@pytest.mark.parametrize(
    ("trade", "direction"), [("", "材料"), ("元立", " "), ("衢州市元立", "材料"), ("元立", "材料研究院")]
)
def test_institute_name_refuses_bad_parts(trade: str, direction: str) -> None:
    with pytest.raises(NameError_):
        institute_name(trade, direction)


# 三(四) changes within 6 months
@pytest.mark.parametrize(
    ("changed", "reported", "ok"),
    [
        (dt.date(2023, 1, 15), dt.date(2023, 7, 15), True),
        (dt.date(2023, 1, 15), dt.date(2023, 7, 16), False),
        (dt.date(2023, 8, 31), dt.date(2024, 2, 29), True),  # no 31 February: month end
        (dt.date(2023, 8, 31), dt.date(2024, 3, 1), False),
    ],
)
def test_change_report_six_months(changed: dt.date, reported: dt.date, ok: bool) -> None:
    result = change_report(changed, reported, P)
    assert result.on_time is ok and result.basis == "衢市科发高〔2022〕43号 三(四)"


def test_change_report_pending_states_deadline() -> None:
    assert change_report(dt.date(2023, 1, 15), None, P).deadline == dt.date(2023, 7, 15)


def test_upgrade_leaves_the_city_list() -> None:
    assert upgrade_to_provincial(InstituteStatus.RECOGNISED).status is InstituteStatus.UPGRADED
    assert not upgrade_to_provincial(InstituteStatus.REVOKED).allowed


# 三(五) monitoring
def statuses(*years: tuple[int, bool]) -> list[InstituteStatus]:
    return [o.status for o in monitoring_outcomes([AnnualReport(y, ok) for y, ok in years], P)]


def test_one_year_below_standard_is_a_yellow_warning() -> None:
    assert statuses((2023, False)) == [InstituteStatus.YELLOW_WARNING]


def test_two_consecutive_years_revoke() -> None:
    assert statuses((2023, False), (2024, False), (2025, True)) == [
        InstituteStatus.YELLOW_WARNING,
        InstituteStatus.REVOKED,
    ]


def test_a_good_year_or_a_gap_breaks_the_run() -> None:
    assert statuses((2023, False), (2024, True), (2025, False)) == [
        InstituteStatus.YELLOW_WARNING,
        InstituteStatus.RECOGNISED,
        InstituteStatus.YELLOW_WARNING,
    ]
    assert statuses((2023, False), (2025, False))[-1] is InstituteStatus.YELLOW_WARNING


# 三(六) revocation and ban
def test_false_materials_revoke_and_ban_three_years() -> None:
    r = revoke(RevocationGround.FALSE_MATERIALS, dt.date(2023, 3, 10), P)
    assert r.basis == "衢市科发高〔2022〕43号 三(六)1"
    assert r.ban is not None and r.ban.until == dt.date(2026, 3, 10)
    assert r.ban.active_on(dt.date(2026, 3, 10)) and not r.ban.active_on(dt.date(2026, 3, 11))


@pytest.mark.parametrize(
    ("ground", "clause"),
    [
        (RevocationGround.TERMINATED, "三(六)2"),
        (RevocationGround.LOST_HITECH, "三(六)2"),
        (RevocationGround.MAJOR_INCIDENT, "三(六)3"),
        (RevocationGround.RD_BELOW_STANDARD_TWICE, "三(五)"),
    ],
)
def test_other_revocation_grounds_carry_no_ban(ground: RevocationGround, clause: str) -> None:
    r = revoke(ground, dt.date(2023, 3, 10), P)
    assert r.ban is None and r.basis == f"衢市科发高〔2022〕43号 {clause}"


# 二(一) materials
def materials(**changes: object) -> ApplicationMaterials:
    full = frozenset(AuditItem)
    base = ApplicationMaterials(True, True, True, tuple(AuditReport(y, full) for y in (2020, 2021, 2022)))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_complete_materials() -> None:
    assert audit_years(ON) == [2020, 2021, 2022]
    assert missing_materials(materials(), ON) == []


def test_missing_materials_are_each_named() -> None:
    partial = (AuditReport(2021, frozenset(AuditItem)), AuditReport(2022, frozenset({AuditItem.RD_STAFF})))
    found = missing_materials(materials(commitment=False, audit_reports=partial), ON)
    assert [m.code for m in found] == ["commitment", "audit_report", "audit_report_items"]
    assert "2020" in found[1].detail and "rd_ratio" in found[2].detail
    assert {m.basis for m in found} == {"衢市科发高〔2022〕43号 二(一)"}


def test_ratio_display_never_rounds_a_failure_up() -> None:
    ok, detail = rd_intensity_met(wan("4000"), Decimal("1999999.99"), P)
    assert not ok and "占比4.99%" in detail


# ---- 三(五) 连续两年不达标的取消资格: the whole series, in year order ---------------------------------------------


def verdict(*years: tuple[int, bool]) -> InstituteStatus | None:
    result = monitoring_verdict([AnnualReport(year, meets) for year, meets in years], P)
    return None if result is None else result.status


def test_two_consecutive_misses_revoke_in_whatever_order_they_were_filed() -> None:
    # 2023 and 2024 both missed: 连续两年 → 取消, filed 2024 first or 2023 first.
    assert verdict((2024, False), (2023, False)) is InstituteStatus.REVOKED
    assert verdict((2023, False), (2024, False)) is InstituteStatus.REVOKED
    # 2023 and 2025 missed with 2024 unreported: not consecutive, the latest year (2025) is a yellow warning.
    assert verdict((2025, False), (2023, False)) is InstituteStatus.YELLOW_WARNING


def test_a_later_compliant_year_does_not_undo_an_earlier_pair() -> None:
    # 2025 met the standard, but 2023 and 2024 were both missed: the pair revoked the institute.
    assert verdict((2025, True), (2023, False), (2024, False)) is InstituteStatus.REVOKED
    # A compliant year between two misses breaks the run: latest (2025) missed once → yellow.
    assert verdict((2023, False), (2025, False), (2024, True)) is InstituteStatus.YELLOW_WARNING
    assert verdict() is None


# ---- 一(六) 科研生产共用的设备原值不超过科研设备原值总额的30% ------------------------------------------------------


def equipment_passes(dedicated: str, shared: str) -> bool:
    """一(六) as the eligibility endpoint sees it (the API's own mapping of the request body)."""
    body = InstituteEligibilityIn.model_validate(
        eligibility_body(dedicated_equipment_value=dedicated, shared_equipment_value=shared)
    )
    return check_site_and_equipment(to_application(body), P).passed


@pytest.mark.parametrize(
    ("dedicated", "shared", "counted", "passes"),
    [
        # 280万 dedicated: the shared part may be at most 30% of the total, so ≤ 280万 × 30/70 = 120万.
        # 400万 shared × 30% = 120万 is exactly the cap: 280 + 120 = 400万 → met (以上 includes 400万).
        ("2800000", "4000000", "4000000", True),
        # 1000万 shared × 30% = 300万, capped at 120万: 280 + 120 = 400万 (before the review: 580万).
        ("2800000", "10000000", "4000000", True),
        # 279.999999万 dedicated: cap 2,799,999.99 × 3/7 = 1,199,999.9957…, total 3,999,999.9857… < 400万.
        ("2799999.99", "10000000", None, False),
        # No dedicated equipment at all: nothing shared can be counted (before the review: 2000万 × 30% = 600万, met).
        ("0", "20000000", "0", False),
        # 100万 dedicated, 100万 shared: 30万 is within the cap 100 × 3/7 = 42.857…万 → 130万, short of 400万.
        ("1000000", "1000000", "1300000", False),
    ],
)
def test_shared_equipment_counts_at_30_percent_and_at_most_30_percent_of_the_total(
    dedicated: str, shared: str, counted: str | None, passes: bool
) -> None:
    value = counted_equipment_value(D(dedicated), D(shared), P)
    if counted is not None:
        assert value == D(counted)
    assert (value >= P.min_equipment) is passes
    assert equipment_passes(dedicated, shared) is passes


def test_hitech_loss_review_edges() -> None:
    today = dt.date(2023, 6, 1)
    valid = dt.date(2023, 12, 31)
    # 有效期至 1 June: still valid today (the last valid day is inside), nothing lost yet.
    assert hitech_loss_review(valid, today, today) is None
    # 有效期至 31 May: lost on 1 June, the day after.
    ended = hitech_loss_review(valid, dt.date(2023, 5, 31), today)
    assert ended is not None and ended.occurred_on == today and ended.basis == "衢市科发高〔2022〕43号 三(六)2"
    # Withdrawn (no validity any more): lost today.
    withdrawn = hitech_loss_review(valid, None, today)
    assert withdrawn is not None and withdrawn.occurred_on == today
    # Not valid before either (lapsed 31 May, or never 高新): no new loss.
    assert hitech_loss_review(dt.date(2023, 5, 31), None, today) is None
    assert hitech_loss_review(None, None, today) is None


def test_a_false_materials_ban_is_in_force_on_its_decision_day() -> None:
    # 43号 三(六) "三年内不得申报各项科技计划项目", counted from the decision day itself
    decided = dt.date(2023, 5, 10)
    ban = revoke(RevocationGround.FALSE_MATERIALS, decided, institute_params(decided)).ban
    assert ban is not None
    assert ban.active_on(decided) is True
    assert ban.active_on(decided - dt.timedelta(days=1)) is False


def test_a_recognised_institute_may_be_upgraded() -> None:
    # 43号 三(四) "升级为省级企业研发机构的，不再纳入市级企业研究院管理序列"
    upgrade = upgrade_to_provincial(InstituteStatus.RECOGNISED)
    assert (upgrade.allowed, upgrade.status) == (True, InstituteStatus.UPGRADED)


# ---------------------------------------------------------------- 43号 一 认定条件


def application(**changes: Any) -> InstituteApplication:
    """The complete applicant of the shared test data (applied 2023-06-01), with changes."""
    return to_application(InstituteEligibilityIn.model_validate_json(json.dumps(eligibility_body(**changes))))


def test_an_invention_patent_obtained_on_the_application_day_counts() -> None:
    # 一(七) "近三年内…拥有1件以上发明专利": the window closes on the application day itself; a trademark never counts
    rights = [
        {"kind": "invention_patent", "obtained_on": "2023-06-01"},
        {"kind": "trademark", "obtained_on": "2023-01-01"},
    ]
    result = check_ip(application(ip_rights=rights), P)
    assert result.passed is True
    assert "一类知识产权1件" in result.detail and "二类知识产权0件" in result.detail
    assert result.detail.endswith("；1件不计（商标、期外或非申报领域）")


def test_staff_shares_need_a_workforce_to_be_shares_of() -> None:
    # 一(五) "专职研发人员…占职工总数…比例": with no employees (or no institute staff) there is no share to meet
    # (a part never exceeds its total, I-15: no employees means no R&D or institute staff either)
    no_employees = check_staff(
        application(enterprise_employees=0, fulltime_rd_staff=0, institute_staff=0, qualified_engineers=0), P
    )
    assert no_employees.passed is False and "占职工总数0人的比例低于" in no_employees.detail
    no_institute_staff = check_staff(application(institute_staff=0, qualified_engineers=0), P)
    assert no_institute_staff.passed is False and "占研发机构职工0人的比例低于" in no_institute_staff.detail
    # one employee who is the one R&D worker meets the share (the head-count fails on its own)
    one = check_staff(
        application(enterprise_employees=1, fulltime_rd_staff=1, institute_staff=1, qualified_engineers=1), P
    )
    assert "占职工总数1人的比例低于" not in one.detail
    single = check_staff(application(institute_staff=1, qualified_engineers=1), P)
    assert "占研发机构职工1人的比例低于" not in single.detail


def test_knowledge_intensive_thresholds_relax_only_when_a_version_relaxes_them() -> None:
    # 一 末段 "可适当放宽": today's book relaxes nothing, so no note; a book lowering the equipment figure to 200万元
    # relaxes that alone, with the note
    software = application(knowledge_intensive="software")
    assert site_and_equipment_thresholds(software, P)[2] == ""
    relaxed = dataclasses.replace(P, knowledge_intensive_min_equipment=D("2000000"))
    site, equipment, note = site_and_equipment_thresholds(software, relaxed)
    assert (site, equipment) == (D("400"), D("2000000"))
    assert note == f"（知识密集型企业{KnowledgeIntensive.SOFTWARE}，按放宽后的标准）"


def test_site_and_equipment_details_are_in_wan_yuan() -> None:
    # 一(六) "科研设备原值总额400万元以上": 300万元 of dedicated equipment falls short of 400万元
    result = check_site_and_equipment(application(dedicated_equipment_value="3000000"), P)
    assert result.detail.startswith("计入的科研设备原值300万元，不足400万元")


def test_the_detail_says_when_the_shared_equipment_was_capped() -> None:
    # 一(六) 共用设备按30%计入, 计入部分不超过科研设备原值总额的30%. 280万 dedicated: the cap is 280 × 30/70 = 120万.
    # 1000万 shared × 30% = 300万 > 120万: reduced to 120万, and the detail says so.
    capped = check_site_and_equipment(
        application(dedicated_equipment_value="2800000", shared_equipment_value="10000000"), P
    )
    assert "；共用设备计入部分以不超过科研设备原值总额的30%为限，计入120万元" in capped.detail
    # 400万 shared × 30% = 120万 = the cap: nothing is reduced, nothing to say; 100万 × 30% = 30万 is under its cap.
    at_cap = check_site_and_equipment(
        application(dedicated_equipment_value="2800000", shared_equipment_value="4000000"), P
    )
    under = check_site_and_equipment(
        application(dedicated_equipment_value="1000000", shared_equipment_value="1000000"), P
    )
    assert "为限" not in at_cap.detail and "为限" not in under.detail


def test_rd_intensity_without_sales_is_reported_not_divided() -> None:
    # 一(四) 占销售收入总额的比例: with no sales there is no share to show (and nothing to divide by); 1 yuan is sales
    detail = rd_intensity_met(D("0"), D("100000"), P)[1]
    assert "占比无销售收入" in detail
    assert "占比10000000.00%" in rd_intensity_met(D("1"), D("100000"), P)[1]


def test_an_intellectual_property_right_that_counts_is_not_listed_as_excluded() -> None:
    # one utility model obtained within the three years counts as 二类 and is not "不计"
    rights = [{"kind": "utility_model", "obtained_on": "2023-01-01"}]
    detail = check_ip(application(ip_rights=rights), P).detail
    assert "二类知识产权1件" in detail and "不计" not in detail
