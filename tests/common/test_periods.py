"""民法典 第二百零二条 month arithmetic shared by every service."""

import datetime as dt

import pytest

from qz_common.periods import add_months, add_years


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2023, 1, 15), 3, dt.date(2023, 4, 15)),  # the corresponding day
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),  # no corresponding day: the month's last day
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2023, 3, 31), -1, dt.date(2023, 2, 28)),
        (dt.date(2023, 12, 1), 24, dt.date(2025, 12, 1)),
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_add_years_from_leap_day() -> None:
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
