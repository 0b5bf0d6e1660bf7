"""Bodies of the citizen's own household (/v1/me) and of the dossiers."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from expropriation.api.schemas.agreements import AgreementOut
from expropriation.api.schemas.disputes import DisputeOut, dispute_out
from expropriation.api.schemas.projects import HouseholdOut
from expropriation.api.schemas.vouchers import VoucherOut
from expropriation.casework.citizens import DossierRecords, HouseholdView
from expropriation.facts.quote import QuoteOut, RefusalOut


def _mask(id_number: str) -> str:
    return id_number[:6] + "*" * 8 + id_number[-4:]


def masked_quote(q: QuoteOut, me: str) -> QuoteOut:
    """The quote as ``me`` may see it: the other members' 身份证号 masked (in place)."""
    for p in [*q.persons, *q.excluded_persons]:
        if p.id_number != me:
            p.id_number = _mask(p.id_number)
    return q


def masked_agreement(agreement: AgreementOut, me: str) -> AgreementOut:
    """The agreement as ``me`` may see it: the other members' 身份证号 masked, in its list and in its quote."""
    agreement.member_id_numbers = [i if i == me else _mask(i) for i in agreement.member_id_numbers]
    agreement.quote = masked_quote(QuoteOut.model_validate(agreement.quote), me).model_dump(mode="json")
    return agreement


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

    @classmethod
    def of(cls, view: HouseholdView, me: str) -> MyHousehold:
        """The household as ``me`` may see it: other members' 身份证号 masked."""
        q = masked_quote(view.quote, me) if view.quote is not None else None
        agreement = AgreementOut.model_validate(view.agreement) if view.agreement else None
        if agreement is not None:
            agreement.member_id_numbers = [i if i == me else _mask(i) for i in agreement.member_id_numbers]
            agreement.quote = q.model_dump(mode="json") if q else {}
        h, project = view.household, view.project
        return cls(
            household_id=h.id,
            project=project.name,
            district=project.district,
            village=project.village,
            signing_deadline=project.signing_deadline,
            head_name=h.head_name,
            method=h.method,
            quote=q,
            refusal=view.refusal,
            agreement=agreement,
            voucher=VoucherOut.model_validate(view.voucher) if view.voucher else None,
        )


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

    @classmethod
    def of(cls, records: DossierRecords) -> Dossier:
        flags = [
            CreditFlag(
                code="expropriation_fraud_clawback",
                detail=(
                    f"弄虚作假骗取补偿安置费用，收回 {c.amount} 元：{c.reason}"
                    if c.amount > 0
                    else f"弄虚作假，已按查实情况更正补偿依据：{c.reason}"
                ),
                since=c.found_on,
                until=None,
                basis=c.basis,
            )
            for c in records.clawbacks
        ]
        return cls(
            households=[HouseholdOut.model_validate(h) for h in records.households],
            agreements=[AgreementOut.model_validate(a) for a in records.agreements],
            disputes=[dispute_out(d) for d in records.disputes],
            credit_flags=flags,
        )
