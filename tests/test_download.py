"""download(): fetch a release over HTTP, verify every sha256, keep nothing unverified."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import http.server
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import grounded_events
from grounded_events import cli
from grounded_events._loaders import download as _download
from grounded_events._loaders.download import DownloadError, Entry, parse_registry, read_registry
from helpers import ROOT, build_sample, tree

VERSION = grounded_events.__version__  # the release download() fetches by default
PACKAGE_1_0_0 = ROOT / "tests" / "fixtures" / "package-1.0.0"


class Release(http.server.ThreadingHTTPServer):
    """A loopback server for {base}/v{version}/{file} that can misbehave per file."""

    def __init__(self, folder: Path, version: str = VERSION) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.folder = folder
        self.version = version
        self.tampered: set[str] = set()  # same size, one bit flipped
        self.dropped: set[str] = set()
        self.flaky: set[str] = set()  # dropped once, then served whole
        self.drip: set[str] = set()  # one byte every DRIP seconds
        self.drip_headers: set[str] = set()  # the same, in an endless header line
        self.endless: set[str] = set()  # no Content-Length, bytes until the client hangs up
        self.served: dict[str, tuple[bytes, int | None]] = {}  # body and Content-Length to send
        self.delay = 0.0  # seconds before each body, to make concurrent clients overlap
        self.gated: set[str] = set()  # held back until `gate` is set
        self.gate = threading.Event()
        self.requests: list[str] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/releases"


DRIP = 0.05


class Handler(http.server.BaseHTTPRequestHandler):
    server: Release

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        prefix = f"/releases/v{self.server.version}/"
        name = self.path.removeprefix(prefix)
        path = self.server.folder / name
        if not self.path.startswith(prefix) or not path.is_file():
            self.send_error(404)
            return
        self.server.requests.append(name)
        if name in self.server.drip_headers:
            with contextlib.suppress(OSError):
                self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
                for _ in range(10_000):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(DRIP)
            return
        data = path.read_bytes()
        length: int | None = len(data)
        if name in self.server.tampered:
            data = data[:-1] + bytes([data[-1] ^ 1])
        if name in self.server.served:
            data, length = self.server.served[name]
        if name in self.server.endless:
            length = None
        self.send_response(200)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        time.sleep(self.server.delay)
        if name in self.server.gated:
            self.server.gate.wait(30)
        with contextlib.suppress(OSError):  # the client hanging up ends the response
            if name in self.server.endless:
                for _ in range(4096):  # 256 MiB at most, should the client never stop
                    self.wfile.write(b"x" * 65536)
            elif name in self.server.drip:
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(DRIP)
            elif name in self.server.dropped or name in self.server.flaky:
                self.server.flaky.discard(name)
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
            else:
                self.wfile.write(data)


@contextlib.contextmanager
def serving(folder: Path, version: str = VERSION) -> Iterator[Release]:
    """Serve folder as release v{version} on 127.0.0.1 while the block runs."""
    server = Release(folder, version)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def release(tmp_path: Path) -> Iterator[tuple[Release, dict[str, Entry]]]:
    """A sample release served on 127.0.0.1 and its registry."""
    folder = build_sample(tmp_path / "build")
    registry = parse_registry((tmp_path / "build" / "registry.sha256").read_text())
    with serving(folder) as server:
        yield server, registry


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GROUNDED_EVENTS_BASE_URL", "GROUNDED_EVENTS_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


def files(folder: Path) -> list[str]:
    """The relative paths of the files under folder (temp files included)."""
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_download_fetches_and_verifies_every_file(release, tmp_path: Path) -> None:
    """Every release file lands in <dest>/v<version>/ byte for byte; a second call is cached."""
    server, registry = release
    folder = grounded_events.download(
        VERSION, base_url=server.base_url, dest=tmp_path / "cache", registry=registry
    )
    assert folder == tmp_path / "cache" / f"v{VERSION}"
    assert tree(folder) == tree(server.folder)
    assert sorted(server.requests) == sorted(registry)
    server.requests.clear()
    grounded_events.download(
        VERSION, base_url=server.base_url, dest=tmp_path / "cache", registry=registry
    )
    assert server.requests == []
    events = grounded_events.load("events", path=folder)
    assert len(events) == 2


def test_tampered_file_is_refused_and_nothing_kept(release, tmp_path: Path) -> None:
    """A file whose sha256 differs is an error naming it, both hashes and what to do."""
    server, registry = release
    server.tampered.add("events.csv")
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError) as error:
        grounded_events.download(
            VERSION, base_url=server.base_url, dest=cache, registry=registry, retries=0
        )
    message = str(error.value)
    assert message.startswith("events.csv: sha256 mismatch")
    assert f"expected {registry['events.csv'].sha256}" in message
    assert "got " in message and "Check that the base URL" in message
    assert error.value.integrity
    assert files(cache) == []


def test_dropped_connection_is_refused_and_nothing_kept(release, tmp_path: Path) -> None:
    """A transfer cut off mid-file is an error naming the file; the cache holds nothing."""
    server, registry = release
    server.dropped.add("events.parquet")
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError, match=r"^events\.parquet: transfer from .* failed") as error:
        grounded_events.download(
            VERSION, base_url=server.base_url, dest=cache, registry=registry, retries=0
        )
    assert not error.value.integrity
    assert files(cache) == []


def test_a_transfer_that_breaks_once_is_retried(release, tmp_path: Path) -> None:
    """A connection dropped once is retried and the release arrives whole."""
    server, registry = release
    server.flaky.add("evidence.csv")
    folder = grounded_events.download(
        VERSION, base_url=server.base_url, dest=tmp_path / "cache", registry=registry, retries=1
    )
    assert tree(folder) == tree(server.folder)
    assert server.requests.count("evidence.csv") == 2


def test_environment_variables_choose_server_and_cache(
    release, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GROUNDED_EVENTS_BASE_URL and GROUNDED_EVENTS_CACHE replace the defaults."""
    server, registry = release
    monkeypatch.setenv("GROUNDED_EVENTS_BASE_URL", server.base_url)
    monkeypatch.setenv("GROUNDED_EVENTS_CACHE", str(tmp_path / "env-cache"))
    folder = grounded_events.download(VERSION, registry=registry)
    assert folder == tmp_path / "env-cache" / f"v{VERSION}"
    assert tree(folder) == tree(server.folder)


def test_default_cache_is_the_user_cache_dir_with_the_version() -> None:
    """Without dest or environment, the release goes to the user cache dir, under v<version>."""
    import pooch

    folder = _download.cache_dir(VERSION)
    assert folder == Path(pooch.os_cache("grounded-events")) / f"v{VERSION}"


def test_cli_downloads_quietly_when_not_a_tty(
    release, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`grounded-events download` prints the folder and no progress off a TTY; exit 0."""
    server, registry = release
    monkeypatch.setattr(_download, "read_registry", lambda version: registry)
    code = cli.main(
        ["download", "--release", VERSION, "--base-url", server.base_url, "--dest", str(tmp_path)]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert out.strip() == str(tmp_path / f"v{VERSION}")
    assert err == ""


def test_the_default_release_is_schema_2_0_0(
    release, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --release, `download` fetches release 2.0.0 (this package's) with its registry."""
    server, registry = release
    asked: list[str] = []
    monkeypatch.setattr(
        _download, "read_registry", lambda version: asked.append(version) or registry
    )
    code = cli.main(["download", "--base-url", server.base_url, "--dest", str(tmp_path)])
    assert code == 0
    assert asked == ["2.0.0"]
    assert capsys.readouterr().out.strip() == str(tmp_path / "v2.0.0")


def test_cli_version_still_works_and_says_it_is_deprecated(
    release, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`download --version X`, the old spelling of --release, fetches X and prints one line of
    deprecation to stderr."""
    server, registry = release
    monkeypatch.setattr(_download, "read_registry", lambda version: registry)
    code = cli.main(
        ["download", "--version", VERSION, "--base-url", server.base_url, "--dest", str(tmp_path)]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert out.strip() == str(tmp_path / f"v{VERSION}")
    assert err == (
        "grounded-events download: --version is deprecated and goes in the next release; "
        "use --release\n"
    )


def test_cli_help_shows_release_not_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`download --help` offers --release VERSION; the deprecated --version is hidden."""
    with pytest.raises(SystemExit):
        cli.main(["download", "--help"])
    out = capsys.readouterr().out
    assert "[--release VERSION]" in out
    assert f"--release VERSION   release to fetch (default: {grounded_events.__version__}" in out
    assert "--version" not in out


def test_version_keyword_still_works_and_warns(release, tmp_path: Path) -> None:
    """download(version=X), the old name of release=, fetches X with a DeprecationWarning."""
    server, registry = release
    with pytest.warns(DeprecationWarning, match=r"use download\(release=\.\.\.\)"):
        folder = grounded_events.download(
            version=VERSION, base_url=server.base_url, dest=tmp_path, registry=registry
        )
    assert folder == tmp_path / f"v{VERSION}"
    assert (
        grounded_events.download(
            release=VERSION, base_url=server.base_url, dest=tmp_path, registry=registry
        )
        == folder
    )


def test_release_and_version_keywords_together_are_refused(tmp_path: Path) -> None:
    """download(release=A, version=B) is a TypeError, not a guess between the two."""
    with pytest.raises(TypeError, match="got both release= and version="):
        grounded_events.download(release="0.9.0", version=VERSION, dest=tmp_path, registry={})


def test_progress_is_shown_on_a_tty(
    release, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal each file gets a progress bar on stderr."""
    server, registry = release

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    grounded_events.download(
        VERSION, base_url=server.base_url, dest=tmp_path / "cache", registry=registry
    )
    assert "100%" in terminal.getvalue() and "events.csv" in terminal.getvalue()


def test_cli_reports_a_tampered_file(
    release, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tampered release makes `grounded-events download` exit 1 with the file named."""
    server, registry = release
    server.tampered.add("actors.csv")
    monkeypatch.setattr(_download, "read_registry", lambda version: registry)
    monkeypatch.setattr(_download, "RETRIES", 0)
    code = cli.main(["download", "--base-url", server.base_url, "--dest", str(tmp_path / "c")])
    err = capsys.readouterr().err
    assert code == 1
    assert "actors.csv: sha256 mismatch" in err
    assert "Traceback" not in err
    assert files(tmp_path / "c") == []


def test_unknown_version_names_the_known_ones() -> None:
    """A version without a shipped registry is a clear error listing the versions there are."""
    with pytest.raises(DownloadError, match=r"no hash registry for version '0\.0\.1'.*1\.0\.0"):
        read_registry("0.0.1")


def test_shipped_registry_matches_the_committed_package() -> None:
    """The registry in the package lists every committed release file with its sha256 and size."""
    folder = ROOT / "datasets" / "grounded-events"
    assert (folder / "SHA256SUMS").is_file(), "run `make data`"
    import hashlib

    expected = {
        name: Entry(hashlib.sha256(data).hexdigest(), len(data))
        for name, data in tree(folder).items()
    }
    assert read_registry(VERSION) == expected


def test_the_previous_release_still_downloads_and_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`download --release 1.0.0` still fetches and verifies 1.0.0 files against the shipped
    registry v1.0.0.sha256, and load() reads what it fetched. The loopback server holds the
    1.0.0 files kept in tests/fixtures/package-1.0.0 (not the CSVs, JSON lines and report), so
    the shipped registry is narrowed to those files, each still listed with its exact bytes."""
    assert {"1.0.0", VERSION} <= set(_download.known_versions())
    shipped = read_registry("1.0.0")
    kept = {
        name: Entry(hashlib.sha256(data).hexdigest(), len(data))
        for name, data in tree(PACKAGE_1_0_0).items()
    }
    assert {name: shipped[name] for name in kept} == kept
    monkeypatch.setattr(
        _download, "read_registry", lambda version: {n: read_registry(version)[n] for n in kept}
    )
    with serving(PACKAGE_1_0_0, "1.0.0") as server:
        code = cli.main(
            ["download", "--release", "1.0.0", "--base-url", server.base_url,
             "--dest", str(tmp_path)]
        )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert out.strip() == str(tmp_path / "v1.0.0")
    assert sorted(server.requests) == sorted(kept)
    events = grounded_events.load("events", path=tmp_path / "v1.0.0")
    assert "refers_to" in events.columns and len(events) == 14


# --- hostile servers, concurrent and killed downloads, unwritable caches (issue 12) -----------

# Runs download() in a fresh process and exits as the CLI would (1 wrong file, 2 transfer).
CHILD = """
import json, sys
from grounded_events._loaders.download import DownloadError, Entry, download
base, dest, registry, deadline = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
try:
    download(sys.argv[5], base, dest, registry={n: Entry(*e) for n, e in registry.items()},
             retries=0, deadline=float(deadline))
except DownloadError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1 if exc.integrity else 2)
"""


def child(base_url: str, dest: Path, registry: dict[str, Entry], deadline: float = 60):
    """Start download() in another process."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            base_url,
            str(dest),
            json.dumps(registry),
            str(deadline),
            VERSION,
        ],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_PROXY": "127.0.0.1"},
    )


def verified(folder: Path, registry: dict[str, Entry]) -> bool:
    """Every registry file is in folder with its size and sha256, and nothing else is."""
    return files(folder) == sorted(registry) and all(
        hashlib.sha256((folder / n).read_bytes()).hexdigest() == e.sha256
        and (folder / n).stat().st_size == e.size
        for n, e in registry.items()
    )


def test_concurrent_downloads_into_one_cache_leave_it_complete(release, tmp_path: Path) -> None:
    """4 processes share a cache, one fed by a tampered mirror: the cache ends whole and verified."""
    server, registry = release
    server.delay = 0.02  # the honest processes overlap one another
    cache = tmp_path / "cache"
    last = sorted(registry)[-1]
    with serving(server.folder) as mirror:
        # The tampered process fetches every other file, then waits for its last (tampered)
        # one while the honest processes verify the same files; only then does it fail.
        mirror.tampered.add(last)
        mirror.gated.add(last)
        tampered = child(mirror.base_url, cache, registry)
        for _ in range(600):
            if last in mirror.requests or tampered.poll() is not None:
                break
            time.sleep(0.05)
        honest = [child(server.base_url, cache, registry) for _ in range(3)]
        codes = [p.wait(timeout=60) for p in honest]
        mirror.gate.set()
        code = tampered.wait(timeout=60)
    assert codes == [0, 0, 0]
    assert code == 1 and tampered.stderr and "sha256 mismatch" in tampered.stderr.read()
    assert verified(cache / f"v{VERSION}", registry)


@pytest.mark.parametrize("part", ["body", "headers"])
def test_a_slow_drip_server_is_cut_off_by_the_deadline(part: str, release, tmp_path: Path) -> None:
    """A server sending a byte at a time, each within the read timeout, is stopped at the deadline."""
    server, registry = release
    (server.drip if part == "body" else server.drip_headers).add("events.csv")
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"^events\.csv: .*deadline.*--deadline") as error:
        grounded_events.download(
            VERSION, base_url=server.base_url, dest=tmp_path / "c", registry=registry, deadline=1.0
        )
    assert time.monotonic() - started < 2.5
    assert not error.value.integrity
    assert files(tmp_path / "c") == []


@pytest.mark.parametrize("how", ["announced", "streamed"])
def test_an_oversized_file_is_refused_once_it_passes_its_size(
    how: str, release, tmp_path: Path
) -> None:
    """More bytes than the registry's size, announced or just sent, stop the transfer: exit 1."""
    server, registry = release
    if how == "announced":
        data = (server.folder / "events.csv").read_bytes()
        server.served["events.csv"] = (data, 10**12)
    else:
        server.endless.add("events.csv")
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"^events\.csv: .*more than the released file's") as e:
        grounded_events.download(
            VERSION, base_url=server.base_url, dest=tmp_path / "c", registry=registry, retries=0
        )
    assert time.monotonic() - started < 5
    assert e.value.integrity
    assert files(tmp_path / "c") == []


def test_a_killed_download_leaves_nothing_a_later_call_keeps(release, tmp_path: Path) -> None:
    """SIGKILL mid-transfer publishes no file; the next call removes its temp files and succeeds."""
    server, registry = release
    server.drip.add("events.csv")
    folder = tmp_path / f"v{VERSION}"
    process = child(server.base_url, tmp_path, registry)
    for _ in range(400):
        if "events.csv" in server.requests or process.poll() is not None:
            break
        time.sleep(0.05)
    time.sleep(10 * DRIP)  # a few bytes of events.csv are in its temp file
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    left = files(folder)
    assert left and all(Path(p).name.startswith(".download-") for p in left)
    server.drip.clear()
    grounded_events.download(VERSION, base_url=server.base_url, dest=tmp_path, registry=registry)
    assert verified(folder, registry)


def test_only_temp_files_of_dead_or_stale_downloads_are_removed(release, tmp_path: Path) -> None:
    """A live download's temp file is left alone; an old one from another host goes."""
    server, registry = release
    folder = tmp_path / f"v{VERSION}"
    folder.mkdir()
    live = folder / f".download-{os.getpid()}@{_download._HOST}-abcd1234.part"
    stale = folder / ".download-1@elsewhere-abcd1234.part"
    recent = folder / ".download-1@elsewhere-efgh5678.part"
    for path in (live, stale, recent):
        path.write_bytes(b"partial")
    old = time.time() - _download.STALE_AFTER - 60
    os.utime(stale, (old, old))
    grounded_events.download(VERSION, base_url=server.base_url, dest=tmp_path, registry=registry)
    assert live.exists() and recent.exists() and not stale.exists()


def test_a_wrong_file_under_a_release_name_is_fetched_again(release, tmp_path: Path) -> None:
    """A file in the cache that does not verify (e.g. cut short) is never trusted: it is replaced."""
    server, registry = release
    folder = tmp_path / f"v{VERSION}"
    folder.mkdir()
    (folder / "events.csv").write_bytes((server.folder / "events.csv").read_bytes()[:100])
    grounded_events.download(VERSION, base_url=server.base_url, dest=tmp_path, registry=registry)
    assert verified(folder, registry)


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_an_unwritable_cache_is_a_usage_error(
    where: str,
    release,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A cache folder that cannot be created is one clear line and exit 2, never a traceback."""
    server, registry = release
    monkeypatch.setattr(_download, "read_registry", lambda version: registry)
    (tmp_path / "a-file").write_text("not a folder")
    dest = tmp_path / "a-file" / "cache" if where == "under-a-file" else Path("/proc/ge-cache")
    code = cli.main(["download", "--base-url", server.base_url, "--dest", str(dest)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: cannot write into {dest / f'v{VERSION}'}: ")
    assert "--dest" in err and len(err.splitlines()) == 1


def test_a_read_only_cache_names_the_file(
    release, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the folder exists but refuses new files (read-only), the error names file and reason."""
    server, registry = release

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(_download.tempfile, "mkstemp", read_only)
    with pytest.raises(DownloadError, match=r"^SHA256SUMS: cannot write into .*Read-only") as e:
        grounded_events.download(
            VERSION, base_url=server.base_url, dest=tmp_path, registry=registry
        )
    assert not e.value.integrity


def test_old_two_column_registries_still_verify(release, tmp_path: Path) -> None:
    """A `name sha256` registry (no sizes) still downloads and checks every hash."""
    server, registry = release
    text = "".join(f"{name} {entry.sha256}\n" for name, entry in registry.items())
    old = parse_registry(text)
    assert all(entry.size is None for entry in old.values())
    folder = grounded_events.download(
        VERSION, base_url=server.base_url, dest=tmp_path, registry=old
    )
    assert verified(folder, registry)
    server.tampered.add("events.csv")
    with pytest.raises(DownloadError, match="sha256 mismatch"):
        grounded_events.download(
            VERSION, base_url=server.base_url, dest=tmp_path / "b", registry=old, retries=0
        )


@pytest.mark.parametrize("name", ["../escape.csv", "/etc/passwd", "a//b", "report/./x", "a\\b"])
def test_a_registry_name_outside_the_release_is_refused(name: str, tmp_path: Path) -> None:
    """Registry names are joined to the cache folder, so one that climbs out is refused."""
    with pytest.raises(DownloadError, match="not a relative path in the release"):
        grounded_events.download(VERSION, dest=tmp_path, registry={name: "0" * 64})


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_cli_refuses_a_deadline_that_is_not_positive_seconds(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--deadline takes positive seconds; anything else is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(["download", "--deadline", value])
    assert exit_.value.code == 2
    assert "not a positive number of seconds" in capsys.readouterr().err


SIZES = {"a.bin": 3000, "b.bin": 1, "sub/c.bin": 70_000}  # c spans several reads


@st.composite
def misbehaviours(draw: st.DrawFn, data: bytes) -> tuple[bytes, int | None]:
    """What a server may send for a file: its bytes or not, with an honest length or not."""
    how = draw(st.sampled_from(["whole", "cut", "cut-lying", "longer", "flipped"]))
    if how == "whole":
        body = data
    elif how in ("cut", "cut-lying"):
        body = data[: draw(st.integers(0, len(data) - 1))]
    elif how == "longer":
        body = data + draw(st.binary(min_size=1, max_size=2000))
    else:
        at = draw(st.integers(0, len(data) - 1))
        body = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    length = draw(st.sampled_from([len(body), None]))
    return body, len(data) if how == "cut-lying" else length


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.data())
def test_whatever_a_server_sends_the_cache_holds_only_released_bytes(data: st.DataObject) -> None:
    """Any mix of cut, longer, altered or mis-announced files: success iff all were whole, a
    DownloadError otherwise, files cached earlier stay, and no name ever holds other bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        originals = {name: os.urandom(size) for name, size in SIZES.items()}
        for name, content in originals.items():
            (root / "release" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "release" / name).write_bytes(content)
        registry = {n: Entry(hashlib.sha256(c).hexdigest(), len(c)) for n, c in originals.items()}
        cached = data.draw(st.sets(st.sampled_from(sorted(SIZES))), label="cached before")
        folder = root / "cache" / f"v{VERSION}"
        for name in cached:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(originals[name])
        served = {n: data.draw(misbehaviours(c), label=n) for n, c in originals.items()}
        with serving(root / "release") as server:
            server.served = served
            try:
                grounded_events.download(
                    VERSION, server.base_url, root / "cache", registry=registry, retries=0
                )
                ok = True
            except DownloadError:
                ok = False
        assert ok == all(served[n][0] == originals[n] for n in SIZES if n not in cached)
        assert files(folder) == (sorted(SIZES) if ok else sorted(cached))
        assert all((folder / n).read_bytes() == originals[n] for n in files(folder))


def test_negative_retries_still_fetch_and_verify_once(release, tmp_path: Path) -> None:
    """retries below 0 mean one attempt: a file is never published without being fetched."""
    server, registry = release
    folder = grounded_events.download(
        VERSION, base_url=server.base_url, dest=tmp_path / "c", registry=registry, retries=-3
    )
    assert verified(folder, registry)


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), float("inf")])
def test_download_refuses_a_deadline_that_is_not_positive_seconds(
    seconds: float, tmp_path: Path
) -> None:
    """deadline= takes a finite positive number of seconds; anything else is a UsageError."""
    with pytest.raises(grounded_events.UsageError, match="deadline must be a positive number"):
        grounded_events.download(VERSION, dest=tmp_path, registry={"a": "0" * 64}, deadline=seconds)
