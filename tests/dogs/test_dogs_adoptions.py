"""四 领养: earliest submission wins, strictly, even for simultaneous requests."""

import asyncio
import datetime as dt

import httpx
from dogs_testdata import ALL_CONFIRMED, SHELTER_DOG, applicant
from fastapi.testclient import TestClient
from testkit import identity_headers

from dogs.main import create_app
from dogs.rules.adoption import CHECKLIST
from dogs.settings import DogsSettings
from qz_common.settings import PlatformSettings


def apply(client: TestClient, dog: dict[str, object], n: int) -> dict[str, object]:
    response = client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=applicant(n))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_queue_order_and_approval(client: TestClient) -> None:
    dog = client.post("/v1/shelter-dogs", json=SHELTER_DOG).json()
    first, second = (apply(client, dog, i) for i in (1, 2))
    assert (first["queue_position"], second["queue_position"]) == (1, 2)

    jump = client.post(f"/v1/adoption-applications/{second['id']}/approve", json=ALL_CONFIRMED)
    assert (jump.status_code, jump.json()["code"]) == (409, "earlier_application_pending")

    unchecked = client.post(f"/v1/adoption-applications/{first['id']}/approve", json={"checklist": {}})
    assert (unchecked.status_code, unchecked.json()["code"]) == (422, "adoption_conditions_unmet")
    assert len(unchecked.json()["errors"]) == len(CHECKLIST)

    approved = client.post(f"/v1/adoption-applications/{first['id']}/approve", json=ALL_CONFIRMED)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    others = client.get("/v1/adoption-applications", params={"dog_id": dog["id"]}).json()["items"]
    assert [a["status"] for a in others] == ["approved", "closed"]
    late = client.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=applicant(3))
    assert (late.status_code, late.json()["code"]) == (409, "dog_not_available")


def test_rejecting_the_first_lets_the_second_through(client: TestClient) -> None:
    dog = client.post("/v1/shelter-dogs", json=SHELTER_DOG).json()
    first, second = (apply(client, dog, i) for i in (1, 2))
    client.post(f"/v1/adoption-applications/{first['id']}/reject", json={"reasons": ["住所不适宜养犬"]})
    assert client.post(f"/v1/adoption-applications/{second['id']}/approve", json=ALL_CONFIRMED).status_code == 200


def test_unknown_dog_is_404(client: TestClient) -> None:
    r = client.post("/v1/shelter-dogs/999/applications", json=applicant(1))
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_simultaneous_applications_get_a_strict_order(dogs_settings: DogsSettings) -> None:
    """Twenty applications for one dog at the same instant: positions 1..20, once each, in time order."""

    async def scenario() -> list[dict[str, object]]:
        app = create_app(dogs_settings, PlatformSettings(dev_mode=True))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://dogs", headers=identity_headers("dogs")
        ) as http:
            dog = (await http.post("/v1/shelter-dogs", json=SHELTER_DOG)).json()
            responses = await asyncio.gather(
                *(http.post(f"/v1/shelter-dogs/{dog['id']}/applications", json=applicant(i)) for i in range(20))
            )
        await app.state.db.dispose()
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses if r.status_code != 201]
        return [r.json() for r in responses]

    applications = asyncio.run(scenario())
    positions = sorted(int(a["queue_position"]) for a in applications)  # type: ignore[call-overload]
    assert positions == list(range(1, 21))
    by_position = sorted(applications, key=lambda a: a["queue_position"])  # type: ignore[arg-type, return-value]
    times = [dt.datetime.fromisoformat(str(a["submitted_at"])) for a in by_position]
    assert times == sorted(times)  # earlier position never carries a later submission time
