"""What the dogs commands share: the audit trail, records cited by id, dates of past events, the dog's class."""

import datetime as dt
from decimal import Decimal
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from dogs.models import AuditRecord
from dogs.parameters import breeds_book, notice_book
from dogs.rules.classification import BreedCatalogue, Classification, classify
from dogs.rules.notice import resolve
from qz_common.audit import AuditTrail
from qz_common.clock import in_quzhou, today
from qz_common.errors import ProblemError
from qz_common.identity import Caller

audit = AuditTrail(AuditRecord)


class _InADistrict(Protocol):
    @property
    def district(self) -> str: ...


Cited = TypeVar("Cited", bound=_InADistrict)


async def cited(
    session: AsyncSession,
    caller: Caller,
    model: type[Cited],
    record_id: int | None,
    *,
    field: str,
    label: str,
    required: bool = False,
) -> Cited | None:
    """The record a request refers to by id (a registration's 免疫记录, an impoundment's 养犬登记, …).

    A district-bound client may cite only its own district's records, and any other id, another district's record
    or none at all, gets the same 403: the answer tells nothing about what lies outside its district, neither that
    a record exists nor whom it names. Other clients get None for an unknown id, or a 422 when it is ``required``.
    """
    if record_id is None:
        return None
    record = await session.get(model, record_id)
    if caller.district is not None and (record is None or record.district != caller.district):
        raise ProblemError(
            403, "district_forbidden", f"该客户端仅限{caller.district}：所引用的{label}不在本辖区", field=field
        )
    if record is None and required:
        raise ProblemError(422, "reference_not_found", f"所引用的{label}不存在", field=field)
    return record


def refuse_future(**moments: dt.date | dt.datetime | None) -> None:
    """422 naming every date of a past event (a vaccination, a capture) that is after today in 衢州."""
    day = today()
    late = [
        field
        for field, moment in moments.items()
        if moment is not None and (in_quzhou(moment).date() if isinstance(moment, dt.datetime) else moment) > day
    ]
    if late:
        errors = [{"field": f, "code": "date_in_future", "detail": f"不能晚于今天（{day}）"} for f in late]
        raise ProblemError(422, "date_in_future", f"{late[0]} 不能晚于今天（{day}）", field=late[0], errors=errors)


def classify_on(day: dt.date, breed: str, shoulder_height_cm: Decimal, body_length_cm: Decimal) -> Classification:
    """一: whether the dog is large or fierce under the standard and the list in force on ``day``."""
    return classify(
        breed,
        shoulder_height_cm,
        body_length_cm,
        resolve(notice_book(), day).params,
        BreedCatalogue.from_params(resolve(breeds_book(), day).params),
    )
