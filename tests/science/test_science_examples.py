"""Every request body of the science API has a realistic example that the API understands."""

from fastapi.testclient import TestClient
from request_examples import refused_examples

from science.api.examples import ENTERPRISE_USCC


def test_every_example_is_understood(client: TestClient) -> None:
    # In document order the example enterprise, institute, carrier, pool and claim become the records they cite.
    document = client.get("/openapi.json").json()
    assert refused_examples(client, document, {"uscc": ENTERPRISE_USCC}) == []
