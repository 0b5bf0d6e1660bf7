"""六 免疫点 records: what the 免疫接种点 collected about one vaccination."""

from sqlalchemy.ext.asyncio import AsyncSession

from dogs.casework.common import audit, notice_on, refuse_future
from dogs.models import Vaccination
from dogs.rules.vaccination import immunisation_problems
from qz_common.clock import today
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district


async def record(session: AsyncSession, caller: Caller, vaccination: Vaccination) -> Vaccination:
    """Store ``vaccination`` (new, as the 免疫点 filed it) once its dates can be right."""
    ensure_district(caller, vaccination.district)
    refuse_future(vaccinated_on=vaccination.vaccinated_on, dog_born_on=vaccination.dog_born_on)
    day = today()
    problems = immunisation_problems(
        vaccination.vaccinated_on, vaccination.next_due_on, vaccination.dog_born_on, day, notice_on(day)
    )
    if problems:
        errors = [vars(problem) for problem in problems]
        detail = "；".join(problem.detail for problem in problems)
        raise ProblemError(422, "invalid_immunisation", detail, field=problems[0].field, errors=errors)
    return await audit.add(session, caller, "create", vaccination)
