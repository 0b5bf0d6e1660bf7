"""货币补偿安置 (三(三)1): "征收人提供补偿安置资金，由被征收人自行解决安置住房"."""

from __future__ import annotations

from ..params import Params
from ..types import Item, QuoteInput
from .checks import needed
from .household import Household
from .result import Lines, figure, item


def items(inp: QuoteInput, params: Params, household: Household) -> Lines:
    """The house in money; a household with no built residential area is paid only for its other parts."""
    if household.built_area_m2 > 0:
        return Lines(items=(house_monetary_compensation(inp, household),))
    return Lines()


def house_monetary_compensation(inp: QuoteInput, household: Household) -> Item:
    """三(三)1: "(1)被征收住宅房屋面积按合法建筑面积计算。(2)补偿价格根据被征收房屋土地和房屋的评估价值确定" — the built
    legal area (A-34; the whole legal area under ``unbuilt_area_paid_in_money``) at the appraised price."""
    price = needed(
        inp.appraised_price_per_m2,
        "appraised_price_per_m2",
        "货币补偿按土地和房屋的评估价值确定，须有评估价格",
        "三(三)1(2)",
    )
    inputs = household.area_inputs() | {"appraised_price_per_m2": figure(price)}
    return item("house_monetary_compensation", household.area_paid_in_money_m2 * price, "三(三)1", inputs)
