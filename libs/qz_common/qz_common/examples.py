"""Realistic request bodies in the OpenAPI document, kept apart from the models in each service's api/examples.py.

A service's request base model names its examples once (``json_schema_extra=examples_by_model(EXAMPLES)``); every
model then shows the example registered under its class name, so client generators and the docs page offer a real
衢州 case instead of ``"string"``.
"""

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel


def examples_by_model(registry: Mapping[str, Mapping[str, Any]]) -> Callable[[dict[str, Any], type[BaseModel]], None]:
    def add_example(schema: dict[str, Any], model: type[BaseModel]) -> None:
        if (example := registry.get(model.__name__)) is not None:
            schema["examples"] = [dict(example)]

    return add_example
