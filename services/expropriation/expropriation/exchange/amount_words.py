"""大写金额: an amount of yuan in Chinese capital numerals, as written on 结算单 and 票据.

Follows 中国人民银行《正确填写票据和结算凭证的基本规定》: 到"元"为止的写"整"; 有"角"无"分"的不写"整";
中间连续的零只写一个"零"; 万、亿 sections.

A capital amount has no sign: a settlement whose total is negative (the household pays, 产权调换 into a dearer flat)
is written as who pays whom and the amount owed (``Settlement``), never as "负…".
"""

from dataclasses import dataclass
from decimal import Decimal

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿", "万亿")


def _group(value: int) -> str:
    """0 < value < 10000; a gap of zeros inside the group is one 零."""
    words, gap = "", False
    for place in (3, 2, 1, 0):
        digit = value // 10**place % 10
        if digit == 0:
            gap = bool(words)
            continue
        words += ("零" if gap else "") + _DIGITS[digit] + _PLACES[place]
        gap = False
    return words


def _integer(value: int) -> str:
    groups: list[int] = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    words, gap = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            gap = bool(words)
            continue
        if words and (gap or group < 1000):
            words += "零"
        words += _group(group) + _SECTIONS[index]
        gap = False
    return words


def amount_in_words(amount: Decimal) -> str:
    """``Decimal("531000.00")`` → 伍拾叁万壹仟元整; ``Decimal("100.05")`` → 壹佰元零伍分."""
    if amount < 0:
        raise ValueError("a capital amount has no sign: say who pays whom (Settlement)")
    fen_total = int((amount * 100).to_integral_value())
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    words = _integer(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words


@dataclass(frozen=True)
class Settlement:
    """A household's total as the parties read it: who pays whom, how much, in figures and in 大写.

    A positive total is what the 征收人 pays the household (money and 房票); a negative one is what the household owes
    (应缴: the flat it takes is worth more than its house and its other compensation)."""

    total: Decimal

    @property
    def household_pays(self) -> bool:
        return self.total < 0

    @property
    def due(self) -> str:
        """应付 (the 征收人 pays) or 应缴 (the household pays)."""
        return "应缴" if self.household_pays else "应付"

    @property
    def amount(self) -> Decimal:
        return abs(self.total)

    @property
    def figures(self) -> str:
        return f"¥{self.amount:,.2f}"

    @property
    def words(self) -> str:
        return f"人民币{amount_in_words(self.amount)}"

    @property
    def sentence(self) -> str:
        """被征收人应向征收人缴纳人民币…（¥…） or 征收人应向被征收人支付人民币…（¥…）."""
        if self.household_pays:
            return f"被征收人应向征收人缴纳{self.words}（{self.figures}）"
        return f"征收人应向被征收人支付{self.words}（{self.figures}）"
