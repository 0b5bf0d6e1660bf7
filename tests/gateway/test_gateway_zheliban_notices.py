"""What is due, across bureaus (issue 27): ``GET /api/v1/me/notices`` merges the services' ``/v1/me/notices``, each
computed from its records, earliest first; only the signed-in person's or enterprise's; a bureau that cannot answer
leaves the others' and makes the list incomplete. Dates are given as ``as_of`` so that each is worked out by hand."""

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from dogs_testdata import seizure_body
from expropriation_kit import PROJECT
from fastapi.testclient import TestClient
from relocation_kit import post
from science_testdata import institute_application, make_uscc, recognise
from testkit import ServiceProcess, id_number
from zheliban_kit import ENTERPRISE_NAME, STAFF, as_person, assertion, signed_in

NOTICES = "/api/v1/me/notices"
PROXIES = "/api/v1/me/medinsurance/proxy-authorisations"
AGENT = id_number("330803", dt.date(1986, 1, 1), 82)


def person(born: dt.date) -> str:
    """A person of this test's own: the services' databases are shared by the gateway tests."""
    return id_number("330802", born, secrets.randbelow(999))


def as_enterprise(uscc: str) -> dict[str, str]:
    return signed_in(assertion(uscc, user_type="LEGAL_PERSON", agent=AGENT))


def notices(gateway: TestClient, headers: dict[str, str], as_of: str) -> Any:
    r = gateway.get(NOTICES, params={"as_of": as_of}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def due(body: Any) -> list[tuple[str, str, str, bool]]:
    return [(n["due_on"], n["kind"], n["basis"], n["overdue"]) for n in body["notices"]]


def pool(gateway: TestClient) -> int:
    body = {"name": "2023年创新券", "total": "1000000", "opens_on": "2023-01-01", "closes_on": "2023-12-31"}
    r = gateway.post("/api/science/v1/voucher-pools", json=body, headers=STAFF)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def claim(gateway: TestClient, headers: dict[str, str], name: str, claimed_on: str) -> int:
    body = {"pool_id": pool(gateway), "holder_name": name, "amount": "10000", "claimed_on": claimed_on}
    r = gateway.post("/api/v1/me/science/claims", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def authorise(gateway: TestClient, principal: str, agent: str, ground: str) -> int:
    body = {"agent_id_number": agent, "ground": ground, "relationship": "close_relative", "starts_on": "2023-06-01"}
    r = gateway.post(PROXIES, json=body, headers=as_person(principal))
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def unsigned_household(gateway: TestClient, member: str) -> int:
    name = f"衢江路工程 {secrets.token_hex(3)}"
    project = post(gateway, "/api/expropriation/v1/projects", PROJECT | {"name": name})
    body = {
        "ref": "H1",
        "head_name": "周委托",
        "members": [{"name": "周委托", "id_number": member, "collective_member": True}],
        "buildings": [
            {"use": "residential", "structure": "brick_concrete", "legal_area_m2": "120", "built_year": 2005}
        ],
    }
    return int(post(gateway, f"/api/expropriation/v1/projects/{project['id']}/households", body)["id"])


def seizure(gateway: TestClient, owner: str, occurred_at: str) -> int:
    body = seizure_body(occurred_at, owner_id_number=owner)
    return int(post(gateway, "/api/dogs/v1/impoundments", body)["id"])


def test_a_person_sees_their_deadlines_of_every_bureau_earliest_first(gateway: TestClient) -> None:
    principal, agent, stranger = person(dt.date(1950, 2, 2)), person(dt.date(1975, 3, 3)), person(dt.date(1981, 4, 4))
    # 附件2 二(四)2 外伤: 委托有效期为3个月 from 2023-06-01: through 2023-09-01 (the corresponding day, included).
    short = authorise(gateway, principal, agent, "injury")
    # 二(四)1 行动不便: 委托长期有效, never due.
    authorise(gateway, principal, person(dt.date(1976, 5, 5)), "mobility")
    # A 创业者's own 创新券 (44号 四(一)): claimed 2023-05-10, 有效期一般为3个月 (四(二)): through 2023-08-10; one
    # claimed 2023-11-15 would last to 2024-02-15, but 四(四) wants its redemption by 31 December of its year.
    may = claim(gateway, as_person(principal), "周委托", "2023-05-10")
    november = claim(gateway, as_person(principal), "周委托", "2023-11-15")
    # A member of a household yet to sign (衢政发〔2023〕2号 三(四)8, the project's 签约期限 2023-09-30, after
    # 2023-06-15: not yet overdue).
    household = unsigned_household(gateway, principal)
    # The principal's dog, seized 2023-06-20 (衢执法发〔2023〕3号 五): 30 days from the next, 06-21..06-30 (10) and
    # 07-01..07-20 (20): claim by 2023-07-20, after 2023-06-15: not yet overdue.
    seized = seizure(gateway, principal, "2023-06-20T09:00:00+08:00")

    body = notices(gateway, as_person(principal), "2023-06-15")
    assert body["complete"] is True, body["sources"]
    assert {s["service"] for s in body["sources"]} == {"dogs", "expropriation", "medinsurance", "science"}
    claim_basis = "衢执法发〔2023〕3号 五；《中华人民共和国行政强制法》第二十五条"
    assert due(body) == [
        ("2023-07-20", "dogs.impoundment_claim", claim_basis, False),
        ("2023-08-10", "science.voucher_expires", "衢市科发高〔2022〕44号 四(二)", False),
        ("2023-09-01", "medinsurance.proxy_expires", "衢医保发〔2023〕8号 附件2 二(四)2", False),
        ("2023-09-30", "expropriation.signing_deadline", "衢政发〔2023〕2号 三(四)8", False),
        ("2023-12-31", "science.voucher_expires", "衢市科发高〔2022〕44号 四(四)", False),
    ]
    assert [n["record"] for n in body["notices"]] == [
        f"impoundments/{seized}",
        f"vouchers/{may}",
        f"proxy-authorisations/{short}",
        f"households/{household}",
        f"vouchers/{november}",
    ]
    assert [n["act_at"] for n in body["notices"]][1:3] == ["/api/v1/me/science/redemptions", PROXIES]

    # The agent hears of the same last day; a stranger of nothing.
    (theirs,) = notices(gateway, as_person(agent), "2023-06-15")["notices"]
    assert (theirs["due_on"], theirs["record"]) == ("2023-09-01", f"proxy-authorisations/{short}")
    assert "受托" in theirs["title"]
    assert notices(gateway, as_person(stranger), "2023-06-15")["notices"] == []

    # 届满 includes the day: on 2023-09-01 the authorisation still holds and is listed; the day after it has lapsed
    # and nothing is left to do; the May voucher went the same way after 2023-08-10 (V-20).
    on_the_day = due(notices(gateway, as_person(principal), "2023-09-01"))
    assert [d[0] for d in on_the_day] == ["2023-07-20", "2023-09-01", "2023-09-30", "2023-12-31"]
    after = due(notices(gateway, as_person(principal), "2023-09-02"))
    assert [d[0] for d in after] == ["2023-07-20", "2023-09-30", "2023-12-31"]


def registered_enterprise(gateway: TestClient, **facts: str) -> str:
    uscc = make_uscc(secrets.randbelow(10**7), "330803")
    body = {"uscc": uscc, "name": ENTERPRISE_NAME, "district": "柯城区"} | facts
    assert gateway.post("/api/science/v1/enterprises", json=body, headers=STAFF).status_code == 201
    return uscc


class StaffScience:
    """The science bureau's caseworker through the gateway, called as science_testdata calls a service."""

    def __init__(self, gateway: TestClient) -> None:
        self.gateway = gateway

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.gateway.post(f"/api/science{path}", headers=STAFF, **kwargs)


def report(gateway: TestClient, institute_id: int, year: int, rd_expense: str) -> None:
    body = {"year": year, "sales": "30000000", "rd_expense": rd_expense}
    r = gateway.post(f"/api/science/v1/institutes/{institute_id}/annual-reports", json=body, headers=STAFF)
    assert r.status_code == 201, r.text


def test_an_enterprise_sees_its_vouchers_and_its_institute_s_annual_reports(gateway: TestClient) -> None:
    ours, theirs = registered_enterprise(gateway, hitech_valid_until="2024-12-31"), registered_enterprise(gateway)
    applied = gateway.post(
        "/api/science/v1/institutes", json=institute_application(enterprise_uscc=ours), headers=STAFF
    )
    assert applied.status_code == 201, applied.text
    institute = applied.json()["id"]
    recognise(StaffScience(gateway), institute)  # type: ignore[arg-type]  # recognised 2023-07-20 (43号 二(四))
    voucher = claim(gateway, as_enterprise(ours), ENTERPRISE_NAME, "2023-05-10")  # through 2023-08-10 (四(二))

    # 三(五) 每年应及时填报科技统计年报 from the year of recognition; no day is named: the report on 2023 is due by
    # 2024-12-31 (I-19). On 2023-08-01 the voucher comes first.
    body = notices(gateway, as_enterprise(ours), "2023-08-01")
    assert [s["service"] for s in body["sources"]] == ["science"] and body["complete"] is True
    assert due(body) == [
        ("2023-08-10", "science.voucher_expires", "衢市科发高〔2022〕44号 四(二)", False),
        ("2024-12-31", "science.annual_report_due", "衢市科发高〔2022〕43号 三(五)", False),
    ]
    assert [n["record"] for n in body["notices"]] == [
        f"vouchers/{voucher}",
        f"institutes/{institute}/annual-reports/2023",
    ]

    # On 2025-01-01 the 2023 report is a day late (still owed: overdue), 2024's is due 2025-12-31 and 2025's
    # 2026-12-31; the voucher's day has passed and it is not listed.
    late = due(notices(gateway, as_enterprise(ours), "2025-01-01"))
    assert [(d[0], d[3]) for d in late] == [("2024-12-31", True), ("2025-12-31", False), ("2026-12-31", False)]
    # On 2024-12-31 itself it is not late.
    assert due(notices(gateway, as_enterprise(ours), "2024-12-31"))[0][0:4:3] == ("2024-12-31", False)

    # The 2023 report is filed below the standard (一(四): under 5000万 of sales, 5%; 100万 of 30,000,000 is 3.3%):
    # it leaves the list, and the 2024 one warns of what a second miss means (黄色预警, 连续两年 取消资格).
    report(gateway, institute, 2023, "1000000")
    reports = notices(gateway, as_enterprise(ours), "2025-01-01")["notices"]
    assert [n["record"] for n in reports] == [
        f"institutes/{institute}/annual-reports/2024",
        f"institutes/{institute}/annual-reports/2025",
    ]
    assert "已黄色预警" in reports[0]["title"]

    # Another enterprise hears of none of it, nor does a person.
    assert notices(gateway, as_enterprise(theirs), "2023-08-01")["notices"] == []
    assert notices(gateway, as_person(person(dt.date(1990, 9, 9))), "2023-08-01")["notices"] == []


def test_a_bureau_down_leaves_the_others_and_the_list_incomplete(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    gateway = make_gateway({name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url})
    principal = person(dt.date(1952, 6, 6))
    short = authorise(gateway, principal, person(dt.date(1977, 7, 7)), "injury")
    spare_dogs.stop()
    r = gateway.get(NOTICES, params={"as_of": "2023-06-15"}, headers=as_person(principal))
    assert r.status_code == 200 and r.headers["X-Aggregate-Complete"] == "false"
    body = r.json()
    assert body["complete"] is False
    statuses = {s["service"]: s["status"] for s in body["sources"]}
    assert (statuses["dogs"], statuses["medinsurance"], statuses["science"]) == ("unavailable", "ok", "ok")
    assert [n["record"] for n in body["notices"]] == [f"proxy-authorisations/{short}"]


def test_only_the_adapter_with_a_signed_assertion(gateway: TestClient) -> None:
    staff = gateway.get(NOTICES, headers=STAFF)
    assert (staff.status_code, staff.json()["code"]) == (403, "citizen_path_only_for_adapter")
    unsigned = gateway.get(NOTICES, headers={"X-API-Key": "dev-zheliban-key"})
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "assertion_missing")
    # Reading needs real-name level 2 (gateway.auth): level 1 is refused.
    low = gateway.get(NOTICES, headers=as_person(person(dt.date(1960, 1, 1)), level=1))
    assert (low.status_code, low.json()["code"]) == (403, "auth_level_insufficient")
