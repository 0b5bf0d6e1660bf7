"""Bodies of the 六 免疫点 records."""

import datetime as dt
from typing import Annotated

from pydantic import Field

from dogs.api.schemas.common import Name, Out, Phone, Strict
from dogs.rules.vaccination import DogSex
from qz_common.districts import District
from qz_common.ids import IdNumber


class VaccinationIn(Strict):
    owner_name: Name = Field(description="养犬人姓名")
    owner_phone: Phone
    owner_id_number: IdNumber | None = Field(None, description="养犬人身份证号")
    breed: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="犬种")
    address: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="养犬地址")
    district: District = Field(description="养犬地所在区县（市）")
    coat_colour: Annotated[str, Field(min_length=1, max_length=30)] = Field(description="毛色")
    sex: DogSex = Field(description="性别：male 公 | female 母")
    vaccine_name: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="疫苗名称")
    vaccinated_on: dt.date = Field(description="免疫接种之日")
    batch_number: Annotated[str, Field(min_length=1, max_length=40)] = Field(description="疫苗批号")
    next_due_on: dt.date = Field(description="下次应免疫之日（不晚于本次免疫之日起12个月）")
    dog_born_on: dt.date | None = Field(None, description="犬只出生日期（如知道）：免疫日期不得早于此日")
    immunisation_point: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="免疫点名称")


class VaccinationOut(Out):
    id: int
    owner_name: str
    owner_phone: str
    owner_id_number: str | None
    breed: str
    address: str
    district: str
    coat_colour: str
    sex: str
    vaccine_name: str
    vaccinated_on: dt.date
    batch_number: str
    next_due_on: dt.date
    dog_born_on: dt.date | None
    immunisation_point: str
    created_at: dt.datetime
