"""二(二)–(四): declarations, area recognition and the dispute path."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .types import RuleError, basis

# 二(二) 申报材料
DECLARATION_DOCUMENTS: tuple[str, ...] = (
    "户口簿",
    "《不动产权证书》《房屋所有权证》《土地使用权证》及其他有效权属证明",
    "房屋租赁和抵押协议等",
)
DECLARATION_ITEMS: tuple[str, ...] = ("户籍", "家庭常住人口", "被征收房屋及其附属物")

# 二(三) 被征收房屋由被征收人提供下列证件或有效凭证之一
PROOF_KINDS: dict[str, str] = {
    "certificate": "《不动产权证书》或《房屋所有权证》《土地使用权证》",
    "township_or_land_authority": "乡镇人民政府(街道办事处)和土地行政主管部门的有关凭证",
    "building_permit": "建房批准文件，改、扩建批准文件",
    "other_required": "征收实施单位认为需要提供的其它凭证",
}


@dataclass(frozen=True)
class RecognisedArea:
    area_m2: Decimal
    source: str  # certificate | authority
    basis: str


def recognise_area(certificate_area_m2: Decimal | None, authority_area_m2: Decimal | None) -> RecognisedArea:
    """二(三): "以被征收人的《不动产权证书》或《房屋所有权证》《土地使用权证》为依据认定；证书不全或无证的，
    以相关行政主管部门核定的面积为依据确认".

    The certificate area wins whenever there is one; otherwise the authority-certified area; with neither,
    no area can be recognised.
    """
    if certificate_area_m2 is not None:
        if certificate_area_m2 < 0:
            raise RuleError("certificate_area_m2", "面积不能为负", basis("二(三)"))
        return RecognisedArea(certificate_area_m2, "certificate", basis("二(三)"))
    if authority_area_m2 is not None:
        if authority_area_m2 < 0:
            raise RuleError("authority_area_m2", "面积不能为负", basis("二(三)"))
        return RecognisedArea(authority_area_m2, "authority", basis("二(三)"))
    raise RuleError("certificate_area_m2", "证书不全或无证的，须有相关行政主管部门核定的面积", basis("二(三)"))


def has_valid_proof(proofs: set[str]) -> bool:
    """二(三): "被征收房屋由被征收人提供下列证件或有效凭证之一" — at least one of the four kinds."""
    return bool(proofs & PROOF_KINDS.keys())


class DisputeGround(StrEnum):
    """二(四) 1–3."""

    OWNERSHIP_DISPUTE = "ownership_dispute"  # 有产权纠纷的
    OWNER_MISSING = "owner_missing"  # 产权人下落不明的
    OWNER_UNDETERMINED = "owner_undetermined"  # 暂时无法确定产权人的


class DisputeState(StrEnum):
    OPENED = "opened"
    PLAN_PROPOSED = "plan_proposed"  # 由征收人提出补偿安置方案
    EVIDENCE_PRESERVED = "evidence_preserved"  # 证据保全
    DECISION_MADE = "decision_made"  # 补偿决定
    DEPOSITED = "deposited"  # 补偿提存
    RESOLVED = "resolved"  # dispute ended by agreement: the ordinary path resumes


# 二(四): "由征收人提出补偿安置方案，在办理证据保全、补偿决定、补偿提存等程序后实施征收" (order: A-04)
_NEXT: dict[DisputeState, frozenset[DisputeState]] = {
    DisputeState.OPENED: frozenset({DisputeState.PLAN_PROPOSED, DisputeState.RESOLVED}),
    DisputeState.PLAN_PROPOSED: frozenset({DisputeState.EVIDENCE_PRESERVED, DisputeState.RESOLVED}),
    DisputeState.EVIDENCE_PRESERVED: frozenset({DisputeState.DECISION_MADE, DisputeState.RESOLVED}),
    DisputeState.DECISION_MADE: frozenset({DisputeState.DEPOSITED, DisputeState.RESOLVED}),
    DisputeState.DEPOSITED: frozenset(),
    DisputeState.RESOLVED: frozenset(),
}


def advance_dispute(current: DisputeState, target: DisputeState) -> DisputeState:
    """二(四): move a dispute one step along 方案 → 证据保全 → 补偿决定 → 补偿提存; no step may be skipped."""
    if target not in _NEXT[current]:
        raise RuleError("state", f"争议程序不能从 {current} 转到 {target}", basis("二(四)"))
    return target


def may_take_house(state: DisputeState) -> bool:
    """二(四): the house of a disputed case may be taken only after 补偿提存 (or once the dispute is resolved)."""
    return state in (DisputeState.DEPOSITED, DisputeState.RESOLVED)
