"""A small sample annotation of the seed, and helpers that build it into a data package."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grounded_events._package.build import build

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# A small annotation of the real seed with values that exercise the CSV rules: cells starting
# with = + - @ and ', a | and a \ inside a text cell, lists, nulls and two events out of order.
SAMPLE = """\
schema_version: 1.0.0
doc_id: rudaw-20231212
sha256: 8061bb6b81f8361d197205bd9ebde940c748972e96c4f8b334b20a6d12ac07e6
annotated: 2024-01-15
annotators: [Test Annotator, "=Second, Annotator"]
actors:
  - actor_id: iran-aligned-militias
    name: "-Iran-aligned militias"
    actor_type: non_state_armed_group
  - actor_id: usa-embassy-baghdad
    name: "@US Embassy | Baghdad \\\\ compound"
    actor_type: government_body
    country_iso3: USA
    parent_actor_id: usa-government
  - actor_id: usa-government
    name: "'=United States government"
    actor_type: government
    country_iso3: USA
events:
  - event_id: rudaw-20231212-e02
    event_type: statement
    event_subtype: condemnation
    summary: "+The US State Department calls the attacks unacceptable."
    date: {start: 2023-12-11, end: 2023-12-11, precision: day, basis: relative_to_publication}
    participants:
      - {actor_id: usa-government, role: speaker}
      - {actor_id: iran-aligned-militias, role: subject}
    refers_to: [rudaw-20231212-e01]
    evidence:
      - {field: statement, start: 203, end: 238, quote: "are “unacceptable” and need to stop"}
  - event_id: rudaw-20231212-e01
    event_type: remote_violence
    event_subtype: rocket_attack
    summary: "=SUM(A1) rockets hit the US embassy in Baghdad."
    date: {start: 2023-12-08, end: 2023-12-08, precision: day, basis: relative_to_publication, time_of_day: early hours}
    location:
      name: US Embassy, Baghdad
      country_iso3: IRQ
      admin1_code: IQ-BG
      latitude: 33.2983
      longitude: 44.3956
      geo_precision: site
      gazetteer: none
    participants:
      - {actor_id: iran-aligned-militias, role: initiator}
      - {actor_id: usa-embassy-baghdad, role: target}
    attribution: {status: alleged, attributed_by: [usa-government]}
    weapons: [rocket]
    fatalities: {best: 0}
    injuries: {best: 0, low: 0, high: 0}
    evidence:
      - {field: weapons, start: 394, end: 401, quote: rockets}
      - {field: location, start: 415, end: 436, quote: US embassy in Baghdad}
      - {field: fatalities, start: 687, end: 731, quote: The attacks did not result in any casualties}
      - {field: initiator, start: 94, end: 117, quote: "- The continued attacks"}
"""


def write_sample(folder: Path, text: str = SAMPLE, name: str = "rudaw-20231212.yaml") -> Path:
    """Write an annotation file into folder (created) and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def build_sample(tmp: Path) -> Path:
    """Build the sample annotation into tmp/package (registry tmp/registry.sha256)."""
    annotations = write_sample(tmp / "annotations")
    out = tmp / "package"
    build(annotations, ROOT / "seeds", out, tmp / "registry.sha256")
    return out


def cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `grounded-events` in a fresh process (with extra environment variables)."""
    return subprocess.run(
        [PYTHON, "-m", "grounded_events.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
