"""`grounded-events build`: validate the annotations, then write the data package atomically."""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grounded_events._core.atomic import exclusive_lock, fsync_dir, swap_in, write_bytes_atomic
from grounded_events._core.errors import UsageError
from grounded_events._core.version import __version__
from grounded_events._package.datapackage import sha256
from grounded_events._package.inputs import (
    BuildError,
    Files,
    InvalidInputs,
    add_input_arguments,
    missing_input_folder,
    read_inputs,
    validate_inputs,
)
from grounded_events._package.steps import build_files
from grounded_events._validation.output import exit_code, text_line


def registry_path() -> Path:
    """The registry of release hashes shipped in the package for this version."""
    return Path(__file__).resolve().parents[1] / "registry" / f"v{__version__}.sha256"


def registry_text(files: Files) -> str:
    """Registry lines (`name sha256 bytes`, sorted) for every file of a release."""
    return "".join(f"{name} {sha256(data)} {len(data)}\n" for name, data in sorted(files.items()))


def write_tree(files: Files, out: Path, registry: Path | None = None) -> None:
    """Write the files into `out`, replacing it whole, and their hashes into `registry` when
    given: a complete package is there at every instant, whenever the build is killed, and
    concurrent builds take turns."""
    out = out.absolute()
    with _package_lock(out):  # the registry matches the package even when builds race
        _replace_tree(files, out)
        if registry is not None:
            write_bytes_atomic(registry, registry_text(files).encode("utf-8"))


@contextmanager
def _package_lock(out: Path) -> Iterator[None]:
    """Serialise the builds into `out` (a lock file beside it), then clear what killed builds
    left there: only the build holding the lock may touch them."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(out.parent / f".{out.name}.lock"):
        prefix = glob.escape(f".{out.name}.")
        asides = sorted(out.parent.glob(f"{prefix}old-*"))
        if asides and not os.path.lexists(out):
            # Killed between the two renames of swap_in's fallback: the old package is whole.
            os.rename(asides.pop(), out)
        for leftover in [*asides, *out.parent.glob(f"{prefix}new-*")]:
            shutil.rmtree(leftover, ignore_errors=True)
        yield


def _replace_tree(files: Files, out: Path) -> None:
    """Write the files into a new folder beside `out`, then swap it in (see swap_in)."""
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.new-"))
    aside = out.parent / staging.name.replace(f".{out.name}.new-", f".{out.name}.old-", 1)
    try:
        for name, data in files.items():
            write_bytes_atomic(staging / name, data)
        for folder, _, _ in os.walk(staging):
            fsync_dir(Path(folder))
        os.chmod(staging, 0o755)
        swap_in(staging, out, aside)
        fsync_dir(out.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # the old package, or a failed new one


def build(annotations_dir: Path, seeds_dir: Path, out: Path, registry: Path | None = None) -> Files:
    """Validate the inputs, build the package from them into `out` (and the hash registry);
    return its files. InvalidInputs when the validator refuses them: nothing is written."""
    report = validate_inputs(annotations_dir, seeds_dir)
    if not report.ok:
        raise InvalidInputs(report)
    files = build_files(read_inputs(annotations_dir, seeds_dir))
    write_tree(files, out, registry)
    return files


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is inside it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of `grounded-events build`."""
    parser.epilog = """\
examples:
  grounded-events build
  grounded-events build --out build/package --registry build/registry.sha256
"""
    add_input_arguments(parser)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("datasets/grounded-events"),
        metavar="DIR",
        help="package folder to write (default: datasets/grounded-events)",
    )
    parser.add_argument(
        "--registry",
        type=Path,
        default=None,
        metavar="FILE",
        help="hash registry to write for `download` (default: the package's "
        f"registry/v{__version__}.sha256 when --out is the default, none otherwise)",
    )


def run(args: argparse.Namespace) -> int:
    missing = missing_input_folder(args)
    if missing is not None:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    registry = args.registry
    if registry is None and args.out.absolute() == Path("datasets/grounded-events").absolute():
        registry = registry_path()
    try:
        files = build(args.annotations, args.seeds, args.out, registry)
    except UsageError as exc:
        print(f"error: {exc}; nothing was built", file=sys.stderr)
        return 2
    except InvalidInputs as exc:
        for issue in exc.report.errors:
            print(text_line(issue), file=sys.stderr)
        print(
            f"error: {exc}; nothing was built. Fix them and run `grounded-events build` again.",
            file=sys.stderr,
        )
        return exit_code(exc.report)  # 2 when an input could not be read (an unsafe seed)
    except BuildError as exc:
        print(f"error: {exc}; nothing was built", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc}", file=sys.stderr)
        return 2
    size = sum(len(d) for d in files.values())
    print(f"built {args.out} ({len(files)} files, {size:,} bytes)")
    if registry is not None:
        print(f"wrote {_shown(registry)}")
    return 0
