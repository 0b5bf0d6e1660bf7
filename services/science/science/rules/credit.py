"""Credit records that bar later claims and applications.

- 衢市科发高〔2022〕44号 五(二) 对通过创新券骗取财政资金的……列入科研诚信记录，3年内不再给予科技项目和财政科技资金支持.
- 衢市科发高〔2022〕43号 三(六) 提供虚假材料和数据的……三年内不得申报各项科技计划项目.

A ban runs from the decision date through the same date three years on, inclusive (民法典 第二百零一条 the decision
day not counted, 第二百零二条; AMBIGUITIES.md G-01), or through the day before under the other reading (the decision day
counted as the first): each record by the reading of its own book as in force on the day it was decided.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from science.rules.basis import institutes, period_last_day, vouchers


class CreditKind(enum.StrEnum):
    VOUCHER_FRAUD = "voucher_fraud"  # 44号 五(二)
    INSTITUTE_FALSE_MATERIALS = "institute_false_materials"  # 43号 三(六)


CREDIT_BASIS: dict[CreditKind, str] = {
    CreditKind.VOUCHER_FRAUD: vouchers("五(二)"),
    CreditKind.INSTITUTE_FALSE_MATERIALS: institutes("三(六)"),
}
CREDIT_SCOPE: dict[CreditKind, str] = {
    CreditKind.VOUCHER_FRAUD: "3年内不再给予科技项目和财政科技资金支持",
    CreditKind.INSTITUTE_FALSE_MATERIALS: "三年内不得申报各项科技计划项目",
}


class Programme(enum.StrEnum):
    """What a later request asks for: 创新券 (44号, 财政科技资金) or a 研究院 recognition (43号, 科技计划项目)."""

    VOUCHERS = "vouchers"
    INSTITUTES = "institutes"


# The programme each kind of record was found in (AMBIGUITIES.md G-02, the other reading: a ban reaches only it).
OWN_PROGRAMME: dict[CreditKind, Programme] = {
    CreditKind.VOUCHER_FRAUD: Programme.VOUCHERS,
    CreditKind.INSTITUTE_FALSE_MATERIALS: Programme.INSTITUTES,
}


class CreditSubject(enum.StrEnum):
    """五(二) 对通过创新券骗取财政资金的企业、创新载体、创业者: whom a record names."""

    ENTERPRISE = "enterprise"  # 企业 (统一社会信用代码)
    ENTREPRENEUR = "entrepreneur"  # 创业者 (身份证号)
    CARRIER = "carrier"  # 创新载体 (统一社会信用代码), excluded from receiving vouchers as the user is from using them


@dataclass(frozen=True)
class CreditRecord:
    kind: CreditKind
    decided_on: dt.date
    ban_years: int
    record_id: int | None = None  # the stored 科研诚信记录, named in refusals
    start_day_counted: bool = False  # G-01, the reading of the record's own book on ``decided_on``

    @property
    def ban_until(self) -> dt.date:
        """The ban's last day (inside it: 3年内 includes it): decided 10 May 2023, 10 May 2026; with the decision day
        counted as the first, 9 May 2026."""
        return period_last_day(self.decided_on, 12 * self.ban_years, self.start_day_counted)

    @property
    def basis(self) -> str:
        return CREDIT_BASIS[self.kind]

    def active_on(self, day: dt.date) -> bool:
        return self.decided_on <= day <= self.ban_until


@dataclass(frozen=True)
class BanFinding:
    kind: CreditKind
    since: dt.date
    until: dt.date
    detail: str
    basis: str


def active_bans(
    records: Iterable[CreditRecord],
    on: dt.date,
    *,
    applying_to: Programme | None = None,
    reach: str = "every_programme",
) -> list[BanFinding]:
    """Every ban in force on ``on`` that reaches a request of ``applying_to``: both kinds bar voucher claims,
    redemptions and institute applications, since 科技创新券 and 企业研究院认定 are 科技项目/财政科技资金/科技计划项目
    alike (AMBIGUITIES.md G-02); under the other reading (``credit_ban_reach`` "own_programme") a record bars only
    requests of the programme it was found in.
    """
    return [
        BanFinding(
            r.kind,
            r.decided_on,
            r.ban_until,
            f"{r.decided_on.isoformat()} 起列入科研诚信记录{_number(r)}，"
            f"{CREDIT_SCOPE[r.kind]}（至 {r.ban_until.isoformat()}）",
            r.basis,
        )
        for r in records
        if r.active_on(on) and (reach == "every_programme" or applying_to in (None, OWN_PROGRAMME[r.kind]))
    ]


def _number(record: CreditRecord) -> str:
    return f"（第{record.record_id}号）" if record.record_id is not None else ""
