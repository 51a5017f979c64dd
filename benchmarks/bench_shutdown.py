"""Seconds from SIGTERM to exit: `kurzum serve` (one and two processes) and `kurzum worker`
(solo and prefork pools, Redis), idle after start. Runs the code on PYTHONPATH; results are
merged into benchmarks/results/shutdown.md under --label.

    PYTHONPATH=src python benchmarks/bench_shutdown.py --label after
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
BROKER = "redis://127.0.0.1:6379/7"


def _env(tmp: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
    return env | {
        "KURZUM_ENVIRONMENT": "test",
        "KURZUM_DATA_DIR": tmp,
        "KURZUM_PORT": str(port),
        "KURZUM_BROKER_URL": BROKER,
    }


def _stop(proc: subprocess.Popen[bytes]) -> float:
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(60)
    return round(time.monotonic() - start, 2)


def serve(tmp: str, workers: int) -> float:
    port = 18500 + os.getpid() % 400
    cmd = [sys.executable, "-m", "kurzum", "serve", "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=_env(tmp, port), stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    time.sleep(2)
    return _stop(proc)


def worker(tmp: str, pool: str) -> float:
    log = Path(tmp) / f"worker-{pool}.log"
    with log.open("w+") as out:
        cmd = [sys.executable, "-m", "kurzum", "worker", "--pool", pool, "--concurrency", "2"]
        env = _env(tmp, 8000) | {"KURZUM_WORKER": "celery"}
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "ready" not in log.read_text():
            time.sleep(0.2)
        time.sleep(3)
        return _stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kurzum-shutdown-") as tmp:
        subprocess.run(
            [sys.executable, "-m", "kurzum", "db", "upgrade"], env=_env(tmp, 8000), check=True
        )
        row = {
            "serve": serve(tmp, 1),
            "serve --workers 2": serve(tmp, 2),
            "worker --pool solo": worker(tmp, "solo"),
            "worker --pool prefork": worker(tmp, "prefork"),
        }
    print(json.dumps(row))
    store = RESULTS / "shutdown.json"
    data = json.loads(store.read_text()) if store.exists() else {}
    data[args.label] = row
    store.write_text(json.dumps(data, indent=2) + "\n")
    names = list(row)
    lines = [
        "# Seconds from SIGTERM to exit (idle, `benchmarks/bench_shutdown.py`)",
        "",
        "| version | " + " | ".join(f"`{n}`" for n in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for label, values in data.items():
        lines.append(f"| {label} | " + " | ".join(str(values.get(n, "")) for n in names) + " |")
    (RESULTS / "shutdown.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
