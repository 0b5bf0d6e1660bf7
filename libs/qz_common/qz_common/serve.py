"""Start one deployable: apply its migrations, then serve it with uvicorn.

    python -m qz_common.serve dogs --port 8004

Used by the local runner, the Dockerfiles and docker-compose alike, so
"migrations applied at start" is one code path everywhere.
"""

import argparse
import importlib

import uvicorn

from qz_common.migrations import upgrade


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("package", help="dogs | expropriation | medinsurance | science | gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = importlib.import_module(f"{args.package}.main").create_app()
    upgrade(args.package, app.state.settings.database_url)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
