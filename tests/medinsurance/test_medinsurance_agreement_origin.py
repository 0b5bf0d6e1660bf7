"""Issue 26 "Wrong today": an agreement comes only from an approved application, or from an audited import.

二(三)4 "公示期间无人举报或举报经查不属实的,报党组会审议通过后,确定为定点医药机构。提交逐级审批后,经办机构与医药机构签订
医保协议…协议期限一般按自然年度签订至当年12月31日": the agreement is the signature of an approved application. One
signed before the platform existed is imported with its 文书号, and like a signature it is refused while the entity is
barred: 二(三)2 医疗机构(6) "因违反医保协议约定或医保相关规定而被解除协议未满1年", 二(三)3 "评估仍不合格的,1年内不得再次
申请" (readings A-53, A-59, A-70).
"""

from medinsurance_testdata import USCC, agreement, approved_application, audit_trail, institution

IMPORT = {"original_document_number": "柯医保协〔2024〕0021号", "reason": "平台启用前以纸质方式签订"}
# 五(三)5(3) 为非定点医药机构…提供医保费用结算: 第五档 "解除医保协议" on the decision's date (no 违约金 in 五(三)5)
TERMINATION = {"case": "T5_3", "decided_on": "2024-04-01", "violation_amount": "5000.00", "ratio": "0"}


def listed(client, inst):
    return client.get("/v1/agreements", params={"institution_id": inst["id"]}).json()["items"]


def test_an_agreement_needs_an_approved_application(client):
    inst = institution(client)
    bare = client.post("/v1/agreements", json={"institution_id": inst["id"], "signed_on": "2023-08-10"})
    assert (bare.status_code, bare.json()["field"]) == (422, "application_id")
    # passed (≥ 85) but not yet 审议通过: not yet a 定点医药机构
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"})
    url = f"/v1/applications/{app.json()['id']}/events"
    for step in ({"event": "submit", "on": "2023-06-01"}, {"event": "accept", "on": "2023-06-05"}):
        client.post(url, json=step)
    client.post(url, json={"event": "evaluate", "on": "2023-06-20", "score": "85"})
    early = client.post(
        "/v1/agreements",
        json={"institution_id": inst["id"], "application_id": app.json()["id"], "signed_on": "2023-08-10"},
    )
    assert (early.status_code, early.json()["code"]) == (409, "process_rule")
    assert listed(client, inst) == []


def test_signing_the_approved_application_makes_its_agreement_to_31_december(client, medinsurance_settings):
    inst = institution(client)
    app = approved_application(client, inst)
    signed = client.post(f"/v1/applications/{app['id']}/events", json={"event": "sign", "on": "2023-08-10"})
    assert (signed.status_code, signed.json()["state"], signed.json()["agreement_end"]) == (200, "signed", "2023-12-31")
    (made,) = listed(client, inst)
    # signed 2023-08-10, "签订至当年12月31日"
    assert (made["starts_on"], made["ends_on"], made["state"]) == ("2023-08-10", "2023-12-31", "active")
    assert (made["source"], made["application_id"]) == ("application", app["id"])
    assert ("sign", "agreements", str(made["id"])) in audit_trail(medinsurance_settings.database_url)


def test_post_agreements_is_the_same_signature(client):
    inst = institution(client)
    app = approved_application(client, inst)
    body = {"institution_id": inst["id"], "application_id": app["id"], "signed_on": "2023-08-10"}
    other = institution(client, name="柯城康复诊所二部", address="柯城区荷花街道2号")
    elsewhere = client.post("/v1/agreements", json=body | {"institution_id": other["id"]})
    assert (elsewhere.status_code, elsewhere.json()["field"]) == (422, "application_id")
    made = client.post("/v1/agreements", json=body)
    assert made.status_code == 201, made.text
    assert (made.json()["application_id"], made.json()["ends_on"]) == (app["id"], "2023-12-31")
    assert client.get(f"/v1/applications/{app['id']}").json()["state"] == "signed"
    # the application's own `sign` event the same day is that signature; another day finds it signed already
    again = client.post(f"/v1/applications/{app['id']}/events", json={"event": "sign", "on": "2023-08-10"})
    assert (again.status_code, again.json()["code"]) == (409, "decision_conflict")
    later = client.post(f"/v1/applications/{app['id']}/events", json={"event": "sign", "on": "2023-08-11"})
    assert (later.status_code, later.json()["code"]) == (409, "process_rule")
    assert len(listed(client, inst)) == 1


def test_an_import_is_audited_with_its_document(client, medinsurance_settings):
    inst = institution(client)
    body = {"institution_id": inst["id"], "signed_on": "2023-02-20"}
    missing = client.post("/v1/agreement-imports", json=body | {"reason": IMPORT["reason"]})
    assert (missing.status_code, missing.json()["field"]) == (422, "original_document_number")
    imported = client.post("/v1/agreement-imports", json=body | IMPORT)
    assert imported.status_code == 201, imported.text
    made = imported.json()
    assert (made["source"], made["application_id"], made["ends_on"]) == ("import", None, "2023-12-31")
    assert (made["original_document_number"], made["import_reason"]) == (
        IMPORT["original_document_number"],
        IMPORT["reason"],
    )
    assert [row for row in audit_trail(medinsurance_settings.database_url) if row[0] == "import"] == [
        ("import", "agreements", str(made["id"]))
    ]


def test_an_entity_whose_agreement_was_terminated_for_a_violation_cannot_import_one_the_same_day(client):
    inst = institution(client)
    first = agreement(client, inst, "2024-01-02")
    ended = client.post("/v1/violations", json=TERMINATION | {"institution_id": inst["id"]})
    assert ended.status_code == 201, ended.text
    assert listed(client, inst)[0]["terminated_on"] == "2024-04-01"
    body = {"institution_id": inst["id"], "signed_on": "2024-04-01"} | IMPORT
    refused = client.post("/v1/agreement-imports", json=body)
    # 解除 2024-04-01: 满1年 on 2025-04-01, so "未满1年" through 2025-03-31
    assert (refused.status_code, refused.json()["code"], refused.json()["until"]) == (409, "refused", "2025-03-31")
    assert "二(三)2" in refused.json()["basis"]
    assert [a["id"] for a in listed(client, inst)] == [first["id"]]
    assert client.post("/v1/agreement-imports", json=body | {"signed_on": "2025-04-01"}).status_code == 201


def test_an_entity_whose_agreement_was_terminated_for_a_violation_cannot_sign_the_same_day(client):
    clinic = institution(client)
    designated = approved_application(client, clinic)
    client.post(f"/v1/applications/{designated['id']}/events", json={"event": "sign", "on": "2024-01-02"})
    # another institution of the same operating entity (USCC), its application approved in 2023
    branch = institution(client, name="柯城康复诊所二部", address="柯城区荷花街道2号")
    assert branch["uscc"] == clinic["uscc"] == USCC
    app = approved_application(client, branch)
    client.post("/v1/violations", json=TERMINATION | {"institution_id": clinic["id"]})
    assert listed(client, clinic)[0]["terminated_on"] == "2024-04-01"
    refused = client.post(f"/v1/applications/{app['id']}/events", json={"event": "sign", "on": "2024-04-01"})
    # the same 1-year bar as above: through 2025-03-31
    assert (refused.status_code, refused.json()["code"], refused.json()["until"]) == (409, "refused", "2025-03-31")
    assert client.get(f"/v1/applications/{app['id']}").json()["state"] == "approved"
    assert listed(client, branch) == []


def test_an_import_within_the_year_after_a_second_failed_evaluation_is_refused(client):
    inst = institution(client)
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2023-03-01"})
    url = f"/v1/applications/{app.json()['id']}/events"
    for step in (
        {"event": "submit", "on": "2023-06-01"},
        {"event": "accept", "on": "2023-06-05"},
        {"event": "evaluate", "on": "2023-06-20", "score": "84.9"},
        {"event": "reevaluate", "on": "2023-09-20"},  # 整改3个月后: from 2023-09-20
        {"event": "evaluate", "on": "2023-10-10", "score": "60"},
    ):
        assert client.post(url, json=step).status_code == 200
    # 评估仍不合格 on 2023-10-10: "1年内不得再次申请" up to and including 2024-10-10 (内 includes the day, A-03)
    body = {"institution_id": inst["id"], "signed_on": "2024-10-10"} | IMPORT
    refused = client.post("/v1/agreement-imports", json=body)
    assert (refused.status_code, refused.json()["code"], refused.json()["until"]) == (
        409,
        "waiting_period",
        "2024-10-10",
    )
    assert client.post("/v1/agreement-imports", json=body | {"signed_on": "2024-10-11"}).status_code == 201


def test_an_agreement_that_ended_by_itself_does_not_stand_in_the_way_of_a_new_one(client, medinsurance_settings):
    # 附件1 一(二) "未达成一致的,医保协议到期后自动解除": signed 2023-02-20, to 2023-12-31, never renewed
    inst = institution(client)
    lapsed = agreement(client, inst, "2023-02-20")
    body = {"institution_id": inst["id"], "signed_on": "2024-03-01"} | IMPORT
    new = client.post("/v1/agreement-imports", json=body)
    assert new.status_code == 201, new.text
    by_id = {a["id"]: a for a in listed(client, inst)}
    assert (by_id[lapsed["id"]]["state"], by_id[new.json()["id"]]["state"]) == ("expired", "active")
    assert ("lapse", "agreements", str(lapsed["id"])) in audit_trail(medinsurance_settings.database_url)


def test_an_agreement_ended_after_180_days_of_suspension_does_not_stand_in_the_way(client):
    # 附件1 一(三)1 "中止超过180日仍未提出继续履行医保协议申请的,原则上医保协议自动解除": 中止 from 2023-03-01, day 180
    # is 2023-08-27 (03-01 + 179 days: 31 in March, 30 in April, 31, 30, 31 → 153 days to 07-31, + 27), so it ended
    # on 2023-08-28, the 181st day; not a 五(三) decision, so no bar
    inst = institution(client)
    suspended = agreement(client, inst, "2023-02-20")
    client.post(f"/v1/agreements/{suspended['id']}/events", json={"event": "suspend", "on": "2023-03-01", "days": 30})
    body = {"institution_id": inst["id"], "signed_on": "2023-08-27"} | IMPORT
    assert (client.post("/v1/agreement-imports", json=body).json()["code"]) == "agreement_exists"  # still suspended
    assert client.post("/v1/agreement-imports", json=body | {"signed_on": "2023-08-28"}).status_code == 201
    ended = {a["id"]: a for a in listed(client, inst)}[suspended["id"]]
    assert (ended["state"], ended["terminated_on"]) == ("terminated", "2023-08-28")


# ---------------------------------------------------------------- 六(四) "自2023年2月18日起施行" (reading A-76)


def test_an_agreement_signed_before_the_rules_took_effect_is_refused(client):
    inst = institution(client)
    body = {"institution_id": inst["id"]} | IMPORT
    before = client.post("/v1/agreement-imports", json=body | {"signed_on": "2023-02-17"})
    assert (before.status_code, before.json()["code"], before.json()["field"]) == (
        422,
        "before_rules_in_force",
        "signed_on",
    )
    assert "六(四)" in before.json()["detail"]
    assert client.post("/v1/agreement-imports", json=body | {"signed_on": "2023-02-18"}).status_code == 201


def test_an_application_signed_before_the_rules_took_effect_makes_no_agreement(client):
    # an application carried through 二(三) under the old rules (衢医保发〔2021〕31号) is not signed before 2023-02-18
    inst = institution(client)
    app = client.post("/v1/applications", json={"institution_id": inst["id"], "pre_registered_on": "2022-08-01"})
    url = f"/v1/applications/{app.json()['id']}/events"
    for step in (
        {"event": "submit", "on": "2022-11-01"},
        {"event": "accept", "on": "2022-11-02"},
        {"event": "evaluate", "on": "2022-11-20", "score": "90"},
        {"event": "approve", "on": "2023-01-05"},
    ):
        assert client.post(url, json=step).status_code == 200
    early = client.post(url, json={"event": "sign", "on": "2023-02-17"})
    assert (early.status_code, early.json()["code"], early.json()["field"]) == (422, "before_rules_in_force", "on")
    body = {"institution_id": inst["id"], "application_id": app.json()["id"], "signed_on": "2023-02-17"}
    door = client.post("/v1/agreements", json=body)
    assert (door.status_code, door.json()["field"]) == (422, "signed_on")
    assert client.get(f"/v1/applications/{app.json()['id']}").json()["state"] == "approved"  # nothing was signed
    assert client.post("/v1/agreements", json=body | {"signed_on": "2023-02-18"}).status_code == 201
