"""`grounded-events download`: fetch a release, verify each file's size and sha256, publish it."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import math
import os
import re
import socket
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import pooch
import requests
import requests.adapters
import urllib3
import urllib3.connection

from grounded_events._core.errors import GroundedEventsError, UsageError
from grounded_events._core.version import __version__

DEFAULT_BASE_URL = "https://github.com/grounded-events/grounded-events/releases/download"
BASE_URL_ENV = "GROUNDED_EVENTS_BASE_URL"
CACHE_ENV = "GROUNDED_EVENTS_CACHE"
# Retries after a failed transfer or a wrong file (waiting 1 s, then 2 s, between them).
RETRIES = 2
# Wall-clock seconds for a whole download() call: a server that drips bytes just fast enough to
# dodge the read timeout is still cut off.
DEADLINE = 600.0
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
# The most a file is allowed to grow to when the registry predates recorded sizes.
UNSIZED_LIMIT = 1 << 30
# A temp file untouched this long belongs to no live download (the deadline is far shorter).
STALE_AFTER = 3600.0
CHUNK = 1 << 16
_LINE = re.compile(r"^(?P<name>\S+) (?P<hash>[0-9a-f]{64})(?: (?P<size>\d+))?$")
_TEMP = re.compile(r"^\.download-(?P<pid>\d+)@(?P<host>[A-Za-z0-9_-]*)-[a-z0-9_]+\.part$")
_HOST = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname())[:64]


class Entry(NamedTuple):
    """What the registry promises about one release file."""

    sha256: str
    size: int | None = None  # None in registries written before sizes were recorded


class DownloadError(GroundedEventsError):
    """A release could not be fetched or verified; the message says which file and what to do."""

    def __init__(self, message: str, integrity: bool = False) -> None:
        super().__init__(message)
        self.integrity = integrity  # True when bytes arrived but are not the released ones


class _Refused(Exception):
    """One transfer attempt failed: kind is mismatch, oversize, deadline or transfer."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.integrity = kind in ("mismatch", "oversize")  # bytes came, not the released ones


def known_versions() -> list[str]:
    """Versions whose hash registry ships with this package."""
    folder = resources.files("grounded_events").joinpath("registry")
    if not folder.is_dir():
        return []
    names = [p.name for p in folder.iterdir() if p.name.endswith(".sha256")]
    return sorted(n.removeprefix("v").removesuffix(".sha256") for n in names)


def parse_registry(text: str, source: str = "registry") -> dict[str, Entry]:
    """Registry lines `<name> <sha256> <bytes>` (or the older `<name> <sha256>`) -> entries."""
    registry: dict[str, Entry] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LINE.match(line)
        if match is None:
            raise DownloadError(
                f"{source} line {number}: {line!r} is not '<name> <sha256> <bytes>'"
            )
        size = match["size"]
        registry[match["name"]] = Entry(match["hash"], None if size is None else int(size))
    if not registry:
        raise DownloadError(f"{source} lists no files")
    return registry


def read_registry(version: str) -> dict[str, Entry]:
    """The shipped registry of `version`: file name -> sha256 and size."""
    source = resources.files("grounded_events").joinpath("registry", f"v{version}.sha256")
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        known = ", ".join(known_versions()) or "none"
        raise DownloadError(
            f"no hash registry for version {version!r} in this package (it knows: {known}); "
            "install the grounded-events release that matches the data you want"
        ) from None
    return parse_registry(text, f"registry v{version}.sha256")


def cache_dir(version: str, dest: str | os.PathLike[str] | None = None) -> Path:
    """Where a release is kept: dest, else $GROUNDED_EVENTS_CACHE, else the user cache dir."""
    root = dest or os.environ.get(CACHE_ENV) or pooch.os_cache("grounded-events")
    return Path(root) / f"v{version}"


def release_url(version: str, base_url: str | None = None) -> str:
    """The folder URL of a release: {base_url}/v{version}/ (GitHub release asset layout)."""
    base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return f"{base.rstrip('/')}/v{version}/"


def _entries(registry: Mapping[str, Entry | str]) -> dict[str, Entry]:
    entries = {}
    for name, entry in registry.items():
        parts = name.split("/")
        # A name is joined to the cache folder: it must not climb out of it.
        if name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts):
            raise DownloadError(f"registry name {name!r} is not a relative path in the release")
        entries[name] = Entry(entry) if isinstance(entry, str) else Entry(*entry)
    return entries


def _verified(path: Path, entry: Entry) -> bool:
    """True when path holds exactly the released bytes."""
    try:
        if not path.is_file() or entry.size not in (None, path.stat().st_size):
            return False
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == entry.sha256
    except OSError:
        return False


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # no cheap liveness probe; the age rule still applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    except (OverflowError, ValueError):
        return False  # no process ever had this id
    return True


def _remove_stale(folders: set[Path], keep: set[Path]) -> None:
    """Remove temp files of downloads that were killed: their process is gone, or they are old."""
    now = time.time()
    for folder in folders:
        for path in folder.glob(".download-*.part"):
            match = _TEMP.match(path.name)
            if match is None or path in keep:
                continue
            with contextlib.suppress(OSError):
                dead = match["host"] == _HOST and not _alive(int(match["pid"]))
                if dead or now - path.stat().st_mtime > STALE_AFTER:
                    path.unlink()


@contextlib.contextmanager
def _progress(show: str, total: int | None) -> Iterator[Any]:
    """A tqdm bar labelled `show` on stderr, or None when show is empty."""
    if not show:
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=total, desc=show, unit="B", unit_scale=True, ncols=79, file=sys.stderr)
    try:
        yield bar
    finally:
        bar.close()


@contextlib.contextmanager
def _session(stop: float) -> Iterator[requests.Session]:
    """A requests session whose connections are shut down at the deadline.

    Timeouts only bound the wait for each read, so a server dripping its headers or body a byte
    at a time would never be stopped; a timer shutting the sockets wakes any blocked read.
    """
    sockets: list[socket.socket] = []

    class Connection(urllib3.connection.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class TLSConnection(urllib3.connection.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            sockets.append(self.sock)

    class Pool(urllib3.HTTPConnectionPool):
        ConnectionCls = Connection

    class TLSPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = TLSConnection

    def cut() -> None:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(0.0, stop - time.monotonic()), cut)
    timer.daemon = True
    with requests.Session() as session:
        for adapter in session.adapters.values():
            if isinstance(adapter, requests.adapters.HTTPAdapter):
                adapter.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": TLSPool}
        timer.start()
        try:
            yield session
        finally:
            timer.cancel()


def _attempt(
    session: requests.Session, url: str, tmp: Path, entry: Entry, stop: float, show: str
) -> None:
    """Stream url into tmp, hashing as it goes; refuse at the size limit or the deadline."""
    remaining = stop - time.monotonic()
    if remaining <= 0:
        raise _Refused("deadline", "did not finish before the deadline")
    limit = UNSIZED_LIMIT if entry.size is None else entry.size
    what = "the released file's" if entry.size is not None else "the allowed"
    timeout = (min(CONNECT_TIMEOUT, remaining), min(READ_TIMEOUT, remaining))
    # identity: the registry hashes the bytes of the file, not of some encoding of it.
    headers = {"Accept-Encoding": "identity"}
    with session.get(url, stream=True, timeout=timeout, headers=headers) as response:
        response.raise_for_status()
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _Refused("oversize", f"announced {declared} bytes, more than {what} {limit}")
        digest = hashlib.sha256()
        received = 0
        with tmp.open("wb") as handle, _progress(show, entry.size) as bar:
            # read1 returns as soon as any bytes arrive, so the checks run however slow the drip.
            while chunk := response.raw.read1(CHUNK, decode_content=False):
                received += len(chunk)
                if received > limit:
                    raise _Refused("oversize", f"sent more than {what} {limit} bytes")
                if time.monotonic() > stop:
                    raise _Refused("deadline", "did not finish before the deadline")
                digest.update(chunk)
                handle.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            handle.flush()
            os.fsync(handle.fileno())
    if entry.size is not None and received < entry.size:
        raise _Refused("transfer", f"ended after {received} of {entry.size} bytes")
    if digest.hexdigest() != entry.sha256:
        raise _Refused("mismatch", digest.hexdigest())


def _fetch(
    session: requests.Session,
    url: str,
    tmp: Path,
    entry: Entry,
    stop: float,
    attempts: int,
    show: str,
) -> None:
    for attempt in range(max(1, attempts)):
        try:
            _attempt(session, url, tmp, entry, stop, show)
            return
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            failure = _Refused("transfer", f"failed ({type(exc).__name__}: {exc})")
            if time.monotonic() > stop:  # the deadline timer shut the connection
                failure = _Refused("deadline", "did not finish before the deadline")
        except _Refused as exc:
            failure = exc
        if failure.kind == "deadline" or attempt >= attempts - 1:
            raise failure
        time.sleep(max(0.0, min(attempt + 1.0, stop - time.monotonic())))


def _temp_for(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".download-{os.getpid()}@{_HOST}-"
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".part")
    os.close(fd)
    return Path(name)


def download(
    release: str = __version__,
    base_url: str | None = None,
    dest: str | os.PathLike[str] | None = None,
    *,
    registry: Mapping[str, Entry | str] | None = None,
    retries: int | None = None,
    deadline: float | None = None,
    version: str | None = None,
) -> Path:
    """Fetch every file of a release into the cache, verify each one, return the folder.

    Each file streams into a temp file beside its target and is refused as soon as it outgrows
    the registry's size; the call is cut off after `deadline` seconds (default DEADLINE). Only
    when every file matches its sha256 are they renamed into place, so a failure (DownloadError)
    leaves the cache as it was, and files already there are never removed: concurrent calls
    into one cache cannot undo each other. `registry` (name -> Entry or sha256) replaces the
    registry shipped for `release`, for releases built locally. `version=` is the deprecated
    name of `release` (it warns, and goes in the next release).

    The folder is `<dest>/v<release>`; a file already there with the registered sha256 is not
    fetched again, so this one-file release, already in the cache, needs no network:

    >>> import hashlib, tempfile
    >>> from pathlib import Path
    >>> cache = tempfile.TemporaryDirectory()
    >>> folder = Path(cache.name, "v0.1")
    >>> folder.mkdir()
    >>> _ = (folder / "notes.txt").write_bytes(b"hello\\n")
    >>> registry = {"notes.txt": hashlib.sha256(b"hello\\n").hexdigest()}
    >>> download(release="0.1", dest=cache.name, registry=registry) == folder
    True
    >>> cache.cleanup()
    """
    if version is not None:
        if release not in (__version__, version):
            raise TypeError("download() got both release= and version=; pass release= only")
        warnings.warn(
            "download(version=...) is deprecated; use download(release=...)",
            DeprecationWarning,
            stacklevel=2,
        )
        release = version
    entries = _entries(registry if registry is not None else read_registry(release))
    folder = cache_dir(release, dest)
    url = release_url(release, base_url)
    seconds = DEADLINE if deadline is None else deadline
    if not 0 < seconds < math.inf:
        raise UsageError(f"deadline must be a positive number of seconds, not {seconds!r}")
    stop = time.monotonic() + seconds
    attempts = 1 + (RETRIES if retries is None else retries)
    # tqdm draws the bars; without it (or off a terminal) the download is silent.
    bars = sys.stderr.isatty() and importlib.util.find_spec("tqdm") is not None
    targets = {folder / name: name for name in entries}
    staged: dict[Path, Path] = {}
    name = ""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale({t.parent for t in targets if t.parent.is_dir()}, set(targets))
        with _session(stop) as session:
            for target, name in targets.items():
                if not _verified(target, entries[name]):
                    staged[target] = _temp_for(target)
                    tmp = staged[target]
                    show = name if bars else ""
                    _fetch(session, url + quote(name), tmp, entries[name], stop, attempts, show)
        for target, tmp in staged.items():
            name = targets[target]
            os.replace(tmp, target)  # atomic; a concurrent writer's bytes are the same bytes
    except _Refused as exc:
        message = _explain(name, url, folder, release, seconds, entries[name], exc)
        raise DownloadError(message, integrity=exc.integrity) from None
    except OSError as exc:
        where = f"{name}: " if name else ""
        raise DownloadError(
            f"{where}cannot write into {folder}: {exc.strerror or exc} ({exc.filename or folder})"
            f"; choose a writable cache folder with --dest or ${CACHE_ENV}"
        ) from None
    finally:
        for tmp in staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    return folder


def _explain(
    name: str, url: str, folder: Path, version: str, seconds: float, entry: Entry, exc: _Refused
) -> str:
    kept = f"nothing from this call was kept in {folder}"
    mirror = (
        f"Check that the base URL ({url}) is the official release or a faithful mirror, "
        "then try again."
    )
    if exc.kind == "mismatch":
        return (
            f"{name}: sha256 mismatch for {url}{name}: expected {entry.sha256}, got {exc}. "
            f"The file served is not the one released as v{version}; {kept}. {mirror}"
        )
    if exc.kind == "oversize":
        return (
            f"{name}: {url}{name} {exc}, so it is not the file released as v{version}; "
            f"refused before storing more, {kept}. {mirror}"
        )
    if exc.kind == "deadline":
        return (
            f"{name}: transfer from {url}{name} {exc} ({seconds:g} s for the whole download); "
            f"{kept}. Check the network and the base URL, or allow more time with --deadline."
        )
    return (
        f"{name}: transfer from {url}{name} {exc}; {kept}. Check the network and the "
        f"base URL (--base-url or ${BASE_URL_ENV}), then try again."
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


class _DeprecatedVersion(argparse.Action):
    """`download --version X`, the old spelling of --release: it still works, and says so."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        print(
            f"{parser.prog}: --version is deprecated and goes in the next release; use --release",
            file=sys.stderr,
        )
        setattr(namespace, self.dest, values)


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of `grounded-events download`."""
    parser.epilog = f"""\
examples:
  grounded-events download
  grounded-events download --release {__version__} --dest ./data
"""
    parser.add_argument(
        "--release",
        metavar="VERSION",
        default=__version__,
        help=f"release to fetch (default: {__version__}, this program's version)",
    )
    # The name before --release; --version means the program's version everywhere else.
    parser.add_argument(
        "--version", dest="release", action=_DeprecatedVersion, help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        default=None,
        help=f"where releases live, as URL/v<VERSION>/<file> (default: ${BASE_URL_ENV} or "
        f"{DEFAULT_BASE_URL})",
    )
    parser.add_argument(
        "--dest",
        metavar="DIR",
        type=Path,
        default=None,
        help=f"cache folder (default: ${CACHE_ENV} or the user cache dir); the release goes "
        "into DIR/v<VERSION>/",
    )
    parser.add_argument(
        "--deadline",
        metavar="SECONDS",
        type=_seconds,
        default=None,
        help=f"how long the whole download may take, retries included (default: {DEADLINE:g})",
    )


def run(args: argparse.Namespace) -> int:
    try:
        folder = download(args.release, args.base_url, args.dest, deadline=args.deadline)
    except DownloadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1 if exc.integrity else 2
    print(folder)
    return 0
