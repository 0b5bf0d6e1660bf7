"""GET /v1/me/notices (issue 27, reading A-77): the last day of a short-term 代配药 authorisation (附件2 二(四)2
委托有效期为3个月), told to the principal and to the agent while it holds; a long-term one (二(四)1 委托长期有效) never
falls due; a revoked one, or one past its day, leaves nothing to do."""

import datetime as dt

from fastapi.testclient import TestClient
from testkit import id_number, identity_headers

PRINCIPAL = id_number("330802", dt.date(1950, 1, 1), 21)
AGENT = id_number("330802", dt.date(1980, 1, 1), 31)
SECOND_AGENT = id_number("330802", dt.date(1982, 1, 1), 41)
STRANGER = id_number("330802", dt.date(1984, 1, 1), 51)


def authorise(client: TestClient, agent: str, ground: str, starts_on: str) -> int:
    body = {
        "principal_id_number": PRINCIPAL,
        "agent_id_number": agent,
        "ground": ground,
        "relationship": "close_relative",
        "starts_on": starts_on,
    }
    r = client.post("/v1/proxy-authorisations", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def notices(client: TestClient, who: str, as_of: str) -> list[tuple[str, str, str]]:
    r = client.get("/v1/me/notices", params={"as_of": as_of}, headers=identity_headers("medinsurance", citizen=who))
    assert r.status_code == 200, r.text
    return [(n["due_on"], n["record"], n["basis"]) for n in r.json()]


def test_a_short_term_authorisation_is_due_on_its_last_day_for_both_sides(client: TestClient) -> None:
    # 2023-11-30 + 3 months: 2024-02-29 (no 30 February; the month's last day, qz_common.periods.add_months).
    short = authorise(client, AGENT, "injury", "2023-11-30")
    authorise(client, SECOND_AGENT, "mobility", "2023-11-30")  # 委托长期有效: no notice
    expected = [("2024-02-29", f"proxy-authorisations/{short}", "衢医保发〔2023〕8号 附件2 二(四)2")]
    assert notices(client, PRINCIPAL, "2023-12-01") == expected
    assert notices(client, AGENT, "2023-12-01") == expected
    assert notices(client, SECOND_AGENT, "2023-12-01") == []
    assert notices(client, STRANGER, "2023-12-01") == []
    # 届满 includes the day: listed on 2024-02-29, gone on 2024-03-01.
    assert notices(client, PRINCIPAL, "2024-02-29") == expected
    assert notices(client, PRINCIPAL, "2024-03-01") == []


def test_a_revoked_authorisation_is_not_due(client: TestClient) -> None:
    short = authorise(client, AGENT, "injury", "2023-06-01")
    assert client.post(f"/v1/proxy-authorisations/{short}/revoke", json={"on": "2023-07-01"}).status_code == 200
    assert notices(client, PRINCIPAL, "2023-06-15") == []


def test_the_titles_say_what_each_side_must_do(client: TestClient) -> None:
    authorise(client, AGENT, "injury", "2023-06-01")
    headers = identity_headers("medinsurance", citizen=PRINCIPAL)
    (mine,) = client.get("/v1/me/notices", params={"as_of": "2023-06-01"}, headers=headers).json()
    agents = identity_headers("medinsurance", citizen=AGENT)
    (theirs,) = client.get("/v1/me/notices", params={"as_of": "2023-06-01"}, headers=agents).json()
    assert "重新委托" in mine["title"] and "不得再代为配药" in theirs["title"]
    assert mine["due_on"] == theirs["due_on"] == "2023-09-01" and mine["overdue"] is False
