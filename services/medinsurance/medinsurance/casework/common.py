"""What the commands of every record family share: the audit trail, the institution a record belongs to (and the
caller's district), and the date checks of decisions."""

import datetime as dt
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.models import AuditRecord, Institution
from medinsurance.rules.basis import DOC, IN_FORCE_FROM
from medinsurance.rules.eligibility import InstitutionType
from qz_common.audit import AuditTrail
from qz_common.clock import today
from qz_common.db import ensure_visible, get_in_district, get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller

audit = AuditTrail(AuditRecord)

PHARMACIES = (InstitutionType.RETAIL_PHARMACY, InstitutionType.INTERNET_PHARMACY)


async def institution_for(
    session: AsyncSession, caller: Caller, institution_id: int, *, lock: bool = False, referenced: bool = False
) -> Institution:
    """The institution the path or (``referenced``) a body field ``institution_id`` names, if the caller may see it:
    another district's answers as an unused id (404, or 422 reference_not_found). ``lock`` serialises the commands
    that count its agreements."""
    return await get_in_district(
        session,
        caller,
        Institution,
        institution_id,
        "医药机构",
        field="institution_id",
        lock=lock,
        referenced=referenced,
    )


class _OfAnInstitution(Protocol):
    @property
    def institution_id(self) -> int: ...


OfInstitution = TypeVar("OfInstitution", bound=_OfAnInstitution)


async def of_institution(
    session: AsyncSession,
    caller: Caller,
    model: type[OfInstitution],
    record_id: int,
    label: str,
    *,
    field: str,
    lock: bool = False,
    referenced: bool = False,
) -> OfInstitution:
    """A record of an institution (an application, an agreement, an outage, a violation) that the path parameter or
    (``referenced``) the body field ``field`` names, if the caller may see its institution: another district's
    answers as an unused id would, naming the record, not its institution."""
    row = await get_or_404(session, model, record_id, label, field=field, lock=lock, referenced=referenced)
    inst = await get_or_404(session, Institution, row.institution_id, "医药机构", field=None)
    ensure_visible(caller, inst.district, label, field=field, referenced=referenced)
    return row


def is_pharmacy(inst: Institution) -> bool:
    """零售药店 (the 不予受理 list, the 五(三)3 items and 跨社区移址 differ from 医疗机构's)."""
    return inst.kind in PHARMACIES


def not_in_future(day: dt.date, field: str) -> None:
    """Decisions and evaluations are recorded after they are made: a date after today (衢州) is a typing error."""
    now = today()
    if day > now:
        raise ProblemError(422, "date_in_future", f"日期 {day} 晚于今天 {now}，决定须在作出后登记", field=field)


def not_before_the_rules(day: dt.date, field: str) -> None:
    """六(四) "本办法…自2023年2月18日起施行": an agreement or an outage dated earlier is not one under these rules."""
    if day < IN_FORCE_FROM:
        detail = f"日期 {day} 早于{DOC}施行之日 {IN_FORCE_FROM}（六(四)），不适用本办法"
        raise ProblemError(422, "before_rules_in_force", detail, field=field)
