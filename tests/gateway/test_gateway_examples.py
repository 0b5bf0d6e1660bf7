"""The gateway's own request bodies have a realistic example that the platform understands."""

import uuid
from typing import Any

from fastapi.testclient import TestClient
from request_examples import refused_examples

DEV = {"X-API-Key": "dev-key"}
NO_SUCH_HOUSEHOLD = 2**63 - 1


def test_every_gateway_example_is_understood(gateway: TestClient) -> None:
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
    # The services' databases are shared by the gateway tests: the example's agreement names a household that
    # cannot exist, so the expropriation bureau refuses it (404) and no case is opened.
    agreement = {"household_id": NO_SUCH_HOUSEHOLD, "method": "monetary", "signed_on": "2023-08-15"}
    gateway.headers.update(DEV | {"Idempotency-Key": str(uuid.uuid4())})  # relocation cases require one
    assert refused_examples(gateway, own, completed={"POST /api/v1/cases/relocation": {"agreement": agreement}}) == []
