"""Inputs the rules cannot run on (→ 422 naming the field), and the figures a clause needs before it can be applied."""

from __future__ import annotations

from decimal import Decimal

from ..types import Exclusion, Occupancy, QuoteInput, RuleError, basis

PRICES_AND_AREAS = (
    "appraised_price_per_m2",
    "market_price_per_m2",
    "voucher_purchase_price",
    "flat_area_m2",
    "flat_market_price_per_m2",
    "flat_replacement_price_per_m2",
)


def validate(inp: QuoteInput) -> None:
    """Inputs the rules cannot run on (→ 422 naming the field)."""
    if inp.signing_deadline < inp.pre_announcement_date:
        raise RuleError("signing_deadline", "签约截止日早于征收土地预公告日")
    if inp.valuation_date < inp.pre_announcement_date:
        raise RuleError("valuation_date", "评估日早于征收土地预公告日")
    if inp.agreement_signed_on is not None and inp.agreement_signed_on < inp.pre_announcement_date:
        raise RuleError("agreement_signed_on", "协议签订日早于征收土地预公告日")
    for i, m in enumerate(inp.members):
        if m.born_on is not None and m.died_on is not None and m.died_on < m.born_on:
            raise RuleError(f"members[{i}].died_on", "死亡日期早于出生日期")
        if m.is_owner and m.occupancy is not Occupancy.HOUSEHOLD:
            raise RuleError(f"members[{i}].is_owner", "承租人或借用人不是产权人", basis("三(四)5"))
        if m.exclusion is not Exclusion.CIVIL_SERVANT and (
            m.civil_service_exit is not None or m.civil_service_left_on is not None
        ):
            raise RuleError(
                f"members[{i}].civil_service_exit", "离开编制的方式和日期只用于在编人员（exclusion=civil_servant）"
            )
        if m.civil_service_left_on is not None and m.civil_service_exit is None:
            raise RuleError(
                f"members[{i}].civil_service_exit",
                "须说明离开编制的方式：离退休（retired）、辞职（resigned）或辞退（dismissed）",
                basis("三(一)1(2)"),
            )
    for name in PRICES_AND_AREAS:
        value = getattr(inp, name)
        if value is not None and value < 0:
            raise RuleError(name, "不能为负")
    for i, b in enumerate(inp.buildings):
        if b.legal_area_m2 < 0:
            raise RuleError(f"buildings[{i}].legal_area_m2", "面积不能为负")
        if b.legal_area_m2 == 0 and b.built:  # a blank read as 0 would drop the house from the quote
            raise RuleError(
                f"buildings[{i}].legal_area_m2",
                "已建成部分的合法建筑面积为0：请按证载或主管部门核定的面积填写（审批未建部分标注 built=false）",
                basis("二(三)"),
            )
        if b.built_year > inp.valuation_date.year:
            raise RuleError(f"buildings[{i}].built_year", "建成年份晚于评估日")
        if (b.work_kind is None) != (b.work_done_on is None):
            raise RuleError(f"buildings[{i}].work_done_on", "work_kind 与 work_done_on 须同时填写", basis("二(一)"))
        if b.work_done_on is not None and b.work_done_on > inp.valuation_date:
            raise RuleError(f"buildings[{i}].work_done_on", "施工日期晚于评估日：评估时的房屋不可能包含该施工")
    if all(b.legal_area_m2 == 0 for b in inp.buildings):
        raise RuleError("buildings", "所申报房屋的面积均为0：没有可测算的被征收房屋", basis("二(二)"))
    for i, a in enumerate(inp.appraised_items):
        if a.amount < 0:
            raise RuleError(f"appraised_items[{i}].amount", "金额不能为负")
        if a.made_on is not None and a.made_on > inp.valuation_date:
            raise RuleError(f"appraised_items[{i}].made_on", "日期晚于评估日")


def needed(value: Decimal | None, field: str, why: str, clause: str) -> Decimal:
    """A figure the clause cannot be applied without (a price, the flat's area): 422 naming the field when absent."""
    if value is None:
        raise RuleError(field, why, basis(clause))
    return value
