"""rules/ledger.py against its clauses: what is cash (三(三)2(1)), when the 三(四)8 rewards are earned, where a 提存
goes (二(四)), what a 四(一) clawback recovers. Figures by hand in the comments."""

from decimal import Decimal

from expropriation.rules.ledger import (
    FLAT_PRICE,
    VOUCHER_VALUE,
    Entitlement,
    Settled,
    allocate_deposit,
    clawback,
    entitlement,
    payment_refusal,
)
from expropriation.rules.types import Item

D = Decimal
ZERO = D("0")


def item(code: str, amount: str, kind: str = "cash") -> Item:
    return Item(code=code, amount=D(amount), basis="", kind=kind)


def entitled(*items: Item, in_time: bool | None = True, converted: str = "0") -> Entitlement:
    return entitlement(items, handed_over_in_time=in_time, voucher_conversion_cash=D(converted))


def paid(charges: str = "0", voucher_used: str = "0", voucher_unused: str = "0", **cash: str) -> Settled:
    return Settled({k: D(v) for k, v in cash.items()}, D(charges), D(voucher_used), D(voucher_unused))


# ---------------------------------------------------------------- 四(一) clawback, cash


def test_clawback_recovers_overpayment_per_item() -> None:
    # 450,000 paid on the house against 300,000 found: 150,000; the moving fee paid as entitled: nothing
    c = clawback(
        paid(house_monetary_compensation="450000", moving_fee="3000"),
        entitled(item("house_monetary_compensation", "300000"), item("moving_fee", "3000")),
    )
    assert (c.amount, c.by_item, c.basis) == (
        D("150000.00"),
        {"house_monetary_compensation": D("150000.00")},
        "衢政发〔2023〕2号 四(一)",
    )


def test_clawback_underpayment_not_netted() -> None:
    # a: 100 paid, 60 due → 40 recovered; b: 50 paid, 80 due → the 30 still owed is not set off against the fraud
    c = clawback(paid(a="100", b="50"), entitled(item("a", "60"), item("b", "80")))
    assert c.amount == D("40.00")


def test_clawback_item_not_entitled_at_all() -> None:
    assert clawback(paid(early_vacate_reward="60000"), entitled()).amount == D("60000.00")


def test_clawback_recovers_even_a_small_overpayment() -> None:
    # 四(一) "收回被骗取的安置资金": 0.50 paid beyond an entitlement of 0 is recovered; an item paid 0 recovers nothing
    c = clawback(paid(moving_fee="0.50", reward="0"), entitled())
    assert (c.amount, c.by_item) == (D("0.50"), {"moving_fee": D("0.50")})


def test_clawback_of_an_earned_reward_recovers_only_what_the_found_area_takes_off() -> None:
    # 三(四)8 整村 reward paid on 150 m² × 60 = 9,000; the legal area found is 120 m²: 120 × 60 = 7,200 due,
    # 9,000 − 7,200 = 1,800 recovered (not the 9,000 the quote at signing, before the village completed, showed as 0)
    c = clawback(paid(village_completion_reward="9000"), entitled(item("village_completion_reward", "7200")))
    assert c.by_item == {"village_completion_reward": D("1800.00")}


# ---------------------------------------------------------------- 四(一) clawback, 产权调换 and 房票


def test_flat_bought_at_replacement_price_on_an_inflated_area_is_recovered() -> None:
    # 三(三)3(3): a 160 m² flat within a 160 m² 安置面积 at 重置价 1,400: charged 160 × 1,400 = 224,000.
    # Found: 安置面积 110 m² → 110 × 1,400 = 154,000 within, 50 m² beyond at market 8,000 = 400,000; 554,000 owed.
    # The flat was priced 554,000 − 224,000 = 330,000 short: recovered.
    found = entitled(
        item("swap_flat_price_within_area", "-154000", "charge"),
        item("swap_flat_price_beyond_area", "-400000", "charge"),
    )
    c = clawback(paid(charges="-224000"), found)
    assert (c.amount, c.by_item) == (D("330000.00"), {FLAT_PRICE: D("330000.00")})


def test_flat_price_charged_in_full_recovers_nothing() -> None:
    assert (
        clawback(paid(charges="-554000"), entitled(item("swap_flat_price_within_area", "-554000", "charge"))).amount
        == 0
    )


def test_voucher_value_found_too_high_is_taken_off_what_is_unused_first() -> None:
    # 房票 of 100,000: 50,000 spent, 50,000 unused; 80,000 found: 20,000 too much, all of it still on the voucher
    c = clawback(paid(voucher_used="50000", voucher_unused="50000"), entitled(item(VOUCHER_VALUE, "80000", "voucher")))
    assert (c.amount, c.voucher_cut) == (ZERO, D("20000.00"))


def test_voucher_value_already_spent_beyond_the_found_value_is_recovered() -> None:
    # 90,000 spent, 10,000 unused, 50,000 found: 50,000 too much; 10,000 taken off the voucher, 40,000 recovered
    c = clawback(paid(voucher_used="90000", voucher_unused="10000"), entitled(item(VOUCHER_VALUE, "50000", "voucher")))
    assert (c.amount, c.by_item, c.voucher_cut) == (D("40000.00"), {VOUCHER_VALUE: D("40000.00")}, D("10000.00"))


# ---------------------------------------------------------------- what may be paid in cash


def test_voucher_face_value_is_never_cash() -> None:
    # 三(三)2(1) "房票是用于被征收人购买商品房结算的特定票据，只限于被征收人购置商品房时使用"
    refusal = payment_refusal(VOUCHER_VALUE, D("1"), entitled(item(VOUCHER_VALUE, "1248000", "voucher")), ZERO)
    assert refusal is not None
    assert (refusal.code, refusal.field, refusal.basis) == (
        "not_a_cash_item",
        "item_code",
        "衢政发〔2023〕2号 三(三)2(1)",
    )


def test_the_flat_price_is_not_a_payment() -> None:
    refusal = payment_refusal(
        "swap_flat_price_within_area", D("1"), entitled(item("swap_flat_price_within_area", "-224000", "charge")), ZERO
    )
    assert refusal is not None and refusal.code == "not_a_cash_item"


def test_converted_voucher_value_is_cash_once_converted() -> None:
    e = entitled(item(VOUCHER_VALUE, "1248000", "voucher"), converted="248000")
    assert e.cash == {"voucher_remainder_cash": D("248000")}
    assert payment_refusal("voucher_remainder_cash", D("248000"), e, ZERO) is None


def test_rewards_wait_for_a_hand_over_recorded_in_time() -> None:
    # 三(四)8: the reward is for "在规定时间内签订协议并交付拆除"; before a hand-over is recorded it is not yet earned
    reward = item("early_vacate_reward", "60000")
    waiting = entitled(reward, in_time=None)
    assert waiting.cash["early_vacate_reward"] == 0 and waiting.held_back == ("early_vacate_reward",)
    refusal = payment_refusal("early_vacate_reward", D("60000"), waiting, ZERO)
    assert refusal is not None and (refusal.code, refusal.basis) == (
        "reward_not_yet_earned",
        "衢政发〔2023〕2号 三(四)8",
    )
    assert payment_refusal("early_vacate_reward", D("60000"), entitled(reward, in_time=True), ZERO) is None


def test_payment_up_to_the_entitlement_and_not_a_fen_beyond() -> None:
    e = entitled(item("moving_fee", "3000"))
    assert payment_refusal("moving_fee", D("1000"), e, D("2000")) is None  # 2,000 + 1,000 = 3,000: the whole fee
    beyond = payment_refusal("moving_fee", D("0.01"), e, D("3000"))
    assert beyond is not None and (beyond.code, beyond.field) == ("overpayment", "amount")


# ---------------------------------------------------------------- 二(四) 提存


def test_deposit_counts_item_by_item_in_the_quotes_order() -> None:
    payable = {
        "house_monetary_compensation": D("450000"),
        "temporary_resettlement_fee": D("18000"),
        "moving_fee": D("3000"),
    }
    # 300,000 deposited: all of it on the first item
    assert allocate_deposit(D("300000"), payable) == ({"house_monetary_compensation": D("300000")}, ZERO)
    # 500,000: 450,000 + 18,000 + 3,000 = 471,000 owed; 29,000 is not the agreement's to count
    allocation, surplus = allocate_deposit(D("500000"), payable)
    assert allocation == payable and surplus == D("29000")
