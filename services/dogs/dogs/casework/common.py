"""What the dogs commands share: the audit trail, dates of past events, the dog's class."""

import datetime as dt
from decimal import Decimal

from dogs.models import AuditRecord
from dogs.parameters import breeds_book, notice_book
from dogs.rules.classification import BreedCatalogue, Classification, classify
from dogs.rules.notice import resolve
from qz_common.audit import AuditTrail
from qz_common.clock import in_quzhou, today
from qz_common.db import no_such_record
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.params import ParameterSet

audit = AuditTrail(AuditRecord)


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


def notice_on(day: dt.date) -> ParameterSet:
    """The notice's figures in force on ``day`` (the first version before it took effect, D-15)."""
    return resolve(notice_book(), day).params


def classify_on(day: dt.date, breed: str, shoulder_height_cm: Decimal, body_length_cm: Decimal) -> Classification:
    """一: whether the dog is large or fierce under the standard and the list in force on ``day``."""
    return classify(
        breed,
        shoulder_height_cm,
        body_length_cm,
        notice_on(day),
        BreedCatalogue.from_params(resolve(breeds_book(), day).params),
    )


def ensure_own(
    caller: Caller, holder_id_number: str | None, label: str, *, field: str, referenced: bool = False
) -> None:
    """A 浙里办 person reaches only the records naming them, as a district's client only its district's: another
    person's record, or one naming nobody, answers as an unused id (404 in a path, 422 in a body). Staff pass."""
    if caller.citizen_id is not None and (holder_id_number or "").upper() != caller.citizen_id.upper():
        raise no_such_record(label, field, referenced=referenced)
