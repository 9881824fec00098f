"""What works on this machine (`boardless doctor`): PortAudio and its inputs, each speech engine
and its model, the Vosk cache, the captions a round would get, the interviewer's voice and the data
directory.

Each check is a `Check`: a name, whether it passed, what was found and, when it failed, how to
fix it. `run_checks()` runs them all and says whether boardless is usable (typing notes always
works; it is not usable only when no engine runs and the data directory cannot be written).
The command line prints them; nothing here prints.
"""

from __future__ import annotations

import importlib.metadata
import tempfile
from dataclasses import dataclass
from typing import Any

from tui.core.config.locations import data_dir
from tui.core.config.settings import Settings, load_settings
from tui.core.errors import ConfigError
from tui.speech import models
from tui.speech.engines import ENGINE_NAMES
from tui.speech.errors import SpeechError
from tui.speech.models import tilde
from tui.speech.select import INSTALL, VOSK_FETCH_HINT, choose_engine, installed

#: The distribution whose version is shown for each engine.
DISTRIBUTIONS = {"vosk": "vosk", "whisper": "faster-whisper", "pocketsphinx": "pocketsphinx"}


@dataclass
class Check:
    """One line of `boardless doctor`."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None


@dataclass
class Diagnosis:
    """Every check, in the order shown, and whether boardless is usable."""

    checks: list[Check]
    usable: bool


def check_portaudio() -> tuple[Check, Any]:
    """PortAudio loads; returns the sounddevice module when it does."""
    from tui.speech.sources.devices import PORTAUDIO_HINT, sounddevice_module

    try:
        sd = sounddevice_module()
    except SpeechError as error:
        if str(error) == PORTAUDIO_HINT:
            return Check("PortAudio", False, "not found", PORTAUDIO_HINT.split(": ", 1)[1]), None
        return Check("PortAudio", False, str(error)), None
    return Check("PortAudio", True, sd.get_portaudio_version()[1]), sd


def check_inputs(sd: Any) -> Check:
    """At least one input device."""
    from tui.speech.sources.devices import list_input_devices

    if sd is None:
        return Check(
            "input devices", False, "cannot list them without PortAudio", "install PortAudio first"
        )
    try:
        devices = list_input_devices(sd)
    except SpeechError as error:
        return Check("input devices", False, str(error), None)
    if not devices:
        return Check(
            "input devices",
            False,
            "none found",
            "plug in a microphone; captions can still come from --audio-file FILE",
        )
    default = next((d for d in devices if d.is_default), devices[0])
    return Check(
        "input devices",
        True,
        f"{len(devices)}; default {default.name} ({default.default_rate} Hz, "
        f"{min(2, default.channels)} ch)",
    )


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def check_engine(name: str, settings: Settings) -> Check:
    """The engine imports and has a model; pocketsphinx also loads its model."""
    label = DISTRIBUTIONS[name]
    if not installed(name):
        return Check(f"engine {name}", False, "not installed", INSTALL[name])
    try:
        choice = choose_engine(name, None, settings)
    except SpeechError as error:
        fix = VOSK_FETCH_HINT if name == "vosk" else None
        return Check(f"engine {name}", False, str(error), fix)
    how = choice.reason.split(": ", 1)[1].removeprefix("faster-whisper with ")
    detail = f"{label} {_version(label)}; {how}"
    if name == "pocketsphinx":
        try:
            choice.make().close()
        except (SpeechError, ImportError) as error:
            return Check(f"engine {name}", False, f"fails to load: {error}", INSTALL[name])
        detail += " (loads)"
    return Check(f"engine {name}", True, detail)


def check_model_dirs() -> list[Check]:
    """One failing line per broken model directory in the Vosk cache (none when all is well)."""
    _, problems = models.discover_vosk_models()
    return [
        Check(
            "Vosk model",
            False,
            problem,
            "delete that directory, then 'boardless models fetch NAME' again",
        )
        for problem in problems
    ]


def check_captions(settings: Settings) -> Check:
    """The engine a round would run with these settings, or why captions are off."""
    try:
        choice = choose_engine(settings.engine, None, settings)
    except SpeechError as error:
        return Check(
            "captions",
            False,
            f"engine {settings.engine}: {error}",
            'set engine = "auto" in settings.toml',
        )
    off = choice.name == "off"
    return Check("captions", not off, choice.reason, INSTALL["pocketsphinx"] if off else None)


def check_voice(sd: Any) -> Check:
    """The interviewer's voice: hibari-tts's bundled voice (found, not loaded) and an output
    device to play it on."""
    from tui.speech.voice.errors import VoiceError
    from tui.speech.voice.model import VOICE_NAME, bundled_model_path
    from tui.speech.voice.outputs import list_output_devices

    off = "the round goes on silently, the text on screen (or --voice off)"
    try:
        model = bundled_model_path()
    except VoiceError as error:
        return Check("interviewer voice", False, str(error), off)
    if not model.is_file():
        return Check("interviewer voice", False, f"the {VOICE_NAME!r} voice file is missing: "
                     f"{tilde(model)}", off)
    if sd is None:
        return Check("interviewer voice", False, "no audio output without PortAudio", off)
    try:
        devices = list_output_devices(sd)
    except VoiceError as error:
        return Check("interviewer voice", False, str(error), off)
    if not devices:
        return Check("interviewer voice", False, "no audio output device found", off)
    default = next((d for d in devices if d.is_default), devices[0])
    return Check("interviewer voice", True, f"hibari {VOICE_NAME!r} on {default.name} "
                 "(another with --voice-device)")


def check_data_dir() -> Check:
    """The data directory (or the nearest existing parent) accepts new files."""
    root = data_dir()
    probe = root
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        if not probe.is_dir():
            raise OSError(f"{probe} is not a directory")
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        return Check(
            "data directory",
            False,
            f"{tilde(root)} is not writable ({reason})",
            "set BOARDLESS_DATA_DIR or pass --data-dir to a writable directory",
        )
    where = tilde(root) if root.exists() else f"{tilde(root)} (will be created)"
    return Check("data directory", True, f"{where} is writable")


def run_checks() -> Diagnosis:
    """Every check; usable unless no engine runs and the data directory cannot be written."""
    checks: list[Check] = []
    try:
        settings = load_settings()
    except ConfigError as error:
        settings = Settings()
        checks.append(Check("settings", False, f"{error} (using the defaults)"))
    portaudio, sd = check_portaudio()
    checks += [portaudio, check_inputs(sd)]
    engines = [check_engine(name, settings) for name in ENGINE_NAMES]
    checks += engines
    checks += check_model_dirs()
    checks.append(check_captions(settings))
    data = check_data_dir()
    checks += [check_voice(sd), data]
    return Diagnosis(checks, any(check.ok for check in engines) or data.ok)
