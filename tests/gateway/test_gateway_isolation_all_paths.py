"""Isolation tried from every public path of the merged OpenAPI document, not just the ones we thought of."""

import datetime as dt
import re
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from dogs_testdata import IMPOUNDMENT, SHELTER_DOG, applicant, submitted_registration, vaccination, vaccination_body
from expropriation_files import caseworker_rows, households_roster, roster_csv
from expropriation_kit import household, project, sign
from fastapi.testclient import TestClient
from medinsurance_testdata import agreement, approved_application, institution
from request_examples import request_examples
from science_testdata import carrier, claim_body, enterprise, institute_application, make_uscc, pool, redemption_body
from testkit import id_number
from zheliban_kit import as_person

from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET
from medinsurance.api.examples import EXAMPLES as MEDINSURANCE_EXAMPLES

DEV = {"X-API-Key": "dev-key"}
ALICE = id_number("330802", dt.date(1989, 9, 9), 51)
BOB = id_number("330802", dt.date(1989, 10, 10), 52)
PERSON_PARAMETERS = ("id_number", "owner_id_number", "applicant_id_number", "principal_id_number", "agent_id_number")


def as_citizen(who: str) -> dict[str, str]:
    now = int(time.time())
    token = jwt.encode({"sub": who, "name": "市民", "iat": now, "exp": now + 300}, DEV_ADAPTER_ASSERTION_SECRET)
    return {"X-API-Key": "dev-zheliban-key", "X-Citizen-Assertion": token}


def concrete(path: str) -> str:
    """A callable URL for a templated path: ids become 1, persons become Alice."""
    path = re.sub(r"\{(id_number|owner_id_number)\}", ALICE, path)
    path = re.sub(r"\{uscc\}", "91110000600037341L", path)
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def public_paths(gateway: TestClient) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = gateway.get("/openapi.json").json()["paths"]
    assert len(paths) > 50
    return paths


def test_the_adapter_is_refused_on_every_staff_path(gateway: TestClient, public_paths: dict[str, Any]) -> None:
    tried = 0
    for path, operations in public_paths.items():
        if "/v1/me/" in path or not path.startswith("/api/"):
            continue  # the gateway's own /healthz, /readyz are public
        for method in operations:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            r = gateway.request(method.upper(), concrete(path), headers=as_citizen(BOB), json={})
            assert r.status_code == 403, (method, path, r.status_code)
            tried += 1
    assert tried > 50


def test_citizen_paths_never_show_another_person(gateway: TestClient, public_paths: dict[str, Any]) -> None:
    gateway.post("/api/dogs/v1/vaccinations", json=vaccination_body(ALICE), headers=DEV).raise_for_status()
    me_paths = [(p, m) for p, ops in public_paths.items() if "/v1/me/" in p for m in ops if m == "get"]
    assert me_paths
    for path, _method in me_paths:
        url = concrete(path)  # citizen routes are documented at their real /api/v1/me/... paths
        query = "&".join(f"{name}={ALICE}" for name in PERSON_PARAMETERS)
        alice_view = gateway.get(f"{url}?{query}", headers=as_citizen(ALICE))
        bob_view = gateway.get(f"{url}?{query}", headers=as_citizen(BOB))
        assert alice_view.status_code in (200, 404, 422), (path, alice_view.text)
        assert ALICE not in bob_view.text, path
        # a system key cannot use the citizen entrance at all
        assert gateway.get(url, headers=DEV).status_code == 403, path


def test_district_bound_client_cannot_widen_any_list(
    gateway: TestClient, public_paths: dict[str, Any], issue_key: Callable[..., str]
) -> None:
    scopes = "dogs:read,expropriation:read,medinsurance:read,science:read"
    qujiang = {"X-API-Key": issue_key(f"qj-{uuid.uuid4().hex[:6]}", scopes, "衢江区")}
    tried = 0
    for path, operations in public_paths.items():
        get = operations.get("get")
        if not get or "{" in path or "/v1/me/" in path or not path.startswith("/api/"):
            continue
        parameters = {p["name"] for p in get.get("parameters", []) if p.get("in") == "query"}
        if "district" not in parameters:
            continue
        r = gateway.get(path, params={"district": "柯城区"}, headers=qujiang)
        assert (r.status_code, r.json()["code"]) == (403, "district_forbidden"), path
        tried += 1
    assert tried >= 5


class Bureau:
    """One bureau's API through the gateway, called as the test kits call a service (``client.post("/v1/…")``)."""

    def __init__(self, gateway: TestClient, service: str, headers: dict[str, str]) -> None:
        self.gateway, self.service, self.headers = gateway, service, headers

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.gateway.request(method, f"/api/{self.service}{path}", headers=self.headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)


def created(response: Any) -> Any:
    assert response.status_code == 201, response.text
    return response.json()["id"]


def kecheng_records(gateway: TestClient) -> dict[tuple[str, str], object]:
    """One record of each kind a district owns, made by a city-level client (in 柯城区; science's pools, vouchers and
    carriers in 市本级): {(service, the path parameter or body field that names such a record): its id}."""
    serial = secrets.randbelow(10**6)  # the services' databases are shared by the gateway tests
    dogs = Bureau(gateway, "dogs", DEV)
    dog = created(dogs.post("/v1/shelter-dogs", json=SHELTER_DOG))
    records: dict[tuple[str, str], object] = {
        ("dogs", "vaccination_id"): vaccination(dogs)["id"],
        ("dogs", "registration_id"): submitted_registration(dogs)["id"],
        ("dogs", "impoundment_id"): created(dogs.post("/v1/impoundments", json=IMPOUNDMENT)),
        ("dogs", "dog_id"): dog,
        ("dogs", "application_id"): created(dogs.post(f"/v1/shelter-dogs/{dog}/applications", json=applicant(1))),
    }
    expropriation = Bureau(gateway, "expropriation", DEV)
    project_id = project(expropriation)["id"]
    signed = household(expropriation, project_id, f"A{serial}", method="house_voucher")["id"]
    disputed = household(expropriation, project_id, f"B{serial}")["id"]
    agreement_id = created(sign(expropriation, signed, method="house_voucher"))
    voucher = expropriation.post(f"/v1/agreements/{agreement_id}/voucher", json={"issued_on": "2023-08-10"})
    # a roster beyond EXPROPRIATION_BATCH_JOB_THRESHOLD (200) is imported as a job
    roster = {"file": ("roster.csv", households_roster(201), "text/csv")}
    job = expropriation.post(f"/v1/projects/{project(expropriation)['id']}/roster", files=roster)
    assert job.status_code == 202, job.text
    dispute = expropriation.post("/v1/disputes", json={"household_id": disputed, "ground": "owner_missing"})
    # A 复核 request is filed by a member of a household through 浙里办 (the kit's members are persons 1 and 2; in a
    # project of its own, where 三(一)3 counts them in no other household).
    reviewed = household(expropriation, project(expropriation)["id"], f"C{serial}")["id"]
    review = {"item_codes": ["moving_fee"], "grounds": "搬迁费应计两次"}
    member = as_person(id_number(sequence=1))
    objection = gateway.post(f"/api/v1/me/expropriation/households/{reviewed}/objections", json=review, headers=member)
    records |= {
        ("expropriation", "project_id"): project_id,
        ("expropriation", "household_id"): signed,
        ("expropriation", "agreement_id"): agreement_id,
        ("expropriation", "voucher_id"): created(voucher),
        ("expropriation", "dispute_id"): created(dispute),
        ("expropriation", "objection_id"): created(objection),
        ("expropriation", "job_id"): job.json()["id"],
    }
    medinsurance = Bureau(gateway, "medinsurance", DEV)
    clinic, pharmacy = institution(medinsurance), institution(medinsurance, kind="retail_pharmacy", name="柯城大药房")
    proxy = {
        "principal_id_number": id_number("330802", dt.date(1950, 1, 1) + dt.timedelta(days=serial % 9000), 7),
        "agent_id_number": id_number("330802", dt.date(1970, 1, 1) + dt.timedelta(days=serial % 9000), 8),
        "ground": "mobility",
        "relationship": "close_relative",
        "starts_on": "2024-03-01",
        "institution_id": pharmacy["id"],
    }
    outage = {"institution_id": clinic["id"], "failed_at": "2024-03-01T09:00:00+08:00"}
    agreement_id = agreement(medinsurance, pharmacy)["id"]
    violation = {"institution_id": pharmacy["id"], "agreement_id": agreement_id, "case": "T3_2"}
    violation |= {"decided_on": "2023-09-12", "violation_amount": "12680.00", "ratio": "0.20"}
    records |= {
        ("medinsurance", "institution_id"): clinic["id"],
        ("medinsurance", "application_id"): approved_application(medinsurance, clinic)["id"],
        ("medinsurance", "agreement_id"): agreement_id,
        ("medinsurance", "violation_id"): created(medinsurance.post("/v1/violations", json=violation)),
        ("medinsurance", "proxy_id"): created(medinsurance.post("/v1/proxy-authorisations", json=proxy)),
        ("medinsurance", "outage_id"): created(medinsurance.post("/v1/outages", json=outage)),
        ("medinsurance", "assessment_id"): created(
            medinsurance.post(
                "/v1/assessments", json=MEDINSURANCE_EXAMPLES["AssessmentIn"] | {"institution_id": clinic["id"]}
            )
        ),
    }
    science = Bureau(gateway, "science", DEV)
    holder = enterprise(science, uscc=make_uscc(serial))["uscc"]
    voucher_id = created(science.post("/v1/claims", json=claim_body(pool(science)["id"], holder=holder)))
    carrier_id = carrier(science, uscc=make_uscc(serial, "330800"))["id"]
    documents = {"contract_number": f"HT-{serial}", "invoice_number": f"FP-{serial}"}  # subsidised once, city-wide
    redemption = science.post("/v1/redemptions", json=redemption_body(voucher_id, carrier_id, **documents))
    records |= {
        ("science", "uscc"): holder,
        ("science", "institute_id"): created(
            science.post("/v1/institutes", json=institute_application(enterprise_uscc=holder))
        ),
        ("science", "carrier_id"): carrier_id,
        ("science", "pool_id"): pool(science)["id"],
        ("science", "voucher_id"): voucher_id,
        ("science", "redemption_id"): created(redemption),
    }
    return records


def unused(value: object) -> object:
    """An identifier of the same kind that names nothing: an id beyond any made, a 统一社会信用代码 never registered."""
    return make_uscc(9_999_999, "330881") if isinstance(value, str) else 987_654_321


# Path parameters that name no record of a district: persons (dossiers filter by district, tested above), parameter
# names, days, policy items, dog photos (no district; 32 random hex digits).
NOT_A_DISTRICT_RECORD = {"id_number", "name", "day", "number", "photo_id"}
BUREAUS = ("dogs", "expropriation", "medinsurance", "science")


def answer(response: Any) -> tuple[int, dict[str, Any]]:
    """Status and problem document, without the request id that differs on every request."""
    body = response.json()
    body.pop("request_id", None)
    return response.status_code, body


def qujiang_key(issue_key: Callable[..., str]) -> dict[str, str]:
    scopes = ",".join(f"{bureau}:read,{bureau}:write" for bureau in BUREAUS)
    return {"X-API-Key": issue_key(f"qj-{uuid.uuid4().hex[:6]}", scopes, "衢江区")}


ROSTER = roster_csv(caseworker_rows())


def filled(path: str, values: dict[str, object]) -> str:
    return re.sub(r"\{(\w+)\}", lambda parameter: str(values[parameter[1]]), path)


def test_another_districts_record_answers_as_an_unused_id_on_every_path(
    gateway: TestClient, issue_key: Callable[..., str]
) -> None:
    """With sequential ids, a 403 for another district's record and a 404 for an unused id told a district how many
    records the others make (issue 30). Every operation on every path naming a district's record, its documented
    example as the body, answers both with the same 404, word for word, naming the path parameter."""
    document = gateway.get("/openapi.json").json()
    examples = {(method, path): example for method, path, example in request_examples(document)}
    records, qujiang = kecheng_records(gateway), qujiang_key(issue_key)
    tried, left_out = [], set()
    for path, operations in document["paths"].items():
        service = path.removeprefix("/api/").split("/")[0]
        bureau_record = service in BUREAUS and "/dossiers/" not in path  # the gateway's own paths name no such record
        parameters = re.findall(r"\{(\w+)\}", path) if bureau_record else []
        theirs = {p: records[(service, p)] for p in parameters if (service, p) in records}
        left_out |= set(parameters) - set(theirs)
        nothing = {p: unused(value) for p, value in theirs.items()}
        for method, operation in operations.items() if theirs else ():
            body = {"json": examples.get((method, path))}
            if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
                body = {"files": {"file": ("roster.csv", ROSTER, "text/csv")}}  # the one upload to a record's path
            answers = [
                answer(gateway.request(method, filled(path, values), headers=qujiang, **body))
                for values in (theirs, nothing)
            ]
            assert answers[0] == answers[1], (method, path, answers)
            assert (answers[0][0], answers[0][1]["code"], answers[0][1]["field"]) == (404, "not_found", parameters[0])
            tried.append(f"{method} {path}")
    assert left_out <= NOT_A_DISTRICT_RECORD, left_out - NOT_A_DISTRICT_RECORD
    assert len(tried) >= 60, tried


def body_fields(document: dict[str, Any], method: str, path: str) -> set[str]:
    """The fields of an operation's JSON body, as its schema declares them."""
    content = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][content["$ref"].rsplit("/", 1)[-1]] if "$ref" in content else content
    return set(schema.get("properties", {}))


# Body fields that cite a district's record, by service: {field: the record it cites}. Not here: a redemption's
# carrier_id (创新载体 serve every district's vouchers) and a 协议处理 decision's agreement_id (sought among its
# institution's agreements, which the caller has already been shown).
BODY_REFERENCES = {
    "dogs": {
        "vaccination_id": "vaccination_id",
        "impoundment_id": "impoundment_id",
        "registration_id": "registration_id",
    },
    "expropriation": {"household_id": "household_id", "agreement_id": "agreement_id"},
    "medinsurance": {"institution_id": "institution_id", "application_id": "application_id", "replaces_id": "proxy_id"},
    "science": {
        "pool_id": "pool_id",
        "voucher_id": "voucher_id",
        "redemption_id": "redemption_id",
        "enterprise_uscc": "uscc",
    },
}


def test_a_body_citing_another_districts_record_answers_as_citing_an_unused_id(
    gateway: TestClient, issue_key: Callable[..., str]
) -> None:
    """Every command whose body cites a district's record, its documented example acting in the caller's own district:
    another district's record and an unused id answer the same 422 reference_not_found, naming the field."""
    document = gateway.get("/openapi.json").json()
    records, qujiang = kecheng_records(gateway), qujiang_key(issue_key)
    tried = []
    for method, path, example in request_examples(document):
        service = path.removeprefix("/api/").split("/")[0]
        fields = body_fields(document, method, path)
        cited = {f: key for f, key in BODY_REFERENCES.get(service, {}).items() if f in fields}
        if not cited or "{" in path or "/v1/me/" in path:  # a citizen's claim: staff keys are refused first
            continue
        own_district = {"district": "衢江区"} if "district" in fields else {}
        theirs = {f: records[(service, key)] for f, key in cited.items()}
        nothing = {f: unused(value) for f, value in theirs.items()}
        answers = [
            answer(gateway.request(method, path, json=example | own_district | values, headers=qujiang))
            for values in (theirs, nothing)
        ]
        assert answers[0] == answers[1], (method, path, answers)
        assert answers[0][0] == 422 and answers[0][1]["code"] == "reference_not_found", (method, path, answers[0])
        assert answers[0][1]["field"] in cited, (method, path, answers[0])
        tried.append(f"{method} {path}")
    assert {operation.split("/")[2] for operation in tried} == set(BUREAUS)
    assert len(tried) >= 16, tried
