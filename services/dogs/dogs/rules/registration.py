"""三 重点管理区内养犬登记.

应当经犬只狂犬病免疫后……进行登记。登记所需材料包括：1.身份证明：本市身份证或者居住证；
2.住所证明：饲养住所房产证或者房屋租赁合同；3.犬只免疫证明；4.犬只品种信息；
5.犬只单独彩色照片正面及侧面照片。
"""

import datetime as dt
import enum
from dataclasses import dataclass

from stdnum.exceptions import ValidationError

from dogs.rules.classification import CLAUSE_FIERCE, CLAUSE_LARGE, Classification
from dogs.rules.notice import cite
from qz_common.ids import check_id_number, issued_in_quzhou, reason_in_chinese

CLAUSE = cite("三")
CLAUSE_CAPTURE = cite("五")


class Channel(enum.StrEnum):
    WINDOW = "window"  # 综合行政执法部门服务窗口
    ZHELIBAN = "zheliban"  # 浙里办——养犬一点通


class ResidenceProof(enum.StrEnum):
    PROPERTY_CERTIFICATE = "property_certificate"  # 房产证
    LEASE_CONTRACT = "lease_contract"  # 房屋租赁合同


@dataclass(frozen=True)
class VaccinationOnFile:
    """The 免疫点 record the applicant's 免疫证明 refers to."""

    owner_id_number: str | None
    vaccine_name: str
    vaccinated_on: dt.date
    next_due_on: dt.date


@dataclass(frozen=True)
class PhotoOnFile:
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class RegistrationMaterials:
    applied_on: dt.date
    key_area: bool
    owner_id_number: str
    residence_permit_number: str | None
    residence_proof_type: ResidenceProof | None
    residence_proof_number: str | None
    vaccination: VaccinationOnFile | None
    breed: str
    front_photo: PhotoOnFile | None
    side_photo: PhotoOnFile | None


@dataclass(frozen=True)
class MaterialProblem:
    field: str
    code: str
    detail: str
    basis: str


PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})


def is_rabies_vaccine(vaccine_name: str) -> bool:
    return "狂犬" in vaccine_name


def check_identity(owner_id_number: str, residence_permit_number: str | None) -> list[MaterialProblem]:
    """1.身份证明：本市身份证或者居住证. 本市 = issued in 衢州 (area code 3308xx); otherwise a 居住证 is needed."""
    try:
        number = check_id_number(owner_id_number)
    except ValidationError as exc:
        return [
            MaterialProblem(
                "owner_id_number", "invalid_id_number", f"身份证号无效：{reason_in_chinese(exc)}", CLAUSE + "1"
            )
        ]
    if issued_in_quzhou(number) or (residence_permit_number or "").strip():
        return []
    return [
        MaterialProblem(
            "residence_permit_number",
            "residence_permit_required",
            "非本市身份证，须提供本市居住证",
            CLAUSE + "1",
        )
    ]


def check_vaccination(
    vaccination: VaccinationOnFile | None, owner_id_number: str, applied_on: dt.date
) -> list[MaterialProblem]:
    """3.犬只免疫证明, and 应当经犬只狂犬病免疫后 register: a rabies vaccination on record, in date, for this owner."""
    field, basis = "vaccination_id", CLAUSE + "3"
    if vaccination is None:
        return [MaterialProblem(field, "vaccination_not_found", "未找到对应的免疫记录", basis)]
    problems = []
    if not is_rabies_vaccine(vaccination.vaccine_name):
        problems.append(MaterialProblem(field, "not_rabies_vaccination", "免疫记录不是狂犬病疫苗", basis))
    if vaccination.owner_id_number and vaccination.owner_id_number.upper() != owner_id_number.strip().upper():
        problems.append(MaterialProblem(field, "vaccination_owner_mismatch", "免疫记录的养犬人与申请人不一致", basis))
    if vaccination.vaccinated_on > applied_on:
        problems.append(MaterialProblem(field, "vaccination_after_application", "免疫日期晚于申请日期", basis))
    elif vaccination.next_due_on < applied_on:
        problems.append(
            MaterialProblem(
                field, "vaccination_lapsed", f"免疫已过期（应于 {vaccination.next_due_on} 前再次免疫）", basis
            )
        )
    return problems


def check_photo(field: str, photo: PhotoOnFile | None, label: str, max_bytes: int) -> list[MaterialProblem]:
    """5.犬只单独彩色照片正面及侧面照片 (JPEG or PNG, size-limited)."""
    basis = CLAUSE + "5"
    if photo is None:
        return [MaterialProblem(field, "photo_missing", f"缺少犬只{label}照片", basis)]
    if photo.content_type not in PHOTO_TYPES:
        return [MaterialProblem(field, "photo_type", f"{label}照片须为 JPEG 或 PNG", basis)]
    if photo.size_bytes > max_bytes:
        return [MaterialProblem(field, "photo_too_large", f"{label}照片超过 {max_bytes} 字节", basis)]
    return []


def check_materials(
    materials: RegistrationMaterials, classification: Classification, max_photo_bytes: int
) -> list[MaterialProblem]:
    """Every failing item of 三 at once (an empty list means the application may be submitted)."""
    problems = check_identity(materials.owner_id_number, materials.residence_permit_number)
    if materials.residence_proof_type is None or not (materials.residence_proof_number or "").strip():
        problems.append(
            MaterialProblem(
                "residence_proof_number",
                "residence_proof_missing",
                "缺少住所证明（房产证或房屋租赁合同）",
                CLAUSE + "2",
            )
        )
    problems += check_vaccination(materials.vaccination, materials.owner_id_number, materials.applied_on)
    if not materials.breed.strip():
        problems.append(MaterialProblem("breed", "breed_missing", "缺少犬只品种信息", CLAUSE + "4"))
    problems += check_photo("front_photo_id", materials.front_photo, "正面", max_photo_bytes)
    problems += check_photo("side_photo_id", materials.side_photo, "侧面", max_photo_bytes)
    if materials.key_area and (classification.large or classification.fierce):
        kinds = "、".join(k for k, on in (("大型犬", classification.large), ("烈性犬", classification.fierce)) if on)
        problems.append(
            MaterialProblem(
                "breed",
                "large_or_fierce_in_key_area",
                f"重点管理区内不予登记{kinds}（公安机关依法捕捉或扣押大型犬、烈性犬）",
                f"{CLAUSE_CAPTURE}；{CLAUSE_LARGE if classification.large else CLAUSE_FIERCE}",
            )
        )
    return problems


def key_area_entry_flag(registration_number: str | None, was_in_key_area: bool, in_key_area: bool) -> str | None:
    """A registered dog moving into the 重点管理区 is checked by hand: large and fierce dogs are not registered there
    (D-07), and the registration holds the measurements taken when it was filed."""
    if in_key_area and not was_in_key_area:
        return f"登记 {registration_number} 迁入重点管理区：请核查是否为大型犬、烈性犬（{CLAUSE}、五）"
    return None


def registration_number(district_code: str, year: int, sequence: int) -> str:
    """The number issued on approval: 衢犬登 + district code + year + six-digit sequence."""
    return f"衢犬登{district_code}{year}{sequence:06d}"
