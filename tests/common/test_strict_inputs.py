"""qz_common.inputs: request bodies refuse unknown fields and control characters, and read -0 as 0."""

import importlib
import inspect
import pkgutil
import typing
from decimal import Decimal
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field, ValidationError

from qz_common.inputs import StrictInput, read_back


class Member(StrictInput):
    name: str


class Application(StrictInput):
    name: str
    ratio: Decimal = Decimal(1)
    share: float = 1.0
    reasons: list[str] = Field(default_factory=list)
    document: dict[str, Any] = Field(default_factory=dict)
    members: list[Member] = Field(default_factory=list)


def refusal(**body: Any) -> list[tuple[str, tuple[str | int, ...]]]:
    with pytest.raises(ValidationError) as refused:
        Application.model_validate({"name": "张三"} | body)
    return [(e["type"], e["loc"]) for e in refused.value.errors()]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused_naming_the_field(character: str) -> None:
    assert refusal(name=f"张{character}三") == [("control_character", ("name",))]


def test_text_is_checked_wherever_it_sits() -> None:
    assert refusal(reasons=["理由", "\x00"]) == [("control_character", ("reasons",))]
    assert refusal(document={"items": [{"\x00key": "value"}]}) == [("control_character", ("document",))]
    assert refusal(members=[{"name": "李四"}, {"name": "王\x00五"}]) == [("control_character", ("members", 1, "name"))]


def test_tab_and_line_breaks_are_text() -> None:
    assert Application(name="张三", reasons=["第一行\n第二行\r\n\t缩进"]).reasons == ["第一行\n第二行\r\n\t缩进"]


def test_unknown_fields_are_refused() -> None:
    assert refusal(fraud_fund=True) == [("extra_forbidden", ("fraud_fund",))]


def test_negative_zero_is_read_as_zero() -> None:
    application = Application.model_validate({"name": "张三", "ratio": "-0.00", "share": -0.0})
    assert str(application.ratio) == "0.00" and str(application.share) == "0.0"
    assert str(Application.model_validate({"name": "张三", "ratio": "-0.5"}).ratio) == "-0.5"  # only zero changes


def test_read_back_skips_the_text_scan_and_nothing_else() -> None:
    # What the service stored was scanned on the way in; reading it back checks types and fields as before.
    stored = {"name": "张三", "ratio": "0.5", "members": [{"name": "李四"}]}
    assert read_back(Application, stored) == Application.model_validate(stored)
    with pytest.raises(ValidationError) as refused:
        read_back(Application, stored | {"ratio": "half", "fraud_fund": True})
    assert {e["type"] for e in refused.value.errors()} == {"decimal_parsing", "extra_forbidden"}
    # Only the read-back itself skips the scan: the next validation (a request's) scans again, even after a refusal.
    with pytest.raises(ValidationError):
        Application.model_validate(stored | {"name": "张\x00三"})


def _models_in(annotation: Any, found: set[type[BaseModel]]) -> None:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def request_models(package: str) -> set[type[BaseModel]]:
    """Every model a request body of ``package``'s routers is made of, nested ones included."""
    found: set[type[BaseModel]] = set()
    for module_info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        router = getattr(importlib.import_module(f"{package}.{module_info.name}"), "router", None)
        if isinstance(router, APIRouter):
            for route in router.routes:
                if isinstance(route, APIRoute):
                    for parameter in route.dependant.body_params:
                        _models_in(parameter.field_info.annotation, found)
    return found


@pytest.mark.parametrize("package", ["dogs.api", "expropriation.api", "medinsurance.api", "science.api", "gateway"])
def test_every_request_body_is_strict(package: str) -> None:
    models = request_models(package)
    assert models, f"no request models found in {package}"
    lenient = {f"{m.__module__}.{m.__qualname__}" for m in models if not issubclass(m, StrictInput)}
    assert not lenient, sorted(lenient)
