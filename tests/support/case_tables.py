"""Case tables: hand-computed cases a lawyer can read and add without reading Python (issue 28).

Each service keeps its cases in ``tests/<service>/cases/*.toml``, one file per calculator or clause::

    [[cases]]
    name = "货币补偿：一户两人，砖混住宅150㎡"
    clause = "衢政发〔2023〕2号 三(三)1"
    calculator = "/v1/quotes"          # the stateless calculator: its endpoint, posted as a client would
    arithmetic = "150 × 3,000 = 450,000"

    [cases.input]                      # the request body
    ...

    [cases.expected]                   # what the answer must say; a path into it, and the value
    total = "588000.00"
    "items[code=house_monetary_compensation].amount" = "450000.00"
    "items[code=moving_fee].basis" = "衢政发〔2023〕2号 三(四)7"

A path is read dot by dot; ``[3]`` takes the fourth element of a list, ``[code=x]`` the element whose ``code``
is ``x``, and ``[*]`` every element, the rest of the path read in each: ``"items[*].code"`` is the list of the
answer's item codes, which says which items there are and which there are not. An expected ``status`` (default 200)
is the HTTP status, so a refusal is a case too: then ``code`` and ``field`` of the problem are paths like any other.
Every case names its clause and shows its arithmetic: the figure is checked against the hand computation, never
copied from the program.

A table may give, before its cases, the ``calculator`` of every case that names none and an ``[input]`` every case
starts from (the household the table is about); a case's own ``[cases.input]`` then replaces whole fields of it, and
its ``omit = ["field", ...]`` leaves fields of it out (TOML has no null)::

    calculator = "/v1/quotes"

    [input]
    district = "柯城区"
    ...

    [[cases]]
    name = "未提供评估价格：货币补偿无从计算"
    omit = ["appraised_price_per_m2"]
    ...
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]|\[(\w+)=([^\]]+)\]|(\[\*\])")


@dataclass(frozen=True)
class Case:
    name: str
    clause: str
    calculator: str
    arithmetic: str
    input: dict[str, Any]
    expected: dict[str, Any]
    source: str

    @property
    def status(self) -> int:
        return int(self.expected.get("status", 200))


def load(directory: Path) -> list[Case]:
    """Every case of every table in ``directory``; a case missing its clause or arithmetic is an error."""
    cases = []
    for table in sorted(directory.glob("*.toml")):
        document = tomllib.loads(table.read_text(encoding="utf-8"))
        for number, raw in enumerate(document["cases"], start=1):
            raw = {key: document[key] for key in ("calculator",) if key in document} | raw
            missing = [k for k in ("name", "clause", "calculator", "arithmetic", "expected") if k not in raw]
            if missing:
                raise ValueError(f"{table.name} case {number}: missing {', '.join(missing)}")
            request = document.get("input", {}) | raw.get("input", {})
            cases.append(
                Case(
                    name=raw["name"],
                    clause=raw["clause"],
                    calculator=raw["calculator"],
                    arithmetic=raw["arithmetic"],
                    input={k: v for k, v in request.items() if k not in raw.get("omit", ())},
                    expected=raw["expected"],
                    source=f"{table.name}#{number}",
                )
            )
    return cases


def parametrize(directory: Path) -> Any:
    """``@parametrize(Path(__file__).parent / "cases")`` over a test taking ``case``, each named by its table."""
    cases = load(directory)
    return pytest.mark.parametrize("case", cases, ids=[f"{c.source} {c.name}" for c in cases])


def at(document: Any, path: str) -> Any:
    """The value at ``path`` in a JSON answer (see the module docstring)."""
    return _read(document, _STEP.findall(path), path)


def _read(value: Any, steps: list[tuple[str, ...]], path: str) -> Any:
    for number, (name, index, key, wanted, every) in enumerate(steps):
        if every:
            return [_read(element, steps[number + 1 :], path) for element in value]
        if name:
            value = value[name]
        elif index:
            value = value[int(index)]
        else:
            matches = [element for element in value if str(element.get(key)) == wanted]
            if len(matches) != 1:
                raise KeyError(f"{path}: {len(matches)} elements with {key}={wanted}")
            value = matches[0]
    return value


def check(case: Case, status: int, answer: Any) -> None:
    """The answer says what the case expects, at every path."""
    assert status == case.status, f"{case.source} {case.name}: HTTP {status}, expected {case.status}: {answer}"
    wrong = {}
    for path, expected in case.expected.items():
        if path == "status":
            continue
        try:
            actual = at(answer, path)
        except (KeyError, IndexError, TypeError) as missing:
            wrong[path] = f"not in the answer ({missing})"
            continue
        if actual != expected:
            wrong[path] = f"{actual!r}, expected {expected!r}"
    assert not wrong, f"{case.source} {case.name} ({case.clause}; {case.arithmetic}): {wrong}"
