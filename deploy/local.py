"""Run the whole platform on this machine: four services and the gateway, each on its own SQLite file.

Started by ``./dev up``. Dev mode (QZ_DEV_MODE=true) accepts the API key ``dev-key``, and the gateway signs the
internal identity tokens with the built-in dev-only key pair (qz_common.settings), so nothing needs setting up.
Each process applies its own migrations at start (python -m qz_common.serve).
Ctrl-C stops everything; if one process dies, the others are stopped too.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOYABLES = {"expropriation": 8001, "medinsurance": 8002, "science": 8003, "dogs": 8004, "gateway": 8000}


def _wait_healthy(port: int, process: subprocess.Popen[bytes], timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                return bool(response.status == 200)
        except OSError:
            time.sleep(0.2)
    return False


def main() -> int:
    var = ROOT / "var"
    (var / "logs").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QZ_DEV_MODE": os.environ.get("QZ_DEV_MODE", "true")}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    for name, port in DEPLOYABLES.items():
        env[f"{name.upper()}_DATABASE_URL"] = os.environ.get(
            f"{name.upper()}_DATABASE_URL", f"sqlite:///{var}/{name}.db"
        )
        log = (var / "logs" / f"{name}.log").open("ab")
        # -P: the repository root must not shadow the installed packages (gateway/ is both a folder and a package).
        command = [sys.executable, "-P", "-m", "qz_common.serve", name, "--port", str(port)]
        processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)

    def stop_all(*_: object) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop_all(), sys.exit(0)))
    for name, port in DEPLOYABLES.items():
        if not _wait_healthy(port, processes[name]):
            print(f"{name} did not start; see var/logs/{name}.log", file=sys.stderr)
            stop_all()
            return 1
        print(f"  {name:<14} http://127.0.0.1:{port}  (log: var/logs/{name}.log)")
    print("Gateway ready: http://127.0.0.1:8000/docs — API key for dev mode: dev-key. Ctrl-C to stop.")
    try:
        while all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        dead = [n for n, p in processes.items() if p.poll() is not None]
        print(f"stopped unexpectedly: {', '.join(dead)}; see var/logs/", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
