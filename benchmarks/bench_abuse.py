"""Anonymous abuse on loopback: 200 concurrent logins and registrations at once (issue 14).

Measures, for one ``kurzum serve`` process, the resident memory (baseline and peak, process
tree summed from /proc) and whether other requests (``/healthz`` and the reader summary API,
probed every 100 ms) keep being answered while the burst runs; counts the burst's answers by
status. ``--before REF`` runs the same scenario on the code of a git ref (e.g. ``main``) as
well, from a ``git archive`` of its ``src``. Results: benchmarks/results/abuse.md (and .json).

    python benchmarks/bench_abuse.py --before main
    python benchmarks/bench_abuse.py --concurrency 200 --waves 3

Bounded: ``waves`` bursts of ``concurrency`` requests (half logins with wrong passwords, half
registrations), each request with a 60 s timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from served import SEED_HEAD, free_port, server_env

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results"
ARTICLE = "abuse-1"
BODY = (
    "Der Bundesrat hat am Montag ein neues Gesetz zur Energie beschlossen. "
    "Es kostet 120 Millionen Franken und tritt 2026 in Kraft.\n\n"
    "Die Kantone Zürich und Bern begrüssen den Entscheid. Kritik kommt von der SVP."
)
PREPARE = (
    SEED_HEAD
    + f"""
with session_scope(f) as db:
    pub = articles.create_publication(db, slug="blick", name="Blick", language="de")
    articles.upsert_article(db, pub, {ARTICLE!r}, ArticleInput(
        text=text_from_plain("Energiegesetz", None, {BODY!r}), language="de"), Actor("bench"))
    accounts.create_user(db, "abo@example.org", "correct horse battery staple 42")
InProcessWorker(f, s).drain()
"""
)


@dataclass
class Outcome:
    """One scenario run on one code version."""

    code: str
    baseline_rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    burst_seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    probes: int = 0
    probe_failures: int = 0
    probe_p50_ms: float = 0.0
    probe_p99_ms: float = 0.0
    probe_max_ms: float = 0.0


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MiB), from /proc."""
    total = 0
    pids = [pid]
    seen: set[int] = set()
    while pids:
        current = pids.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        pids.extend(int(c) for c in children)
    return total / 1024


async def _burst(base: str, concurrency: int, wave: int, statuses: dict[str, int]) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def one(n: int) -> None:
            if n % 2:
                path = "/api/v1/auth/login"
                body = {"email": f"victim{n % 7}@example.org", "password": f"guess-{wave}-{n}-x"}
            else:
                path = "/api/v1/auth/register"
                body = {"email": f"new{wave}-{n}@example.org", "password": f"Pw-{wave}-{n}-long!"}
            try:
                response = await client.post(path, json=body)
                key = str(response.status_code)
            except httpx.HTTPError as exc:
                key = type(exc).__name__
            statuses[key] = statuses.get(key, 0) + 1

        await asyncio.gather(*(one(n) for n in range(concurrency)))


async def _probe(base: str, stop: asyncio.Event, latencies: list[float], fails: list[int]) -> None:
    reader = f"/api/v1/reader/publications/blick/articles/{ARTICLE}/summary"
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        turn = 0
        while not stop.is_set():
            path = "/healthz" if turn % 2 == 0 else reader
            turn += 1
            start = time.perf_counter()
            try:
                response = await client.get(path)
                if response.status_code != 200:
                    fails.append(response.status_code)
            except httpx.HTTPError:
                fails.append(0)
            latencies.append((time.perf_counter() - start) * 1000)
            await asyncio.sleep(0.1)


async def _sample(pid: int, stop: asyncio.Event, peak: list[float]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], _tree_rss_mb(pid))
        await asyncio.sleep(0.05)


async def _scenario(base: str, pid: int, args: argparse.Namespace, out: Outcome) -> None:
    stop = asyncio.Event()
    latencies: list[float] = []
    fails: list[int] = []
    peak = [_tree_rss_mb(pid)]
    tasks = [
        asyncio.create_task(_probe(base, stop, latencies, fails)),
        asyncio.create_task(_sample(pid, stop, peak)),
    ]
    start = time.perf_counter()
    for wave in range(args.waves):
        await _burst(base, args.concurrency, wave, out.statuses)
    out.burst_seconds = round(time.perf_counter() - start, 1)
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*tasks)
    out.peak_rss_mb = round(peak[0], 1)
    out.probes = len(latencies)
    out.probe_failures = len(fails)
    if latencies:
        ordered = sorted(latencies)
        out.probe_p50_ms = round(statistics.median(ordered), 1)
        out.probe_p99_ms = round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1)
        out.probe_max_ms = round(ordered[-1], 1)


def run(code: str, src: Path, args: argparse.Namespace) -> Outcome:
    """Prepare a database, start ``kurzum serve`` on ``src``, run the bursts, stop it."""
    out = Outcome(code)
    with tempfile.TemporaryDirectory(prefix="kurzum-abuse-") as tmp:
        data_dir = Path(tmp)
        env = server_env(data_dir, src)
        subprocess.run([sys.executable, "-c", PREPARE], env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "kurzum", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    httpx.get(f"{base}/healthz", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            httpx.get(f"{base}/api/v1/reader/publications/blick/articles/{ARTICLE}/summary")
            time.sleep(1)
            out.baseline_rss_mb = round(_tree_rss_mb(server.pid), 1)
            asyncio.run(_scenario(base, server.pid, args, out))
        finally:
            server.terminate()
            server.wait(30)
    print(json.dumps(asdict(out)), flush=True)
    return out


def _archive_src(ref: str, into: Path) -> Path:
    """The ``src`` tree of a git ref, extracted into ``into``."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--waves", type=int, default=2)
    parser.add_argument("--before", help="a git ref to measure as well (e.g. main)")
    parser.add_argument("--ceiling-mb", type=float, default=600.0, help="stated RSS ceiling")
    args = parser.parse_args()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="kurzum-abuse-src-") as tmp:
        if args.before:
            outcomes.append(
                run(f"before ({args.before})", _archive_src(args.before, Path(tmp)), args)
            )
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        outcomes.append(run(f"after ({head})", ROOT / "src", args))
    write_results(outcomes, args)
    after = outcomes[-1]
    ok = after.peak_rss_mb <= args.ceiling_mb and after.probe_failures == 0
    return 0 if ok else 1


def write_results(outcomes: list[Outcome], args: argparse.Namespace) -> None:
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "command": " ".join(["python", *sys.argv]),
        "load_average_at_end": os.getloadavg()[0],
        "ceiling_mb": args.ceiling_mb,
    }
    (RESULTS / "abuse.json").write_text(
        json.dumps({"meta": meta, "runs": [asdict(o) for o in outcomes]}, indent=2) + "\n"
    )
    lines = [
        "# Anonymous login/registration burst on loopback (one `kurzum serve` process, SQLite)",
        "",
        f"{meta['date']}, {meta['cpus']} CPUs, {args.waves} waves of {args.concurrency} "
        f"concurrent requests (half logins with wrong passwords, half registrations), "
        f"`/healthz` and the reader API probed every 100 ms meanwhile; `{meta['command']}`; "
        f"load average at the end {meta['load_average_at_end']:.1f}. Stated ceiling: "
        f"{args.ceiling_mb:.0f} MiB RSS.",
        "",
        "| code | RSS before MiB | RSS peak MiB | burst s | answers | probes | probe "
        "failures | probe p50 ms | probe p99 ms | probe max ms |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(o.statuses.items()))
        lines.append(
            f"| {o.code} | {o.baseline_rss_mb:.0f} | {o.peak_rss_mb:.0f} | {o.burst_seconds} | "
            f"{answers} | {o.probes} | {o.probe_failures} | {o.probe_p50_ms} | "
            f"{o.probe_p99_ms} | {o.probe_max_ms} |"
        )
    (RESULTS / "abuse.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
