"""衢市科发高〔2022〕43号 三、建设与管理: naming, changes, monitoring, revocation and the 3-year ban."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qz_common.periods import add_months
from science.rules.basis import institutes, period_last_day
from science.rules.params import InstituteParams

NAME_PREFIX = "衢州市"
NAME_SUFFIX = "企业研究院"
_SPACE = re.compile(r"\s+")


class NameError_(ValueError):
    """The parts of an institute name cannot form a 三(七) name."""


def institute_name(trade_name: str, core_direction: str) -> str:
    """三(七) 企业研究院统一命名为：“衢州市+主办企业字号+核心研发方向+企业研究院”.

    The parts are trimmed; a part that already carries the fixed prefix or suffix is refused rather than doubled.
    """
    trade = _SPACE.sub("", trade_name)
    direction = _SPACE.sub("", core_direction)
    if not trade:
        raise NameError_("主办企业字号不能为空")
    if not direction:
        raise NameError_("核心研发方向不能为空")
    if trade.startswith(NAME_PREFIX):
        raise NameError_("字号不应包含“衢州市”，名称前缀由系统统一添加")
    if direction.endswith("研究院"):
        raise NameError_("核心研发方向不应以“研究院”结尾，名称后缀由系统统一添加")
    return f"{NAME_PREFIX}{trade}{direction}{NAME_SUFFIX}"


NAME_BASIS = institutes("三(七)")


@dataclass(frozen=True)
class ChangeReport:
    deadline: dt.date
    on_time: bool | None  # None while not yet reported
    detail: str
    basis: str


def change_report(changed_on: dt.date, reported_on: dt.date | None, p: InstituteParams) -> ChangeReport:
    """三(四) 主办企业发生更名、重组等重大调整的，应当在变更发生后6个月内提出申请.

    6个月内: 以内 includes the last day, the corresponding date six months on (民法典 第二百零二条), or the day before
    under the other reading of G-01 (``period_start_day_counted``).
    """
    deadline = period_last_day(changed_on, p.change_report_months, p.period_start_day_counted)
    if reported_on is None:
        return ChangeReport(deadline, None, f"应于 {deadline.isoformat()} 前（含当日）提出申请", institutes("三(四)"))
    on_time = reported_on <= deadline
    detail = "按期申报" if on_time else f"逾期申报（期限 {deadline.isoformat()}）"
    return ChangeReport(deadline, on_time, detail, institutes("三(四)"))


class InstituteStatus(enum.StrEnum):
    RECOGNISED = "recognised"
    YELLOW_WARNING = "yellow_warning"
    UPGRADED = "upgraded"  # 升级为省级企业研发机构: 不再纳入市级企业研究院管理序列
    REVOKED = "revoked"


UPGRADE_BASIS = institutes("三(四)")


@dataclass(frozen=True)
class AnnualReport:
    year: int
    meets_standard: bool  # 年度研发投入达标


@dataclass(frozen=True)
class MonitoringOutcome:
    year: int
    status: InstituteStatus
    detail: str
    basis: str


def monitoring_outcomes(reports: Sequence[AnnualReport], p: InstituteParams) -> list[MonitoringOutcome]:
    """三(五) 年度研发投入不达标的给与“黄色”预警，连续两年不达标的取消资格.

    Reports are read in year order; a year that meets the standard clears the warning; a gap in the years
    breaks a run of misses (两年 must be consecutive calendar years, I-09; under the other reading,
    ``misses_run_across_gaps``, 连续 counts consecutive reports and a year with no report breaks nothing). After
    revocation nothing further counts.
    """
    outcomes: list[MonitoringOutcome] = []
    run = 0
    previous_year: int | None = None
    for report in sorted(reports, key=lambda r: r.year):
        if previous_year is not None and report.year != previous_year + 1 and not p.misses_run_across_gaps:
            run = 0
        previous_year = report.year
        if report.meets_standard:
            run = 0
            outcomes.append(
                MonitoringOutcome(report.year, InstituteStatus.RECOGNISED, "年度研发投入达标", institutes("三(五)"))
            )
            continue
        run += 1
        if run >= p.consecutive_misses_for_revocation:
            outcomes.append(
                MonitoringOutcome(
                    report.year,
                    InstituteStatus.REVOKED,
                    f"连续{run}年研发投入不达标，取消资格",
                    institutes("三(五)"),
                )
            )
            break
        outcomes.append(
            MonitoringOutcome(
                report.year, InstituteStatus.YELLOW_WARNING, "年度研发投入不达标，黄色预警", institutes("三(五)")
            )
        )
    return outcomes


def monitoring_verdict(reports: Sequence[AnnualReport], p: InstituteParams) -> MonitoringOutcome | None:
    """三(五) status from the whole series of years, whatever order the reports were filed in.

    Two consecutive missed years revoke, and a compliant year filed afterwards for a later year does not undo that
    verdict (AMBIGUITIES.md I-09); without a revocation the latest year decides (a compliant year clears a warning).
    """
    outcomes = monitoring_outcomes(reports, p)
    if not outcomes:
        return None
    return outcomes[-1]


@dataclass(frozen=True)
class ReportDue:
    year: int  # the year whose R&D the 科技统计年报 reports
    due_on: dt.date
    basis: str


def reports_due(
    recognised_on: dt.date, reported_years: Iterable[int], as_of: dt.date, p: InstituteParams
) -> list[ReportDue]:
    """三(五) 企业研究院依托企业每年应及时填报科技统计年报: a report on each year from the year of recognition. The
    办法 names no day: the report on year Y is due within the parameter's months of the year's end (12: by 31 December
    of Y+1, the last day on which it is still the next year's filing, reading I-19). Every year from recognition
    through ``as_of``'s own not yet reported, earliest first."""
    reported = set(reported_years)
    return [
        ReportDue(year, add_months(dt.date(year, 12, 31), p.annual_report_months_after_year), institutes("三(五)"))
        for year in range(recognised_on.year, as_of.year + 1)
        if year not in reported
    ]


class RevocationGround(enum.StrEnum):
    FALSE_MATERIALS = "false_materials"  # 三(六)1 提供虚假材料和数据的
    TERMINATED = "terminated"  # 三(六)2 主办企业被依法终止
    LOST_HITECH = "lost_hitech"  # 三(六)2 失去高新技术企业资格
    MAJOR_INCIDENT = "major_incident"  # 三(六)3 重大事故、严重违法失信, 被有关行政主管部门处理
    RD_BELOW_STANDARD_TWICE = "rd_below_standard_twice"  # 三(五) 连续两年不达标


REVOCATION_CLAUSE: dict[RevocationGround, str] = {
    RevocationGround.FALSE_MATERIALS: institutes("三(六)1"),
    RevocationGround.TERMINATED: institutes("三(六)2"),
    RevocationGround.LOST_HITECH: institutes("三(六)2"),
    RevocationGround.MAJOR_INCIDENT: institutes("三(六)3"),
    RevocationGround.RD_BELOW_STANDARD_TWICE: institutes("三(五)"),
}


@dataclass(frozen=True)
class ReviewTrigger:
    occurred_on: dt.date
    detail: str
    basis: str


def hitech_loss_review(
    valid_until_before: dt.date | None, valid_until_after: dt.date | None, on: dt.date
) -> ReviewTrigger | None:
    """三(六)2 主办企业……失去高新技术企业资格的 (取消其企业研究院资格).

    A change of the enterprise record that ends a 高新 status still valid on ``on`` opens a review of the institute;
    it does not revoke by itself (the revocation is a decision, I-14). Lost on the day after the new validity, or on
    ``on`` when the qualification was withdrawn.
    """
    was_valid = valid_until_before is not None and valid_until_before >= on
    still_valid = valid_until_after is not None and valid_until_after >= on
    if not was_valid or still_valid:
        return None
    if valid_until_after is None:
        lost_on, shown = on, "资格被取消"
    else:
        lost_on, shown = valid_until_after + dt.timedelta(days=1), f"证书有效期至 {valid_until_after.isoformat()}"
    return ReviewTrigger(
        lost_on, f"主办企业失去国家高新技术企业资格（{shown}），须复核企业研究院资格", institutes("三(六)2")
    )


def hitech_lapse(valid_until: dt.date | None, on: dt.date) -> ReviewTrigger | None:
    """三(六)2 主办企业……失去高新技术企业资格的: a certificate whose stored last valid day has passed by ``on`` has
    lapsed, whether or not anyone touched the record (reading I-18): the institute is due for review from the day
    after. Computed on every read, so time passing is enough; revocation remains a decision (I-14)."""
    if valid_until is None or valid_until >= on:
        return None
    return ReviewTrigger(
        valid_until + dt.timedelta(days=1),
        f"主办企业的国家高新技术企业证书已于 {valid_until.isoformat()} 到期，须复核企业研究院资格",
        institutes("三(六)2"),
    )


@dataclass(frozen=True)
class Ban:
    """A bar on applying for science programmes or funds: from ``start`` through ``until`` inclusive."""

    start: dt.date
    until: dt.date
    scope: str
    basis: str

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day <= self.until


@dataclass(frozen=True)
class Revocation:
    ground: RevocationGround
    decided_on: dt.date
    basis: str
    ban: Ban | None


def revoke(ground: RevocationGround, decided_on: dt.date, p: InstituteParams) -> Revocation:
    """三(六) 有下列情形之一的，取消其企业研究院资格; for false materials also
    “除取消相应资格外，三年内不得申报各项科技计划项目” (ban through the third anniversary inclusive, or the day before
    under the other reading of G-01, ``false_materials_ban_start_day_counted``).
    """
    ban = None
    if ground is RevocationGround.FALSE_MATERIALS:
        ban = Ban(
            decided_on,
            period_last_day(decided_on, 12 * p.false_materials_ban_years, p.false_materials_ban_start_day_counted),
            "不得申报各项科技计划项目",
            institutes("三(六)"),
        )
    return Revocation(ground, decided_on, REVOCATION_CLAUSE[ground], ban)


@dataclass(frozen=True)
class Transition:
    allowed: bool
    status: InstituteStatus | None
    detail: str
    basis: str


def upgrade_to_provincial(status: InstituteStatus) -> Transition:
    """三(四) 升级为省级企业研发机构的，不再纳入市级企业研究院管理序列."""
    if status in (InstituteStatus.REVOKED, InstituteStatus.UPGRADED):
        return Transition(False, None, f"研究院当前状态为 {status}，不能登记升级", UPGRADE_BASIS)
    return Transition(True, InstituteStatus.UPGRADED, "升级为省级企业研发机构，退出市级管理序列", UPGRADE_BASIS)
