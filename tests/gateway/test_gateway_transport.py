"""The gateway's transport to the services (gateway/transport.py) and what it passes back."""

from collections.abc import Callable

from fastapi.testclient import TestClient
from testkit import ServiceProcess

DEV = {"X-API-Key": "dev-key"}
CLASSIFY = {"breed": "金毛", "shoulder_height_cm": 56, "body_length_cm": 70}


def test_a_connection_the_service_closed_is_not_reused(
    make_gateway: Callable[..., TestClient], spare_dogs: ServiceProcess, service_processes: dict[str, ServiceProcess]
) -> None:
    """The service restarts between two calls: its kept-alive connection is gone, and the transport's hang-up check
    (the one gateway/transport.py makes cheaper) sees that before sending on it. No retries here, and a POST without
    Idempotency-Key is never retried anyway, so a stale connection would have been a 503."""
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": spare_dogs.url}
    gateway = make_gateway(urls, retry_attempts=0)
    assert gateway.post("/api/dogs/v1/classify", json=CLASSIFY, headers=DEV).status_code == 200

    spare_dogs.stop()
    spare_dogs.start()  # the same port, a new process: the old connection was closed by the one that stopped

    again = gateway.post("/api/dogs/v1/classify", json=CLASSIFY, headers=DEV)
    assert again.status_code == 200
    assert again.json() == gateway.post("/api/dogs/v1/classify", json=CLASSIFY, headers=DEV).json()


def test_the_services_date_and_server_headers_are_not_passed_on(gateway: TestClient) -> None:
    """The gateway's own server (uvicorn) writes Date and Server: passing the service's on as well made two of each."""
    response = gateway.post("/api/dogs/v1/classify", json=CLASSIFY, headers=DEV)
    assert response.status_code == 200
    assert response.headers.get_list("date") == []  # no server under TestClient, so none at all here
    assert response.headers.get_list("server") == []
