"""协议处理 decisions (五(三)) with 违约金 (五(五)) and 附件3 circumstances; their 中止 or 解除 of the agreement."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework import agreements
from medinsurance.casework.common import audit, institution_for, is_pharmacy, not_in_future
from medinsurance.models import Agreement, Institution, Violation
from medinsurance.parameters import counted_in_force, in_force
from medinsurance.rules import agreements as agreement_rules
from medinsurance.rules import sanctions
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.params import ParameterSet


@dataclass(frozen=True)
class ViolationFacts:
    """A 协议处理 decision as the caseworker records it."""

    institution_id: int
    agreement_id: int | None  # required when the institution has live agreements in several 统筹区
    case: str  # T<tier>_<item> of 五(三)
    decided_on: dt.date
    violation_amount: Decimal  # 核定的违规医保费用
    ratio: Decimal  # 违约支付比例
    standards: list[int]  # 附件3 一
    mitigating: list[int]  # 附件3 二
    aggravating: list[int]  # 附件3 三
    suspension_days: int | None  # 中止医保协议 (tiers 3 and 4)
    terminate_agreement: bool  # tier 4 may choose 解除


def _penalty(facts: ViolationFacts, tier: int, p: ParameterSet, calendar: ParameterSet) -> sanctions.Penalty:
    """The 违约金 (五(五)) after every input check of the decision, all refusals named at once (422)."""
    errors: list[dict[str, Any]] = []
    if facts.terminate_agreement and tier != 4:
        detail = "仅第四档情形可选择解除医保协议（第五档一律解除）"
        errors.append({"field": "terminate_agreement", "code": "terminate_choice", "detail": detail})
    if facts.terminate_agreement and facts.suspension_days is not None:
        errors.append({"field": "suspension_days", "code": "suspend_or_terminate", "detail": "中止与解除只可择一"})
    result = None
    try:
        result = sanctions.penalty(
            tier,
            facts.violation_amount,
            facts.ratio,
            p,
            decided_on=facts.decided_on,
            calendar=calendar,
            mitigating=frozenset(facts.mitigating),
            aggravating=frozenset(facts.aggravating),
        )
    except sanctions.RatioOutOfRange as exc:
        errors.append({"field": "ratio", "code": "ratio_out_of_range", "detail": str(exc)})
    except ValueError as exc:
        errors.append({"field": "mitigating", "code": "invalid_circumstances", "detail": str(exc)})
    if facts.suspension_days is not None:
        try:
            sanctions.check_suspension_days(tier, facts.suspension_days, p)
        except ValueError as exc:
            errors.append({"field": "suspension_days", "code": "suspension_days", "detail": str(exc)})
    if errors:
        detail = "；".join(e["detail"] for e in errors)
        raise ProblemError(422, "violation_invalid", detail, field=errors[0]["field"], errors=errors)
    assert result is not None  # penalty() failed only with an error listed above
    return result


async def _agreement_concerned(session: AsyncSession, inst: Institution, agreement_id: int | None) -> Agreement | None:
    """The live agreement the decision concerns, locked: the one named, else the institution's only one (A-67)."""
    stmt = (
        select(Agreement)
        .where(Agreement.institution_id == inst.id, Agreement.state.in_(agreements.LIVE))
        .order_by(Agreement.id)
        .with_for_update()
    )
    live = list((await session.scalars(stmt)).all())
    if agreement_id is not None:
        named = next((a for a in live if a.id == agreement_id), None)
        if named is None:
            raise ProblemError(409, "no_agreement", f"该机构无有效医保协议{agreement_id}", field="agreement_id")
        return named
    if len(live) > 1:
        raise ProblemError(
            422,
            "agreement_required",
            f"该机构在多个统筹区有有效医保协议（{', '.join(str(a.id) for a in live)}），须指明 agreement_id",
            field="agreement_id",
        )
    return live[0] if live else None


async def _act_on_agreement(
    session: AsyncSession, caller: Caller, agreement: Agreement, facts: ViolationFacts, decision: sanctions.Decision
) -> None:
    """The decision's 中止 (a second one in the term is 解除, 五(三)5(1)) or 解除 of the agreement (reading A-64)."""
    on, days = facts.decided_on, facts.suspension_days
    if days is not None:
        ap = in_force("agreement", on).params
        action = "terminate" if decision.escalated else "suspend"
        suspend = partial(agreement_rules.suspend, on=on, days=days, p=ap)
        await agreements.change(session, caller, action, agreement, on, suspend, field="suspension_days")
    elif sanctions.tier_of(facts.case) == 5 or facts.terminate_agreement:
        # 五(三)4/5 "解除医保协议": the decision ends the agreement (not its expiry); its 不予受理 bar follows.
        reason = f"协议处理 {facts.case}：{sanctions.CASES[facts.case]}"
        clause = sanctions.case_clause(facts.case)
        end = partial(agreement_rules.terminate, on=on, reason=reason, clause=clause)
        await agreements.change(session, caller, "terminate", agreement, on, end, field="decided_on")


async def record(session: AsyncSession, caller: Caller, facts: ViolationFacts) -> Violation:
    """A 五(三) decision: its 违约金, and the 中止 (escalated to 解除 when it is the term's second, 五(三)5(1)) or the
    解除 (tier 5, or tier 4 by choice, reading A-64) of the agreement it concerns."""
    if facts.case not in sanctions.CASES:
        raise ProblemError(422, "unknown_case", f"未知的协议处理情形 {facts.case}", field="case")
    not_in_future(facts.decided_on, "decided_on")
    tier = sanctions.tier_of(facts.case)
    force, calendar = counted_in_force("sanctions", facts.decided_on)
    p = force.params
    result = _penalty(facts, tier, p, calendar)
    inst = await institution_for(session, caller, facts.institution_id, referenced=True)
    if not sanctions.case_applies(facts.case, pharmacy=is_pharmacy(inst)):
        kind = "定点医疗机构" if is_pharmacy(inst) else "定点零售药店"
        detail = f"{facts.case} 仅适用于{kind}（{sanctions.case_basis(facts.case)}）"
        raise ProblemError(422, "case_not_applicable", detail, field="case")
    agreement = await _agreement_concerned(session, inst, facts.agreement_id)
    days = facts.suspension_days
    if days is not None and agreement is None:
        raise ProblemError(409, "no_agreement", "该机构无有效医保协议，无法中止", field="suspension_days")
    decision = sanctions.decide(
        facts.case,
        in_force("agreement", facts.decided_on).params,
        suspending=days is not None,
        prior_suspensions_this_term=agreement.suspensions_this_term if agreement else 0,
    )
    if agreement is not None:
        await _act_on_agreement(session, caller, agreement, facts, decision)
    row = Violation(
        institution_id=inst.id,
        agreement_id=agreement.id if agreement else None,
        case_code=facts.case,
        tier=decision.tier,
        decided_on=facts.decided_on,
        violation_amount=facts.violation_amount,
        ratio=result.ratio,
        penalty=result.amount,
        penalty_due_on=result.due_on,
        standards=sorted(set(facts.standards)),
        mitigating=sorted(set(facts.mitigating)),
        aggravating=sorted(set(facts.aggravating)),
        suspension_days=days,
        measures=[m.value for m in decision.measures],
        escalated=decision.escalated,
        basis=f"{decision.basis}; {result.basis}",
    )
    return await audit.add(session, caller, "decide", row)
