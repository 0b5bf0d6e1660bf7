"""Edges of 衢市科发高〔2022〕44号 and 衢政发〔2023〕1号 the other rules tests left open (found by `./dev mutate`,
see docs/TESTING.md): each test pins one side of one edge or one condition of a compound test varied alone."""

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from science_testdata import eligibility_body

from science.api.rules import to_application
from science.api.schemas.rules import InstituteEligibilityIn
from science.parameters import institute_params, policy_params, voucher_params
from science.rules.basis import IN_FORCE_FROM
from science.rules.credit import CreditKind, CreditRecord, active_bans
from science.rules.institute_conditions import (
    InstituteApplication,
    KnowledgeIntensive,
    check_field,
    check_ip,
    check_site_and_equipment,
    check_staff,
    rd_intensity_met,
    site_and_equipment_thresholds,
)
from science.rules.institute_management import InstituteStatus, RevocationGround, revoke, upgrade_to_provincial
from science.rules.policies_2023 import (
    ITEMS,
    CarrierLevel,
    IncubatorEvent,
    RdSubsidyInput,
    incubator_award,
    innovation_centre_city_minimum,
    insurance_compensation,
    international_base_award,
    item,
    overseas_rd_award,
    rd_growth_met,
    rd_subsidy,
    tech_transfer_income_split,
)
from science.rules.voucher_lifecycle import (
    ApplicantKind,
    ApplicantProfile,
    ClaimContext,
    RedemptionContext,
    RedemptionMaterials,
    claim_problems,
    old_rules_problem,
    priority_grounds,
    redemption_problems,
)
from science.rules.voucher_subsidy import AuditPurpose, ServiceRequest, ServiceType, payable, subsidy

VOUCHERS = voucher_params(dt.date(2023, 3, 1))
POLICIES = policy_params(dt.date(2023, 6, 1))
D = Decimal
ZERO = D("0.00")


# ---------------------------------------------------------------- 44号 三 服务内容和补助标准


def test_financial_consulting_of_exactly_5000_has_no_excess_line() -> None:
    # 三(五) "5000元以内全额抵扣，超过5000元部分按…50%": at 5000 nothing exceeds, so one line of 5000.00
    result = subsidy(ServiceRequest(ServiceType.FINANCIAL_CONSULTING, D("5000")), VOUCHERS)
    assert [line.amount for line in result.lines] == [D("5000.00")]


def test_only_testing_bought_on_the_shared_platform_is_labelled_so() -> None:
    # 三(四) names the 四省边际共享专区 rate for 检验检测 only; 技术咨询 bought there is an ordinary 40% line
    testing = subsidy(ServiceRequest(ServiceType.TESTING, D("10000"), via_shared_platform=True), VOUCHERS)
    assert testing.lines[0].label == "服务费用10000.00元×50%（四省边际共享专区）"
    consulting = subsidy(
        ServiceRequest(ServiceType.TECHNICAL_CONSULTING, D("10000"), via_shared_platform=True), VOUCHERS
    )
    assert consulting.lines[0].label == "服务费用10000.00元×40%"


def test_only_a_special_audit_without_its_purpose_carries_the_purpose_note() -> None:
    # 三(三) purposes concern 专项审计费 alone; other services (and an audit with a listed purpose) carry no note
    assert subsidy(ServiceRequest(ServiceType.TESTING, D("10000")), VOUCHERS).reason is None
    audit = ServiceRequest(ServiceType.SPECIAL_AUDIT, D("10000"), audit_purpose=AuditPurpose.PROJECT_ACCEPTANCE)
    assert subsidy(audit, VOUCHERS).reason is None


def test_a_voucher_with_nothing_left_pays_nothing() -> None:
    # 一(三) 创新券抵用部分, 四(二) 定额发放: an exhausted voucher (0, or overdrawn) pays 0, and says it capped
    for remaining in ("0", "-10"):
        result = payable(D("4000"), D(remaining))
        assert (result.amount, result.capped) == (D("0"), True)


# ---------------------------------------------------------------- 衢政发〔2023〕1号 二13 研发投入补助


def rd(expense: str, previous: str, revenue: str):  # type: ignore[no-untyped-def]
    return rd_subsidy(RdSubsidyInput(D(expense), D(previous), D(revenue)), POLICIES)


def test_growth_of_20_percent_is_tested_alone() -> None:
    # "研发费用年增长20%以上": with the ratio comfortably met (1.2M of 10M revenue = 12% ≥ 3%), only growth decides:
    # 1.2M over 1M is exactly 20% (以上 includes it); 1,199,999.99 is just under; no growth at all fails
    assert rd("1200000", "1000000", "10000000").eligible is True
    assert rd("1199999.99", "1000000", "10000000").eligible is False
    assert rd("1000000", "1000000", "10000000").eligible is False


def test_growth_is_measured_against_a_small_previous_year_too() -> None:
    # 1 yuan last year: 1.20 is +20%, 1.19 is not; only a previous year of 0 leaves the rate undefined (P-02)
    assert rd_growth_met(D("1.20"), D("1"), POLICIES) is True
    assert rd_growth_met(D("1.19"), D("1"), POLICIES) is False


def test_zero_revenue_never_satisfies_the_ratio() -> None:
    # "占营业收入比重3%以上": with no 营业收入 the share is undefined, so even +100% growth does not qualify
    award = rd("1000000", "500000", "0")
    assert (award.eligible, award.amount) == (False, ZERO)
    assert award.reasons == ("研发费用1000000元未达2000000元", "研发费用占营业收入比重未达3%")
    # …whereas a revenue of 1 yuan is a revenue: 1,000,000 ≥ 3% × 1
    assert rd("1000000", "500000", "1").eligible is True


def test_refusal_reasons_name_only_the_conditions_that_failed() -> None:
    # ratio met (12%), growth not (0%): the reasons name the amount and the growth, not the ratio
    assert rd("1200000", "1200000", "10000000").reasons == ("研发费用1200000元未达2000000元", "研发费用年增长未达20%")
    # last year's R&D of 1 yuan is a known year (and 1 of 10 revenue meets the ratio): no "上年无研发费用" note
    assert rd("1", "1", "10").reasons == ("研发费用1元未达2000000元", "研发费用年增长未达20%")


def test_no_rd_at_all_is_refused_not_an_error() -> None:
    assert rd("0", "0", "1000000").eligible is False


def test_no_previous_rd_is_named_as_the_reason_growth_cannot_be_measured() -> None:
    # P-02: last year 0 → the growth rate is undefined, and the refusal says so
    assert rd("1000000", "0", "10000000").reasons == (
        "研发费用1000000元未达2000000元",
        "研发费用年增长未达20%（上年无研发费用，增长率无法计算）",
    )


def test_a_subsidy_of_exactly_100_wan_is_not_capped() -> None:
    # no previous R&D, 10,000,000 of it: 存量 0 × 2% + 增量 10,000,000 × 10% = 1,000,000 = the cap (不超过 includes it)
    award = rd("10000000", "0", "100000000")
    assert (award.eligible, award.amount, award.reasons) == (True, D("1000000.00"), ())


# ---------------------------------------------------------------- 二8, 二10, 二12, 二14, 二15


def test_international_base_award_is_paid_under_item_14() -> None:
    award = international_base_award(True, True, POLICIES)
    assert (award.eligible, award.amount, award.basis) == (True, D("1000000.00"), (item(14),))
    refused = international_base_award(True, False, POLICIES)
    assert (refused.eligible, refused.amount) == (False, ZERO)


def test_overseas_rd_award_edges() -> None:
    # 二14 "按其海外研发投入的5%给予最高不超过500万元": 1 yuan → 0.05; 100,000,000 → exactly 5,000,000, not capped
    small = overseas_rd_award(D("1"), False, POLICIES)
    assert (small.eligible, small.amount, small.basis) == (True, D("0.05"), (item(14),))
    at_cap = overseas_rd_award(D("100000000"), False, POLICIES)
    assert (at_cap.amount, at_cap.reasons) == (D("5000000.00"), ())
    for refused in (overseas_rd_award(D("1000"), True, POLICIES), overseas_rd_award(D("0"), False, POLICIES)):
        assert (refused.eligible, refused.amount) == (False, ZERO)


def test_excellent_maker_space_needs_a_superior_award() -> None:
    # 二15 "按上级补助标准1:1配套": nothing to match without a superior award; 1 yuan is matched by 1 yuan
    event, level = IncubatorEvent.EXCELLENT_MAKER_SPACE, CarrierLevel.NATIONAL
    none = incubator_award(event, level, POLICIES, D("0"))
    assert (none.eligible, none.amount) == (False, ZERO)
    one = incubator_award(event, level, POLICIES, D("1"))
    assert (one.eligible, one.amount, one.basis) == (True, D("1.00"), (item(15),))
    assert one.lines[0].label.startswith("优秀国家众创空间")
    assert incubator_award(event, CarrierLevel.PROVINCIAL, POLICIES, D("1")).lines[0].label.startswith("优秀省级")


def test_the_matching_ratio_multiplies_the_superior_award() -> None:
    # 1:1 today; a later version matching 1:2 would pay twice the superior award, not half of it
    doubled = dataclasses.replace(POLICIES, excellent_maker_space_match_ratio=D("2"))
    award = incubator_award(IncubatorEvent.EXCELLENT_MAKER_SPACE, CarrierLevel.NATIONAL, doubled, D("300000"))
    assert award.amount == D("600000.00")


def test_insurance_compensation_is_paid_under_item_8() -> None:
    # 二8 "补偿额为企业实际投保费用的80%": 1000 → 800
    award = insurance_compensation(D("1000"), POLICIES)
    assert (award.eligible, award.amount, award.basis) == (True, D("800.00"), (item(8),))


def test_item_10_city_minimum_is_an_award_under_item_10() -> None:
    # "市财政合计补助经费不低于省财政补助经费的2倍": 1,000,000 → at least 2,000,000
    award = innovation_centre_city_minimum(D("1000000"), POLICIES)
    assert (award.eligible, award.amount, award.basis) == (True, D("2000000.00"), (item(10),))


def test_item_12_no_transfer_income_exempts_nothing() -> None:
    split = tech_transfer_income_split(D("0"), POLICIES)
    assert (split.exempt, split.halved, split.taxable_base, split.basis) == (ZERO, ZERO, ZERO, item(12))


# ---------------------------------------------------------------- 二7–16: every published target against the text

# Each item's figures in the order the text gives them, 万元 converted to 元; 以上/不低于/达…以上 → ">=",
# 不超过 → "<=", a fixed sum or rate → "=".
PUBLISHED_TARGETS = {
    # 7 "争取省财政补助资金4000万元以上,其中重大创新平台资金1000万元以上,…攻关资金3000万元以上"
    7: [(">=", "40000000"), (">=", "10000000"), (">=", "30000000")],
    # 8 "知识产权质押登记额达10亿元以上,科技金融合作贷款余额达2亿元以上…补偿额为企业实际投保费用的80%"
    8: [(">=", "1000000000"), (">=", "200000000"), ("=", "0.80")],
    9: [],
    # 10 "争取省奖励资金1000万元以上,市财政合计补助经费不低于省财政补助经费的2倍"
    10: [(">=", "10000000"), (">=", "2")],
    # 11 "攻关项目10个以上,争取省财政补助经费3000万元以上…市级科技攻关项目80个以上,市财政补助总经费不低于4000万元"
    11: [(">=", "10"), (">=", "30000000"), (">=", "80"), (">=", "40000000")],
    # 12 "减按15%税率…技术转让所得不超过500万元的部分,免征"
    12: [("=", "0.15"), ("<=", "5000000")],
    # 13 "研发费用达200万元及以上…比重3%以上且…年增长20%以上…补助总额不超过100万元"
    13: [(">=", "2000000"), (">=", "0.03"), (">=", "0.20"), ("<=", "1000000")],
    # 14 "给予每家100万元奖励…最高不超过500万元的一次性奖励"
    14: [("=", "1000000"), ("<=", "5000000")],
    # 15 "国家级、省级科技企业孵化器分别给予300万元、100万元…国家级、省级众创空间给予20万元、10万元"
    15: [("=", "3000000"), ("=", "1000000"), ("=", "200000"), ("=", "100000")],
    # 16 "专项资金1000万元,用于资助青年科技人员的比例不低于50%…企业产学研合作资助专项资金300万元"
    16: [("=", "10000000"), (">=", "0.50"), ("=", "3000000")],
}


def test_every_published_target_matches_the_text() -> None:
    published = {entry.number: [(t.comparator, t.value) for t in entry.targets] for entry in ITEMS}
    assert published == {n: [(c, D(v)) for c, v in targets] for n, targets in PUBLISHED_TARGETS.items()}


def test_the_2022_measures_are_in_force_from_1_january_2023() -> None:
    # 43号 四 "本办法自2023年1月1日起实施", 44号 六 "本办法自2023年1月1日起执行"
    assert dt.date(2023, 1, 1) == IN_FORCE_FROM


def test_a_ban_is_in_force_on_the_day_it_is_decided() -> None:
    # 44号 五(二) "3年内不再给予…支持": the three years run from the decision day itself
    decided = dt.date(2023, 5, 10)
    record = CreditRecord(CreditKind.VOUCHER_FRAUD, decided, 3)
    assert [ban.since for ban in active_bans([record], decided)] == [decided]
    assert active_bans([record], decided - dt.timedelta(days=1)) == []


def test_a_claim_on_the_first_day_in_force_by_an_undeclared_enterprise_is_clean() -> None:
    # 44号 六 "自2023年1月1日起执行", 二 创新券支持对象为有创新需求的企业: an enterprise is taken to have the need
    # unless it is said otherwise, and no priority ground is assumed without its certificate
    new_year = dt.date(2023, 1, 1)
    profile = ApplicantProfile(ApplicantKind.ENTERPRISE)
    claim = ClaimContext(new_year, D("10000"), D("100000"), new_year, dt.date(2023, 12, 31), D("0"), profile)
    assert claim_problems(claim, VOUCHERS) == []
    assert priority_grounds(profile, new_year) == []


def test_a_claim_of_one_yuan_on_the_pool_s_last_day_is_clean() -> None:
    # 四(二) 定额发放: the batch's closing day is inside its window, and any positive amount may be claimed
    last = dt.date(2023, 12, 31)
    profile = ApplicantProfile(ApplicantKind.ENTREPRENEUR)
    claim = ClaimContext(last, D("1"), D("100000"), dt.date(2023, 1, 1), last, D("0"), profile)
    assert claim_problems(claim, VOUCHERS) == []


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


def test_vouchers_used_from_1_january_2023_follow_the_new_measures() -> None:
    # 六 "2022年12月31日前已使用创新券，相关兑付依照…〔2020〕4号执行"
    assert old_rules_problem(dt.date(2023, 1, 1)) is None
    assert old_rules_problem(dt.date(2022, 12, 31)) is not None


def test_a_voucher_used_on_its_issue_day_or_its_last_valid_day_is_redeemable() -> None:
    # 四(二) 有效期3个月 (15 January → 15 April inclusive, G-01); 四(一) used no earlier than issued
    issued = dt.date(2023, 1, 15)
    paid = RedemptionMaterials("HT-2023-001", True, True, "FP-0001", True, D("10000"), D("10000"))
    for used in (issued, dt.date(2023, 4, 15)):
        context = RedemptionContext(dt.date(2023, 4, 15), used, issued, "active", paid, False, True, False, False)
        assert redemption_problems(context, VOUCHERS) == [], used


# ---------------------------------------------------------------- 43号 一 认定条件


def application(**changes: Any) -> InstituteApplication:
    """The complete applicant of the shared test data (applied 2023-06-01), with changes."""
    return to_application(InstituteEligibilityIn.model_validate_json(json.dumps(eligibility_body(**changes))))


INSTITUTES = institute_params(dt.date(2023, 6, 1))


def test_an_invention_patent_obtained_on_the_application_day_counts() -> None:
    # 一(七) "近三年内…拥有1件以上发明专利": the window closes on the application day itself; a trademark never counts
    rights = [
        {"kind": "invention_patent", "obtained_on": "2023-06-01"},
        {"kind": "trademark", "obtained_on": "2023-01-01"},
    ]
    result = check_ip(application(ip_rights=rights), INSTITUTES)
    assert result.passed is True
    assert "一类知识产权1件" in result.detail and "二类知识产权0件" in result.detail
    assert result.detail.endswith("；1件不计（商标、期外或非申报领域）")


def test_staff_shares_need_a_workforce_to_be_shares_of() -> None:
    # 一(五) "专职研发人员…占职工总数…比例": with no employees (or no institute staff) there is no share to meet
    # (a part never exceeds its total, I-15: no employees means no R&D or institute staff either)
    no_employees = check_staff(
        application(enterprise_employees=0, fulltime_rd_staff=0, institute_staff=0, qualified_engineers=0), INSTITUTES
    )
    assert no_employees.passed is False and "占职工总数0人的比例低于" in no_employees.detail
    no_institute_staff = check_staff(application(institute_staff=0, qualified_engineers=0), INSTITUTES)
    assert no_institute_staff.passed is False and "占研发机构职工0人的比例低于" in no_institute_staff.detail
    # one employee who is the one R&D worker meets the share (the head-count fails on its own)
    one = check_staff(
        application(enterprise_employees=1, fulltime_rd_staff=1, institute_staff=1, qualified_engineers=1), INSTITUTES
    )
    assert "占职工总数1人的比例低于" not in one.detail
    single = check_staff(application(institute_staff=1, qualified_engineers=1), INSTITUTES)
    assert "占研发机构职工1人的比例低于" not in single.detail


def test_knowledge_intensive_thresholds_relax_only_when_a_version_relaxes_them() -> None:
    # 一 末段 "可适当放宽": today's book relaxes nothing, so no note; a book lowering the equipment figure to 200万元
    # relaxes that alone, with the note
    software = application(knowledge_intensive="software")
    assert site_and_equipment_thresholds(software, INSTITUTES)[2] == ""
    relaxed = dataclasses.replace(INSTITUTES, knowledge_intensive_min_equipment=D("2000000"))
    site, equipment, note = site_and_equipment_thresholds(software, relaxed)
    assert (site, equipment) == (D("400"), D("2000000"))
    assert note == f"（知识密集型企业{KnowledgeIntensive.SOFTWARE}，按放宽后的标准）"


def test_site_and_equipment_details_are_in_wan_yuan() -> None:
    # 一(六) "科研设备原值总额400万元以上": 300万元 of dedicated equipment falls short of 400万元
    result = check_site_and_equipment(application(dedicated_equipment_value="3000000"), INSTITUTES)
    assert result.detail.startswith("计入的科研设备原值300万元，不足400万元")


def test_a_missing_important_field_is_named() -> None:
    result = check_field(application(important_fields=[]))
    assert (result.passed, result.detail) == (False, "未属于三大科创高地、六大标志性产业链等重要领域")


def test_rd_intensity_without_sales_is_reported_not_divided() -> None:
    # 一(四) 占销售收入总额的比例: with no sales there is no share to show (and nothing to divide by); 1 yuan is sales
    detail = rd_intensity_met(D("0"), D("100000"), INSTITUTES)[1]
    assert "占比无销售收入" in detail
    assert "占比10000000.00%" in rd_intensity_met(D("1"), D("100000"), INSTITUTES)[1]


def test_an_intellectual_property_right_that_counts_is_not_listed_as_excluded() -> None:
    # one utility model obtained within the three years counts as 二类 and is not "不计"
    rights = [{"kind": "utility_model", "obtained_on": "2023-01-01"}]
    detail = check_ip(application(ip_rights=rights), INSTITUTES).detail
    assert "二类知识产权1件" in detail and "不计" not in detail
