"""Rules of 衢执法发〔2023〕3号 at their boundaries (pure functions, no database)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from testkit import id_number

from dogs.parameters import breeds_book, notice_book
from dogs.rules.adoption import QueuedApplication, earlier_open_applications, missing_checklist_items
from dogs.rules.capture import capture_problems
from dogs.rules.classification import BreedCatalogue, classify, is_large
from dogs.rules.notice import resolve
from dogs.rules.registration import (
    PhotoOnFile,
    RegistrationMaterials,
    ResidenceProof,
    VaccinationOnFile,
    check_identity,
    check_materials,
    check_vaccination,
)
from dogs.rules.walking_hours import check_walking

ON = dt.date(2023, 3, 1)
PARAMS = notice_book().at(ON)
CATALOGUE = BreedCatalogue.from_params(breeds_book().at(ON))
SHANGHAI = ZoneInfo("Asia/Shanghai")


def dog(breed: str, height: str = "40", length: str = "60"):  # type: ignore[no-untyped-def]
    return classify(breed, Decimal(height), Decimal(length), PARAMS, CATALOGUE)


@pytest.mark.parametrize(
    ("height", "length", "large"),
    [
        ("55", "80", False),  # 超过 excludes the number itself
        ("55.0", "80.0", False),
        ("55.1", "80", True),
        ("55", "80.1", True),
        ("30", "81", True),  # either measure suffices (或者)
        ("56", "20", True),
    ],
)
def test_large_dog_threshold_excludes_the_number(height: str, length: str, large: bool) -> None:
    assert is_large(Decimal(height), Decimal(length), PARAMS) is large


def test_every_listed_breed_is_fierce() -> None:
    listed = list(breeds_book().at(ON)["fierce"])
    assert len(listed) == 30  # 藏獒 … 伯恩山犬、狼狗: thirty names in 一(二)
    for name in listed:
        result = dog(name)
        assert result.fierce and result.recognised, name


@pytest.mark.parametrize(
    ("alias", "listed"),
    [
        ("德牧", "德国牧羊犬"),
        ("杜宾", "德国笃宾犬"),
        ("比特", "比特犬"),
        ("马里努阿犬", "马犬"),
        ("罗威纳", "罗威纳犬"),
    ],
)
def test_aliases_resolve_to_the_listed_breed(alias: str, listed: str) -> None:
    result = dog(alias)
    assert result.fierce and result.fierce_lineage == (listed,)


@pytest.mark.parametrize("breed", ["德牧串", "德牧和金毛杂交", "金毛×藏獒", "含藏獒血统的杂交犬", "拉布拉多/杜宾混血"])
def test_crosses_with_a_listed_breed_are_fierce(breed: str) -> None:
    result = dog(breed)
    assert result.fierce and result.cross, result


def test_common_breed_is_recognised_and_not_fierce() -> None:
    result = dog("金毛")
    assert (result.fierce, result.recognised, result.large) == (False, True, False)


def test_lookalike_name_outside_the_list_is_not_fierce() -> None:
    assert dog("迷你杜宾").fierce is False  # miniature pinscher: a whole name, not a substring match


def test_unknown_breed_is_not_fierce_but_reported_unrecognised() -> None:
    result = dog("火星犬")
    assert (result.fierce, result.recognised, result.unrecognised_names) == (False, False, ("火星犬",))
    assert any("未能识别" in r for r in result.reasons)


def test_result_cites_both_clauses() -> None:
    assert dog("金毛").basis == ("衢执法发〔2023〕3号 一(一)", "衢执法发〔2023〕3号 一(二)")


def _walk(local: str, key_area: bool = True) -> bool:
    at = dt.datetime.fromisoformat(local).replace(tzinfo=SHANGHAI)
    return check_walking(at, key_area, PARAMS).allowed


@pytest.mark.parametrize(
    ("local", "allowed"),
    [
        ("2023-03-01T17:59:59", False),
        ("2023-03-01T18:00:00", True),  # 18:00 至 … : both ends included
        ("2023-03-01T23:59:59", True),
        ("2023-03-02T00:00:00", True),
        ("2023-03-02T08:00:00", True),
        ("2023-03-02T08:00:01", False),
        ("2023-03-02T12:00:00", False),
    ],
)
def test_walking_window_in_key_area(local: str, allowed: bool) -> None:
    assert _walk(local) is allowed


def test_walking_hours_are_read_in_shanghai_whatever_the_offset() -> None:
    # 10:30 UTC is 18:30 in 衢州: allowed. 01:00 UTC is 09:00 in 衢州: not.
    assert check_walking(dt.datetime(2023, 3, 1, 10, 30, tzinfo=dt.UTC), True, PARAMS).allowed
    assert not check_walking(dt.datetime(2023, 3, 1, 1, 0, tzinfo=dt.UTC), True, PARAMS).allowed
    new_york = ZoneInfo("America/New_York")
    assert check_walking(dt.datetime(2023, 3, 1, 5, 30, tzinfo=new_york), True, PARAMS).allowed  # 18:30 衢州


def test_naive_time_is_taken_as_shanghai_local() -> None:
    assert check_walking(dt.datetime(2023, 3, 1, 18, 0), True, PARAMS).allowed


def test_outside_key_area_no_hours_apply() -> None:
    assert _walk("2023-03-01T12:00:00", key_area=False)


def test_checks_before_2023_03_01_say_the_notice_was_not_in_force() -> None:
    before = resolve(notice_book(), dt.date(2023, 2, 28))
    assert before.in_force is False and "2023年3月1日" in (before.notice or "")
    on = resolve(notice_book(), dt.date(2023, 3, 1))
    assert on.in_force is True and on.notice is None


QUZHOU_ID = id_number("330802", dt.date(1985, 6, 15))
HANGZHOU_ID = id_number("330106", dt.date(1985, 6, 15))


def test_identity_quzhou_id_suffices() -> None:
    assert check_identity(QUZHOU_ID, None) == []


def test_identity_other_city_needs_residence_permit() -> None:
    problems = check_identity(HANGZHOU_ID, None)
    assert [p.code for p in problems] == ["residence_permit_required"]
    assert check_identity(HANGZHOU_ID, "330802-JZ-2023-001") == []


def test_identity_invalid_number() -> None:
    assert [p.code for p in check_identity(QUZHOU_ID[:-1] + ("0" if QUZHOU_ID[-1] != "0" else "1"), None)] == [
        "invalid_id_number"
    ]


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
    assert [p.code for p in check_vaccination(RABIES, QUZHOU_ID, applied_on)] == codes


def test_vaccination_must_be_rabies_and_of_the_applicant() -> None:
    other = VaccinationOnFile(HANGZHOU_ID, "犬瘟热疫苗", dt.date(2023, 1, 10), dt.date(2024, 1, 10))
    codes = {p.code for p in check_vaccination(other, QUZHOU_ID, dt.date(2023, 3, 1))}
    assert codes == {"not_rabies_vaccination", "vaccination_owner_mismatch"}
    assert [p.code for p in check_vaccination(None, QUZHOU_ID, dt.date(2023, 3, 1))] == ["vaccination_not_found"]


def _materials(**changes: object) -> RegistrationMaterials:
    values: dict[str, object] = {
        "applied_on": dt.date(2023, 3, 1),
        "key_area": True,
        "owner_id_number": QUZHOU_ID,
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
    assert check_materials(_materials(), dog("金毛"), 5000) == []


def test_every_failing_item_is_named_at_once() -> None:
    problems = check_materials(
        _materials(
            owner_id_number=HANGZHOU_ID,
            residence_proof_type=None,
            vaccination=None,
            breed=" ",
            front_photo=None,
            side_photo=PhotoOnFile("image/gif", 10),
        ),
        dog("金毛"),
        5000,
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
    problems = check_materials(_materials(front_photo=PhotoOnFile("image/jpeg", size)), dog("金毛"), 5000)
    assert (problems == []) is ok


def test_large_or_fierce_dogs_are_refused_in_key_area_only() -> None:
    large = dog("金毛", height="55.1")
    assert [p.code for p in check_materials(_materials(), large, 5000)] == ["large_or_fierce_in_key_area"]
    assert [p.code for p in check_materials(_materials(), dog("藏獒"), 5000)] == ["large_or_fierce_in_key_area"]
    assert check_materials(_materials(key_area=False), large, 5000) == []


def test_adoption_checklist_and_queue() -> None:
    assert missing_checklist_items({}) != []
    everything = dict.fromkeys(
        [
            "full_civil_capacity",
            "fixed_residence",
            "registration_and_vaccination",
            "no_abuse_record",
            "household_consent",
        ],
        True,
    )
    assert missing_checklist_items(everything) == []
    queue = [QueuedApplication(1, "rejected"), QueuedApplication(2, "submitted"), QueuedApplication(3, "submitted")]
    assert earlier_open_applications(3, queue) == [2]
    assert earlier_open_applications(2, queue) == []


def test_capture_only_for_large_or_fierce_dogs() -> None:
    at = dt.datetime(2023, 4, 1, 10, tzinfo=dt.UTC)
    assert capture_problems(dog("藏獒"), at, at) == []
    assert len(capture_problems(dog("金毛"), at, at)) == 1
    assert len(capture_problems(dog("藏獒"), at, at - dt.timedelta(minutes=1))) == 1
