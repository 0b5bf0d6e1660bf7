"""The bars on applying to become a 定点医药机构 again, and whom they bind (reading A-59).

二(三)2 不予受理 医疗机构(4)/药店(2) "以弄虚作假等不正当手段申请定点,自发现之日起未满3年", 医疗机构(6)/药店(4)
"因严重违反医保协议约定而被解除协议未满1年" (reading A-53: the shortest window), 二(三)2 "逾期不补正的视作放弃申请,
须3个月后方可再次申请", 二(三)3 "评估仍不合格的,1年内不得再次申请". The text does not say whether a wait belongs to the
operating entity (its 统一社会信用代码) or to the institution registered: ``process.wait_binds`` holds the reading.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from medinsurance.rules.application import Application, waiting_bar
from medinsurance.rules.refusal import ApplicantRecord, Termination, refusal_findings
from qz_common.params import ParameterSet

ENTITY, INSTITUTION = "entity", "institution"  # the readings of process.wait_binds


@dataclass(frozen=True)
class EntityRecords:
    """What the register holds of one operating entity (one 统一社会信用代码), each record with the id of the
    institution row it belongs to: its applications, and the days its agreements were ended by a 五(三) decision."""

    applications: tuple[tuple[int, Application], ...] = ()
    terminated_on: tuple[tuple[int, dt.date], ...] = ()


def binding(records: EntityRecords, institution_id: int, process: ParameterSet) -> EntityRecords:
    """The records whose bars bind an application of institution ``institution_id``. Reading A-59
    (``process.wait_binds``): ``entity`` (chosen) — every record of the entity, whichever application or institution
    row it was made under, so a second institution of the same 统一社会信用代码 waits too; ``institution`` — only the
    records of the institution row applying (a new application of that row still waits)."""
    if process["wait_binds"] == ENTITY:
        return records
    return EntityRecords(
        tuple(r for r in records.applications if r[0] == institution_id),
        tuple(r for r in records.terminated_on if r[0] == institution_id),
    )


@dataclass(frozen=True)
class Bar:
    """Why an application on a day is not accepted, and until when (inclusive; None: until remedied)."""

    code: str  # "refused" (不予受理 of 二(三)2) or "waiting_period" (二(三)2 补正, 二(三)3 second failure)
    reason: str
    until: dt.date | None
    basis: str


@dataclass(frozen=True)
class BarBooks:
    """The books the bars read: the windows of 二(三) and whom they bind (``process``), the 不予受理 windows
    (``refusal``), and how 未满 is counted (``calendar``, reading A-02)."""

    process: ParameterSet
    refusal: ParameterSet
    calendar: ParameterSet


def bar_on(records: EntityRecords, institution_id: int, on: dt.date, pharmacy: bool, books: BarBooks) -> Bar | None:
    """The bar on an application of institution ``institution_id`` submitted (or an agreement signed) on ``on``: a
    不予受理 case first, else the waiting period that ends last, of the records that bind it (``binding``)."""
    bound = binding(records, institution_id, books.process)
    history = [app for _, app in bound.applications]
    findings = refusal_findings(
        ApplicantRecord(
            fraud_found_on=tuple(a.cancelled_on for a in history if a.cancelled_on is not None),
            # Reading A-53: the shortest window (1 year, 严重违反医保协议约定); /v1/refusal-check weighs the rest.
            terminated_for_breach=tuple(Termination(day, True) for _, day in bound.terminated_on),
        ),
        on,
        pharmacy,
        books.refusal,
        books.calendar,
    )
    if findings:
        f = findings[0]
        return Bar("refused", f"不予受理：{f.reason}（至{f.until}）", f.until, f.basis)
    wait = waiting_bar(history, on)
    if wait is not None:
        return Bar("waiting_period", f"不予受理：{wait.reason}", wait.until, wait.basis)
    return None
