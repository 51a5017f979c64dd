"""A plain install (no `celery`, no `eval` extra) runs the embedded default, and the commands
that need an extra say which one in one line (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BLOCK = "import sys; sys.modules.update(celery=None, kombu=None, rouge_score=None); "


def _run(code: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURZUM_")}
    env |= {"KURZUM_DATA_DIR": str(tmp), "KURZUM_ENVIRONMENT": "test"}
    return subprocess.run(
        [sys.executable, "-c", BLOCK + code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_embedded_default_needs_neither_celery_nor_rouge(tmp_path: Path) -> None:
    code = (
        "from fastapi.testclient import TestClient\n"
        "from kurzum.web.app import create_app\n"
        "from kurzum.storage.db import make_engine, upgrade\n"
        "from kurzum.settings import Settings\n"
        "import kurzum.archive.importer, kurzum.archive.backfill, kurzum.cli\n"
        "s = Settings(worker='off')\n"
        "upgrade(make_engine(s.sqlalchemy_url))\n"
        "with TestClient(create_app(s)) as c: assert c.get('/readyz').status_code == 200\n"
        "assert 'celery' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "print('ok')\n"
    )
    result = _run(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_commands_needing_an_extra_name_it_in_one_line(tmp_path: Path) -> None:
    for args, extra in ((["worker"], "celery"), (["eval", str(tmp_path)], "eval")):
        code = f"from kurzum.cli import main; sys.argv = ['kurzum', *{args!r}]; main()"
        result = _run(code, tmp_path)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, result.stderr
        assert f"pip install 'kurzum[{extra}]'" in lines[0]
