"""三 重点管理区内养犬登记.

应当经犬只狂犬病免疫后……进行登记。登记所需材料包括：1.身份证明：本市身份证或者居住证；
2.住所证明：饲养住所房产证或者房屋租赁合同；3.犬只免疫证明；4.犬只品种信息；
5.犬只单独彩色照片正面及侧面照片。
"""

import datetime as dt
import enum
import unicodedata
from dataclasses import dataclass

from stdnum.exceptions import ValidationError

from dogs.rules.classification import CLAUSE_FIERCE, CLAUSE_LARGE, Classification
from dogs.rules.notice import cite
from dogs.rules.vaccination import INTERVAL_BASIS, covered_until
from qz_common.ids import check_id_number, reason_in_chinese
from qz_common.params import ParameterSet, as_sent

CLAUSE = cite("三")
CLAUSE_CAPTURE = cite("五")


class Channel(enum.StrEnum):
    WINDOW = "window"  # 综合行政执法部门服务窗口
    ZHELIBAN = "zheliban"  # 浙里办——养犬一点通


class ResidenceProof(enum.StrEnum):
    PROPERTY_CERTIFICATE = "property_certificate"  # 房产证
    LEASE_CONTRACT = "lease_contract"  # 房屋租赁合同


class BreedFinding(enum.StrEnum):
    """An officer's decision on a breed the service cannot place (D-03)."""

    FIERCE = "fierce"  # 认定为烈性犬（名录中的犬种或含其血统的杂交犬）
    NOT_FIERCE = "not_fierce"  # 认定为非烈性犬


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
    owner_registered_address: str | None
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


def in_the_city(registered_address: str, params: ParameterSet) -> bool:
    """Whether a 户籍地址 (an ID card's 住址, a 户口簿's) lies in 衢州: it starts, after the province if written
    (浙江省, 浙江), with 衢州市, or with one of its districts or counties (衢州 may stand before it without 市)."""
    address = "".join(unicodedata.normalize("NFKC", registered_address).split())
    province, city = params["city_province"], params["city_name"]
    for prefix in (province, province.removesuffix("省")):
        address = address.removeprefix(prefix)
    if address.startswith(city):
        return True
    address = address.removeprefix(city.removesuffix("市"))
    return any(address.startswith(division) for division in params["city_divisions"])


def check_identity(
    owner_id_number: str, registered_address: str | None, residence_permit_number: str | None, params: ParameterSet
) -> list[MaterialProblem]:
    """1.身份证明：本市身份证或者居住证. 本市身份证 = a valid number whose holder's 户籍 (the registered address
    declared, from the card's 住址 or a 户口簿) is in 衢州, whatever the number's area code (D-08); else a 居住证.
    Under the other reading (``local_card_by`` "number_area_code") the number's area code decides."""
    basis = CLAUSE + "1"
    try:
        check_id_number(owner_id_number)
    except ValidationError as exc:
        detail = f"身份证号无效：{reason_in_chinese(exc)}"
        return [MaterialProblem("owner_id_number", "invalid_id_number", detail, basis)]
    if (residence_permit_number or "").strip():
        return []
    if params["local_card_by"] == "number_area_code":
        # The other reading of 本市身份证 (D-08): a number first issued in the city, whatever the 户籍 now.
        city_part = str(params.integer("city_division_code"))[:4]  # 330800: province 33, city 08
        if owner_id_number.strip().startswith(city_part):
            return []
        detail = f"身份证号非{params['city_name']}签发（行政区划代码不以{city_part}开头），须提供本市居住证"
        return [MaterialProblem("residence_permit_number", "residence_permit_required", detail, basis)]
    if not (registered_address or "").strip():
        detail = "须申报户籍地址（身份证住址或户口簿所载）以证明为本市身份证，或提供本市居住证"
        return [MaterialProblem("owner_registered_address", "registered_address_missing", detail, basis)]
    if in_the_city(registered_address or "", params):
        return []
    detail = f"户籍地址不在{params['city_name']}，非本市身份证，须提供本市居住证"
    return [MaterialProblem("residence_permit_number", "residence_permit_required", detail, basis)]


def check_vaccination(
    vaccination: VaccinationOnFile | None, owner_id_number: str, applied_on: dt.date, params: ParameterSet
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
    elif (until := covered_until(vaccination.vaccinated_on, vaccination.next_due_on, params)) < applied_on:
        detail = f"免疫已过期（应于 {until} 前再次免疫）"
        problems.append(MaterialProblem(field, "vaccination_lapsed", detail, basis))
    return problems


def valid_until(vaccination: VaccinationOnFile, params: ParameterSet) -> dt.date:
    """The last day a registration stands on its 免疫证明 (D-24): 应当经犬只狂犬病免疫后……登记, and a lapsed
    immunity is no immunity (D-09), so the registration is due for renewal when its vaccination stops covering."""
    return covered_until(vaccination.vaccinated_on, vaccination.next_due_on, params)


def renewal_due(vaccination: VaccinationOnFile, params: ParameterSet) -> dt.date | None:
    """The day a registration is due for renewal, None if it has none. Reading D-24 (``registration_renewal_due``):
    ``vaccination`` (chosen) — the last day its 免疫证明 covers (``valid_until``); ``none`` — the notice sets a
    registration no term of its own, so nothing falls due (its vaccination still lapses, D-09, for what 三3 asks of a
    waiting application or a renewal)."""
    return valid_until(vaccination, params) if params["registration_renewal_due"] == "vaccination" else None


# The readings a registration's renewal day depends on (parameter of the notice's book → register entry).
RENEWAL_READINGS = {"registration_renewal_due": "D-24", "vaccination_due_date_covers": "D-09"}


@dataclass(frozen=True)
class ReadingUsed:
    """A reading a figure was computed under: its parameter, register entry, value and label."""

    parameter: str
    entry: str
    value: str
    label: str


@dataclass(frozen=True)
class RenewalDay:
    """When a registration standing on ``vaccination`` is due for renewal under one version of the notice's book."""

    renewal_due: dt.date | None
    overdue: bool
    vaccination_covers_until: dt.date
    basis: tuple[str, ...]
    readings: tuple[ReadingUsed, ...]
    parameter_version: str


def renewal_day(vaccination: VaccinationOnFile, params: ParameterSet, day: dt.date) -> RenewalDay:
    """三3 (D-24, D-09), asked on ``day``: the day the registration is due for renewal (None: it has no term of its
    own) and whether that day has passed, the last day its 免疫证明 covers, their clauses (三3; the revaccination
    interval of 六 and the 技术规范 that bounds the immunity), and the readings they were read under."""
    readings = tuple(
        ReadingUsed(f"{params.book}.{key}", entry, as_sent(params[key]), params.readings[key][as_sent(params[key])])
        for key, entry in RENEWAL_READINGS.items()
    )
    due = renewal_due(vaccination, params)
    return RenewalDay(
        renewal_due=due,
        overdue=due is not None and due < day,
        vaccination_covers_until=valid_until(vaccination, params),
        basis=(CLAUSE + "3", INTERVAL_BASIS),
        readings=readings,
        parameter_version=f"{params.book}@{params.version}",
    )


def renewal_problems(
    current: VaccinationOnFile, renewal: VaccinationOnFile, owner_id_number: str, day: dt.date, params: ParameterSet
) -> list[MaterialProblem]:
    """续期 (D-24): the new 免疫证明 must be one 三3 accepts today for this owner, and cover longer than the one the
    registration stands on (otherwise it renews nothing)."""
    problems = check_vaccination(renewal, owner_id_number, day, params)
    if not problems and (new := valid_until(renewal, params)) <= (old := valid_until(current, params)):
        detail = f"新的免疫记录有效至 {new}，不晚于现有免疫证明（有效至 {old}），不能续期"
        problems.append(MaterialProblem("vaccination_id", "renewal_not_later", detail, CLAUSE + "3"))
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
    materials: RegistrationMaterials, classification: Classification, max_photo_bytes: int, params: ParameterSet
) -> list[MaterialProblem]:
    """Every failing item of 三 at once (an empty list means the application may be submitted). The list is written
    for the 重点管理区 and applied everywhere (D-11); under the other reading (``materials_outside_key_area`` false)
    an application outside it is not held to this notice's list (the 条例 governs it)."""
    if not materials.key_area and not params["materials_outside_key_area"]:
        return []
    problems = check_identity(
        materials.owner_id_number, materials.owner_registered_address, materials.residence_permit_number, params
    )
    if materials.residence_proof_type is None or not (materials.residence_proof_number or "").strip():
        detail = "缺少住所证明（房产证或房屋租赁合同）"
        problems.append(MaterialProblem("residence_proof_number", "residence_proof_missing", detail, CLAUSE + "2"))
    problems += check_vaccination(materials.vaccination, materials.owner_id_number, materials.applied_on, params)
    if not materials.breed.strip():
        problems.append(MaterialProblem("breed", "breed_missing", "缺少犬只品种信息", CLAUSE + "4"))
    problems += check_photo("front_photo_id", materials.front_photo, "正面", max_photo_bytes)
    problems += check_photo("side_photo_id", materials.side_photo, "侧面", max_photo_bytes)
    if (
        materials.key_area
        and key_area_refuses_large_or_fierce(params)
        and (refusal := key_area_refusal(classification, None, "breed"))
    ):
        problems.append(refusal)
    return problems


def key_area_refuses_large_or_fierce(params: ParameterSet) -> bool:
    """D-07, an interpretation: 五 has the police capture large and fierce dogs, so the 重点管理区 registers none (and
    needs an officer's finding for a breed the list cannot place). Under the other reading
    (``key_area_refuses_large_or_fierce`` false) the notice itself refuses no registration there, and 五 is left
    to the police: the key area is then registered as any other."""
    return bool(params["key_area_refuses_large_or_fierce"])


def key_area_refusal(
    classification: Classification, finding: BreedFinding | None, field: str, subject: str = ""
) -> MaterialProblem | None:
    """三 with 五 (D-07): a large or fierce dog is not registered in the 重点管理区, whether it is filed there or moves
    there. Fierce is what the list says, or for a breed the list cannot place, what an officer found."""
    fierce = classification.fierce if classification.fierce is not None else finding is BreedFinding.FIERCE
    if not (classification.large or fierce):
        return None
    kinds = "、".join(kind for kind, on in (("大型犬", classification.large), ("烈性犬", fierce)) if on)
    return MaterialProblem(
        field,
        "large_or_fierce_in_key_area",
        f"{subject}重点管理区内不予登记{kinds}（公安机关依法捕捉或扣押大型犬、烈性犬）",
        f"{CLAUSE_CAPTURE}；{CLAUSE_LARGE if classification.large else CLAUSE_FIERCE}",
    )


def approval_problems(
    classification: Classification, key_area_refuses: bool, finding: BreedFinding | None
) -> list[MaterialProblem]:
    """What stops an approval (D-03): an officer's finding is given only for a breed the list cannot place; in the
    重点管理区 such a breed needs one, and a dog found fierce (or large) is not registered there.
    ``key_area_refuses``: the application is in the 重点管理区 and D-07's reading refuses such dogs there
    (``key_area_refuses_large_or_fierce``)."""
    if finding is not None and classification.fierce is not None:
        detail = f"犬种已可依名录判定（{classification.finding}），无须执法人员认定"
        return [MaterialProblem("breed_finding", "breed_finding_not_needed", detail, CLAUSE_FIERCE)]
    if not key_area_refuses:
        return []
    if classification.fierce is None and finding is None:
        detail = "犬种未能识别：重点管理区内登记，须由审核的执法人员认定是否属于烈性犬（breed_finding）"
        return [MaterialProblem("breed_finding", "breed_decision_required", detail, CLAUSE_FIERCE)]
    refusal = key_area_refusal(classification, finding, "breed_finding" if finding else "breed")
    return [refusal] if refusal else []


def undecided_breed_entering(
    registration_number: str | None, classification: Classification, finding: BreedFinding | None
) -> str | None:
    """An address change moves a dog whose breed the list cannot place and no officer has decided into the 重点管理区:
    not refused (it is not known to be fierce), but flagged for the officer's decision (D-03, D-07)."""
    if classification.fierce is None and finding is None:
        detail = "迁入重点管理区，犬种未能识别：请执法人员认定是否属于烈性犬"
        return f"登记 {registration_number} {detail}（{CLAUSE_FIERCE}）"
    return None


def registration_number(district_code: str, year: int, sequence: int) -> str:
    """The number issued on approval: 衢犬登 + district code + year + six-digit sequence."""
    return f"衢犬登{district_code}{year}{sequence:06d}"
