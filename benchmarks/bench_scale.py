"""Import and summarize a synthetic archive end to end: embedded default, PostgreSQL + 1 and 2
Celery workers. Reports articles per second (import start -> every summary stored) and the
peak memory of each process. Results: benchmarks/results/scale.{json,md}.

    python benchmarks/bench_scale.py                      # 100,000 articles, all three setups
    python benchmarks/bench_scale.py --n 20000 --only celery-2

Needs ../shared/data/dev (the archive is synthesized from it), PostgreSQL at 127.0.0.1:5432
(database ``kurzum_bench``, recreated) and Redis at 127.0.0.1:6379 (db 6, flushed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import write_archive

RESULTS = Path(__file__).parent / "results"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DB = "kurzum_bench"
REDIS_DB = 6
SETUPS = ("embedded", "celery-1", "celery-2")


@dataclass
class Run:
    """One setup's measurement."""

    setup: str
    articles: int
    seconds: float
    per_second: float
    summaries: int
    failed: int
    peak_rss_mb: dict[str, float] = field(default_factory=dict)


def _wait_rss(proc: subprocess.Popen[bytes], timeout: float | None = None) -> tuple[int, float]:
    """Wait for a child and return (exit status, its own peak RSS in MB) via wait4."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss / 1024
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"process {proc.args} did not finish")
        time.sleep(0.2)


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
    return env | {"KURZUM_ENVIRONMENT": "test"} | extra


def _setup_database(env: dict[str, str]) -> None:
    """Migrate and create the publication ``bench`` in the configured database."""
    code = (
        "from kurzum.settings import get_settings\n"
        "from kurzum.storage.db import make_engine, make_session_factory, session_scope, upgrade\n"
        "from kurzum.storage.articles import create_publication\n"
        "s = get_settings(); e = make_engine(s.sqlalchemy_url); upgrade(e)\n"
        "with session_scope(make_session_factory(e)) as db:\n"
        "    create_publication(db, slug='bench', name='Bench', language='de')\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _recreate_pg() -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DB}"


def _flush_redis() -> None:
    with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
        sock.sendall(f"SELECT {REDIS_DB}\r\nFLUSHDB\r\n".encode())
        sock.recv(64)


def _count(env: dict[str, str]) -> tuple[int, int]:
    code = (
        "from sqlalchemy import func, select\n"
        "from kurzum.settings import get_settings\n"
        "from kurzum.storage.db import make_engine, make_session_factory\n"
        "from kurzum.storage.tables import Article, SummaryVersion\n"
        "s = get_settings(); f = make_session_factory(make_engine(s.sqlalchemy_url))\n"
        "with f() as db:\n"
        "    print(db.scalar(select(func.count(SummaryVersion.id))),"
        " db.scalar(select(func.count(Article.id)).where(Article.status == 'failed')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return int(out[0]), int(out[1])


def run_setup(setup: str, archive: Path, n: int, workdir: Path) -> Run:
    """Import ``archive`` with one setup and wait for every summary."""
    if setup == "embedded":
        env = _env({"KURZUM_DATA_DIR": str(workdir / "embedded"), "KURZUM_WORKER": "thread"})
        via = "inprocess"
        workers = 0
    else:
        _flush_redis()
        env = _env(
            {
                "KURZUM_DATABASE_URL": _recreate_pg(),
                "KURZUM_WORKER": "celery",
                "KURZUM_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
                "KURZUM_DATA_DIR": str(workdir / setup),
            }
        )
        via = "celery"
        workers = int(setup.split("-")[1])
    _setup_database(env)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kurzum",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--hostname",
                f"bench{i}@%h",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    time.sleep(3 if workers else 0)  # workers connected before the clock starts
    start = time.perf_counter()
    importer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kurzum",
            "import",
            str(archive),
            "--publication",
            "bench",
            "--via",
            via,
            "--wait",
            "--timeout",
            "7200",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    status, import_rss = _wait_rss(importer)
    seconds = time.perf_counter() - start
    rss = {"import": round(import_rss, 1)}
    for i, proc in enumerate(procs):
        proc.send_signal(signal.SIGTERM)
        _, worker_rss = _wait_rss(proc, timeout=60)
        rss[f"worker{i + 1}"] = round(worker_rss, 1)
    if status != 0:
        err = importer.stderr.read().decode() if importer.stderr else ""
        raise RuntimeError(f"{setup}: import exited {status}: {err[-2000:]}")
    summaries, failed = _count(env)
    return Run(setup, n, round(seconds, 1), round(n / seconds, 1), summaries, failed, rss)


def write_results(runs: list[Run], n: int) -> None:
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "articles": n,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "command": " ".join(["python", *sys.argv]),
        "load_average_at_end": round(os.getloadavg()[0], 1),
    }
    (RESULTS / "scale.json").write_text(
        json.dumps({"meta": meta, "runs": [asdict(r) for r in runs]}, indent=2) + "\n"
    )
    lines = [
        f"# Import + summarize {n:,} synthetic articles end to end",
        "",
        f"{meta['date']}, {meta['cpus']} CPUs, Python {meta['python']}; `{meta['command']}`; "
        f"load average at the end {meta['load_average_at_end']} (other processes share the CPUs)",
        "",
        "| setup | articles/s | seconds | summaries | failed | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in runs:
        rss = ", ".join(f"{k} {v:.0f}" for k, v in r.peak_rss_mb.items())
        lines.append(
            f"| {r.setup} | {r.per_second:.1f} | {r.seconds:.1f} | {r.summaries} | "
            f"{r.failed} | {rss} |"
        )
    (RESULTS / "scale.md").write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=SETUPS, action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kurzum-bench-") as tmp:
        workdir = Path(tmp)
        archive = workdir / "archive.jsonl"
        try:
            write_archive(archive, args.n, args.seed)
        except FileNotFoundError as exc:
            print(f"bench_scale: skipped: {exc}", file=sys.stderr)
            return 0
        runs = []
        for setup in args.only or SETUPS:
            run = run_setup(setup, archive, args.n, workdir)
            print(json.dumps(asdict(run)), flush=True)
            runs.append(run)
    write_results(runs, args.n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
