"""Progress on a terminal: shown on a TTY's stderr for inputs of several batches, silent otherwise."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grounded_events._validation.progress import INTERVAL, QUIET_BATCHES, Progress
from grounded_events._validation.readers import ARROW_ROWS
from helpers import ROOT

CLI = Path(sys.executable).parent / "grounded-events"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def big_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated events rows as JSON lines, enough for five batches (about 75 MB)."""
    out = tmp_path_factory.mktemp("progress")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            *("--rows", str((QUIET_BATCHES + 2) * ARROW_ROWS), "--invalid-rate", "0.01"),
            *("--out", str(out)),
        ],
        check=True,
        capture_output=True,
    )
    return out / "events.jsonl"


def _run(path: Path, on_tty: bool, ci: str | None) -> tuple[int, bytes, bytes]:
    """Run the CLI with stderr on a pseudo-terminal (or a pipe); stdout never a terminal."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    command = [str(CLI), "validate", "--format", "json", str(path)]
    if not on_tty:
        done = subprocess.run(command, capture_output=True, env=env, timeout=120)
        return done.returncode, done.stdout, done.stderr
    master, slave = pty.openpty()
    # stdout to a file: a full pipe would block the process while stderr is being read
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=slave, env=env)
        os.close(slave)
        stderr = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal is closed when the process ends
                break
            if not chunk:
                break
            stderr += chunk
        code = process.wait(timeout=120)
        os.close(master)
        out.seek(0)
        stdout = out.read()
    return code, stdout, stderr


@pytest.mark.slow
def test_progress_on_a_terminal(big_jsonl: Path) -> None:
    """On a TTY, stderr shows rows, rows/s and errors; stdout is still pure JSON."""
    code, stdout, stderr = _run(big_jsonl, on_tty=True, ci=None)
    assert code == 1
    assert b"rows/s" in stderr and b"rows, " in stderr and b"so far" in stderr
    assert stderr.endswith(b"\r\x1b[K")  # the line is cleared at the end
    assert json.loads(stdout)


def test_silent_without_a_terminal(big_jsonl: Path) -> None:
    """With stderr a pipe, nothing is written to stderr."""
    code, stdout, stderr = _run(big_jsonl, on_tty=False, ci=None)
    assert code == 1
    assert stderr == b""
    assert json.loads(stdout)


@pytest.mark.slow
def test_silent_in_ci(big_jsonl: Path) -> None:
    """With CI=true, a terminal gets no progress either."""
    code, _, stderr = _run(big_jsonl, on_tty=True, ci="true")
    assert code == 1
    assert b"rows/s" not in stderr


def test_small_inputs_and_rate_limit() -> None:
    """Nothing for the first few batches; then at most one update per INTERVAL seconds."""
    now = [0.0]
    stream = _Terminal()
    progress = Progress(stream, clock=lambda: now[0])
    for _ in range(QUIET_BATCHES):
        now[0] += 0.01
        progress.batch(1000, 2)
    assert stream.getvalue() == ""
    for _ in range(100):  # 100 batches in 1 second: at most 1/INTERVAL + 1 redraws
        now[0] += 0.01
        progress.batch(1000, 2)
    redraws = stream.getvalue().count("\r\x1b[K")
    assert 1 <= redraws <= 1 / INTERVAL + 1
    last = stream.getvalue().split("\r\x1b[K")[-1]
    assert re.fullmatch(r"validating: [0-9,]+ rows, [0-9,]+ rows/s, 2 errors so far", last)
    progress.table_done(2)
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_for_terminal_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    """for_terminal gives a Progress only for a terminal outside CI."""
    monkeypatch.delenv("CI", raising=False)
    assert Progress.for_terminal(io.StringIO()) is None
    assert Progress.for_terminal(_Terminal()) is not None
    monkeypatch.setenv("CI", "1")
    assert Progress.for_terminal(_Terminal()) is None
    monkeypatch.setenv("CI", "false")
    assert Progress.for_terminal(_Terminal()) is not None
