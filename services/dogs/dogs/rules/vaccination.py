"""六 免疫接种点……采集免疫犬只的养犬人姓名、联系电话、犬种、饲养地址、毛色、犬只性别、疫苗名称及免疫信息。"""

import datetime as dt
import enum
import re
from dataclasses import dataclass

from dogs.rules.notice import cite
from qz_common.params import ParameterSet
from qz_common.periods import add_months, add_years

CLAUSE = cite("六")
# The revaccination interval is not in the notice; 三3 and 六 rely on it (see params/dogs.toml).
INTERVAL_BASIS = f"{CLAUSE}；《狂犬病防治技术规范》（原农业部）：犬每年加强免疫一次"
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class DogSex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


def is_contact_phone(phone: str) -> bool:
    """A mainland mobile (11 digits) or a landline with area code."""
    return bool(_PHONE.match(phone))


def covered_until(vaccinated_on: dt.date, next_due_on: dt.date, params: ParameterSet) -> dt.date:
    """The last day a rabies vaccination covers: its next due date, and never later than one revaccination interval
    after it (a due date written further out does not stretch the immunity). D-09: the due date itself still covers;
    under the other reading (``vaccination_due_date_covers`` false) the day before it is the last."""
    interval = params.integer("rabies_revaccination_interval_months")
    due = min(next_due_on, add_months(vaccinated_on, interval))
    return due if params["vaccination_due_date_covers"] else due - dt.timedelta(days=1)


@dataclass(frozen=True)
class ImmunisationProblem:
    field: str
    code: str
    detail: str
    basis: str


def immunisation_problems(
    vaccinated_on: dt.date, next_due_on: dt.date, dog_born_on: dt.date | None, today: dt.date, params: ParameterSet
) -> list[ImmunisationProblem]:
    """免疫信息 that cannot be right: a vaccination before the dog could have had it (before its birth, or before any
    living dog was born), a next due date not after it, or further out than the revaccination interval allows.
    (Dates after today are refused before this, as for every past event, D-19.)"""
    oldest = params.integer("oldest_dog_age_years")
    earliest = add_years(today, -oldest)
    interval = params.integer("rabies_revaccination_interval_months")
    problems = []
    if dog_born_on is not None and dog_born_on < earliest:
        detail = f"犬只出生日期早于 {earliest}（{oldest} 年前），不可能是在世犬只"
        problems.append(ImmunisationProblem("dog_born_on", "implausible_date", detail, CLAUSE))
    if vaccinated_on < earliest:
        detail = f"免疫日期早于 {earliest}（{oldest} 年前），不可能是在世犬只的免疫"
        problems.append(ImmunisationProblem("vaccinated_on", "implausible_date", detail, CLAUSE))
    elif dog_born_on is not None and vaccinated_on < dog_born_on:
        detail = f"免疫日期 {vaccinated_on} 早于犬只出生日期 {dog_born_on}"
        problems.append(ImmunisationProblem("vaccinated_on", "vaccinated_before_birth", detail, CLAUSE))
    if next_due_on <= vaccinated_on:
        detail = "下次免疫日期须晚于本次免疫日期"
        problems.append(ImmunisationProblem("next_due_on", "next_due_not_after_vaccination", detail, CLAUSE))
    elif next_due_on > (latest := add_months(vaccinated_on, interval)):
        detail = f"下次免疫日期不得晚于 {latest}（本次免疫之日起 {interval} 个月）"
        problems.append(ImmunisationProblem("next_due_on", "next_due_beyond_interval", detail, INTERVAL_BASIS))
    return problems
