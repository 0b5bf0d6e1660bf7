"""Every parameter of every book says what it is, in which unit, on which clause (issue 14, rules as data)."""

from pathlib import Path

import pytest

from dogs.parameters import PARAMS_DIR as DOGS
from expropriation.parameters import PARAMS_DIR as EXPROPRIATION
from medinsurance.parameters import PARAMS_DIR as MEDINSURANCE
from qz_common.parameter_api import ParameterShelf
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
