"""附件 结算价格表: 重置价, 成新率 (A-01), 阁楼/架空层 bands (A-05, A-06)."""

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from expropriation.rules.params import CityParams
from expropriation.rules.types import Building, RuleError, Structure, WorkKind
from expropriation.rules.valuation import (
    Category,
    assess_building,
    attic_factor,
    depreciation,
    newness_rate,
    replacement_price,
    stilt_factor,
)

PRE = dt.date(2023, 6, 1)
VALUATION = dt.date(2023, 7, 1)
MakeBuilding = Callable[..., Building]


@pytest.mark.parametrize(
    ("structure", "price"),
    [
        (Structure.FRAME, "1400"),
        (Structure.BRICK_CONCRETE, "1200"),
        (Structure.BRICK_WOOD, "1000"),
        (Structure.OTHER, "700"),
    ],
)
def test_price_table(city: CityParams, structure: Structure, price: str) -> None:
    assert replacement_price(city, structure) == Decimal(price)


@pytest.mark.parametrize(
    ("age", "dep"),
    [(0, "0"), (1, "0"), (3, "0"), (4, "0.01"), (5, "0.02"), (32, "0.29"), (33, "0.30"), (34, "0.30"), (80, "0.30")],
)
def test_depreciation_years_beyond_third(city: CityParams, age: int, dep: str) -> None:
    assert depreciation(city, age) == Decimal(dep)


def test_depreciation_other_reading_is_one_parameter(city: CityParams) -> None:
    other = dataclasses.replace(city, depreciation_offset_years=0)
    assert depreciation(other, 3) == 0
    assert depreciation(other, 4) == Decimal("0.04")
    assert depreciation(other, 29) == Decimal("0.29")
    assert depreciation(other, 30) == Decimal("0.30")
    assert depreciation(other, 31) == Decimal("0.30")


def test_newness_same_year_is_full(city: CityParams) -> None:
    assert newness_rate(city, 2023, dt.date(2023, 12, 31)) == 1


def test_newness_third_and_fourth_year(city: CityParams) -> None:
    assert newness_rate(city, 2020, dt.date(2023, 7, 1)) == 1
    assert newness_rate(city, 2019, dt.date(2023, 7, 1)) == Decimal("0.99")


def test_newness_floor_70_percent(city: CityParams) -> None:
    assert newness_rate(city, 1950, dt.date(2023, 7, 1)) == Decimal("0.70")


def test_built_after_valuation_refused(city: CityParams) -> None:
    with pytest.raises(RuleError):
        newness_rate(city, 2024, dt.date(2023, 7, 1))


@pytest.mark.parametrize(
    ("height", "factor"),
    [("0.99", "0"), ("1", "0.30"), ("1.69", "0.30"), ("1.7", "0.50"), ("1.71", "0.50"), ("3", "0.50")],
)
def test_attic_eaves_bands(city: CityParams, height: str, factor: str) -> None:
    assert attic_factor(city, Decimal(height)) == Decimal(factor)


def test_attic_boundary_other_reading(city: CityParams) -> None:
    assert attic_factor(dataclasses.replace(city, attic_boundary_in_high_band=False), Decimal("1.7")) == Decimal("0.30")


@pytest.mark.parametrize(
    ("height", "factor"),
    [("1.49", "0"), ("1.5", "0.50"), ("2.2", "0.50"), ("2.21", "1")],
)
def test_stilt_floor_band(city: CityParams, height: str, factor: str) -> None:
    assert stilt_factor(city, Decimal(height)) == Decimal(factor)


def test_other_depreciation_reading_is_one_line_of_the_params_file(tmp_path: Path) -> None:
    from expropriation.books import PARAMS_DIR
    from expropriation.rules.params import CityParams
    from qz_common.params import ParameterBook

    text = (PARAMS_DIR / "expropriation.toml").read_text(encoding="utf-8")
    line = 'depreciation_offset_years = "3"'
    assert text.count(line) == 1
    changed = tmp_path / "expropriation.toml"
    changed.write_text(text.replace(line, 'depreciation_offset_years = "0"'), encoding="utf-8")
    other = CityParams.from_set(ParameterBook.load(changed).at(dt.date(2023, 7, 1)))
    assert depreciation(other, 4) == Decimal("0.04")
    assert depreciation(other, 3) == 0


# ---------------------------------------------------------------- 三(四)1–4: each declared part's treatment


def test_a_part_without_legal_area_is_assessed_not_refused(city: CityParams, house: MakeBuilding) -> None:
    # a fraction of a square metre is a lawful declaration, and so is a 未建 part of 0 m²; the quote's input
    # checks, not the assessment, refuse a built part of 0 m²
    for area, built in (("0.5", True), ("0", False)):
        assessed = assess_building(city, 0, house(area, built=built), PRE, VALUATION)
        assert (assessed.category, assessed.area_m2) == (Category.RESIDENTIAL, Decimal(area))


def test_a_residential_house_is_valued_at_the_full_price_factor(city: CityParams, house: MakeBuilding) -> None:
    # 重置价 × 成新率 × 1: only 阁楼 / 架空层 (附件 说明2) scale the price
    assert assess_building(city, 0, house(), PRE, VALUATION).factor == 1


def test_an_excluded_part_carries_no_price_factor(city: CityParams, house: MakeBuilding) -> None:
    # 二(一): a new build after the pre-announcement "不得予以补偿"
    done = PRE + dt.timedelta(days=1)
    assessed = assess_building(city, 0, house(work_kind=WorkKind.NEW_BUILD, work_done_on=done), PRE, VALUATION)
    assert (assessed.category, assessed.factor) == (Category.EXCLUDED, 0)


def test_a_work_kind_without_its_day_finds_nothing(city: CityParams, house: MakeBuilding) -> None:
    # 二(一) needs both the act and the day it was done to compare with the pre-announcement
    assessed = assess_building(city, 0, house(work_kind=WorkKind.NEW_BUILD), PRE, VALUATION)
    assert (assessed.category, assessed.finding) == (Category.RESIDENTIAL, None)
