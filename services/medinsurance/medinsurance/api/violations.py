"""协议处理 decisions (五(三)) with 违约金 (五(五)) and 附件3 circumstances; 中止 applied to the agreement."""

from fastapi import APIRouter
from sqlalchemy import select

from medinsurance.api.agreements import apply_rule, to_rule
from medinsurance.api.common import audit, idempotent, in_force, institution_for, institution_in_district, not_in_future
from medinsurance.api.schemas import PathId, QueryId, ViolationIn, ViolationOut
from medinsurance.models import Agreement, Violation
from medinsurance.rules import agreements as agreement_rules
from medinsurance.rules.eligibility import InstitutionType
from medinsurance.rules.sanctions import (
    CASES,
    RatioOutOfRange,
    case_applies,
    case_basis,
    case_clause,
    check_suspension_days,
    decide,
    penalty,
    tier_of,
)
from qz_common.app import Engine, Session
from qz_common.audit import snapshot
from qz_common.errors import ProblemError
from qz_common.idempotency import IdempotencyKey
from qz_common.identity import Reader, Writer, scoped_district
from qz_common.pagination import Page, PagedSelect, Paging

router = APIRouter(prefix="/v1", tags=["violations"])

_VIOLATIONS = PagedSelect(
    select(Violation).order_by(Violation.id),
    institution_id=Violation.institution_id,
    district=institution_in_district(Violation.institution_id),
)


@router.post("/violations", status_code=201, summary="记录协议处理决定", response_model=ViolationOut)
async def record_violation(
    body: ViolationIn, caller: Writer, session: Session, idempotency_key: IdempotencyKey = None
) -> object:
    if body.case not in CASES:
        raise ProblemError(422, "unknown_case", f"未知的协议处理情形 {body.case}", field="case")
    not_in_future(body.decided_on, "decided_on")
    tier = tier_of(body.case)
    p = in_force("sanctions", body.decided_on).params
    errors = []
    if body.terminate_agreement and tier != 4:
        errors.append(
            {
                "field": "terminate_agreement",
                "code": "terminate_choice",
                "detail": "仅第四档情形可选择解除医保协议（第五档一律解除）",
            }
        )
    if body.terminate_agreement and body.suspension_days is not None:
        errors.append({"field": "suspension_days", "code": "suspend_or_terminate", "detail": "中止与解除只可择一"})
    try:
        result = penalty(
            tier,
            body.violation_amount,
            body.ratio,
            p,
            decided_on=body.decided_on,
            mitigating=frozenset(body.mitigating),
            aggravating=frozenset(body.aggravating),
        )
    except RatioOutOfRange as exc:
        errors.append({"field": "ratio", "code": "ratio_out_of_range", "detail": str(exc)})
    except ValueError as exc:
        errors.append({"field": "mitigating", "code": "invalid_circumstances", "detail": str(exc)})
    if body.suspension_days is not None:
        try:
            check_suspension_days(tier, body.suspension_days, p)
        except ValueError as exc:
            errors.append({"field": "suspension_days", "code": "suspension_days", "detail": str(exc)})
    if errors:
        raise ProblemError(
            422, "violation_invalid", "；".join(e["detail"] for e in errors), field=errors[0]["field"], errors=errors
        )

    async def create() -> ViolationOut:
        inst = await institution_for(session, caller, body.institution_id)
        pharmacy = inst.kind in (InstitutionType.RETAIL_PHARMACY, InstitutionType.INTERNET_PHARMACY)
        if not case_applies(body.case, pharmacy=pharmacy):
            kind = "定点医疗机构" if pharmacy else "定点零售药店"
            raise ProblemError(
                422, "case_not_applicable", f"{body.case} 仅适用于{kind}（{case_basis(body.case)}）", field="case"
            )
        live = list(
            (
                await session.scalars(
                    select(Agreement)
                    .where(Agreement.institution_id == inst.id, Agreement.state.in_(["active", "suspended"]))
                    .order_by(Agreement.id)
                    .with_for_update()
                )
            ).all()
        )
        if body.agreement_id is not None:
            agreement = next((a for a in live if a.id == body.agreement_id), None)
            if agreement is None:
                raise ProblemError(
                    409, "no_agreement", f"该机构无有效医保协议{body.agreement_id}", field="agreement_id"
                )
        elif len(live) > 1:
            raise ProblemError(
                422,
                "agreement_required",
                f"该机构在多个统筹区有有效医保协议（{', '.join(str(a.id) for a in live)}），须指明 agreement_id",
                field="agreement_id",
            )
        else:
            agreement = live[0] if live else None
        suspending = body.suspension_days is not None
        if suspending and agreement is None:
            raise ProblemError(409, "no_agreement", "该机构无有效医保协议，无法中止", field="suspension_days")
        decision = decide(
            body.case,
            p,
            suspending=suspending,
            prior_suspensions_this_term=agreement.suspensions_this_term if agreement else 0,
        )
        if agreement is not None and suspending:
            ap = in_force("agreement", body.decided_on).params
            before = snapshot(agreement)
            current = agreement_rules.status_on(to_rule(agreement), body.decided_on, ap)
            try:
                assert body.suspension_days is not None
                nxt = agreement_rules.suspend(current, body.decided_on, body.suspension_days, ap)
            except agreement_rules.AgreementError as exc:
                raise ProblemError(409, "agreement_rule", str(exc), field="suspension_days") from None
            apply_rule(agreement, nxt)
            await session.flush()
            audit.record(session, caller, "terminate" if decision.escalated else "suspend", agreement, before=before)
        elif agreement is not None and (tier == 5 or body.terminate_agreement):
            # 五(三)4/5 "解除医保协议": the decision ends the agreement (not its expiry); its 不予受理 bar follows.
            ap = in_force("agreement", body.decided_on).params
            before = snapshot(agreement)
            current = agreement_rules.status_on(to_rule(agreement), body.decided_on, ap)
            try:
                nxt = agreement_rules.terminate(
                    current, body.decided_on, f"协议处理 {body.case}：{CASES[body.case]}", case_clause(body.case)
                )
            except agreement_rules.AgreementError as exc:
                raise ProblemError(409, "agreement_rule", str(exc), field="decided_on") from None
            apply_rule(agreement, nxt)
            await session.flush()
            audit.record(session, caller, "terminate", agreement, before=before)
        row = Violation(
            institution_id=inst.id,
            agreement_id=agreement.id if agreement else None,
            case_code=body.case,
            tier=decision.tier,
            decided_on=body.decided_on,
            violation_amount=body.violation_amount,
            ratio=result.ratio,
            penalty=result.amount,
            penalty_due_on=result.due_on,
            standards=sorted(set(body.standards)),
            mitigating=sorted(set(body.mitigating)),
            aggravating=sorted(set(body.aggravating)),
            suspension_days=body.suspension_days,
            measures=[m.value for m in decision.measures],
            escalated=decision.escalated,
            basis=f"{decision.basis}; {result.basis}",
        )
        session.add(row)
        await session.flush()
        audit.record(session, caller, "decide", row)
        return ViolationOut.model_validate(row)

    async with session.begin():
        return await idempotent.create(session, caller, idempotency_key, body.model_dump(mode="json"), create)


@router.get("/violations", summary="协议处理记录列表")
async def list_violations(
    caller: Reader, engine: Engine, paging: Paging, institution_id: QueryId = None
) -> Page[ViolationOut]:
    return await _VIOLATIONS.fetch(
        engine,
        paging,
        ViolationOut.model_validate,
        institution_id=institution_id,
        district=scoped_district(caller, None),
    )


@router.get("/violations/{violation_id}", summary="协议处理记录详情")
async def get_violation(violation_id: PathId, caller: Reader, session: Session) -> ViolationOut:
    row = await session.get(Violation, violation_id)
    if row is None:
        raise ProblemError(404, "not_found", "协议处理记录不存在", field="violation_id")
    await institution_for(session, caller, row.institution_id)
    return ViolationOut.model_validate(row)
