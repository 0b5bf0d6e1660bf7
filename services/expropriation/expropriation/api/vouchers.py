"""房票 issued under an agreement (衢政发〔2023〕2号 三(三)2): issue, use, convert."""

from fastapi import APIRouter

from expropriation.api.common import PathId, commands
from expropriation.api.schemas.vouchers import (
    VoucherConvertIn,
    VoucherIssueIn,
    VoucherOut,
    VoucherUseIn,
    VoucherWhatIfIn,
    VoucherWhatIfOut,
)
from expropriation.casework import vouchers
from qz_common.app import Session
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer

router = APIRouter(prefix="/v1", tags=["vouchers"])


@router.post(
    "/agreements/{agreement_id}/voucher",
    status_code=201,
    response_model=VoucherOut,
    summary="出具房票（三(三)2，有效期最长24个月）",
)
async def issue_voucher(
    agreement_id: PathId, body: VoucherIssueIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> VoucherOut:
        return VoucherOut.model_validate(await vouchers.issue(session, caller, agreement_id, body.issued_on))

    return await commands.run(session, caller, work, request=(agreement_id, body), key=idempotency_key, status_code=201)


@router.get("/vouchers/{voucher_id}", summary="房票")
async def get_voucher(voucher_id: PathId, caller: Reader, session: Session) -> VoucherOut:
    return VoucherOut.model_validate(await vouchers.voucher_of(session, caller, voucher_id))


@router.post("/vouchers/{voucher_id}/use", summary="使用房票购买商品房（三(三)2(1)(4)）")
async def use_voucher(
    voucher_id: PathId, body: VoucherUseIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> VoucherOut:
        record = await vouchers.use(session, caller, voucher_id, body.used_on, body.purchase_price, body.reference)
        return VoucherOut.model_validate(record)

    return await commands.run(session, caller, work, request=(voucher_id, body), key=idempotency_key)


@router.post("/vouchers/{voucher_id}/convert", summary="房票剩余价值调整为货币补偿（三(三)2(4)）")
async def convert_voucher(
    voucher_id: PathId, body: VoucherConvertIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def work() -> VoucherOut:
        return VoucherOut.model_validate(await vouchers.convert(session, caller, voucher_id, body.converted_on))

    return await commands.run(session, caller, work, request=(voucher_id, body), key=idempotency_key)


@router.post(
    "/vouchers/{voucher_id}/what-if",
    summary="房票有效期的情景测算（三(三)2(2)）：按情景参数（含理解切换 A-13）的最后一日及某日可否使用；不改变房票",
)
async def voucher_what_if(
    voucher_id: PathId, body: VoucherWhatIfIn, caller: Reader, session: Session
) -> VoucherWhatIfOut:
    validity = await vouchers.validity_what_if(session, caller, voucher_id, body.on, body.parameters)
    return VoucherWhatIfOut.of(validity, body.parameters)
