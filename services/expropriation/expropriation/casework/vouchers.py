"""房票 issued under an agreement (衢政发〔2023〕2号 三(三)2): issue with its expiry, use to buy a flat, convert the
unused value to money — never after the last valid day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from expropriation.casework.common import audit, checked
from expropriation.casework.ledger import agreement_params, current_quote, voucher_of_agreement
from expropriation.casework.records import agreement_of
from expropriation.models import Agreement, HouseVoucher
from expropriation.rules.fees import voucher_last_valid_day, voucher_remainder_cash, voucher_valid_on
from expropriation.rules.ledger import VOUCHER_VALUE
from expropriation.rules.params import Params
from expropriation.rules.types import Item, Method, basis
from qz_common.db import get_in_district, get_or_404
from qz_common.errors import ProblemError
from qz_common.identity import Caller
from qz_common.money import to_fen


async def _voucher_item(session: AsyncSession, agreement: Agreement) -> Item:
    """The 房票 item of the agreement's quote as it stands now (a finding under 四(一) may have changed it)."""
    q, _in_time = await current_quote(session, agreement)
    for item in q.items:
        if item.code == VOUCHER_VALUE:
            return item
    raise ProblemError(422, "no_voucher_value", "协议中没有房票金额", field="agreement_id", basis=basis("三(三)2"))


def _params(agreement: Agreement) -> Params:
    """The books the agreement was signed with: its 房票's period (A-13) and remainder (A-10) are read there."""
    return agreement_params(agreement)


def _usable(voucher: HouseVoucher, agreement: Agreement, day: dt.date, field: str) -> None:
    """三(三)2(2) "房票有效期自出票之日起计算，最长不超过24个月": usable from the issue day to the last valid day."""
    if not voucher_valid_on(_params(agreement).city, voucher.issued_on, day):
        why = "早于出票日" if day < voucher.issued_on else f"房票已于 {voucher.expires_on} 届满失效"
        raise ProblemError(
            422,
            "voucher_expired" if day > voucher.expires_on else "voucher_not_yet_issued",
            f"{day}：{why}（有效期 {voucher.issued_on} 至 {voucher.expires_on}）",
            field=field,
            basis=basis("三(三)2(2)"),
        )


async def voucher_of(session: AsyncSession, caller: Caller, voucher_id: int, *, lock: bool = False) -> HouseVoucher:
    return await get_in_district(session, caller, HouseVoucher, voucher_id, "房票", field="voucher_id", lock=lock)


async def issue(session: AsyncSession, caller: Caller, agreement_id: int, issued_on: dt.date) -> HouseVoucher:
    agreement = await agreement_of(session, caller, agreement_id, lock=True)
    if agreement.method != Method.HOUSE_VOUCHER.value:
        raise ProblemError(409, "not_a_voucher_agreement", "本协议的安置方式不是房票安置", basis=basis("三(三)2"))
    if issued_on < agreement.signed_on:
        raise ProblemError(422, "issued_before_signing", "出票日早于协议签订日", field="issued_on")
    if await voucher_of_agreement(session, agreement) is not None:
        raise ProblemError(409, "voucher_issued", "本协议已出具房票")
    value = (await _voucher_item(session, agreement)).amount
    record = HouseVoucher(
        agreement_id=agreement.id,
        household_id=agreement.household_id,
        district=agreement.district,
        face_value=value,
        issued_on=issued_on,
        expires_on=voucher_last_valid_day(_params(agreement).city, issued_on),
        state="issued",
        remaining_value=value,
        purchase_reference="",
    )
    return await audit.add(session, caller, "issue", record)


async def _voucher_for_update(session: AsyncSession, caller: Caller, voucher_id: int) -> tuple[HouseVoucher, Agreement]:
    record = await voucher_of(session, caller, voucher_id, lock=True)
    return record, await get_or_404(session, Agreement, record.agreement_id, "协议", field=None)


async def use(
    session: AsyncSession, caller: Caller, voucher_id: int, used_on: dt.date, purchase_price: Decimal, reference: str
) -> HouseVoucher:
    record, agreement = await _voucher_for_update(session, caller, voucher_id)
    if record.state != "issued":
        raise ProblemError(409, "voucher_not_usable", f"房票状态为 {record.state}，不能再用于购房")
    _usable(record, agreement, used_on, "used_on")
    async with audit.change(session, caller, "use", record):
        # 三(三)2(4): above the voucher value the household pays the difference itself; below it the rest stays
        # on the voucher and may be converted to money.
        record.state = "used"
        record.used_on = used_on
        record.purchase_price = purchase_price
        record.purchase_reference = reference
        record.remaining_value -= min(purchase_price, record.remaining_value)
    return record


async def convert(session: AsyncSession, caller: Caller, voucher_id: int, converted_on: dt.date) -> HouseVoucher:
    """三(三)2(4) "被征收人所购商品房价格低于房票价值的，可以将房票剩余价值调整为货币补偿，按货币补偿安置标准结算":
    only after a purchase, and only what the purchase left on the voucher (A-39)."""
    record, agreement = await _voucher_for_update(session, caller, voucher_id)
    if record.state == "issued":
        raise ProblemError(
            409,
            "purchase_required",
            "房票尚未用于购买商品房：只有所购商品房价格低于房票价值的，剩余价值方可调整为货币补偿",
            basis=basis("三(三)2(4)"),
        )
    if record.state == "converted" or record.remaining_value <= 0:
        raise ProblemError(409, "nothing_to_convert", "房票没有可调整为货币补偿的剩余价值", basis=basis("三(三)2(4)"))
    if record.used_on is not None and converted_on < record.used_on:
        raise ProblemError(422, "converted_before_use", "调整日早于购房日", field="converted_on")
    _usable(record, agreement, converted_on, "converted_on")
    inputs = (await _voucher_item(session, agreement)).inputs
    appraised = agreement.facts.get("appraised_price_per_m2")
    cash = checked(
        lambda: voucher_remainder_cash(
            _params(agreement).city,
            record.remaining_value,
            Decimal(inputs["voucher_price_per_m2"]),
            Decimal(str(appraised)) if appraised is not None else None,
        )
    )
    async with audit.change(session, caller, "convert", record):
        record.state = "converted"
        record.converted_on = converted_on
        record.converted_value = record.remaining_value
        record.conversion_cash = to_fen(cash)
        record.remaining_value = Decimal("0")
    return record


@dataclass(frozen=True)
class VoucherValidity:
    """A stored 房票's period under a scenario: its last valid day, and whether ``on`` falls within it."""

    voucher: HouseVoucher
    expires_on: dt.date
    on: dt.date | None
    valid_on: bool | None
    versions: dict[str, str]


async def validity_what_if(
    session: AsyncSession, caller: Caller, voucher_id: int, on: dt.date | None, overrides: Mapping[str, str] | None
) -> VoucherValidity:
    """三(三)2(2) under a scenario (the agreement's books with ``overrides``: ``voucher_validity_months``, the reading
    A-13): the last day a use or a conversion would be accepted, and whether it would be on ``on``; nothing written
    (the stored ``expires_on`` stays what the books decided at issue)."""
    record = await voucher_of(session, caller, voucher_id)
    agreement = await get_or_404(session, Agreement, record.agreement_id, "协议", field=None)
    params = agreement_params(agreement, overrides)
    city = params.city
    last = voucher_last_valid_day(city, record.issued_on)
    valid = None if on is None else voucher_valid_on(city, record.issued_on, on)
    return VoucherValidity(record, last, on, valid, params.versions)
