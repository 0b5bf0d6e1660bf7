"""二(一) 征收土地预公告后的冻结: acts done from the pre-announcement day on are not compensated."""

from __future__ import annotations

import datetime as dt

from .params import CityParams
from .types import Finding, WorkKind, basis

WORK_CLAUSES: dict[WorkKind, str] = {
    WorkKind.NEW_BUILD: "二(一)1",
    WorkKind.RECONSTRUCTION: "二(一)1",
    WorkKind.EXTENSION: "二(一)1",
    WorkKind.SUDDEN_DECORATION: "二(一)2",
    WorkKind.START_APPROVED_BUILD: "二(一)3",
    WorkKind.OTHER_IMPROPER: "二(一)4",
}

WORK_NAMES: dict[WorkKind, str] = {
    WorkKind.NEW_BUILD: "新建",
    WorkKind.RECONSTRUCTION: "改建",
    WorkKind.EXTENSION: "扩建",
    WorkKind.SUDDEN_DECORATION: "突击装修房屋",
    WorkKind.START_APPROVED_BUILD: "已取得建房批准文件尚未开工而开工",
    WorkKind.OTHER_IMPROPER: "其他不当增加补偿费用的行为",
}


# Works that create the declared part (it would not exist without the work): the whole part is not compensated.
# The others alter an existing part: the part is valued as declared before the work, the work itself gets nothing
# (A-23; ``altering_work_excludes_part = true`` reads "不得予以补偿" as the whole part for these too).
AREA_CREATING_WORKS = frozenset({WorkKind.NEW_BUILD, WorkKind.EXTENSION, WorkKind.START_APPROVED_BUILD})


def is_frozen_work(work_done_on: dt.date, pre_announcement_date: dt.date) -> bool:
    """二(一): "自征收土地预公告发布之日起 … 违反规定的，不得予以补偿。"

    自…之日起 includes the day of publication: work done on the pre-announcement day is frozen,
    work done the day before is not.
    """
    return work_done_on >= pre_announcement_date


def freeze_finding(
    city: CityParams, subject: str, work_kind: WorkKind, work_done_on: dt.date, pre_announcement_date: dt.date
) -> Finding | None:
    """The exclusion to list on a quote for a declared work, or None when the work predates the freeze."""
    if not is_frozen_work(work_done_on, pre_announcement_date):
        return None
    when = f"{WORK_NAMES[work_kind]}于{work_done_on}，在征收土地预公告（{pre_announcement_date}）之后"
    if work_kind in AREA_CREATING_WORKS or city.altering_work_excludes_part:
        return Finding(subject, "not_compensated", f"{when}，该部分不得予以补偿", basis(WORK_CLAUSES[work_kind]))
    return Finding(
        subject,
        "work_not_compensated",
        f"{when}，该行为增加的补偿不予补偿；房屋按申报的原状计价",
        basis(WORK_CLAUSES[work_kind]),
    )
