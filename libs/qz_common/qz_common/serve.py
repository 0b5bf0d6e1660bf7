"""Start one deployable: apply its migrations, then serve it with uvicorn.

    python -m qz_common.serve dogs --port 8004 [--workers 4]

Used by the local runner, the image (deploy/Dockerfile), docker-compose and Kubernetes alike, so "migrations applied at
start" is one code path everywhere. Several replicas may start at once: :func:`qz_common.migrations.upgrade`
serialises them with a PostgreSQL advisory lock. On Kubernetes an init container runs ``--migrate-only`` and
the server runs ``--skip-migrations``.
"""

import argparse
import importlib

import uvicorn

from qz_common.migrations import upgrade


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", help="dogs | expropriation | medinsurance | science | gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--workers", type=int, default=1, help="server processes on this host (default 1)")
    steps = parser.add_mutually_exclusive_group()
    steps.add_argument("--migrate-only", action="store_true", help="apply the migrations and exit")
    steps.add_argument("--skip-migrations", action="store_true", help="serve without applying migrations")
    args = parser.parse_args()
    if args.port is None and not args.migrate_only:
        parser.error("--port is required to serve")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    factory = f"{args.package}.main:create_app"
    if not args.skip_migrations:
        settings = importlib.import_module(f"{args.package}.main").create_app().state.settings
        upgrade(args.package, settings.database_url)
    if args.migrate_only:
        return
    # An import string, so each worker process builds its own app (engine, connection pool, tracer).
    uvicorn.run(
        factory, factory=True, host=args.host, port=args.port, workers=args.workers, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
