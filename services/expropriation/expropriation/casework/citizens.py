"""What the records hold about one person or enterprise: the citizen's own households (/v1/me, via 浙里办) and the
cross-bureau dossiers the gateway gathers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.books import params_on
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
    Project,
)
from expropriation.rules.quote import quote
from expropriation.rules.types import RuleError
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
