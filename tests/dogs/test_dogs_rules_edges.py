"""Edges of 衢执法发〔2023〕3号 the other rules tests left open (found by `./dev mutate`, see docs/TESTING.md)."""

import datetime as dt
from decimal import Decimal

from dogs.parameters import breeds_book, notice_book
from dogs.rules.classification import BreedCatalogue, classify
from dogs.rules.vaccination import immunisation_problems

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


def test_next_immunisation_must_fall_after_this_one() -> None:
    # 六 免疫信息: a next due date on the day of this vaccination cannot be right; the day after can
    assert immunisation_problems(ON, ON) == [("next_due_on", "下次免疫日期须晚于本次免疫日期")]
    assert immunisation_problems(ON, ON + dt.timedelta(days=1)) == []
