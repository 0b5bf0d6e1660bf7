"""三 重点管理区内养犬登记 (rules/registration.py): the materials 1–5, 本市身份证 by the 户籍地址 (D-08), the key-area
rule for large and fierce dogs at registration, approval and address change (D-07), and a breed the list cannot
place (D-03)."""

import datetime as dt
from decimal import Decimal

import pytest
from testkit import id_number

from dogs.parameters import breeds_book, notice_book
from dogs.rules.classification import BreedCatalogue, classify
from dogs.rules.registration import (
    BreedFinding,
    PhotoOnFile,
    RegistrationMaterials,
    ResidenceProof,
    VaccinationOnFile,
    approval_problems,
    check_identity,
    check_materials,
    check_vaccination,
    in_the_city,
    key_area_refusal,
    renewal_problems,
    undecided_breed_entering,
    valid_until,
)

ON = dt.date(2023, 3, 1)
PARAMS = notice_book().at(ON)
CATALOGUE = BreedCatalogue.from_params(breeds_book().at(ON))
QUZHOU_ID = id_number("330802", dt.date(1985, 6, 15))  # first issued in 柯城区
HANGZHOU_ID = id_number("330106", dt.date(1985, 6, 15))
BEIJING_ID = id_number("110101", dt.date(1985, 6, 15))  # first issued in 北京市东城区
QUZHOU_HOME = "浙江省衢州市柯城区荷花街道1号"
HANGZHOU_HOME = "浙江省杭州市西湖区文三路1号"


def dog(breed: str, height: str = "40", length: str = "60"):  # type: ignore[no-untyped-def]
    return classify(breed, Decimal(height), Decimal(length), PARAMS, CATALOGUE)


# ---------------------------------------------------------------------------------------- 1.身份证明 (D-08)


@pytest.mark.parametrize(
    ("address", "in_city"),
    [
        ("浙江省衢州市柯城区荷花街道1号", True),
        ("衢州市衢江区樟潭街道", True),
        ("浙江省江山市虎山街道", True),  # a county-level city: its ID cards name no 衢州市
        ("浙江省常山县天马街道", True),
        ("浙江省开化县华埠镇", True),
        ("龙游县龙洲街道", True),
        ("浙江衢州柯城区府山街道", True),  # province without 省, city without 市
        ("浙江省衢县樟潭镇", True),  # 衢县 (330821) until 2001, now 衢江区: old 户口簿 still say it
        ("浙江省　衢州市 柯城区", True),  # full-width and half-width spaces
        ("浙江省杭州市西湖区文三路1号", False),
        ("北京市东城区东华门街道", False),
        ("衢州路1号", False),  # 衢州 without 市 and without a division after it names a street, not the city
        ("浙江省金华市衢州商会", False),
    ],
)
def test_the_registered_address_is_in_the_city_by_its_first_words(address: str, in_city: bool) -> None:
    assert in_the_city(address, PARAMS) is in_city


def test_a_quzhou_number_with_a_registered_address_in_the_city_suffices() -> None:
    assert check_identity(QUZHOU_ID, QUZHOU_HOME, None, PARAMS) == []


def test_a_number_first_issued_elsewhere_with_a_quzhou_registered_address_is_a_local_card() -> None:
    # D-08: the 户籍 moved to 衢州; the number keeps 110101, the area code of first issue
    assert check_identity(BEIJING_ID, QUZHOU_HOME, None, PARAMS) == []


def test_a_quzhou_number_whose_registered_address_moved_away_needs_a_residence_permit() -> None:
    # D-08: 330802 says where the number was first issued, not where the holder's 户籍 is now
    problems = check_identity(QUZHOU_ID, HANGZHOU_HOME, None, PARAMS)
    assert [(p.field, p.code, p.basis) for p in problems] == [
        ("residence_permit_number", "residence_permit_required", "衢执法发〔2023〕3号 三1")
    ]
    assert problems[0].detail == "户籍地址不在衢州市，非本市身份证，须提供本市居住证"
    assert check_identity(QUZHOU_ID, HANGZHOU_HOME, "330802-JZ-2023-001", PARAMS) == []


def test_without_a_registered_address_or_a_residence_permit_the_card_cannot_be_placed() -> None:
    assert [p.code for p in check_identity(QUZHOU_ID, None, None, PARAMS)] == ["registered_address_missing"]
    assert [p.field for p in check_identity(QUZHOU_ID, "  ", None, PARAMS)] == ["owner_registered_address"]
    assert check_identity(HANGZHOU_ID, None, "330802-JZ-2023-001", PARAMS) == []  # a 居住证 needs no 户籍地址


def test_an_invalid_number_fails_whatever_the_address() -> None:
    wrong_check_digit = QUZHOU_ID[:-1] + ("0" if QUZHOU_ID[-1] != "0" else "1")
    problems = check_identity(wrong_check_digit, QUZHOU_HOME, None, PARAMS)
    assert [(p.field, p.code) for p in problems] == [("owner_id_number", "invalid_id_number")]
    assert problems[0].detail == "身份证号无效：校验码不正确"


# ---------------------------------------------------------------------------------------- 3.犬只免疫证明 (D-09)

RABIES = VaccinationOnFile(QUZHOU_ID, "狂犬病灭活疫苗", dt.date(2023, 1, 10), dt.date(2024, 1, 10))


@pytest.mark.parametrize(
    ("applied_on", "codes"),
    [
        (dt.date(2023, 1, 9), ["vaccination_after_application"]),
        (dt.date(2023, 1, 10), []),
        (dt.date(2024, 1, 10), []),  # the due date itself is still covered
        (dt.date(2024, 1, 11), ["vaccination_lapsed"]),
    ],
)
def test_vaccination_must_be_in_date(applied_on: dt.date, codes: list[str]) -> None:
    assert [p.code for p in check_vaccination(RABIES, QUZHOU_ID, applied_on, PARAMS)] == codes


@pytest.mark.parametrize(("applied_on", "lapsed"), [(dt.date(2024, 1, 10), False), (dt.date(2024, 1, 11), True)])
def test_a_due_date_written_far_out_covers_one_interval_only(applied_on: dt.date, lapsed: bool) -> None:
    # A record stored with next_due_on 2999-01-10 covers 2023-01-10 + 12 months = 2024-01-10 (every year, D-21)
    far = VaccinationOnFile(QUZHOU_ID, "狂犬病灭活疫苗", dt.date(2023, 1, 10), dt.date(2999, 1, 10))
    problems = check_vaccination(far, QUZHOU_ID, applied_on, PARAMS)
    assert [p.code for p in problems] == (["vaccination_lapsed"] if lapsed else [])
    if lapsed:
        assert problems[0].detail == "免疫已过期（应于 2024-01-10 前再次免疫）"


def test_vaccination_must_be_rabies_and_of_the_applicant() -> None:
    other = VaccinationOnFile(HANGZHOU_ID, "犬瘟热疫苗", dt.date(2023, 1, 10), dt.date(2024, 1, 10))
    codes = {p.code for p in check_vaccination(other, QUZHOU_ID, ON, PARAMS)}
    assert codes == {"not_rabies_vaccination", "vaccination_owner_mismatch"}
    assert [p.code for p in check_vaccination(None, QUZHOU_ID, ON, PARAMS)] == ["vaccination_not_found"]


# ---------------------------------------------------------------------------------------- every material at once


def _materials(**changes: object) -> RegistrationMaterials:
    values: dict[str, object] = {
        "applied_on": ON,
        "key_area": True,
        "owner_id_number": QUZHOU_ID,
        "owner_registered_address": QUZHOU_HOME,
        "residence_permit_number": None,
        "residence_proof_type": ResidenceProof.PROPERTY_CERTIFICATE,
        "residence_proof_number": "浙(2020)衢州市不动产权第0001234号",
        "vaccination": RABIES,
        "breed": "金毛",
        "front_photo": PhotoOnFile("image/jpeg", 1000),
        "side_photo": PhotoOnFile("image/png", 1000),
    }
    values.update(changes)
    return RegistrationMaterials(**values)  # type: ignore[arg-type]


def test_complete_materials_pass() -> None:
    assert check_materials(_materials(), dog("金毛"), 5000, PARAMS) == []


def test_every_failing_item_is_named_at_once() -> None:
    problems = check_materials(
        _materials(
            owner_registered_address=HANGZHOU_HOME,
            residence_proof_type=None,
            vaccination=None,
            breed=" ",
            front_photo=None,
            side_photo=PhotoOnFile("image/gif", 10),
        ),
        dog("金毛"),
        5000,
        PARAMS,
    )
    assert [p.field for p in problems] == [
        "residence_permit_number",
        "residence_proof_number",
        "vaccination_id",
        "breed",
        "front_photo_id",
        "side_photo_id",
    ]
    assert all(p.basis.startswith("衢执法发〔2023〕3号 三") for p in problems)


@pytest.mark.parametrize(("size", "ok"), [(5000, True), (5001, False)])
def test_photo_size_limit(size: int, ok: bool) -> None:
    problems = check_materials(_materials(front_photo=PhotoOnFile("image/jpeg", size)), dog("金毛"), 5000, PARAMS)
    assert (problems == []) is ok


# ---------------------------------------------------------------------------------------- the 重点管理区 (D-07, D-11)


def test_large_or_fierce_dogs_are_refused_in_key_area_only() -> None:
    large = dog("金毛", height="55.1")
    assert [p.code for p in check_materials(_materials(), large, 5000, PARAMS)] == ["large_or_fierce_in_key_area"]
    refused = check_materials(_materials(), dog("藏獒"), 5000, PARAMS)
    assert [(p.code, p.basis) for p in refused] == [
        ("large_or_fierce_in_key_area", "衢执法发〔2023〕3号 五；衢执法发〔2023〕3号 一(二)")
    ]
    assert check_materials(_materials(key_area=False), large, 5000, PARAMS) == []


def test_a_breed_the_list_cannot_place_may_be_filed_in_the_key_area() -> None:
    # D-03: 三4 asks for 品种信息, which it is; whether the dog is fierce is decided at approval
    assert check_materials(_materials(breed="火星犬"), dog("火星犬"), 5000, PARAMS) == []


def test_a_move_into_the_key_area_is_refused_with_the_registrations_code_and_clause() -> None:
    # D-07: the same rule, whether the dog is filed there or moves there
    filed = key_area_refusal(dog("藏獒"), None, "breed")
    moved = key_area_refusal(dog("藏獒"), None, "key_area", "登记 衢犬登3308022023000001：")
    assert filed is not None and moved is not None
    assert (
        (moved.code, moved.basis)
        == (filed.code, filed.basis)
        == (
            "large_or_fierce_in_key_area",
            "衢执法发〔2023〕3号 五；衢执法发〔2023〕3号 一(二)",
        )
    )
    assert moved.detail == "登记 衢犬登3308022023000001：" + filed.detail
    large = key_area_refusal(dog("金毛", length="80.1"), None, "key_area")
    assert large is not None and large.basis == "衢执法发〔2023〕3号 五；衢执法发〔2023〕3号 一(一)"
    assert key_area_refusal(dog("金毛", height="55", length="80"), None, "key_area") is None


def test_an_officers_finding_decides_a_breed_the_list_cannot_place() -> None:
    unplaced = dog("火星犬")
    assert key_area_refusal(unplaced, None, "key_area") is None  # not known to be fierce: not refused
    assert key_area_refusal(unplaced, BreedFinding.NOT_FIERCE, "key_area") is None
    found_fierce = key_area_refusal(unplaced, BreedFinding.FIERCE, "key_area")
    assert found_fierce is not None and found_fierce.code == "large_or_fierce_in_key_area"
    assert key_area_refusal(dog("藏獒"), BreedFinding.NOT_FIERCE, "key_area") is not None  # the list decides first


def test_an_undecided_breed_moving_into_the_key_area_is_flagged_for_an_officer() -> None:
    flag = undecided_breed_entering("衢犬登3308022023000001", dog("火星犬"), None)
    assert flag == (
        "登记 衢犬登3308022023000001 迁入重点管理区，犬种未能识别：请执法人员认定是否属于烈性犬"
        "（衢执法发〔2023〕3号 一(二)）"
    )
    assert undecided_breed_entering("x", dog("火星犬"), BreedFinding.NOT_FIERCE) is None
    assert undecided_breed_entering("x", dog("金毛"), None) is None


# ---------------------------------------------------------------------------------------- approval (D-03)


def test_approval_in_the_key_area_of_a_breed_the_list_cannot_place_needs_an_officers_finding() -> None:
    unplaced = dog("火星犬")
    assert [(p.field, p.code) for p in approval_problems(unplaced, True, None)] == [
        ("breed_finding", "breed_decision_required")
    ]
    assert approval_problems(unplaced, True, BreedFinding.NOT_FIERCE) == []
    fierce = approval_problems(unplaced, True, BreedFinding.FIERCE)
    assert [(p.field, p.code) for p in fierce] == [("breed_finding", "large_or_fierce_in_key_area")]
    assert approval_problems(dog("火星犬", height="56"), True, BreedFinding.NOT_FIERCE)[0].code == (
        "large_or_fierce_in_key_area"  # found not fierce, but large
    )


def test_approval_outside_the_key_area_needs_no_finding_but_may_record_one() -> None:
    assert approval_problems(dog("火星犬"), False, None) == []
    assert approval_problems(dog("火星犬"), False, BreedFinding.FIERCE) == []
    assert approval_problems(dog("藏獒"), False, None) == []  # D-11


def test_a_finding_is_refused_for_a_breed_the_list_places() -> None:
    for breed in ("藏獒", "金毛"):
        problems = approval_problems(dog(breed), False, BreedFinding.NOT_FIERCE)
        assert [(p.field, p.code) for p in problems] == [("breed_finding", "breed_finding_not_needed")]
    assert approval_problems(dog("金毛"), True, None) == []
    assert approval_problems(dog("藏獒"), True, None)[0].code == "large_or_fierce_in_key_area"


def test_a_registration_is_valid_until_its_vaccination_stops_covering() -> None:
    """D-24: vaccinated 2023-01-10, due 2024-01-10: valid to 2024-01-10 (the due day covers); a due date written
    2025-01-10 still covers only 12 months, to 2024-01-10 (D-09)."""
    assert valid_until(RABIES, PARAMS) == dt.date(2024, 1, 10)
    far = VaccinationOnFile(QUZHOU_ID, "狂犬病灭活疫苗", dt.date(2023, 1, 10), dt.date(2025, 1, 10))
    assert valid_until(far, PARAMS) == dt.date(2024, 1, 10)


@pytest.mark.parametrize(
    ("renewal", "codes"),
    [
        # Vaccinated 2023-12-20, due 2024-12-20: covers past 2024-01-10, renews.
        (VaccinationOnFile(QUZHOU_ID, "狂犬病灭活疫苗", dt.date(2023, 12, 20), dt.date(2024, 12, 20)), []),
        # Due 2024-01-10, the current one's very day: covers no longer (不晚于), renews nothing.
        (
            VaccinationOnFile(QUZHOU_ID, "狂犬病灭活疫苗", dt.date(2023, 12, 20), dt.date(2024, 1, 10)),
            ["renewal_not_later"],
        ),
        # Due 2024-01-11, one day later: renews.
        (VaccinationOnFile(QUZHOU_ID, "狂犬病灭活疫苗", dt.date(2023, 12, 20), dt.date(2024, 1, 11)), []),
        # Another person's, or not rabies: 三3 refuses it before any comparison.
        (
            VaccinationOnFile(HANGZHOU_ID, "狂犬病灭活疫苗", dt.date(2023, 12, 20), dt.date(2024, 12, 20)),
            ["vaccination_owner_mismatch"],
        ),
        (
            VaccinationOnFile(QUZHOU_ID, "犬瘟热疫苗", dt.date(2023, 12, 20), dt.date(2024, 12, 20)),
            ["not_rabies_vaccination"],
        ),
    ],
)
def test_a_renewal_is_a_vaccination_three_accepts_that_covers_longer(
    renewal: VaccinationOnFile, codes: list[str]
) -> None:
    on = dt.date(2023, 12, 21)
    assert [p.code for p in renewal_problems(RABIES, renewal, QUZHOU_ID, on, PARAMS)] == codes
