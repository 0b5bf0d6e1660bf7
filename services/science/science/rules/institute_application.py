"""衢市科发高〔2022〕43号 二(一) 申请材料.

申请材料包括：衢州市市级企业研究院建设申请书(附件1)、衢州市市级企业研究院建设实施方案(附件2)、近三年专项审计报告、
企业承诺书(附件3)及相关附件材料，其中专项审计报告须包含企业研究院专职研究开发人员、研发场地面积、科研设备原值、
拥有自主知识产权、研究开发费用占销售收入总额比例情况等.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from science.rules.basis import institutes


class AuditItem(enum.StrEnum):
    """What every 专项审计报告 must contain."""

    RD_STAFF = "rd_staff"  # 企业研究院专职研究开发人员
    SITE_AREA = "site_area"  # 研发场地面积
    EQUIPMENT_VALUE = "equipment_value"  # 科研设备原值
    OWN_IP = "own_ip"  # 拥有自主知识产权
    RD_RATIO = "rd_ratio"  # 研究开发费用占销售收入总额比例


@dataclass(frozen=True)
class AuditReport:
    year: int
    items: frozenset[AuditItem]


@dataclass(frozen=True)
class ApplicationMaterials:
    application_form: bool  # 附件1 申请书
    implementation_plan: bool  # 附件2 实施方案
    commitment: bool  # 附件3 承诺书 (signed by the 法定代表人, sealed)
    audit_reports: tuple[AuditReport, ...]


@dataclass(frozen=True)
class MissingMaterial:
    code: str
    detail: str
    basis: str


def audit_years(
    applied_on: dt.date, years: int = 3, *, registered_on: dt.date | None = None, reports_of: str = "three_years"
) -> list[int]:
    """近三年: the three complete calendar years before the application year (AMBIGUITIES.md I-11); under the other
    reading (``audit_reports_of`` "years_registered") a firm registered in 衢州 less than three years gives those of
    the years from the year of its registration."""
    wanted = [applied_on.year - n for n in range(years, 0, -1)]
    if reports_of == "years_registered" and registered_on is not None:
        return [year for year in wanted if year >= registered_on.year]
    return wanted


def missing_materials(
    materials: ApplicationMaterials,
    applied_on: dt.date,
    *,
    registered_on: dt.date | None = None,
    reports_of: str = "three_years",
) -> list[MissingMaterial]:
    """二(一): every missing document or audit item, each with the clause (``reports_of``: the reading of I-11 the
    parameters hold, ``registered_on`` the day the firm was registered in 衢州)."""
    basis = institutes("二(一)")
    missing: list[MissingMaterial] = []
    if not materials.application_form:
        missing.append(MissingMaterial("application_form", "缺少衢州市市级企业研究院建设申请书（附件1）", basis))
    if not materials.implementation_plan:
        missing.append(MissingMaterial("implementation_plan", "缺少衢州市市级企业研究院建设实施方案（附件2）", basis))
    if not materials.commitment:
        missing.append(MissingMaterial("commitment", "缺少企业承诺书（附件3）", basis))
    by_year = {r.year: r for r in materials.audit_reports}
    for year in audit_years(applied_on, registered_on=registered_on, reports_of=reports_of):
        report = by_year.get(year)
        if report is None:
            missing.append(MissingMaterial("audit_report", f"缺少{year}年度专项审计报告", basis))
            continue
        absent = [item for item in AuditItem if item not in report.items]
        if absent:
            missing.append(
                MissingMaterial(
                    "audit_report_items", f"{year}年度专项审计报告未包含：" + "、".join(a.value for a in absent), basis
                )
            )
    return missing
