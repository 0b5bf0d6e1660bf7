"""A quote as the rules return it, and the lines (items, notes, findings) each part of it adds.

Each item is rounded once, here, via ``qz_common.money.to_fen``; the total is the sum of the rounded items.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from qz_common.money import to_fen

from ..persons import PersonDecision, ResettlementArea
from ..types import Finding, Item, Method, basis
from ..valuation import AssessedBuilding

ZERO = Decimal("0")
ONE = Decimal("1")


@dataclass(frozen=True)
class Quote:
    district: str
    method: Method
    parameter_versions: dict[str, str]
    persons: tuple[PersonDecision, ...]
    resettlement_persons: int
    area: ResettlementArea
    legal_residential_area_m2: Decimal
    built_residential_area_m2: Decimal
    buildings: tuple[AssessedBuilding, ...]
    findings: tuple[Finding, ...]
    items: tuple[Item, ...]
    notes: tuple[str, ...]

    @property
    def resettlement_area_m2(self) -> Decimal:
        return self.area.area_m2

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)

    def total_of(self, kind: str) -> Decimal:
        return sum((i.amount for i in self.items if i.kind == kind), ZERO)

    def amount(self, code: str) -> Decimal:
        return sum((i.amount for i in self.items if i.code == code), ZERO)


@dataclass(frozen=True)
class Lines:
    """What one part of a quote adds to it, in the order the settlement lists them."""

    items: tuple[Item, ...] = ()
    notes: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()

    def __add__(self, other: Lines) -> Lines:
        return Lines(self.items + other.items, self.notes + other.notes, self.findings + other.findings)


def item(code: str, amount: Decimal, clause: str, inputs: dict[str, str], kind: str = "cash") -> Item:
    """One line of the settlement, its amount rounded to 分 (the one rounding point), citing its clause."""
    return Item(code=code, amount=to_fen(amount), basis=basis(clause), inputs=inputs, kind=kind)


def figure(d: Decimal) -> str:
    """A figure as a caseworker reads it in an item's inputs: 150.00 m² as 150, 3000.50 元 with its cents."""
    return format(d.normalize(), "f") if d == d.to_integral_value() else str(d)
