"""`grounded-events actor add`: an actor declared once in actors.yaml, the file's lines kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from grounded_events._core.safe_yaml import loads
from grounded_events._core.version import SCHEMA_VERSION
from grounded_events._schema.models import ActorRegistry
from grounded_events.cli import main
from helpers import ROOT

MINISTRY = [
    "iraq-foreign-ministry",
    "--name",
    "Ministry of Foreign Affairs of Iraq",
    "--type",
    "government_body",
    "--country",
    "IRQ",
    "--parent",
    "iraq-government",
    "--variant",
    "the Iraqi foreign ministry",
    "--variant",
    "Baghdad’s foreign ministry",
]


def _actor(capsys: pytest.CaptureFixture[str], dataset: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["actor", "add", *argv, "--dataset", str(dataset)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A copy of the dataset's actors.yaml in a folder of its own."""
    (tmp_path / "actors.yaml").write_bytes((ROOT / "datasets" / "actors.yaml").read_bytes())
    return tmp_path


def test_an_actor_is_appended_and_every_line_kept(
    dataset: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The new actor follows the others, as the models read it; the file's lines are kept."""
    old = (dataset / "actors.yaml").read_text(encoding="utf-8")
    code, out, err = _actor(capsys, dataset, *MINISTRY)
    assert (code, err) == (0, "")
    new = (dataset / "actors.yaml").read_text(encoding="utf-8")
    assert new.startswith(old)
    line = len(old.splitlines()) + 1
    assert out == f"{dataset.as_posix()}/actors.yaml:{line}: declared iraq-foreign-ministry\n"
    actor = ActorRegistry.model_validate(loads(new).data).actors[-1]
    assert actor.model_dump(mode="json", exclude_none=True) == {
        "actor_id": "iraq-foreign-ministry",
        "name": "Ministry of Foreign Affairs of Iraq",
        "variants": ["the Iraqi foreign ministry", "Baghdad’s foreign ministry"],
        "actor_type": "government_body",
        "country_iso3": "IRQ",
        "parent_actor_id": "iraq-government",
    }


def test_the_first_actor_starts_the_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without actors.yaml, the first actor is written to a new one with its schema line."""
    argv = ["unknown-gunmen", "--name", "Unidentified gunmen", "--type", "unidentified"]
    assert _actor(capsys, tmp_path, *argv)[0] == 0
    text = (tmp_path / "actors.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        f"# yaml-language-server: $schema=../schema/{SCHEMA_VERSION}/actors.schema.json\n"
    )
    assert text.endswith(
        "actors:\n  - actor_id: unknown-gunmen\n    name: Unidentified gunmen\n"
        "    actor_type: unidentified\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["usa-government", "--name", "US", "--type", "government"],
            "actor: usa-government is declared already ({actors}:11); add a name the text uses "
            "to its variants there\n",
        ),
        (
            ["x-y", "--name", "X", "--type", "government", "--parent", "nope"],
            "actor: --parent 'nope': no such actor in {actors}; declare it first\n",
        ),
        (
            ["x-y", "--name", "X", "--type", "government", "--country", "XXX"],
            "actor: --country 'XXX': 'XXX' is not an ISO 3166-1 alpha-3 country code\n",
        ),
        (
            ["X Y", "--name", "X", "--type", "government"],
            "actor: ACTOR_ID 'X Y': should be lowercase letters and digits, in words joined by "
            "'-' (e.g. example-news-20240202)\n",
        ),
    ],
)
def test_a_declaration_that_cannot_be_is_refused(
    dataset: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """An id declared already, an undeclared parent or a bad value exits 2, writing nothing."""
    before = (dataset / "actors.yaml").read_bytes()
    code, out, err = _actor(capsys, dataset, *argv)
    assert (code, out) == (2, "")
    assert err == message.format(actors=(dataset / "actors.yaml").as_posix())
    assert (dataset / "actors.yaml").read_bytes() == before
