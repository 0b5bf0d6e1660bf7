"""Impact (issue 31): what a scenario's figures and readings are worth across a year's 创新券 兑付."""

from typing import Any

from fastapi import APIRouter

from qz_common.app import Session
from qz_common.identity import Reader
from qz_common.impact import ImpactOut
from qz_common.impact_export import IMPACT_FILES, ImpactFormat, impact_answer
from science.api.schemas.vouchers import VoucherImpactIn
from science.casework import impact

router = APIRouter(prefix="/v1/impact", tags=["impact"])


@router.post(
    "/voucher-redemptions",
    summary="影响测算：某年提交的创新券兑付申请按现行参数与情景参数各算一次，汇总差额（44号 三、一(三)、四(二)）",
    response_model=ImpactOut,
    responses=IMPACT_FILES,
)
async def voucher_redemptions(
    body: VoucherImpactIn, caller: Reader, session: Session, format: ImpactFormat = "json"
) -> Any:
    impact.check_scenario(body.year, body.parameters)
    result = await impact.year_impact(
        session, caller, body.year, body.district, body.parameters, largest=body.largest, bins=body.bins
    )
    return impact_answer(result, format, f"impact-vouchers-{body.year}")
