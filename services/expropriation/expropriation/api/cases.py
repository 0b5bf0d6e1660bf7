"""Agreements (with the parameter versions used, so a re-quote reproduces them), hand-over, disputes on the 二(四)
path to 提存, payments and 四(一) clawbacks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.api.common import PathId, audit, checked, idempotent, load_params, load_params_version
from expropriation.api.schemas import (
    AgreementIn,
    AgreementOut,
    ClawbackIn,
    ClawbackOut,
    DisputeIn,
    DisputeOut,
    DisputeStepIn,
    HandoverIn,
    PaymentIn,
    PaymentOut,
    QuoteOut,
    QuoteRequest,
)
from expropriation.casework import facts_of, project_records, quote_input
from expropriation.models import Agreement, Clawback, Dispute, Household, HouseVoucher, Payment, Project
from expropriation.rules.clawback import clawback
from expropriation.rules.declarations import DisputeState, advance_dispute, may_take_house
from expropriation.rules.quote import quote
from expropriation.rules.types import QuoteInput, RuleError, basis
from qz_common.app import Session
from qz_common.audit import jsonable, snapshot
from qz_common.db import get_or_404
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Caller, Reader, Writer, ensure_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["cases"])

_PAYMENTS = PagedSelect(
    select(Payment).order_by(Payment.id),
    agreement_id=Payment.agreement_id,
)
_CLAWBACKS = PagedSelect(
    select(Clawback).order_by(Clawback.id),
    agreement_id=Clawback.agreement_id,
)


def request_of(inp: QuoteInput) -> dict[str, Any]:
    """The QuoteInput as a quote-request document (stored on the agreement; re-validated on re-quote)."""
    return dict(jsonable(dataclasses.asdict(inp)))


def requote(agreement: Agreement, request: dict[str, Any] | None = None) -> QuoteOut:
    body = QuoteRequest.model_validate(agreement.facts if request is None else request)
    params = load_params_version(
        agreement.district, agreement.city_parameter_version, agreement.district_parameter_version
    )
    inp = body.to_rules()
    return QuoteOut.of(checked(lambda: quote(inp, params)))


def agreement_out(a: Agreement) -> AgreementOut:
    return AgreementOut.model_validate(a)


async def _open_dispute(session: AsyncSession, household_id: int) -> Dispute | None:
    return await session.scalar(
        select(Dispute).where(
            Dispute.household_id == household_id,
            Dispute.state.not_in([DisputeState.DEPOSITED.value, DisputeState.RESOLVED.value]),
        )
    )


@router.post("/agreements", status_code=201, response_model=AgreementOut, summary="签订补偿安置协议")
async def sign_agreement(
    body: AgreementIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> AgreementOut:
        household = await get_or_404(session, Household, body.household_id, "被征收户", lock=True, field="household_id")
        ensure_district(caller, household.district, field="household_id")
        project = await get_or_404(session, Project, household.project_id, "征收项目", field=None)
        if body.signed_on < project.pre_announcement_date:
            raise ProblemError(422, "signed_before_announcement", "签约日早于征收土地预公告", field="signed_on")
        if body.handed_over_on is not None and body.handed_over_on < body.signed_on:
            raise ProblemError(422, "handover_before_signing", "交房日早于签约日", field="handed_over_on")
        if await session.scalar(select(Agreement.id).where(Agreement.household_id == household.id)) is not None:
            raise ProblemError(409, "agreement_exists", "本户已签订协议")
        if await _open_dispute(session, household.id) is not None:
            raise ProblemError(409, "dispute_open", "本户存在未结的产权争议，应按二(四)程序办理", basis=basis("二(四)"))
        params = load_params(project.district, project.valuation_date)
        facts = facts_of(household)
        record = Agreement(
            household_id=household.id,
            project_id=project.id,
            district=project.district,
            method=body.method.value,
            signed_on=body.signed_on,
            handed_over_on=body.handed_over_on,
            city_parameter_version=params.city.version,
            district_parameter_version=params.district.version,
            facts={},
            quote={},
            total=Decimal("0"),
            member_id_numbers=[m.id_number for m in facts.members],
            building_owner_usccs=sorted({b.owner_uscc for b in facts.buildings if b.owner_uscc}),
        )
        session.add(record)
        await session.flush()
        _h, _a, villages, assignment = await project_records(session, project)
        inp = checked(
            lambda: quote_input(
                project,
                household,
                method=body.method,
                agreement=record,
                village_all_signed=villages.get(household.natural_village, False),
                assignment=assignment,
                facts=facts,
            )
        )
        q = checked(lambda: quote(inp, params), "")
        out = QuoteOut.of(q)
        record.facts = request_of(inp)
        record.quote = out.model_dump(mode="json")
        record.total = q.total
        await session.flush()
        audit.record(session, caller, "sign", record)
        return agreement_out(record)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/agreements/{agreement_id}", summary="补偿安置协议")
async def get_agreement(agreement_id: PathId, caller: Reader, session: Session) -> AgreementOut:
    record = await get_or_404(session, Agreement, agreement_id, "协议", field="agreement_id")
    ensure_district(caller, record.district)
    return agreement_out(record)


@router.get("/agreements/{agreement_id}/requote", summary="按协议所存参数版本重算（应与签约时一致）")
async def requote_agreement(agreement_id: PathId, caller: Reader, session: Session) -> QuoteOut:
    record = await get_or_404(session, Agreement, agreement_id, "协议", field="agreement_id")
    ensure_district(caller, record.district)
    return requote(record)


@router.post("/agreements/{agreement_id}/handover", summary="登记腾空交付房屋")
async def hand_over(agreement_id: PathId, body: HandoverIn, caller: Writer, session: Session) -> AgreementOut:
    async with session.begin():
        record = await get_or_404(session, Agreement, agreement_id, "协议", lock=True, field="agreement_id")
        ensure_district(caller, record.district)
        if record.handed_over_on is not None:
            raise ProblemError(409, "already_handed_over", f"已于 {record.handed_over_on} 交付")
        if body.handed_over_on < record.signed_on:
            raise ProblemError(422, "handover_before_signing", "交房日早于签约日", field="handed_over_on")
        before = snapshot(record)
        record.handed_over_on = body.handed_over_on
        await session.flush()
        audit.record(session, caller, "hand_over", record, before=before)
        return agreement_out(record)


# --- disputes (二(四)) -----------------------------------------------------------------------------------------------


def dispute_out(d: Dispute) -> DisputeOut:
    return DisputeOut(
        id=d.id,
        household_id=d.household_id,
        ground=d.ground,
        state=d.state,
        detail=d.detail,
        history=d.history,
        deposit_amount=d.deposit_amount,
        may_take_house=may_take_house(DisputeState(d.state)),
        basis=basis("二(四)"),
        created_at=d.created_at,
    )


@router.post("/disputes", status_code=201, response_model=DisputeOut, summary="登记产权争议（二(四)）")
async def open_dispute(
    body: DisputeIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> DisputeOut:
        household = await get_or_404(session, Household, body.household_id, "被征收户", lock=True, field="household_id")
        ensure_district(caller, household.district, field="household_id")
        if await _open_dispute(session, household.id) is not None:
            raise ProblemError(409, "dispute_open", "本户已有未结的产权争议")
        if await session.scalar(select(Agreement.id).where(Agreement.household_id == household.id)) is not None:
            raise ProblemError(409, "agreement_exists", "本户已签订协议")
        record = Dispute(
            household_id=household.id,
            district=household.district,
            ground=body.ground,
            state=DisputeState.OPENED.value,
            detail=body.detail,
            history=[],
        )
        session.add(record)
        await session.flush()
        audit.record(session, caller, "open", record)
        return dispute_out(record)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.post("/disputes/{dispute_id}/steps", summary="争议程序推进：方案→证据保全→补偿决定→提存")
async def dispute_step(dispute_id: PathId, body: DisputeStepIn, caller: Writer, session: Session) -> DisputeOut:
    async with session.begin():
        record = await get_or_404(session, Dispute, dispute_id, "争议", lock=True, field="dispute_id")
        ensure_district(caller, record.district)
        try:
            advance_dispute(DisputeState(record.state), DisputeState(body.state))
        except RuleError as e:
            raise ProblemError(409, "dispute_step_out_of_order", e.message, field="state", basis=e.basis) from None
        if record.history and body.on < dt.date.fromisoformat(record.history[-1]["on"]):
            raise ProblemError(422, "step_before_previous", "程序日期早于上一步", field="on")
        if body.state == DisputeState.DEPOSITED.value:
            if body.deposit_amount is None or body.deposit_amount <= 0:
                raise ProblemError(
                    422, "deposit_amount_missing", "提存须写明提存金额", field="deposit_amount", basis=basis("二(四)")
                )
            record.deposit_amount = body.deposit_amount
        before = snapshot(record)
        record.state = body.state
        record.history = [
            *record.history,
            {"state": body.state, "on": body.on.isoformat(), "reference": body.reference},
        ]
        await session.flush()
        audit.record(session, caller, f"step:{body.state}", record, before=before)
        return dispute_out(record)


@router.get("/disputes/{dispute_id}", summary="产权争议")
async def get_dispute(dispute_id: PathId, caller: Reader, session: Session) -> DisputeOut:
    record = await get_or_404(session, Dispute, dispute_id, "争议", field="dispute_id")
    ensure_district(caller, record.district)
    return dispute_out(record)


# --- payments and clawbacks ----------------------------------------------------------------------------------------


async def _paid(session: AsyncSession, agreement_id: int) -> dict[str, Decimal]:
    rows = await session.execute(
        select(Payment.item_code, func.sum(Payment.amount))
        .where(Payment.agreement_id == agreement_id)
        .group_by(Payment.item_code)
    )
    return {code: Decimal(total) for code, total in rows.all()}


def _agreement_items(a: Agreement) -> dict[str, Decimal]:
    return {i["code"]: Decimal(i["amount"]) for i in a.quote.get("items", [])}


async def _village_reward_due(session: AsyncSession, agreement: Agreement) -> Decimal:
    """三(四)8: the village completion reward falls due once the project's records show every household of the
    natural village signed and handed over in time — usually after this agreement was signed; it is computed with
    the agreement's stored facts and parameter versions."""
    project = await get_or_404(session, Project, agreement.project_id, "征收项目", field=None)
    household = await get_or_404(session, Household, agreement.household_id, "被征收户", field=None)
    _h, _a, villages, _assignment = await project_records(session, project)
    if not villages.get(household.natural_village, False):
        return Decimal("0")
    due = requote(agreement, {**agreement.facts, "village_all_signed": True})
    return sum((i.amount for i in due.items if i.code == "village_completion_reward"), Decimal("0"))


async def _voucher_conversion_due(session: AsyncSession, agreement: Agreement) -> Decimal:
    """三(三)2(4): the unused value of the agreement's 房票, once converted to money, is payable with the remainder the
    agreement itself may already carry (A-39)."""
    cash = await session.scalar(select(HouseVoucher.conversion_cash).where(HouseVoucher.agreement_id == agreement.id))
    return cash if cash is not None else Decimal("0")


@router.post("/payments", status_code=201, response_model=PaymentOut, summary="登记支付")
async def record_payment(
    body: PaymentIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> PaymentOut:
        agreement = await get_or_404(session, Agreement, body.agreement_id, "协议", lock=True, field="agreement_id")
        ensure_district(caller, agreement.district, field="agreement_id")
        if body.paid_on < agreement.signed_on:
            raise ProblemError(422, "paid_before_signing", "支付日早于协议签订日", field="paid_on")
        items = _agreement_items(agreement)
        if body.item_code == "village_completion_reward":
            items[body.item_code] = await _village_reward_due(session, agreement)
        if body.item_code == "voucher_remainder_cash":
            items[body.item_code] = items.get(body.item_code, Decimal("0")) + await _voucher_conversion_due(
                session, agreement
            )
        if items.get(body.item_code, Decimal("0")) <= 0:
            raise ProblemError(422, "item_not_payable", f"协议中没有应付项目 {body.item_code}", field="item_code")
        paid = (await _paid(session, agreement.id)).get(body.item_code, Decimal("0"))
        if paid + body.amount > items[body.item_code]:
            raise ProblemError(
                422,
                "overpayment",
                f"{body.item_code} 应付 {items[body.item_code]}，已付 {paid}，本次 {body.amount} 超出",
                field="amount",
            )
        record = Payment(**body.model_dump(), district=agreement.district)
        session.add(record)
        await session.flush()
        audit.record(session, caller, "pay", record)
        return PaymentOut.model_validate(record)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/agreements/{agreement_id}/payments", summary="协议的支付记录")
async def list_payments(agreement_id: PathId, caller: Reader, session: Session, paging: Paging) -> Page[PaymentOut]:
    agreement = await get_or_404(session, Agreement, agreement_id, "协议", field="agreement_id")
    ensure_district(caller, agreement.district)
    return await _PAYMENTS.fetch(session, paging, PaymentOut.model_validate, agreement_id=agreement_id)


def clawback_out(c: Clawback) -> ClawbackOut:
    return ClawbackOut.model_validate(c)


@router.post("/clawbacks", status_code=201, response_model=ClawbackOut, summary="弄虚作假骗取补偿的收回（四(一)）")
async def record_clawback(
    body: ClawbackIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    async def create() -> ClawbackOut:
        agreement = await get_or_404(session, Agreement, body.agreement_id, "协议", lock=True, field="agreement_id")
        ensure_district(caller, agreement.district, field="agreement_id")
        if body.found_on < agreement.signed_on:
            raise ProblemError(422, "found_before_signing", "查实日早于协议签订日", field="found_on")
        # only what the finding corrects overrides the facts stored at signing
        corrected = {**agreement.facts, **body.corrected.model_dump(mode="json", exclude_unset=True)}
        corrected["agreement_signed_on"] = agreement.signed_on.isoformat()
        entitled = requote(agreement, corrected)
        result = clawback(await _paid(session, agreement.id), {i.code: i.amount for i in entitled.items})
        record = Clawback(
            agreement_id=agreement.id,
            district=agreement.district,
            found_on=body.found_on,
            reason=body.reason,
            amount=result.amount,
            by_item={k: str(v) for k, v in result.by_item.items()},
            basis=result.basis,
        )
        session.add(record)
        await session.flush()
        audit.record(session, caller, "clawback", record)
        return clawback_out(record)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/agreements/{agreement_id}/clawbacks", summary="协议的收回记录")
async def list_clawbacks(agreement_id: PathId, caller: Reader, session: Session, paging: Paging) -> Page[ClawbackOut]:
    agreement = await get_or_404(session, Agreement, agreement_id, "协议", field="agreement_id")
    ensure_district(caller, agreement.district)
    return await _CLAWBACKS.fetch(session, paging, clawback_out, agreement_id=agreement_id)


__all__ = ["Caller", "requote", "router"]
