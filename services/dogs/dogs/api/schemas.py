"""Request and response bodies of the dogs API."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from dogs.api.examples import EXAMPLES
from dogs.rules.adoption import CHECKLIST
from dogs.rules.capture import CaptureAction
from dogs.rules.registration import Channel, ResidenceProof
from dogs.rules.vaccination import DogSex
from qz_common.districts import District
from qz_common.examples import examples_by_model
from qz_common.ids import IdNumber
from qz_common.inputs import StrictInput
from qz_common.scenario import ScenarioEcho, ScenarioParameters

Centimetres = Annotated[Decimal, Field(gt=0, le=300, max_digits=6, decimal_places=1, description="厘米，可带一位小数")]
Name = Annotated[str, Field(min_length=1, max_length=60)]
Phone = Annotated[str, Field(pattern=r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", description="手机或带区号的固定电话")]


class Strict(StrictInput, BaseModel):  # BaseModel named too: ruff then knows the subclasses are models
    """Request bodies: unknown fields and control characters refused, -0 read as 0 (qz_common.inputs)."""

    model_config = ConfigDict(json_schema_extra=examples_by_model(EXAMPLES))  # api/examples.py


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ClassifyIn(Strict):
    breed: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="犬种（可含别名或“×”表示的混血，如“金毛×拉布拉多”），对照烈性犬名录（一(二)）"
    )
    shoulder_height_cm: Centimetres
    body_length_cm: Centimetres
    on: dt.date | None = Field(None, description="按哪一天的规定判断（默认今天，北京时间）")
    parameters: ScenarioParameters = None


class ClassifyOut(BaseModel):
    large: bool
    fierce: bool
    recognised: bool
    cross: bool
    fierce_lineage: list[str]
    unrecognised_names: list[str]
    reasons: list[str]
    basis: list[str]
    in_force: bool
    notice: str | None
    parameter_version: str
    scenario: ScenarioEcho = None


class WalkingOut(BaseModel):
    allowed: bool
    local_time: dt.datetime
    window: str
    reason: str
    basis: list[str]
    in_force: bool
    notice: str | None


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
    next_due_on: dt.date = Field(description="下次应免疫之日")
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
    immunisation_point: str
    created_at: dt.datetime


class PhotoOut(Out):
    id: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: dt.datetime


class RegistrationIn(Strict):
    channel: Channel = Field(description="申请渠道：window 窗口 | zheliban 浙里办")
    owner_id_number: Annotated[str, Field(min_length=1, max_length=18, description="本市身份证号；非本市须另附居住证")]
    owner_name: Name = Field(description="养犬人姓名")
    owner_phone: Phone
    residence_permit_number: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="居住证号（非本地户籍）"
    )
    residence_proof_type: ResidenceProof | None = Field(
        None, description="住所证明类别：property_certificate 不动产权证书 | lease_contract 租赁合同"
    )
    residence_proof_number: Annotated[str, Field(max_length=60)] | None = Field(None, description="住所证明编号")
    address: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="养犬地址")
    district: District = Field(description="养犬地所在区县（市）")
    key_area: bool = Field(description="饲养住所是否在重点管理区")
    dog_name: Annotated[str, Field(max_length=40)] | None = Field(None, description="犬名")
    breed: Annotated[str, Field(max_length=60)] = Field(description="犬种")
    shoulder_height_cm: Centimetres
    body_length_cm: Centimetres
    coat_colour: Annotated[str, Field(min_length=1, max_length=30)] = Field(description="毛色")
    sex: DogSex = Field(description="性别：male 公 | female 母")
    vaccination_id: int | None = Field(None, description="免疫记录编号")
    front_photo_id: str | None = Field(None, description="犬只正面照片编号（先上传 /v1/photos）")
    side_photo_id: str | None = Field(None, description="犬只侧面照片编号（先上传 /v1/photos）")


class RegistrationOut(Out):
    id: int
    status: str
    channel: str
    owner_id_number: str
    owner_name: str
    owner_phone: str
    residence_permit_number: str | None
    residence_proof_type: str
    residence_proof_number: str
    address: str
    district: str
    key_area: bool
    dog_name: str | None
    breed: str
    breed_recognised: bool
    shoulder_height_cm: Decimal
    body_length_cm: Decimal
    coat_colour: str
    sex: str
    vaccination_id: int
    front_photo_id: str
    side_photo_id: str
    registration_number: str | None
    rejection_reasons: list[str] | None
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None


class RejectIn(Strict):
    reasons: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(min_length=1)] = Field(
        description="不予通过的理由（逐条）"
    )


class AddressChangeIn(Strict):
    owner_id_number: IdNumber = Field(description="养犬人身份证号")
    address: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="新养犬地址")
    district: District = Field(description="新地址所在区县（市）")
    key_area: bool = Field(description="新地址是否在重点管理区")
    reference: Annotated[str, Field(max_length=100)] | None = Field(None, description="引起变更的事由，如征收协议编号")


class AddressChangeOut(BaseModel):
    owner_id_number: str
    changed_registration_ids: list[int]
    flagged: list[str] = Field(description="需人工处理的事项，例如迁入重点管理区的大型犬、烈性犬")


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


class AdoptionApplicationIn(Strict):
    applicant_id_number: IdNumber = Field(description="领养人身份证号")
    applicant_name: Name = Field(description="领养人姓名")
    applicant_phone: Phone
    address: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="领养人住址")


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


class ApproveAdoptionIn(Strict):
    checklist: dict[Literal[tuple(CHECKLIST)], bool] = Field(  # type: ignore[valid-type]
        description="《条例》第十三、十四条条件，由审核人员逐项确认: "
        + "；".join(f"{k}={v}" for k, v in CHECKLIST.items())
    )


class ImpoundmentIn(Strict):
    action: CaptureAction = Field(description="处置方式：capture 捕捉 | seizure 扣押（五）")
    occurred_at: dt.datetime = Field(description="捕捉、扣押时间")
    location: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="地点")
    district: District = Field(description="所在区县（市）")
    police_unit: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="执法单位")
    officer_badge: Annotated[str, Field(min_length=1, max_length=20)] = Field(description="执法人员警号（工号）")
    breed: Annotated[str, Field(min_length=1, max_length=60)] = Field(description="犬种")
    shoulder_height_cm: Centimetres
    body_length_cm: Centimetres
    owner_id_number: IdNumber | None = Field(None, description="犬主身份证号（如已知）")
    registration_id: int | None = Field(None, description="养犬登记编号（如已登记）")
    shelter: Annotated[str, Field(min_length=1, max_length=100)] = Field(description="移交的收容场所")
    handed_over_at: dt.datetime = Field(description="移交收容场所的时间")


class ImpoundmentOut(Out):
    id: int
    action: str
    occurred_at: dt.datetime
    location: str
    district: str
    police_unit: str
    officer_badge: str
    breed: str
    shoulder_height_cm: Decimal
    body_length_cm: Decimal
    large: bool
    fierce: bool
    owner_id_number: str | None
    registration_id: int | None
    shelter: str
    handed_over_at: dt.datetime
    created_at: dt.datetime
