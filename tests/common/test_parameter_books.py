"""Every parameter of every book says what it is, in which unit, on which clause (issue 14, rules as data)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from dogs.parameters import PARAMS_DIR as DOGS
from expropriation.books import PARAMS_DIR as EXPROPRIATION
from medinsurance.parameters import PARAMS_DIR as MEDINSURANCE
from qz_common.errors import ProblemError
from qz_common.parameter_api import ParameterShelf, as_sent
from qz_common.scenario import with_overrides
from science.parameters import PARAMS_DIR as SCIENCE

DOCUMENTS = (
    "衢政发〔2023〕2号",
    "衢执法发〔2023〕3号",
    "衢医保发〔2023〕8号",
    "衢市科发高〔2022〕",
    "衢政发〔2023〕1号",
)


@pytest.mark.parametrize("directory", [DOGS, EXPROPRIATION, MEDINSURANCE, SCIENCE], ids=lambda p: p.parent.name)
def test_every_parameter_has_its_meta(directory: Path) -> None:
    shelf = ParameterShelf.load(directory)
    names = shelf.names()
    assert names
    assert [n for n in names if n not in shelf.meta] == [], "add a [meta.NAME] table at the end of the book"
    assert [n for n in shelf.meta if n not in names] == [], "meta for a parameter the book does not declare"
    for name in names:
        meta = shelf.meta[name]
        assert meta.description, name
        assert meta.basis.startswith(DOCUMENTS), (name, meta.basis)


# The numbers of the books that are no amount, rate, count or duration: administrative division codes (no unit) and
# months of the year (月份). A what-if may not change them (issue 30: division_code could be overridden).
NOT_FIGURES = {
    "district_kecheng.division_code",
    "dogs.city_division_code",
    "district_qujiang.division_code",
    "performance.annual_done_by_month",
    "performance.half_year_done_by_month",
    "performance.half_year_end_month",
    "vouchers.payment_deadline_month",
    "vouchers.redemption_deadline_month",
}


@pytest.mark.parametrize("directory", [DOGS, EXPROPRIATION, MEDINSURANCE, SCIENCE], ids=lambda p: p.parent.name)
def test_a_what_if_changes_only_figures_as_their_units_tell(directory: Path) -> None:
    """Each number and yes/no value of each book, overridden with its own value: refused exactly when its unit is no
    quantity's (a new unit in a book needs a decision in qz_common.scenario.QUANTITY_UNITS)."""
    books = ParameterShelf.load(directory).books
    refused, tried = set(), 0
    for book in books:
        latest = book.versions[-1]
        for key, value in latest.values.items():
            if not isinstance(value, Decimal | int):  # bool is an int: yes/no values are tried too
                continue
            tried += 1
            try:
                with_overrides([latest], {f"{book.name}.{key}": str(value)})
            except ProblemError as refusal:
                assert refusal.errors is not None and refusal.errors[0]["code"] == "parameter_not_a_figure", refusal
                refused.add(f"{book.name}.{key}")
    assert tried
    assert refused == {name for name in NOT_FIGURES if name.split(".")[0] in {book.name for book in books}}


@pytest.mark.parametrize("directory", [DOGS, EXPROPRIATION, MEDINSURANCE, SCIENCE], ids=lambda p: p.parent.name)
def test_each_reading_a_parameter_holds_is_in_the_register_and_switches_to_each_of_its_readings(
    directory: Path,
) -> None:
    """A reading parameter (issue 31) names an entry of its service's AMBIGUITIES.md, lists the reading every version
    publishes, and a what-if takes each reading it lists, as the type the rules read, and nothing else."""
    shelf = ParameterShelf.load(directory)
    register = (directory.parent.parent / "AMBIGUITIES.md").read_text(encoding="utf-8")
    for name, meta in shelf.meta.items():
        if not meta.readings:
            continue
        # An entry opens its line as a heading (## A-05, ### I-01) or in bold (**A-22**), as its register writes them.
        assert re.search(rf"^(#+ |\*\*){re.escape(meta.reading)} ", register, re.MULTILINE), (name, meta.reading)
        assert meta.calculators, name
        book_name, _, key = name.partition(".")
        book = next(b for b in shelf.books if b.name == book_name)
        for version in book.versions:
            assert as_sent(version.values[key]) in meta.readings, (name, version.version)
            for value in meta.readings:
                switched = with_overrides([version], {name: value})[0].values[key]
                assert type(switched) is type(version.values[key]) and as_sent(switched) == value
        with pytest.raises(ProblemError) as refused:
            with_overrides([book.versions[-1]], {name: "no-such-reading"})
        assert refused.value.errors is not None and refused.value.errors[0]["code"] == "reading_unknown"


# Where a register entry opens: a heading (## A-05, ### I-01) or a paragraph in bold (**A-22 ...**).
ENTRY_START = re.compile(r"^(?:#+ |\*\*)(?P<id>[A-Z]+-\d+[a-z]?)\b", re.MULTILINE)
SECTION = re.compile(r"^#+ ", re.MULTILINE)


def register_entries(register: str) -> dict[str, str]:
    """Each entry's id and its text, up to the next entry or heading."""
    starts = [(m.start(), m["id"]) for m in ENTRY_START.finditer(register)]
    ends = sorted({m.start() for m in SECTION.finditer(register)} | {s for s, _ in starts} | {len(register)})
    return {entry: register[start : next(e for e in ends if e > start)] for start, entry in starts}


@pytest.mark.parametrize("directory", [DOGS, EXPROPRIATION, MEDINSURANCE, SCIENCE], ids=lambda p: p.parent.name)
def test_every_register_entry_says_what_switches_it(directory: Path) -> None:
    """Issue 31: each reading is switchable where another reading changes a figure or an outcome. Every entry says
    so (``Switch:`` the reading parameter, ``none —`` why no figure depends on it, or ``pending —`` what is left), and
    every reading parameter is named by the entry it cites, so a reviewer goes from either to the other."""
    register = (directory.parent.parent / "AMBIGUITIES.md").read_text(encoding="utf-8")
    entries = register_entries(register)
    assert entries
    assert [entry for entry, text in entries.items() if not re.search(r"\bSwitch(able)?\b", text)] == []
    shelf = ParameterShelf.load(directory)
    for name, meta in shelf.meta.items():
        if meta.readings:
            assert name.partition(".")[2] in entries[meta.reading], (name, meta.reading)
