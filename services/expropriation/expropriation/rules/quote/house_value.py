"""The house at 重置价 × 成新率 (附件), and the area beyond the 安置面积 paid at the 货币补偿安置标准: what the 房票,
产权调换 and 宅基地 methods share (三(三)2(4), 3(2), 3(4), 4)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ..params import CityParams
from ..types import Item, QuoteInput
from ..valuation import AssessedBuilding, Category
from .checks import needed
from .household import Household
from .result import ONE, ZERO, Lines, figure, item


def value_with_newness(buildings: Iterable[AssessedBuilding]) -> tuple[Decimal, list[str]]:
    """Σ area × 重置价 × 成新率 over built parts (三(三)3(2) 未建部分面积不计价值), and the breakdown of each part."""
    total, lines = ZERO, []
    for b in buildings:
        if not b.built:
            lines.append(f"{b.label}: {figure(b.area_m2)}m² 未建，不计价值")
            continue
        total += b.area_m2 * b.price_per_m2 * b.newness
        lines.append(f"{b.label}: {figure(b.area_m2)}m² × {figure(b.price_per_m2)} × 成新率{figure(b.newness)}")
    return total, lines


def share_within_resettlement_area(household: Household) -> Decimal:
    """三(三)2(4), 3(2) read with 3(4) (A-12): when the built legal area exceeds the 安置面积, the house's value is paid
    on the share within it and the rest of the area at the 货币补偿安置标准, so no m² is paid twice (under
    ``unbuilt_area_paid_in_money`` the legal area, the unbuilt part being of no value within the 安置面积, A-34)."""
    area, in_money = household.area.area_m2, household.area_paid_in_money_m2
    return area / in_money if in_money > area else ONE


def house_replacement_value(household: Household, share: Decimal, clause: str) -> Item:
    """ "被征收房屋价格按重置价格结合成新率确定，未建部分面积不计价值" (三(三)3(2); 房票 三(三)2(4), 宅基地 三(三)4), on
    ``share`` of the house."""
    value, lines = value_with_newness(household.parts(Category.RESIDENTIAL))
    inputs = {"parts": "; ".join(lines)}
    if share != ONE:
        area, in_money = figure(household.area.area_m2), figure(household.area_paid_in_money_m2)
        inputs["share_within_resettlement_area"] = f"{area} / {in_money}"
    return item("house_replacement_value", value * share, clause, inputs)


def house_within_resettlement_area(household: Household, city: CityParams, clause: str) -> Item:
    """The house at 重置价 × 成新率 within the 安置面积 (三(三)2(4), 3(2), 3(4); 4 when split, A-19). When the area
    paid in money exceeds the 安置面积, which m² are within it (A-12, ``house_within_area_split``): every part pro
    rata (``"pro_rata"``, chosen: the text prefers none), or the parts of the highest value per m² (重置价 × 成新率;
    an unbuilt part, of no value, last) first, each whole until the 安置面积 is filled (``"dearest_first"``)."""
    share = share_within_resettlement_area(household)
    if share == ONE or city.house_within_area_split == "pro_rata":
        return house_replacement_value(household, share, clause)
    _value, lines = value_with_newness(household.parts(Category.RESIDENTIAL))
    in_money = household.area_paid_in_money_m2 == household.legal_area_m2  # the unbuilt parts too
    parts = [b for b in household.parts(Category.RESIDENTIAL) if b.built or in_money]

    def per_m2(b: AssessedBuilding) -> Decimal:
        return b.price_per_m2 * b.newness if b.built else ZERO

    left, within, filled = household.area.area_m2, ZERO, []
    for b in sorted(parts, key=lambda b: (-per_m2(b), b.index)):
        taken = min(left, b.area_m2)
        if taken <= 0:
            continue
        within += taken * per_m2(b)
        left -= taken
        filled.append(f"{b.label}: {figure(taken)}m² × {figure(per_m2(b))}")
    inputs = {"parts": "; ".join(lines), "within_resettlement_area": "; ".join(filled)}
    return item("house_replacement_value", within, clause, inputs)


def excess_area_monetary_compensation(inp: QuoteInput, household: Household, clause: str) -> Lines:
    """ "被征收住宅房屋的合法建筑面积大于安置面积的，超出部分面积按货币补偿安置标准结算" (房票 三(三)2(4), 产权调换
    三(三)3(4)): the built legal area beyond the 安置面积 at the appraised price (A-34; the whole legal area under
    ``unbuilt_area_paid_in_money``)."""
    excess = max(ZERO, household.area_paid_in_money_m2 - household.area.area_m2)
    if excess == 0:
        return Lines()
    price = needed(
        inp.appraised_price_per_m2,
        "appraised_price_per_m2",
        "超出安置面积部分按货币补偿安置标准结算，须有评估价格",
        "三(三)",
    )
    inputs = household.area_inputs() | {
        "resettlement_area_m2": figure(household.area.area_m2),
        "excess_m2": figure(excess),
        "appraised_price_per_m2": figure(price),
    }
    return Lines(items=(item("excess_area_monetary_compensation", excess * price, clause, inputs),))
