"""The yardstick of ``./dev bench``: a bare FastAPI app on the same uvicorn, no middleware, no database.

    .venv/bin/python -P tools/bench_echo.py --port 18090

``GET /echo`` answers a small JSON object; ``POST /echo`` parses the JSON body and answers it back, so an echo POST
of a quote's body costs the framework's share of that quote (receive, parse, serialise, send) and nothing else.
"""

import argparse
from typing import Any

import uvicorn
from fastapi import Body, FastAPI

from qz_common.serve import HeaderDeadlineProtocol

app = FastAPI()


@app.get("/echo")
async def echo_get() -> dict[str, Any]:
    return {"status": "ok"}


@app.post("/echo")
async def echo_post(body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # noqa: B008 (FastAPI's idiom)
    return body


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # The same call qz_common.serve makes for the services, so both sides run the same server stack.
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_config=None, access_log=False, http=HeaderDeadlineProtocol)
