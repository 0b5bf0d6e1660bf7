"""The citizen's own household (/v1/me, via 浙里办) and the cross-bureau dossiers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.api.cases import agreement_out, dispute_out
from expropriation.api.schemas import AgreementOut, DisputeOut, HouseholdOut, QuoteOut, RefusalOut, VoucherOut, refusal
from expropriation.casework import project_records, quote_input
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
from expropriation.parameters import params_on
from expropriation.rules.quote import quote
from expropriation.rules.types import RuleError
from qz_common.app import Session
from qz_common.identity import Citizen, Reader
from qz_common.ids import USCC, IdNumber
from qz_common.params import RuleNotInForce

router = APIRouter(tags=["citizens"])


class MyHousehold(BaseModel):
    household_id: int
    project: str
    district: str
    village: str
    signing_deadline: dt.date
    head_name: str
    method: str
    quote: QuoteOut | None
    refusal: RefusalOut | None
    agreement: AgreementOut | None
    voucher: VoucherOut | None = None  # 房票 with its last valid day (expires_on), once issued


class CreditFlag(BaseModel):
    code: str
    detail: str
    since: dt.date
    until: dt.date | None
    basis: str


class Dossier(BaseModel):
    households: list[HouseholdOut]
    agreements: list[AgreementOut]
    disputes: list[DisputeOut]
    credit_flags: list[CreditFlag]


def _mask(id_number: str) -> str:
    return id_number[:6] + "*" * 8 + id_number[-4:]


@router.get("/v1/me/household", summary="本人所在被征收户的测算与协议（浙里办）")
async def my_household(citizen: Citizen, session: Session) -> list[MyHousehold]:
    assert citizen.citizen_id is not None
    me = citizen.citizen_id
    ids = select(HouseholdMember.household_id).where(HouseholdMember.id_number == me)
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
        if q is not None:
            for p in [*q.persons, *q.excluded_persons]:
                if p.id_number != me:
                    p.id_number = _mask(p.id_number)
        a_out = agreement_out(agreement) if agreement else None
        if a_out is not None:
            a_out.member_id_numbers = [i if i == me else _mask(i) for i in a_out.member_id_numbers]
            a_out.quote = q.model_dump(mode="json") if q else {}
        voucher = await session.scalar(select(HouseVoucher).where(HouseVoucher.household_id == h.id))
        out.append(
            MyHousehold(
                household_id=h.id,
                project=project.name,
                district=project.district,
                village=project.village,
                signing_deadline=project.signing_deadline,
                head_name=h.head_name,
                method=h.method,
                quote=q,
                refusal=refused,
                agreement=a_out,
                voucher=VoucherOut.model_validate(voucher) if voucher else None,
            )
        )
    return out


async def _dossier(session: AsyncSession, household_ids: Any, district: str | None) -> Dossier:
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
    flags = [
        CreditFlag(
            code="expropriation_fraud_clawback",
            detail=f"弄虚作假骗取补偿安置费用，收回 {c.amount} 元：{c.reason}",
            since=c.found_on,
            until=None,
            basis=c.basis,
        )
        for c in clawbacks
    ]
    return Dossier(
        households=[HouseholdOut.model_validate(h) for h in households],
        agreements=[agreement_out(a) for a in agreements],
        disputes=[dispute_out(d) for d in disputes],
        credit_flags=flags,
    )


@router.get("/v1/dossiers/citizens/{id_number}", summary="个人档案（供网关跨部门汇总）")
async def citizen_dossier(id_number: Annotated[IdNumber, "身份证号"], caller: Reader, session: Session) -> Dossier:
    ids = select(HouseholdMember.household_id).where(HouseholdMember.id_number == id_number)
    return await _dossier(session, ids, caller.district)


@router.get("/v1/dossiers/enterprises/{uscc}", summary="企业档案：非住宅房屋产权单位（供网关跨部门汇总）")
async def enterprise_dossier(uscc: Annotated[USCC, "统一社会信用代码"], caller: Reader, session: Session) -> Dossier:
    ids = select(BuildingOwner.household_id).where(BuildingOwner.uscc == uscc)
    return await _dossier(session, ids, caller.district)
