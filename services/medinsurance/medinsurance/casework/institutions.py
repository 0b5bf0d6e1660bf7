"""The register of 医药机构, with the 统一社会信用代码 of the operating entity."""

from dataclasses import asdict, dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from medinsurance.casework.common import audit
from medinsurance.models import Institution
from qz_common.identity import Caller, ensure_district


@dataclass(frozen=True)
class Registration:
    name: str
    kind: str
    uscc: str
    district: str
    address: str
    community: str  # 评估 "场所布局"
    secondary_or_above: bool  # 二级及以上医疗机构 (移址 needs no approval)
    public_institution: bool  # 公立 (may not 中止 or 解除 of its own accord)
    legal_rep_id_number: str | None


async def register(session: AsyncSession, caller: Caller, registration: Registration) -> Institution:
    ensure_district(caller, registration.district)
    inst = Institution(**asdict(registration))
    return await audit.add(session, caller, "register", inst)
