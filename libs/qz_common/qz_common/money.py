"""Money is Decimal yuan; this module is the one place where it is rounded.

Rules compute with unrounded Decimals and round each published line item once,
here, to 分 (0.01 yuan) with ROUND_HALF_UP, the rounding used on Chinese
government payment documents. Totals are sums of rounded items, so a sheet
always adds up to its total.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import PlainSerializer

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> Decimal:
    """Round a yuan amount to 分, half up (the platform's single rounding point)."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan_str(amount: Decimal) -> str:
    """Render an amount as the API shows money: a string with exactly two decimals."""
    return f"{to_fen(amount):.2f}"


# A Decimal in yuan that serialises as a two-decimal string (never a float).
Yuan = Annotated[Decimal, PlainSerializer(yuan_str, return_type=str, when_used="json")]
