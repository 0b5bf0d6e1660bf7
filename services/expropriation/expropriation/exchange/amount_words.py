"""大写金额: an amount of yuan in Chinese capital numerals, as written on 结算单 and 票据.

Follows 中国人民银行《正确填写票据和结算凭证的基本规定》: 到"元"为止的写"整"; 有"角"无"分"的不写"整";
中间连续的零只写一个"零"; 万、亿 sections.
"""

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
    sign = "负" if amount < 0 else ""
    fen_total = int((abs(amount) * 100).to_integral_value())
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    words = _integer(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return sign + (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif words:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return sign + words
