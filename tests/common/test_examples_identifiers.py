"""The examples in the OpenAPI document are real 衢州 data: every 身份证号 and 统一社会信用代码 passes python-stdnum
(check digits included) and names a 衢州 division (GB/T 2260 3308xx; 330821 is 衢县, 衢江区 before 2001)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic_core import PydanticCustomError

import dogs.api.examples
import expropriation.facts.examples
import gateway.examples
import medinsurance.api.examples
import science.api.examples
from qz_common.ids import validate_id_number, validate_uscc

CODE = re.compile(r"[0-9A-Z]{18}")  # the shape shared by 身份证号 and 统一社会信用代码
QUZHOU_DIVISIONS = {"330800", "330802", "330803", "330821"}
MODULES = (expropriation.facts.examples, medinsurance.api.examples, science.api.examples, dogs.api.examples)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def identifiers() -> list[str]:
    bodies: list[Any] = [module.EXAMPLES for module in MODULES] + [gateway.examples.RELOCATION_CASE]
    return sorted({s for body in bodies for s in strings(body) if CODE.fullmatch(s)})


@pytest.mark.parametrize("code", identifiers())
def test_identifier_is_valid_and_from_quzhou(code: str) -> None:
    try:
        validate_id_number(code)
        area = code[:6]
    except PydanticCustomError:
        validate_uscc(code)  # raises for a wrong check character
        area = code[2:8]
    assert area in QUZHOU_DIVISIONS, code


def test_examples_name_people_and_enterprises() -> None:
    assert len(identifiers()) >= 6
