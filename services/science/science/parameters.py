"""Loads the dated parameter files of this service (kept out of ``rules/``, which does no I/O)."""

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from qz_common.params import ParameterBook
from qz_common.scenario import in_scenario
from science.rules.params import InstituteParams, PolicyParams, VoucherParams

PARAMS_DIR = Path(__file__).resolve().parent / "params"


@cache
def institutes_book() -> ParameterBook:
    """衢市科发高〔2022〕43号 市级企业研究院."""
    return ParameterBook.load(PARAMS_DIR / "institutes.toml")


@cache
def vouchers_book() -> ParameterBook:
    """衢市科发高〔2022〕44号 科技创新券."""
    return ParameterBook.load(PARAMS_DIR / "vouchers.toml")


@cache
def policies_book() -> ParameterBook:
    """衢政发〔2023〕1号 items 7–16."""
    return ParameterBook.load(PARAMS_DIR / "policies.toml")


# ``overrides``: a calculator's what-if values (qz_common.scenario); stored records never pass any.


def institute_params(day: dt.date, overrides: Mapping[str, str] | None = None) -> InstituteParams:
    return InstituteParams.from_params(in_scenario(institutes_book().at(day), overrides))


def voucher_params(day: dt.date, overrides: Mapping[str, str] | None = None) -> VoucherParams:
    return VoucherParams.from_params(in_scenario(vouchers_book().at(day), overrides))


def policy_params(day: dt.date, overrides: Mapping[str, str] | None = None) -> PolicyParams:
    return PolicyParams.from_params(in_scenario(policies_book().at(day), overrides))
