"""What the science commands share: the audit trail, dated parameters refused as 422, the loaders."""

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.audit import AuditTrail
from qz_common.db import ensure_visible, no_such_record
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.params import ParameterSet, RuleNotInForce
from qz_common.scenario import scenario_computation
from science.models import AuditRecord, CreditRecordRow, Enterprise
from science.parameters import institute_params, institutes_book, policy_params, voucher_params
from science.rules.basis import INSTITUTES_DOC, POLICIES_DOC, VOUCHERS_DOC
from science.rules.credit import CreditKind, CreditRecord
from science.rules.params import PolicyParams
from science.rules.policies_2023 import in_force
from science.rules.voucher_lifecycle import Problem

ENTERPRISE = "企业"

audit = AuditTrail(AuditRecord)

# Institutes under management (recognised, or recognised and yellow-warned): 43号 三.
MANAGED_STATUSES = ("recognised", "yellow_warning")

# The parameter books (params/*.toml) by the document whose figures they hold.
DOCUMENT_OF_BOOK = {"institutes": INSTITUTES_DOC, "vouchers": VOUCHERS_DOC, "policies": POLICIES_DOC}


def not_in_force(exc: RuleNotInForce, field: str = "on") -> ProblemError:
    """A date before a rule took effect: 422 naming the rule and the day it took effect."""
    rule = DOCUMENT_OF_BOOK.get(exc.book, exc.book)
    return ProblemError(
        422,
        "rule_not_in_force",
        f"{rule} 自 {exc.first_effective.isoformat()} 起施行，不适用于 {exc.day.isoformat()}",
        field=field,
        rule=rule,
        in_force_from=exc.first_effective.isoformat(),
    )


Params = TypeVar("Params")


def params_on(load: Callable[[dt.date], Params], day: dt.date, field: str) -> Params:
    """The parameters of a rule on ``day``, or 422 ``rule_not_in_force`` naming ``field``."""
    try:
        return load(day)
    except RuleNotInForce as exc:
        raise not_in_force(exc, field) from None


def of_book(overrides: Mapping[str, str] | None, book: str) -> dict[str, str]:
    """The overrides of a what-if or an impact that name parameters of ``book`` (``book.key``)."""
    return {name: value for name, value in (overrides or {}).items() if name.partition(".")[0] == book}


def policy_in_force_on(day: dt.date, overrides: Mapping[str, str] | None = None) -> PolicyParams | None:
    """衢政发〔2023〕1号 figures when its items apply on ``day`` (2023, P-03), else None; ``overrides``: the
    policies book's values of a what-if."""
    try:
        params = policy_params(day, overrides)
    except RuleNotInForce:
        return None
    return params if in_force(day, params) else None


def problems_422(
    problems: list[Problem], code: str, detail: str, field_of: dict[str, str] | None = None
) -> ProblemError:
    """Business-rule refusals: 422 naming every failing item with its basis."""
    fields = field_of or {}
    return ProblemError(
        422,
        problems[0].code if len(problems) == 1 else code,
        detail + "：" + "；".join(p.detail for p in problems),
        field=fields.get(problems[0].code),
        errors=[{"field": fields.get(p.code), "code": p.code, "detail": p.detail, "basis": p.basis} for p in problems],
    )


def ban_terms(kind: CreditKind, decided_on: dt.date, overrides: Mapping[str, str] | None = None) -> tuple[int, bool]:
    """A ban's years and how they are counted (G-01), as the record's own book reads them in the version in force on
    the day it was decided: 44号 五(二) (the vouchers book) for voucher fraud, 43号 三(六) (the institutes book) for
    false materials. ``overrides``: a what-if's or an impact's, of either book (each kind reads its own).
    RuleNotInForce for a decision before the book took effect."""
    if kind is CreditKind.VOUCHER_FRAUD:
        vp = voucher_params(decided_on, of_book(overrides, "vouchers"))
        return vp.fraud_ban_years, vp.fraud_ban_start_day_counted
    ip = institute_params(decided_on, of_book(overrides, "institutes"))
    return ip.false_materials_ban_years, ip.false_materials_ban_start_day_counted


# What a voucher claim or redemption reads of the institutes book: how long a false-materials ban (43号 三(六)), which
# bars them under G-02, runs and how it is counted (G-01). A what-if of either may override these, no other of it.
INSTITUTES_BAN_TERMS = ("false_materials_ban_years", "false_materials_ban_start_day_counted")


def institutes_ban_terms(day: dt.date) -> ParameterSet:
    """The institutes book on ``day`` narrowed to INSTITUTES_BAN_TERMS, to check a claim's or redemption's overrides."""
    book = institutes_book().at(day)
    return dataclasses.replace(book, values={key: book.values[key] for key in INSTITUTES_BAN_TERMS})


def _credit_record(row: CreditRecordRow, overrides: Mapping[str, str] | None) -> CreditRecord:
    kind = CreditKind(row.kind)
    try:
        years, counted = ban_terms(kind, row.decided_on, overrides)
    except RuleNotInForce:  # decided before either book took effect (no command stores one): as the row stands
        years = row.ban_until.year - row.decided_on.year
        counted = row.ban_until != CreditRecord(kind, row.decided_on, years).ban_until
    return CreditRecord(kind, row.decided_on, years, row.id, counted)


async def credit_records_of(
    session: AsyncSession, subject_id: str, overrides: Mapping[str, str] | None = None
) -> tuple[CreditRecord, ...]:
    """The subject's 科研诚信记录 as the rules read them: each ban's length and last day computed at every check by the
    reading of its own book in force on the day it was decided (G-01), the stored ``ban_until`` being that same
    computation made when it was recorded; under a what-if's or an impact's ``overrides`` when given."""
    rows = (await session.scalars(select(CreditRecordRow).where(CreditRecordRow.subject_id_lookup == subject_id))).all()
    with scenario_computation(overrides):  # a scenario's years that are no whole number: 422, not a fault
        return tuple(_credit_record(r, overrides) for r in rows)


async def enterprise_or_404(
    session: AsyncSession, uscc: str, *, lock: bool = False, field: str | None = "uscc", referenced: bool = False
) -> Enterprise:
    """The enterprise of that 统一社会信用代码, or the problem of a record the request named and cannot have
    (qz_common.db.no_such_record: 404, or 422 for a body ``field``)."""
    stmt = select(Enterprise).where(Enterprise.uscc == uscc)
    if lock:
        stmt = stmt.with_for_update()
    enterprise = await session.scalar(stmt)
    if enterprise is None:
        raise no_such_record(ENTERPRISE, field, referenced=referenced)
    return enterprise


async def enterprise_of(
    session: AsyncSession,
    caller: Caller,
    uscc: str,
    *,
    lock: bool = False,
    field: str | None = "uscc",
    referenced: bool = False,
) -> Enterprise:
    """The enterprise the path or (``referenced``) a body ``field`` names, if the caller may see it: another
    district's answers as an unregistered code would."""
    enterprise = await enterprise_or_404(session, uscc, lock=lock, field=field, referenced=referenced)
    ensure_visible(caller, enterprise.district, ENTERPRISE, field=field, referenced=referenced)
    return enterprise
