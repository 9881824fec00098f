"""`fetch_model` against an HTTP server on 127.0.0.1: verify, unpack safely, install atomically."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import re
import socket
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from tests.speech.model_trees import VOSK_FILES, isolate_models
from tui.speech import fetch, models
from tui.speech.errors import ModelError
from tui.speech.fetch import CatalogueEntry, ChecksumNeeded, OfflineError, fetch_model
from tui.speech.models import vosk_model_problem

NAME = "vosk-model-small-en-us-0.15"


def model_zip(
    name: str = NAME, extra: dict[str, bytes] | None = None, prefix: str | None = None
) -> bytes:
    """A ZIP laid out like the official archives: `name/am/final.mdl`, ..."""
    buffer = io.BytesIO()
    top = name if prefix is None else prefix
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in VOSK_FILES:
            bundle.writestr(f"{top}/{path}" if top else path, b"kaldi " + path.encode() * 50)
        for path, data in (extra or {}).items():
            bundle.writestr(path, data)
    return buffer.getvalue()


def with_symlink(target: str) -> bytes:
    """A model ZIP that also holds a symbolic link to `target`."""
    buffer = io.BytesIO(model_zip())
    with zipfile.ZipFile(buffer, "a") as bundle:
        info = zipfile.ZipInfo(f"{NAME}/graph/escape")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        bundle.writestr(info, target)
    return buffer.getvalue()


@dataclass
class Served:
    """What the test server answers for each path, and what it was asked."""

    files: dict[str, bytes] = field(default_factory=dict)
    cut_short: set[str] = field(default_factory=set)
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[tuple[str, Served]]:
    """An HTTP server on 127.0.0.1 serving `Served.files`; yields its base URL."""
    served = Served()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.hits.append(self.path)
            data = served.files.get(self.path)
            if data is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2] if self.path in served.cut_short else data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/models/", served
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_models(monkeypatch, tmp_path / "home")
    return tmp_path / "home"


def pin(monkeypatch: pytest.MonkeyPatch, data: bytes, size: int = -1, sha: str = "") -> None:
    """Make the catalogue's entry for NAME describe `data` (or a given size/checksum)."""
    entry = CatalogueEntry(
        NAME,
        "en",
        "1K",
        "test model",
        size=len(data) if size == -1 else size,
        sha256=hashlib.sha256(data).hexdigest() if sha == "" else sha,
    )
    monkeypatch.setattr(fetch, "CATALOGUE", (entry,))


def test_fetch_installs_a_verified_model(
    home: Path, server: tuple[str, Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = server
    data = model_zip()
    served.files[f"/models/{NAME}.zip"] = data
    pin(monkeypatch, data)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", base)
    seen: list[tuple[int, int]] = []
    path = fetch_model(NAME, progress=lambda done, total: seen.append((done, total)))
    assert path == home / ".cache/vosk" / NAME
    assert vosk_model_problem(path) is None
    assert sorted(p.name for p in path.parent.iterdir()) == [NAME]  # nothing left beside it
    assert seen[0] == (0, len(data)) and seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert models.find_vosk_model(None, None) == path
    # Fetching again finds it installed and downloads nothing.
    assert fetch_model(NAME) == path
    assert served.hits == [f"/models/{NAME}.zip"]


def test_every_catalogue_entry_is_pinned_by_size_and_sha256() -> None:
    for entry in fetch.CATALOGUE:
        assert entry.size > 0 and re.fullmatch("[0-9a-f]{64}", entry.sha256), entry.name


def test_a_url_needs_sha256_and_then_installs(
    tmp_path: Path, server: tuple[str, Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = server
    data = model_zip()
    served.files["/any/where.zip"] = data
    pin(monkeypatch, data)
    dest = tmp_path / "models"
    url = base.replace("/models/", "/any/where.zip")
    with pytest.raises(ChecksumNeeded, match=r"^--url needs --sha256 HEX"):
        fetch_model(NAME, dest, url_override=url)
    with pytest.raises(ChecksumNeeded, match=r"^--sha256 differs from the SHA-256 boardless pins"):
        fetch_model(NAME, dest, url_override=url, sha256="0" * 64)
    assert served.hits == []  # refused before anything was downloaded
    sha = hashlib.sha256(data).hexdigest()
    path = fetch_model(NAME, dest, url_override=url, sha256=sha.upper())
    assert path == dest / NAME and vosk_model_problem(path) is None


def test_a_url_outside_the_catalogue_is_capped_at_max_download(
    tmp_path: Path, server: tuple[str, Served]
) -> None:
    base, served = server
    data = model_zip("big-model", extra={"big-model/padding": bytes(4096)})
    served.files["/models/big.zip"] = data
    small = replace(fetch.LIMITS, max_download=len(data) - 1)
    with pytest.raises(ModelError, match=r"^big-model.zip is [\d,]+ bytes, more than the "):
        fetch_model("big-model", tmp_path, url_override=base + "big.zip", sha256="0" * 64,
                    limits=small)
    assert list(tmp_path.iterdir()) == []


def test_a_custom_name_needs_a_url(tmp_path: Path, server: tuple[str, Served]) -> None:
    base, served = server
    served.files["/models/my-model.zip"] = model_zip("my-model")
    with pytest.raises(
        ModelError,
        match=r"^unknown model 'my-model'; known: .* \(or give --url URL --sha256 HEX\)$",
    ):
        fetch_model("my-model", tmp_path)
    sha = hashlib.sha256(served.files["/models/my-model.zip"]).hexdigest()
    path = fetch_model("my-model", tmp_path, url_override=base + "my-model.zip", sha256=sha)
    assert vosk_model_problem(path) is None


@pytest.mark.parametrize(
    ("size", "sha", "message"),
    [
        (-1, "0" * 64, f"^{NAME}.zip has the wrong SHA-256 checksum .*: the download is damaged"),
        (123, "0" * 64, f"^{NAME}.zip is [\\d,]+ bytes, more than the 123 expected"),
    ],
)
def test_a_damaged_download_is_refused(
    tmp_path: Path,
    server: tuple[str, Served],
    monkeypatch: pytest.MonkeyPatch,
    size: int,
    sha: str,
    message: str,
) -> None:
    base, served = server
    data = model_zip()
    served.files[f"/models/{NAME}.zip"] = data
    pin(monkeypatch, data, size=size, sha=sha)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", base)
    with pytest.raises(ModelError, match=message):
        fetch_model(NAME, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_download_is_refused(
    tmp_path: Path, server: tuple[str, Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = server
    data = model_zip()
    served.files[f"/models/{NAME}.zip"] = data
    served.cut_short.add(f"/models/{NAME}.zip")
    pin(monkeypatch, data)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", base)
    with pytest.raises(ModelError, match=f"^download of {NAME} was cut short"):
        fetch_model(NAME, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_http_404_is_one_line(
    tmp_path: Path, server: tuple[str, Served], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = server
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", base)
    with pytest.raises(ModelError) as error:
        fetch_model(NAME, tmp_path)
    assert str(error.value) == f"download of {NAME} failed: HTTP 404 Not Found ({base}{NAME}.zip)"
    assert not isinstance(error.value, OfflineError)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_offline_says_so_and_gives_manual_steps(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", f"http://127.0.0.1:{port}/vosk")
    with pytest.raises(OfflineError) as error:
        fetch_model(NAME)
    assert str(error.value) == f"cannot reach 127.0.0.1:{port}: you appear to be offline"
    url = f"http://127.0.0.1:{port}/vosk/{NAME}.zip"
    sha = fetch.catalogue_entry(NAME).sha256  # type: ignore[union-attr]
    assert error.value.manual_steps == [
        f"1. on a machine with internet access, download {url}",
        f"2. check that `sha256sum {NAME}.zip` prints {sha}",
        f"3. unzip it so that ~/.cache/vosk/{NAME}/am/final.mdl exists",
        "4. or unzip it anywhere and pass --model PATH (or set vosk_model in settings.toml)",
    ]
    assert list((home / ".cache/vosk").iterdir()) == []


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (model_zip(extra={"../evil.txt": b"x"}), "unsafe path '../evil.txt'"),
        (model_zip(extra={f"{NAME}/../../evil.txt": b"x"}), "unsafe path"),
        (model_zip(extra={"/tmp/evil.txt": b"x"}), "unsafe path '/tmp/evil.txt'"),
        (model_zip(extra={"C:/evil.txt": b"x"}), "unsafe path 'C:/evil.txt'"),
        (
            with_symlink("../../../../etc/passwd"),
            "holds a symbolic link 'vosk-model-small-en-us-0.15/graph/escape': refusing it",
        ),
        (with_symlink("/etc/passwd"), "symbolic link"),
        (with_symlink("HCLr.fst"), "symbolic link"),
        (b"this is not a zip file", "is not a valid ZIP archive"),
        (
            model_zip(extra={"README": b"hello"}, prefix="").replace(
                b"am/final.mdl", b"am/other.mdl"
            ),
            "does not hold a usable Vosk model",
        ),
    ],
    ids=[
        "dotdot",
        "nested-dotdot",
        "absolute",
        "drive",
        "symlink-up",
        "symlink-abs",
        "symlink-inside",
        "not-zip",
        "no-model",
    ],
)
def test_hostile_or_wrong_archives_are_refused(
    tmp_path: Path,
    server: tuple[str, Served],
    monkeypatch: pytest.MonkeyPatch,
    archive: bytes,
    message: str,
) -> None:
    base, served = server
    served.files[f"/models/{NAME}.zip"] = archive
    pin(monkeypatch, archive)
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", base)
    dest = tmp_path / "cache"
    with pytest.raises(ModelError, match=message):
        fetch_model(NAME, dest)
    assert list(dest.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]
    assert not Path("/tmp/evil.txt").exists()


def test_a_model_zipped_without_its_top_directory(
    tmp_path: Path, server: tuple[str, Served]
) -> None:
    base, served = server
    served.files["/flat.zip"] = data = model_zip(prefix="")
    url = base.replace("/models/", "/flat.zip")
    path = fetch_model("flat-model", tmp_path, url, sha256=hashlib.sha256(data).hexdigest())
    assert path == tmp_path / "flat-model" and vosk_model_problem(path) is None


def test_a_broken_existing_target_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / NAME / "conf").mkdir(parents=True)
    (tmp_path / NAME / "conf/model.conf").write_text("x")
    monkeypatch.setenv("BOARDLESS_MODEL_BASE_URL", f"http://127.0.0.1:{closed_port()}/")
    with pytest.raises(ModelError, match="exists but is a broken Vosk model.*remove it first"):
        fetch_model(NAME, tmp_path)


def test_cli_fetch_and_offline(tmp_path: Path, server: tuple[str, Served]) -> None:
    base, served = server
    served.files["/models/custom-model.zip"] = data = model_zip("custom-model")
    env = dict(os.environ, HOME=str(tmp_path), BOARDLESS_MODEL_BASE_URL=base)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui",
            "models",
            "fetch",
            "custom-model",
            "--url",
            base + "custom-model.zip",
            "--sha256",
            hashlib.sha256(data).hexdigest(),
        ],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "installed custom-model in ~/.cache/vosk/custom-model"
    assert vosk_model_problem(tmp_path / ".cache/vosk/custom-model") is None
    port = closed_port()
    env["BOARDLESS_MODEL_BASE_URL"] = f"http://127.0.0.1:{port}/"
    done = subprocess.run(
        [sys.executable, "-m", "tui", "models", "fetch", NAME],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0] == f"boardless: error: cannot reach 127.0.0.1:{port}: you appear to be offline"
    assert lines[1] == "to install it by hand:"
    assert (
        lines[2]
        == f"  1. on a machine with internet access, download http://127.0.0.1:{port}/{NAME}.zip"
    )
    assert len(lines) == 6
