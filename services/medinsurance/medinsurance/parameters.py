"""Loading of the dated parameter files under ``params/`` (file I/O lives here, not in ``rules/``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from medinsurance.rules.basis import CALENDAR_BOOK, DOC
from qz_common.params import ParameterBook, ParameterSet
from qz_common.scenario import in_scenario, with_overrides

PARAMS_DIR = Path(__file__).parent / "params"
BOOKS = (
    "admission",
    "refusal",
    "process",
    "evaluation",
    "sanctions",
    "conduct",
    "agreement",
    "performance",
    "calendar",
)


@cache
def book(name: str) -> ParameterBook:
    if name not in BOOKS:
        raise KeyError(f"unknown parameter book {name!r}")
    return ParameterBook.load(PARAMS_DIR / f"{name}.toml")


def params(name: str, day: dt.date) -> ParameterSet:
    """The version of parameter book ``name`` in force on ``day``."""
    return book(name).at(day)


@dataclass(frozen=True)
class InForce:
    """The version that applies on a date and whether 衢医保发〔2023〕8号 was in force then.

    六(四) "自2023年2月18日起施行".

    A check dated earlier is answered with the first version, flagged ``in_force=False`` with a notice.
    """

    params: ParameterSet
    in_force: bool
    notice: str | None


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def resolve(name: str, day: dt.date) -> InForce:
    b = book(name)
    if day < b.first_effective:
        return InForce(
            b.versions[0],
            False,
            f"{DOC} 六(四)：本办法自{_chinese_date(b.first_effective)}起施行，{day.isoformat()} 尚未施行",
        )
    return InForce(b.at(day), True, None)


def in_force(name: str, day: dt.date, overrides: Mapping[str, str] | None = None) -> InForce:
    """The book's version for ``day``, with a calculator's what-if overrides (qz_common.scenario) if any."""
    force = resolve(name, day)
    return replace(force, params=in_scenario(force.params, overrides)) if overrides else force


def counted_in_force(
    name: str, day: dt.date, overrides: Mapping[str, str] | None = None
) -> tuple[InForce, ParameterSet]:
    """Book ``name``'s version for ``day`` and the calendar book's, which says how its periods are counted (readings
    A-01 and A-02, one home for every rule that counts), with a what-if's overrides of either (422 for any other)."""
    force = resolve(name, day)
    calendar = resolve(CALENDAR_BOOK, day).params
    if not overrides:
        return force, calendar
    own, counting = with_overrides([force.params, calendar], overrides)
    return replace(force, params=own), counting


def books_in_force(
    names: Sequence[str], day: dt.date, overrides: Mapping[str, str] | None = None
) -> list[ParameterSet]:
    """The versions of the books ``names`` for ``day`` (the first one before 六(四)'s date), with a what-if's overrides
    of any of them (422 for any other)."""
    return with_overrides([resolve(name, day).params for name in names], overrides)
