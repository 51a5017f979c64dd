"""Import and summarize a synthetic archive end to end: embedded default, PostgreSQL + 1 and 2
Celery workers. Reports articles per second (import start -> every summary stored) and the
peak memory of each process. Results: benchmarks/results/scale.{json,md}.

The ``drain-1``/``drain-2`` setups isolate the workers: the archive is imported with no worker
running, then 1 or 2 workers are started and timed until every summary is stored, so the gain
from a second worker shows without the importer competing for the same cores.

    python benchmarks/bench_scale.py                      # 100,000 articles, all five setups
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
SETUPS = ("embedded", "celery-1", "celery-2", "drain-1", "drain-2")


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
    import_seconds: float | None = None  # drain-N: the import before the workers started
    steady_per_second: float | None = None  # drain-N: from the first summaries on (no start-up)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # user + system, per process


def _wait_rss(
    proc: subprocess.Popen[bytes], timeout: float | None = None
) -> tuple[int, float, float]:
    """Wait for a child; (exit status, its own peak RSS in MB, its CPU seconds) via wait4."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
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


def _start_workers(env: dict[str, str], count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` solo-pool ``kurzum worker`` processes (each uses one core)."""
    return [
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
        for i in range(count)
    ]


def _stop_workers(
    procs: list[subprocess.Popen[bytes]], rss: dict[str, float], cpu: dict[str, float]
) -> None:
    for i, proc in enumerate(procs):
        proc.send_signal(signal.SIGTERM)
        _, worker_rss, worker_cpu = _wait_rss(proc, timeout=60)
        rss[f"worker{i + 1}"] = round(worker_rss, 1)
        cpu[f"worker{i + 1}"] = round(worker_cpu, 1)


def _import(env: dict[str, str], archive: Path, via: str, *, wait: bool) -> tuple[float, float]:
    """Run ``kurzum import`` (``--wait``: until every summary is stored); its peak RSS in MB
    and CPU seconds."""
    args = [sys.executable, "-m", "kurzum", "import", str(archive), "--publication", "bench"]
    args += ["--via", via, *(["--wait", "--timeout", "7200"] if wait else [])]
    importer = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    status, import_rss, import_cpu = _wait_rss(importer)
    if status != 0:
        err = importer.stderr.read().decode() if importer.stderr else ""
        raise RuntimeError(f"import exited {status}: {err[-2000:]}")
    return import_rss, import_cpu


def _wait_drained(database_url: str, n: int, timeout: float = 7200) -> tuple[float, int]:
    """Poll until no article is pending (the workers drained the queue); returns when the first
    summaries were seen (perf_counter) and how many were done then."""
    import psycopg

    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    deadline = time.monotonic() + timeout
    first: tuple[float, int] | None = None
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute("SELECT count(*) FROM articles WHERE status = 'pending'").fetchone()
            pending = n if row is None else int(row[0])
            if first is None and pending < n:
                first = (time.perf_counter(), n - pending)
            if pending == 0:
                return first or (time.perf_counter(), n)
            time.sleep(0.2)
    raise TimeoutError("the workers did not drain the queue")


def run_setup(setup: str, archive: Path, n: int, workdir: Path) -> Run:
    """Import ``archive`` with one setup and wait for every summary.

    ``celery-N``: the workers run while ``kurzum import --wait`` imports (end to end).
    ``drain-N``: ``kurzum import`` first with no worker running, then N workers are started
    and timed until the queue is drained: the workers' own throughput and scaling, without the
    importer competing for the same cores."""
    if setup == "embedded":
        env = _env({"KURZUM_DATA_DIR": str(workdir / "embedded"), "KURZUM_WORKER": "thread"})
        via = "inprocess"
        workers = 0
    else:
        _flush_redis()
        database_url = _recreate_pg()
        env = _env(
            {
                "KURZUM_DATABASE_URL": database_url,
                "KURZUM_WORKER": "celery",
                "KURZUM_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
                "KURZUM_DATA_DIR": str(workdir / setup),
            }
        )
        via = "celery"
        workers = int(setup.split("-")[1])
    _setup_database(env)
    rss: dict[str, float] = {}
    cpu: dict[str, float] = {}
    import_seconds: float | None = None
    steady: float | None = None
    if setup.startswith("drain-"):
        start = time.perf_counter()
        import_rss, import_cpu = _import(env, archive, via, wait=False)
        import_seconds = round(time.perf_counter() - start, 1)
        start = time.perf_counter()  # worker start-up is part of the drain time
        procs = _start_workers(env, workers)
        first_at, first_done = _wait_drained(database_url, n)
        end = time.perf_counter()
        seconds = end - start
        if end > first_at:  # from the first stored summaries on: without worker start-up
            steady = round((n - first_done) / (end - first_at), 1)
    else:
        procs = _start_workers(env, workers)
        time.sleep(3 if workers else 0)  # workers connected before the clock starts
        start = time.perf_counter()
        import_rss, import_cpu = _import(env, archive, via, wait=True)
        seconds = time.perf_counter() - start
    rss["import"], cpu["import"] = round(import_rss, 1), round(import_cpu, 1)
    _stop_workers(procs, rss, cpu)
    summaries, failed = _count(env)
    return Run(
        setup,
        n,
        round(seconds, 1),
        round(n / seconds, 1),
        summaries,
        failed,
        rss,
        import_seconds,
        steady,
        cpu,
    )


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
        f"load average at the end {meta['load_average_at_end']} "
        "(PostgreSQL, Redis, the import and the workers share the CPUs)",
        "",
        "| setup | articles/s | seconds | summaries | failed | peak RSS (MB) | CPU s |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for r in runs:
        rss = ", ".join(f"{k} {v:.0f}" for k, v in r.peak_rss_mb.items())
        cpu = ", ".join(f"{k} {v:.1f}" for k, v in r.cpu_seconds.items())
        seconds = f"{r.seconds:.1f}"
        if r.import_seconds is not None:
            seconds += f" (after a {r.import_seconds:.1f} s import)"
        if r.steady_per_second is not None:
            seconds += f"; {r.steady_per_second:.1f}/s after start-up"
        lines.append(
            f"| {r.setup} | {r.per_second:.1f} | {seconds} | {r.summaries} | {r.failed} "
            f"| {rss} | {cpu} |"
        )
    if any(r.import_seconds is not None for r in runs):
        lines += [
            "",
            "drain-N: imported with no worker running, then N workers started and timed until "
            "every summary was stored (worker start-up included): the workers' own throughput.",
        ]
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
