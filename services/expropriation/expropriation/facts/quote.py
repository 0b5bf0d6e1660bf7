"""A quote as computed (and as stored on an agreement at signing), its refusal, and the batch over a project.

The quote request maps one to one onto ``rules.types.QuoteInput`` (same field names), so the law-facing code
and the public contract cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from expropriation.facts.household import HouseholdFacts
from expropriation.facts.types import AnnouncementDate, Flag, PlanDate, Price, area_str
from expropriation.rules.quote import Quote
from expropriation.rules.types import Method, QuoteInput, RuleError
from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters


class QuoteRequest(HouseholdFacts):
    district: str = Field(description="柯城区 | 衢江区")
    pre_announcement_date: AnnouncementDate = Field(description="征收土地预公告发布之日")
    announcement_date: AnnouncementDate | None = Field(
        None, description="征收公告发布之日；未发布的省略（五(二)“施行前已实施征收”自征收公告起算的理解读取，A-02）"
    )
    signing_deadline: PlanDate = Field(description="征收补偿方案规定的签约期限届满之日")
    valuation_date: PlanDate = Field(description="评估时点（适用该日施行的参数）")
    method: Method = Field(description="安置方式：货币补偿、房票、产权调换（公寓房）、迁建（宅基地）（三(三)）")
    village_all_signed: Flag = Field(False, description="全村（组）是否已全部签约（整村签约奖励）")
    appraised_price_per_m2: Price | None = Field(None, description="被征收房屋的评估单价（元/m²）")
    market_price_per_m2: Price | None = Field(None, description="同区域新建商品住宅市场评估价（元/m²）")
    early_vacate_rate_per_m2: Price | None = Field(None, description="提前腾空奖励标准（元/m²）；缺省取区参数簿")
    outside_urban_plan_area: Flag = Field(False, description="是否在城镇开发边界（城市规划区）以外")
    parameters: ScenarioParameters = None

    def to_rules(self) -> QuoteInput:
        data = self.model_dump(exclude={"members", "buildings", "appraised_items", "parameters"})
        return QuoteInput(
            members=tuple(m.to_rules() for m in self.members),
            buildings=tuple(b.to_rules() for b in self.buildings),
            appraised_items=tuple(a.to_rules() for a in self.appraised_items),
            **data,
        )


class ItemOut(BaseModel):
    code: str
    amount: Yuan
    basis: str
    kind: str
    inputs: dict[str, str]


class PersonOut(BaseModel):
    name: str
    id_number: str
    counted: bool
    reason: str
    basis: str


class FindingOut(BaseModel):
    subject: str
    decision: str
    reason: str
    basis: str


class QuoteOut(BaseModel):
    district: str
    method: Method
    parameter_versions: dict[str, str]
    resettlement_persons: int
    resettlement_area_m2: str
    resettlement_area_basis: str
    resettlement_area_reason: str
    money_only: bool
    legal_residential_area_m2: str
    built_residential_area_m2: str = Field("", description="已建成的合法住宅面积（按平方米计付的各项以此为准）")
    persons: list[PersonOut]
    excluded_persons: list[PersonOut]
    excluded_buildings: list[FindingOut]
    items: list[ItemOut]
    total: Yuan
    cash_total: Yuan
    voucher_total: Yuan
    charges_total: Yuan
    notes: list[str]
    scenario: ScenarioEcho = None

    @classmethod
    def of(cls, q: Quote, scenario: ScenarioEcho = None) -> QuoteOut:
        persons = [PersonOut(**vars(p)) for p in q.persons]
        return cls(
            district=q.district,
            method=q.method,
            parameter_versions=q.parameter_versions,
            resettlement_persons=q.resettlement_persons,
            resettlement_area_m2=area_str(q.resettlement_area_m2),
            resettlement_area_basis=q.area.basis,
            resettlement_area_reason=q.area.reason,
            money_only=q.area.money_only,
            legal_residential_area_m2=area_str(q.legal_residential_area_m2),
            built_residential_area_m2=area_str(q.built_residential_area_m2),
            persons=persons,
            excluded_persons=[p for p in persons if not p.counted],
            excluded_buildings=[FindingOut(**vars(f)) for f in q.findings],
            items=[
                ItemOut(code=i.code, amount=i.amount, basis=i.basis, kind=i.kind, inputs=dict(i.inputs))
                for i in q.items
            ],
            total=q.total,
            cash_total=q.total_of("cash"),
            voucher_total=q.total_of("voucher"),
            charges_total=q.total_of("charge"),
            notes=list(q.notes),
            scenario=scenario,
        )


class RefusalOut(BaseModel):
    code: str
    field: str
    detail: str
    basis: str


def refusal(e: RuleError) -> RefusalOut:
    codes = {
        "OutOfScope": "out_of_scope",
        "OldRulesApply": "old_rules_apply",
        "MethodNotAvailable": "method_not_available",
        "NotEntitled": "not_entitled",
    }
    return RefusalOut(
        code=codes.get(type(e).__name__, "rule_violation"), field=e.field, detail=e.message, basis=e.basis
    )


class BatchQuoteOut(BaseModel):
    project_id: int
    village_completion: dict[str, bool]
    quoted: int
    refused: int
    total: Yuan
    households: list[dict[str, Any]]


class ImportOut(BaseModel):
    created: int
    households: list[str]
