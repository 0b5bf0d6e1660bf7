"""Issue 26 "Wrong today": one decision posted twice is one decision.

五(三)5(1) "医保协议有效期内累计2次及以上被中止医保协议的" → 解除医保协议. What accumulates is 中止 of the agreement
(附件1 一(三)1 "医保协议中止是指经办机构与定点医药机构暂停履行医保协议约定"), decided by the 经办机构, not the requests
that record a decision: the same 中止 posted again (a retry, a double click, six parallel posts) is that one 中止 and
changes nothing. Two 中止 decided separately (another day, or another 文书号 the same day) in one term are two, and
the second ends the agreement. Likewise a 协议处理 decision (五(三)) posted twice is one decision with one 违约金.
"""

import asyncio
from typing import Any

import httpx
from medinsurance_testdata import agreement, audit_trail, institution
from testkit import identity_headers

from medinsurance.main import create_app
from medinsurance.settings import MedinsuranceSettings
from qz_common.settings import PlatformSettings

SUSPENSION = {"event": "suspend", "on": "2023-03-01", "days": 30}
# 五(三)3(2) 进销存不符: 违约金 10,000.00 × 20% = 2,000.00 (五(五)), and 中止 30 days (五(三)3 "不低于30日")
DECISION = {
    "case": "T3_2",
    "decided_on": "2023-04-01",
    "violation_amount": "10000.00",
    "ratio": "0.20",
    "suspension_days": 30,
}


def stored(client, agreement_id: int) -> dict[str, Any]:
    """The agreement as recorded (GET /v1/agreements/{id} shows it as it stands today, long after these 2023 dates)."""
    (row,) = [a for a in client.get("/v1/agreements").json()["items"] if a["id"] == agreement_id]
    return row


def parallel_posts(settings: MedinsuranceSettings, url: str, body: dict[str, Any], n: int) -> list[httpx.Response]:
    """``n`` identical posts at once, through a second instance of the service on the same database."""

    async def scenario() -> list[httpx.Response]:
        app = create_app(settings, PlatformSettings(dev_mode=True))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://medinsurance",
            headers=identity_headers("medinsurance"),
        ) as http:
            responses = await asyncio.gather(*(http.post(url, json=body) for _ in range(n)))
        await app.state.db.dispose()
        return list(responses)

    return asyncio.run(scenario())


def test_six_parallel_posts_of_one_suspension_suspend_once(client, medinsurance_settings):
    signed = agreement(client, institution(client))
    responses = parallel_posts(medinsurance_settings, f"/v1/agreements/{signed['id']}/events", SUSPENSION, 6)
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 5
    now = stored(client, signed["id"])
    # one 中止 of 30 days from 2023-03-01: days 1..30 are 03-01..03-30
    assert (now["state"], now["suspensions_this_term"]) == ("suspended", 1)
    assert (now["suspended_from"], now["suspended_until"]) == ("2023-03-01", "2023-03-30")
    suspensions = [row for row in audit_trail(medinsurance_settings.database_url) if row[0] == "suspend"]
    assert suspensions == [("suspend", "agreements", str(signed["id"]))]


def test_the_same_suspension_posted_again_is_answered_as_first_and_changes_nothing(client, medinsurance_settings):
    signed = agreement(client, institution(client))
    url = f"/v1/agreements/{signed['id']}/events"
    first = client.post(url, json=SUSPENSION)
    trail = audit_trail(medinsurance_settings.database_url)
    again = client.post(url, json=SUSPENSION)
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert audit_trail(medinsurance_settings.database_url) == trail
    assert stored(client, signed["id"])["state"] == "suspended"


def test_two_suspensions_under_different_document_numbers_end_the_agreement(client):
    signed = agreement(client, institution(client))
    url = f"/v1/agreements/{signed['id']}/events"
    first = client.post(url, json=SUSPENSION | {"document_number": "衢医保稽〔2023〕7号"})
    assert first.json()["state"] == "suspended"
    # a second 中止 the same day under another 文书号: 累计2次 within the term → 解除, 五(三)5(1)
    second = client.post(url, json=SUSPENSION | {"document_number": "衢医保稽〔2023〕8号"})
    assert second.status_code == 200, second.text
    assert (second.json()["state"], second.json()["terminated_on"]) == ("terminated", "2023-03-01")
    assert "五(三)5(1)" in second.json()["basis"]


def test_two_suspensions_on_different_days_end_the_agreement(client):
    signed = agreement(client, institution(client))
    url = f"/v1/agreements/{signed['id']}/events"
    client.post(url, json=SUSPENSION)
    # 中止 from 03-01 for 30 days runs to 03-30; 恢复 on 03-31; a second 中止 on 05-01 is the second in the term
    assert client.post(url, json={"event": "resume", "on": "2023-03-31"}).json()["state"] == "active"
    second = client.post(url, json=SUSPENSION | {"on": "2023-05-01"}).json()
    assert (second["state"], second["terminated_on"], second["suspensions_this_term"]) == (
        "terminated",
        "2023-05-01",
        1,
    )


def test_a_violation_decision_posted_twice_is_one_decision(client, medinsurance_settings):
    inst = institution(client)
    signed = agreement(client, inst)
    body = DECISION | {"institution_id": inst["id"]}
    first = client.post("/v1/violations", json=body)
    assert first.status_code == 201, first.text
    trail = audit_trail(medinsurance_settings.database_url)
    again = client.post("/v1/violations", json=body)
    assert (again.status_code, again.json(), again.headers["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert audit_trail(medinsurance_settings.database_url) == trail
    recorded = client.get("/v1/violations", params={"institution_id": inst["id"]}).json()
    assert recorded["total"] == 1 and recorded["items"][0]["penalty"] == "2000.00"
    now = stored(client, signed["id"])
    assert (now["state"], now["suspensions_this_term"]) == ("suspended", 1)


def test_four_parallel_posts_of_one_violation_decision_record_it_once(client, medinsurance_settings):
    inst = institution(client)
    signed = agreement(client, inst)
    responses = parallel_posts(medinsurance_settings, "/v1/violations", DECISION | {"institution_id": inst["id"]}, 4)
    assert [r.status_code for r in responses] == [201] * 4, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert client.get("/v1/violations", params={"institution_id": inst["id"]}).json()["total"] == 1
    now = stored(client, signed["id"])
    assert (now["state"], now["suspensions_this_term"]) == ("suspended", 1)


def test_two_violation_decisions_with_their_own_document_numbers_end_the_agreement(client):
    inst = institution(client)
    signed = agreement(client, inst)
    body = DECISION | {"institution_id": inst["id"]}
    first = client.post("/v1/violations", json=body | {"document_number": "衢医保稽〔2023〕11号"}).json()
    second = client.post("/v1/violations", json=body | {"document_number": "衢医保稽〔2023〕12号"}).json()
    # the second 中止 in the term is escalated: 第五档 解除 under 五(三)5(1)
    assert (first["escalated"], second["escalated"], second["tier"]) == (False, True, 5)
    assert stored(client, signed["id"])["state"] == "terminated"
