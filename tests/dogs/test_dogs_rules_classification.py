"""一 大型犬标准和烈性犬名录 (rules/classification.py): the list and its alias table as data, how names are compared,
and what a name the service cannot place answers. The figures of 一(一) and the everyday names are cases in
cases/classify_large.toml and cases/classify_fierce.toml."""

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from dogs.parameters import breeds_book, notice_book
from dogs.rules.classification import BreedCatalogue, FierceFinding, classify, normalise

ON = dt.date(2023, 3, 1)
PARAMS = notice_book().at(ON)
BREEDS = breeds_book().at(ON)
CATALOGUE = BreedCatalogue.from_params(BREEDS)
# 一(二) as the notice writes it, name by name (衢执法发〔2023〕3号, the gazette text).
NOTICE_TEXT = (
    "藏獒、比特犬、杜高犬、马犬、日本土佐犬、中亚牧羊犬、川东猎犬、牛头梗、马士提夫犬、意大利卡斯罗、大丹犬、高加索牧羊犬、"
    "意大利纽波利顿、斯塔福、阿富汗猎犬、波音达犬、威玛猎犬、寻血猎犬、斗牛獒犬、纽芬兰犬、凯利蓝梗、雪达犬、灵缇犬、"
    "德国牧羊犬、罗威纳犬、德国笃宾犬、比利时牧羊犬、拳师犬、伯恩山犬、狼狗"
)
NOTICE_LIST = NOTICE_TEXT.split("、")


def dog(breed: str, height: str = "40", length: str = "60"):  # type: ignore[no-untyped-def]
    return classify(breed, Decimal(height), Decimal(length), PARAMS, CATALOGUE)


def test_the_table_lists_exactly_the_thirty_breeds_of_the_notice() -> None:
    assert list(BREEDS["fierce"]) == NOTICE_LIST and len(NOTICE_LIST) == 30


@pytest.mark.parametrize("listed", NOTICE_LIST)
def test_every_listed_breed_is_fierce_as_listed_not_as_a_cross(listed: str) -> None:
    # 一(二) names thirty breeds "以及含上述犬血统的杂交犬": a pure 藏獒 is fierce as a listed breed, not as a cross
    result = dog(listed)
    assert (result.fierce, result.finding, result.cross) == (True, FierceFinding.LISTED, False)
    assert result.fierce_lineage == (listed,) and result.reasons == (f"列入烈性犬名录：{listed}",)


ALIASES = [(alias, listed) for listed, aliases in BREEDS["fierce"].items() for alias in aliases]


@pytest.mark.parametrize(("alias", "listed"), ALIASES, ids=[alias for alias, _ in ALIASES])
def test_every_alias_is_its_listed_breed_and_says_where_it_comes_from(alias: str, listed: str) -> None:
    source = BREEDS["fierce"][listed][alias]
    # A standard's name cites its number (FCI 第N号) or the UKC; anything else is said to be colloquial (俗称).
    assert re.search(r"FCI 第[\d、]+号|UKC|俗称", source), source
    result = dog(alias)
    assert (result.fierce, result.fierce_lineage) == (True, (listed,))
    assert f"“{alias}”即名录中的“{listed}”（别名“{alias}”，出处：{source}）" in result.reasons


def test_names_that_normalise_alike_are_refused_when_the_table_is_read() -> None:
    # A table saying two things of one name would make the answer depend on the order of its lines.
    doubled = BREEDS["fierce"]["藏獒"] | {"ＴＩＢＥＴＡＮ　ｍａｓｔｉｆｆ": "俗称"}  # "Tibetan Mastiff" is there
    fierce = dict(BREEDS["fierce"]) | {"藏獒": doubled}
    with pytest.raises(ValueError, match="重复"):
        BreedCatalogue.from_params(dataclasses.replace(BREEDS, values=dict(BREEDS.values) | {"fierce": fierce}))
    clash = [*BREEDS["known_other"], "杜宾犬"]  # 杜宾犬 is already 德国笃宾犬's alias
    with pytest.raises(ValueError, match="杜宾犬"):
        BreedCatalogue.from_params(dataclasses.replace(BREEDS, values=dict(BREEDS.values) | {"known_other": clash}))


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Ｐｉｔ　Ｂｕｌｌ", "pitbull"),  # full-width letters and space → half-width, case and spaces ignored
        (" 比利时 马犬 ", "比利时马"),  # spaces anywhere, and the trailing 犬
        ("比利时·马林诺斯", "比利时马林诺斯"),  # 间隔号
        ("Pit-Bull", "pitbull"),
        ("马犬", "马犬"),  # one character always stays: 马 alone is not 马犬
        ("狼犬", "狼犬"),
        ("马里努阿犬", "马里努阿"),
    ],
)
def test_names_are_compared_normalised(written: str, key: str) -> None:
    assert normalise(written) == key


@pytest.mark.parametrize("breed", ["火星犬", "杂交犬", "串串", "金毛串", "金毛血统", " "])
def test_a_breed_the_service_cannot_place_is_for_an_officer_never_not_fierce(breed: str) -> None:
    # D-03: an unknown name, or a cross naming fewer than two parents none of them listed (金毛串's other parent
    # may be a listed breed), is neither fierce nor not fierce
    result = dog(breed)
    assert (result.fierce, result.finding) == (None, FierceFinding.OFFICER_DECISION_REQUIRED)
    assert result.reasons[-1] == "是否属于烈性犬（名录中的犬种或含其血统的杂交犬）须由执法人员认定"
    assert result.large_or_fierce is False  # not known to be: only a large one is within 五 and the key-area rule


def test_a_cross_of_two_named_breeds_off_the_list_is_not_fierce() -> None:
    result = dog("金毛和拉布拉多杂交")
    assert (result.fierce, result.finding, result.cross, result.recognised) == (
        False,
        FierceFinding.NOT_LISTED,
        True,
        True,
    )


def test_large_or_fierce_is_either() -> None:
    assert dog("金毛", height="55.1").large_or_fierce and dog("藏獒").large_or_fierce
    assert not dog("金毛").large_or_fierce
    assert dog("火星犬", height="55.1").large_or_fierce  # large whatever its breed
