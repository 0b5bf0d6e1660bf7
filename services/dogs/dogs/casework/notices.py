"""What is due for a 浙里办 person in this service (GET /v1/me/notices, D-28), computed from the records when asked
(no store of its own): the day each registration's 免疫证明 stops covering, the materials a waiting application must
supply, the last day to claim an impounded dog."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dogs.casework.impoundments import claim_by, of_person
from dogs.casework.registrations import materials_now
from dogs.models import Registration
from dogs.rules.capture import CLAIM_BASIS
from dogs.rules.registration import CLAUSE
from dogs.rules.vaccination import INTERVAL_BASIS
from qz_common.identity import Caller
from qz_common.notices import Notice, due_first

# Where the person acts: the gateway's path of the /v1/me operation.
ME = "/api/v1/me/dogs"


async def due_for(session: AsyncSession, citizen: Caller, max_photo_bytes: int, day: date) -> list[Notice]:
    """The person's deadlines in this service as they stand on ``day``, earliest first (``due_first``)."""
    assert citizen.citizen_id is not None
    notices: list[Notice] = []
    registrations = await session.scalars(
        select(Registration)
        .where(Registration.owner_id_number_lookup == citizen.citizen_id, Registration.status != "rejected")
        .order_by(Registration.id)
    )
    for record in registrations.all():
        shown = (
            f"（登记号 {record.registration_number}）" if record.registration_number else f"申请（编号 {record.id}）"
        )
        now = await materials_now(session, citizen, record.id, max_photo_bytes, day)
        if record.status == "submitted" and now.problems:
            notices.append(
                Notice(
                    due_on=day,  # the text sets the applicant no date: what is missing is to supply now
                    kind="dogs.materials_to_supply",
                    title=f"养犬登记{shown}须补正：" + "；".join(p.detail for p in now.problems),
                    basis="；".join(dict.fromkeys(p.basis for p in now.problems)),
                    act_at=f"{ME}/registrations/{record.id}/materials",
                    record=f"registrations/{record.id}",
                    overdue=False,
                )
            )
        if (until := now.renewal_due) is None:  # no term of its own (D-24's other reading): nothing falls due
            continue
        notices.append(
            Notice(
                due_on=until,
                kind="dogs.vaccination_due",
                title=f"养犬登记{shown}所附狂犬病免疫证明有效至 {until}：请按时加强免疫，并凭新的免疫记录办理续期",
                basis=f"{CLAUSE}3；{INTERVAL_BASIS}",
                act_at=f"{ME}/registrations/{record.id}/renewal",
                record=f"registrations/{record.id}",
                overdue=until < day,
            )
        )
    for impoundment in await of_person(session, citizen.citizen_id):
        deadline = claim_by(impoundment)
        notices.append(
            Notice(
                due_on=deadline,
                kind="dogs.impoundment_claim",
                title=f"犬只（{impoundment.breed}）已移交{impoundment.shelter}，请于 {deadline} 前携带身份证明认领",
                basis=CLAIM_BASIS,
                act_at=impoundment.shelter,
                record=f"impoundments/{impoundment.id}",
                overdue=deadline < day,
            )
        )
    return due_first(notices)
