"""Load on loopback with wrk: the reader summary endpoint and the article page of a premium
article, for anonymous readers, subscribers and a 50/50 mix. Reports requests per second, p50,
p99 and errors. Results: benchmarks/results/load.{json,md}.

    python benchmarks/bench_load.py                   # 60 s per run
    python benchmarks/bench_load.py --duration 10 --workers 1

The service runs as ``kurzum serve --workers N`` (uvicorn) on an embedded (SQLite) database
loaded with a demo-like publication; wrk (Debian package ``wrk``) must be installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from served import SEED_HEAD, free_port, server_env

RESULTS = Path(__file__).parent / "results"
ARTICLE = "nordkorea-1"
BODY = (
    "Nordkorea hat am Dienstag erneut eine ballistische Rakete getestet. Die Rakete flog "
    "nach Angaben des südkoreanischen Generalstabs rund 400 Kilometer weit.\n\n"
    "Japan und Südkorea verurteilten den Test scharf. Die USA riefen Pjöngjang zu "
    "Gesprächen ohne Vorbedingungen auf.\n\nEs ist bereits der dritte Test in diesem Monat."
)
LUA = """
local cookie = os.getenv("KZ_COOKIE")
local share = tonumber(os.getenv("KZ_SUBSCRIBER_SHARE"))
local path = os.getenv("KZ_PATH")
local n = 0
request = function()
  n = n + 1
  local headers = {}
  if share >= 1 or (share > 0 and n % math.floor(1 / share) == 0) then
    headers["Cookie"] = "kurzum_session=" .. cookie
  end
  return wrk.format("GET", path, headers)
end
"""


@dataclass
class LoadRun:
    """One wrk run."""

    target: str
    mix: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    seconds: int


def _prepare(data_dir: Path) -> str:
    """Demo-like data: a premium article with a published summary and a subscriber session."""
    code = (
        SEED_HEAD
        + f"""
with session_scope(f) as db:
    pub = articles.create_publication(db, slug="blick", name="Blick", language="de",
        premium_label="Blick+", notices={{"de": "Nur mit Abo."}})
    articles.upsert_article(db, pub, {ARTICLE!r}, ArticleInput(
        text=text_from_plain("Nordkorea testet Rakete", None, {BODY!r}), language="de",
        premium=True), Actor("bench"))
    user = accounts.create_user(db, "abo@example.org", "correct horse battery")
    accounts.add_subscription(db, user, pub)
    token = accounts.create_session(db, user, timedelta(days=1))
InProcessWorker(f, s).drain()
print(token)
"""
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=server_env(data_dir),
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    """(req/s, p50 ms, p99 ms, requests, errors) from ``wrk --latency`` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), "
        r"timeout (\d+)",
        output,
    )
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non2xx:
        errors += int(non2xx.group(1))
    return rps, p50, p99, total, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per run")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("bench_load: skipped: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 0
    runs: list[LoadRun] = []
    with tempfile.TemporaryDirectory(prefix="kurzum-load-") as tmp:
        data_dir = Path(tmp)
        cookie = _prepare(data_dir)
        script = data_dir / "mix.lua"
        script.write_text(LUA)
        port = free_port()
        server = subprocess.Popen(  # as users run it: the access log is off outside development
            [
                sys.executable,
                "-m",
                "kurzum",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=server_env(data_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.2)
            targets = {
                "reader-summary-api": f"/api/v1/reader/publications/blick/articles/"
                f"{ARTICLE}/summary",
                "article-page": f"/p/blick/{ARTICLE}",
            }
            for target, path in targets.items():
                for mix, share in (("anonymous", "0"), ("subscriber", "1"), ("50/50", "0.5")):
                    env = os.environ | {
                        "KZ_COOKIE": cookie,
                        "KZ_SUBSCRIBER_SHARE": share,
                        "KZ_PATH": path,
                    }
                    out = subprocess.run(
                        [
                            wrk,
                            "-t",
                            "1",
                            "-c",
                            str(args.connections),
                            "-d",
                            f"{args.duration}s",
                            "--latency",
                            "-s",
                            str(script),
                            base,
                        ],
                        env=env,
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                    rps, p50, p99, total, errors = parse_wrk(out)
                    run = LoadRun(
                        target, mix, rps, round(p50, 2), round(p99, 2), total, errors, args.duration
                    )
                    print(json.dumps(asdict(run)), flush=True)
                    runs.append(run)
        finally:
            server.terminate()
            server.wait(20)
    write_results(runs, args)
    return 0


def write_results(runs: list[LoadRun], args: argparse.Namespace) -> None:
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "uvicorn_workers": args.workers,
        "connections": args.connections,
        "command": " ".join(["python", *sys.argv]),
        "load_average_at_end": os.getloadavg()[0],
    }
    (RESULTS / "load.json").write_text(
        json.dumps({"meta": meta, "runs": [asdict(r) for r in runs]}, indent=2) + "\n"
    )
    lines = [
        "# Load on loopback (wrk, premium article, SQLite)",
        "",
        f"{meta['date']}, {meta['cpus']} CPUs, kurzum serve --workers {args.workers}, wrk "
        f"-t1 -c{args.connections}, {args.duration} s per run; `{meta['command']}`; "
        f"load average at the end {meta['load_average_at_end']:.1f}",
        "",
        "| target | readers | req/s | p50 ms | p99 ms | requests | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r.target} | {r.mix} | {r.requests_per_second:.0f} | {r.p50_ms:.1f} | "
        f"{r.p99_ms:.1f} | {r.requests} | {r.errors} |"
        for r in runs
    ]
    (RESULTS / "load.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
