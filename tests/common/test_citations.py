"""Every clause the code cites exists in the gazette (issue 28): a reader following a ``basis`` finds its heading.

What is cited: the literal argument of each service's citation helper (``basis``, ``cite``, ``institutes``,
``vouchers``, ``policies``) wherever the service's code calls it (read with ``ast``, so no call is missed by running
only some paths; an argument computed at run time is not read here), and every ``basis`` or ``clause`` of the
parameter books (``services/*/*/params/*.toml``; of a basis joining sources with ；, those naming a document
number). The document of a helper's citation is the one the helper itself puts in front of the clause.

Where it is looked for: the gazette text beside the repository (``../shared/seeds/``), each document within the
lines ``INDEX.md`` gives it. A clause ``三(四)6`` is heading ``三、``, then ``(四)`` under it, then item ``6.`` under
that, each found only before the next heading of its level; ``附件1 一(三)1`` reads the same inside the annex
headed ``附件1`` (``附件`` alone when a document has one annex); ``表1`` is a table ``INDEX.md`` lists, inside the
annex the document's list of annexes calls 附表; ``说明2`` is item 2 of the annex's 说明. Words that only describe
(``末段``, ``结算价格表``, ``医疗机构不予受理(6)`` for item (6) of that list) are not headings and are not looked up,
except a closing ``(6)``. Several clauses joined by 、 are each checked; one naming no annex keeps the annex of the
one before it (``附件3 二、三``).
"""

from __future__ import annotations

import ast
import importlib
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from qz_common.citation import Citation

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SERVICES = ("dogs", "expropriation", "medinsurance", "science")
# Each service's citation helpers: module → the functions that turn a clause into a citation.
HELPERS = {
    "dogs.rules.notice": ("cite",),
    "expropriation.rules.types": ("basis",),
    "medinsurance.rules.basis": ("basis",),
    "science.rules.basis": ("institutes", "vouchers", "policies"),
}

pytestmark = pytest.mark.skipif(not (SEEDS / "INDEX.md").exists(), reason="the gazette seeds are not beside the repo")

NUMERAL = "一二三四五六七八九十"
# One heading of each level, at the start of a line (the extraction sometimes puts "- " before it).
LEVELS = {
    "top": re.compile(rf"^(?:- )?\s*([{NUMERAL}]+)、"),
    "sub": re.compile(rf"^(?:- )?\s*\(([{NUMERAL}]+)\)"),
    "item": re.compile(r"^(?:- )?\s*(\d+)\s*[.、]"),
    "subitem": re.compile(r"^(?:- )?\s*\((\d+)\)"),
}
ORDER = tuple(LEVELS)
# A clause as the code writes it: every part optional, in this order (三(四)6(1), 附件4, 表1, 说明2, 13).
STRUCTURAL = re.compile(
    rf"^(?:附件(?P<annex>\d*))?(?:表(?P<table>\d+))?(?:说明(?P<note>\d+))?(?P<top>[{NUMERAL}]+)?"
    rf"(?:\((?P<sub>[{NUMERAL}]+)\))?(?P<item>\d+)?(?:\((?P<subitem>\d+)\))?$"
)
CLOSING_ITEM = re.compile(r"\((\d+)\)$")


# ---------------------------------------------------------------------------------------------- the gazette


@dataclass(frozen=True)
class Document:
    number: str
    lines: tuple[str, ...]  # the whole seed; indexes are 0-based line numbers
    first: int
    last: int  # exclusive
    tables: dict[str, tuple[int, int]]  # 表N → its lines, from INDEX.md

    def annex_headings(self) -> list[tuple[str, int]]:
        """(number, line) of each annex heading line: ``附件1``, ``附件 1``, or ``附件`` alone."""
        found = []
        for i in range(self.first, self.last):
            m = re.fullmatch(r"附件\s*(\d*)", self.lines[i].strip())
            if m:
                found.append((m.group(1), i))
        return found

    def body(self) -> tuple[int, int]:
        headings = self.annex_headings()
        return self.first, headings[0][1] if headings else self.last

    def annex(self, number: str) -> tuple[int, int] | None:
        headings = self.annex_headings()
        table_starts = [start for start, _ in self.tables.values()]
        for k, (n, start) in enumerate(headings):
            if n == number:
                ends = [s for s in table_starts if s > start] + [self.last]
                ends += [headings[k + 1][1]] if k + 1 < len(headings) else []
                return start, min(ends)
        return None

    def tables_annex(self) -> str | None:
        """The annex the document's list of annexes names 附表 (where its tables sit, headed or not)."""
        lo, hi = self.body()
        listing = [i for i in range(lo, hi) if re.match(r"^(?:- )?\s*附件[:：]", self.lines[i].strip())]
        if not listing:
            return None
        text = "\n".join(self.lines[listing[-1] : hi])
        return next((n for n, title in re.findall(r"(\d+)[.、]\s*(\S+)", text) if "附表" in title), None)


def gazette() -> dict[str, Document]:
    """Each document of INDEX.md with its lines; rows naming no document (附件, 表) extend the one above."""
    lines = tuple((SEEDS / "000_ef17ead61d63a5b2.txt").read_text(encoding="utf-8").splitlines())
    spans: list[tuple[str, int, int, dict[str, tuple[int, int]]]] = []
    for row in (SEEDS / "INDEX.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*(\d+)–(\d+)\s*\|\s*([^|]+)\|", row)
        if not m:
            continue
        first, last, what = int(m.group(1)) - 1, int(m.group(2)), m.group(3).strip()
        number = re.match(r"^(\S+〔\d{4}〕[\d–]+号)", what)
        if number:
            spans.append((number.group(1), first, last, {}))
        elif spans:
            name, start, _, tables = spans[-1]
            table = re.match(r"^(表\d+)", what)
            if table:
                tables[table.group(1)] = (first, last)
            spans[-1] = (name, start, last, tables)
    return {name: Document(name, lines, first, last, tables) for name, first, last, tables in spans}


def heading_range(doc: Document, lo: int, hi: int, level: str, label: str) -> tuple[int, int] | None:
    """The lines of heading ``label`` of ``level`` within [lo, hi): up to the next heading of its level or above.

    An item may also be numbered inside its paragraph (衢执法发〔2023〕3号 三 "登记所需材料包括:1.身份证明…;2.…"): then
    it is found after a colon or semicolon, and its lines are the paragraph's.
    """
    pattern, above = LEVELS[level], [LEVELS[k] for k in ORDER[: ORDER.index(level) + 1]]
    for i in range(lo, hi):
        m = pattern.match(doc.lines[i].strip())
        if m and m.group(1) == label:
            end = next((j for j in range(i + 1, hi) if any(p.match(doc.lines[j].strip()) for p in above)), hi)
            return i, end
    if level == "item":
        inline = re.compile(rf"[:：;；]\s*{label}\s*[.、](?!\d)")
        if any(inline.search(doc.lines[i]) for i in range(lo, hi)):
            return lo, hi
    return None


def locate(doc: Document, clause: str) -> str | None:
    """None when every clause of ``clause`` is found in ``doc``, else what is missing."""
    annex = None
    for part in (p.strip() for p in clause.split("、")):
        tokens = part.split()
        if tokens and (m := re.fullmatch(r"附件(\d*)", tokens[0])):
            annex = m.group(1)
        missing = locate_one(doc, tokens, annex)
        if missing:
            return f"{part}: {missing}"
    return None


def locate_one(doc: Document, tokens: list[str], annex: str | None) -> str | None:
    lo, hi = doc.body()
    if annex is not None:
        span = doc.annex(annex)
        if span is None and doc.tables_annex() != annex:
            return f"no 附件{annex}"
        lo, hi = span or (doc.last, doc.last)
    for token in tokens:
        m = STRUCTURAL.match(token)
        if not m:
            closing = CLOSING_ITEM.search(token)  # a described list with its item: 医疗机构不予受理(6)
            if closing and not heading_range(doc, lo, hi, "subitem", closing.group(1)):
                return f"no ({closing.group(1)}) in {token}"
            continue
        if m["table"]:
            table = doc.tables.get(f"表{m['table']}")
            if table is None:
                return f"no 表{m['table']}"
            if annex is not None and doc.tables_annex() != annex:
                return f"表{m['table']} is in 附件{doc.tables_annex()}, not 附件{annex}"
            lo, hi = table
        if m["note"]:
            notes = [i for i in range(lo, hi) if doc.lines[i].strip().startswith("说明")]
            if not notes:
                return "no 说明"
            found = heading_range(doc, notes[0] + 1, hi, "item", m["note"])
            if found is None:
                return f"no 说明{m['note']}"
            lo, hi = found
        for level in ORDER:
            if m[level]:
                found = heading_range(doc, lo, hi, level, m[level])
                if found is None:
                    return f"no heading {m[level]} ({level}) where {token} puts it"
                lo, hi = found
    return None


# ------------------------------------------------------------------------------------------------ the code


@dataclass(frozen=True)
class Cited:
    citation: Citation
    where: str


def helper_calls(svc: str) -> Iterator[tuple[Callable[[str], str], ast.expr, str]]:
    """Each call of a citation helper in the service's package (migrations aside): the helper, its argument, where."""
    package = ROOT / "services" / svc / svc
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.relative_to(package).parts:
            continue
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {name: (module, name) for name in HELPERS.get(module, ())}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = absolute(module, node)
                for alias in node.names:
                    if alias.name in HELPERS.get(source, ()):
                        names[alias.asname or alias.name] = (source, alias.name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names and node.args:
                source, name = names[node.func.id]
                helper = getattr(importlib.import_module(source), name)
                yield helper, node.args[0], f"{path.relative_to(ROOT)}:{node.lineno}"


def absolute(module: str, node: ast.ImportFrom) -> str:
    """The absolute module an ``from … import`` names (``from ..types import basis`` inside rules/quote/)."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".")[: -node.level]  # a package's own module is named …__init__, so this holds for it too
    return ".".join(package + ([node.module] if node.module else []))


def literals(argument: ast.expr) -> Iterator[str]:
    """The clauses an argument names as written: a string, or each branch of ``"a" if … else "b"``."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        yield argument.value
    elif isinstance(argument, ast.IfExp):
        yield from literals(argument.body)
        yield from literals(argument.orelse)


def cited_in_code() -> Iterator[Cited]:
    for svc in SERVICES:
        for helper, argument, where in helper_calls(svc):
            for clause in literals(argument):
                yield Cited(Citation.parse(helper(clause)), where)


def cited_in_books() -> Iterator[Cited]:
    for path in sorted(ROOT.glob("services/*/*/params/*.toml")):
        yield from _cited_in(tomllib.loads(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)))


def gazette_citations(basis: str) -> Iterator[Citation]:
    """The citations of a book's ``basis``: its sources are joined by ；, and only one naming a document number
    (…〔2023〕…号) cites a document; ``《狂犬病防治技术规范》…`` or ``GB/T 2260 …`` are not in the gazette."""
    for source in re.split(r"[；;]", basis):
        if re.match(r"^\S+〔\d{4}〕[\d–]+号", source.strip()):
            yield Citation.parse(source)


def _cited_in(value: object, where: str) -> Iterator[Cited]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("basis", "clause") and isinstance(inner, str):
                yield from (Cited(c, f"{where} {key}") for c in gazette_citations(inner))
            else:
                yield from _cited_in(inner, f"{where} {key}" if key != "meta" else where)
    elif isinstance(value, list):
        for inner in value:
            yield from _cited_in(inner, where)


# ------------------------------------------------------------------------------------------------ the tests


def unfound(cited: list[Cited]) -> list[str]:
    documents = gazette()
    wrong = []
    for c in cited:
        doc = documents.get(c.citation.document)
        missing = f"{c.citation.document} is not in INDEX.md" if doc is None else locate(doc, c.citation.clause)
        if missing:
            wrong.append(f"{c.where}: {c.citation} — {missing}")
    return wrong


def test_every_clause_the_code_cites_is_in_the_gazette() -> None:
    cited = list(cited_in_code())
    assert len(cited) > 150, f"only {len(cited)} citations read from the code: is the collector still finding them?"
    assert {c.citation.document for c in cited} >= {
        "衢政发〔2023〕2号",
        "衢医保发〔2023〕8号",
        "衢执法发〔2023〕3号",
        "衢市科发高〔2022〕43号",
        "衢市科发高〔2022〕44号",
        "衢政发〔2023〕1号",
    }
    assert not unfound(cited), "\n".join(unfound(cited))


def test_every_clause_a_parameter_book_cites_is_in_the_gazette() -> None:
    cited = list(cited_in_books())
    assert len(cited) > 200, f"only {len(cited)} citations read from the books"
    assert not unfound(cited), "\n".join(unfound(cited))


# The reader itself, on clauses that are not in the text: a reader finding everything would pass the tests above.
@pytest.mark.parametrize(
    ("document", "clause"),
    [
        ("衢政发〔2023〕2号", "三(四)9"),  # 三(四) has items 1–8
        ("衢政发〔2023〕2号", "三(五)"),  # 三 has (一)–(四)
        ("衢政发〔2023〕2号", "六"),  # headings 一–五
        ("衢政发〔2023〕2号", "三(三)2(6)"),  # 房票 has (1)–(5)
        ("衢政发〔2023〕2号", "附件 说明3"),  # the 说明 has 1 and 2
        ("衢政发〔2023〕2号", "附件1 一"),  # one annex, headed 附件
        ("衢医保发〔2023〕8号", "附件1 二(五)"),  # 附件1 二 has (一)–(四)
        ("衢医保发〔2023〕8号", "附件1 表3"),  # the tables are 附件4 相关附表
        ("衢医保发〔2023〕8号", "附件4 表4"),
        ("衢医保发〔2023〕8号", "二(三)2 医疗机构不予受理(13)"),  # the list has (1)–(12)
        ("衢医保发〔2023〕8号", "附件3 二、八"),
        ("衢市科发高〔2022〕44号", "七"),  # 六 附则 is the last; the 承诺书 after it restarts at 一
        ("衢政发〔2023〕1号", "二17"),  # items 7–16 are 二, 17 is 三
        ("衢执法发〔2023〕3号", "一(三)"),
        ("衢执法发〔2023〕3号", "三6"),  # 登记所需材料 are 1–5, numbered inside the paragraph
    ],
)
def test_the_reader_refuses_a_clause_not_in_the_text(document: str, clause: str) -> None:
    assert locate(gazette()[document], clause) is not None


@pytest.mark.parametrize(
    ("document", "clause"),
    [
        ("衢政发〔2023〕2号", "三(三)2(4)"),
        ("衢政发〔2023〕2号", "附件 说明2"),
        ("衢医保发〔2023〕8号", "附件4 表1"),
        ("衢医保发〔2023〕8号", "附件3 二、三"),
        ("衢医保发〔2023〕8号", "五(三)3(24)"),
        ("衢市科发高〔2022〕44号", "六"),
        ("衢政发〔2023〕1号", "二 13"),
        ("衢执法发〔2023〕3号", "七"),
        ("衢执法发〔2023〕3号", "三1"),
    ],
)
def test_the_reader_finds_a_clause_in_the_text(document: str, clause: str) -> None:
    assert locate(gazette()[document], clause) is None


def test_a_citation_renders_as_answers_carry_it_and_reads_back() -> None:
    citation = Citation("衢政发〔2023〕2号", "三(四)6")
    assert str(citation) == "衢政发〔2023〕2号 三(四)6"
    assert Citation.parse("衢医保发〔2023〕8号 附件1 一(三)1") == Citation("衢医保发〔2023〕8号", "附件1 一(三)1")
    with pytest.raises(ValueError):
        Citation("衢政发〔2023〕2号", " ")
    with pytest.raises(ValueError):
        Citation("衢政发 〔2023〕2号", "三")


@pytest.mark.parametrize(("module", "name"), [(m, n) for m, names in HELPERS.items() for n in names])
def test_each_service_cites_through_the_one_type(module: str, name: str) -> None:
    rendered = getattr(importlib.import_module(module), name)("三(四)6")
    assert str(Citation.parse(rendered)) == rendered and Citation.parse(rendered).clause == "三(四)6"
