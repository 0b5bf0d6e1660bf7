"""Wiring shared by the science routers: the command runner, path ids, holder identifiers."""

from typing import Annotated

from fastapi import Path
from pydantic_core import PydanticCustomError

from qz_common.errors import ProblemError
from qz_common.idempotency import Commands
from qz_common.ids import validate_id_number, validate_uscc
from science.models import IdempotencyKey
from science.rules.credit import CreditSubject
from science.rules.voucher_lifecycle import ApplicantKind

commands = Commands(IdempotencyKey)
# A record's id in a path, as the database stores it (BIGINT): larger numbers name nothing (422, not a 5xx).
PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]


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
