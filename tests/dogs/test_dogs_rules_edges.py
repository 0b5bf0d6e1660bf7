"""Edges of 衢执法发〔2023〕3号 一(二) the other rules tests left open (found by `./dev mutate`, docs/TESTING.md)."""

import datetime as dt
from decimal import Decimal

from dogs.parameters import breeds_book, notice_book
from dogs.rules.classification import BreedCatalogue, classify

ON = dt.date(2023, 3, 1)
PARAMS = notice_book().at(ON)
BREEDS = breeds_book().at(ON)
CATALOGUE = BreedCatalogue.from_params(BREEDS)


def test_every_pure_listed_breed_is_listed_not_a_cross() -> None:
    # 一(二) names thirty breeds "以及含上述犬血统的杂交犬": a pure 藏獒 is fierce as a listed breed, not as a cross
    for name in BREEDS["fierce"]:
        result = classify(name, Decimal("40"), Decimal("60"), PARAMS, CATALOGUE)
        assert (result.fierce, result.cross) == (True, False), name
        assert result.fierce_lineage == (name,)
        assert result.reasons == (f"列入烈性犬名录：{name}",)


def test_a_pure_common_breed_is_not_a_cross() -> None:
    result = classify("金毛", Decimal("40"), Decimal("60"), PARAMS, CATALOGUE)
    assert (result.fierce, result.cross, result.recognised) == (False, False, True)
