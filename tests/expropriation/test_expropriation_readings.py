"""Readings as switches (issue 31): each reading of AMBIGUITIES.md whose other reading changes a figure is a
parameter, switched per request in a what-if (``parameters``) and in an impact alike; here, each switch's other
figure, worked out by hand from its clause.

The quote of every test: expropriation_kit.quote_body — 柯城区, pre-announced 2023-06-01, signing deadline 2023-09-30,
valued 2023-07-01, appraised 3,000 元/㎡, market 9,000 元/㎡; two 本村 members; one 150 ㎡ 砖混 house built 2000
(age 23: 成新率 1 − (23 − 3) × 1% = 0.80, A-01).
"""

import datetime as dt
from typing import Any

from expropriation_kit import household, project, quote_body
from fastapi.testclient import TestClient
from testkit import id_number

HOUSE = {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "150", "built_year": 2000}


def quoted(client: TestClient, body: dict[str, Any], parameters: dict[str, str] | None = None) -> dict[str, Any]:
    r = client.post("/v1/quotes", json={**body, "parameters": parameters})
    assert r.status_code == 200, r.text
    return dict(r.json())


def amounts(answer: dict[str, Any]) -> dict[str, str]:
    return {i["code"]: i["amount"] for i in answer["items"]}


def counted(answer: dict[str, Any]) -> list[bool]:
    return [p["counted"] for p in answer["persons"]]


def test_a_stilt_floor_above_2_2_m_at_full_price_or_at_half(client: TestClient) -> None:
    """A-06, 附件 说明2 "1.5—2.2米的架空层按标准的50%": a 架空层 30 ㎡ 砖混 of 2.5 m clear height.
    As chosen (full 重置价 above the band): 30 × 1,200 × 1 = 36,000.
    Other reading (50% for every stilt floor from 1.5 m): 30 × 1,200 × 0.50 = 18,000."""
    stilt = {**HOUSE, "kind": "stilt_floor", "legal_area_m2": "30", "clear_height_m": "2.5"}
    body = quote_body(buildings=[HOUSE, stilt])
    assert amounts(quoted(client, body))["attic_stilt_compensation"] == "36000.00"
    other = quoted(client, body, {"expropriation.stilt_above_band_factor": "0.50"})
    assert amounts(other)["attic_stilt_compensation"] == "18000.00"


def test_floors_below_the_lowest_band_get_nothing_or_the_band_s_share(client: TestClient) -> None:
    """A-05, A-06, 附件 说明2 "檐口1—1.7米…按标准的30%", "1.5—2.2米的架空层按标准的50%": an attic of 20 ㎡ 砖混 with
    eaves at 0.9 m, and a stilt floor of 30 ㎡ 砖混 of 1.2 m clear height.
    As chosen (below its band no floor): 0 + 0 = 0.
    Other readings (the lowest band reaches down): attic 20 × 1,200 × 0.30 = 7,200; stilt 30 × 1,200 × 0.50 = 18,000;
    each alone, then both: 25,200."""
    attic = {**HOUSE, "kind": "attic", "legal_area_m2": "20", "eaves_height_m": "0.9"}
    stilt = {**HOUSE, "kind": "stilt_floor", "legal_area_m2": "30", "clear_height_m": "1.2"}
    body = quote_body(buildings=[HOUSE, attic, stilt])
    attic_reading = {"expropriation.attic_below_band_factor": "0.30"}
    stilt_reading = {"expropriation.stilt_below_band_factor": "0.50"}
    figures = [
        amounts(quoted(client, body, switch))["attic_stilt_compensation"]
        for switch in (None, attic_reading, stilt_reading, attic_reading | stilt_reading)
    ]
    assert figures == ["0.00", "7200.00", "18000.00", "25200.00"]


def test_an_unbuilt_part_in_the_fees_and_rewards_or_not(client: TestClient) -> None:
    """A-34, 三(三)3(2) "未建部分面积不计价值" with 三(四)6 "以被征收房屋建筑面积计算" and 三(四)8 "按被征收房屋的合法
    建筑面积": beside the 150 ㎡ house, 50 ㎡ approved and not built (legal area 200).
    As chosen (built area only): 临时安置费 150 × 10 × 12 = 18,000; 签约腾空 150 × 400 = 60,000.
    Other reading (the whole legal area): 200 × 10 × 12 = 24,000; 200 × 400 = 80,000.
    货币补偿 stays 150 × 3,000 = 450,000 under both (a house that does not stand has no value)."""
    unbuilt = {**HOUSE, "legal_area_m2": "50", "built": False}
    body = quote_body(buildings=[HOUSE, unbuilt])
    codes = ("house_monetary_compensation", "temporary_resettlement_fee", "early_vacate_reward")
    chosen = amounts(quoted(client, body))
    assert [chosen[c] for c in codes] == ["450000.00", "18000.00", "60000.00"]
    other = amounts(quoted(client, body, {"expropriation.unbuilt_area_in_fees_and_rewards": "true"}))
    assert [other[c] for c in codes] == ["450000.00", "24000.00", "80000.00"]


def test_a_voucher_on_the_resettlement_area_or_on_the_house_up_to_it(client: TestClient) -> None:
    """A-12, 三(三)2(2) "房票价格参照…市场价格，扣除被征收住宅房屋的平均重置价格后得出" (a price per m², no area):
    two persons (安置面积 160), the 150 ㎡ house, 房票 price 9,000 − 1,200 = 7,800.
    As chosen (the 安置面积): 160 × 7,800 = 1,248,000. Other reading (the house's legal area up to the 安置面积):
    150 × 7,800 = 1,170,000. The house (144,000) and the excess (none) are the same under both."""
    body = quote_body(method="house_voucher")
    assert voucher_items(quoted(client, body)) == TWO_PERSONS
    other = quoted(client, body, {"expropriation.voucher_area_reading": "legal_area_up_to_resettlement_area"})
    assert voucher_items(other) == ("1170000.00", "144000.00", "0.00")


def test_the_voucher_s_average_replacement_price_weighted_or_plain(client: TestClient) -> None:
    """A-12, 三(三)2(2) "扣除被征收住宅房屋的平均重置价格": two persons (安置面积 160), a house of 100 ㎡ 砖混
    (1,200) and 50 ㎡ 框混 (1,400).
    As chosen (weighted by area): (100 × 1,200 + 50 × 1,400) / 150 = 190,000 / 150 = 1,266.6667; 房票
    (9,000 − 1,266.6667) × 160 = 7,733.3333 × 160 = 1,237,333.33.
    Other reading (plain mean): (1,200 + 1,400) / 2 = 1,300; (9,000 − 1,300) × 160 = 1,232,000."""
    body = quote_body(
        method="house_voucher",
        buildings=[{**HOUSE, "legal_area_m2": "100"}, {**HOUSE, "legal_area_m2": "50", "structure": "frame"}],
    )
    assert amounts(quoted(client, body))["house_voucher_value"] == "1237333.33"
    other = quoted(client, body, {"expropriation.voucher_average_weighted_by_area": "false"})
    assert amounts(other)["house_voucher_value"] == "1232000.00"


def test_an_unbuilt_part_paid_in_money_or_not(client: TestClient) -> None:
    """A-34, 三(三)1 "(1)被征收住宅房屋面积按合法建筑面积计算。(2)补偿价格根据被征收房屋土地和房屋的评估价值确定" beside
    三(三)3(2) "未建部分面积不计价值": the 150 ㎡ house and 50 ㎡ approved, not built (legal area 200).
    货币补偿 as chosen (built area): 150 × 3,000 = 450,000; other reading (legal area): 200 × 3,000 = 600,000.
    房票 (安置面积 160) as chosen: the house 144,000 whole (150 ≤ 160), nothing beyond; other reading: the house on
    160/200 of the legal area, 144,000 × 0.8 = 115,200, and (200 − 160) × 3,000 = 120,000 beyond; the voucher
    160 × 7,800 = 1,248,000 under both."""
    unbuilt = {**HOUSE, "legal_area_m2": "50", "built": False}
    switch = {"expropriation.unbuilt_area_paid_in_money": "true"}
    monetary = quote_body(buildings=[HOUSE, unbuilt])
    assert amounts(quoted(client, monetary))["house_monetary_compensation"] == "450000.00"
    assert amounts(quoted(client, monetary, switch))["house_monetary_compensation"] == "600000.00"
    voucher = quote_body(method="house_voucher", buildings=[HOUSE, unbuilt])
    assert voucher_items(quoted(client, voucher)) == ("1248000.00", "144000.00", "0.00")
    assert voucher_items(quoted(client, voucher, switch)) == ("1248000.00", "115200.00", "120000.00")


def test_the_temporary_fee_on_the_house_alone_or_with_its_other_parts(client: TestClient) -> None:
    """A-14, 三(四)6 "临时安置费以被征收房屋建筑面积计算": beside the 150 ㎡ house, a 附属房 of 20 ㎡ and an attic of
    10 ㎡ (eaves 1.2 m), 货币补偿 (12 months).
    As chosen (the residential house): 150 × 10 × 12 = 18,000.
    Other reading (with the parts 三(四)3 compensates): (150 + 20 + 10) × 10 × 12 = 21,600."""
    shed = {**HOUSE, "kind": "ancillary", "structure": "brick_wood", "legal_area_m2": "20"}
    attic = {**HOUSE, "kind": "attic", "legal_area_m2": "10", "eaves_height_m": "1.2"}
    body = quote_body(buildings=[HOUSE, shed, attic])
    assert amounts(quoted(client, body))["temporary_resettlement_fee"] == "18000.00"
    other = quoted(client, body, {"expropriation.temporary_fee_area_includes_other_parts": "true"})
    assert amounts(other)["temporary_resettlement_fee"] == "21600.00"


def test_a_homestead_house_whole_or_split_at_the_resettlement_area(client: TestClient) -> None:
    """A-19, 三(三)4 "由征收人对被征收房屋进行补偿": one person (安置面积 110), the 150 ㎡ house, 宅基地安置.
    As chosen (the whole house): 150 × 1,200 × 0.80 = 144,000, nothing beyond.
    Other reading (split as 房票 and 产权调换): 144,000 × 110/150 = 105,600, and (150 − 110) × 3,000 = 120,000."""
    body = quote_body(method="homestead", outside_urban_plan_area=True, members=quote_body()["members"][:1])
    chosen = quoted(client, body)
    assert house_and_excess(chosen) == ("144000.00", "0.00")
    other = quoted(client, body, {"expropriation.homestead_split_at_resettlement_area": "true"})
    assert house_and_excess(other) == ("105600.00", "120000.00")


def house_and_excess(answer: dict[str, Any]) -> tuple[str, str]:
    items = amounts(answer)
    return items["house_replacement_value"], items.get("excess_area_monetary_compensation", "0.00")


def test_an_ancillary_house_with_or_without_newness(client: TestClient) -> None:
    """A-18, 三(四)3 附属房 "给予相应补偿": a 附属房 20 ㎡ 砖木 built 2000 (成新率 0.80).
    As chosen (重置价 × 成新率): 20 × 1,000 × 0.80 = 16,000.
    Other reading (重置价 alone): 20 × 1,000 = 20,000."""
    shed = {**HOUSE, "kind": "ancillary", "structure": "brick_wood", "legal_area_m2": "20"}
    body = quote_body(buildings=[HOUSE, shed])
    assert amounts(quoted(client, body))["ancillary_compensation"] == "16000.00"
    other = quoted(client, body, {"expropriation.ancillary_applies_newness": "false"})
    assert amounts(other)["ancillary_compensation"] == "20000.00"


def voucher_items(answer: dict[str, Any]) -> tuple[str, str, str]:
    items = amounts(answer)
    # without area beyond the 安置面积 the quote has no excess item
    excess = items.get("excess_area_monetary_compensation", "0.00")
    return items["house_voucher_value"], items["house_replacement_value"], excess


# 房票 (三(三)2, A-12) on the 150 ㎡ 砖混 house: value (9,000 − 1,200) × 安置面积; the house at 150 × 1,200 × 0.80 =
# 144,000, scaled by 安置面积 / 150 when the area is below 150, the m² beyond it at 3,000.
# 2 persons: 安置面积 110 + 50 = 160 ≥ 150 → 房票 160 × 7,800 = 1,248,000; house 144,000; no excess.
# 1 person: 安置面积 110 → 房票 110 × 7,800 = 858,000; house 144,000 × 110/150 = 105,600; excess 40 × 3,000 = 120,000.
TWO_PERSONS = ("1248000.00", "144000.00", "0.00")
ONE_PERSON = ("858000.00", "105600.00", "120000.00")


def test_a_civil_servant_who_resigned_on_the_pre_announcement_day(client: TestClient) -> None:
    """A-03, 三(一)1(2) "征收土地预告发布后辞职、辞退人员": 张二, 在编, resigned 2023-06-01, the pre-announcement day.
    As chosen ("后" from the day itself): excluded, one 安置人口. Other reading (from the next day): two."""
    members = quote_body()["members"]
    members[1] |= {
        "exclusion": "civil_servant",
        "civil_service_exit": "resigned",
        "civil_service_left_on": "2023-06-01",
    }
    body = quote_body(method="house_voucher", members=members)
    chosen = quoted(client, body)
    assert (counted(chosen), voucher_items(chosen)) == ([True, False], ONE_PERSON)
    other = quoted(client, body, {"expropriation.left_on_pre_announcement_day_excluded": "false"})
    assert (counted(other), voucher_items(other)) == ([True, True], TWO_PERSONS)


def test_a_child_born_on_the_signing_deadline_day(client: TestClient) -> None:
    """A-08, 三(一)2 "至…协议截止之日前出生": 张三 born 2023-09-30, the deadline day, beside the two members.
    As chosen (the day excluded): two 安置人口, 安置面积 160, 房票 1,248,000.
    Other reading (the day included): three, 安置面积 110 + 2 × 50 = 210, 房票 210 × 7,800 = 1,638,000; the house
    (150 ≤ 210) whole, 144,000, no excess."""
    born = dt.date(2023, 9, 30)
    child = {"name": "张三", "id_number": id_number(born=born, sequence=3), "collective_member": True}
    body = quote_body(method="house_voucher", members=[*quote_body()["members"], child | {"born_on": str(born)}])
    chosen = quoted(client, body)
    assert (counted(chosen), voucher_items(chosen)) == ([True, True, False], TWO_PERSONS)
    other = quoted(client, body, {"expropriation.deadline_day_in_window": "true"})
    assert (counted(other), voucher_items(other)) == ([True, True, True], ("1638000.00", "144000.00", "0.00"))


def test_a_child_born_in_the_window_but_not_registered_in_the_village(client: TestClient) -> None:
    """A-08, 三(一)2 "自征收土地预告之日起至…截止之日前出生的人口应作为安置人员": 张三 born 2023-07-01, inside the
    window, not a 本村集体经济组织成员. As chosen (三(一)1 stays the basis): not counted, two 安置人口, 房票 1,248,000.
    Other reading (every birth in the window): three, 安置面积 210, 房票 210 × 7,800 = 1,638,000."""
    born = dt.date(2023, 7, 1)
    child = {"name": "张三", "id_number": id_number(born=born, sequence=3), "collective_member": False}
    body = quote_body(method="house_voucher", members=[*quote_body()["members"], child | {"born_on": str(born)}])
    chosen = quoted(client, body)
    assert (counted(chosen), voucher_items(chosen)) == ([True, True, False], TWO_PERSONS)
    other = quoted(client, body, {"expropriation.window_birth_counts_without_membership": "true"})
    assert (counted(other), voucher_items(other)) == ([True, True, True], ("1638000.00", "144000.00", "0.00"))


def test_a_death_on_the_signing_deadline_day_without_an_agreement(client: TestClient) -> None:
    """A-08, 三(一)2 "在此期间死亡的人口…若死亡时尚未签订协议的，不计入": 张二 died 2023-09-30, the deadline day,
    no agreement signed. As chosen (the day outside the window): the death is not one "在此期间", two 安置人口.
    Other reading (the day inside): a death before any agreement, one."""
    members = quote_body()["members"]
    members[1] |= {"died_on": "2023-09-30"}
    body = quote_body(method="house_voucher", members=members)
    chosen = quoted(client, body)
    assert (counted(chosen), voucher_items(chosen)) == ([True, True], TWO_PERSONS)
    other = quoted(client, body, {"expropriation.deadline_day_in_window": "true"})
    assert (counted(other), voucher_items(other)) == ([True, False], ONE_PERSON)


def test_a_death_on_the_signing_day(client: TestClient) -> None:
    """A-09, 三(一)2 "若在协议签订后死亡的，应计入…若死亡时尚未签订协议的，不计入": 张二 died 2023-08-15, the day the
    agreement was signed. As chosen (alive to sign: after signing): two 安置人口. Other reading (not yet signed at
    death): one."""
    members = quote_body()["members"]
    members[1] |= {"died_on": "2023-08-15"}
    body = quote_body(method="house_voucher", members=members, agreement_signed_on="2023-08-15")
    chosen = quoted(client, body)
    assert (counted(chosen), voucher_items(chosen)) == ([True, True], TWO_PERSONS)
    other = quoted(client, body, {"expropriation.death_on_signing_day_counts": "false"})
    assert (counted(other), voucher_items(other)) == ([True, False], ONE_PERSON)


def test_a_part_reconstructed_after_the_pre_announcement(client: TestClient) -> None:
    """A-23, 二(一) "违反规定的，不得予以补偿": beside the 150 ㎡ house, a 20 ㎡ 砖混 part 改建 on 2023-06-10.
    As chosen (the part valued as before the work, the work listed): 货币补偿 170 × 3,000 = 510,000, 临时安置费
    170 × 10 × 12 = 20,400, 签约腾空 170 × 400 = 68,000.
    Other reading (the whole part not compensated): 150 × 3,000 = 450,000; 150 × 10 × 12 = 18,000;
    150 × 400 = 60,000."""
    altered = {**HOUSE, "legal_area_m2": "20", "work_kind": "reconstruction", "work_done_on": "2023-06-10"}
    body = quote_body(buildings=[HOUSE, altered])
    codes = ("house_monetary_compensation", "temporary_resettlement_fee", "early_vacate_reward")
    chosen = amounts(quoted(client, body))
    assert [chosen[c] for c in codes] == ["510000.00", "20400.00", "68000.00"]
    other = amounts(quoted(client, body, {"expropriation.altering_work_excludes_part": "true"}))
    assert [other[c] for c in codes] == ["450000.00", "18000.00", "60000.00"]


def test_an_impact_switches_a_reading_over_the_project(client: TestClient) -> None:
    """An impact takes a reading switch as a what-if does (A-18 over two stored households, 货币补偿):
    001 with a 附属房 20 ㎡ 砖木: 20,000 − 16,000 = +4,000; 002 with 10 ㎡: 10,000 − 8,000 = +2,000;
    together +6,000, on the item ancillary_compensation only."""
    project_id = project(client)["id"]
    for n, area in enumerate(("20", "10")):
        shed = {**HOUSE, "kind": "ancillary", "structure": "brick_wood", "legal_area_m2": area}
        household(client, project_id, f"00{n + 1}", seqs=(2 * n + 1, 2 * n + 2), buildings=[HOUSE, shed])
    switch = {"expropriation.ancillary_applies_newness": "false"}
    r = client.post(f"/v1/projects/{project_id}/impact", json={"parameters": switch})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["records"], result["gain"], result["difference"]) == (2, 2, "6000.00")
    changed = {i["code"]: (i["before"], i["after"]) for i in result["items"] if i["difference"] != "0.00"}
    assert changed == {"ancillary_compensation": ("24000.00", "30000.00")}
    assert result["scenario"] == switch


def test_the_house_within_the_resettlement_area_pro_rata_or_its_dearest_parts_first(client: TestClient) -> None:
    """A-12, 三(三)2(4) "被征收住宅房屋的合法建筑面积大于安置面积的，超出部分面积按货币补偿安置标准结算" (no order of
    the parts): two persons (安置面积 160), a house of 100 ㎡ 框混 built 2020 (age 3: 成新率 1, 1,400 a ㎡) and 100 ㎡
    砖混 built 2000 (0.80: 960 a ㎡), legal area 200.
    As chosen (pro rata): (140,000 + 96,000) × 160 / 200 = 188,800. Other reading (the dearest ㎡ first): the 框混
    part whole, 100 × 1,400 = 140,000, then 60 ㎡ of the 砖混, 60 × 960 = 57,600: 197,600. Under both the 40 ㎡
    beyond at 3,000 = 120,000 and the 房票 (9,000 − (100 × 1,400 + 100 × 1,200) / 200) × 160 = 7,700 × 160
    = 1,232,000; a house within the 安置面积 (one part of 100 ㎡) is the same under both."""
    newer = {**HOUSE, "legal_area_m2": "100", "structure": "frame", "built_year": 2020}
    body = quote_body(method="house_voucher", buildings=[{**HOUSE, "legal_area_m2": "100"}, newer])
    switch = {"expropriation.house_within_area_split": "dearest_first"}
    assert voucher_items(quoted(client, body)) == ("1232000.00", "188800.00", "120000.00")
    other = quoted(client, body, switch)
    assert voucher_items(other) == ("1232000.00", "197600.00", "120000.00")
    house = next(i for i in other["items"] if i["code"] == "house_replacement_value")
    assert house["inputs"]["within_resettlement_area"] == "buildings[1]: 100m² × 1400; buildings[0]: 60m² × 960"
    small = quote_body(method="property_swap", buildings=[newer])
    assert amounts(quoted(client, small, switch)) == amounts(quoted(client, small))
