"""Dated parameter files: prices, rates, thresholds and durations as data.

A parameter file is TOML holding a list of versions, each with the date from
which it is in force and the document that set it::

    [[versions]]
    id = "2023-03-01"
    effective_from = 2023-03-01
    document = "衢政发〔2023〕2号"

    [versions.values]
    temporary_fee_per_m2_month = "10"

A rule change next year is a new ``[[versions]]`` block, not a code edit.
Values written as strings that look like numbers are read as ``Decimal`` so that
money and rates never pass through binary floating point.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any


class RuleNotInForce(LookupError):
    """Raised when no parameter version is in force on the requested date."""

    def __init__(self, book: str, day: dt.date, first_effective: dt.date) -> None:
        super().__init__(f"{book}: no version in force on {day}; first in force {first_effective}")
        self.book = book
        self.day = day
        self.first_effective = first_effective


def _as_decimal_if_numeric(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    if isinstance(value, float):
        raise TypeError(f"write {value!r} as a quoted string: parameters never use floats")
    if isinstance(value, list):
        return [_as_decimal_if_numeric(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_decimal_if_numeric(v) for k, v in value.items()}
    return value


# The versions the current request consulted (set per request by the platform middleware, qz_common.requests),
# so that an answer can name the exact figures it was computed from.
CONSULTED: ContextVar[dict[str, ParameterSet] | None] = ContextVar("qz_parameters_consulted", default=None)


def note_consulted(version: ParameterSet) -> ParameterSet:
    consulted = CONSULTED.get()
    if consulted is not None:
        consulted[version.book] = version
    return version


@dataclass(frozen=True)
class ParameterSet:
    """The values of one parameter version, and from its book's ``[meta.NAME]`` tables the unit of each ("" for none)
    and, for a parameter that holds a reading of an unclear sentence, the readings it may take (value → label)."""

    book: str
    version: str
    effective_from: dt.date
    document: str
    values: Mapping[str, Any]
    units: Mapping[str, str] = field(default_factory=dict)
    readings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise KeyError(f"{self.book} version {self.version} has no parameter {name!r}") from None

    def decimal(self, name: str) -> Decimal:
        value = self[name]
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise TypeError(f"{self.book}.{name} is not a number: {value!r}")
        return Decimal(value)

    def reading(self, name: str) -> str:
        """A parameter holding the reading of an unclear sentence: one of the readings its ``[meta]`` names."""
        value = str(self[name])
        if value not in self.readings.get(name, {}):
            raise ValueError(f"{self.book}.{name}: reading {value!r} unknown")
        return value

    def integer(self, name: str) -> int:
        value = self[name]
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{self.book}.{name} is not an integer: {value!r}")
        return value


def reading_options(meta: Mapping[str, Any]) -> dict[str, str]:
    """A reading parameter's ``readings`` table, value → label, its values (TOML keys) written as a what-if sends
    them: ``true``/``false`` for a yes/no reading, digits for a number, a code as it is."""
    return {str(value): str(label) for value, label in meta["readings"].items()}


def as_sent(value: Any) -> str:
    """A parameter's value as a what-if sends it (``true``, ``3``, ``face_value``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class ParameterBook:
    """All dated versions of one parameter file, oldest first."""

    name: str
    versions: tuple[ParameterSet, ...]

    @classmethod
    def load(cls, path: Path) -> ParameterBook:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
        name = path.stem
        units = {key: str(meta.get("unit", "")) for key, meta in raw.get("meta", {}).items()}
        readings = {key: reading_options(meta) for key, meta in raw.get("meta", {}).items() if "readings" in meta}
        versions = tuple(
            sorted(
                (
                    ParameterSet(
                        book=name,
                        version=str(v["id"]),
                        effective_from=v["effective_from"],
                        document=v.get("document", ""),
                        values=_as_decimal_if_numeric(v.get("values", {})),
                        units=units,
                        readings=readings,
                    )
                    for v in raw["versions"]
                ),
                key=lambda p: p.effective_from,
            )
        )
        if not versions:
            raise ValueError(f"{path} holds no versions")
        ids = [v.version for v in versions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{path} repeats a version id")
        return cls(name=name, versions=versions)

    @property
    def first_effective(self) -> dt.date:
        return self.versions[0].effective_from

    def at(self, day: dt.date) -> ParameterSet:
        """The version in force on ``day`` (the latest whose effective date is not after it)."""
        in_force = [v for v in self.versions if v.effective_from <= day]
        if not in_force:
            raise RuleNotInForce(self.name, day, self.first_effective)
        return note_consulted(in_force[-1])

    def version(self, version_id: str) -> ParameterSet:
        """A stored version by id, so a signed agreement can be re-quoted exactly."""
        for v in self.versions:
            if v.version == version_id:
                return note_consulted(v)
        raise KeyError(f"{self.name} has no version {version_id!r}")
