"""What the science commands share: the audit trail, dated parameters refused as 422, the loaders."""

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.audit import AuditTrail
from qz_common.db import ensure_visible, no_such_record
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.params import RuleNotInForce
from science.models import AuditRecord, CreditRecordRow, Enterprise
from science.parameters import policy_params
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


async def credit_records_of(session: AsyncSession, subject_id: str) -> tuple[CreditRecord, ...]:
    """The subject's 科研诚信记录 as the rules read them, each with its ban in whole years."""
    rows = (await session.scalars(select(CreditRecordRow).where(CreditRecordRow.subject_id_lookup == subject_id))).all()
    return tuple(
        CreditRecord(CreditKind(r.kind), r.decided_on, r.ban_until.year - r.decided_on.year, r.id) for r in rows
    )


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
