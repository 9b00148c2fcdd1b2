"""`grounded-events download`: fetch a release with pooch and verify every file's sha256."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import logging
import os
import re
import sys
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path

import pooch
import requests

from grounded_events import __version__

DEFAULT_BASE_URL = "https://github.com/grounded-events/grounded-events/releases/download"
BASE_URL_ENV = "GROUNDED_EVENTS_BASE_URL"
CACHE_ENV = "GROUNDED_EVENTS_CACHE"
# Retries after a failed transfer or a hash mismatch (pooch waits 1 s, then 2 s, between them).
RETRIES = 2
_LINE = re.compile(r"^(?P<name>[^\s]+) (?P<hash>[0-9a-f]{64})$")
_POOCH_MISMATCH = re.compile(
    r"expected (?:sha256:)?(?P<expected>[0-9a-f]+) but got (?P<got>[0-9a-f]+)"
)


class DownloadError(Exception):
    """A release could not be fetched or verified; the message says which file and what to do."""

    def __init__(self, message: str, integrity: bool = False) -> None:
        super().__init__(message)
        self.integrity = integrity  # True when bytes arrived but are not the released ones


def known_versions() -> list[str]:
    """Versions whose hash registry ships with this package."""
    folder = resources.files("grounded_events").joinpath("registry")
    if not folder.is_dir():
        return []
    names = [p.name for p in folder.iterdir() if p.name.endswith(".sha256")]
    return sorted(n.removeprefix("v").removesuffix(".sha256") for n in names)


def read_registry(version: str) -> dict[str, str]:
    """The shipped registry of `version`: file name -> sha256, pooch's `name hash` lines."""
    source = resources.files("grounded_events").joinpath("registry", f"v{version}.sha256")
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(known_versions()) or "none"
        raise DownloadError(
            f"no hash registry for version {version!r} in this package (it knows: {known}); "
            "install the grounded-events release that matches the data you want"
        ) from None
    registry: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None:
            raise DownloadError(
                f"registry v{version}.sha256 line {number}: {line!r} is not '<name> <sha256>'"
            )
        registry[match["name"]] = match["hash"]
    if not registry:
        raise DownloadError(f"registry v{version}.sha256 lists no files")
    return registry


def cache_dir(version: str, dest: str | os.PathLike[str] | None = None) -> Path:
    """Where a release is kept: dest, else $GROUNDED_EVENTS_CACHE, else the user cache dir."""
    root = dest or os.environ.get(CACHE_ENV) or pooch.os_cache("grounded-events")
    return Path(root) / f"v{version}"


def release_url(version: str, base_url: str | None = None) -> str:
    """The folder URL of a release: {base_url}/v{version}/ (GitHub release asset layout)."""
    base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return f"{base.rstrip('/')}/v{version}/"


@contextlib.contextmanager
def _quiet_pooch(quiet: bool) -> Iterator[None]:
    logger = pooch.get_logger()
    level = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _remove(paths: list[Path], folder: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
    for directory in sorted({p.parent for p in paths} | {folder}, key=lambda p: -len(p.parts)):
        with contextlib.suppress(OSError):
            directory.rmdir()  # only when empty: files verified earlier stay


def download(
    version: str = __version__,
    base_url: str | None = None,
    dest: str | os.PathLike[str] | None = None,
    *,
    registry: Mapping[str, str] | None = None,
    retries: int | None = None,
) -> Path:
    """Fetch every file of a release into the cache, verify each sha256, return the folder.

    A file whose hash does not match, or whose transfer breaks off, raises DownloadError; the
    files this call fetched are removed, so the cache never holds part of a release. `registry`
    (name -> sha256) replaces the registry shipped for `version`, for releases built locally.
    """
    registry = dict(registry) if registry is not None else read_registry(version)
    folder = cache_dir(version, dest)
    url = release_url(version, base_url)
    tty = sys.stderr.isatty()
    # pooch draws its bars with tqdm and refuses progressbar=True without it.
    progress = tty and importlib.util.find_spec("tqdm") is not None
    attempts = RETRIES if retries is None else retries
    fetcher = pooch.create(path=folder, base_url=url, registry=registry, retry_if_failed=attempts)
    fetched: list[Path] = []
    with _quiet_pooch(not tty):
        for name, expected in registry.items():
            target = folder / name
            if not (target.is_file() and pooch.file_hash(str(target)) == expected):
                fetched.append(target)
            try:
                fetcher.fetch(name, progressbar=progress)
            except ValueError as exc:
                _remove(fetched, folder)
                match = _POOCH_MISMATCH.search(str(exc))
                if match is None:
                    raise DownloadError(f"{name}: cannot fetch {url}{name}: {exc}") from None
                got = f"got {match['got']}"
                raise DownloadError(
                    f"{name}: sha256 mismatch for {url}{name}: expected {expected}, {got}. "
                    f"The file served is not the one released as v{version}; nothing was kept "
                    f"in {folder}. Check that the base URL ({url}) is the official release or a "
                    "faithful mirror, then try again.",
                    integrity=True,
                ) from None
            except requests.exceptions.RequestException as exc:
                _remove(fetched, folder)
                raise DownloadError(
                    f"{name}: transfer from {url}{name} failed ({type(exc).__name__}: {exc}); "
                    f"nothing was kept in {folder}. Check the network and the base URL "
                    f"(--base-url or ${BASE_URL_ENV}), then try again."
                ) from None
            except OSError as exc:
                _remove(fetched, folder)
                raise DownloadError(f"{name}: cannot write into {folder}: {exc}") from None
    return folder


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--version",
        dest="release",
        default=__version__,
        help=f"release to fetch (default: {__version__})",
    )
    parser.add_argument(
        "--base-url",
        default=None,
        help=f"where releases live, as {{base_url}}/v{{version}}/{{file}} (default: "
        f"${BASE_URL_ENV} or {DEFAULT_BASE_URL})",
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=None,
        help=f"cache folder (default: ${CACHE_ENV} or the user cache dir); the release goes "
        "into <dest>/v<version>/",
    )


def run(args: argparse.Namespace) -> int:
    try:
        folder = download(args.release, args.base_url, args.dest)
    except DownloadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1 if exc.integrity else 2
    print(folder)
    return 0
