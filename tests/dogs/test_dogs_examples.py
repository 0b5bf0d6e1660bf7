"""Every request body of the dogs API has a realistic example that the API understands, and every operation shows
an answer it really gave (qz_common.answers)."""

from dogs_testdata import adoption_application, photo, submitted_registration, vaccination
from fastapi.testclient import TestClient
from request_examples import RecordedAnswers, refused_examples
from testkit import identity_headers

from dogs.api.examples import EXAMPLES, OWNER_ID


def test_every_example_is_understood_and_every_operation_answered(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    answers = RecordedAnswers(client, document)
    # A registration is judged on the day it is filed, with its photos uploaded: the example's owner gets a
    # vaccination current today and two uploaded photos. The example shelter dog and application become records 1.
    registration = {
        "front_photo_id": photo(client),
        "side_photo_id": photo(client),
        "vaccination_id": vaccination(client, owner=OWNER_ID)["id"],
    }
    refused = refused_examples(client, document, completed={"POST /v1/registrations": registration})

    # The operations no request example reaches: a photo and a registration by id, the owner's own records, a rule
    # asked in the query, a decision on a second application (the first was approved).
    client.get(f"/v1/photos/{registration['front_photo_id']}")
    client.get("/v1/walking-hours/check", params={"at": "2023-06-01T21:30:00+08:00", "key_area": True})
    client.get("/v1/me/records", headers=identity_headers("dogs", citizen=OWNER_ID))
    rejection = EXAMPLES["RejectIn"] | {"document_number": None}  # the example's 文书号 is the first decision's
    client.post(f"/v1/registrations/{submitted_registration(client)['id']}/reject", json=rejection)
    client.post(f"/v1/adoption-applications/{adoption_application(client, 2)['id']}/reject", json=rejection)
    answers.call_the_rest(client, {"id_number": OWNER_ID, "name": "dogs.large_shoulder_height_cm"})
    stale = answers.stale("dogs")  # rewrites the file instead with QZ_RECORD_ANSWERS=1
    assert refused == []
    assert answers.unanswered() == []
    assert stale == []
