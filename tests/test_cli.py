"""The command line: every command answers --help, and the CI integrations run it."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from grounded_events import __version__
from grounded_events.cli import COMMANDS, main
from helpers import ROOT, served_release

EXE = str(Path(sys.executable).parent / "grounded-events")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_answers_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`grounded-events COMMAND --help` prints usage and exits 0."""
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"grounded-events {command}" in capsys.readouterr().out


def test_usage_errors_exit_2_without_traceback() -> None:
    """An unknown command or option is a usage message and exit 2, never a traceback."""
    for argv in (["frobnicate"], ["validate", "--no-such-option"], []):
        result = subprocess.run([EXE, *argv], capture_output=True, text=True, check=False)
        assert result.returncode == 2, argv
        assert "Traceback" not in result.stderr
        assert "usage:" in result.stderr


@pytest.mark.slow
def test_pre_commit_hook_runs_a_real_command(root: Path) -> None:
    """The published pre-commit hook's entry is the validate command."""
    (hook,) = YAML(typ="safe").load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "grounded-events validate --skip-foreign"
    assert re.search(hook["files"], "datasets/annotations/rudaw-20231212.yaml")
    assert re.search(hook["files"], "events.parquet")
    result = subprocess.run(
        [EXE, "validate", str(root / "datasets/annotations/rudaw-20231212.yaml")],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_action_runs_validate_with_workflow_annotations(root: Path) -> None:
    """action.yml installs the package and runs validate with --format github."""
    action = YAML(typ="safe").load((root / "action.yml").read_text(encoding="utf-8"))
    scripts = "\n".join(step["run"] for step in action["runs"]["steps"] if "run" in step)
    assert "grounded-events validate" in scripts
    assert "--format github" in scripts
    assert set(action["inputs"]) >= {"paths", "schema-version", "seeds"}


def test_an_internal_error_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug in a command exits 3 (never 1, "invalid data") with a one-line message."""
    from grounded_events._sources import locate as _locate

    def broken(args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(_locate, "run", broken)
    monkeypatch.delenv("GROUNDED_EVENTS_DEBUG", raising=False)
    assert main(["locate", "rudaw-20231212", "x"]) == 3
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: boom)" in err
    assert "Traceback" not in err


# --- conventions: help, metavars, examples, completion ------------------------------------------

# One name per kind of value, across every command: what a user learns in one help page holds in
# the next, and what shell completion offers follows from it (PATH, FILE and DIR complete paths).
METAVARS = {
    "PATH": "a file or a folder",
    "FILE": "a file",
    "DIR": "a folder",
    "VERSION": "a version, X.Y.Z",
    "DOC_ID": "a document's id",
    "DOC": "a doc_id or a text file",
    "QUOTE": "words of a document",
    "N": "a whole number",
    "SECONDS": "a duration",
    "URL": "a web address",
    "ADDRESS": "a dask scheduler's address",
    "NAME": "a person's or publisher's name",
    "TEXT": "free text",
    "PLACE": "a place name",
    "CODE": "a language code",
    "YYYY-MM-DD": "a date",
    "FIELD": "an evidence field",
    "SOURCE": "the event_id a link starts from",
    "TARGET": "the event_id a link points at",
    "RELATION": "a link relation",
    "ACTOR_ID": "an actor's id",
    "ISO3": "a country code",
    "OLD": "a version, folder or 'current'",
    "NEW": "a version, folder or 'current'",
    "COMMAND": "a subcommand",
    "ACTION": "a subcommand",
}

# Examples that are only parsed, not run, and why.
NOT_RUN = {
    "grounded-events build": "writes the installed package's registry (--out is the default)",
    "grounded-events report --doc rudaw-20231212 --watch": "runs until Ctrl-C",
    "grounded-events schema publish 1.1.0": "needs a schema version the models do not make",
}


def _full_parser() -> argparse.ArgumentParser:
    from grounded_events.cli import _parser

    return _parser(None, every=True)


def _commands(
    parser: argparse.ArgumentParser, name: str = "grounded-events"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and subcommand parser below `parser`, by its full name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield f"{name} {sub_name}", sub
                yield from _commands(sub, f"{name} {sub_name}")


def _arguments() -> Iterator[tuple[str, argparse.Action]]:
    """Every argument of every command (help and the hidden ones left out), by command name."""
    for name, command in _commands(_full_parser()):
        for action in command._actions:
            if action.help != argparse.SUPPRESS and not isinstance(
                action, (argparse._HelpAction, argparse._SubParsersAction)
            ):
                yield name, action


def _examples(epilog: str) -> list[str]:
    """The command lines of an epilog's `examples:` block (continuation lines joined)."""
    block = epilog.split("examples:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.replace("\\\n", " ").splitlines()]


def _all_examples() -> list[str]:
    return [e for _, command in _commands(_full_parser()) for e in _examples(command.epilog or "")]


def _argv(example: str) -> list[str]:
    """The arguments after `grounded-events` in a shell line, up to a shell operator."""
    lexer = shlex.shlex(example, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True  # words split at blanks and operators only, as bash does
    words = list(lexer)
    start = words.index("grounded-events") + 1
    end = next((i for i in range(start, len(words)) if set(words[i]) <= set("();<>|&")), None)
    return words[start:end]


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`grounded-events --help` lists each command with its one-line help, and --version works."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for name, (_, help_text) in COMMANDS.items():
        assert f"{name} {help_text}" in out, name
    assert "Run `grounded-events COMMAND --help` for a command's options and examples." in out
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out == f"grounded-events {__version__}\n"


def test_no_command_prints_the_commands_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """`grounded-events` alone prints usage and the commands to stderr and exits 2."""
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("usage: grounded-events [-h] [--version] COMMAND ...\n")
    for name in COMMANDS:
        assert re.search(rf"\n    {name}\s", err), name


def test_schema_help_lists_diff_check_and_publish(capsys: pytest.CaptureFixture[str]) -> None:
    """The schema command's one-line help and its own help name all three actions."""
    assert COMMANDS["schema"][1] == (
        "schema versions: diff two, check the release rules, publish a new one"
    )
    with pytest.raises(SystemExit):
        main(["schema", "--help"])
    out = capsys.readouterr().out
    assert "usage: grounded-events schema [-h] ACTION ...\n" in out
    for action, help_text in (
        ("diff", "list the changes between two schema versions"),
        ("check", "check release discipline"),
        ("publish", "freeze schema/VERSION"),
    ):
        assert re.search(rf"\n    {action} +{help_text}", out), action


def test_metavars_follow_one_convention() -> None:
    """Every value's metavar is one of the convention's upper-case names."""
    unknown = [
        (name, action.option_strings or action.dest, action.metavar)
        for name, action in _arguments()
        if action.nargs != 0 and action.choices is None and action.metavar not in METAVARS
    ]
    assert unknown == []


def test_the_same_option_takes_the_same_kind_of_value_everywhere() -> None:
    """An option name (--seeds, --out, --format ...) shows the same metavar in every command."""
    seen: dict[str, set[object]] = {}
    for _, action in _arguments():
        for option in action.option_strings:
            seen.setdefault(option, set()).add(action.metavar)
    assert {option: m for option, m in seen.items() if len(m) > 1} == {}
    assert seen["--seeds"] == seen["--annotations"] == seen["--out"] == {"DIR"}


def test_every_path_argument_is_named_path_file_or_dir() -> None:
    """An argument read as a Path is shown as PATH, FILE or DIR (and so completes as a path)."""
    assert [
        (name, action.dest, action.metavar)
        for name, action in _arguments()
        if action.type is Path and action.metavar not in ("PATH", "FILE", "DIR")
    ] == []


def test_choices_are_shown_the_same_way_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    """A closed list shows as {a,b} in usage, or, when long, its help lists every value."""
    for name, action in _arguments():
        if action.choices is not None and action.metavar is not None:
            assert all(str(c) in (action.help or "") for c in action.choices), (name, action.dest)
    for argv, usage in (
        (["validate", "--help"], "[--format {text,json,github}]"),
        (["schema", "diff", "--help"], "[--format {text,json}]"),
    ):
        with pytest.raises(SystemExit):
            main(argv)
        assert usage in capsys.readouterr().out


def test_every_argument_has_help() -> None:
    """Every argument says what it is for."""
    assert [(name, a.dest) for name, a in _arguments() if not a.help] == []


def test_every_command_has_examples_in_its_help(capsys: pytest.CaptureFixture[str]) -> None:
    """Each command's help (and each schema action's) ends with examples of that command."""
    for name, command in _commands(_full_parser()):
        examples = _examples(command.epilog or "examples:\n")
        assert 1 <= len(examples) <= 3, name
        assert all(name in example for example in examples), name
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert capsys.readouterr().out.endswith(
        "\nexamples:\n"
        "  grounded-events validate datasets/annotations\n"
        "  grounded-events validate --format github events.csv\n"
        "  grounded-events validate --format json --max-errors 20 "
        "datasets/grounded-events/datapackage.json\n"
    )


@pytest.mark.parametrize("example", _all_examples())
def test_every_example_parses(example: str) -> None:
    """Every example in the help is a valid command line for the real parser."""
    args = _full_parser().parse_args(_argv(example))
    assert callable(args._run)


@pytest.fixture(scope="module")
def release_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The committed package served on 127.0.0.1 as release v{__version__}; its base URL."""
    with served_release(tmp_path_factory.mktemp("site")) as base:
        yield base


@pytest.mark.slow
@pytest.mark.parametrize("example", [e for e in _all_examples() if e not in NOT_RUN])
def test_every_example_runs(example: str, tmp_path: Path, release_server: str) -> None:
    """Every example in the help runs as written (in bash, in a copy of the repository, with the
    release served locally) and exits 0."""
    for folder in ("seeds", "datasets", "schema"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "CHANGELOG.md", tmp_path)
    shutil.copy(ROOT / "datasets/grounded-events/events.csv", tmp_path / "events.csv")
    shutil.copy(ROOT / "tests/fixtures/add/report.txt", tmp_path / "article.txt")
    (tmp_path / "home").mkdir()
    env = {
        **os.environ,
        "PATH": f"{Path(EXE).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),
        "GROUNDED_EVENTS_BASE_URL": release_server,
        "GROUNDED_EVENTS_CACHE": str(tmp_path / "cache"),
        "NO_PROXY": "127.0.0.1",
    }
    result = subprocess.run(
        ["bash", "-c", f"set -eo pipefail\n{example}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_command_run_imports_only_its_own_module() -> None:
    """A normal run configures only the selected command: the others' modules are not imported."""
    code = (
        "import sys\n"
        "from grounded_events.cli import main\n"
        "try:\n"
        "    main(['download', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('grounded_events.', 'shtab'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = result.stdout.splitlines()[-1]
    assert "grounded_events._loaders.download" in loaded
    for other in ("grounded_events._core.completion", "shtab", "grounded_events._package.report"):
        assert f"'{other}'" not in loaded, other


def _completion(shell: str) -> str:
    result = subprocess.run([EXE, "completion", shell], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_bash_completion_is_valid_bash_naming_every_command_and_option(tmp_path: Path) -> None:
    """The bash script passes `bash -n` and names every command and each one's options."""
    script = _completion("bash")
    path = tmp_path / "grounded-events.bash"
    path.write_text(script, encoding="utf-8")
    subprocess.run(["bash", "-n", str(path)], check=True)
    assert "complete -o bashdefault -F _shtab_grounded_events grounded-events" in script
    for name, action in _arguments():
        assert name.split()[-1] in script, name
        for option in action.option_strings:
            assert re.search(rf"[( ]{re.escape(option)}[ )]", script), (name, option)
    download = script.split("_shtab_grounded_events_download_option_strings=")[1]
    assert "--version" not in download.splitlines()[0]


def _complete(script: Path, words: list[str], cwd: Path) -> list[str]:
    """What bash offers for the last of `words`, with the script loaded."""
    line = " ".join(shlex.quote(w) for w in words)
    program = (
        f"source {shlex.quote(str(script))}\n"
        f"COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
        "_shtab_grounded_events\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        ["bash", "-c", program], cwd=cwd, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_bash_completes_commands_options_choices_and_paths(tmp_path: Path) -> None:
    """In bash, Tab offers commands, options, choices, folders for DIR and files for PATH."""
    script = tmp_path / "grounded-events.bash"
    script.write_text(_completion("bash"), encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds.txt").write_text("")
    (tmp_path / "events.csv").write_text("")
    assert _complete(script, ["grounded-events", "dow"], tmp_path) == ["download"]
    assert _complete(script, ["grounded-events", "download", "--re"], tmp_path) == ["--release"]
    assert _complete(script, ["grounded-events", "schema", ""], tmp_path) == [
        "diff",
        "check",
        "publish",
    ]
    assert _complete(script, ["grounded-events", "validate", "--format", "j"], tmp_path) == ["json"]
    assert _complete(script, ["grounded-events", "validate", "--seeds", "se"], tmp_path) == [
        "seeds"
    ]
    assert _complete(script, ["grounded-events", "validate", "ev"], tmp_path) == ["events.csv"]


@pytest.mark.parametrize(
    ("shell", "start", "folder", "file"),
    [
        ("zsh", "#compdef grounded-events\n", ":DIR:_files -/", ":FILE:_files"),
        ("tcsh", "", "'n/--seeds/d/'", "'n/--fill/f/'"),
    ],
)
def test_zsh_and_tcsh_completion_are_produced(
    shell: str, start: str, folder: str, file: str
) -> None:
    """`completion zsh` and `completion tcsh` print a script naming every command, completing
    folders for DIR and files for FILE."""
    script = _completion(shell)
    assert script.startswith(start)
    for name in COMMANDS:
        assert name in script, name
    assert folder in script
    assert file in script


def test_completion_names_the_shells_it_knows() -> None:
    """An unknown shell is a usage error listing the shells (exit 2)."""
    result = subprocess.run([EXE, "completion", "fishy"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid choice: 'fishy' (choose from 'bash', 'zsh', 'tcsh')" in result.stderr
