"""Who may apply (二(一)1, 二(二)1) and the admission conditions (二(一)2, 二(二)1) of 衢医保发〔2023〕8号."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from medinsurance.rules.basis import basis, complete_from, period_complete
from qz_common.params import ParameterSet
from qz_common.periods import add_months


class InstitutionType(StrEnum):
    """二(一)1 申请类别范围 (eight groups) plus the kinds the clause names but does not admit directly."""

    GENERAL_HOSPITAL = "general_hospital"  # (1) 综合医院、中医医院、中西医结合医院、民族医医院、专科医院、康复医院
    SPECIALIST_PREVENTION = "specialist_prevention"  # (2) 专科疾病防治院(所、站)、妇幼保健院
    PRIMARY_CARE = "primary_care"  # (3) 社区卫生服务中心(站)…门诊部、诊所、卫生所(站)、村卫生室(所)
    EMERGENCY_CENTRE = "emergency_centre"  # (4) 独立设置的急救中心
    HOSPICE_DIALYSIS_NURSING = "hospice_dialysis_nursing"  # (5) 安宁疗护中心、血液透析中心、护理院
    ELDERLY_CARE_CLINIC = "elderly_care_clinic"  # (6) 养老机构内设的…医疗机构
    WORKPLACE_CLINIC = "workplace_clinic"  # (7) 企事业单位内设医务室
    BLIND_MASSAGE = "blind_massage"  # (8) 盲人医疗按摩所
    MILITARY = "military"  # 经军队主管部门批准有为民服务资质的军队医疗机构
    INTERNET_HOSPITAL = "internet_hospital"  # 互联网医院: 依托实体医疗机构申请签订补充协议
    INDEPENDENT_LAB = "independent_lab"  # 临床检验中心、医学检验实验室、病理诊断中心、医学影像诊断中心
    RETAIL_PHARMACY = "retail_pharmacy"  # 二(二) 零售药店
    INTERNET_PHARMACY = "internet_pharmacy"  # 互联网药店: 依托实体零售药店申请签订补充协议


LISTED_TYPES = frozenset(
    {
        InstitutionType.GENERAL_HOSPITAL,
        InstitutionType.SPECIALIST_PREVENTION,
        InstitutionType.PRIMARY_CARE,
        InstitutionType.EMERGENCY_CENTRE,
        InstitutionType.HOSPICE_DIALYSIS_NURSING,
        InstitutionType.ELDERLY_CARE_CLINIC,
        InstitutionType.WORKPLACE_CLINIC,
        InstitutionType.BLIND_MASSAGE,
    }
)


class ApplicationRoute(StrEnum):
    DESIGNATION = "designation"  # 申请医保定点
    SUPPLEMENTARY_AGREEMENT = "supplementary_agreement"  # 补充协议 via the physical designated institution
    THIRD_PARTY_PROVIDER = "third_party_provider"  # 与定点医疗机构签订协议, 备案
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class WhoMayApply:
    route: ApplicationRoute
    reason: str
    basis: str


def who_may_apply(
    kind: InstitutionType,
    *,
    has_practice_licence: bool = False,
    has_drug_trading_licence: bool = False,
    physical_parent_designated: bool = False,
) -> WhoMayApply:
    """二(一)1 "取得医疗机构执业许可证或中医诊所备案证的医疗机构…可申请医保定点"; 二(二)1 "取得药品经营许可证".

    互联网医院/药店 "可依托其实体…申请签订补充协议"; independent labs are "第三方服务提供机构".
    ``has_practice_licence`` means 执业许可证, 中医诊所备案证 or (military) 为民服务资质.
    """
    if kind in LISTED_TYPES or kind is InstitutionType.MILITARY:
        if has_practice_licence:
            return WhoMayApply(ApplicationRoute.DESIGNATION, "列入申请类别范围且持证", basis("二(一)1"))
        return WhoMayApply(ApplicationRoute.NOT_ELIGIBLE, "未取得医疗机构执业许可证或中医诊所备案证", basis("二(一)1"))
    if kind is InstitutionType.RETAIL_PHARMACY:
        if has_drug_trading_licence:
            return WhoMayApply(ApplicationRoute.DESIGNATION, "取得药品经营许可证", basis("二(二)1"))
        return WhoMayApply(ApplicationRoute.NOT_ELIGIBLE, "未取得药品经营许可证", basis("二(二)1"))
    if kind in (InstitutionType.INTERNET_HOSPITAL, InstitutionType.INTERNET_PHARMACY):
        clause = "二(一)1" if kind is InstitutionType.INTERNET_HOSPITAL else "二(二)1"
        if physical_parent_designated:
            return WhoMayApply(
                ApplicationRoute.SUPPLEMENTARY_AGREEMENT, "依托实体定点机构申请签订补充协议", basis(clause)
            )
        return WhoMayApply(ApplicationRoute.NOT_ELIGIBLE, "须依托已定点的实体机构", basis(clause))
    return WhoMayApply(
        ApplicationRoute.THIRD_PARTY_PROVIDER,
        "独立设置的检验、病理、影像机构只可作为第三方服务提供机构与定点医疗机构签订协议",
        basis("二(一)1"),
    )


@dataclass(frozen=True)
class Unmet:
    code: str
    reason: str
    basis: str


def conditions_met(route: WhoMayApply, unmet: list[Unmet]) -> bool:
    """All conditions met on a route that leads to an agreement: a route that does not (二(一)1, e.g. a 互联网医院
    whose physical institution is not designated) cannot have its conditions met (reading A-68)."""
    return route.route is not ApplicationRoute.NOT_ELIGIBLE and not unmet


@dataclass(frozen=True)
class InstitutionFacts:
    """Facts for 二(一)2 on the day of decision."""

    kind: InstitutionType
    operating_since: dt.date
    qualified_physicians: int = 0  # 第一注册地在该医疗机构的医师
    massage_staff: int = 0  # 持《盲人医疗按摩人员从事医疗按摩资格证书》的专业技术人员
    massage_beds: int = 0
    floor_area_m2: Decimal = Decimal(0)
    beds: int = 0
    leader_responsible: bool = False
    insurance_staff: int = 0
    internal_insurance_department: bool = False
    rules_in_place: bool = False  # (4) 医保管理制度、财务制度、统计信息管理制度、医疗质量安全核心制度
    system_connected: bool = False  # (5) 信息系统技术和接口标准, 基础数据库, 国家统一医保编码
    inventory_managed: bool = False  # (6) 进货渠道规范, 进销存信息化管理
    other_conditions_met: bool = True  # (7) 其他条件


def institution_conditions(
    facts: InstitutionFacts, on: dt.date, p: ParameterSet, calendar: ParameterSet
) -> list[Unmet]:
    """二(一)2 "申请医保定点的医疗机构应当同时具备以下基本条件" — returns the unmet conditions (empty = all met).

    (2) 盲人医疗按摩所 variant: "专业技术人员3名(含)以上,按摩床10张(含)以上,服务场所建筑面积120平方米(含)以上";
    (3) "100张床位以上的医疗机构应设内部医保管理部门" (以上 includes 100).
    """
    out: list[Unmet] = []
    months = p.integer("min_operating_months")
    if not period_complete(facts.operating_since, on, months, calendar):
        out.append(
            Unmet(
                "operating_months",
                f"正式运营未满{months}个月(满于{complete_from(facts.operating_since, months, calendar)})",
                basis("二(一)2(1)"),
            )
        )
    if facts.kind is InstitutionType.BLIND_MASSAGE:
        if facts.massage_staff < (staff := p.integer("massage_min_staff")):
            out.append(Unmet("massage_staff", f"盲人医疗按摩专业技术人员不足{staff}名", basis("二(一)2(2)")))
        if facts.massage_beds < (beds := p.integer("massage_min_beds")):
            out.append(Unmet("massage_beds", f"按摩床不足{beds}张", basis("二(一)2(2)")))
        if facts.floor_area_m2 < (area := p.decimal("massage_min_area_m2")):
            out.append(Unmet("massage_area", f"服务场所建筑面积不足{area}平方米", basis("二(一)2(2)")))
    elif facts.qualified_physicians < (physicians := p.integer("min_physicians")):
        detail = f"第一注册地在本机构的医师不足{physicians}名"
        out.append(Unmet("physician", detail, basis("二(一)2(2)")))
    if not facts.leader_responsible or facts.insurance_staff < 1:
        out.append(Unmet("insurance_staff", "机构领导负责医保工作并配备专(兼)职医保管理人员", basis("二(一)2(3)")))
    if facts.beds >= (beds := p.integer("insurance_department_min_beds")) and not facts.internal_insurance_department:
        detail = f"{beds}张床位以上的医疗机构应设内部医保管理部门"
        out.append(Unmet("insurance_department", detail, basis("二(一)2(3)")))
    if not facts.rules_in_place:
        out.append(Unmet("rules", "医保管理制度等不符合医保协议管理要求", basis("二(一)2(4)")))
    if not facts.system_connected:
        out.append(Unmet("information_system", "信息系统未与医保信息系统有效对接", basis("二(一)2(5)")))
    if not facts.inventory_managed:
        out.append(Unmet("inventory", "未实行进销存信息化管理", basis("二(一)2(6)")))
    if not facts.other_conditions_met:
        out.append(Unmet("other", "不符合法律法规和上级规定的其他条件", basis("二(一)2(7)")))
    return out


@dataclass(frozen=True)
class Employee:
    contract_start: dt.date
    contract_end: dt.date | None  # None = open-ended (无固定期限)
    registered_locally: bool = True  # 药师注册地在该零售药店所在地


def _contract_ok(e: Employee, on: dt.date, min_months: int, p: ParameterSet) -> bool:
    """签订1年以上劳动合同且在合同期内: term of at least 12 months (以上 includes) and ``on`` within it.

    Reading A-05 (parameter ``contract_end_day`` = ``included``): both contract dates are inclusive, so 2023-01-01 to
    2023-12-31 is a one-year contract. The other reading (``excluded``) ends the contract before its end date, so
    that contract is one day short of a year and its end date is no longer within it.
    """
    if on < e.contract_start:
        return False
    if e.contract_end is None:
        return True
    last_day = e.contract_end if p["contract_end_day"] == "included" else e.contract_end - dt.timedelta(days=1)
    return last_day + dt.timedelta(days=1) >= add_months(e.contract_start, min_months) and on <= last_day


@dataclass(frozen=True)
class PharmacyFacts:
    """Facts for 二(二)1 on the day of decision."""

    has_drug_trading_licence: bool
    operating_since: dt.date  # 在注册地址正式经营
    pharmacists: tuple[Employee, ...] = ()
    insurance_staff: tuple[Employee, ...] = ()
    classified_storage_and_marks: bool = False  # (4)
    rules_in_place: bool = False  # (5)
    system_connected: bool = False  # (6)
    business_scope_medical_only: bool = False  # (7) 营业执照经营范围仅限于…
    total_area_m2: Decimal = Decimal(0)
    non_drug_area_m2: Decimal = Decimal(0)  # 卫生消毒等医疗相关用品及食品(限药食同源)经营面积
    inventory_managed: bool = False  # (8)
    other_conditions_met: bool = True  # (9)


def pharmacy_conditions(facts: PharmacyFacts, on: dt.date, p: ParameterSet, calendar: ParameterSet) -> list[Unmet]:
    """二(二)1 "取得药品经营许可证,并同时符合以下条件" — returns the unmet conditions.

    (2) "药师须签订1年以上劳动合同且在合同期内"; (3) "至少有2名…医保管理人员…签订1年以上劳动合同";
    (7) "经营面积不得超过总经营面积的20%" (不超过 includes 20%).
    """
    out: list[Unmet] = []
    if not facts.has_drug_trading_licence:
        out.append(Unmet("licence", "未取得药品经营许可证", basis("二(二)1")))
    months = p.integer("min_operating_months")
    if not period_complete(facts.operating_since, on, months, calendar):
        out.append(
            Unmet(
                "operating_months",
                f"在注册地址正式经营未满{months}个月(满于{complete_from(facts.operating_since, months, calendar)})",
                basis("二(二)1(1)"),
            )
        )
    contract = p.integer("pharmacist_contract_min_months")
    ok_pharmacists = [e for e in facts.pharmacists if e.registered_locally and _contract_ok(e, on, contract, p)]
    if len(ok_pharmacists) < (pharmacists := p.integer("min_pharmacists")):
        detail = f"注册在本地且持{contract}个月以上在期劳动合同的药师不足{pharmacists}名"
        out.append(Unmet("pharmacist", detail, basis("二(二)1(2)")))
    contract = p.integer("insurance_staff_contract_min_months")
    ok_staff = [e for e in facts.insurance_staff if _contract_ok(e, on, contract, p)]
    if len(ok_staff) < (staff := p.integer("min_insurance_staff")):
        detail = f"持{contract}个月以上在期劳动合同的医保管理人员不足{staff}名"
        out.append(Unmet("insurance_staff", detail, basis("二(二)1(3)")))
    if not facts.classified_storage_and_marks:
        out.append(Unmet("classification", "未开展药品分类分区管理或未设医保用药标识", basis("二(二)1(4)")))
    if not facts.rules_in_place:
        out.append(Unmet("rules", "医保药品管理制度等不符合医保协议管理要求", basis("二(二)1(5)")))
    if not facts.system_connected:
        out.append(Unmet("information_system", "信息系统未与医保信息系统有效对接", basis("二(二)1(6)")))
    if not facts.business_scope_medical_only:
        out.append(Unmet("business_scope", "营业执照经营范围超出药品、医疗器械等医疗相关用品", basis("二(二)1(7)")))
    share = p.decimal("max_non_drug_area_share")
    if facts.total_area_m2 <= 0 or facts.non_drug_area_m2 > facts.total_area_m2 * share:
        detail = f"医疗相关用品及食品经营面积超过总经营面积的{share:%}"
        out.append(Unmet("non_drug_area", detail, basis("二(二)1(7)")))
    if not facts.inventory_managed:
        out.append(Unmet("inventory", "未实行进销存信息化管理", basis("二(二)1(8)")))
    if not facts.other_conditions_met:
        out.append(Unmet("other", "不符合法律法规和上级规定的其他条件", basis("二(二)1(9)")))
    return out


INSTITUTION_MATERIALS: tuple[tuple[str, str], ...] = (
    ("application_form", "定点医疗机构申请表"),
    ("licence", "医疗机构执业许可证或中医诊所备案证或军队医疗机构为民服务许可证照复印件(营利性另需营业执照)"),
    ("internal_rules", "与医保政策对应的内部管理制度和财务制度文本"),
    ("information_system", "与医保有关的医疗机构信息系统相关材料"),
    ("fund_forecast", "纳入定点后使用医疗保障基金的预测性分析报告"),
    ("grade_and_physicians", "医疗机构等级证明(无等级不需提供)、执业医师注册及职称证明"),
    ("premises", "用房产权证明或经房产主管部门备案的租赁合同"),
    ("legal_rep_and_roster", "法定代表人身份证复印件及工作人员花名册"),
    ("other", "上级医疗保障行政部门要求的其他材料"),
)
PHARMACY_MATERIALS: tuple[tuple[str, str], ...] = (
    ("application_form", "定点零售药店申请表"),
    ("licences_and_ids", "药品经营许可证、营业执照和法定代表人、主要负责人或实际控制人身份证复印件"),
    ("pharmacist", "执业药师资格证书或药学技术人员相关证书及其劳动合同复印件"),
    ("insurance_staff_contracts", "医保专(兼)职管理人员的劳动合同复印件"),
    ("internal_rules", "与医疗保障政策对应的内部管理制度和财务制度文本"),
    ("information_system", "与医保有关的信息系统相关材料"),
    ("fund_forecast", "纳入定点后使用医疗保障基金的预测性分析报告"),
    ("premises", "营业场所产权证明或备案租赁合同、平面布局图"),
    ("other", "上级医疗保障行政部门要求的其他材料"),
)


@dataclass(frozen=True)
class MissingMaterials:
    missing: tuple[str, ...]
    basis: str


def missing_materials(
    pharmacy: bool, submitted: frozenset[str], shared: frozenset[str] = frozenset()
) -> MissingMaterials:
    """二(一)3 / 二(二)2 materials; "经办机构如能及时通过数据共享获取的,…无需提供" (``shared``).

    The result lists every missing item at once (二(三)2 "应一次性告知").
    """
    catalogue = PHARMACY_MATERIALS if pharmacy else INSTITUTION_MATERIALS
    missing = tuple(code for code, _ in catalogue if code not in submitted and code not in shared)
    return MissingMaterials(missing, basis("二(二)2" if pharmacy else "二(一)3"))
