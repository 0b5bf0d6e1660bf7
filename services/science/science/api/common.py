"""Wiring shared by the science routers: audit trail, idempotency, today's date in 衢州, lookups."""

import datetime as dt
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Path
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from qz_common.audit import AuditTrail
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotentCreator
from qz_common.ids import validate_id_number, validate_uscc
from qz_common.params import RuleNotInForce
from science.models import AuditRecord, CreditRecordRow, IdempotencyKey
from science.parameters import policy_params
from science.rules.basis import INSTITUTES_DOC, POLICIES_DOC, VOUCHERS_DOC
from science.rules.credit import CreditKind, CreditRecord, CreditSubject
from science.rules.params import PolicyParams
from science.rules.policies_2023 import in_force
from science.rules.voucher_lifecycle import ApplicantKind, Problem

audit = AuditTrail(AuditRecord)
# A record's id in a path, as the database stores it (BIGINT): larger numbers name nothing (422, not a 5xx).
PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]
idempotent = IdempotentCreator(IdempotencyKey)


def holder_or_422(kind: ApplicantKind | CreditSubject, holder_id: str, field: str) -> str:
    """企业 and 创新载体 by 统一社会信用代码, 创业者 by 身份证号, validated with python-stdnum."""
    by_id_number = kind in (ApplicantKind.ENTREPRENEUR, CreditSubject.ENTREPRENEUR)
    try:
        return validate_id_number(holder_id) if by_id_number else validate_uscc(holder_id)
    except PydanticCustomError as exc:
        raise ProblemError(
            422,
            str(exc.type),
            exc.message(),
            field=field,
            errors=[{"field": field, "code": exc.type, "detail": exc.message()}],
        ) from None


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


def policy_in_force_on(day: dt.date) -> PolicyParams | None:
    """衢政发〔2023〕1号 figures when its items apply on ``day`` (2023, P-03), else None."""
    try:
        params = policy_params(day)
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
    rows = (await session.scalars(select(CreditRecordRow).where(CreditRecordRow.subject_id == subject_id))).all()
    return tuple(
        CreditRecord(CreditKind(r.kind), r.decided_on, _years_between(r.decided_on, r.ban_until), r.id) for r in rows
    )


def _years_between(start: dt.date, until: dt.date) -> int:
    return until.year - start.year
