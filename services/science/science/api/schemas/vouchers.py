"""Bodies of api/vouchers.py: 44号 carriers, pools, claims, expiry and redemptions."""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from qz_common.clock import today
from qz_common.districts import District
from qz_common.ids import USCC
from qz_common.impact import ImpactIn
from qz_common.money import Yuan
from qz_common.periods import add_months
from qz_common.scenario import ScenarioEcho, ScenarioParameters
from science.api.schemas.common import (
    DocumentNumber,
    Money,
    Name,
    Out,
    PastDate,
    PositiveMoney,
    RecordId,
    RefusalReasonOut,
    Strict,
    Text,
)
from science.casework.redemptions import Submission
from science.rules.basis import IN_FORCE_FROM
from science.rules.voucher_lifecycle import ApplicantKind, CarrierChannel, RedemptionMaterials
from science.rules.voucher_subsidy import AuditPurpose, ServiceRequest, ServiceType


class CarrierIn(Strict):
    name: Name = Field(description="创新载体名称")
    uscc: USCC = Field(description="统一社会信用代码")
    kind: Annotated[str, Field(min_length=1, max_length=40, description="科研院所、高等学校、科技创新服务平台等")]
    in_quzhou: bool = Field(description="是否在衢州市注册")
    channel: CarrierChannel = Field(
        description="入驻渠道：本地注册、四省边际共享专区、浙江省科技大脑、浙江省仪器共享平台"
    )
    district: District = Field(description="所在区县（市）")
    related_holders: list[Annotated[str, Field(min_length=15, max_length=18)]] = Field(
        default_factory=list, description="与本载体存在隶属、共建关系的企业（统一社会信用代码）或创业者（身份证号）"
    )


class CarrierPatch(Strict):
    status: Literal["active", "suspended"] | None = Field(None, description="状态：active 正常 | suspended 暂停服务")
    related_holders: list[Annotated[str, Field(min_length=15, max_length=18)]] | None = Field(
        None, description="与本载体存在隶属、共建关系的企业或创业者（替换原名单）"
    )


class CarrierOut(Out):
    id: int
    name: str
    uscc: str
    kind: str
    in_quzhou: bool
    channel: str
    district: str
    status: str
    related_holders: list[str]
    created_at: dt.datetime


# 四(二) 定额发放、先到先得, 每年最高申领额度, and 四(四) 当年度12月31日前 兑付: a batch of quota is a year's.
POOL_HORIZON_MONTHS = 12


class PoolIn(Strict):
    name: Name = Field(description="创新券资金池名称")
    district: District = Field("市本级", description="资金所属区县（市）或市本级")
    total: PositiveMoney
    opens_on: dt.date = Field(description="开放申领之日")
    closes_on: dt.date = Field(description="截止申领之日")

    @model_validator(mode="after")
    def _window(self) -> "PoolIn":
        """A batch is published for the year ahead at most, and open for a year at most (V-18)."""
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on 不得早于 opens_on")
        if self.opens_on > add_months(today(), POOL_HORIZON_MONTHS):
            raise ValueError(f"opens_on 晚于今天起{POOL_HORIZON_MONTHS}个月：创新券额度按年度定额发放，不预先发布")
        if self.closes_on > add_months(self.opens_on, POOL_HORIZON_MONTHS):
            raise ValueError(f"closes_on 晚于开放之日起{POOL_HORIZON_MONTHS}个月：一批额度的申领期不超过一年")
        return self


class PoolOut(Out):
    id: int
    name: str
    district: str
    total: Yuan
    available: Yuan
    opens_on: dt.date
    closes_on: dt.date
    created_at: dt.datetime


class MyClaimIn(Strict):
    """A 创业者's or an enterprise's own claim through 浙里办: the holder is the signed-in person (创业者) or legal
    person (企业, which must be registered, 四(一))."""

    pool_id: RecordId = Field(description="创新券资金池编号")
    holder_name: Name = Field(description="申领人姓名（企业为企业名称）")
    amount: PositiveMoney
    claimed_on: PastDate | None = Field(None, description="申领日期（默认今天，北京时间）")
    has_innovation_need: bool = Field(True, description="是否有科技创新服务需求")
    competition_winner: bool = Field(False, description="在创新创业大赛取得名次")
    incubated: bool = Field(False, description="孵化器、众创空间在孵")


class ClaimIn(Strict):
    pool_id: RecordId = Field(description="创新券资金池编号")
    holder_kind: ApplicantKind = Field(description="申领人类别：企业、创业者")
    holder_id: Annotated[str, Field(min_length=15, max_length=18, description="企业统一社会信用代码或创业者身份证号")]
    holder_name: Name = Field(description="申领人名称（姓名）")
    amount: PositiveMoney
    claimed_on: PastDate | None = Field(None, description="申领日期（默认今天，北京时间）")
    has_innovation_need: bool = Field(True, description="是否有科技创新服务需求")
    competition_winner: bool = Field(False, description="创业者：在创新创业大赛取得名次")
    incubated: bool = Field(False, description="创业者：孵化器、众创空间在孵")


class ClaimWhatIfIn(ClaimIn):
    """A claim as it would be made, and the figures and readings to judge it under (nothing is issued)."""

    parameters: ScenarioParameters = None


class ClaimVerdictOut(BaseModel):
    accepted: bool = Field(description="是否予以发放")
    problems: list[RefusalReasonOut] = Field(description="不予发放的全部原因（发放时为空）")
    counted_this_year: Yuan = Field(description="本年度已申领额度中计入每年最高额度的部分（44号 四(二)）")
    quota_left: Yuan = Field(description="本次申领前尚可申领的额度")
    last_valid_on: dt.date = Field(description="发放时创新券的有效期至")
    parameter_version: str = Field(description="所用参数版本（情景测算标记 +scenario）")


class ClaimWhatIfOut(BaseModel):
    """A claim judged as the book stands and under the scenario; nothing issued, nothing stored."""

    published: ClaimVerdictOut = Field(description="按现行参数与条文理解")
    scenario: ClaimVerdictOut | None = Field(
        None,
        description="按情景参数与条文理解（仅请求含 parameters 时）",
        exclude_if=lambda verdict: verdict is None,
    )
    parameters: ScenarioEcho = None


class VoucherOut(Out):
    id: int
    pool_id: int
    district: str
    holder_kind: str
    holder_id: str
    holder_name: str
    face_value: Yuan
    remaining: Yuan
    returned: Yuan
    issued_on: dt.date
    last_valid_on: dt.date
    status: str
    priority_grounds: list[str]
    created_at: dt.datetime


class ExpireIn(Strict):
    as_of: PastDate = Field(description="收回截至哪一天（不得晚于今天）")


class YearQuotaOut(Out):
    year: int = Field(description="申领年度")
    cap: Yuan = Field(description="单个企业或创业者每年最高申领额度")
    claimed: Yuan = Field(description="本年度已申领的创新券面额合计")
    remaining: Yuan = Field(description="本年度尚可申领额度")
    basis: str


class ExpireOut(Out):
    expired_voucher_ids: list[int]
    returned: Yuan
    basis: str


class RedemptionIn(Strict):
    voucher_id: RecordId = Field(description="创新券编号")
    carrier_id: RecordId = Field(description="提供服务的创新载体编号")
    service_type: ServiceType = Field(description="服务类型（44号 三）")
    fee: PositiveMoney
    paid_amount: Money
    via_shared_platform: bool = Field(False, description="检验检测是否通过共享平台取得")
    statutory_testing: bool = Field(False, description="是否为强制检测、法定检测（不予支持）")
    audit_purpose: AuditPurpose | None = Field(None, description="专项审计的用途")
    contract_number: Annotated[str, Field(min_length=1, max_length=120)] = Field(description="技术合同编号")
    contract_sealed_by_both: bool = Field(description="技术合同是否盖有双方公章（44号 四(四)）")
    bank_receipt: bool = Field(description="是否有银行付款凭证")
    invoice_number: Annotated[str, Field(min_length=1, max_length=120)] = Field(
        description="发票号码（同一发票只能享受1次补助）"
    )
    service_evidence: bool = Field(description="是否有服务结果凭证（如查新报告、检验检测报告）")
    used_on: PastDate = Field(description="使用创新券（服务发生）日期")
    submitted_on: PastDate | None = Field(None, description="提交兑付申请日期（默认今天）")
    funded_by_other_programme: bool = Field(False, description="该服务是否已获其他财政资金支持")

    def service(self) -> ServiceRequest:
        return ServiceRequest(
            self.service_type, self.fee, self.via_shared_platform, self.statutory_testing, self.audit_purpose
        )

    def materials(self) -> RedemptionMaterials:
        return RedemptionMaterials(
            contract_number=self.contract_number,
            contract_sealed_by_both=self.contract_sealed_by_both,
            bank_receipt=self.bank_receipt,
            invoice_number=self.invoice_number,
            service_evidence=self.service_evidence,
            paid_amount=self.paid_amount,
            fee=self.fee,
        )

    def submission(self) -> Submission:
        return Submission(
            self.voucher_id,
            self.carrier_id,
            self.service(),
            self.materials(),
            self.used_on,
            self.submitted_on or today(),
            self.funded_by_other_programme,
        )


class RedemptionWhatIfIn(RedemptionIn):
    """A 兑付申请 as it would be submitted, and the figures and readings to judge it under (nothing is written)."""

    parameters: ScenarioParameters = None


class RedemptionVerdictOut(BaseModel):
    accepted: bool = Field(description="是否予以受理")
    problems: list[RefusalReasonOut] = Field(description="不予受理的全部原因（受理时为空）")
    entitlement: Yuan = Field(description="按服务类型计算的补助额（未以创新券剩余额度为限）")
    amount: Yuan = Field(description="受理时本次兑付的金额（不予受理为0）")
    lines: list[dict[str, Any]] = Field(description="计算明细")
    basis: list[str] = Field(description="条款依据")
    parameter_versions: str = Field(description="所用参数版本（情景测算标记 +scenario）")


class RedemptionWhatIfOut(BaseModel):
    """A submission judged as the books stand and under the scenario; nothing reserved, nothing stored."""

    published: RedemptionVerdictOut = Field(description="按现行参数与条文理解")
    scenario: RedemptionVerdictOut | None = Field(
        None,
        description="按情景参数与条文理解（仅请求含 parameters 时）",
        exclude_if=lambda verdict: verdict is None,
    )
    parameters: ScenarioEcho = None


class RedemptionOut(Out):
    id: int
    voucher_id: int
    carrier_id: int
    holder_id: str
    service_type: str
    fee: Yuan
    paid_amount: Yuan
    via_shared_platform: bool
    contract_number: str
    invoice_number: str
    used_on: dt.date
    submitted_on: dt.date
    entitlement: Yuan
    amount: Yuan
    lines: list[dict[str, Any]]
    basis: list[str]
    status: str
    payment_due: dt.date
    decision_reasons: list[str] | None
    decided_on: dt.date | None
    decision_document: str | None
    paid_on: dt.date | None
    payment_document: str | None
    created_at: dt.datetime


class ReviewIn(Strict):
    """44号 四(五) 组织专家评审: the review's day and the 文书号 of its conclusion."""

    on: PastDate | None = Field(None, description="评审结论作出之日（默认今天，北京时间）")
    document_number: DocumentNumber | None = Field(
        None, description="评审结论的文书号；同一兑付申请同日同文书号的重复提交视为同一决定"
    )


class ReasonsIn(ReviewIn):
    reasons: Annotated[list[Text], Field(min_length=1)] = Field(description="不予兑付的理由（逐条）")


class PayIn(Strict):
    paid_on: PastDate = Field(description="拨付之日")
    document_number: DocumentNumber | None = Field(
        None, description="拨付文件的文书号；同一兑付申请同日同文书号的重复提交视为同一次拨付"
    )


class VoucherImpactIn(Strict, ImpactIn):
    year: int = Field(ge=IN_FORCE_FROM.year, le=2099, description="兑付申请提交的年份", examples=[2023])
    district: District | None = Field(
        None, description="只测算该区（县、市）发放的创新券；省略时为全部（限区用户只见本区）"
    )
