"""六 免疫信息 (rules/vaccination.py): dates a 免疫点 record cannot have (reading D-21), and how long a rabies
vaccination covers."""

import datetime as dt

import pytest

from dogs.parameters import notice_book
from dogs.rules.vaccination import covered_until, immunisation_problems, is_contact_phone

PARAMS = notice_book().at(dt.date(2023, 3, 1))
TODAY = dt.date(2026, 12, 7)
VACCINATED = dt.date(2026, 1, 10)


def problems(vaccinated_on: dt.date, next_due_on: dt.date, born: dt.date | None = None) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in immunisation_problems(vaccinated_on, next_due_on, born, TODAY, PARAMS)]


def test_the_next_immunisation_must_fall_after_this_one() -> None:
    # a next due date on the day of this vaccination cannot be right; the day after can
    assert problems(VACCINATED, VACCINATED) == [("next_due_on", "next_due_not_after_vaccination")]
    assert problems(VACCINATED, VACCINATED + dt.timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("next_due_on", "codes"),
    [
        (dt.date(2027, 1, 10), []),  # 2026-01-10 + 12 months: the latest due date, included
        (dt.date(2027, 1, 11), [("next_due_on", "next_due_beyond_interval")]),
        (dt.date(2999, 1, 10), [("next_due_on", "next_due_beyond_interval")]),
    ],
)
def test_the_next_immunisation_is_due_within_the_interval(next_due_on: dt.date, codes: list[tuple[str, str]]) -> None:
    assert problems(VACCINATED, next_due_on) == codes


def test_the_interval_refusal_says_the_latest_day_and_its_basis() -> None:
    (problem,) = immunisation_problems(VACCINATED, dt.date(2999, 1, 10), None, TODAY, PARAMS)
    assert problem.detail == "下次免疫日期不得晚于 2027-01-10（本次免疫之日起 12 个月）"
    assert problem.basis == "衢执法发〔2023〕3号 六；《狂犬病防治技术规范》（原农业部）：犬每年加强免疫一次"


def test_the_interval_ends_on_the_corresponding_day_or_the_months_last() -> None:
    # 2024-02-29 + 12 months: 2025 has no 29 February, so 2025-02-28
    leap = dt.date(2024, 2, 29)
    assert problems(leap, dt.date(2025, 2, 28)) == []
    assert problems(leap, dt.date(2025, 3, 1)) == [("next_due_on", "next_due_beyond_interval")]


@pytest.mark.parametrize(
    ("vaccinated_on", "codes"),
    [
        (dt.date(1996, 12, 7), []),  # 2026-12-07 − 30 years: as old as a dog has lived
        (dt.date(1996, 12, 6), [("vaccinated_on", "implausible_date")]),
        (dt.date(1900, 1, 1), [("vaccinated_on", "implausible_date")]),
    ],
)
def test_a_vaccination_before_any_living_dog_was_born_is_refused(
    vaccinated_on: dt.date, codes: list[tuple[str, str]]
) -> None:
    assert problems(vaccinated_on, vaccinated_on + dt.timedelta(days=300)) == codes


@pytest.mark.parametrize(
    ("born", "codes"),
    [
        (VACCINATED, []),  # vaccinated on its birth day: not before it
        (dt.date(1996, 12, 7), []),  # born 30 years before today: as old as a dog has lived
        (VACCINATED + dt.timedelta(days=1), [("vaccinated_on", "vaccinated_before_birth")]),
        (dt.date(1996, 12, 6), [("dog_born_on", "implausible_date")]),
    ],
)
def test_a_dog_is_not_vaccinated_before_it_was_born(born: dt.date, codes: list[tuple[str, str]]) -> None:
    assert problems(VACCINATED, dt.date(2026, 12, 1), born) == codes


def test_every_wrong_date_is_named_at_once() -> None:
    assert problems(dt.date(1900, 1, 1), dt.date(2999, 1, 1), dt.date(1800, 1, 1)) == [
        ("dog_born_on", "implausible_date"),
        ("vaccinated_on", "implausible_date"),
        ("next_due_on", "next_due_beyond_interval"),
    ]


def test_a_vaccination_covers_until_its_due_date_and_one_interval_at_most() -> None:
    assert covered_until(VACCINATED, dt.date(2026, 6, 1), PARAMS) == dt.date(2026, 6, 1)
    assert covered_until(VACCINATED, dt.date(2999, 1, 10), PARAMS) == dt.date(2027, 1, 10)


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("13800001234", True), ("0570-3012345", True), ("05703012345", True), ("12800001234", False), ("3012345", False)],
)
def test_contact_phone_is_a_mobile_or_a_landline_with_area_code(phone: str, ok: bool) -> None:
    assert is_contact_phone(phone) is ok  # D-16
