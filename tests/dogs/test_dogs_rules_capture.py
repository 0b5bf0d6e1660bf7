"""五 公安机关捕捉、扣押大型犬、烈性犬 (rules/capture.py), reading D-14."""

import datetime as dt
from decimal import Decimal

from dogs.parameters import breeds_book, notice_book
from dogs.rules.capture import capture_problems, claim_deadline
from dogs.rules.classification import BreedCatalogue, classify

ON = dt.date(2023, 3, 1)
PARAMS = notice_book().at(ON)
CATALOGUE = BreedCatalogue.from_params(breeds_book().at(ON))
AT = dt.datetime(2023, 4, 1, 10, tzinfo=dt.UTC)


def dog(breed: str, height: str = "40"):  # type: ignore[no-untyped-def]
    return classify(breed, Decimal(height), Decimal("60"), PARAMS, CATALOGUE)


def test_capture_only_for_large_or_fierce_dogs() -> None:
    assert capture_problems(dog("藏獒"), AT, AT) == []
    assert capture_problems(dog("金毛", height="55.1"), AT, AT) == []
    assert capture_problems(dog("金毛"), AT, AT) == ["该犬只既非大型犬也非烈性犬，不属于本通告第五条捕捉、扣押范围"]


def test_a_small_dog_whose_breed_the_list_cannot_place_is_not_known_to_be_within_five() -> None:
    (problem,) = capture_problems(dog("火星犬"), AT, AT)
    assert "犬种未能依烈性犬名录识别" in problem
    assert capture_problems(dog("火星犬", height="56"), AT, AT) == []  # large whatever its breed


def test_the_hand_over_cannot_precede_the_capture() -> None:
    assert capture_problems(dog("藏獒"), AT, AT - dt.timedelta(minutes=1)) == ["移交收容场所的时间早于捕捉或扣押时间"]


def test_the_claim_deadline_counts_thirty_days_from_the_day_after() -> None:
    """D-27: 行政强制法 第二十五条 不得超过三十日, the first day not counted (民法典 第二百零一条), the last
    included."""
    # 2026-11-20: 11-21..11-30 is 10 days, 12-01..12-20 is 20 more: the 30th is 12-20.
    assert claim_deadline(dt.date(2026, 11, 20), PARAMS) == dt.date(2026, 12, 20)
    # Across February of a leap year: 2024-02-10 → 02-11..02-29 is 19 days, 03-01..03-11 is 11: 03-11.
    assert claim_deadline(dt.date(2024, 2, 10), PARAMS) == dt.date(2024, 3, 11)
