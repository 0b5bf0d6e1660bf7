"""Stateless calculators: 43号 一 eligibility and 三(七) naming, 44号 三 subsidy, 衢政发〔2023〕1号 items 7–16."""

import datetime as dt
from collections.abc import Iterable
from functools import partial

from fastapi import APIRouter

from qz_common.clock import today
from qz_common.errors import ProblemError
from qz_common.identity import Reader
from qz_common.params import RuleNotInForce
from qz_common.scenario import scenario_computation
from science.api.schemas.common import ConditionOut
from science.api.schemas.rules import (
    AwardOut,
    EligibilityCheckIn,
    EligibilityOut,
    IncubatorIn,
    InnovationCentreIn,
    InstituteEligibilityIn,
    InstituteNameIn,
    InstituteNameOut,
    InsuranceCompensationIn,
    InternationalBaseIn,
    LineOut,
    OverseasRdIn,
    PolicyCalculation,
    PolicyItemOut,
    RdSubsidyIn,
    SubsidyIn,
    SubsidyOut,
    TargetOut,
    TechTransferIn,
    TechTransferOut,
)
from science.casework.common import params_on, policy_in_force_on
from science.casework.institutes import evaluate_application
from science.parameters import policy_params, voucher_params
from science.rules import policies_2023 as pol
from science.rules.institute_conditions import EligibilityResult, Incident, InstituteApplication, IpRight, Relaxation
from science.rules.institute_management import NAME_BASIS, NameError_, institute_name
from science.rules.params import PolicyParams
from science.rules.voucher_subsidy import ServiceRequest, subsidy

router = APIRouter(prefix="/v1", tags=["rules"])


# Counts that are parts of a total (43号 一(五)): a part larger than its whole is a typing error, not a fact.
COUNT_PARTS = (
    ("fulltime_rd_staff", "专职研发人员", "enterprise_employees", "企业当年职工总数"),
    ("institute_staff", "研发机构职工总数", "enterprise_employees", "企业当年职工总数"),
    ("qualified_engineers", "专科以上学历或中级以上职称的工程技术人员", "institute_staff", "研发机构职工总数"),
)


def refuse_implausible_counts(body: InstituteEligibilityIn, prefix: str = "") -> None:
    """422 naming every count that exceeds the total it is part of."""
    errors = [
        {
            "field": prefix + part,
            "code": "count_exceeds_total",
            "detail": f"{part_label}{getattr(body, part)}人超过{whole_label}{getattr(body, whole)}人",
        }
        for part, part_label, whole, whole_label in COUNT_PARTS
        if getattr(body, part) > getattr(body, whole)
    ]
    if errors:
        detail = "人数不合理：" + "；".join(e["detail"] for e in errors)
        raise ProblemError(422, "count_exceeds_total", detail, field=errors[0]["field"], errors=errors)


def to_application(body: InstituteEligibilityIn, prefix: str = "") -> InstituteApplication:
    refuse_implausible_counts(body, prefix)
    return InstituteApplication(
        applied_on=body.applied_on or today(),
        important_fields=frozenset(body.important_fields),
        key_industries=frozenset(body.key_industries),
        registered_in_quzhou_on=body.registered_in_quzhou_on,
        independent_legal_person=body.independent_legal_person,
        hitech_valid_until=body.hitech_valid_until,
        has_city_engineering_centre=body.has_city_engineering_centre,
        last_year_sales=body.last_year_sales,
        last_year_rd_expense=body.last_year_rd_expense,
        has_independent_rd_unit=body.has_independent_rd_unit,
        fulltime_rd_staff=body.fulltime_rd_staff,
        enterprise_employees=body.enterprise_employees,
        institute_staff=body.institute_staff,
        qualified_engineers=body.qualified_engineers,
        tech_service=body.tech_service,
        funding_secured=body.funding_secured,
        site_m2=body.site_m2,
        dedicated_equipment_value=body.dedicated_equipment_value,
        shared_equipment_value=body.shared_equipment_value,
        ip_rights=tuple(IpRight(r.kind, r.obtained_on, r.in_declared_field, r.mode) for r in body.ip_rights),
        has_management_system=body.has_management_system,
        incidents=tuple(Incident(i.kind, i.occurred_on) for i in body.incidents),
        knowledge_intensive=body.knowledge_intensive,
        relaxation=Relaxation(body.relaxation.min_site_m2, body.relaxation.min_equipment) if body.relaxation else None,
    )


def eligibility_out(result: EligibilityResult, scenario: dict[str, str] | None = None) -> EligibilityOut:
    return EligibilityOut(
        eligible=result.eligible,
        conditions=[
            ConditionOut(code=c.code, passed=c.passed, detail=c.detail, basis=c.basis) for c in result.conditions
        ],
        parameter_version=result.parameter_version,
        scenario=scenario,
    )


@router.post("/research-institutes/eligibility", summary="市级企业研究院认定条件（43号 一，九项逐项判断）")
async def institute_eligibility(body: EligibilityCheckIn, _caller: Reader) -> EligibilityOut:
    result = evaluate_application(to_application(body), overrides=body.parameters)
    return eligibility_out(result, body.parameters)


@router.post("/research-institutes/name", summary="企业研究院统一命名（43号 三(七)）")
async def name_institute(body: InstituteNameIn, _caller: Reader) -> InstituteNameOut:
    try:
        return InstituteNameOut(name=institute_name(body.trade_name, body.core_direction), basis=NAME_BASIS)
    except NameError_ as exc:
        raise ProblemError(422, "invalid_institute_name", str(exc), field="trade_name") from None


@router.post("/vouchers/subsidy", summary="创新券补助额（44号 三，按服务类型）")
async def voucher_subsidy(body: SubsidyIn, _caller: Reader) -> SubsidyOut:
    day = body.on or today()
    with scenario_computation(body.parameters):
        params = params_on(partial(voucher_params, overrides=body.parameters), day, "on")
        result = subsidy(
            ServiceRequest(
                body.service_type, body.fee, body.via_shared_platform, body.statutory_testing, body.audit_purpose
            ),
            params,
            policy_in_force_on(day),
        )
    return SubsidyOut(
        subsidy=result.subsidy,
        supported=result.supported,
        lines=[LineOut(label=line.label, amount=line.amount, basis=line.basis) for line in result.lines],
        basis=list(result.basis),
        reason=result.reason,
        parameter_version=params.version,
        scenario=body.parameters,
    )


def _policy_params(body: PolicyCalculation) -> PolicyParams:
    year = body.year
    day = dt.date(year, 1, 1)
    try:
        with scenario_computation(body.parameters):
            params = policy_params(day, body.parameters)
    except RuleNotInForce as exc:
        raise ProblemError(422, "policy_not_in_force", f"衢政发〔2023〕1号 不适用于{year}年", field="year") from exc
    if not (params.valid_from.year <= year <= params.valid_until.year):
        raise ProblemError(
            422,
            "policy_not_in_force",
            f"衢政发〔2023〕1号 科技创新政策适用于{params.valid_from.year}年，不适用于{year}年",
            field="year",
        )
    return params


def award_out(award: pol.Award, params: PolicyParams, body: PolicyCalculation) -> AwardOut:
    return AwardOut(
        eligible=award.eligible,
        subsidy=award.amount,
        lines=[LineOut(label=line.label, amount=line.amount, basis=line.basis) for line in award.lines],
        basis=list(award.basis),
        reasons=list(award.reasons),
        parameter_version=params.version,
        scenario=body.parameters,
    )


@router.post("/policies/rd-subsidy", summary="企业研发投入补助（衢政发〔2023〕1号 二13）")
async def rd_subsidy(body: RdSubsidyIn, _caller: Reader) -> AwardOut:
    params = _policy_params(body)
    award = pol.rd_subsidy(pol.RdSubsidyInput(body.rd_expense, body.previous_rd_expense, body.revenue), params)
    return award_out(award, params, body)


@router.post("/policies/international-base-award", summary="省级国际合作基地等优秀奖励（二14）")
async def international_base(body: InternationalBaseIn, _caller: Reader) -> AwardOut:
    params = _policy_params(body)
    award = pol.international_base_award(body.filed_with_province, body.rated_excellent, params)
    return award_out(award, params, body)


@router.post("/policies/overseas-rd-award", summary="海外研发机构一次性奖励（二14）")
async def overseas_rd(body: OverseasRdIn, _caller: Reader) -> AwardOut:
    params = _policy_params(body)
    award = pol.overseas_rd_award(body.overseas_rd_investment, body.already_awarded, params)
    return award_out(award, params, body)


@router.post("/policies/incubator-award", summary="孵化器、众创空间补助（二15）")
async def incubator(body: IncubatorIn, _caller: Reader) -> AwardOut:
    params = _policy_params(body)
    award = pol.incubator_award(body.event, body.level, params, body.superior_award)
    return award_out(award, params, body)


@router.post("/policies/insurance-compensation", summary="创新券保费兑付补偿（衢政发〔2023〕1号 二8，80%）")
async def insurance_compensation(body: InsuranceCompensationIn, _caller: Reader) -> AwardOut:
    params = _policy_params(body)
    award = pol.insurance_compensation(body.premium, params)
    return award_out(award, params, body)


@router.post(
    "/policies/innovation-centre-city-minimum", summary="市财政补助不低于省财政补助的2倍（衢政发〔2023〕1号 二10）"
)
async def innovation_centre(body: InnovationCentreIn, _caller: Reader) -> AwardOut:
    params = _policy_params(body)
    award = pol.innovation_centre_city_minimum(body.provincial_funding, params, body.city_funding)
    return award_out(award, params, body)


@router.post("/policies/tech-transfer-income", summary="技术转让所得免征、减半（衢政发〔2023〕1号 二12）")
async def tech_transfer(body: TechTransferIn, _caller: Reader) -> TechTransferOut:
    params = _policy_params(body)
    split = pol.tech_transfer_income_split(body.income, params)
    return TechTransferOut(
        exempt=split.exempt,
        halved=split.halved,
        taxable_base=split.taxable_base,
        basis=split.basis,
        parameter_version=params.version,
        scenario=body.parameters,
    )


def _item_out(item: pol.PolicyItem) -> PolicyItemOut:
    return PolicyItemOut(
        number=item.number,
        title=item.title,
        responsible=list(item.responsible),
        targets=[
            TargetOut(metric=t.metric, comparator=t.comparator, value=f"{t.value:f}", unit=t.unit) for t in item.targets
        ],
        measures=list(item.measures),
        calculator=item.calculator,
        basis=item.basis,
    )


@router.get("/policies/items", summary="衢政发〔2023〕1号 科技创新政策第7–16条")
async def policy_items(_caller: Reader) -> list[PolicyItemOut]:
    items: Iterable[pol.PolicyItem] = pol.ITEMS
    return [_item_out(i) for i in items]


@router.get("/policies/items/{number}", summary="单条政策（可引用）")
async def policy_item(number: int, _caller: Reader) -> PolicyItemOut:
    try:
        return _item_out(pol.policy_item(number))
    except KeyError:
        raise ProblemError(404, "not_found", f"科技创新政策无第{number}条（第7–16条）", field="number") from None
