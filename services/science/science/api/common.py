"""Wiring shared by the science routers: audit trail, idempotency, today's date in 衢州, lookups."""

import datetime as dt

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
from science.rules.credit import CreditKind, CreditRecord, CreditSubject
from science.rules.params import PolicyParams
from science.rules.policies_2023 import in_force
from science.rules.voucher_lifecycle import ApplicantKind, Problem

audit = AuditTrail(AuditRecord)
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


def not_in_force(exc: RuleNotInForce) -> ProblemError:
    return ProblemError(
        422,
        "rule_not_in_force",
        f"{exc.day.isoformat()} 无适用的规定版本（自 {exc.first_effective.isoformat()} 起施行）",
        field="on",
    )


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
