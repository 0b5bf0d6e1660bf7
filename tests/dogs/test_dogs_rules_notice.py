"""七 本通告自2023年3月1日起施行 (rules/notice.py): which version answers a day, and what a day before says."""

import datetime as dt

from dogs.parameters import notice_book
from dogs.rules.notice import resolve


def test_checks_before_2023_03_01_say_the_notice_was_not_in_force() -> None:
    before = resolve(notice_book(), dt.date(2023, 2, 28))
    assert before.in_force is False
    assert before.notice == "衢执法发〔2023〕3号 七：本通告自2023年3月1日起施行，2023-02-28 尚未施行"
    on = resolve(notice_book(), dt.date(2023, 3, 1))  # 自……起施行: the day itself is in force
    assert on.in_force is True and on.notice is None and on.params.version == "2023-03-01"
