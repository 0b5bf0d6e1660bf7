"""The server gives each request's headers a deadline (QZ_HEADER_READ_TIMEOUT_S): slow header senders and silent
connections are answered 408 and closed, while idle keep-alive connections and slow bodies keep their own limits.

A real service process (python -m qz_common.serve, as deployed) and raw sockets.
"""

import asyncio
import contextlib
import http.client
import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from testkit import DatabaseFactory, ServiceProcess, identity_headers

HEADER_DEADLINE_S = 1.0
BYTE_INTERVAL_S = 0.2
# A whole, valid request: sent a byte every 0.2 s it takes about 20 s, twenty times the deadline.
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: dogs\r\nX-Padding: " + b"a" * 60 + b"\r\n\r\n"


@pytest.fixture(scope="module")
def dogs(database_factory: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("QZ_HEADER_READ_TIMEOUT_S", str(HEADER_DEADLINE_S))
        process = ServiceProcess("dogs", database_factory.create("dogs"), tmp_path_factory.mktemp("dogs") / "log")
        process.start()
    yield process
    process.stop()


async def trickle(port: int) -> bytes:
    """Send REQUEST a byte at a time; the server's answer (read to its close), whenever it came.

    A byte written after the server closed makes its kernel reset the connection, and a reset may arrive before
    the client has read all of the answer already received: what was read is kept, the reset ends the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    received = bytearray()

    async def read_to_close() -> bytes:
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                received.extend(chunk)
        return bytes(received)

    async def answer(within_s: float) -> bytes:
        received.extend(await asyncio.wait_for(reader.read(65536), within_s))  # a cancelled wait loses no byte
        return await read_to_close()

    try:
        for byte in REQUEST:
            writer.write(bytes([byte]))
            await writer.drain()
            with contextlib.suppress(TimeoutError):
                return await answer(BYTE_INTERVAL_S)
        return await answer(10)
    except ConnectionError:  # the server closed while a byte was on its way
        return await read_to_close()
    finally:
        writer.close()


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def next_response(connection: socket.socket) -> http.client.HTTPResponse:
    """The next whole answer on the connection (read to its end, so the connection is ready for another)."""
    response = http.client.HTTPResponse(connection)
    response.begin()
    response.read()
    return response


async def attack(port: int, url: str) -> tuple[list[bytes], int]:
    """200 slow header senders at once, and a well-behaved client's request while they trickle."""
    senders = [asyncio.create_task(trickle(port)) for _ in range(200)]
    await asyncio.sleep(0.3)
    async with httpx.AsyncClient() as client:
        served = (await client.get(f"{url}/healthz")).status_code
    return list(await asyncio.gather(*senders)), served


def test_slow_header_senders_are_answered_408_and_closed_at_the_deadline(dogs: ServiceProcess) -> None:
    answers, served = asyncio.run(attack(dogs.port, dogs.url))
    assert served == 200
    # 408, not the 200 a whole request gets: each connection was cut before its sender finished the headers
    assert [status_of(answer) for answer in answers] == [408] * 200
    problem = json.loads(answers[0].split(b"\r\n\r\n", 1)[1])
    assert (problem["code"], problem["status"]) == ("header_read_timeout", 408)
    assert b"connection: close" in answers[0].lower()


def test_a_connection_that_sends_nothing_is_closed_at_the_deadline(dogs: ServiceProcess) -> None:
    with socket.create_connection(("127.0.0.1", dogs.port), timeout=10) as silent:
        assert next_response(silent).status == 408
        assert silent.recv(4096) == b""  # closed


def test_an_idle_keep_alive_connection_outlives_the_header_deadline_and_a_slow_body_is_read(
    dogs: ServiceProcess,
) -> None:
    """The deadline covers headers only: the idle time after an answer is uvicorn's keep-alive (5 s), the body has
    the app's own read deadline (30 s)."""
    with socket.create_connection(("127.0.0.1", dogs.port), timeout=10) as connection:
        connection.sendall(REQUEST)
        assert next_response(connection).status == 200
        time.sleep(HEADER_DEADLINE_S * 1.5)
        body = b'{"owner_name": "x"}'
        head = "".join(f"{name}: {value}\r\n" for name, value in identity_headers("dogs").items())
        connection.sendall(
            b"POST /v1/vaccinations HTTP/1.1\r\nHost: dogs\r\ncontent-type: application/json\r\n"
            + head.encode()
            + f"content-length: {len(body)}\r\n\r\n".encode()
        )
        for part in (body[:5], body[5:10], body[10:]):  # 1.5 s in all: longer than the header deadline
            time.sleep(HEADER_DEADLINE_S / 2)
            connection.sendall(part)
        assert next_response(connection).status == 422  # the whole body was read and checked
