"""衢市科发高〔2022〕43号 一、认定条件: the nine conditions, each evaluated separately.

以上认定条件需同时满足. Each function returns a ``ConditionResult`` with its code, whether it passed, a
Chinese detail naming the figures compared, and the basis clause.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from qz_common.periods import add_years
from science.rules.basis import institutes
from science.rules.params import InstituteParams

WAN = Decimal("10000")


def _wan(amount: Decimal) -> str:
    """An amount in 万元 for details (no rounding of the compared figures themselves)."""
    return f"{(amount / WAN).normalize():f}万元"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


@dataclass(frozen=True)
class ConditionResult:
    code: str
    passed: bool
    detail: str
    basis: str


class ImportantField(enum.StrEnum):
    """一(一) 三大科创高地和六大标志性产业链等重要领域."""

    INTERNET_PLUS = "internet_plus"  # “互联网+”科创高地
    LIFE_HEALTH = "life_health"  # 生命健康科创高地
    NEW_MATERIALS = "new_materials"  # 新材料科创高地
    SIGNATURE_CHAIN = "signature_chain"  # 六大标志性产业链
    OTHER_IMPORTANT = "other_important"  # 等重要领域 (reviewer's finding)


class KeyIndustry(enum.StrEnum):
    """一(一) 我市重点发展的支柱产业、主导产业和高新技术产业领域."""

    PILLAR = "pillar"  # 支柱产业
    LEADING = "leading"  # 主导产业
    HIGH_TECH = "high_tech"  # 高新技术产业


class KnowledgeIntensive(enum.StrEnum):
    """一 末段 集成电路、人工智能、生物医药、新材料、软件类等知识密集型企业."""

    INTEGRATED_CIRCUITS = "integrated_circuits"
    ARTIFICIAL_INTELLIGENCE = "artificial_intelligence"
    BIOMEDICINE = "biomedicine"
    NEW_MATERIALS = "new_materials"
    SOFTWARE = "software"


class IpKind(enum.StrEnum):
    """一(七) kinds of 自主知识产权."""

    INVENTION_PATENT = "invention_patent"  # 发明专利
    DEFENCE_PATENT = "defence_patent"  # 国防专利
    PLANT_VARIETY = "plant_variety"  # 植物新品种
    NATIONAL_CROP_VARIETY = "national_crop_variety"  # 国家级农作物品种
    NATIONAL_NEW_DRUG = "national_new_drug"  # 国家新药
    PROTECTED_TCM_GRADE1 = "protected_tcm_grade1"  # 国家一级中药保护品种
    IC_LAYOUT_DESIGN = "ic_layout_design"  # 集成电路布图设计专有权
    UTILITY_MODEL = "utility_model"  # 实用新型专利
    DESIGN_PATENT = "design_patent"  # 外观设计专利
    SOFTWARE_COPYRIGHT = "software_copyright"  # 软件著作权
    TRADEMARK = "trademark"  # 商标 (不含商标)


MAJOR_IP = frozenset(
    {
        IpKind.INVENTION_PATENT,
        IpKind.DEFENCE_PATENT,
        IpKind.PLANT_VARIETY,
        IpKind.NATIONAL_CROP_VARIETY,
        IpKind.NATIONAL_NEW_DRUG,
        IpKind.PROTECTED_TCM_GRADE1,
        IpKind.IC_LAYOUT_DESIGN,
    }
)
MINOR_IP = frozenset({IpKind.UTILITY_MODEL, IpKind.DESIGN_PATENT, IpKind.SOFTWARE_COPYRIGHT})


class AcquisitionMode(enum.StrEnum):
    """一(七) 通过自主研发、受让、受赠、并购、独占许可等方式."""

    OWN_RESEARCH = "own_research"
    ASSIGNMENT = "assignment"
    GIFT = "gift"
    MERGER = "merger"
    EXCLUSIVE_LICENCE = "exclusive_licence"


@dataclass(frozen=True)
class IpRight:
    kind: IpKind
    obtained_on: dt.date
    in_declared_field: bool
    mode: AcquisitionMode = AcquisitionMode.OWN_RESEARCH


@dataclass(frozen=True)
class Incident:
    """一(九) 重大安全、质量事故，严重的环境违法、知识产权违法、税务违法、科研失信等行为."""

    kind: str
    occurred_on: dt.date


@dataclass(frozen=True)
class Relaxation:
    """一 末段 可适当放宽: thresholds a caseworker set for one knowledge-intensive applicant."""

    min_site_m2: Decimal
    min_equipment: Decimal


@dataclass(frozen=True)
class InstituteApplication:
    applied_on: dt.date
    important_fields: frozenset[ImportantField]
    key_industries: frozenset[KeyIndustry]
    registered_in_quzhou_on: dt.date | None  # 在衢州市辖区内注册 (含入驻“创新飞地”的企业)
    independent_legal_person: bool
    hitech_valid_until: dt.date | None  # 国家高新技术企业证书有效期至
    has_city_engineering_centre: bool  # 一(三) 已建有市级工程技术研发中心
    last_year_sales: Decimal  # 上一年度销售收入 (yuan)
    last_year_rd_expense: Decimal  # 上一年度研究开发费用 (yuan)
    has_independent_rd_unit: bool  # 一(五) 有相对独立的研发机构
    fulltime_rd_staff: int
    enterprise_employees: int  # 企业当年职工总数
    institute_staff: int  # 研发机构职工总数
    qualified_engineers: int  # 专科(含)以上学历或中级(含)以上职称的工程技术人员
    tech_service: bool  # 技术服务类企业
    funding_secured: bool  # 一(六) 能保证……所需资金的落实，并具备……实验、试验条件及基础设施
    site_m2: Decimal
    dedicated_equipment_value: Decimal  # 专用科研设备原值 (yuan)
    shared_equipment_value: Decimal  # 科研生产共用的设备原值 (yuan)
    ip_rights: tuple[IpRight, ...]
    has_management_system: bool  # 一(八)
    incidents: tuple[Incident, ...] = ()
    knowledge_intensive: KnowledgeIntensive | None = None
    relaxation: Relaxation | None = None


@dataclass(frozen=True)
class EligibilityResult:
    eligible: bool
    conditions: tuple[ConditionResult, ...]
    parameter_version: str
    notes: tuple[str, ...] = field(default_factory=tuple)


FIELD_LABELS: dict[str, str] = {
    ImportantField.INTERNET_PLUS: "“互联网+”科创高地",
    ImportantField.LIFE_HEALTH: "生命健康科创高地",
    ImportantField.NEW_MATERIALS: "新材料科创高地",
    ImportantField.SIGNATURE_CHAIN: "六大标志性产业链",
    ImportantField.OTHER_IMPORTANT: "其他重要领域",
    KeyIndustry.PILLAR: "支柱产业",
    KeyIndustry.LEADING: "主导产业",
    KeyIndustry.HIGH_TECH: "高新技术产业",
}


def check_field(app: InstituteApplication, p: InstituteParams) -> ConditionResult:
    """一(一) 属于……三大科创高地和六大标志性产业链等重要领域，属于我市重点发展的支柱产业、主导产业和高新技术产业领域.

    Both halves are required (AMBIGUITIES.md I-07): an important field and a key industry of the city. Under the
    other reading (``field_condition_halves`` "either") the second half restates the first and either suffices.
    """
    if p.field_condition_halves == "either":
        passed = bool(app.important_fields) or bool(app.key_industries)
    else:
        passed = bool(app.important_fields) and bool(app.key_industries)
    if app.important_fields and app.key_industries:
        detail = (
            "属于重要领域（"
            + "、".join(FIELD_LABELS[f] for f in sorted(app.important_fields))
            + "）且属于重点产业（"
            + "、".join(FIELD_LABELS[k] for k in sorted(app.key_industries))
            + "）"
        )
    else:
        missing = [
            *(() if app.important_fields else ("未属于三大科创高地、六大标志性产业链等重要领域",)),
            *(() if app.key_industries else ("未属于我市重点发展的支柱产业、主导产业或高新技术产业领域",)),
        ]
        detail = "；".join(missing)
    return ConditionResult("field", passed, detail, institutes("一(一)"))


def check_registration(app: InstituteApplication, p: InstituteParams) -> ConditionResult:
    """一(二) 在我市注册1年以上(包括在衢州市辖区内注册的入驻“创新飞地”的企业)，具有独立法人资格的国家高新技术企业.

    注册1年以上: 以上 includes the number, so the first anniversary of registration qualifies (I-06).
    The 高新技术企业 certificate must be valid on the application date; under the other reading of I-06
    (``hitech_valid_on`` "recognition") the application needs a certificate held, and its validity is judged on the
    day of recognition (``hitech_recognition_problem``).
    """
    problems: list[str] = []
    if app.registered_in_quzhou_on is None:
        problems.append("未在衢州市辖区内注册")
    else:
        anniversary = add_years(app.registered_in_quzhou_on, p.min_registration_years)
        if p.period_start_day_counted:  # G-01, the other reading: the registration day is the period's first
            anniversary -= dt.timedelta(days=1)
        if app.applied_on < anniversary:
            problems.append(f"在衢注册未满{p.min_registration_years}年（{anniversary.isoformat()} 起方满）")
    if not app.independent_legal_person:
        problems.append("不具有独立法人资格")
    if app.hitech_valid_until is None:
        problems.append("不是国家高新技术企业")
    elif p.hitech_valid_on == "application" and app.hitech_valid_until < app.applied_on:
        problems.append(f"国家高新技术企业证书已于 {app.hitech_valid_until.isoformat()} 到期")
    detail = "；".join(problems) if problems else "在衢注册满1年、独立法人、国家高新技术企业资格有效"
    if not problems and p.hitech_valid_on == "recognition":
        detail = "在衢注册满1年、独立法人、持有国家高新技术企业证书（有效期于认定之日核验）"
    return ConditionResult("registration_hitech", not problems, detail, institutes("一(二)"))


def hitech_recognition_problem(hitech_valid_until: dt.date | None, on: dt.date, p: InstituteParams) -> str | None:
    """一(二) 国家高新技术企业 judged on the day of recognition (AMBIGUITIES.md I-06, ``hitech_valid_on``
    "recognition"): the certificate on the enterprise record must be valid that day. None under the chosen reading
    (judged on the application day, when the application was accepted)."""
    if p.hitech_valid_on == "application":
        return None
    if hitech_valid_until is None:
        return "企业登记信息中无有效的国家高新技术企业证书"
    if hitech_valid_until < on:
        return f"国家高新技术企业证书已于 {hitech_valid_until.isoformat()} 到期，认定之日 {on.isoformat()} 不再有效"
    return None


def check_engineering_centre(app: InstituteApplication) -> ConditionResult:
    """一(三) 已建有市级工程技术研发中心."""
    detail = "已建有市级工程技术研发中心" if app.has_city_engineering_centre else "未建有市级工程技术研发中心"
    return ConditionResult("engineering_centre", app.has_city_engineering_centre, detail, institutes("一(三)"))


@dataclass(frozen=True)
class SalesBand:
    number: int  # 1, 2 or 3 as in 一(四)
    label: str
    min_ratio: Decimal
    min_rd: Decimal


def sales_band(sales: Decimal, p: InstituteParams) -> SalesBand:
    """一(四) 1. 销售收入小于5000万元 2. 5000万元至20000万元 3. 20000万元以上.

    小于 excludes 5000万 (it falls in band 2). 20000万 is claimed by both 2 (至) and 3 (以上, which includes the number
    by 民法典 第一千二百五十九条); ``shared_edge_band`` decides (AMBIGUITIES.md I-01, default "upper").
    """
    if sales < p.band_lower_limit:
        return SalesBand(1, f"销售收入小于{_wan(p.band_lower_limit)}", p.small_min_ratio, p.small_min_rd)
    top = SalesBand(3, f"销售收入{_wan(p.band_upper_limit)}以上", p.large_min_ratio, p.large_min_rd)
    if sales > p.band_upper_limit or (sales == p.band_upper_limit and p.shared_edge_band == "upper"):
        return top
    return SalesBand(
        2, f"销售收入{_wan(p.band_lower_limit)}至{_wan(p.band_upper_limit)}", p.medium_min_ratio, p.medium_min_rd
    )


def rd_intensity_met(sales: Decimal, rd_expense: Decimal, p: InstituteParams) -> tuple[bool, str]:
    """一(四) 研究开发费用占销售收入总额的比例……不低于 X%，且研究开发费用不低于 Y万元 (不低于 includes the number).

    The ratio is compared exactly (rd ≥ sales × rate), never on a rounded percentage.
    """
    band = sales_band(sales, p)
    ratio_ok = rd_expense >= sales * band.min_ratio
    amount_ok = rd_expense >= band.min_rd
    # Display only, truncated to two decimals so a failing 4.999% never reads as 5.00%; the comparison is exact.
    shown = (
        f"{(rd_expense * 100 / sales).quantize(Decimal('0.01'), rounding=ROUND_DOWN)}%" if sales > 0 else "无销售收入"
    )
    detail = (
        f"第{band.number}档（{band.label}）：研发费用{_wan(rd_expense)}，占比{shown}；"
        f"要求不低于{_pct(band.min_ratio)}且不低于{_wan(band.min_rd)}"
    )
    return ratio_ok and amount_ok, detail


def check_rd_intensity(app: InstituteApplication, p: InstituteParams) -> ConditionResult:
    """一(四) 企业上一年度研究开发费用占销售收入总额的比例符合如下要求 (three bands)."""
    passed, detail = rd_intensity_met(app.last_year_sales, app.last_year_rd_expense, p)
    return ConditionResult("rd_intensity", passed, detail, institutes("一(四)"))


def check_staff(app: InstituteApplication, p: InstituteParams) -> ConditionResult:
    """一(五) 专职研发人员不少于15人(技术服务类企业20人)，占企业当年职工总数的比例不低于10%；
    具有专科(含)以上学历或中级(含)以上职称的工程技术人员不低于研发机构职工总数的60%.
    """
    problems: list[str] = []
    minimum = p.min_rd_staff_tech_service if app.tech_service else p.min_rd_staff
    if not app.has_independent_rd_unit:
        problems.append("无相对独立的研发机构")
    if app.fulltime_rd_staff < minimum:
        problems.append(f"专职研发人员{app.fulltime_rd_staff}人，少于{minimum}人")
    if (
        app.enterprise_employees <= 0
        or Decimal(app.fulltime_rd_staff) < app.enterprise_employees * p.min_rd_staff_share
    ):
        problems.append(
            f"专职研发人员{app.fulltime_rd_staff}人占职工总数{app.enterprise_employees}人的比例低于{_pct(p.min_rd_staff_share)}"
        )
    if app.institute_staff <= 0 or Decimal(app.qualified_engineers) < app.institute_staff * p.min_qualified_share:
        problems.append(
            f"专科以上或中级以上工程技术人员{app.qualified_engineers}人占研发机构职工{app.institute_staff}人的比例"
            f"低于{_pct(p.min_qualified_share)}"
        )
    detail = (
        "；".join(problems)
        if problems
        else (
            f"专职研发人员{app.fulltime_rd_staff}人（不少于{minimum}人），占职工总数{app.enterprise_employees}人"
            f"不低于{_pct(p.min_rd_staff_share)}；合格工程技术人员{app.qualified_engineers}/{app.institute_staff}"
            f"不低于{_pct(p.min_qualified_share)}"
        )
    )
    return ConditionResult("staff", not problems, detail, institutes("一(五)"))


def counted_shared_equipment(dedicated: Decimal, shared: Decimal, p: InstituteParams) -> Decimal:
    """一(六) 科研生产共用的设备原值不超过科研设备原值总额的30%(科研生产共用的设备原值按30%比例计入科研设备原值).

    Shared equipment is counted at 30% of its value, and what is counted may not exceed 30% of the total it is part
    of: counted ≤ 30% × (dedicated + counted), i.e. counted ≤ dedicated × 30% / 70% (AMBIGUITIES.md I-03). A firm
    whose research equipment is mostly shared with production cannot reach 400万 on shared equipment alone. Under
    the other reading (``shared_equipment_cap_applies`` false) the parenthesis alone counts and nothing caps it.
    """
    at_rate = shared * p.shared_equipment_rate
    if not p.shared_equipment_cap_applies:
        return at_rate
    cap = dedicated * p.shared_equipment_max_share / (1 - p.shared_equipment_max_share)
    return min(at_rate, cap)


def counted_equipment_value(dedicated: Decimal, shared: Decimal, p: InstituteParams) -> Decimal:
    """一(六) 科研设备原值总额 as counted: dedicated equipment plus the counted share of shared equipment."""
    return dedicated + counted_shared_equipment(dedicated, shared, p)


def site_and_equipment_thresholds(app: InstituteApplication, p: InstituteParams) -> tuple[Decimal, Decimal, str]:
    """Thresholds of 一(六), relaxed for the five knowledge-intensive kinds (一 末段 可适当放宽).

    A case-specific ``Relaxation`` is used only for knowledge-intensive applicants and never raises a threshold.
    """
    site = p.min_site_m2
    equipment = p.min_equipment_tech_service if app.tech_service else p.min_equipment
    note = ""
    if app.knowledge_intensive is not None:
        site = min(site, p.knowledge_intensive_min_site_m2)
        equipment = min(
            equipment,
            p.knowledge_intensive_min_equipment_tech_service
            if app.tech_service
            else p.knowledge_intensive_min_equipment,
        )
        if app.relaxation is not None:
            site = min(site, app.relaxation.min_site_m2)
            equipment = min(equipment, app.relaxation.min_equipment)
        if site < p.min_site_m2 or equipment < (p.min_equipment_tech_service if app.tech_service else p.min_equipment):
            note = f"（知识密集型企业{app.knowledge_intensive}，按放宽后的标准）"
    return site, equipment, note


def check_site_and_equipment(app: InstituteApplication, p: InstituteParams) -> ConditionResult:
    """一(六) 研发场地400平方米以上，科研设备原值总额400万元以上(技术服务类企业100万元以上)；
    科研生产共用的设备原值按30%比例计入科研设备原值. 以上 includes the number.
    """
    min_site, min_equipment, note = site_and_equipment_thresholds(app, p)
    counted = counted_equipment_value(app.dedicated_equipment_value, app.shared_equipment_value, p)
    problems: list[str] = []
    if not app.funding_secured:
        problems.append("未能保证建设资金落实或不具备实验、试验条件及基础设施")
    if app.site_m2 < min_site:
        problems.append(f"研发场地{app.site_m2.normalize():f}平方米，不足{min_site.normalize():f}平方米")
    if counted < min_equipment:
        problems.append(f"计入的科研设备原值{_wan(counted)}，不足{_wan(min_equipment)}")
    shared_counted = counted_shared_equipment(app.dedicated_equipment_value, app.shared_equipment_value, p)
    detail = (
        f"研发场地{app.site_m2.normalize():f}平方米；科研设备原值计入{_wan(counted)}"
        f"（专用{_wan(app.dedicated_equipment_value)}＋共用{_wan(app.shared_equipment_value)}×"
        f"{_pct(p.shared_equipment_rate)}）"
    )
    if shared_counted < app.shared_equipment_value * p.shared_equipment_rate:
        detail += (
            f"；共用设备计入部分以不超过科研设备原值总额的{_pct(p.shared_equipment_max_share)}为限，"
            f"计入{_wan(shared_counted.quantize(Decimal('0.01'), rounding=ROUND_DOWN))}"
        )
    if problems:
        detail = "；".join(problems) + "。" + detail
    return ConditionResult("site_equipment", not problems, detail + note, institutes("一(六)"))


def check_ip(app: InstituteApplication, p: InstituteParams) -> ConditionResult:
    """一(七) 近三年内……在其申报领域拥有1件以上发明专利(含国防专利)、植物新品种……，
    或6件以上实用新型专利、外观设计专利、软件著作权等(不含商标)自主知识产权.

    近三年内 = obtained on or after the same date three years before the application (I-04); under the other reading
    (``ip_window_from`` "calendar_year") from 1 January of the year three years before the application's year.
    """
    since = add_years(app.applied_on, -p.ip_lookback_years)
    if p.ip_window_from == "calendar_year":
        since = dt.date(app.applied_on.year - p.ip_lookback_years, 1, 1)
    counted = [r for r in app.ip_rights if r.in_declared_field and since <= r.obtained_on <= app.applied_on]
    major = sum(1 for r in counted if r.kind in MAJOR_IP)
    minor = sum(1 for r in counted if r.kind in MINOR_IP)
    passed = major >= p.min_major_ip or minor >= p.min_minor_ip
    excluded = len(app.ip_rights) - major - minor
    detail = (
        f"{since.isoformat()} 至 {app.applied_on.isoformat()} 申报领域内："
        f"一类知识产权{major}件（需{p.min_major_ip}件以上），"
        f"二类知识产权{minor}件（需{p.min_minor_ip}件以上）"
    )
    if excluded:
        detail += f"；{excluded}件不计（商标、期外或非申报领域）"
    return ConditionResult("intellectual_property", passed, detail, institutes("一(七)"))


def check_management(app: InstituteApplication) -> ConditionResult:
    """一(八) 建立完整规范的技术创新管理体制，各项规章制度明确."""
    detail = "已建立技术创新管理体制" if app.has_management_system else "未建立完整规范的技术创新管理体制"
    return ConditionResult("management_system", app.has_management_system, detail, institutes("一(八)"))


def incident_window_start(applied_on: dt.date, p: InstituteParams) -> dt.date:
    """一(九) 申请认定前一年度至申请之日: from 1 January of the previous calendar year (I-08); under the other reading
    (``incident_window_from`` "one_year_before", 前一年度 as the year before the application) from the same date a
    year before."""
    if p.incident_window_from == "one_year_before":
        return add_years(applied_on, -1)
    return dt.date(applied_on.year - 1, 1, 1)


def check_no_incidents(app: InstituteApplication, p: InstituteParams) -> ConditionResult:
    """一(九) 企业申请认定前一年度至申请之日内未发生重大安全、质量事故，
    严重的环境违法、知识产权违法、税务违法、科研失信等行为.
    """
    start = incident_window_start(app.applied_on, p)
    within = [i for i in app.incidents if start <= i.occurred_on <= app.applied_on]
    if within:
        detail = "；".join(f"{i.occurred_on.isoformat()} {i.kind}" for i in within)
        detail = f"{start.isoformat()} 至申请之日发生：{detail}"
    else:
        detail = f"{start.isoformat()} 至申请之日未发生重大事故或严重违法失信行为"
    return ConditionResult("no_incidents", not within, detail, institutes("一(九)"))


def evaluate(app: InstituteApplication, p: InstituteParams) -> EligibilityResult:
    """一 以上认定条件需同时满足: all nine, each reported separately."""
    conditions = (
        check_field(app, p),
        check_registration(app, p),
        check_engineering_centre(app),
        check_rd_intensity(app, p),
        check_staff(app, p),
        check_site_and_equipment(app, p),
        check_ip(app, p),
        check_management(app),
        check_no_incidents(app, p),
    )
    return EligibilityResult(all(c.passed for c in conditions), conditions, p.version)
