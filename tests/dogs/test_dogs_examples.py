"""Every request body of the dogs API has a realistic example that the API understands, and every operation shows
an answer it really gave (qz_common.answers)."""

import datetime as dt
import io

from dogs_testdata import (
    IMPOUNDMENT,
    JPEG,
    SHELTER_DOG,
    adoption_application,
    photo,
    submitted_registration,
    vaccination,
)
from fastapi.testclient import TestClient
from request_examples import RecordedAnswers, refused_examples
from testkit import identity_headers

from dogs.api.examples import EXAMPLES, OWNER_ID
from qz_common.clock import today


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
    # A renewal needs a vaccination covering longer than the registration's (due in 300 days): due in 330.
    later = {"vaccination_id": renewing_vaccination(client, 330)}
    completed = {"POST /v1/registrations": registration, "POST /v1/registrations/{registration_id}/renewal": later}
    refused = refused_examples(client, document, completed=completed)

    # The operations no request example reaches: a photo and a registration by id, the owner's own records, a rule
    # asked in the query, a decision on a second application (the first was approved).
    client.get(f"/v1/photos/{registration['front_photo_id']}")
    client.get("/v1/walking-hours/check", params={"at": "2023-06-01T21:30:00+08:00", "key_area": True})
    client.get("/v1/me/records", headers=identity_headers("dogs", citizen=OWNER_ID))
    rejection = EXAMPLES["RejectIn"] | {"document_number": None}  # the example's 文书号 is the first decision's
    client.post(f"/v1/registrations/{submitted_registration(client)['id']}/reject", json=rejection)
    client.post(f"/v1/adoption-applications/{adoption_application(client, 2)['id']}/reject", json=rejection)
    owners_own_journey(client)
    answers.call_the_rest(client, {"id_number": OWNER_ID, "name": "dogs.large_shoulder_height_cm"})
    stale = answers.stale("dogs")  # rewrites the file instead with QZ_RECORD_ANSWERS=1
    assert refused == []
    assert answers.unanswered() == []
    assert stale == []


def renewing_vaccination(client: TestClient, due_in_days: int) -> int:
    day = today()
    due = (day + dt.timedelta(days=due_in_days)).isoformat()
    return int(vaccination(client, owner=OWNER_ID, vaccinated_on=day.isoformat(), next_due_on=due)["id"])


def owners_own_journey(client: TestClient) -> None:
    """The example owner through 浙里办 (/v1/me, which the examples reach only as staff, refused): photos,
    an application, what it lacks, a renewal, a move, an adoption, an impounded dog, what is due."""
    me = identity_headers("dogs", citizen=OWNER_ID)
    photos = [
        client.post("/v1/me/photos", files={"file": ("dog.jpg", io.BytesIO(JPEG), "image/jpeg")}, headers=me).json()
        for _side in ("front", "side")
    ]
    body = EXAMPLES["MyRegistrationIn"] | {
        "vaccination_id": vaccination(client, owner=OWNER_ID)["id"],
        "front_photo_id": photos[0]["id"],
        "side_photo_id": photos[1]["id"],
    }
    filed = client.post("/v1/me/registrations", json=body, headers=me).json()
    client.get(f"/v1/me/registrations/{filed['id']}/materials", headers=me)
    later = {"vaccination_id": renewing_vaccination(client, 360)}
    client.post(f"/v1/me/registrations/{filed['id']}/renewal", json=later, headers=me)
    client.post("/v1/me/address-change", json=EXAMPLES["MyAddressChangeIn"], headers=me)
    dog = client.post("/v1/shelter-dogs", json=SHELTER_DOG).json()
    client.get("/v1/me/shelter-dogs", headers=me)
    client.post(f"/v1/me/shelter-dogs/{dog['id']}/applications", json=EXAMPLES["MyAdoptionApplicationIn"], headers=me)
    impounded = client.post("/v1/impoundments", json=IMPOUNDMENT | {"owner_id_number": OWNER_ID}).json()
    client.get("/v1/me/impoundments", headers=me)
    client.get(f"/v1/me/impoundments/{impounded['id']}", headers=me)
    client.get("/v1/me/notices", headers=me)
