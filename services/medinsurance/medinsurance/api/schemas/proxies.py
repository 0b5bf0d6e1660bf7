"""Bodies of the 代配药 authorisations (api/proxies.py)."""

import datetime as dt

from pydantic import Field

from medinsurance.api.schemas.common import Day, Out, RowId, Strict
from medinsurance.rules.conduct import ProxyGround, Relationship
from qz_common.ids import IdNumber


class MyProxyIn(Strict):
    """A principal's own authorisation through 浙里办: the principal is the signed-in person."""

    institution_id: RowId | None = Field(None, description="办理委托的定点医药机构（委托随其所在区县）")
    agent_id_number: IdNumber = Field(description="代理人身份证号")
    ground: ProxyGround = Field(description="委托原因（附件2 二(四)）")
    relationship: Relationship = Field(description="代理人与参保人关系：直系亲属或近亲属、照护人员、其他")
    starts_on: Day = Field(description="委托起始日")
    agent_full_capacity: bool = Field(True, description="代理人是否为具有完全民事行为能力的成年人")
    stable_chronic_special_or_mental: bool = Field(
        True, description="所配药品是否用于诊断明确、病情稳定、治疗方案确定的慢性病、特殊病、精神病（长期委托的条件）"
    )
    carer_special_circumstance: bool = Field(False, description="照护人员作代理人的特殊情况是否成立")
    replaces_id: RowId | None = Field(None, description="变更代理人时被替换的本人委托")


class ProxyIn(Strict):
    institution_id: RowId | None = Field(
        None, description="办理委托的定点医药机构（委托随其所在区县）；缺省时为登记客户端所在区县"
    )
    principal_id_number: IdNumber = Field(description="委托人（参保人）身份证号")
    agent_id_number: IdNumber = Field(description="代理人身份证号")
    ground: ProxyGround = Field(
        description="委托原因：行动不便（残疾、瘫痪、高龄）、无民事行为能力的精神类疾病、未成年人、外伤（附件2 二(四)）"
    )
    relationship: Relationship = Field(description="代理人与参保人关系：直系亲属或近亲属、照护人员、其他")
    starts_on: Day = Field(description="委托起始日")
    agent_full_capacity: bool = Field(True, description="代理人是否为具有完全民事行为能力的成年人")
    stable_chronic_special_or_mental: bool = Field(
        True, description="所配药品是否用于诊断明确、病情稳定、治疗方案确定的慢性病、特殊病、精神病（长期委托的条件）"
    )
    carer_special_circumstance: bool = Field(False, description="照护人员作代理人的特殊情况是否成立")
    replaces_id: RowId | None = Field(None, description="变更代理人时被替换的委托")


class ProxyOut(Out):
    id: int
    institution_id: int | None
    district: str | None
    principal_id_number: str
    agent_id_number: str
    ground: str
    relationship: str
    starts_on: dt.date
    expires_on: dt.date | None
    status: str
    revoked_on: dt.date | None
    replaces_id: int | None
    drug_scope: str
    basis: str


class RevokeIn(Strict):
    on: Day = Field(description="撤销委托之日")
