"""The parameters of a what-if quote: those in force, with the caller's declared overrides (qz_common.scenario)."""

import datetime as dt
from collections.abc import Mapping

from expropriation.api.common import load_params
from expropriation.parameters import city_book, district_book
from expropriation.rules.params import CityParams, DistrictParams, Params
from expropriation.rules.types import District
from qz_common.scenario import with_overrides


def scenario_params(district: str, day: dt.date, overrides: Mapping[str, str] | None) -> Params:
    params = load_params(district, day)  # district and date are checked exactly as for a plain quote
    if not overrides:
        return params
    city, local = with_overrides([city_book().at(day), district_book(District(district)).at(day)], overrides)
    return Params(city=CityParams.from_set(city), district=DistrictParams.from_set(local))
