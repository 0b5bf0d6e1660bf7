"""What the commands of every record family share: the audit trail, the institution a record belongs to (and the
caller's district), and the date checks of decisions."""

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.models import AuditRecord, Institution
from medinsurance.rules.eligibility import InstitutionType
from qz_common.audit import AuditTrail
from qz_common.clock import today
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district

audit = AuditTrail(AuditRecord)

PHARMACIES = (InstitutionType.RETAIL_PHARMACY, InstitutionType.INTERNET_PHARMACY)


async def institution_for(
    session: AsyncSession,
    caller: Caller,
    institution_id: int,
    *,
    field: str | None = "institution_id",
    lock: bool = False,
) -> Institution:
    """The institution, if the caller's district may see it (404, else 403). ``field`` names the request field that
    cited it, None when the institution was reached through another stored record; ``lock`` serialises the
    commands that count its agreements."""
    inst = await get_or_404(session, Institution, institution_id, "医药机构", field=field, lock=lock)
    ensure_district(caller, inst.district)
    return inst


def is_pharmacy(inst: Institution) -> bool:
    """零售药店 (the 不予受理 list, the 五(三)3 items and 跨社区移址 differ from 医疗机构's)."""
    return inst.kind in PHARMACIES


def not_in_future(day: dt.date, field: str) -> None:
    """Decisions and evaluations are recorded after they are made: a date after today (衢州) is a typing error."""
    now = today()
    if day > now:
        raise ProblemError(422, "date_in_future", f"日期 {day} 晚于今天 {now}，决定须在作出后登记", field=field)
