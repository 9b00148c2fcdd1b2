"""Files of an older published schema version: judged by the schema they were written for."""

from __future__ import annotations

import subprocess
from pathlib import Path

from grounded_events._validation import validate
from helpers import ROOT

# The seed's annotation file as schema 1.0.0 wrote it (actors inside, refers_to).
OLD = ROOT / "tests" / "fixtures" / "migrate" / "rudaw-20231212.1.0.0.yaml"


def test_a_1_0_0_file_validates_against_schema_1_0_0() -> None:
    """`validate --schema-version 1.0.0` accepts the seed's 1.0.0 file unchanged."""
    report = validate(OLD, seeds=ROOT / "seeds", schema_version="1.0.0")
    assert [str(e) for e in report.errors] == []


def test_a_1_0_0_file_against_2_0_0_is_one_error_saying_what_to_do() -> None:
    """Against the current version a 1.0.0 file is one GE209 naming both ways out, not a cascade
    of unknown keys and unknown actors."""
    report = validate(OLD, seeds=ROOT / "seeds")
    (only,) = report.errors
    assert (only.code, only.field) == ("GE209", "schema_version")
    assert "--schema-version 1.0.0" in only.message
    assert "grounded-events migrate --to 2.0.0" in only.message


def test_an_older_file_is_judged_by_its_json_schema_and_its_quotes(tmp_path: Path) -> None:
    """A broken 1.0.0 file gets its published schema's errors (GE210, at their lines) and its
    quotes are still checked against the seed (GE501)."""
    text = OLD.read_text(encoding="utf-8")
    text = text.replace('quote: "A spate of rockets"}', 'quote: "A spate of rocketz"}', 1)
    text = text.replace("    weapons: [rocket]\n", "    weapons: [rocketz]\n", 1)
    path = tmp_path / "rudaw-20231212.yaml"
    path.write_text(text, encoding="utf-8")
    report = validate(path, seeds=ROOT / "seeds", schema_version="1.0.0")
    codes = {(e.code, e.field) for e in report.errors}
    lines = text.splitlines()
    assert ("GE210", "events[2].weapons[0]") in codes
    weapons = next(e for e in report.errors if e.code == "GE210")
    assert "rocketz" in lines[weapons.line - 1]
    assert any(code == "GE501" for code, _ in codes)


def test_the_cli_validates_an_older_file_with_its_version() -> None:
    """The command line exits 0 on the 1.0.0 file with --schema-version 1.0.0, 1 without."""
    cli = [str(ROOT / ".venv" / "bin" / "grounded-events"), "validate", str(OLD)]
    assert (
        subprocess.run([*cli, "--schema-version", "1.0.0"], cwd=ROOT, check=False).returncode == 0
    )
    assert subprocess.run(cli, cwd=ROOT, check=False, capture_output=True).returncode == 1
