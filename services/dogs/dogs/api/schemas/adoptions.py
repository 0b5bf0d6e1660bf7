"""Bodies of 四 领养: shelter dogs and adoption applications."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from dogs.api.schemas.common import DocumentNumber, Name, Out, Phone, Strict
from dogs.rules.adoption import CHECKLIST
from dogs.rules.vaccination import DogSex
from qz_common.districts import District
from qz_common.ids import IdNumber


class ShelterDogIn(Strict):
    shelter: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="收容场所")
    district: District = Field(description="收容场所所在区县（市）")
    breed: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="犬种")
    coat_colour: Annotated[str, Field(min_length=1, max_length=30)] = Field(description="毛色")
    sex: DogSex = Field(description="性别：male 公 | female 母")
    description: Annotated[str, Field(max_length=500)] = Field("", description="犬只情况描述")
    impoundment_id: int | None = Field(None, description="来源的捕捉、扣押记录编号（如有）")


class ShelterDogOut(Out):
    id: int
    shelter: str
    district: str
    breed: str
    coat_colour: str
    sex: str
    description: str
    status: str
    applications_received: int
    impoundment_id: int | None
    offered_at: dt.datetime


class MyAdoptionApplicationIn(Strict):
    """四 as the applicant files it through 浙里办: the applicant is the signed-in person."""

    applicant_name: Name = Field(description="领养人姓名")
    applicant_phone: Phone
    address: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="领养人住址")


class AdoptionApplicationIn(MyAdoptionApplicationIn):
    applicant_id_number: IdNumber = Field(description="领养人身份证号")


class AdoptionApplicationOut(Out):
    id: int
    dog_id: int
    queue_position: int
    applicant_id_number: str
    applicant_name: str
    applicant_phone: str
    address: str
    status: str
    checklist: dict[str, bool] | None
    decision_reasons: list[str] | None
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_document_number: str | None


class ApproveAdoptionIn(Strict):
    checklist: dict[Literal[tuple(CHECKLIST)], bool] = Field(  # type: ignore[valid-type]
        description="《条例》第十三、十四条条件，由审核人员逐项确认: "
        + "；".join(f"{k}={v}" for k, v in CHECKLIST.items())
    )
    document_number: DocumentNumber = None
