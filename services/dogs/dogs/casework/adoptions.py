"""四 领养: shelter dogs offered, applications queued strictly in submission order, decided in that order."""

from collections.abc import Mapping

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.casework.common import audit
from dogs.models import AdoptionApplication, Impoundment, ShelterDog
from dogs.rules.adoption import CHECKLIST, CLAUSE, QueuedApplication, earlier_open_applications, missing_checklist_items
from qz_common.db import ensure_visible, get_in_district, get_or_404, get_referenced, utcnow
from qz_common.errors import ProblemError
from qz_common.identity import Caller, ensure_district


async def offer(session: AsyncSession, caller: Caller, dog: ShelterDog) -> ShelterDog:
    """Offer ``dog`` (new, as the shelter described it) for adoption."""
    ensure_district(caller, dog.district)
    if dog.impoundment_id is not None:
        await get_referenced(session, caller, Impoundment, dog.impoundment_id, "扣押记录", field="impoundment_id")
    return await audit.add(session, caller, "offer", dog)


async def apply(
    session: AsyncSession, caller: Caller, dog_id: int, application: AdoptionApplication
) -> AdoptionApplication:
    """Queue ``application`` (new, as the applicant filed it) behind every earlier one for the dog."""
    # District first: another district's dog is a 404, as an unused id, whatever its state.
    dog = await get_in_district(session, caller, ShelterDog, dog_id, "犬只", field="dog_id")
    # The UPDATE takes the dog's row lock (PostgreSQL; SQLite serialises whole commands), so concurrent
    # applications are serialised: queue position and submission time follow one order.
    position = await session.scalar(
        update(ShelterDog)
        .where(ShelterDog.id == dog_id, ShelterDog.status == "available")
        .values(applications_received=ShelterDog.applications_received + 1)
        .returning(ShelterDog.applications_received)
    )
    if position is None:
        await session.refresh(dog)
        raise ProblemError(409, "dog_not_available", f"该犬只当前不可领养（{dog.status}）", field="dog_id")
    application.dog_id, application.queue_position, application.submitted_at = dog_id, position, utcnow()
    return await audit.add(session, caller, "apply", application)


async def application_and_dog(
    session: AsyncSession, caller: Caller, application_id: int, *, lock: bool = False
) -> tuple[AdoptionApplication, ShelterDog]:
    """The application the path names and its dog, if the caller may see the dog (404 for another district's, as for an
    unused id)."""
    application = await get_or_404(
        session, AdoptionApplication, application_id, "领养申请", field="application_id", lock=lock
    )
    dog = await get_or_404(session, ShelterDog, application.dog_id, "犬只", field=None, lock=lock)
    ensure_visible(caller, dog.district, "领养申请", field="application_id")
    return application, dog


async def approve(
    session: AsyncSession,
    caller: Caller,
    application_id: int,
    checklist: Mapping[str, bool],
    document_number: str | None,
) -> AdoptionApplication:
    """The dog goes to this applicant, once every condition is confirmed and every earlier application is closed;
    the later ones are closed."""
    application, dog = await application_and_dog(session, caller, application_id, lock=True)
    if application.status != "submitted" or dog.status != "available":
        raise ProblemError(409, "adoption_closed", "该申请已处理或犬只已被领养")
    missing = missing_checklist_items(checklist)
    if missing:
        raise ProblemError(
            422,
            "adoption_conditions_unmet",
            "以下领养条件尚未确认：" + "；".join(CHECKLIST[m] for m in missing),
            field="checklist",
            errors=[{"field": f"checklist.{m}", "code": "unconfirmed", "detail": CHECKLIST[m]} for m in missing],
        )
    queue = (await session.scalars(select(AdoptionApplication).where(AdoptionApplication.dog_id == dog.id))).all()
    earlier = earlier_open_applications(
        application.queue_position, [QueuedApplication(a.queue_position, a.status) for a in queue]
    )
    if earlier:
        raise ProblemError(
            409,
            "earlier_application_pending",
            f"按提交先后顺序，须先处理排序在前的申请（第 {'、'.join(map(str, earlier))} 位）",
            basis=CLAUSE,
        )
    now = utcnow()
    for other in queue:
        if other.id == application.id:
            async with audit.change(session, caller, "approved", other):
                other.status, other.checklist, other.decided_at = "approved", dict(checklist), now
                other.decision_document_number = document_number
        elif other.status == "submitted":
            async with audit.change(session, caller, "closed", other):
                other.status, other.decision_reasons, other.decided_at = "closed", ["犬只已由排序在前的申请人领养"], now
    async with audit.change(session, caller, "adopted", dog):
        dog.status = "adopted"
    return application


async def reject(
    session: AsyncSession, caller: Caller, application_id: int, reasons: list[str], document_number: str | None
) -> AdoptionApplication:
    """The application is refused, with the reasons the applicant is told; the next in the queue may be approved."""
    application, _dog = await application_and_dog(session, caller, application_id, lock=True)
    if application.status != "submitted":
        raise ProblemError(409, "adoption_closed", "该申请已处理")
    async with audit.change(session, caller, "rejected", application):
        application.status, application.decision_reasons, application.decided_at = "rejected", reasons, utcnow()
        application.decision_document_number = document_number
    return application
