"""download(): fetch a release over HTTP, verify every sha256, keep nothing unverified."""

from __future__ import annotations

import contextlib
import http.server
import io
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import grounded_events
from grounded_events import _download, cli
from grounded_events._download import DownloadError, Entry, parse_registry, read_registry
from package_sample import ROOT, build_sample, tree

VERSION = "1.0.0"


class Release(http.server.ThreadingHTTPServer):
    """A loopback server for {base}/v{version}/{file} that can misbehave per file."""

    def __init__(self, folder: Path) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.folder = folder
        self.tampered: set[str] = set()  # same size, one bit flipped
        self.dropped: set[str] = set()
        self.flaky: set[str] = set()  # dropped once, then served whole
        self.drip: set[str] = set()  # one byte every DRIP seconds
        self.endless: set[str] = set()  # no Content-Length, bytes until the client hangs up
        self.served: dict[str, tuple[bytes, int | None]] = {}  # body and Content-Length to send
        self.delay = 0.0  # seconds before each body, to make concurrent clients overlap
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
        prefix = f"/releases/v{VERSION}/"
        name = self.path.removeprefix(prefix)
        path = self.server.folder / name
        if not self.path.startswith(prefix) or not path.is_file():
            self.send_error(404)
            return
        self.server.requests.append(name)
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
def serving(folder: Path) -> Iterator[Release]:
    """Serve folder as release v1.0.0 on 127.0.0.1 while the block runs."""
    server = Release(folder)
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
        ["download", "--version", VERSION, "--base-url", server.base_url, "--dest", str(tmp_path)]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert out.strip() == str(tmp_path / f"v{VERSION}")
    assert err == ""


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
    assert "100%" in terminal.getvalue()


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
