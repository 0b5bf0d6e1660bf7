"""Every request body of the medinsurance API has a realistic example that the API understands."""

from fastapi.testclient import TestClient
from request_examples import refused_examples


def test_every_example_is_understood(client: TestClient) -> None:
    # In document order the example institution, application and agreement become records 1, cited later.
    assert refused_examples(client, client.get("/openapi.json").json()) == []
