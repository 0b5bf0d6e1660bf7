"""三(四)6 临时安置费, 三(四)7 住宅搬迁费, 三(四)8 奖励, and the 房票 period of 三(三)2(2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from qz_common.periods import add_months

from .params import CityParams
from .types import FlatType, Method, RuleError, basis


def months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months from the month of ``start`` to the month of ``end`` (自…之月起)."""
    return (end.year - start.year) * 12 + (end.month - start.month)


def voucher_last_valid_day(city: CityParams, issued_on: dt.date) -> dt.date:
    """三(三)2(2): "房票有效期自出票之日起计算，最长不超过24个月" — the corresponding day 24 months on is the last
    valid day (民法典 第二百零一、二百零二条; A-13, ``voucher_valid_through_corresponding_day``). The other reading
    counts the issue day as the first day, so the months end the day before the corresponding day. Without a
    corresponding day (29 February, two years on) both end on the month's last day (第二百零二条)."""
    corresponding = add_months(issued_on, city.voucher_validity_months)
    if city.voucher_valid_through_corresponding_day or corresponding.day != issued_on.day:
        return corresponding
    return corresponding - dt.timedelta(days=1)


def voucher_valid_on(city: CityParams, issued_on: dt.date, day: dt.date) -> bool:
    """三(三)2(2): whether a 房票 issued on ``issued_on`` may be used on ``day`` (不超过 includes month 24)."""
    return issued_on <= day <= voucher_last_valid_day(city, issued_on)


def voucher_remainder_cash(
    city: CityParams, remainder: Decimal, voucher_price_per_m2: Decimal, appraised_price_per_m2: Decimal | None
) -> Decimal:
    """三(三)2(4): "可以将房票剩余价值调整为货币补偿，按货币补偿安置标准结算" (unrounded).

    A-10: at face value (``voucher_remainder_reading = "face_value"``), or turned back into m² at the voucher
    price and paid at the appraised price per m² (``"area_at_monetary_standard"``).
    """
    if city.voucher_remainder_reading == "face_value":
        return remainder
    if appraised_price_per_m2 is None:
        raise RuleError(
            "appraised_price_per_m2", "房票剩余价值按货币补偿安置标准结算，须有评估价格", basis("三(三)2(4)")
        )
    return remainder / voucher_price_per_m2 * appraised_price_per_m2


@dataclass(frozen=True)
class TemporaryFee:
    monthly: Decimal
    months: int
    doubled_months: int
    amount: Decimal
    inputs: dict[str, str]
    basis: str


def temporary_fee_monthly(city: CityParams, area_m2: Decimal) -> Decimal:
    """三(四)6: "每月每平方米标准为10元。计算后补偿标准每月每户不足1000元的，按1000元计发。" """
    return max(area_m2 * city.temporary_fee_per_m2_month, city.temporary_fee_min_per_household_month)


def swap_due_months(city: CityParams, flat_type: FlatType) -> int:
    """三(四)6: "采用多层公寓安置的应在24个月内安置完毕，采用高层公寓安置的应在36个月内安置完毕"."""
    return city.swap_due_months_multi_storey if flat_type is FlatType.MULTI_STOREY else city.swap_due_months_high_rise


def temporary_fee(
    city: CityParams,
    method: Method,
    area_m2: Decimal,
    flat_type: FlatType = FlatType.MULTI_STOREY,
    delivery_months: int | None = None,
) -> TemporaryFee:
    """三(四)6 临时安置费 (unrounded; the caller rounds the item once).

    "选择货币补偿安置和宅基地安置的，临时安置费按12个月支付。选择“房票”安置的，临时安置费按24个月支付。"
    产权调换: "自搬迁之月起至被安置后6个月"; delivery within 24 (多层) / 36 (高层) months — "以内" includes the
    24th month; "超过以上期限未交付安置房的，自逾期之日起加倍支付临时安置费" (A-15 for the 6 months after a late
    delivery). ``delivery_months`` counts months from the moving month to delivery; when unknown, the due period
    is assumed.
    """
    monthly = temporary_fee_monthly(city, area_m2)
    inputs = {
        "area_m2": str(area_m2),
        "rate_per_m2_month": str(city.temporary_fee_per_m2_month),
        "floor_per_household_month": str(city.temporary_fee_min_per_household_month),
        "monthly": str(monthly),
    }
    if method is Method.PROPERTY_SWAP:
        due = swap_due_months(city, flat_type)
        before = due if delivery_months is None else delivery_months
        if before < 0:
            raise RuleError("delivery_months", "交付月数不能为负", basis("三(四)6"))
        after = city.temporary_months_after_resettlement
        overdue = max(0, before - due)
        doubled = overdue + (after if overdue and city.overdue_doubling_covers_post_delivery else 0)
        months = before + after
        amount = monthly * (months - doubled) + monthly * city.overdue_multiplier * doubled
        inputs |= {
            "flat_type": flat_type.value,
            "due_months": str(due),
            "delivery_months": str(before) + ("" if delivery_months is not None else " (assumed: due period)"),
            "months_after_resettlement": str(after),
            "overdue_months": str(overdue),
            "doubled_months": str(doubled),
            "months": str(months),
        }
        return TemporaryFee(monthly, months, doubled, amount, inputs, basis("三(四)6"))
    months = {
        Method.MONETARY: city.temporary_months_monetary,
        Method.HOMESTEAD: city.temporary_months_homestead,
        Method.HOUSE_VOUCHER: city.temporary_months_voucher,
    }[method]
    inputs["months"] = str(months)
    return TemporaryFee(monthly, months, 0, monthly * months, inputs, basis("三(四)6"))


def moving_moves(method: Method, via_temporary_housing: bool) -> int:
    """三(四)7: "选择产权调换安置、“房票”安置和宅基地安置的，被征收人从被征收房屋迁往周转房时应支付搬迁费，从周转房
    迁往安置房时应再次支付；被征收人从被征收房屋直接迁往安置房、选择货币补偿的，支付一次搬迁费。" """
    if method is Method.MONETARY:
        return 1
    return 2 if via_temporary_housing else 1


def moving_fee(city: CityParams, method: Method, via_temporary_housing: bool) -> tuple[Decimal, int]:
    """三(四)7 住宅搬迁费 "按每户3000元/次支付": (amount, number of moves)."""
    n = moving_moves(method, via_temporary_housing)
    return city.moving_fee_per_move * n, n


def early_vacate_rate(city: CityParams, rate: Decimal) -> Decimal:
    """三(四)8: "按被征收房屋的合法建筑面积不高于400元/平方米标准实施" — 不高于 includes 400; above it is refused."""
    if rate < 0:
        raise RuleError("early_vacate_rate_per_m2", "奖励标准不能为负", basis("三(四)8"))
    if rate > city.early_vacate_rate_cap_per_m2:
        raise RuleError(
            "early_vacate_rate_per_m2",
            f"提前腾空奖励标准不高于{city.early_vacate_rate_cap_per_m2}元/平方米，收到{rate}",
            basis("三(四)8"),
        )
    return rate


def signed_in_time(signing_deadline: dt.date, agreement_signed_on: dt.date | None) -> bool:
    """三(二)/三(四)8 "规定期限内签约": on or before the deadline day. Unsigned → projected as in time."""
    return agreement_signed_on is None or agreement_signed_on <= signing_deadline
