"""The dataset's layout rules: a file of datasets/annotations/ is `<doc_id>.yaml` and starts with the schema line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grounded_events._core.dataset_files import ACTORS_FILE, ANNOTATIONS_DIR, dataset_dir
from grounded_events._core.safe_yaml import loads
from grounded_events._package.build import build
from grounded_events._package.inputs import InvalidInputs
from grounded_events._sources.layout import annotations_dir, in_dataset, schema_line
from grounded_events._validation import validate
from grounded_events.cli import main
from helpers import ROOT

COMMITTED = ROOT / "datasets" / "annotations"
SEED_TEXT = (COMMITTED / "rudaw-20231212.yaml").read_text(encoding="utf-8")
LINE = "# yaml-language-server: $schema=../../schema/2.0.0/annotation.schema.json"
WITHOUT_LINE = SEED_TEXT.split("\n", 1)[1]
LAYOUT = {"GE606", "GE607"}
DOC_ID_LINE = SEED_TEXT.splitlines().index("doc_id: rudaw-20231212") + 1


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project layout in a temporary folder (the cwd): seeds/, the dataset's actors.yaml and
    an empty datasets/annotations/."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    (tmp_path / ANNOTATIONS_DIR).mkdir(parents=True)
    shutil.copyfile(ROOT / "datasets" / ACTORS_FILE, tmp_path / "datasets" / ACTORS_FILE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _messages(path: Path, seeds: Path) -> list[tuple[str, int | None, str]]:
    return [(e.code, e.line, e.message) for e in validate(path, seeds=seeds).errors]


def test_the_dataset_folder_is_next_to_the_seeds(tmp_path: Path) -> None:
    """The dataset's annotations folder is datasets/annotations/ of the seeds' project."""
    assert annotations_dir(tmp_path / "seeds") == tmp_path.resolve() / "datasets" / "annotations"
    assert in_dataset(tmp_path / "datasets" / "annotations" / "x.yaml", tmp_path / "seeds")
    assert not in_dataset(tmp_path / "annotations" / "x.yaml", tmp_path / "seeds")
    assert schema_line("2.0.0") == LINE


def test_a_misnamed_file_is_ge606(project: Path) -> None:
    """A file of the dataset not named `<doc_id>.yaml` is GE606 at its doc_id, saying what to
    rename it to."""
    path = _write(project / ANNOTATIONS_DIR, "rudaw.yaml", SEED_TEXT)
    assert _messages(path, project / "seeds") == [
        (
            "GE606",
            DOC_ID_LINE,
            "doc_id: the file is named rudaw.yaml, its doc_id is 'rudaw-20231212'; rename it to "
            "rudaw-20231212.yaml",
        )
    ]


def test_a_json_file_of_the_dataset_is_ge606(project: Path) -> None:
    """A JSON file in the dataset's folder is GE606: `build` reads only YAML files."""
    data = loads(SEED_TEXT).data
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.json", json.dumps(data, default=str))
    assert _messages(path, project / "seeds") == [
        (
            "GE606",
            1,
            "doc_id: rudaw-20231212.json is JSON, which `build` does not read; save it as "
            "rudaw-20231212.yaml",
        )
    ]


def test_a_yml_file_named_after_its_doc_id_is_well_named(project: Path) -> None:
    """`<doc_id>.yml` is a name `build` and `report --doc` read too."""
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.yml", SEED_TEXT)
    assert _messages(path, project / "seeds") == []


def test_a_missing_schema_line_is_ge607(project: Path) -> None:
    """A file of the dataset without the schema line is GE607 at line 1, naming the line."""
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.yaml", WITHOUT_LINE)
    errors = validate(path, seeds=project / "seeds").errors
    assert [(e.code, e.line, e.message, e.expected, e.actual) for e in errors] == [
        (
            "GE607",
            1,
            f"the first line is not the schema line; make it `{LINE}` so that editors check the "
            "file against schema 2.0.0 as you type",
            "the schema line",
            "#",
        )
    ]


@pytest.mark.parametrize(
    "address",
    [
        "../schema/1.0.0/annotation.schema.json",
        "../../schema/1.0.0/event.schema.json",
        "https://example.org/annotation.schema.json",
    ],
)
def test_a_schema_line_naming_another_schema_is_ge607(project: Path, address: str) -> None:
    """A schema line whose address is not the annotation schema of the validated version, seen
    from the file's folder, is GE607."""
    text = f"# yaml-language-server: $schema={address}\n" + WITHOUT_LINE
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.yaml", text)
    assert _messages(path, project / "seeds") == [
        (
            "GE607",
            1,
            f"the first line names the schema {address}, not schema 2.0.0's annotation schema; "
            f"make it `{LINE}`",
        )
    ]


def test_an_equivalent_schema_address_is_accepted(project: Path) -> None:
    """Any address that resolves to the annotation schema from the file's folder will do."""
    text = "#yaml-language-server:  $schema=./../../schema/2.0.0/annotation.schema.json\n"
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.yaml", text + WITHOUT_LINE)
    assert _messages(path, project / "seeds") == []


def test_the_published_schema_address_is_accepted(project: Path) -> None:
    """The schema's published address (its `$id`) will do too: a user's repository laid out as
    the dataset has no schema folder for a relative address to reach."""
    text = "# yaml-language-server: $schema=https://grounded-events.github.io/schema/2.0.0/annotation.schema.json\n"
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.yaml", text + WITHOUT_LINE)
    assert _messages(path, project / "seeds") == []
    other = text.replace("2.0.0", "1.0.0")
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.yaml", other + WITHOUT_LINE)
    assert [e.code for e in validate(path, seeds=project / "seeds").errors] == ["GE607"]


def test_a_hostile_first_line_is_shown_cut(project: Path) -> None:
    """A very long schema address on the first line is GE607 with the line and the address cut to
    120 characters."""
    address = "../" * 5000
    text = f"# yaml-language-server: $schema={address}\n" + WITHOUT_LINE
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.yaml", text)
    (error,) = validate(path, seeds=project / "seeds").errors
    assert (error.code, error.line) == ("GE607", 1)
    assert error.actual is not None and len(error.actual) == 121 and error.actual.endswith("…")
    assert f"names the schema {address[:120]}…, not" in error.message


def test_a_doc_id_that_is_no_id_suggests_no_name(project: Path) -> None:
    """A doc_id the schema refuses is its structure error alone: no file name is suggested."""
    text = SEED_TEXT.replace("doc_id: rudaw-20231212", "doc_id: ../Rudaw")
    path = _write(project / ANNOTATIONS_DIR, "rudaw-20231212.yaml", text)
    codes = validate(path, seeds=project / "seeds").codes
    assert codes and not codes & LAYOUT


@pytest.mark.parametrize("where", ["elsewhere", "other/datasets/annotations", "seeds/.."])
def test_the_rules_bind_only_the_dataset_folder(project: Path, where: str) -> None:
    """A misnamed file without the schema line outside the dataset's folder (a user's own file, a
    conformance case, a test fixture) gives neither code."""
    path = _write(project / where, "rudaw.yaml", WITHOUT_LINE)
    shutil.copyfile(ROOT / "datasets" / ACTORS_FILE, dataset_dir(path) / ACTORS_FILE)
    assert _messages(path, project / "seeds") == []


def test_validate_reports_them_for_the_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`grounded-events validate datasets/annotations` (default ./seeds) prints both codes and
    exits 1."""
    _write(project / ANNOTATIONS_DIR, "rudaw.yaml", WITHOUT_LINE)
    assert main(["validate", "datasets/annotations"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"datasets/annotations/rudaw.yaml:1: GE607 the first line is not the schema line; make "
        f"it `{LINE}` so that editors check the file against schema 2.0.0 as you type (expected "
        "the schema line; got '#')",
        f"datasets/annotations/rudaw.yaml:{DOC_ID_LINE - 1}: GE606 doc_id: the file is named rudaw.yaml, its "
        "doc_id is 'rudaw-20231212'; rename it to rudaw-20231212.yaml (expected "
        "rudaw-20231212.yaml; got 'rudaw.yaml')",
        "2 errors in 1 file",
    ]


def test_build_refuses_a_dataset_that_breaks_them(project: Path) -> None:
    """`build` refuses the dataset with GE606 and GE607 before writing anything."""
    _write(project / ANNOTATIONS_DIR, "rudaw.yaml", WITHOUT_LINE)
    out = project / "package"
    with pytest.raises(InvalidInputs) as refused:
        build(project / ANNOTATIONS_DIR, project / "seeds", out, project / "registry.sha256")
    assert refused.value.report.codes == LAYOUT
    assert not out.exists()


def test_the_committed_dataset_keeps_them() -> None:
    """The committed files are in the dataset's folder (the rules apply to them) and break
    neither."""
    paths = sorted(COMMITTED.glob("*.yaml"))
    assert paths and all(in_dataset(p, ROOT / "seeds") for p in paths)
    assert not validate(paths, seeds=ROOT / "seeds").codes & LAYOUT
