""" "房票"安置 (三(三)2): "被征收人使用房票购买有产权的商品房"."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from qz_common.money import to_fen

from .. import fees
from ..params import CityParams, DistrictParams, Params
from ..types import Item, MethodNotAvailable, QuoteInput, RuleError, basis
from ..valuation import Category
from .checks import needed
from .house_value import excess_area_monetary_compensation, house_within_resettlement_area
from .household import Household
from .result import ZERO, Lines, figure, item


@dataclass(frozen=True)
class VoucherPrice:
    """三(三)2(2) "房票价格参照…普通商品住宅的市场价格，扣除被征收住宅房屋的平均重置价格后得出", per m²."""

    market: Decimal
    average_replacement: Decimal

    @property
    def per_m2(self) -> Decimal:
        return self.market - self.average_replacement


def items(inp: QuoteInput, params: Params, household: Household) -> Lines:
    """The voucher and what remains of it in money (三(三)2(2), 2(4)), the house at 重置价 × 成新率 within the 安置面积
    and the area beyond it in money (三(三)2(4)), and the district's reward for new housing (三(三)2(5))."""
    price = voucher_price(inp, params.city, household)
    area = voucher_area(params.city, household)
    value = price.per_m2 * area
    voucher = house_voucher_value(inp, price, household, area, value)
    house = house_within_resettlement_area(household, params.city, "三(三)2(4); 附件")
    return (
        voucher_remainder_cash(inp, params.city, price, value)
        + Lines(items=(voucher, house))
        + excess_area_monetary_compensation(inp, household, "三(三)2(4)")
        + voucher_new_housing_reward(inp, params.district, voucher.amount)
    )


def voucher_price(inp: QuoteInput, city: CityParams, household: Household) -> VoucherPrice:
    """三(三)2(2): the market price less the average 重置价 of the built residential parts (A-34), weighted by their
    areas (A-12; the plain mean of the parts' prices under ``voucher_average_weighted_by_area = false``); a voucher
    price of 0 or less is no voucher."""
    market = needed(
        inp.market_price_per_m2,
        "market_price_per_m2",
        "房票价格参照周边普通商品住宅市场价格，须有市场价格",
        "三(三)2(2)",
    )
    if household.built_area_m2 == 0:
        raise MethodNotAvailable("buildings", "无已建成的住宅，不能计算平均重置价格", basis("三(三)2(2)"))
    built = [b for b in household.parts(Category.RESIDENTIAL) if b.built]
    if city.voucher_average_weighted_by_area:
        average = sum((b.area_m2 * b.price_per_m2 for b in built), ZERO) / household.built_area_m2
    else:
        average = sum((b.price_per_m2 for b in built), ZERO) / len(built)
    price = VoucherPrice(market, average)
    if price.per_m2 <= 0:
        raise RuleError("market_price_per_m2", "市场价格不高于平均重置价格，房票价格不成立", basis("三(三)2(2)"))
    return price


def voucher_area(city: CityParams, household: Household) -> Decimal:
    """三(三)2(2) gives the 房票's price per m², not its area: the 安置面积 the voucher replaces (A-12), or under
    ``voucher_area_reading = "legal_area_up_to_resettlement_area"`` the house's legal area, up to the 安置面积."""
    if city.voucher_area_reading == "resettlement_area":
        return household.area.area_m2
    return min(household.legal_area_m2, household.area.area_m2)


def house_voucher_value(
    inp: QuoteInput, price: VoucherPrice, household: Household, area: Decimal, value: Decimal
) -> Item:
    """三(三)2(2) the voucher, 房票价格 × its area (A-12); 三(三)2(4) "所购商品房价格高于房票价值的，超出部分自行承担"
    (shown, not charged: it is paid to the seller), and a cheaper flat uses only its price of it."""
    inputs = {
        "market_price_per_m2": figure(price.market),
        "average_replacement_price_per_m2": str(price.average_replacement.quantize(Decimal("0.0001"))),
        "voucher_price_per_m2": str(price.per_m2.quantize(Decimal("0.0001"))),
        "resettlement_area_m2": figure(household.area.area_m2),
    }
    if area != household.area.area_m2:
        inputs["voucher_area_m2"] = figure(area)
    used = value
    purchase = inp.voucher_purchase_price
    if purchase is not None:
        inputs["purchase_price"] = figure(purchase)
        if purchase >= value:
            inputs["household_pays_difference"] = str(to_fen(purchase - value))
        else:
            used = purchase
    return item("house_voucher_value", used, "三(三)2(2)", inputs, kind="voucher")


def voucher_remainder_cash(inp: QuoteInput, city: CityParams, price: VoucherPrice, value: Decimal) -> Lines:
    """三(三)2(4): "所购商品房价格低于房票价值的，可以将房票剩余价值调整为货币补偿，按货币补偿安置标准结算" (A-10)."""
    purchase = inp.voucher_purchase_price
    if purchase is None or purchase >= value:
        return Lines()
    inputs = {
        "voucher_value": str(to_fen(value)),
        "purchase_price": figure(purchase),
        "reading": city.voucher_remainder_reading,
    }
    cash = fees.voucher_remainder_cash(city, value - purchase, price.per_m2, inp.appraised_price_per_m2)
    if city.voucher_remainder_reading != "face_value" and inp.appraised_price_per_m2 is not None:
        inputs["appraised_price_per_m2"] = figure(inp.appraised_price_per_m2)
    return Lines(items=(item("voucher_remainder_cash", cash, "三(三)2(4)", inputs),))


def voucher_new_housing_reward(inp: QuoteInput, district: DistrictParams, voucher_used: Decimal) -> Lines:
    """三(三)2(5): "被征收人选择购买新建商品房用于安置的，可给予奖励。具体由柯城区、衢江区结合实际自行制定" — the
    district's rate on the voucher value used (A-20; 0 with a note while the district has not supplied it)."""
    if not inp.voucher_buys_new_housing:
        return Lines()
    rate = district.voucher_new_housing_reward_rate
    inputs = {
        "rate": figure(rate),
        "district_rule_supplied": str(district.voucher_new_housing_reward_supplied).lower(),
        "district": district.district,
    }
    reward = item("voucher_new_housing_reward", voucher_used * rate, "三(三)2(5)", inputs)
    if district.voucher_new_housing_reward_supplied:
        return Lines(items=(reward,))
    note = f"{district.district}购买新建商品房奖励标准未录入，按0计（三(三)2(5)）"
    return Lines(items=(reward,), notes=(note,))
