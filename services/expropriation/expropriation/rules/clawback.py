"""四(一) 弄虚作假骗取补偿安置费用的，收回被骗取的安置资金."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from qz_common.money import to_fen

from .types import RuleError, basis


@dataclass(frozen=True)
class Clawback:
    amount: Decimal
    by_item: dict[str, Decimal]
    basis: str


def clawback(paid: Mapping[str, Decimal], entitled: Mapping[str, Decimal]) -> Clawback:
    """四(一): "被征收人弄虚作假，骗取补偿安置费用的，收回被骗取的安置资金".

    ``paid`` is what was paid per item code; ``entitled`` what a quote on the true facts gives. The sum to
    recover is, item by item, what was paid beyond the entitlement (never negative: an underpayment is not
    netted against fraud).
    """
    by_item: dict[str, Decimal] = {}
    for code, amount in paid.items():
        if amount < 0:
            raise RuleError("paid", f"{code}: 已付金额不能为负", basis("四(一)"))
        over = amount - entitled.get(code, Decimal("0"))
        if over > 0:
            by_item[code] = to_fen(over)
    return Clawback(sum(by_item.values(), Decimal("0")), by_item, basis("四(一)"))
