"""What the records hold about one person or enterprise: the citizen's own households (/v1/me, via 浙里办) and the
cross-bureau dossiers the gateway gathers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.books import params_on
from expropriation.casework.ledger import LedgerView, ledger_of
from expropriation.casework.objections import OPEN
from expropriation.casework.projects import household_of
from expropriation.casework.records import project_records, quote_input
from expropriation.facts.quote import QuoteOut, RefusalOut, refusal
from expropriation.models import (
    Agreement,
    BuildingOwner,
    Clawback,
    Dispute,
    Household,
    HouseholdMember,
    HouseVoucher,
    Objection,
    Payment,
    Project,
)
from expropriation.rules.quote import quote
from expropriation.rules.types import RuleError, basis
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.notices import Notice, due_first
from qz_common.params import RuleNotInForce


@dataclass(frozen=True)
class HouseholdView:
    """A household as its member sees it: the quote as signed, or else as the project's records stand today."""

    household: Household
    project: Project
    quote: QuoteOut | None
    refusal: RefusalOut | None
    agreement: Agreement | None
    voucher: HouseVoucher | None


async def households_of_member(session: AsyncSession, id_number: str) -> list[HouseholdView]:
    ids = select(HouseholdMember.household_id).where(HouseholdMember.id_number_lookup == id_number)
    households = (await session.scalars(select(Household).where(Household.id.in_(ids)).order_by(Household.id))).all()
    out = []
    for h in households:
        project = await session.get(Project, h.project_id)
        assert project is not None
        _hh, agreements, villages, assignment = await project_records(session, project)
        agreement = agreements.get(h.id)
        q: QuoteOut | None = None
        refused: RefusalOut | None = None
        try:
            if agreement is not None:
                q = QuoteOut.model_validate(agreement.quote)
            else:
                inp = quote_input(
                    project, h, village_all_signed=villages.get(h.natural_village, False), assignment=assignment
                )
                q = QuoteOut.of(quote(inp, params_on(project.district, project.valuation_date)))
        except RuleError as e:
            refused = refusal(e)
        except RuleNotInForce:
            refused = None
        voucher = await session.scalar(select(HouseVoucher).where(HouseVoucher.household_id == h.id))
        out.append(HouseholdView(h, project, q, refused, agreement, voucher))
    return out


@dataclass(frozen=True)
class AgreementView:
    """A household's agreement as its member reads it: each payment, the ledger item by item, the 房票."""

    agreement: Agreement
    payments: list[Payment]
    ledger: LedgerView
    voucher: HouseVoucher | None


async def agreement_of_household(session: AsyncSession, caller: Caller, household_id: int) -> AgreementView:
    household, _project = await household_of(session, caller, household_id)
    agreement = await session.scalar(select(Agreement).where(Agreement.household_id == household.id))
    if agreement is None:
        raise ProblemError(404, "agreement_not_signed", "本户尚未签订补偿安置协议", field="household_id")
    payments = await session.scalars(select(Payment).where(Payment.agreement_id == agreement.id).order_by(Payment.id))
    voucher = await session.scalar(select(HouseVoucher).where(HouseVoucher.agreement_id == agreement.id))
    return AgreementView(agreement, list(payments), await ledger_of(session, caller, agreement.id), voucher)


ME = "/api/v1/me/expropriation"


async def notices_of_member(session: AsyncSession, id_number: str, today: dt.date) -> list[Notice]:
    """What a member's households have due, from their records: the 签约期限 while unsigned and the 交房期限 while not
    handed over (三(四)8: both decide the rewards; a missed one stays, overdue), the last day of a 房票 that still
    holds value (三(三)2(2); none once it has expired, since nothing can then be done with it on this platform), and
    each 复核 request awaiting its answer (A-51)."""
    ids = select(HouseholdMember.household_id).where(HouseholdMember.id_number_lookup == id_number)
    households = (await session.scalars(select(Household).where(Household.id.in_(ids)).order_by(Household.id))).all()
    notices: list[Notice] = []

    def due(on: dt.date, kind: str, title: str, clause: str, act_at: str, record: str) -> None:
        notices.append(
            Notice(
                due_on=on,
                kind=f"expropriation.{kind}",
                title=title,
                basis=basis(clause),
                act_at=act_at,
                record=record,
                overdue=on < today,
            )
        )

    for h in households:
        project = await session.get(Project, h.project_id)
        assert project is not None
        mine = f"{ME}/households/{h.id}"
        agreement = await session.scalar(select(Agreement).where(Agreement.household_id == h.id))
        if agreement is None:
            title = f"{project.name}：签订补偿安置协议的期限（期限内签约并按期腾空交房的，可得奖励）"
            due(project.signing_deadline, "signing_deadline", title, "三(四)8", f"{mine}/compare", f"households/{h.id}")
        else:
            if agreement.handed_over_on is None and project.handover_deadline is not None:
                title = f"{project.name}：腾空交付房屋的期限（按期交付的，可得提前腾空奖励）"
                record = f"agreements/{agreement.id}"
                due(project.handover_deadline, "handover_deadline", title, "三(四)8", f"{mine}/agreement", record)
            voucher = await session.scalar(select(HouseVoucher).where(HouseVoucher.agreement_id == agreement.id))
            if voucher is not None and voucher.remaining_value > 0 and voucher.expires_on >= today:
                title = f"房票有效期届满（剩余价值 {voucher.remaining_value} 元）"
                record = f"vouchers/{voucher.id}"
                due(voucher.expires_on, "voucher_expiry", title, "三(三)2(2)", f"{mine}/agreement", record)
        waiting = await session.scalars(
            select(Objection).where(Objection.household_id == h.id, Objection.state == OPEN).order_by(Objection.id)
        )
        for o in waiting:
            title = f"复核申请（{o.filed_on} 提出）待征收实施单位答复"
            due(o.answer_due_on, "objection_answer_due", title, "三(四)8", f"{mine}/objections", f"objections/{o.id}")
    return due_first(notices)


@dataclass(frozen=True)
class DossierRecords:
    households: list[Household]
    agreements: list[Agreement]
    disputes: list[Dispute]
    clawbacks: list[Clawback]


async def _dossier(session: AsyncSession, household_ids: Any, district: str | None) -> DossierRecords:
    stmt = select(Household).where(Household.id.in_(household_ids)).order_by(Household.id)
    if district:
        stmt = stmt.where(Household.district == district)
    households = list((await session.scalars(stmt)).all())
    hids = [h.id for h in households]
    agreements = list(
        (await session.scalars(select(Agreement).where(Agreement.household_id.in_(hids)).order_by(Agreement.id))).all()
    )
    disputes = list(
        (await session.scalars(select(Dispute).where(Dispute.household_id.in_(hids)).order_by(Dispute.id))).all()
    )
    clawbacks = list(
        (
            await session.scalars(
                select(Clawback).where(Clawback.agreement_id.in_([a.id for a in agreements])).order_by(Clawback.id)
            )
        ).all()
    )
    return DossierRecords(households, agreements, disputes, clawbacks)


async def citizen_dossier(session: AsyncSession, id_number: str, district: str | None) -> DossierRecords:
    ids = select(HouseholdMember.household_id).where(HouseholdMember.id_number_lookup == id_number)
    return await _dossier(session, ids, district)


async def enterprise_dossier(session: AsyncSession, uscc: str, district: str | None) -> DossierRecords:
    ids = select(BuildingOwner.household_id).where(BuildingOwner.uscc == uscc)
    return await _dossier(session, ids, district)
