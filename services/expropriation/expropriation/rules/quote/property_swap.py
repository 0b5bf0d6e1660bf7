"""产权调换安置 (三(三)3): "征收人向被征收人提供公寓式住宅作为产权调换用房，安置被征收人"."""

from __future__ import annotations

from decimal import Decimal

from ..params import CityParams, Params
from ..types import Item, QuoteInput, RuleError, basis
from .checks import needed
from .house_value import excess_area_monetary_compensation, house_within_resettlement_area
from .household import Household
from .result import ZERO, Lines, figure, item


def items(inp: QuoteInput, params: Params, household: Household) -> Lines:
    """The house at 重置价 × 成新率 within the 安置面积 (三(三)3(2)), the flat's price charged within and beyond it
    (三(三)3(3)), and the house's area beyond the 安置面积 in money (三(三)3(4))."""
    flat = flat_area(inp)
    house = house_within_resettlement_area(household, params.city, "三(三)3(2); 附件")
    return (
        Lines(items=(house, swap_flat_price_within_area(inp, params.city, flat, household.area.area_m2)))
        + swap_flat_price_beyond_area(inp, flat, household.area.area_m2)
        + excess_area_monetary_compensation(inp, household, "三(三)3(4)")
    )


def flat_area(inp: QuoteInput) -> Decimal:
    """三(三)3(3) "产权调换安置房面积": an exchange needs a flat, so its area is needed and above 0 (A-12)."""
    flat = needed(inp.flat_area_m2, "flat_area_m2", "产权调换须有安置房面积", "三(三)3(3)")
    if flat <= 0:
        raise RuleError("flat_area_m2", "产权调换安置房面积须大于0", basis("三(三)3"))
    return flat


def swap_flat_price_within_area(inp: QuoteInput, city: CityParams, flat: Decimal, area: Decimal) -> Item:
    """三(三)3(3): "产权调换安置房面积在安置面积范围内的，安置房面积按重置价结算" — at the 框混 重置价 of the book
    unless the request names the price (A-12), charged to the household."""
    # an explicit 0 is a price, not a missing one (only None takes the 办法's default)
    price = (
        inp.flat_replacement_price_per_m2
        if inp.flat_replacement_price_per_m2 is not None
        else city.swap_flat_replacement_price_per_m2
    )
    inside = min(flat, area)
    inputs = {"flat_area_m2": figure(flat), "within_m2": figure(inside), "replacement_price_per_m2": figure(price)}
    return item("swap_flat_price_within_area", -(inside * price), "三(三)3(3)", inputs, kind="charge")


def swap_flat_price_beyond_area(inp: QuoteInput, flat: Decimal, area: Decimal) -> Lines:
    """三(三)3(3): "超出部分按市场评估价结算", charged to the household."""
    beyond = max(ZERO, flat - area)
    if beyond == 0:
        return Lines()
    price = needed(
        inp.flat_market_price_per_m2,
        "flat_market_price_per_m2",
        "超出安置面积部分按市场评估价结算，须有市场评估价",
        "三(三)3(3)",
    )
    inputs = {"beyond_m2": figure(beyond), "market_price_per_m2": figure(price)}
    return Lines(items=(item("swap_flat_price_beyond_area", -(beyond * price), "三(三)3(3)", inputs, kind="charge"),))
