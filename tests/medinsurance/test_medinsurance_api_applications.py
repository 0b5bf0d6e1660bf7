"""二(三) 定点申请 over HTTP: the steps in order, 一次性告知, and the waits that bind the operating entity."""

from medinsurance_testdata import agreement as imported_agreement
from medinsurance_testdata import agreement_event, application, application_event, institution


def test_second_supplement_notice_refused_over_http(client):
    app = application(client, institution(client))
    application_event(client, app["id"], "submit", "2023-06-01")
    assert (
        application_event(client, app["id"], "request_supplement", "2023-06-02").json()["supplement_deadline"]
        == "2023-06-09"
    )
    application_event(client, app["id"], "complete_supplement", "2023-06-05")
    again = application_event(client, app["id"], "request_supplement", "2023-06-06")
    assert again.status_code == 409 and "一次性告知" in again.json()["detail"]


def test_withdrawal_wait_binds_the_entity_not_the_row(client):
    first = institution(client)
    app = application(client, first)
    application_event(client, app["id"], "submit", "2023-06-01")
    application_event(client, app["id"], "request_supplement", "2023-06-02")  # 补正 deadline 2023-06-09 (above)
    withdrawn = application_event(client, app["id"], "lapse_supplement", "2023-06-12").json()
    # withdrawn from 06-10 (the day after the deadline); "须3个月后方可再次申请" → from 2023-09-10 (reading A-07)
    assert withdrawn["state"] == "withdrawn" and withdrawn["reapply_from"] == "2023-09-10"
    # a second institution row of the same operating entity, its trial complete since 2023-04-01
    other = application(client, institution(client, name="柯城康复诊所二部", address="柯城区荷花街道2号"), "2023-01-01")
    refused = application_event(client, other["id"], "submit", "2023-09-09")
    assert refused.status_code == 409 and refused.json()["code"] == "waiting_period"
    assert refused.json()["until"] == "2023-09-09" and refused.json()["field"] == "on"
    assert application_event(client, other["id"], "submit", "2023-09-10").json()["state"] == "submitted"


def test_out_of_order_events_over_http(client):
    inst = institution(client)
    app = application(client, inst)
    early = application_event(client, app["id"], "submit", "2023-02-01")  # before the pre-registration itself
    assert early.status_code == 409
    application_event(client, app["id"], "submit", "2023-06-01")
    assert application_event(client, app["id"], "accept", "2023-05-31").status_code == 409
    agreement = imported_agreement(client, inst, "2023-07-01")
    before_signing = agreement_event(client, agreement["id"], "suspend", "2023-06-30", days=30)
    assert before_signing.status_code == 409 and "早于" in before_signing.json()["detail"]
    assert agreement_event(client, agreement["id"], "terminate", "2022-07-01").status_code == 409
