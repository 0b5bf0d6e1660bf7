"""四 领养: shelter dogs offered, applications queued strictly in submission order."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select, update

from dogs.api.common import audit, cited, idempotent
from dogs.api.schemas import (
    AdoptionApplicationIn,
    AdoptionApplicationOut,
    ApproveAdoptionIn,
    RejectIn,
    ShelterDogIn,
    ShelterDogOut,
)
from dogs.models import AdoptionApplication, Impoundment, ShelterDog
from dogs.rules.adoption import CHECKLIST, CLAUSE, QueuedApplication, earlier_open_applications, missing_checklist_items
from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.db import get_or_404, utcnow
from qz_common.districts import District
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, ensure_district, scoped_district
from qz_common.ids import IdNumber
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["adoptions"])

_SHELTER_DOGS = PagedSelect(
    select(ShelterDog).order_by(ShelterDog.id),
    status=ShelterDog.status,
    district=ShelterDog.district,
)
_ADOPTION_APPLICATIONS = PagedSelect(
    select(AdoptionApplication).order_by(AdoptionApplication.dog_id, AdoptionApplication.queue_position),
    dog_id=AdoptionApplication.dog_id,
    applicant_id_number=AdoptionApplication.applicant_id_number,
    district=lambda stmt, value: stmt.join(ShelterDog).where(ShelterDog.district == value),
)


@router.post("/shelter-dogs", status_code=201, summary="收容犬只开放领养", response_model=ShelterDogOut)
async def offer_dog(
    body: ShelterDogIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    ensure_district(caller, body.district)

    async def create() -> ShelterDogOut:
        await cited(
            session, caller, Impoundment, body.impoundment_id, field="impoundment_id", label="扣押记录", required=True
        )
        dog = ShelterDog(**body.model_dump())
        session.add(dog)
        await session.flush()
        audit.record(session, caller, "offer", dog)
        return ShelterDogOut.model_validate(dog)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/shelter-dogs", summary="可领养犬只列表")
async def list_dogs(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    status: Annotated[Literal["available", "adopted"] | None, Query()] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[ShelterDogOut]:
    return await _SHELTER_DOGS.fetch(
        engine, paging, ShelterDogOut.model_validate, status=status, district=scoped_district(caller, district)
    )


@router.post(
    "/shelter-dogs/{dog_id}/applications",
    status_code=201,
    summary="提交领养申请（按提交先后排序）",
    response_model=AdoptionApplicationOut,
)
async def apply_for_adoption(
    dog_id: int,
    body: AdoptionApplicationIn,
    caller: Writer,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def create() -> AdoptionApplicationOut:
        # District first: another district's dog is a 403 whatever its state.
        dog = await get_or_404(session, ShelterDog, dog_id, "犬只", field="dog_id")
        ensure_district(caller, dog.district, field="dog_id")
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
        application = AdoptionApplication(
            dog_id=dog_id, queue_position=position, submitted_at=utcnow(), **body.model_dump()
        )
        session.add(application)
        await session.flush()
        audit.record(session, caller, "apply", application)
        return AdoptionApplicationOut.model_validate(application)

    async with session.begin():
        return await idempotent.create(
            session, caller, idempotency_key, {"dog_id": dog_id, **body.model_dump(mode="json")}, create
        )


@router.get("/adoption-applications", summary="领养申请列表")
async def list_applications(
    caller: Reader,
    engine: Engine,
    paging: Paging,
    dog_id: int | None = None,
    applicant_id_number: Annotated[IdNumber | None, Query()] = None,
    district: Annotated[District | None, Query()] = None,
) -> Page[AdoptionApplicationOut]:
    return await _ADOPTION_APPLICATIONS.fetch(
        engine,
        paging,
        AdoptionApplicationOut.model_validate,
        dog_id=dog_id,
        applicant_id_number=applicant_id_number,
        district=scoped_district(caller, district),
    )


@router.post("/adoption-applications/{application_id}/approve", summary="审核通过领养（须逐项确认条件）")
async def approve_adoption(
    application_id: int, body: ApproveAdoptionIn, caller: Writer, session: Session
) -> AdoptionApplicationOut:
    async with session.begin():
        application = await session.get(AdoptionApplication, application_id, with_for_update=True)
        if application is None:
            raise ProblemError(404, "not_found", "领养申请不存在", field="application_id")
        dog = await session.get(ShelterDog, application.dog_id, with_for_update=True)
        assert dog is not None
        ensure_district(caller, dog.district)
        if application.status != "submitted" or dog.status != "available":
            raise ProblemError(409, "adoption_closed", "该申请已处理或犬只已被领养")
        missing = missing_checklist_items(dict(body.checklist))
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
            before = snapshot(other)
            if other.id == application.id:
                other.status, other.checklist, other.decided_at = "approved", dict(body.checklist), now
            elif other.status == "submitted":
                other.status, other.decision_reasons, other.decided_at = "closed", ["犬只已由排序在前的申请人领养"], now
            else:
                continue
            await session.flush()
            audit.record(session, caller, other.status, other, before=before)
        before = snapshot(dog)
        dog.status = "adopted"
        await session.flush()
        audit.record(session, caller, "adopted", dog, before=before)
        return AdoptionApplicationOut.model_validate(application)


@router.post("/adoption-applications/{application_id}/reject", summary="领养申请不予通过")
async def reject_adoption(
    application_id: int, body: RejectIn, caller: Writer, session: Session
) -> AdoptionApplicationOut:
    async with session.begin():
        application = await session.get(AdoptionApplication, application_id, with_for_update=True)
        if application is None:
            raise ProblemError(404, "not_found", "领养申请不存在", field="application_id")
        dog = await get_or_404(session, ShelterDog, application.dog_id, "犬只", field=None)
        ensure_district(caller, dog.district)
        if application.status != "submitted":
            raise ProblemError(409, "adoption_closed", "该申请已处理")
        before = snapshot(application)
        application.status, application.decision_reasons, application.decided_at = "rejected", body.reasons, utcnow()
        await session.flush()
        audit.record(session, caller, "rejected", application, before=before)
        return AdoptionApplicationOut.model_validate(application)
