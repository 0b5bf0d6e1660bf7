"""临时安置费, 住宅搬迁费 and the rewards (三(四)6–8), paid on the residential house by its built legal area (A-34)."""

from __future__ import annotations

from decimal import Decimal

from .. import fees
from ..params import CityParams, Params
from ..types import Item, QuoteInput
from ..valuation import Category
from .household import Household
from .result import ZERO, Lines, figure, item


def fees_and_rewards(inp: QuoteInput, params: Params, household: Household) -> Lines:
    """三(四)6–8 are stated for the 住宅: a household with no built residential area gets none of them (A-14)."""
    if household.built_area_m2 <= 0:
        return Lines()
    return (
        Lines(items=(temporary_resettlement_fee(inp, params.city, household), moving_fee(inp, params.city)))
        + early_vacate_reward(inp, params, household)
        + Lines(items=(village_completion_reward(inp, params.city, household),))
    )


def area_paid_on(city: CityParams, household: Household) -> tuple[Decimal, dict[str, str]]:
    """The area 三(四)6 ("以被征收房屋建筑面积计算") and 三(四)8 ("按被征收房屋的合法建筑面积") pay on, and the unbuilt
    area it leaves out: the built legal area (A-34: no one moves out of, nor vacates, an unbuilt part), or under
    ``unbuilt_area_in_fees_and_rewards = true`` the whole 合法建筑面积 ("未建部分面积不计价值" read as about value
    only)."""
    if city.unbuilt_area_in_fees_and_rewards:
        return household.legal_area_m2, {}
    return household.built_area_m2, household.unbuilt_inputs()


def temporary_resettlement_fee(inp: QuoteInput, city: CityParams, household: Household) -> Item:
    """三(四)6: "被征收人自行解决周转用房的，临时安置费以被征收房屋建筑面积计算" — nothing when the expropriator
    provides the transit housing (A-14); the months by method and delivery (rules/fees.py, A-15)."""
    if inp.expropriator_provides_transit_housing:
        reason = {"reason": "征收人提供周转用房，临时安置费只付自行解决周转用房的被征收人"}
        return item("temporary_resettlement_fee", ZERO, "三(四)6", reason)
    area, left_out = area_paid_on(city, household)
    if city.temporary_fee_area_includes_other_parts:
        # A-14's other reading: the 被征收房屋 is every part compensated as the household's, 三(四)3's too
        other = sum(
            (
                b.area_m2
                for b in household.parts(Category.ATTIC_OR_STILT) + household.parts(Category.ANCILLARY)
                if b.built
            ),
            ZERO,
        )
        area, left_out = area + other, left_out | {"other_parts_area_m2": figure(other)}
    fee = fees.temporary_fee(city, inp.method, area, inp.flat_type, inp.delivery_months)
    return item("temporary_resettlement_fee", fee.amount, "三(四)6", fee.inputs | left_out)


def moving_fee(inp: QuoteInput, city: CityParams) -> Item:
    """三(四)7: "住宅搬迁费。按每户3000元/次支付", once or twice by method and route (A-16)."""
    amount, moves = fees.moving_fee(city, inp.method, inp.moves_via_temporary_housing)
    inputs = {
        "moves": str(moves),
        "per_move": figure(city.moving_fee_per_move),
        "via_temporary_housing": str(inp.moves_via_temporary_housing).lower(),
    }
    return item("moving_fee", amount, "三(四)7", inputs)


def early_vacate_reward(inp: QuoteInput, params: Params, household: Household) -> Lines:
    """三(四)8: "按被征收房屋的合法建筑面积不高于400元/平方米标准实施。具体奖励办法由柯城区、衢江区确定" — the rate the
    request names, else the district's (a placeholder at the ceiling until the district supplies it, A-37), when
    signed and vacated in time (A-17)."""
    district = params.district
    requested = inp.early_vacate_rate_per_m2
    rate = fees.early_vacate_rate(
        params.city, requested if requested is not None else district.early_vacate_rate_per_m2
    )
    area, left_out = area_paid_on(params.city, household)
    inputs = {"legal_area_m2": figure(area)} | left_out
    inputs |= {"rate_per_m2": figure(rate), "eligible": str(household.on_time).lower()}
    notes: tuple[str, ...] = ()
    if requested is None:
        inputs["district_rule_supplied"] = str(district.early_vacate_rate_supplied).lower()
        if not district.early_vacate_rate_supplied:
            notes = (
                f"{district.district}签约腾空奖励标准未录入：暂按三(四)8上限{figure(rate)}元/平方米计（占位值，待区实施细则）",
            )
    amount = area * rate if household.on_time else ZERO
    return Lines(items=(item("early_vacate_reward", amount, "三(四)8", inputs),), notes=notes)


def village_completion_reward(inp: QuoteInput, city: CityParams, household: Household) -> Item:
    """三(四)8: "征收范围内（以自然村为单位）涉及的所有被征收人全部在规定时间内签订协议并交付拆除的，按被征收房屋的合法
    建筑面积再给予60元/平方米的奖励" — only with this household's own signing and vacating in time."""
    eligible = inp.village_all_signed and household.on_time
    area, left_out = area_paid_on(city, household)
    inputs = (
        {"legal_area_m2": figure(area)}
        | left_out
        | {
            "rate_per_m2": figure(city.village_completion_rate_per_m2),
            "village_all_signed": str(inp.village_all_signed).lower(),
            "eligible": str(eligible).lower(),
        }
    )
    amount = area * city.village_completion_rate_per_m2 if eligible else ZERO
    return item("village_completion_reward", amount, "三(四)8", inputs)
