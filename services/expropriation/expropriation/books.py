"""The parameter books of 衢政发〔2023〕2号: the dated TOML files under ``params/``, read here (``rules/`` does no I/O)
and handed to a calculator in their typed form (``rules/params.py``) by one call, for a day or for the versions an
agreement was signed with.

``params/expropriation.toml`` holds the figures of the 办法 itself; ``params/district_<name>.toml`` what it leaves to
柯城区 / 衢江区.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from qz_common.params import ParameterBook, ParameterSet
from qz_common.scenario import scenario_computation, with_overrides

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


def params_on(district: str, day: dt.date, overrides: Mapping[str, str] | None = None) -> Params:
    """The typed parameters in force on ``day`` for ``district`` (RuleNotInForce before 2023-03-01), with a stateless
    calculator's what-if ``overrides`` (qz_common.scenario: 422 for any the books do not allow) when it sends any."""
    city, local = sets_on(district, day, overrides)
    if overrides:
        with scenario_computation(overrides):  # a fraction where a book counts months: 422, not 500
            return Params(city=CityParams.from_set(city), district=DistrictParams.from_set(local))
    return _published(_district(district), city.version, local.version)


def sets_on(district: str, day: dt.date, overrides: Mapping[str, str] | None = None) -> list[ParameterSet]:
    """The city's and the district's book versions in force on ``day``, with ``overrides`` (as ``params_on``)."""
    d = _district(district)  # out of scope before not in force, as the quote checks them
    sets = [city_book().at(day), district_book(d).at(day)]
    return with_overrides(sets, overrides) if overrides else sets


def params_of_versions(
    district: str, city_version: str, district_version: str, overrides: Mapping[str, str] | None = None
) -> Params:
    """The exact parameter versions stored on a signed agreement, so a re-quote reproduces it; with a what-if's
    ``overrides`` (as ``params_on``) when one asks what a finding, a payment or a 房票 would be under a scenario."""
    d = _district(district)
    city, local = city_book().version(city_version), district_book(d).version(district_version)
    if overrides:
        city, local = with_overrides([city, local], overrides)
        with scenario_computation(overrides):
            return Params(city=CityParams.from_set(city), district=DistrictParams.from_set(local))
    return _published(d, city.version, local.version)


def _district(name: str) -> District:
    try:
        return District(name)
    except ValueError:
        raise OutOfScope(
            "district", f"本办法只适用于柯城区、衢江区集体土地房屋征收，不适用于{name}", basis("一(一)")
        ) from None


# Typing a published version converts every entry of its book: done once per version, not per quote (the books are
# read once per process, so a version's figures never change while it runs). The lookups above still note each
# version as consulted, for X-Parameter-Versions.
@cache
def _published(district: District, city_version: str, district_version: str) -> Params:
    return Params(
        city=CityParams.from_set(city_book().version(city_version)),
        district=DistrictParams.from_set(district_book(district).version(district_version)),
    )
