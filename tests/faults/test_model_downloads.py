"""Hostile model downloads, as a user meets them: a real HTTP server on 127.0.0.1 that tampers,
never ends, trickles or falls silent, and real ZIP archives that bomb, link or hide devices.

Every case must end in one line (ModelError in process; exit code 1 or 2 and a single stderr
line from the CLI), install nothing and leave nothing behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import http.server
import io
import os
import resource
import stat
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from tests.speech.model_trees import VOSK_FILES
from tui.core.debrief.export import EXPORT_NAME, export_session
from tui.core.session.session import Session
from tui.speech import fetch
from tui.speech.errors import ModelError
from tui.speech.fetch import CatalogueEntry, FetchLimits, fetch_model
from tui.speech.unpack import UnpackLimits, safe_extract

NAME = "vosk-model-small-en-us-0.15"
#: Short timeouts so that a stalled server is noticed within about a second.
QUICK = FetchLimits(read_timeout=1.0, stall_window=1.0, stall_min_bytes=1024)
#: How long a hostile server keeps going when nothing stops it (the guard's absence shows).
GIVE_UP = 8.0

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


def model_zip(fill: bytes = b"a", extra: dict[str, bytes] | None = None) -> bytes:
    """A stored (uncompressed) model ZIP; `fill` changes content but never the size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        for path in VOSK_FILES:
            bundle.writestr(f"{NAME}/{path}", b"kaldi " + fill * 300)
        for path, data in (extra or {}).items():
            bundle.writestr(path, data)
    return buffer.getvalue()


def with_member(mode: int, name: str, data: bytes = b"") -> bytes:
    """A model ZIP holding one more member of file type `mode` (a link, a FIFO, a device)."""
    buffer = io.BytesIO(model_zip())
    with zipfile.ZipFile(buffer, "a") as bundle:
        info = zipfile.ZipInfo(name)
        info.external_attr = (mode | 0o777) << 16
        bundle.writestr(info, data)
    return buffer.getvalue()


def symlink_chain() -> bytes:
    """Links that each look harmless but chain outside: a -> b/.., b -> c/.., c -> ../../.."""
    buffer = io.BytesIO(model_zip())
    with zipfile.ZipFile(buffer, "a") as bundle:
        for name, target in (("a", "b/.."), ("b", "c/.."), ("c", "../../..")):
            info = zipfile.ZipInfo(f"{NAME}/graph/{name}")
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, target)
    return buffer.getvalue()


def zip_bomb(unpacked: int = 64 << 20, members: int = 1) -> bytes:
    """A model ZIP whose zero-filled members unpack to `unpacked` bytes in all (~1000:1)."""
    buffer = io.BytesIO(model_zip())
    block = bytes(1 << 20)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as bundle:
        for index in range(members):
            with bundle.open(f"{NAME}/graph/zeros{index}", "w", force_zip64=True) as out:
                for _ in range(unpacked // members // len(block)):
                    out.write(block)
    return buffer.getvalue()


@dataclass
class Server:
    """What the server answers per path (bytes, or a handler doing something hostile)."""

    base: str = ""
    routes: dict[str, bytes | Handler] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def endless(request: http.server.BaseHTTPRequestHandler) -> None:
    """200 without a length, then zeros as fast as the client reads (for GIVE_UP s)."""
    request.send_response(200)
    request.end_headers()
    block, end = bytes(1 << 16), time.monotonic() + GIVE_UP
    while time.monotonic() < end:
        request.wfile.write(block)


def trickle(server: Server, head: bytes = b"", every: float = 0.2) -> Handler:
    """Headers (no length), `head`, then one byte every `every` seconds."""

    def handle(request: http.server.BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.end_headers()
        request.wfile.write(head)
        request.wfile.flush()
        end = time.monotonic() + GIVE_UP
        while time.monotonic() < end and not server.stop.wait(every):
            request.wfile.write(b"x")
            request.wfile.flush()

    return handle


def silent(server: Server) -> Handler:
    """Headers and ten bytes, then nothing (the connection stays open)."""
    return trickle(server, b"PK" + bytes(8), every=GIVE_UP)


def huge_length(request: http.server.BaseHTTPRequestHandler) -> None:
    """A Content-Length of 10 GB (nothing is sent after the headers)."""
    request.send_response(200)
    request.send_header("Content-Length", str(10 << 30))
    request.end_headers()


@pytest.fixture
def server() -> Iterator[Server]:
    """A threaded HTTP server on 127.0.0.1 serving `Server.routes`."""
    state = Server()

    class Handle(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            route = state.routes.get(self.path)
            try:
                if route is None:
                    self.send_error(404, "Not Found")
                elif isinstance(route, bytes):
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(route)))
                    self.end_headers()
                    self.wfile.write(route)
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()


def pin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """Make the catalogue hold only NAME, pinned to the size and SHA-256 of `data`."""
    entry = CatalogueEntry(NAME, "en", "1K", "test model", size=len(data),
                           sha256=hashlib.sha256(data).hexdigest())
    monkeypatch.setattr(fetch, "CATALOGUE", (entry,))


def refused(dest: Path, call: Callable[[], Path], match: str, within: float = 5.0) -> ModelError:
    """Run `call`, expecting a one-line ModelError matching `match` within `within` seconds
    that leaves `dest` empty (nothing installed, no .part, no .unpack)."""
    start = time.monotonic()
    with pytest.raises(ModelError, match=match) as error:
        call()
    assert time.monotonic() - start < within
    assert "\n" not in str(error.value)
    assert not dest.exists() or list(dest.iterdir()) == []
    return error.value


def cli(args: list[str], home: Path, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    """`boardless ARGS` in a child with HOME at `home` (and files capped at `fsize` bytes)."""

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        env=dict(os.environ, HOME=str(home)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=limit,
    )


def one_line(done: subprocess.CompletedProcess[str], code: int, match: str) -> None:
    """The child failed with exit `code` and exactly one stderr line containing `match`."""
    assert done.returncode == code, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("boardless: error: "), done.stderr
    assert match in lines[0], lines[0]
    assert "Traceback" not in done.stderr


# -- tampering and pinning ------------------------------------------------------------------------


def test_a_tampered_archive_of_the_same_size_is_refused(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = model_zip(b"a"), model_zip(b"b")
    assert len(good) == len(bad) and good != bad  # both valid, installable models
    server.routes[f"/{NAME}.zip"] = bad
    pin(monkeypatch, good)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", server.base)
    dest = tmp_path / "cache"
    refused(dest, lambda: fetch_model(NAME, dest), r"wrong SHA-256 checksum .* tampered with$")
    # The same through the CLI, with the user's archive and its expected checksum.
    server.routes["/mirror.zip"] = bad
    done = cli(
        [
            "models",
            "fetch",
            "mirror-model",
            "--url",
            server.base + "/mirror.zip",
            "--dest",
            str(dest),
            "--sha256",
            hashlib.sha256(good).hexdigest(),
        ],
        tmp_path,
    )
    one_line(done, 1, "has the wrong SHA-256 checksum")
    assert list(dest.iterdir()) == []


def test_a_user_archive_needs_sha256(tmp_path: Path, server: Server) -> None:
    server.routes["/any.zip"] = model_zip()
    done = cli(["models", "fetch", "mine", "--url", server.base + "/any.zip"], tmp_path)
    one_line(done, 2, "--url needs --sha256 HEX")
    done = cli(
        ["models", "fetch", "mine", "--url", server.base + "/any.zip", "--sha256", "xyz"], tmp_path
    )
    one_line(done, 2, "--sha256 must be 64 hexadecimal digits")
    assert server.hits == [] and not (tmp_path / ".cache").exists()


# -- endless, oversized, slow and silent servers --------------------------------------------------


def test_an_endless_response_stops_at_the_pinned_size(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = model_zip()
    server.routes[f"/{NAME}.zip"] = endless
    pin(monkeypatch, data)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", server.base)
    dest = tmp_path / "cache"
    refused(
        dest,
        lambda: fetch_model(NAME, dest, limits=QUICK),
        f"more than the {len(data):,} bytes expected",
    )
    server.routes[f"/{NAME}.zip"] = huge_length  # refused on the header, before any byte
    refused(
        dest, lambda: fetch_model(NAME, dest, limits=QUICK), "is 10,737,418,240 bytes, more than"
    )


@pytest.mark.parametrize("kind", ["trickle", "silent"])
def test_a_stalled_server_is_given_up_on(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    server.routes[f"/{NAME}.zip"] = trickle(server) if kind == "trickle" else silent(server)
    pin(monkeypatch, model_zip())
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", server.base)
    dest = tmp_path / "cache"
    refused(dest, lambda: fetch_model(NAME, dest, limits=QUICK), f"^download of {NAME} stalled")


def test_the_cli_gives_up_on_a_trickle(tmp_path: Path, server: Server) -> None:
    data = model_zip()
    server.routes["/slow.zip"] = trickle(server)
    sha = hashlib.sha256(data).hexdigest()
    done = cli(
        [
            "models",
            "fetch",
            "slow",
            "--url",
            server.base + "/slow.zip",
            "--sha256",
            sha,
            "--timeout",
            "1",
        ],
        tmp_path,
    )
    one_line(done, 1, "download of slow stalled after")
    assert list((tmp_path / ".cache/vosk").iterdir()) == []


def test_a_write_error_during_download_is_one_line(tmp_path: Path, server: Server) -> None:
    data = model_zip(extra={f"{NAME}/padding": os.urandom(200_000)})
    server.routes["/big.zip"] = data
    sha = hashlib.sha256(data).hexdigest()
    done = cli(
        ["models", "fetch", "big", "--url", server.base + "/big.zip", "--sha256", sha],
        tmp_path,
        fsize=64 << 10,
    )  # the disk "fills" at 64 KiB per file
    one_line(done, 1, "File too large")
    assert list((tmp_path / ".cache/vosk").iterdir()) == []


# -- hostile archives --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("archive", "match"),
    [
        (symlink_chain(), "holds a symbolic link"),
        (with_member(stat.S_IFLNK, f"{NAME}/graph/up", b"../../../../etc"), "symbolic link"),
        (with_member(stat.S_IFIFO, f"{NAME}/graph/fifo"), "holds a FIFO"),
        (with_member(stat.S_IFCHR, f"{NAME}/graph/tty"), "holds a character device"),
        (with_member(stat.S_IFBLK, f"{NAME}/graph/sda"), "holds a block device"),
        (with_member(stat.S_IFSOCK, f"{NAME}/graph/sock"), "holds a socket"),
        (model_zip(extra={"../evil": b"x"}), "unsafe path '../evil'"),
        (model_zip(extra={"/tmp/evil": b"x"}), "unsafe path '/tmp/evil'"),
        (model_zip(extra={f"{NAME}\\..\\..\\evil": b"x"}), "unsafe path"),
    ],
    ids=[
        "symlink-chain",
        "symlink-up",
        "fifo",
        "chardev",
        "blockdev",
        "socket",
        "dotdot",
        "absolute",
        "backslash-dotdot",
    ],
)
def test_links_special_files_and_escapes_are_refused(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch, archive: bytes, match: str
) -> None:
    server.routes[f"/{NAME}.zip"] = archive
    pin(monkeypatch, archive)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", server.base)
    dest = tmp_path / "one" / "two" / "cache"
    refused(dest, lambda: fetch_model(NAME, dest), match)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["cache", "one", "two"]


def test_a_zip_bomb_is_refused_before_it_fills_the_disk(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = zip_bomb()
    assert len(bomb) < 1 << 20  # 64 MiB of zeros in well under 1 MiB
    server.routes[f"/{NAME}.zip"] = bomb
    pin(monkeypatch, bomb)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", server.base)
    dest = tmp_path / "cache"
    refused(
        dest, lambda: fetch_model(NAME, dest), r"unpacks to more than [\d,]+ bytes \(a zip bomb"
    )


@pytest.mark.parametrize("shape", ["one-member", "many-members", "lying-headers"])
def test_a_zip_bomb_writes_at_most_its_allowance(tmp_path: Path, shape: str) -> None:
    bomb = zip_bomb(32 << 20, members=32 if shape == "many-members" else 1)
    allowance = UnpackLimits().allowance(len(bomb))
    root = tmp_path / "root"
    root.mkdir()
    with zipfile.ZipFile(io.BytesIO(bomb)) as bundle:
        if shape == "lying-headers":  # the directory claims 1 KB per member; the data is not
            for info in bundle.infolist():
                info.file_size = min(info.file_size, 1024)
        with pytest.raises(ModelError, match="zip bomb|damaged") as error:
            safe_extract(bundle, root, allowance)
    assert "\n" not in str(error.value)
    on_disk = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert on_disk <= allowance < 2 << 20


def test_too_many_entries_are_refused(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = model_zip(extra={f"{NAME}/many/{i}": b"" for i in range(60)})
    server.routes[f"/{NAME}.zip"] = archive
    pin(monkeypatch, archive)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", server.base)
    dest = tmp_path / "cache"
    few = replace(QUICK, unpack=UnpackLimits(members=50))
    refused(dest, lambda: fetch_model(NAME, dest, limits=few), r"has 67 entries, over 50")


# -- leftovers -------------------------------------------------------------------------------------


def age(path: Path, seconds: float) -> Path:
    """Set `path`'s modification time `seconds` in the past."""
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_leftovers_of_an_interrupted_fetch_are_cleaned_at_the_next(
    tmp_path: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = model_zip()
    server.routes[f"/{NAME}.zip"] = data
    pin(monkeypatch, data)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", server.base)
    dest = tmp_path / "cache"
    dest.mkdir()
    stale_part = dest / f".{NAME}.k1ll3d.zip.part"
    stale_part.write_bytes(b"PK" * 1000)
    age(stale_part, 3600)
    stale_unpack = dest / f".{NAME}.k1ll3d.unpack"
    (stale_unpack / "am").mkdir(parents=True)
    (stale_unpack / "am/final.mdl").write_bytes(b"half")
    age(stale_unpack, 3600)
    orphan = dest / ".other.x.unpack"
    orphan.mkdir()
    age(orphan, 3600)
    fresh = dest / ".other.fresh.zip.part"  # a fetch that started a moment ago
    fresh.write_bytes(b"PK")
    live = dest / ".other.live.zip.part"  # an old, slow fetch that still holds its lock
    live.write_bytes(b"PK")
    age(live, 3600)
    live_unpack = dest / ".other.live.unpack"
    live_unpack.mkdir()
    age(live_unpack, 3600)
    mine = dest / "notes.zip.part"  # not a name boardless writes
    mine.write_bytes(b"keep")
    age(mine, 3600)
    lock = os.open(live, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = fetch_model(NAME, dest)
    finally:
        os.close(lock)
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        [NAME, fresh.name, live.name, live_unpack.name, mine.name]
    )
    assert (path / "am/final.mdl").read_bytes() != b"half"


def test_a_killed_fetch_leaves_what_the_next_one_cleans(tmp_path: Path, server: Server) -> None:
    data = model_zip()
    server.routes["/slow.zip"] = trickle(server, os.urandom(20_000))  # over write buffers
    sha = hashlib.sha256(data).hexdigest()
    dest = tmp_path / "cache"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "models",
            "fetch",
            "slow",
            "--url",
            server.base + "/slow.zip",
            "--sha256",
            sha,
            "--dest",
            str(dest),
        ],
        env=dict(os.environ, HOME=str(tmp_path)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not [p for p in dest.glob(".slow.*.zip.part") if p.stat().st_size > 0]:
            assert time.monotonic() < deadline and child.poll() is None
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
    (left,) = dest.iterdir()
    assert left.name.endswith(".zip.part")
    age(left, 120)
    server.routes["/good.zip"] = data
    fetch_model("slow", dest, server.base + "/good.zip", sha256=sha)
    assert [p.name for p in dest.iterdir()] == ["slow"]


def test_a_killed_exports_tmp_is_cleaned_at_the_next_export(session: Session) -> None:
    assert session.log_path is not None
    folder = session.log_path.parent
    left = folder / (EXPORT_NAME + ".tmp")
    left.write_text("half an export")
    age(left, 3600)
    other = folder / "notes.md.tmp"  # not ours: kept
    other.write_text("keep")
    age(other, 3600)
    out = export_session(session.log_path, folder / "elsewhere.md")
    assert out.is_file()
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")) == [other.name]
