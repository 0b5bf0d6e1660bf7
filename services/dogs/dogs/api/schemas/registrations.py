"""Bodies of 三 养犬登记 and the owner's address changes."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field

from dogs.api.schemas.common import Centimetres, DocumentNumber, Name, Out, Phone, Strict
from dogs.casework.registrations import RenewalWhatIf
from dogs.rules.registration import BreedFinding, Channel, RenewalDay, ResidenceProof
from dogs.rules.vaccination import DogSex
from qz_common.districts import District
from qz_common.ids import IdNumber
from qz_common.scenario import ScenarioEcho, ScenarioParameters


class MyRegistrationIn(Strict):
    """三 as the owner files it through 浙里办 (养犬一点通): the owner is the signed-in person."""

    owner_name: Name = Field(description="养犬人姓名")
    owner_phone: Phone
    owner_registered_address: Annotated[str, Field(max_length=200)] | None = Field(
        None,
        description="户籍地址（身份证“住址”或户口簿所载）：在衢州市的为本市身份证，不论身份证号的行政区划代码；"
        "非本市户籍须另附居住证（三1）",
    )
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
    front_photo_id: str | None = Field(None, description="犬只正面照片编号（先上传照片）")
    side_photo_id: str | None = Field(None, description="犬只侧面照片编号（先上传照片）")


class RegistrationIn(MyRegistrationIn):
    """三 as filed at the window (or entered for an owner): the owner named."""

    channel: Channel = Field(description="申请渠道：window 窗口 | zheliban 浙里办")
    owner_id_number: Annotated[str, Field(min_length=1, max_length=18, description="身份证号")]


class ApproveRegistrationIn(Strict):
    document_number: DocumentNumber = None
    breed_finding: BreedFinding | None = Field(
        None,
        description="犬种未能依烈性犬名录识别时，审核的执法人员的认定：fierce 烈性犬 | not_fierce 非烈性犬"
        "（重点管理区内必填；名录可判定的犬种不得填写）",
    )


class RegistrationOut(Out):
    id: int
    status: str
    channel: str
    owner_id_number: str
    owner_name: str
    owner_phone: str
    owner_registered_address: str | None
    residence_permit_number: str | None
    residence_proof_type: str
    residence_proof_number: str
    address: str
    district: str
    key_area: bool
    dog_name: str | None
    breed: str
    breed_recognised: bool
    breed_finding: str | None
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
    decision_document_number: str | None


class MyAddressChangeIn(Strict):
    """The signed-in owner's move (浙里办)."""

    address: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="新养犬地址")
    district: District = Field(description="新地址所在区县（市）")
    key_area: bool = Field(description="新地址是否在重点管理区")
    reference: Annotated[str, Field(max_length=100)] | None = Field(None, description="引起变更的事由，如征收协议编号")


class AddressChangeIn(MyAddressChangeIn):
    owner_id_number: IdNumber = Field(description="养犬人身份证号")


class AddressChangeOut(BaseModel):
    owner_id_number: str
    changed_registration_ids: list[int]
    flagged: list[str] = Field(description="需人工处理的事项：迁入重点管理区、犬种未能识别的犬只，须由执法人员认定")


class RenewalIn(Strict):
    vaccination_id: int = Field(description="新的狂犬病免疫记录编号（免疫点录入，须为养犬人本人的）")


class RenewalWhatIfIn(Strict):
    """A registration's renewal day asked on a day, as published and under figures and readings of one's own."""

    as_of: dt.date | None = Field(None, description="按哪一天施行的参数簿测算（默认今天，北京时间）")
    parameters: ScenarioParameters = None


class ReadingUsedOut(BaseModel):
    parameter: str = Field(description="承载该理解的参数名（见 /v1/readings）")
    entry: str = Field(description="歧义登记簿（AMBIGUITIES.md）条目编号")
    value: str = Field(description="所用理解（参数值）")
    label: str = Field(description="该理解的中文表述")


class RenewalDayOut(BaseModel):
    renewal_due: dt.date | None = Field(
        description="须续期之日（当日仍有效）；null：按所用理解登记本身无期限，不因免疫证明到期而须续期（D-24）"
    )
    overdue: bool = Field(description="测算日已过须续期之日")
    vaccination_covers_until: dt.date = Field(description="所附狂犬病免疫证明有效至（含当日，D-09）")
    basis: list[str] = Field(description="依据：文号及条款")
    readings: list[ReadingUsedOut] = Field(description="所用的条文理解")
    parameter_version: str = Field(description="所用参数版本（情景测算标记 +scenario）")

    @classmethod
    def of(cls, day: RenewalDay) -> "RenewalDayOut":
        return cls.model_validate({**vars(day), "readings": [vars(r) for r in day.readings]})


class RenewalWhatIfOut(BaseModel):
    """续期 asked of a stored registration: nothing renewed, nothing stored."""

    registration_id: int
    registration_number: str | None
    status: str
    vaccination_id: int = Field(description="登记现所依据的免疫记录编号")
    as_of: dt.date = Field(description="测算日（衢州）")
    published: RenewalDayOut = Field(description="按该日施行的参数与条文理解")
    scenario: RenewalDayOut | None = Field(
        None,
        description="按情景参数与条文理解（仅请求含 parameters 时）",
        exclude_if=lambda day: day is None,
    )
    parameters: ScenarioEcho = None

    @classmethod
    def of(cls, judged: RenewalWhatIf, parameters: Any) -> "RenewalWhatIfOut":
        return cls(
            registration_id=judged.record.id,
            registration_number=judged.record.registration_number,
            status=judged.record.status,
            vaccination_id=judged.record.vaccination_id,
            as_of=judged.as_of,
            published=RenewalDayOut.of(judged.published),
            scenario=RenewalDayOut.of(judged.scenario) if judged.scenario is not None else None,
            parameters=parameters,
        )


class MaterialProblemOut(BaseModel):
    field: str = Field(description="须补正的材料字段")
    code: str
    detail: str = Field(description="须补正的内容")
    basis: str = Field(description="依据：文号及条款")


class MaterialsOut(BaseModel):
    """一次性告知: the application's materials of 三 checked again today."""

    registration_id: int
    status: str
    checked_on: dt.date = Field(description="核对日期（衢州）")
    complete: bool = Field(description="材料齐全且符合要求")
    missing: list[MaterialProblemOut] = Field(description="须补正的全部材料（一次告知）")
    valid_until: dt.date = Field(description="所附狂犬病免疫证明有效至（含当日），届时须续期")
