"""Bodies of api/institutes.py: 43号 applications, decisions, annual reports, changes, upgrade, revocation."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from qz_common.ids import USCC
from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters
from science.api.schemas.common import (
    ConditionOut,
    DocumentNumber,
    Money,
    Out,
    PastDate,
    RefusalReasonOut,
    Strict,
    Text,
)
from science.api.schemas.rules import InstituteEligibilityIn
from science.rules.institute_application import AuditItem
from science.rules.institute_management import RevocationGround


class AuditReportIn(Strict):
    year: int = Field(ge=2000, le=2100, description="专项审计报告所属年度")
    items: list[AuditItem] = Field(description="专项审计报告包含的事项")


class MaterialsIn(Strict):
    """43号 二(一) 申请材料."""

    application_form: bool = Field(description="附件1 建设申请书")
    implementation_plan: bool = Field(description="附件2 建设实施方案")
    commitment: bool = Field(description="附件3 企业承诺书")
    audit_reports: list[AuditReportIn] = Field(default_factory=list, max_length=10, description="近三年专项审计报告")


class InstituteApplicationIn(Strict):
    enterprise_uscc: USCC = Field(description="申请企业的统一社会信用代码")
    trade_name: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="企业字号（研究院统一命名用）")
    core_direction: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="研究院的核心研究方向")
    materials: MaterialsIn = Field(description="申请材料（43号 二(一)）")
    application: InstituteEligibilityIn = Field(description="认定条件逐项情况（43号 一）")


class InstituteWhatIfIn(InstituteApplicationIn):
    """An application as it would be made, and the figures and readings to judge it under (nothing is stored)."""

    parameters: ScenarioParameters = None


class ApplicationVerdictOut(BaseModel):
    accepted: bool = Field(description="是否予以受理")
    problems: list[RefusalReasonOut] = Field(description="不予受理的全部原因（受理时为空）")
    eligible: bool = Field(description="认定条件（43号 一）是否全部满足")
    conditions: list[ConditionOut] = Field(description="认定条件逐项结果")
    parameter_version: str = Field(description="所用参数版本（情景测算标记 +scenario）")


class InstituteWhatIfOut(BaseModel):
    """An application judged as the book stands and under the scenario; nothing stored."""

    published: ApplicationVerdictOut = Field(description="按现行参数与条文理解")
    scenario: ApplicationVerdictOut | None = Field(
        None,
        description="按情景参数与条文理解（仅请求含 parameters 时）",
        exclude_if=lambda verdict: verdict is None,
    )
    parameters: ScenarioEcho = None


class ReviewOut(Out):
    occurred_on: dt.date = Field(description="须复核之日（证书到期次日）")
    detail: str
    basis: str


class InstituteOut(Out):
    id: int
    enterprise_uscc: str
    district: str
    name: str
    trade_name: str
    core_direction: str
    status: str
    applied_on: dt.date
    eligible: bool
    conditions: list[ConditionOut]
    tech_service: bool
    knowledge_intensive: str | None
    no_violation_certificate: str | None
    batch: str | None
    recognised_on: dt.date | None
    status_reason: str | None
    status_basis: str | None
    status_changed_on: dt.date | None
    status_document: str | None
    parameter_version: str
    created_at: dt.datetime
    hitech_review: ReviewOut | None = Field(
        None,
        description="主办企业高新技术企业证书已到期（按登记的有效期计算）：自到期次日起须复核企业研究院资格"
        "（43号 三(六)2）；取消资格须另行作出决定",
    )


InstituteAction = Literal["recommend", "pass_review", "fail_review", "publicise", "recognise", "reject"]


class InstituteDecisionIn(Strict):
    action: InstituteAction = Field(description="办理环节：县级推荐、评审通过、评审未通过、公示、认定、不予认定")
    on: PastDate = Field(description="办理之日")
    note: Annotated[str, Field(max_length=300)] | None = Field(None, description="办理意见")
    no_violation_certificate: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        None, description="县级科技管理部门开具的无违法证明编号（recommend 时必填）"
    )
    batch: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(
        None, description="认定批次（recognise 时必填）"
    )
    document_number: DocumentNumber | None = Field(
        None, description="该环节文件的文书号（如推荐函、认定文件）；同一研究院同日同环节同文书号的重复提交视为同一决定"
    )


class AnnualReportIn(Strict):
    year: int = Field(ge=2022, le=2100, description="报告年度")
    sales: Money
    rd_expense: Money


class AnnualReportOut(Out):
    id: int
    institute_id: int
    year: int
    sales: Yuan
    rd_expense: Yuan
    meets_standard: bool
    detail: str
    outcome: str
    basis: list[str]
    created_at: dt.datetime


class ChangeIn(Strict):
    kind: Literal["rename", "restructure", "other"] = Field(
        description="变更类别：rename 更名 | restructure 重组 | other 其他"
    )
    description: Text = Field(description="变更情况说明")
    changed_on: PastDate = Field(description="变更发生之日")
    reported_on: PastDate = Field(description="报告之日")
    new_trade_name: Annotated[str, Field(min_length=1, max_length=60)] | None = Field(
        None, description="更名后的企业字号"
    )
    new_core_direction: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        None, description="变更后的核心研究方向"
    )


class InstituteEventOut(Out):
    id: int
    institute_id: int
    kind: str
    occurred_on: dt.date
    detail: str
    basis: str
    created_at: dt.datetime


class ChangeOut(Out):
    id: int
    institute_id: int
    kind: str
    description: str
    changed_on: dt.date
    reported_on: dt.date
    deadline: dt.date
    on_time: bool
    new_name: str | None
    created_at: dt.datetime


class UpgradeIn(Strict):
    on: PastDate = Field(description="升级为省级企业研究院之日")
    provincial_designation: Text = Field(description="省级认定的名称及文号")
    document_number: DocumentNumber | None = Field(
        None, description="省级认定文件的文书号；同一研究院同日同文书号的重复提交视为同一决定"
    )


class RevokeIn(Strict):
    ground: RevocationGround = Field(
        description="取消资格的原因：提供虚假材料、企业注销、失去高新技术企业资格、发生重大事故、研发投入连续两年未达标"
    )
    decided_on: PastDate = Field(description="作出取消决定之日")
    reason: Text = Field(description="取消理由")
    document_number: DocumentNumber | None = Field(
        None, description="取消资格决定的文书号；同一研究院同日同文书号的重复提交视为同一决定"
    )
