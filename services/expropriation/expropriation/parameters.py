"""Loads the dated parameter files (file I/O lives here, outside ``rules/``)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from qz_common.params import ParameterBook, ParameterSet

from .rules.params import CityParams, DistrictParams, Params
from .rules.types import District, OutOfScope, basis

PARAMS_DIR = Path(__file__).parent / "params"
DISTRICT_FILES = {District.KECHENG: "district_kecheng.toml", District.QUJIANG: "district_qujiang.toml"}


@cache
def city_book() -> ParameterBook:
    return ParameterBook.load(PARAMS_DIR / "expropriation.toml")


@cache
def district_book(district: District) -> ParameterBook:
    return ParameterBook.load(PARAMS_DIR / DISTRICT_FILES[district])


def _district(name: str) -> District:
    try:
        return District(name)
    except ValueError:
        raise OutOfScope(
            "district", f"本办法只适用于柯城区、衢江区集体土地房屋征收，不适用于{name}", basis("一(一)")
        ) from None


def params_on(district: str, day: dt.date) -> Params:
    """The parameters in force on ``day`` for ``district`` (raises RuleNotInForce before 2023-03-01)."""
    d = _district(district)
    return _typed(d, city_book().at(day), district_book(d).at(day))


def params_by_version(district: str, city_version: str, district_version: str) -> Params:
    """The exact parameter versions stored on a signed agreement, so a re-quote reproduces it."""
    d = _district(district)
    return _typed(d, city_book().version(city_version), district_book(d).version(district_version))


def _typed(district: District, city: ParameterSet, local: ParameterSet) -> Params:
    """The typed parameters of two versions (looked up above, so the request notes them as consulted)."""
    return Params(city=_city_params(city.version), district=_district_params(district, local.version))


# Typing a version converts every entry of its book: done once per version, not per quote (the books are read once
# per process, so a version's figures never change while it runs).
@cache
def _city_params(version: str) -> CityParams:
    return CityParams.from_set(city_book().version(version))


@cache
def _district_params(district: District, version: str) -> DistrictParams:
    return DistrictParams.from_set(district_book(district).version(version))
