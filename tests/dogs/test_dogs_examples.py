"""Every request body of the dogs API has a realistic example that the API understands."""

from dogs_testdata import photo, vaccination
from fastapi.testclient import TestClient
from request_examples import refused_examples

from dogs.api.examples import OWNER_ID


def test_every_example_is_understood(client: TestClient) -> None:
    # A registration is judged on the day it is filed, with its photos uploaded: the example's owner gets a
    # vaccination current today and two uploaded photos. The example shelter dog and application become records 1.
    registration = {
        "front_photo_id": photo(client),
        "side_photo_id": photo(client),
        "vaccination_id": vaccination(client, owner=OWNER_ID)["id"],
    }
    document = client.get("/openapi.json").json()
    assert refused_examples(client, document, completed={"POST /v1/registrations": registration}) == []
