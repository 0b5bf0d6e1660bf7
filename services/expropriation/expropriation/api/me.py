"""What a household member does through 浙里办 (/v1/me): compare the four 安置方式, declare the one chosen, read the
agreement with its payments and 房票, ask for a 复核 of the quote, and see what is due. The person is only the
signed-in one: a household they are not a member of answers as an unused id; the commands are the caseworker's own
casework, audited with the citizen as actor."""

from fastapi import APIRouter

from expropriation.api.common import PathId, commands
from expropriation.api.schemas.me import ChoiceOut, MethodChoiceIn, MyAgreementOut, MyComparisonOut
from expropriation.api.schemas.objections import ObjectionIn, ObjectionOut
from expropriation.casework import choices, citizens, objections, quotes
from expropriation.casework.projects import household_of
from qz_common.app import Session
from qz_common.clock import today
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Citizen
from qz_common.notices import AsOf, Notice, counted_from

router = APIRouter(prefix="/v1/me", tags=["citizens"])


def _me(citizen: Citizen) -> str:
    assert citizen.citizen_id is not None  # Citizen admits only a signed-in person
    return citizen.citizen_id


@router.get("/households/{household_id}/compare", summary="本户四种安置方式对比测算（浙里办，三(三)）")
async def my_comparison(household_id: PathId, citizen: Citizen, session: Session) -> MyComparisonOut:
    outcomes = await quotes.household_comparison(session, citizen, household_id)
    household, _project = await household_of(session, citizen, household_id)
    return MyComparisonOut.of(household, outcomes, _me(citizen))


@router.post(
    "/households/{household_id}/method-choice",
    response_model=ChoiceOut,
    summary="申报本户选择的安置方式（浙里办；待征收实施单位确认，不代替签约）",
)
async def declare_method(
    household_id: PathId,
    body: MethodChoiceIn,
    citizen: Citizen,
    session: Session,
    idempotency_key: IdempotencyKey = None,
) -> object:
    async def work() -> ChoiceOut:
        return ChoiceOut.model_validate(await choices.declare(session, citizen, household_id, body.method, today()))

    return await commands.run(session, citizen, work, request=(household_id, body), key=idempotency_key)


@router.get("/households/{household_id}/agreement", summary="本户补偿安置协议、每笔支付与房票（浙里办）")
async def my_agreement(household_id: PathId, citizen: Citizen, session: Session) -> MyAgreementOut:
    return MyAgreementOut.of(await citizens.agreement_of_household(session, citizen, household_id), _me(citizen))


@router.post(
    "/households/{household_id}/objections",
    status_code=201,
    response_model=ObjectionOut,
    summary="对本户测算申请复核（浙里办）",
)
async def file_objection(
    household_id: PathId, body: ObjectionIn, citizen: Citizen, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> ObjectionOut:
        record = await objections.file(
            session, citizen, household_id, body.method, body.item_codes, body.grounds, today()
        )
        return ObjectionOut.model_validate(record)

    return await commands.run(
        session, citizen, work, request=(household_id, body), key=idempotency_key, status_code=201
    )


@router.get("/households/{household_id}/objections", summary="本户的复核申请及答复（浙里办）")
async def my_objections(household_id: PathId, citizen: Citizen, session: Session) -> list[ObjectionOut]:
    return [ObjectionOut.model_validate(o) for o in await objections.of_household(session, citizen, household_id)]


@router.get("/notices", summary="本人待办期限：签约期限、交房期限、房票有效期、复核答复（浙里办）")
async def my_notices(
    citizen: Citizen,
    session: Session,
    as_of: AsOf = None,
) -> list[Notice]:
    return await citizens.notices_of_member(session, _me(citizen), counted_from(as_of))
