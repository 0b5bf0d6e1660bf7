"""Idempotent creates (qz_common.idempotency) through the dogs API, on SQLite and PostgreSQL alike."""

import asyncio

import httpx
from dogs_testdata import registration_body, vaccination_body
from fastapi.testclient import TestClient
from testkit import identity_headers

from dogs.main import create_app
from dogs.settings import DogsSettings
from qz_common.settings import PlatformSettings


def test_twenty_simultaneous_creates_with_one_key_make_one_record(dogs_settings: DogsSettings) -> None:
    """Every one of the 20 answers is the one record, with the original 201; the other 19 say they are replays."""

    async def scenario() -> tuple[list[httpx.Response], dict[str, object]]:
        app = create_app(dogs_settings, PlatformSettings(dev_mode=True))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://dogs", headers=identity_headers("dogs")
        ) as http:
            responses = await asyncio.gather(
                *(
                    http.post("/v1/vaccinations", json=vaccination_body(), headers={"Idempotency-Key": "v-1"})
                    for _ in range(20)
                )
            )
            listed = (await http.get("/v1/vaccinations")).json()
        await app.state.db.dispose()
        return list(responses), listed

    responses, listed = asyncio.run(scenario())
    assert listed["total"] == 1
    record_id = listed["items"][0]["id"]  # type: ignore[index]
    assert [(r.status_code, r.json()["id"]) for r in responses] == [(201, record_id)] * 20
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19


def test_a_refused_create_does_not_burn_its_key(client: TestClient) -> None:
    """三: a registration refused for missing materials (422) leaves the key free for the corrected application."""
    key = {"Idempotency-Key": "reg-1"}
    complete = registration_body(client)
    refused = client.post("/v1/registrations", json=complete | {"vaccination_id": None}, headers=key)
    assert (refused.status_code, refused.json()["code"]) == (422, "registration_materials_invalid")

    created = client.post("/v1/registrations", json=complete, headers=key)
    assert created.status_code == 201, created.text
    replayed = client.post("/v1/registrations", json=complete, headers=key)
    assert (replayed.status_code, replayed.json()) == (201, created.json())
    assert replayed.headers["Idempotent-Replayed"] == "true"
    # now that the key has made a record, the refused body is another request under the same key
    reused = client.post("/v1/registrations", json=complete | {"vaccination_id": None}, headers=key)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
    assert client.get("/v1/registrations").json()["total"] == 1
