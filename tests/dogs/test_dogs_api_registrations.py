"""三 养犬登记 through the API, for the readings about who and which dog: 本市身份证 by the 户籍地址 (D-08), a breed
the list cannot place and the approving officer's finding (D-03), and an address change into the 重点管理区 refused
as a registration there is (D-07). Each on the service's real database (SQLite, and PostgreSQL when set)."""

import datetime as dt
from typing import Any

from dogs_testdata import OWNER, audit_trail, registration_body, vaccination
from fastapi.testclient import TestClient
from testkit import id_number

BEIJING_BORN_NUMBER = id_number("110101", dt.date(1980, 2, 3))  # first issued in 北京市东城区
HANGZHOU_HOME = "浙江省杭州市西湖区文三路1号"
INTO_KEY_AREA = {"owner_id_number": OWNER, "address": "柯城区府山街道1号", "district": "柯城区", "key_area": True}


def approved(client: TestClient, **changes: object) -> dict[str, Any]:
    created = client.post("/v1/registrations", json=registration_body(client, **changes))
    assert created.status_code == 201, created.text
    decided = client.post(f"/v1/registrations/{created.json()['id']}/approve")
    assert decided.status_code == 200, decided.text
    return decided.json()  # type: ignore[no-any-return]


def test_a_number_from_elsewhere_with_a_quzhou_registered_address_is_a_local_card(client: TestClient) -> None:
    body = registration_body(
        client,
        owner_id_number=BEIJING_BORN_NUMBER,
        owner_registered_address="浙江省衢州市衢江区樟潭街道2号",
        vaccination_id=vaccination(client, owner=BEIJING_BORN_NUMBER)["id"],
    )
    created = client.post("/v1/registrations", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["owner_registered_address"] == "浙江省衢州市衢江区樟潭街道2号"


def test_a_quzhou_number_with_a_registered_address_elsewhere_needs_a_residence_permit(client: TestClient) -> None:
    refused = client.post("/v1/registrations", json=registration_body(client, owner_registered_address=HANGZHOU_HOME))
    assert refused.status_code == 422
    assert [(e["field"], e["code"], e["basis"]) for e in refused.json()["errors"]] == [
        ("residence_permit_number", "residence_permit_required", "衢执法发〔2023〕3号 三1")
    ]
    with_permit = registration_body(
        client, owner_registered_address=HANGZHOU_HOME, residence_permit_number="330802-JZ-2023-001"
    )
    assert client.post("/v1/registrations", json=with_permit).status_code == 201


def test_without_a_registered_address_or_a_residence_permit_the_card_cannot_be_placed(client: TestClient) -> None:
    body = registration_body(client)
    del body["owner_registered_address"]
    refused = client.post("/v1/registrations", json=body)
    assert (refused.status_code, refused.json()["field"]) == (422, "owner_registered_address")
    assert refused.json()["errors"][0]["code"] == "registered_address_missing"


def test_a_breed_the_list_cannot_place_is_approved_in_the_key_area_on_an_officers_finding(client: TestClient) -> None:
    created = client.post("/v1/registrations", json=registration_body(client, breed="火星犬"))
    assert created.status_code == 201 and created.json()["breed_recognised"] is False
    path = f"/v1/registrations/{created.json()['id']}/approve"
    undecided = client.post(path)
    assert (undecided.status_code, undecided.json()["code"], undecided.json()["field"]) == (
        422,
        "breed_decision_required",
        "breed_finding",
    )
    found_fierce = client.post(path, json={"breed_finding": "fierce"})
    assert (found_fierce.status_code, found_fierce.json()["code"]) == (422, "large_or_fierce_in_key_area")
    assert client.get(f"/v1/registrations/{created.json()['id']}").json()["status"] == "submitted"  # unchanged
    found = client.post(path, json={"breed_finding": "not_fierce"})
    assert found.status_code == 200, found.text
    assert (found.json()["status"], found.json()["breed_finding"]) == ("approved", "not_fierce")


def test_a_finding_is_refused_for_a_breed_the_list_places(client: TestClient) -> None:
    created = client.post("/v1/registrations", json=registration_body(client)).json()  # 金毛
    r = client.post(f"/v1/registrations/{created['id']}/approve", json={"breed_finding": "not_fierce"})
    assert (r.status_code, r.json()["code"]) == (422, "breed_finding_not_needed")


def test_a_move_into_the_key_area_is_refused_as_a_registration_there_is(client: TestClient) -> None:
    # D-07, D-11: a large dog is registered outside the key area; moving it there is refused with the code and
    # clause that refuse its registration there, and nothing moves
    filed_there = client.post("/v1/registrations", json=registration_body(client, shoulder_height_cm="55.1"))
    large = approved(client, shoulder_height_cm="55.1", key_area=False, address="柯城区石室乡1号")
    before = client.get(f"/v1/registrations/{large['id']}").json()
    actions = len(audit_trail(client))
    refused = client.post("/v1/address-changes", json=INTO_KEY_AREA)
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (
        422,
        "large_or_fierce_in_key_area",
        "key_area",
    )
    (moving,) = refused.json()["errors"]
    (filing,) = filed_there.json()["errors"]
    assert (moving["code"], moving["basis"]) == (filing["code"], filing["basis"])
    assert moving["detail"] == f"登记 {large['registration_number']}：{filing['detail']}"
    assert client.get(f"/v1/registrations/{large['id']}").json() == before
    assert len(audit_trail(client)) == actions  # nothing moved, nothing audited


def test_a_fierce_dog_cannot_move_into_the_key_area_either(client: TestClient) -> None:
    approved(client, breed="比利时马犬", key_area=False)  # 马犬 under its everyday name (D-03)
    refused = client.post("/v1/address-changes", json=INTO_KEY_AREA)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["basis"] == "衢执法发〔2023〕3号 五；衢执法发〔2023〕3号 一(二)"


def test_an_undecided_breed_moves_into_the_key_area_flagged_for_an_officer(client: TestClient) -> None:
    record = approved(client, breed="火星犬", key_area=False)  # outside the key area no finding is needed
    moved = client.post("/v1/address-changes", json=INTO_KEY_AREA)
    assert moved.status_code == 200, moved.text
    assert moved.json()["changed_registration_ids"] == [record["id"]]
    assert moved.json()["flagged"] == [
        f"登记 {record['registration_number']} 迁入重点管理区，犬种未能识别：请执法人员认定是否属于烈性犬"
        "（衢执法发〔2023〕3号 一(二)）"
    ]


def test_an_officers_fierce_finding_keeps_the_dog_out_of_the_key_area(client: TestClient) -> None:
    created = client.post("/v1/registrations", json=registration_body(client, breed="火星犬", key_area=False)).json()
    client.post(f"/v1/registrations/{created['id']}/approve", json={"breed_finding": "fierce"})
    refused = client.post("/v1/address-changes", json=INTO_KEY_AREA)
    assert (refused.status_code, refused.json()["code"]) == (422, "large_or_fierce_in_key_area")
