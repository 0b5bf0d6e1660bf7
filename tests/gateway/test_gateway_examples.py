"""The gateway's own request bodies have a realistic example that the platform understands, and each of its own
operations shows an answer it really gave (qz_common.answers)."""

import datetime as dt
import time
import uuid
from typing import Any

import jwt
from expropriation_kit import PROJECT
from fastapi.testclient import TestClient
from relocation_kit import case_body, post
from request_examples import RecordedAnswers, refused_examples
from testkit import id_number

from gateway.settings import DEV_ADAPTER_ASSERTION_SECRET

DEV = {"X-API-Key": "dev-key"}
NO_SUCH_HOUSEHOLD = 2**63 - 1
OWNER = id_number("330802", dt.date(1979, 4, 18), 77)
USCC = "91330802735281640F"
HOUSEHOLD = {
    "ref": "H1",
    "head_name": "户主",
    "members": [{"name": "户主", "id_number": OWNER, "collective_member": True}],
    "buildings": [{"use": "residential", "structure": "brick_concrete", "legal_area_m2": "120", "built_year": 2005}],
}


def as_citizen(who: str) -> dict[str, str]:
    """The 浙里办 adapter's key and its signed assertion that ``who`` is signed in."""
    now = int(time.time())
    claims = {"sub": who, "name": "市民", "iat": now, "exp": now + 300}
    assertion = jwt.encode(claims, DEV_ADAPTER_ASSERTION_SECRET, algorithm="HS256")
    return {"X-API-Key": "dev-zheliban-key", "X-Citizen-Assertion": assertion}


def test_every_gateway_example_is_understood_and_every_operation_answered(gateway: TestClient) -> None:
    document = gateway.get("/openapi.json").json()
    own: dict[str, Any] = {
        "components": document["components"],
        "paths": {
            path: item
            for path, item in document["paths"].items()
            if any(
                str(op.get("operationId", "")).startswith("gateway_") for op in item.values() if isinstance(op, dict)
            )
        },
    }
    assert own["paths"]
    answers = RecordedAnswers(gateway, own)
    # The services' databases are shared by the gateway tests: the example's agreement names a household that
    # cannot exist, so the expropriation bureau refuses it (404) and no case is opened.
    agreement = {"household_id": NO_SUCH_HOUSEHOLD, "method": "monetary", "signed_on": "2023-08-15"}
    gateway.headers.update(DEV | {"Idempotency-Key": str(uuid.uuid4())})  # relocation cases require one
    refused = refused_examples(gateway, own, completed={"POST /api/v1/cases/relocation": {"agreement": agreement}})

    # A relocation case of a household of its own, then read and retried (a completed case is shown as it is); the
    # owner's dossiers, asked by staff and by the owner through 浙里办.
    del gateway.headers["Idempotency-Key"]
    project = post(gateway, "/api/expropriation/v1/projects", PROJECT | {"name": f"搬迁联办 {uuid.uuid4().hex[:6]}"})
    household = post(gateway, f"/api/expropriation/v1/projects/{project['id']}/households", HOUSEHOLD)["id"]
    case = gateway.post(
        "/api/v1/cases/relocation", json=case_body(household), headers={"Idempotency-Key": str(uuid.uuid4())}
    ).json()
    gateway.get(f"/api/v1/cases/relocation/{case['id']}")
    gateway.post(f"/api/v1/cases/relocation/{case['id']}/retry")
    gateway.get("/api/v1/me/dossier", headers=as_citizen(OWNER))
    gateway.get("/api/v1/me/notices", headers=as_citizen(OWNER))
    answers.call_the_rest(gateway, {"id_number": OWNER, "uscc": USCC})
    stale = answers.stale("gateway")  # rewrites the file instead with QZ_RECORD_ANSWERS=1
    assert refused == []
    assert answers.unanswered() == []
    assert stale == []
