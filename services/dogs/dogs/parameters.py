"""Loads the dated parameter files of this service (kept out of ``rules/``, which does no I/O)."""

from functools import cache
from pathlib import Path

from qz_common.params import ParameterBook

PARAMS_DIR = Path(__file__).resolve().parent / "params"


@cache
def notice_book() -> ParameterBook:
    """Thresholds and hours of 衢执法发〔2023〕3号."""
    return ParameterBook.load(PARAMS_DIR / "dogs.toml")


@cache
def breeds_book() -> ParameterBook:
    """The 烈性犬名录 with aliases, and common breeds outside it."""
    return ParameterBook.load(PARAMS_DIR / "breeds.toml")
