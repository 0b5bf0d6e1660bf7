"""六 免疫接种点……采集免疫犬只的养犬人姓名、联系电话、犬种、饲养地址、毛色、犬只性别、疫苗名称及免疫信息。"""

import datetime as dt
import enum
import re

from dogs.rules.notice import cite

CLAUSE = cite("六")
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class DogSex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


def is_contact_phone(phone: str) -> bool:
    """A mainland mobile (11 digits) or a landline with area code."""
    return bool(_PHONE.match(phone))


def immunisation_problems(vaccinated_on: dt.date, next_due_on: dt.date) -> list[tuple[str, str]]:
    """(field, detail) for 免疫信息 that cannot be right."""
    if next_due_on <= vaccinated_on:
        return [("next_due_on", "下次免疫日期须晚于本次免疫日期")]
    return []
