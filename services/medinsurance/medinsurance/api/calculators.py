"""Calculators for the dated duties of 衢医保发〔2023〕8号 a caseworker or an institution looks up: 拨付 and
变更 deadlines in 工作日, 补办 of a card, 配药量, passwords, price excess, 不再续签 notice, 等级变化, the calendar."""

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path

from medinsurance.api.schemas.calculators import (
    DayOut,
    DeadlineIn,
    DeadlineOut,
    DispensingIn,
    DispensingOut,
    Duty,
    GradeChangeIn,
    GradeChangeOut,
    NonRenewalIn,
    NonRenewalOut,
    PasswordIn,
    PasswordOut,
    PriceIn,
    PriceOut,
)
from medinsurance.api.schemas.common import Day
from medinsurance.parameters import counted_in_force, in_force
from medinsurance.rules import agreements, conduct
from medinsurance.rules.basis import basis
from medinsurance.rules.workdays import WorkdayResult, day_kind
from qz_common.identity import Reader
from qz_common.params import ParameterSet
from qz_common.scenario import scenario_computation

router = APIRouter(prefix="/v1/calculators", tags=["calculators"])


DUTIES: dict[Duty, tuple[str, str, Callable[[dt.date, ParameterSet, ParameterSet], WorkdayResult]]] = {
    Duty.PAYMENT: ("agreement", "四(六)", agreements.payment_deadline),
    Duty.MAJOR_CHANGE: ("agreement", "附件1 一(一)", agreements.major_change_deadline),
    Duty.EMERGENCY_CARD: ("conduct", "附件2 二(十四)", conduct.emergency_card_deadline),
}


@router.post(
    "/deadline", summary="工作日期限：拨付（四(六)）、重大信息变更申请（附件1 一(一)）、补办医保凭证（附件2 二(十四)）"
)
async def deadline(body: DeadlineIn, _caller: Reader) -> DeadlineOut:
    book, clause, rule = DUTIES[body.duty]
    force, calendar = counted_in_force(book, body.start, body.parameters)
    with scenario_computation(body.parameters):
        result = rule(body.start, force.params, calendar)
    return DeadlineOut(
        deadline=result.date, provisional=result.provisional, basis=basis(clause), scenario=body.parameters
    )


@router.post("/dispensing", summary="单次配药量（附件2 二(五)）")
async def dispensing(body: DispensingIn, _caller: Reader) -> DispensingOut:
    with scenario_computation(body.parameters):
        check = conduct.check_dispensing(body.disease, body.days, in_force("conduct", body.on, body.parameters).params)
    return DispensingOut(allowed=check.ok, max_days=check.max_days, basis=check.basis, scenario=body.parameters)


@router.post("/password", summary="医保系统账号密码强度（附件2 一(一)3）")
async def password(body: PasswordIn, _caller: Reader) -> PasswordOut:
    with scenario_computation(body.parameters):
        check = conduct.check_password(body.password, in_force("conduct", body.on, body.parameters).params)
    return PasswordOut(
        strong_enough=check.ok, problems=list(check.problems), basis=check.basis, scenario=body.parameters
    )


@router.post("/price-excess", summary="高于药品支付价格的超额部分不予支付（附件2 二(六)）")
async def price_excess(body: PriceIn, _caller: Reader) -> PriceOut:
    split = conduct.price_split(body.unit_price, body.payment_standard, body.quantity)
    return PriceOut(payable=split.payable, unpaid_excess=split.unpaid_excess, basis=split.basis)


@router.post("/non-renewal-notice", summary="不再续签医保协议须提前3个月申请（附件1 一(三)3）")
async def non_renewal_notice(body: NonRenewalIn, _caller: Reader) -> NonRenewalOut:
    p = in_force("agreement", body.requested_on, body.parameters).params
    try:
        with scenario_computation(body.parameters):
            agreements.check_non_renewal_notice(body.requested_on, body.ends_on, p)
    except agreements.AgreementError as exc:
        return NonRenewalOut(in_time=False, detail=str(exc), basis=exc.basis, scenario=body.parameters)
    months = p.integer("voluntary_notice_months")
    detail = f"已提前{months}个月提出"
    return NonRenewalOut(in_time=True, detail=detail, basis=basis("附件1 一(三)3"), scenario=body.parameters)


@router.post("/grade-change", summary="医疗机构等级变化：备案、准备及新等级结算起始日（附件1 一(一)）")
async def grade_change(body: GradeChangeIn, _caller: Reader) -> GradeChangeOut:
    p = in_force("agreement", body.changed_on, body.parameters).params
    with scenario_computation(body.parameters):
        g = agreements.grade_change(body.changed_on, p, body.accepted_on)
    return GradeChangeOut(
        filing_deadline=g.filing_deadline,
        preparation_deadline=g.preparation_deadline,
        new_rates_from=g.new_rates_from,
        basis=g.basis,
        scenario=body.parameters,
    )


@router.get("/calendar/{day}", summary="工作日查询：是否工作日、是否暂定（未公布放假安排的年份）")
async def calendar_day(day: Annotated[Day, Path()], _caller: Reader) -> DayOut:
    kind = day_kind(day)
    return DayOut(day=day, working=kind.working, provisional=kind.provisional, source=kind.source)
