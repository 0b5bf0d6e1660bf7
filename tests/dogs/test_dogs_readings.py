"""Readings as switches (issue 31): each reading of the notice that changes an outcome (a fierce finding, a walk
allowed, a claim deadline) is a parameter GET /v1/readings lists; POST /v1/classify switches one per request, the
others are switched in the rules here (their endpoints take no what-if: walking hours and the impoundment deadline).

Each test works out, from the clause, the outcome under the chosen reading and under the other one."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from testkit import id_number

from dogs.parameters import breeds_book, notice_book
from dogs.rules.capture import claim_deadline
from dogs.rules.classification import BreedCatalogue, classify
from dogs.rules.registration import (
    PhotoOnFile,
    RegistrationMaterials,
    ResidenceProof,
    VaccinationOnFile,
    approval_problems,
    check_identity,
    check_materials,
    check_vaccination,
    key_area_refuses_large_or_fierce,
    valid_until,
)
from dogs.rules.walking_hours import check_walking
from qz_common.params import ParameterSet

ON = dt.date(2023, 6, 1)
PUBLISHED = notice_book().at(ON)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_readings_are_listed_with_their_register_entry_clause_and_calculators(client: TestClient) -> None:
    r = client.get("/v1/readings", params={"on": "2023-06-01"})
    assert r.status_code == 200, r.text
    listed = {reading["parameter"]: (reading["id"], reading["chosen"]) for reading in r.json()}
    assert listed == {
        "dogs.walking_window_ends_included": ("D-04", "true"),
        "dogs.local_card_by": ("D-08", "registered_address"),
        "dogs.key_area_refuses_large_or_fierce": ("D-07", "true"),
        "dogs.materials_outside_key_area": ("D-11", "true"),
        "dogs.unplaced_breed_finding": ("D-03", "officer_decision_required"),
        "dogs.impoundment_first_day_counted": ("D-27", "false"),
        "dogs.vaccination_due_date_covers": ("D-09", "true"),
        "dogs.registration_renewal_due": ("D-24", "vaccination"),
    }


def test_a_breed_the_list_cannot_place_under_each_reading(client: TestClient) -> None:
    """一(二) 烈性犬名录 (D-03): 迷你牛头梗 (FCI 359) is on no table of the service, on purpose.
    Chosen reading: neither fierce nor not fierce, an officer decides (fierce null).
    Other reading: taken as off the list (fierce false, not_listed).
    A 40 cm, 60 cm dog is not large under either (一(一): not over 55 cm, not over 80 cm).
    A listed breed is fierce under both: the switch concerns only names the list cannot place."""
    dog = {"breed": "迷你牛头梗", "shoulder_height_cm": "40", "body_length_cm": "60", "on": "2023-06-01"}
    chosen = client.post("/v1/classify", json=dog).json()
    assert (chosen["fierce"], chosen["finding"], chosen["large"]) == (None, "officer_decision_required", False)
    other = {"dogs.unplaced_breed_finding": "not_listed"}
    r = client.post("/v1/classify", json=dog | {"parameters": other})
    assert r.status_code == 200, r.text
    assert (r.json()["fierce"], r.json()["finding"], r.json()["large"]) == (False, "not_listed", False)
    assert r.json()["scenario"] == other
    # 金毛串 names one parent, not listed: the other may be listed (D-02); under the other reading, off the list.
    cross = client.post("/v1/classify", json=dog | {"breed": "金毛串", "parameters": other}).json()
    assert (cross["fierce"], cross["finding"]) == (False, "not_listed")
    listed = client.post("/v1/classify", json=dog | {"breed": "藏獒", "parameters": other}).json()
    assert (listed["fierce"], listed["finding"]) == (True, "listed")


def test_the_ends_of_the_walking_window_under_each_reading() -> None:
    """二 18:00至次日8:00 (D-04). Chosen reading (至 includes both ends): 18:00:00 and 08:00:00 allowed. Other reading
    (both ends excluded): 18:00:00 and 08:00:00 not allowed; 18:00:01 and 07:59:59 allowed under both."""
    other = replace(PUBLISHED, values={**PUBLISHED.values, "walking_window_ends_included": False})
    for clock, chosen_allows, other_allows in (
        (dt.time(18, 0, 0), True, False),
        (dt.time(8, 0, 0), True, False),
        (dt.time(18, 0, 1), True, True),
        (dt.time(7, 59, 59), True, True),
        (dt.time(12, 0, 0), False, False),
    ):
        at = dt.datetime.combine(ON, clock, tzinfo=SHANGHAI)
        assert check_walking(at, True, PUBLISHED).allowed is chosen_allows, clock
        assert check_walking(at, True, other).allowed is other_allows, clock


def test_the_claim_deadline_under_each_reading_of_the_first_day() -> None:
    """五, 行政强制法 第二十五条 不得超过三十日 (D-27). Seized 2026-11-20.
    Chosen reading (民法典 第二百零一条, the first day not counted): 11-21..11-30 is 10 days, 12-01..12-20 is 20 more,
    claim by 12-20. Other reading (the day of seizure is the first): 11-20..11-30 is 11 days, 12-01..12-19 is 19
    more, claim by 12-19."""
    other = replace(PUBLISHED, values={**PUBLISHED.values, "impoundment_first_day_counted": True})
    assert claim_deadline(dt.date(2026, 11, 20), PUBLISHED) == dt.date(2026, 12, 20)
    assert claim_deadline(dt.date(2026, 11, 20), other) == dt.date(2026, 12, 19)


def test_a_local_card_under_each_reading_of_the_city() -> None:
    """三1 本市身份证或者居住证 (D-08). A number first issued in 北京市东城区 (110101) whose holder's 户籍 is now in
    柯城区, and a 柯城区 number (330802) whose holder's 户籍 moved to 杭州. Chosen reading (the 户籍地址): the first is
    a local card, the second needs a 居住证. Other reading (the number's area code, 3308): the reverse."""
    beijing_number = id_number("110101", dt.date(1985, 6, 15))
    quzhou_number = id_number("330802", dt.date(1985, 6, 15))
    quzhou_home, hangzhou_home = "浙江省衢州市柯城区荷花中路1号", "浙江省杭州市西湖区文三路1号"
    other = replace(PUBLISHED, values={**PUBLISHED.values, "local_card_by": "number_area_code"})

    def codes(number: str, home: str, params: ParameterSet) -> list[str]:
        return [p.code for p in check_identity(number, home, None, params)]

    assert codes(beijing_number, quzhou_home, PUBLISHED) == []
    assert codes(quzhou_number, hangzhou_home, PUBLISHED) == ["residence_permit_required"]
    assert codes(beijing_number, quzhou_home, other) == ["residence_permit_required"]
    assert codes(quzhou_number, hangzhou_home, other) == []
    # A 居住证 serves under both readings.
    assert check_identity(beijing_number, quzhou_home, "330802-JZ-2023-001", other) == []


def test_the_due_date_of_a_vaccination_under_each_reading() -> None:
    """三3 免疫证明 (D-09, D-24). Vaccinated 2023-01-10, next due 2024-01-10 (12 months, D-21). Chosen reading (the
    due date itself covers): a registration on 2024-01-10 is accepted, and it stands until 2024-01-10. Other reading
    (due on the 10th means lapsed that day): refused as lapsed on 2024-01-10, and it stands until 2024-01-09."""
    owner = id_number("330802", dt.date(1985, 6, 15))
    rabies = VaccinationOnFile(owner, "狂犬病灭活疫苗", dt.date(2023, 1, 10), dt.date(2024, 1, 10))
    other = replace(PUBLISHED, values={**PUBLISHED.values, "vaccination_due_date_covers": False})
    due = dt.date(2024, 1, 10)
    assert check_vaccination(rabies, owner, due, PUBLISHED) == []
    assert [p.code for p in check_vaccination(rabies, owner, due, other)] == ["vaccination_lapsed"]
    assert check_vaccination(rabies, owner, due - dt.timedelta(days=1), other) == []
    assert (valid_until(rabies, PUBLISHED), valid_until(rabies, other)) == (due, dt.date(2024, 1, 9))


def complete_materials(key_area: bool) -> RegistrationMaterials:
    """Every material of 三 for a 柯城区 owner with a 衢州 户籍, a rabies vaccination of 2023-01-10 and two photos."""
    owner = id_number("330802", dt.date(1985, 6, 15))
    return RegistrationMaterials(
        applied_on=ON,
        key_area=key_area,
        owner_id_number=owner,
        owner_registered_address="浙江省衢州市柯城区荷花街道1号",
        residence_permit_number=None,
        residence_proof_type=ResidenceProof.PROPERTY_CERTIFICATE,
        residence_proof_number="浙(2020)衢州市不动产权第0001234号",
        vaccination=VaccinationOnFile(owner, "狂犬病灭活疫苗", dt.date(2023, 1, 10), dt.date(2024, 1, 10)),
        breed="金毛",
        front_photo=PhotoOnFile("image/jpeg", 1000),
        side_photo=PhotoOnFile("image/png", 1000),
    )


def test_a_large_dog_in_the_key_area_under_each_reading_of_three_with_five() -> None:
    """三 with 五 (D-07, an interpretation). A 金毛 of 56 cm (一(一): 超过55厘米, large) filed in the 重点管理区 with
    every material of 三. Chosen reading (the key area registers no large or fierce dog): refused,
    `large_or_fierce_in_key_area`, and an approval too. Other reading (the notice refuses nothing; 五 is the police's):
    no problem, approved as anywhere else."""
    materials = complete_materials(key_area=True)
    large = classify("金毛", Decimal("56"), Decimal("70"), PUBLISHED, BreedCatalogue.from_params(breeds_book().at(ON)))
    other = replace(PUBLISHED, values={**PUBLISHED.values, "key_area_refuses_large_or_fierce": False})
    assert [p.code for p in check_materials(materials, large, 5000, PUBLISHED)] == ["large_or_fierce_in_key_area"]
    assert check_materials(materials, large, 5000, other) == []
    refuses, allows = key_area_refuses_large_or_fierce(PUBLISHED), key_area_refuses_large_or_fierce(other)
    assert [p.code for p in approval_problems(large, refuses, None)] == ["large_or_fierce_in_key_area"]
    assert approval_problems(large, allows, None) == []


def test_materials_outside_the_key_area_under_each_reading() -> None:
    """三 (D-11): the list of materials is written for the 重点管理区. An application outside it with no 住所证明 and
    no photos. Chosen reading (the same list everywhere): three items missing (三2, 三5 twice). Other reading (the list
    binds only in the key area): nothing missing. In the key area the three are missing under both."""
    lacking = replace(complete_materials(key_area=False), residence_proof_type=None, front_photo=None, side_photo=None)
    dog = classify("金毛", Decimal("40"), Decimal("60"), PUBLISHED, BreedCatalogue.from_params(breeds_book().at(ON)))
    other = replace(PUBLISHED, values={**PUBLISHED.values, "materials_outside_key_area": False})
    missing = ["residence_proof_number", "front_photo_id", "side_photo_id"]
    assert [p.field for p in check_materials(lacking, dog, 5000, PUBLISHED)] == missing
    assert check_materials(lacking, dog, 5000, other) == []
    assert [p.field for p in check_materials(replace(lacking, key_area=True), dog, 5000, other)] == missing
