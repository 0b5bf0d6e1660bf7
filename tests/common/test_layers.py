"""The layers of every service, as docs/SERVICE_PATTERN.md draws them (issue 26): api/ → casework/ → rules/.

Read from the source (imports as written, not as executed), so a test module importing things cannot hide a breach.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("dogs", "expropriation", "medinsurance", "science")
# What a layer may not import: the layers above it, and for rules/ anything but the law and the shared library.
FORBIDDEN = {
    "rules": ("{svc}.api", "{svc}.casework", "{svc}.exchange", "{svc}.models", "pydantic", "sqlalchemy", "fastapi"),
    "casework": ("{svc}.api",),
    "exchange": ("{svc}.api",),
    "facts": ("{svc}.api", "{svc}.casework"),
}


def modules(svc: str, layer: str) -> Iterator[Path]:
    package = ROOT / "services" / svc / svc
    yield from sorted((package / layer).rglob("*.py"))
    if (package / f"{layer}.py").exists():
        yield package / f"{layer}.py"


def imported(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("svc", SERVICES)
@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(svc: str, layer: str) -> None:
    banned = tuple(b.format(svc=svc) for b in FORBIDDEN[layer])
    breaches = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(svc, layer)
        for name in imported(path)
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]
    assert not breaches, breaches


@pytest.mark.parametrize("svc", SERVICES)
def test_routers_live_only_under_api(svc: str) -> None:
    package = ROOT / "services" / svc / svc
    outside = [
        str(path.relative_to(ROOT))
        for path in sorted(package.rglob("*.py"))
        if "api" not in path.relative_to(package).parts and "APIRouter(" in path.read_text(encoding="utf-8")
    ]
    assert not outside, outside


@pytest.mark.parametrize("svc", SERVICES)
def test_every_stateful_service_has_a_casework_layer(svc: str) -> None:
    assert (ROOT / "services" / svc / svc / "casework" / "__init__.py").exists()


def handlers(svc: str) -> Iterator[tuple[str, int]]:
    """Every route handler of the service's api/, with the number of lines of its body."""
    for path in sorted((ROOT / "services" / svc / svc / "api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTE_VERBS
                for d in node.decorator_list
            ):
                assert node.end_lineno is not None
                yield f"{path.relative_to(ROOT)}::{node.name}", node.end_lineno - node.body[0].lineno + 1


ROUTE_VERBS = {"get", "post", "put", "patch", "delete"}
# A router parses, calls one casework function (or one rule) and serialises: about 25 lines at most.
THIN = 25


@pytest.mark.parametrize("svc", SERVICES)
def test_routers_are_thin(svc: str) -> None:
    found = dict(handlers(svc))
    assert found, f"no handlers found in {svc}"
    thick = {name: length for name, length in found.items() if length > THIN}
    assert not thick, thick


# A rule is read clause by clause: a function longer than this holds more than one clause and is split (issue 28).
# Measured from ``def`` to the last line (end_lineno − lineno + 1), docstring and comments included: the reader
# reads them too.
LONGEST_RULE = 80


def rule_functions(svc: str) -> Iterator[tuple[str, int]]:
    """Every function and method under the service's rules/, with its length in lines."""
    for path in sorted((ROOT / "services" / svc / svc / "rules").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
                assert node.end_lineno is not None
                yield f"{path.relative_to(ROOT)}:{node.lineno}::{node.name}", node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("svc", SERVICES)
def test_rules_functions_are_short(svc: str) -> None:
    found = dict(rule_functions(svc))
    assert found, f"no rules functions found in {svc}"
    long = {name: length for name, length in found.items() if length > LONGEST_RULE}
    assert not long, long
