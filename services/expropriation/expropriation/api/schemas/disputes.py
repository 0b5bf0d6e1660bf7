"""Bodies of 二(四) disputes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from expropriation.facts.types import Out, PastDate, Price, RecordId, Strict
from expropriation.models import Dispute
from expropriation.rules.declarations import DisputeState, may_take_house
from expropriation.rules.types import basis
from qz_common.money import Yuan


class DisputeIn(Strict):
    household_id: RecordId = Field(description="被征收户编号")
    ground: Literal["ownership_dispute", "owner_missing", "owner_undetermined"] = Field(
        description="未签约的原因：产权争议、产权人下落不明、产权人不明确"
    )
    detail: str = Field("", max_length=500, description="情况说明")


class DisputeStepIn(Strict):
    state: Literal["plan_proposed", "evidence_preserved", "decision_made", "deposited", "resolved"] = Field(
        description="办理步骤：提出补偿方案、证据保全、作出补偿决定、提存、解决"
    )
    on: PastDate = Field(description="办理之日")
    reference: str = Field("", max_length=120, description="方案/保全/决定/提存文书号")
    deposit_amount: Price | None = Field(None, description="提存金额（提存时必填）")


class DisputeOut(Out):
    id: int
    household_id: int
    ground: str
    state: str
    detail: str
    history: list[dict[str, Any]]
    deposit_amount: Yuan | None
    may_take_house: bool
    basis: str
    created_at: dt.datetime


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
