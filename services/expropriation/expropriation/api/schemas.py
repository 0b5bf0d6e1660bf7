"""Request and response bodies of the expropriation API.

The quote request maps one to one onto ``rules.types.QuoteInput`` (same field names), so the law-facing code
and the public contract cannot drift apart.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
    model_validator,
)

from expropriation.api.examples import EXAMPLES
from expropriation.rules.declarations import recognise_area
from expropriation.rules.quote import MethodOutcome, Quote
from expropriation.rules.types import (
    AppraisedItem,
    AppraisedKind,
    Building,
    BuildingKind,
    CivilServiceExit,
    Exclusion,
    FlatType,
    Land,
    Member,
    Method,
    Occupancy,
    QuoteInput,
    RuleError,
    Structure,
    Use,
    WorkKind,
)
from qz_common.clock import today
from qz_common.examples import examples_by_model
from qz_common.ids import USCC, IdNumber, birth_date
from qz_common.inputs import StrictInput
from qz_common.money import Yuan
from qz_common.periods import add_months
from qz_common.scenario import ScenarioEcho, ScenarioParameters

Area = Annotated[Decimal, Field(ge=0, le=100000, max_digits=12, decimal_places=2, description="平方米")]
Price = Annotated[Decimal, Field(ge=0, le=10_000_000, max_digits=14, decimal_places=2, description="元")]
Name = Annotated[str, Field(min_length=1, max_length=60)]
Height = Annotated[Decimal, Field(ge=0, le=20, max_digits=5, decimal_places=2, description="米")]
# JSON true/false only: "yes", "1" or "true" as a string are refused, not guessed (the CSV roster converts its cells).
Flag = StrictBool
# Body ids: a BIGINT key, so an id beyond 64 bits is a 422, never a database error.
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
# How far ahead a 征收土地预公告 may be dated (a planned announcement), and any other date of a project or quote.
ANNOUNCEMENT_HORIZON_MONTHS = 12
PLANNING_HORIZON_MONTHS = 120


def _not_after_today(value: dt.date) -> dt.date:
    """Deaths, works, signatures, hand-overs, decisions and payments are facts: they cannot lie in the future."""
    if value > today():
        raise ValueError(f"{value} 晚于今天（{today()}），该日期须为已发生的事实")
    return value


def _within(months: int) -> Callable[[dt.date], dt.date]:
    def check(value: dt.date) -> dt.date:
        limit = add_months(today(), months)
        if value > limit:
            raise ValueError(f"{value} 晚于 {limit}，超出合理范围")
        return value

    return check


PastDate = Annotated[dt.date, AfterValidator(_not_after_today)]
AnnouncementDate = Annotated[dt.date, AfterValidator(_within(ANNOUNCEMENT_HORIZON_MONTHS))]
PlanDate = Annotated[dt.date, AfterValidator(_within(PLANNING_HORIZON_MONTHS))]


class Strict(StrictInput, BaseModel):  # BaseModel named too: ruff then knows the subclasses are models
    """Request bodies: unknown fields and control characters refused, -0 read as 0 (qz_common.inputs)."""

    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))  # api/examples.py


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def area_str(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


class MemberIn(Strict):
    name: Name = Field(description="姓名")
    id_number: IdNumber = Field(description="居民身份证号码（18位，含校验码）")
    collective_member: Flag = Field(description="是否为本村（居）集体经济组织成员（三(一)1）")
    exclusion: Exclusion | None = Field(
        None,
        description="不列入安置人口的情形（三(一)1(1)–(5)）：挂靠、在编人员、已享受安置、已享受房改或保障房、其他特殊人员",
    )
    born_on: dt.date | None = Field(None, validate_default=True, description="出生日期；缺省取身份证号中的出生日期")
    died_on: PastDate | None = Field(None, description="死亡日期（如已死亡）")
    is_owner: Flag = Field(False, description="拥有被征收房屋所有权（无安置人口的户须有产权人，三(二)）")
    occupancy: Occupancy = Field(
        Occupancy.HOUSEHOLD, description="居住关系：household 户内 | tenant 承租人 | borrower 借用人（三(四)5）"
    )
    civil_service_exit: CivilServiceExit | None = Field(
        None, description="在编人员离开编制的方式：retired 离退休 | resigned 辞职 | dismissed 辞退（三(一)1(2)）"
    )
    civil_service_left_on: PastDate | None = Field(None, description="辞职、辞退的日期")
    housing_reform_rented_only: Flag = Field(
        False, description="仅租住房改房、政府保障性住房（不属已享受房改，三(一)1(4)）"
    )
    counted_in_other_household: Flag = Field(False, description="已在其他户计为安置人口（同一人不重复计算）")

    @field_validator("born_on")
    @classmethod
    def _born(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        id_number = info.data.get("id_number")
        if id_number is None:
            return value
        from_id = birth_date(id_number)
        if value is not None and value != from_id:
            raise ValueError(f"与身份证号中的出生日期 {from_id} 不一致")
        return from_id

    @field_validator("died_on")
    @classmethod
    def _died(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        born = info.data.get("born_on")
        if value is not None and born is not None and value < born:
            raise ValueError("死亡日期早于出生日期")
        return value

    def to_rules(self) -> Member:
        return Member(**vars(self))


class BuildingIn(Strict):
    use: Use = Field(description="用途：residential 住宅 | non_residential 非住宅")
    structure: Structure = Field(
        description="结构：frame 框架 | brick_concrete 砖混 | brick_wood 砖木 | other 其他（附件 重置价格）"
    )
    legal_area_m2: Area = Field(description="合法建筑面积；缺省按二(三)由证载面积或主管部门核定面积认定")
    certificate_area_m2: Area | None = Field(None, description="《不动产权证书》/《房屋所有权证》证载面积")
    authority_area_m2: Area | None = Field(None, description="证书不全或无证的，相关行政主管部门核定的面积")
    built_year: int = Field(ge=1900, le=2100, description="建成年份（成新计算用）")
    kind: BuildingKind = Field(
        BuildingKind.MAIN,
        description="建筑类别：主房、阁楼、架空层、附房、违法搭建、未拆旧房",
    )
    land: Land = Field(Land.COLLECTIVE, description="土地性质：collective 集体土地 | state 国有土地")
    built: Flag = Field(True, description="false：审批面积中未建部分（三(三)3(2) 未建部分面积不计价值）")
    eaves_height_m: Height | None = Field(None, description="檐口高度（只用于阁楼）")
    clear_height_m: Height | None = Field(None, description="层高（只用于架空层）")
    work_kind: WorkKind | None = Field(
        None,
        description="征收土地预公告后的新建、改建、扩建、突击装修等不当增加补偿的行为（二(一)，不予补偿）",
    )
    work_done_on: PastDate | None = Field(None, description="上述行为的实施日期（与 work_kind 同时填写）")
    label: str = Field("", max_length=60, description="房屋标注（如“主房”“东侧附房”），显示在结算单上")
    owner_uscc: USCC | None = Field(None, description="非住宅房屋的产权单位统一社会信用代码（如有）")

    @model_validator(mode="before")
    @classmethod
    def _recognise(cls, data: Any) -> Any:
        """二(三): without an explicit legal area, the certificate area, else the authority-certified area."""
        if isinstance(data, dict) and data.get("legal_area_m2") is None:
            cert, auth = data.get("certificate_area_m2"), data.get("authority_area_m2")
            if cert is not None or auth is not None:
                # a bad value is left for the field validators to report
                with contextlib.suppress(RuleError, ArithmeticError, ValueError):
                    data = {
                        **data,
                        "legal_area_m2": recognise_area(
                            Decimal(str(cert)) if cert is not None else None,
                            Decimal(str(auth)) if auth is not None else None,
                        ).area_m2,
                    }
        return data

    @field_validator("certificate_area_m2", "authority_area_m2")
    @classmethod
    def _one_legal_area(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        """二(三): the certificate (else the authority) decides the legal area; a different declared area is a
        conflict to resolve, not a choice of the larger (A-36)."""
        legal = info.data.get("legal_area_m2")
        if value is None or legal is None or value == legal:
            return value
        if info.field_name == "authority_area_m2" and info.data.get("certificate_area_m2") is not None:
            return value  # with a certificate, the authority's figure is not the basis
        raise ValueError(f"与申报的合法建筑面积 {legal} 不一致：以证载（或主管部门核定）面积为准，请更正后再申报")

    @model_validator(mode="after")
    def _work_with_its_day(self) -> BuildingIn:
        if (self.work_kind is None) != (self.work_done_on is None):
            raise ValueError("work_kind 与 work_done_on 须同时填写")
        return self

    def to_rules(self) -> Building:
        return Building(**self.model_dump(exclude={"owner_uscc", "certificate_area_m2", "authority_area_m2"}))


class AppraisedItemIn(Strict):
    """三(四)3: 装修、其他附属物（构筑物）、临时建筑, at the amount appraised under the state-land standard."""

    kind: AppraisedKind = Field(description="评估项目类别：装修、其他附属物（构筑物）、临时建筑（三(四)3）")
    label: Name = Field(description="项目名称，显示在结算单上")
    amount: Price = Field(description="评估机构按国有土地上房屋征收补偿标准评估的金额")
    made_on: PastDate | None = Field(None, description="建造或装修日期（征收土地预公告后的不予补偿，二(一)）")

    def to_rules(self) -> AppraisedItem:
        return AppraisedItem(**vars(self))


class HouseholdFacts(Strict):
    """What a household declares and chooses (shared by quotes and stored households)."""

    members: list[MemberIn] = Field(min_length=1, max_length=60, description="户内人员（认定安置人口，三(一)）")
    buildings: list[BuildingIn] = Field(min_length=1, max_length=200, description="被征收房屋（逐幢）")
    appraised_items: list[AppraisedItemIn] = Field(
        default_factory=list, max_length=200, description="装修、附属物、临时建筑的评估项目"
    )
    agreement_signed_on: PastDate | None = Field(
        None, description="签订征收补偿协议之日（签约期限内签约的奖励以此判断）"
    )
    moves_via_temporary_housing: Flag = Field(True, description="是否经临时过渡（计发临时安置费，三(四)4）")
    vacated_on_time: Flag = Field(True, description="是否在规定期限内腾空交房（腾空奖励）")
    expropriator_provides_transit_housing: Flag = Field(False, description="征收人提供周转用房（不再计发临时安置费）")
    voucher_purchase_price: Price | None = Field(None, description="房票安置：所购商品房总价（元）")
    voucher_buys_new_housing: Flag = Field(False, description="房票安置：所购为新建商品房（可享购房奖励）")
    flat_area_m2: Area | None = Field(None, description="公寓房（产权调换）安置：所选安置房建筑面积")
    flat_type: FlatType = Field(
        FlatType.MULTI_STOREY, description="安置公寓类型：multi_storey 多层 | high_rise 高层（过渡期限不同）"
    )
    flat_market_price_per_m2: Price | None = Field(None, description="安置公寓房的市场评估价（元/m²）")
    flat_replacement_price_per_m2: Price | None = Field(None, description="安置公寓房的结算价（元/m²）")
    delivery_months: int | None = Field(None, ge=0, le=240, description="安置房预计交付所需月数（计算临时安置期限）")


class QuoteRequest(HouseholdFacts):
    district: str = Field(description="柯城区 | 衢江区")
    pre_announcement_date: AnnouncementDate = Field(description="征收土地预公告发布之日")
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


class MethodOutcomeOut(BaseModel):
    method: Method
    available: bool
    quote: QuoteOut | None
    refusal: RefusalOut | None

    @classmethod
    def of(cls, o: MethodOutcome) -> MethodOutcomeOut:
        return cls(
            method=o.method,
            available=o.quote is not None,
            quote=QuoteOut.of(o.quote) if o.quote else None,
            refusal=refusal(o.error) if o.error else None,
        )


class CompareOut(BaseModel):
    outcomes: list[MethodOutcomeOut]
    scenario: ScenarioEcho = None


# --- cases -------------------------------------------------------------------------------------------------------


class ProjectIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=120)] = Field(description="征收项目名称")
    district: str = Field(description="柯城区 | 衢江区")
    village: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="被征收的行政村（社区）")
    pre_announcement_date: AnnouncementDate = Field(description="征收土地预公告发布之日")
    signing_deadline: PlanDate = Field(description="征收补偿方案规定的签约期限届满之日")
    handover_deadline: PlanDate | None = Field(None, description="规定的腾空交房期限届满之日")
    valuation_date: PlanDate = Field(description="评估时点（适用该日施行的参数）")
    outside_urban_plan_area: Flag = Field(False, description="是否在城镇开发边界（城市规划区）以外")
    appraised_price_per_m2: Price | None = Field(None, description="被征收房屋的评估单价（元/m²）")
    market_price_per_m2: Price | None = Field(None, description="同区域新建商品住宅市场评估价（元/m²）")
    early_vacate_rate_per_m2: Price | None = Field(None, description="提前腾空奖励标准（元/m²）；缺省取区参数簿")

    @field_validator("signing_deadline", "valuation_date")
    @classmethod
    def _after_pre(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        pre = info.data.get("pre_announcement_date")
        if pre is not None and value < pre:
            raise ValueError("早于征收土地预公告日")
        return value

    @field_validator("handover_deadline")
    @classmethod
    def _after_signing(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        deadline = info.data.get("signing_deadline")
        if value is not None and deadline is not None and value < deadline:
            raise ValueError("早于签约截止日")
        return value


class ProjectOut(Out):
    id: int
    name: str
    district: str
    village: str
    pre_announcement_date: dt.date
    signing_deadline: dt.date
    handover_deadline: dt.date | None
    valuation_date: dt.date
    outside_urban_plan_area: bool
    appraised_price_per_m2: Yuan | None
    market_price_per_m2: Yuan | None
    early_vacate_rate_per_m2: Yuan | None
    created_at: dt.datetime


class HouseholdIn(HouseholdFacts):
    ref: Annotated[str, Field(min_length=1, max_length=40, description="花名册户号")]
    head_name: Name = Field(description="户主姓名")
    natural_village: str | None = Field(None, max_length=60, description="自然村（缺省为项目所在村）")
    method: Method = Field(Method.MONETARY, description="选择的安置方式（货币补偿、房票、产权调换、迁建）")
    appraised_price_per_m2: Price | None = Field(None, description="本户评估价（缺省取项目评估价）")


class HouseholdOut(Out):
    id: int
    project_id: int
    ref: str
    head_name: str
    district: str
    natural_village: str
    method: Method
    facts: dict[str, Any]
    created_at: dt.datetime


class DeclarationIn(Strict):
    declared_on: PastDate = Field(description="申报之日")
    documents: list[
        Literal[
            "户口簿", "不动产权证书", "房屋所有权证", "土地使用权证", "其他有效权属证明", "房屋租赁协议", "房屋抵押协议"
        ]
    ] = Field(min_length=1, description="提交的权属及身份证明材料")
    proofs: list[Literal["certificate", "township_or_land_authority", "building_permit", "other_required"]] = Field(
        min_length=1,
        description="合法面积的证明：权属证书、乡镇（街道）或自然资源部门证明、建房审批文件、其他规定材料（二(三)）",
    )
    members: list[MemberIn] = Field(min_length=1, max_length=60, description="申报的户内人员")
    buildings: list[BuildingIn] = Field(min_length=1, max_length=200, description="申报的房屋")


class DeclarationOut(Out):
    id: int
    household_id: int
    declared_on: dt.date
    documents: list[str]
    proofs: list[str]
    basis: str
    created_at: dt.datetime


class AgreementIn(Strict):
    household_id: RecordId = Field(description="被征收户编号")
    method: Method = Field(description="协议约定的安置方式")
    signed_on: PastDate = Field(description="签订协议之日")
    handed_over_on: PastDate | None = Field(None, description="腾空交房之日（签约时已交房的）")


class AgreementOut(Out):
    id: int
    household_id: int
    project_id: int
    district: str
    method: Method
    signed_on: dt.date
    handed_over_on: dt.date | None
    city_parameter_version: str
    district_parameter_version: str
    total: Yuan
    quote: dict[str, Any]
    member_id_numbers: list[str]
    building_owner_usccs: list[str]
    created_at: dt.datetime


class HandoverIn(Strict):
    handed_over_on: PastDate = Field(description="腾空交房之日")


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


class PaymentIn(Strict):
    agreement_id: RecordId = Field(description="征收补偿协议编号")
    item_code: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="支付的补偿项目代码（见该户测算结果 items[].code）"
    )
    amount: Annotated[Price, Field(gt=0)]
    paid_on: PastDate = Field(description="支付之日")
    reference: str = Field("", max_length=120, description="支付凭证号")


class PaymentOut(Out):
    id: int
    agreement_id: int
    item_code: str
    amount: Yuan
    paid_on: dt.date
    reference: str
    created_at: dt.datetime


class ClawbackIn(Strict):
    agreement_id: RecordId = Field(description="征收补偿协议编号")
    found_on: PastDate = Field(description="发现多付之日")
    reason: Annotated[str, Field(min_length=1, max_length=500)] = Field(description="追回原因")
    corrected: HouseholdFacts = Field(description="查实后的申报（据以重算应得金额）")


class ClawbackOut(Out):
    id: int
    agreement_id: int
    found_on: dt.date
    reason: str
    amount: Yuan
    by_item: dict[str, str]
    basis: str
    created_at: dt.datetime


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


# --- 房票 (三(三)2) ---------------------------------------------------------------------------------------------------


class VoucherIssueIn(Strict):
    issued_on: PastDate = Field(description="出票日（三(三)2(2) 有效期自出票之日起计算）")


class VoucherUseIn(Strict):
    used_on: PastDate = Field(description="以房票购房（网签）之日")
    purchase_price: Annotated[Price, Field(gt=0, description="所购商品房价格")]
    reference: str = Field("", max_length=120, description="购房合同号")


class VoucherConvertIn(Strict):
    converted_on: PastDate = Field(description="房票有效期届满后申请转为货币补偿之日")


class VoucherOut(Out):
    id: int
    agreement_id: int
    household_id: int
    district: str
    face_value: Yuan
    issued_on: dt.date
    expires_on: dt.date = Field(description="有效期最后一日（含）")
    state: str
    remaining_value: Yuan
    used_on: dt.date | None
    purchase_price: Yuan | None
    purchase_reference: str
    converted_on: dt.date | None
    converted_value: Yuan | None
    conversion_cash: Yuan | None
    basis: str = "衢政发〔2023〕2号 三(三)2"
    created_at: dt.datetime
