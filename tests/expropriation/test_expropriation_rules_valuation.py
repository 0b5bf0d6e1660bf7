"""附件 结算价格表: 重置价, 成新率 (A-01), 阁楼/架空层 bands (A-05, A-06)."""

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from expropriation.rules.params import CityParams
from expropriation.rules.types import RuleError, Structure
from expropriation.rules.valuation import attic_factor, depreciation, newness_rate, replacement_price, stilt_factor


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
