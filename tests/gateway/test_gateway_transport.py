"""The gateway's transport to the services (gateway/transport.py) and what it passes back."""

import socket
import threading
from collections.abc import Callable, Iterator

import pytest
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


@pytest.fixture
def cut_short_bureau() -> Iterator[str]:
    """A real upstream that promises a 100-byte JSON body, sends 9 bytes of it and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:  # closed: the test is over
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n")
                connection.sendall(b'{"status"')

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    thread.join(5)


def test_a_body_cut_short_is_a_problem_of_the_service_not_a_500(
    make_gateway: Callable[..., TestClient], cut_short_bureau: str, service_processes: dict[str, ServiceProcess]
) -> None:
    """The answer's head came, its body did not: the caller gets a 502 problem naming the service (the half body
    is never passed on as if whole), and the pool's slot is given back (a pool of one serves the next call)."""
    urls = {name: p.url for name, p in service_processes.items()} | {"dogs": cut_short_bureau}
    gateway = make_gateway(urls, pool_connections_per_service=1, pool_wait_s=0.5, retry_attempts=0)
    for _ in range(2):
        r = gateway.get("/api/dogs/v1/anything", headers=DEV)
        assert (r.status_code, r.json()["code"], r.json()["service"]) == (502, "upstream_error", "dogs")
