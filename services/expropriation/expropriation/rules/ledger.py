"""The ledger of an agreement held to the law: what may be paid in cash now, where a 提存 goes, and what a 四(一)
clawback recovers — always against the entitlement as it stands now (the current facts, corrected by every
finding, and the events since signing: the hand-over, the village's completion, the 房票's use)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from qz_common.money import to_fen

from .types import Item, basis

ZERO = Decimal("0")
CASH = "cash"
# 三(四)8 "提前腾空奖励" and the 整村 reward reward a hand-over "在规定时间内": earned when it is recorded in time
# (reading A-40), whatever the quote projected at signing.
EARNED_AT_HANDOVER = ("early_vacate_reward", "village_completion_reward")
VOUCHER_VALUE = "house_voucher_value"
# by_item key of a clawback's flat-price shortfall (三(三)3(3): within the 安置面积 at 重置价, beyond it at market).
FLAT_PRICE = "swap_flat_price"


@dataclass(frozen=True)
class Entitlement:
    """What an agreement entitles the household to now."""

    cash: dict[str, Decimal]  # payable in cash, per item code (0 for an item not yet earned)
    kinds: dict[str, str]  # every item of the quote: cash | voucher | charge
    charges: Decimal  # the flat price the household owes under 三(三)3(3) (Σ charge items, ≤ 0)
    voucher: Decimal  # the 房票 value (三(三)2(2))
    held_back: tuple[str, ...]  # cash items the quote carries but the events have not yet earned


def entitlement(
    items: Iterable[Item],
    *,
    handed_over_in_time: bool | None,
    voucher_conversion_cash: Decimal,
    rewards_payable_on_projection: bool = False,
) -> Entitlement:
    """The quote on the current facts, read as a ledger.

    - 三(三)2(1) "房票是用于被征收人购买商品房结算的特定票据": a voucher item is never cash; only what 三(三)2(4) lets
      the household convert ("所购商品房价格低于房票价值的…调整为货币补偿") is, once converted.
    - Charges (the 产权调换 flat's price) are owed by the household, not paid to it.
    - 三(四)8: the rewards for signing and handing over in time are payable once the hand-over is recorded in time
      (A-40, ``rewards_payable_on_projection`` false); the other reading (true) pays them on the quote's projection
      before a hand-over is recorded. A hand-over recorded late earns nothing under either.
    """
    cash: dict[str, Decimal] = {}
    kinds: dict[str, str] = {}
    charges = voucher = ZERO
    held_back = []
    for item in items:
        kinds[item.code] = item.kind
        if item.kind == "charge":
            charges += item.amount
        elif item.kind == "voucher":
            voucher += item.amount
        elif item.code in EARNED_AT_HANDOVER and (
            handed_over_in_time is False or (handed_over_in_time is None and not rewards_payable_on_projection)
        ):
            cash[item.code] = ZERO
            if item.amount > 0:
                held_back.append(item.code)
        else:
            cash[item.code] = cash.get(item.code, ZERO) + item.amount
    if voucher_conversion_cash > 0:
        kinds.setdefault("voucher_remainder_cash", CASH)
        cash["voucher_remainder_cash"] = cash.get("voucher_remainder_cash", ZERO) + voucher_conversion_cash
    return Entitlement(cash, kinds, charges, voucher, tuple(held_back))


@dataclass(frozen=True)
class Refusal:
    code: str
    field: str
    detail: str
    basis: str


def payment_refusal(item_code: str, amount: Decimal, entitled: Entitlement, net_paid: Decimal) -> Refusal | None:
    """Why a cash payment of ``amount`` on ``item_code`` may not be made, if it may not: paid (net of what clawbacks
    recovered) plus this payment never exceeds the item's entitlement now."""
    kind = entitled.kinds.get(item_code)
    if kind == "voucher":
        return Refusal(
            "not_a_cash_item",
            "item_code",
            "房票是购买商品房结算的特定票据，票面金额不以现金支付；剩余价值须在购房后调整为货币补偿（voucher_remainder_cash）",
            basis("三(三)2(1)"),
        )
    if kind == "charge":
        return Refusal(
            "not_a_cash_item", "item_code", f"{item_code} 是被征收人应缴的安置房价款，不是支付项目", basis("三(三)3(3)")
        )
    if item_code in entitled.held_back:
        return Refusal(
            "reward_not_yet_earned",
            "item_code",
            f"{item_code}：须在规定期限内腾空交付房屋后方可支付（尚未登记按期交房）",
            basis("三(四)8"),
        )
    due = entitled.cash.get(item_code, ZERO)
    if due <= 0:
        return Refusal("item_not_payable", "item_code", f"协议中没有应付项目 {item_code}", "")
    if net_paid + amount > due:
        return Refusal("overpayment", "amount", f"{item_code} 应付 {due}，已付 {net_paid}，本次 {amount} 超出", "")
    return None


def allocate_deposit(deposit: Decimal, payable: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], Decimal]:
    """二(四) "补偿提存": what was deposited under the 补偿决定 is the household's compensation, so an agreement signed
    afterwards counts it as paid — item by item in the quote's order, each up to what the item pays now (reading
    A-41). Returns the allocation and what the agreement does not owe (it stays with the deposit)."""
    allocation: dict[str, Decimal] = {}
    left = deposit
    for code, due in payable.items():
        if left <= 0:
            break
        share = min(left, due)
        if share > 0:
            allocation[code] = share
            left -= share
    return allocation, left


@dataclass(frozen=True)
class Settled:
    """What has passed under an agreement, net of what earlier clawbacks recovered."""

    cash: Mapping[str, Decimal]  # paid per item (payments and 提存 allocations)
    charges: Decimal  # the flat price charged (≤ 0)
    voucher_used: Decimal  # 房票 value spent on a flat or converted to money
    voucher_unused: Decimal  # 房票 value still on the voucher


@dataclass(frozen=True)
class Clawback:
    amount: Decimal  # recovered in money
    by_item: dict[str, Decimal]
    voucher_cut: Decimal  # unused 房票 value the finding takes off the voucher (nothing to recover in money)
    basis: str


def clawback(settled: Settled, entitled: Entitlement, *, recovers_flat_and_voucher: bool = True) -> Clawback:
    """四(一) "被征收人弄虚作假，骗取补偿安置费用的，收回被骗取的安置资金" (reading A-29).

    ``entitled`` is the entitlement on the facts as found (A-29 ``clawback_against``: with every event since signing,
    or as at signing; the caller builds it). Recovered, item by item: cash paid beyond what the item entitles; and,
    with ``recovers_flat_and_voucher`` (A-42, the reading chosen), the 产权调换 flat's price charged short of what the
    found facts make it (an inflated 安置面积 buys area at 重置价 instead of the market price, 三(三)3(3)) and 房票
    value beyond the value found, first taken off what is still unused on the voucher, the rest (already spent)
    recovered. Never negative: an underpayment is not netted against the fraud.
    """
    by_item: dict[str, Decimal] = {}
    for code, paid in settled.cash.items():
        over = paid - entitled.cash.get(code, ZERO)
        if over > 0:
            by_item[code] = to_fen(over)
    cut = ZERO
    if recovers_flat_and_voucher:
        if settled.charges > entitled.charges:
            by_item[FLAT_PRICE] = to_fen(settled.charges - entitled.charges)
        excess = settled.voucher_used + settled.voucher_unused - entitled.voucher
        cut = min(settled.voucher_unused, max(ZERO, excess))
        if excess - cut > 0:
            by_item[VOUCHER_VALUE] = to_fen(excess - cut)
    return Clawback(sum(by_item.values(), ZERO), by_item, to_fen(cut), basis("四(一)"))
