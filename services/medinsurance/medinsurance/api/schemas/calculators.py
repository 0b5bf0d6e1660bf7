"""Bodies of the calculators of dated duties (api/calculators.py)."""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field

from medinsurance.api.schemas.common import Day, Strict
from medinsurance.rules import conduct
from qz_common.money import Yuan
from qz_common.scenario import ScenarioEcho, ScenarioParameters

Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e9"), max_digits=14, decimal_places=4)]


class DeadlineOut(BaseModel):
    deadline: dt.date
    provisional: bool = Field(description="期间含尚未公布放假安排的年份（按周一至周五及固定日期法定节假日计）")
    basis: str
    scenario: ScenarioEcho = None


class Duty(StrEnum):
    PAYMENT = "payment"  # 四(六) 申报后30个工作日内拨付
    MAJOR_CHANGE = "major_change"  # 附件1 一(一) 批准之日起30个工作日内提出变更申请
    EMERGENCY_CARD = "emergency_card"  # 附件2 二(十四) 两个工作日内补办


class DeadlineIn(Strict):
    duty: Duty = Field(
        description="期限事项：payment 医保费用拨付 | major_change 重大信息变更申请 | emergency_card 急诊补办医保凭证"
    )
    start: Day = Field(
        description="起算日（不计入）：payment 申报之日；major_change 有关部门批准之日；emergency_card 办理住院之日"
    )
    parameters: ScenarioParameters = None


class DispensingIn(Strict):
    on: Day = Field(description="配药之日")
    disease: conduct.DiseaseKind = Field(
        description="疾病类别：acute 急性病 | chronic 一般慢性病 | managed_special_chronic 纳入特殊病种及慢性病管理"
    )
    days: Annotated[int, Field(ge=1, le=3650, description="单次配药天数")]
    parameters: ScenarioParameters = None


class DispensingOut(BaseModel):
    allowed: bool
    max_days: int
    basis: str
    scenario: ScenarioEcho = None


class PasswordIn(Strict):
    on: Day = Field(description="设置密码之日")
    password: Annotated[str, Field(min_length=1, max_length=128)] = Field(
        description="拟设置的医保系统账号密码（只做强度检查，不保存）"
    )
    parameters: ScenarioParameters = None


class PasswordOut(BaseModel):
    strong_enough: bool
    problems: list[str]
    basis: str
    scenario: ScenarioEcho = None


class PriceIn(Strict):
    unit_price: Amount = Field(description="实际销售单价（元）")
    payment_standard: Amount = Field(description="药品支付价格（支付标准）")
    quantity: Amount = Field(description="数量")


class PriceOut(BaseModel):
    payable: Yuan
    unpaid_excess: Yuan
    basis: str


class NonRenewalIn(Strict):
    requested_on: Day = Field(description="提出不再续签申请之日")
    ends_on: Day = Field(description="医保协议到期日")
    parameters: ScenarioParameters = None


class NonRenewalOut(BaseModel):
    in_time: bool
    detail: str
    basis: str
    scenario: ScenarioEcho = None


class GradeChangeIn(Strict):
    changed_on: Day = Field(description="医疗机构等级发生变化之日")
    accepted_on: Day | None = Field(None, description="医保经办机构验收通过之日（如已验收）")
    parameters: ScenarioParameters = None


class GradeChangeOut(BaseModel):
    filing_deadline: dt.date
    preparation_deadline: dt.date
    new_rates_from: dt.date | None
    basis: str
    scenario: ScenarioEcho = None


class DayOut(BaseModel):
    day: dt.date
    working: bool
    provisional: bool
    source: str = Field(description="chinesecalendar | operator | statutory-fixed | mon-fri")
