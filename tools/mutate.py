"""Mutation testing of the rules: are the tests strong enough to catch a wrong law?

    ./dev mutate                       every rules/ module of every service, and qz_common.money
    ./dev mutate sanctions performance modules by last name, dotted name, or a service name for all its rules
                                       (a package, e.g. quote, with all its modules)
    ./dev mutate --list fees           print the mutants without running them

Each mutant is one small change to one module (a comparison's edge shifted, an operator swapped, a constant
moved by one, a boolean or min/max flipped, a rounding mode changed). It is compiled in memory, never written
to the working tree, and the tests that import the module (directly or through another rules module), with the
service's case tables, run against it in a forked process with a timeout. A mutant the tests still pass is a
survivor: either a wrong law the suite lets through, or an equivalent change, listed with a one-line reason in
tools/mutation_equivalents.toml (keyed by the mutant id printed here).

Mutants run one at a time, one worker: the machine is shared.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import functools
import hashlib
import importlib
import importlib.abc
import importlib.machinery
import os
import signal
import sys
import time
import tomllib
import types
import warnings
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS_FILE = ROOT / "tools" / "mutation_equivalents.toml"
SOURCE_ROOTS = {
    "dogs": ROOT / "services/dogs",
    "expropriation": ROOT / "services/expropriation",
    "medinsurance": ROOT / "services/medinsurance",
    "science": ROOT / "services/science",
    "qz_common": ROOT / "libs/qz_common",
}
# qz_common is mutated only where it decides a figure: the platform's single rounding point.
EXTRA_MODULES = ("qz_common.money",)

BOUNDARY = "boundary"
COMPARISON = "comparison"
ARITHMETIC = "arithmetic"
CONSTANT = "constant"
BOOLEAN = "boolean"
MINMAX = "min/max"
ROUNDING = "rounding"

SWAPS: dict[type[ast.AST], tuple[str, type[ast.AST]]] = {
    # 以上/以下 (inclusive) against 超过/不满/低于 (exclusive): the shift 民法典 第一千二百五十九条 is about.
    ast.Lt: (BOUNDARY, ast.LtE),
    ast.LtE: (BOUNDARY, ast.Lt),
    ast.Gt: (BOUNDARY, ast.GtE),
    ast.GtE: (BOUNDARY, ast.Gt),
    ast.Eq: (COMPARISON, ast.NotEq),
    ast.NotEq: (COMPARISON, ast.Eq),
    ast.In: (COMPARISON, ast.NotIn),
    ast.NotIn: (COMPARISON, ast.In),
    ast.Is: (COMPARISON, ast.IsNot),
    ast.IsNot: (COMPARISON, ast.Is),
    ast.Add: (ARITHMETIC, ast.Sub),
    ast.Sub: (ARITHMETIC, ast.Add),
    ast.Mult: (ARITHMETIC, ast.Div),
    ast.Div: (ARITHMETIC, ast.Mult),
    ast.FloorDiv: (ARITHMETIC, ast.Div),
    ast.Mod: (ARITHMETIC, ast.FloorDiv),
    ast.And: (BOOLEAN, ast.Or),
    ast.Or: (BOOLEAN, ast.And),
}
ROUNDING_SWAPS = {
    "ROUND_HALF_UP": "ROUND_HALF_EVEN",
    "ROUND_HALF_EVEN": "ROUND_HALF_UP",
    "ROUND_HALF_DOWN": "ROUND_HALF_UP",
    "ROUND_DOWN": "ROUND_UP",
    "ROUND_UP": "ROUND_DOWN",
    "ROUND_FLOOR": "ROUND_CEILING",
    "ROUND_CEILING": "ROUND_FLOOR",
}


# ---------------------------------------------------------------- modules and their tests


@dataclasses.dataclass(frozen=True)
class Module:
    name: str
    path: Path

    @property
    def short(self) -> str:
        return self.name.rsplit(".", 1)[-1]


def rules_modules() -> list[Module]:
    """Every module under a service's rules/, subpackages included (a package's ``__init__`` when it holds code)."""
    found = [
        Module(dotted(path.relative_to(root)), path)
        for svc, root in SOURCE_ROOTS.items()
        for path in sorted((root / svc / "rules").rglob("*.py"))
        if path.parent.name != "rules" or path.stem != "__init__"
        if path.read_text(encoding="utf-8").strip()
    ]
    for name in EXTRA_MODULES:
        pkg, _, leaf = name.partition(".")
        found.append(Module(name, SOURCE_ROOTS[pkg] / pkg / f"{leaf}.py"))
    return found


def imported_modules(path: Path, package: str = "") -> set[str]:
    """Dotted names a file imports, counting `from pkg import mod` as importing pkg.mod; relative imports are
    resolved against ``package``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def tests_for(module: Module, universe: Sequence[Module]) -> list[Path]:
    """Test files importing the module, or a rules module that (transitively) imports it, then the service's case
    tables (their runners reach the rules through the calculators' endpoints, importing none); for a rules module
    only the API uses, the test files reaching it through any import chain."""
    rules = {m.name for m in universe}
    every = source_imports()
    test_files = sorted((ROOT / "tests").rglob("test_*.py"))
    service = module.name.partition(".")[0]
    runners = (path for path in test_files if path.parent.name == service)
    case_tables = [path for path in runners if "case_tables" in imported_modules(path)]
    reached = importing(module.name, {m: every[m] for m in rules})
    found = [path for path in test_files if imported_modules(path) & reached and path not in case_tables]
    if found or case_tables:
        return found + case_tables
    reached = importing(module.name, every)
    return [path for path in test_files if imported_modules(path) & reached]


def select(requested: Sequence[str], universe: Sequence[Module]) -> list[Module]:
    if not requested:
        return list(universe)
    chosen: list[Module] = []
    for word in requested:
        matches = [m for m in universe if word in (m.name, m.short, m.name.split(".")[0])]
        if not matches:
            sys.exit(f"no rules module matches {word!r}; known: {', '.join(m.name for m in universe)}")
        if len(matches) > 1 and word == matches[0].short:
            sys.exit(f"{word!r} is ambiguous: {', '.join(m.name for m in matches)}")
        packages = [m.name for m in matches if m.path.name == "__init__.py"]  # a package brings its modules
        matches += [m for m in universe if any(m.name.startswith(f"{package}.") for package in packages)]
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


# ---------------------------------------------------------------- mutants


@dataclasses.dataclass(frozen=True)
class Mutant:
    module: Module
    key: tuple[str, int, int, int, int]  # node type and position: finds the node again in a fresh parse
    slot: int  # which operator of a Compare / BoolOp node
    kind: str
    line: int
    qualname: str
    original: str
    mutated: str
    repeat: int = 0  # the same change on an identical line earlier in the same function

    @property
    def id(self) -> str:
        """Stable across edits elsewhere in the file: module, function and the code before and after."""
        parts = (self.module.name, self.qualname, self.original, self.mutated, str(self.slot))
        text = "\0".join(parts + ((str(self.repeat),) if self.repeat else ()))
        return f"{self.module.short}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def node_key(node: ast.AST) -> tuple[str, int, int, int, int]:
    return (
        type(node).__name__,
        getattr(node, "lineno", 0),
        getattr(node, "col_offset", 0),
        getattr(node, "end_lineno", 0) or 0,
        getattr(node, "end_col_offset", 0) or 0,
    )


def decimal_text(node: ast.AST) -> str | None:
    """The numeric string of a Decimal("…") literal."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Decimal"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        try:
            Decimal(node.args[0].value)
        except InvalidOperation:
            return None
        return node.args[0].value
    return None


def is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


Change = Callable[[ast.AST], None]


def changes(node: ast.AST) -> Iterator[tuple[int, str, Change]]:
    """(slot, kind, in-place change) for every mutation of this node."""
    if isinstance(node, ast.Compare):
        for slot, op in enumerate(node.ops):
            if type(op) in SWAPS:
                kind, new = SWAPS[type(op)]

                def swap_compare(n: ast.AST, slot: int = slot, new: type[ast.AST] = new) -> None:
                    assert isinstance(n, ast.Compare)
                    n.ops[slot] = new()  # type: ignore[call-overload]

                yield slot, kind, swap_compare
    elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in SWAPS:
        operands = (node.left, node.right) if isinstance(node, ast.BinOp) else (node.target, node.value)
        if not any(is_text(o) for o in operands):  # "…" % args and string joins are text, not law
            kind, new = SWAPS[type(node.op)]

            def swap_operator(n: ast.AST, new: type[ast.AST] = new) -> None:
                assert isinstance(n, ast.BinOp | ast.AugAssign)
                n.op = new()  # type: ignore[assignment]

            yield 0, kind, swap_operator
    elif isinstance(node, ast.BoolOp):
        kind, new = SWAPS[type(node.op)]

        def swap_boolean(n: ast.AST, new: type[ast.AST] = new) -> None:
            assert isinstance(n, ast.BoolOp)
            n.op = new()  # type: ignore[assignment]

        yield 0, kind, swap_boolean
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):

        def drop_not(n: ast.AST) -> None:
            assert isinstance(n, ast.UnaryOp)
            n.operand = ast.UnaryOp(ast.Not(), n.operand)  # `not not x`: the condition no longer inverted

        yield 0, BOOLEAN, drop_not
    elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        number = node.value
        new_number = (not number) if isinstance(number, bool) else number + 1

        def shift_constant(n: ast.AST, new_number: float = new_number) -> None:
            assert isinstance(n, ast.Constant)
            n.value = new_number

        yield 0, BOOLEAN if isinstance(number, bool) else CONSTANT, shift_constant
    elif (text := decimal_text(node)) is not None:
        literal = Decimal(text)
        # A fraction below one is a rate or a quantum (0.01 for 分): shift its decimal point, since +1 would keep
        # the exponent quantize() reads; anything else moves by one.
        new_text = str(literal.scaleb(1) if 0 < abs(literal) < 1 else literal + 1)

        def shift_decimal(n: ast.AST, new_text: str = new_text) -> None:
            assert isinstance(n, ast.Call) and isinstance(n.args[0], ast.Constant)
            n.args[0].value = new_text

        yield 0, CONSTANT, shift_decimal
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max"):
        other = "max" if node.func.id == "min" else "min"

        def swap_extreme(n: ast.AST, other: str = other) -> None:
            assert isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
            n.func.id = other

        yield 0, MINMAX, swap_extreme
    elif isinstance(node, ast.Name) and node.id in ROUNDING_SWAPS:

        def swap_rounding(n: ast.AST) -> None:
            assert isinstance(n, ast.Name)
            n.id = ROUNDING_SWAPS[n.id]

        yield 0, ROUNDING, swap_rounding


def mutable_nodes(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Nodes that decide behaviour, with their function's qualname; skips docstrings, annotations and imports."""

    def visit(node: ast.AST, qualname: str) -> Iterator[tuple[ast.AST, str]]:
        if isinstance(node, ast.Import | ast.ImportFrom | ast.JoinedStr):
            return  # imports, and f-strings: messages are text, not law
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            qualname = f"{qualname}.{node.name}" if qualname else node.name
        yield node, qualname
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns", "type_comment", "decorator_list"):
                continue
            children = value if isinstance(value, list) else [value]
            for index, child in enumerate(children):
                if not isinstance(child, ast.AST):
                    continue
                if field == "body" and index == 0 and isinstance(child, ast.Expr) and is_text(child.value):
                    continue  # docstring
                if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
                    continue
                yield from visit(child, qualname)

    yield from visit(tree, "")


def mutants_of(module: Module) -> list[Mutant]:
    source = module.path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: list[Mutant] = []
    for node, qualname in mutable_nodes(ast.parse(source)):
        for slot, kind, change in changes(node):
            changed = copy.deepcopy(node)
            change(changed)
            line = getattr(node, "lineno", 0)
            original = lines[line - 1].strip()
            if getattr(node, "end_lineno", line) == line:
                # columns are UTF-8 byte offsets, and the law's text is Chinese
                raw = lines[line - 1].encode()
                start, end = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", 0)
                mutated = (raw[:start].decode() + ast.unparse(changed) + raw[end:].decode()).strip()
            else:
                original, mutated = ast.unparse(node), ast.unparse(changed)
            found.append(Mutant(module, node_key(node), slot, kind, line, qualname, original, mutated))
    numbered: list[Mutant] = []
    seen: dict[tuple[str, str, str, int], int] = {}
    for m in sorted(found, key=lambda m: (m.line, m.key, m.slot)):
        same = (m.qualname, m.original, m.mutated, m.slot)
        numbered.append(dataclasses.replace(m, repeat=seen.get(same, 0)))
        seen[same] = seen.get(same, 0) + 1
    return numbered


def mutated_code(mutant: Mutant) -> types.CodeType:
    tree = ast.parse(mutant.module.path.read_text(encoding="utf-8"))
    for node, _ in mutable_nodes(tree):
        if node_key(node) == mutant.key:
            for slot, _, change in changes(node):
                if slot == mutant.slot:
                    change(node)
                    ast.fix_missing_locations(tree)
                    return compile(tree, str(mutant.module.path), "exec")
    raise LookupError(f"{mutant.id} no longer matches {mutant.module.path}")


# ---------------------------------------------------------------- running


class MutantFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the mutated module from memory in place of the installed one."""

    def __init__(self, name: str, path: Path, code: types.CodeType) -> None:
        self.name, self.path, self.code = name, path, code

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        package = self.path.name == "__init__.py"
        spec = importlib.machinery.ModuleSpec(fullname, self, origin=str(self.path), is_package=package)
        if package:  # its submodules are found beside it
            spec.submodule_search_locations = [str(self.path.parent)]
        spec.has_location = True
        return spec

    def exec_module(self, module: types.ModuleType) -> None:
        exec(self.code, module.__dict__)


def run_tests(
    tests: Sequence[Path],
    finder: MutantFinder | None,
    timeout: float,
    stale: frozenset[str] = frozenset(),
    quiet: bool = True,
) -> str:
    """'passed', 'failed' or 'timeout': the tests in a forked child, so the parent's imports stay clean.

    The child first forgets the ``stale`` modules the parent preloaded (the mutated one and all that import it).
    """
    pid = os.fork()
    if pid == 0:  # child
        code = 3
        try:
            if quiet:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
            forget(stale)
            if finder is not None:
                sys.meta_path.insert(0, finder)
            import pytest

            code = int(pytest.main([*map(str, tests), "-x", "-q", "-p", "no:cacheprovider"]))
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "passed" if os.waitstatus_to_exitcode(status) == 0 else "failed"
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.02)


def preload() -> None:
    """Import what the test runs need once, before forking: third-party libraries, qz_common and the services."""
    with warnings.catch_warnings():  # the test configuration filters these, the parent has no configuration
        warnings.simplefilter("ignore")
        import fastapi.testclient  # noqa: F401
        import httpx  # noqa: F401
        import pytest  # noqa: F401
        import sqlalchemy.orm  # noqa: F401

        for name in source_modules():
            if name.endswith(".main") or name.startswith("qz_common."):
                importlib.import_module(name)


def dotted(relative: Path) -> str:
    """The dotted module name of a source file's path under its source root (a package by its ``__init__``)."""
    parts = relative.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules() -> dict[str, Path]:
    """Every module of qz_common and the services, by dotted name."""
    return {
        dotted(path.relative_to(root)): path
        for package, root in SOURCE_ROOTS.items()
        for path in sorted((root / package).rglob("*.py"))
    }


@functools.cache
def source_imports() -> dict[str, frozenset[str]]:
    """What every module of qz_common and the services imports."""
    return {
        name: frozenset(imported_modules(path, name if path.name == "__init__.py" else name.rpartition(".")[0]))
        for name, path in source_modules().items()
    }


def importing(name: str, imports: dict[str, frozenset[str]]) -> frozenset[str]:
    """The module and every module that imports it, directly or through others."""
    reach = {name}
    grew = True
    while grew:
        grew = False
        for module, deps in imports.items():
            if module not in reach and deps & reach:
                reach.add(module)
                grew = True
    return frozenset(reach)


def importers(name: str) -> frozenset[str]:
    """What a mutant of ``name`` makes stale: the module and all its (transitive) importers."""
    return importing(name, source_imports())


def forget(names: frozenset[str]) -> None:
    """Drop preloaded modules so that they are imported again, now with the mutant in them."""
    for name in names:
        if sys.modules.pop(name, None) is not None:
            parent, _, leaf = name.rpartition(".")
            if parent in sys.modules and hasattr(sys.modules[parent], leaf):
                delattr(sys.modules[parent], leaf)


def equivalents() -> dict[str, str]:
    if not EQUIVALENTS_FILE.exists():
        return {}
    table: dict[str, str] = tomllib.loads(EQUIVALENTS_FILE.read_text(encoding="utf-8")).get("equivalent", {})
    return table


@dataclasses.dataclass
class Score:
    module: str
    total: int = 0
    killed: int = 0
    equivalent: int = 0
    boundary_total: int = 0
    boundary_killed: int = 0
    boundary_equivalent: int = 0

    @property
    def percent(self) -> float:
        counted = self.total - self.equivalent
        return 100.0 * self.killed / counted if counted else 100.0

    @property
    def boundary(self) -> str:
        return f"{self.boundary_killed}/{self.boundary_total - self.boundary_equivalent}"


def sweep(module: Module, universe: Sequence[Module], explained: dict[str, str]) -> Score | None:
    tests = tests_for(module, universe)
    rel = module.path.relative_to(ROOT)
    score = Score(module.name)
    if not tests:
        print(f"\n{module.name}: no test imports it; skipped", flush=True)
        return None
    # The unmutated module served the way a mutant is: reimporting only its importers must pass; if it does not
    # (a registry that refuses a second definition), the whole package is imported afresh for every mutant.
    original = MutantFinder(module.name, module.path, compile(module.path.read_bytes(), str(module.path), "exec"))
    stale = importers(module.name)
    started = time.monotonic()
    if run_tests(tests, original, timeout=600, stale=stale) != "passed":
        stale = frozenset(n for n in sys.modules if n.partition(".")[0] == module.name.partition(".")[0])
        print(f"{module.name}: its importers cannot be reimported alone; each mutant reimports the package")
        started = time.monotonic()
        if run_tests(tests, original, timeout=600, stale=stale) != "passed":
            sys.exit(f"{module.name}: the tests fail without any mutation; fix them first")
    timeout = 5 + 4 * (time.monotonic() - started)
    mutants = mutants_of(module)
    names = ", ".join(str(t.relative_to(ROOT / "tests")) for t in tests)
    print(f"\n{module.name}: {len(mutants)} mutants against {names}", flush=True)
    for mutant in mutants:
        boundary = mutant.kind == BOUNDARY
        score.total += 1
        score.boundary_total += boundary
        finder = MutantFinder(module.name, module.path, mutated_code(mutant))
        outcome = run_tests(tests, finder, timeout, stale)
        if outcome != "passed":
            score.killed += 1
            score.boundary_killed += boundary
            continue
        reason = explained.get(mutant.id)
        if reason:
            score.equivalent += 1
            score.boundary_equivalent += boundary
        label = f"equivalent: {reason}" if reason else "SURVIVED"
        print(f"  {mutant.id}  {rel}:{mutant.line}  {mutant.kind}  {label}", flush=True)
        print(f"      - {mutant.original}\n      + {mutant.mutated}", flush=True)
    print(
        f"{module.name}: {score.killed}/{score.total - score.equivalent} killed = {score.percent:.1f}% "
        f"({score.equivalent} equivalent; boundary shifts {score.boundary})",
        flush=True,
    )
    return score


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./dev mutate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", help="module (last or dotted name) or service; default: all")
    parser.add_argument("--list", action="store_true", help="print the mutants and their tests, run nothing")
    parser.add_argument("--show", metavar="ID", help="run one mutant with the test output shown")
    parser.add_argument("--fail-under", type=float, default=0.0, help="exit 1 if a module scores below this %%")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    universe = rules_modules()
    chosen = select(args.modules, universe)
    if args.list:
        for module in chosen:
            tests = [str(t.relative_to(ROOT)) for t in tests_for(module, universe)]
            print(f"{module.name} (tests: {', '.join(tests) or 'none'})")
            for m in mutants_of(module):
                print(f"  {m.id}  :{m.line}  {m.kind}  {m.original}  ->  {m.mutated}")
        return 0
    preload()
    if args.show:
        mutant = next((m for module in chosen for m in mutants_of(module) if m.id == args.show), None)
        if mutant is None:
            sys.exit(f"no mutant {args.show} in {', '.join(m.name for m in chosen)}")
        print(f"{mutant.id}  {mutant.module.path.relative_to(ROOT)}:{mutant.line}  {mutant.kind}")
        print(f"  - {mutant.original}\n  + {mutant.mutated}", flush=True)
        finder = MutantFinder(mutant.module.name, mutant.module.path, mutated_code(mutant))
        found = tests_for(mutant.module, universe)
        print(run_tests(found, finder, timeout=600, stale=importers(mutant.module.name), quiet=False))
        return 0
    explained = equivalents()
    scores = [s for module in chosen if (s := sweep(module, universe, explained)) is not None]
    print("\n| module | mutants | killed | equivalent | score | boundary shifts killed |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for s in scores:
        print(f"| {s.module} | {s.total} | {s.killed} | {s.equivalent} | {s.percent:.1f}% | {s.boundary} |")
    return 1 if any(s.percent < args.fail_under for s in scores) else 0


if __name__ == "__main__":
    sys.exit(main())
