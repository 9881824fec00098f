"""User settings, read from `settings.toml` in the config directory."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import tomli_w

from tui.core.config.locations import settings_file
from tui.core.config.toml_lines import line_of_key
from tui.core.config.tomlio import read_text_or_none, read_toml
from tui.core.errors import ConfigError

THEMES = ("paper", "ink")
ENGINES = ("auto", "vosk", "whisper", "pocketsphinx", "off")


@dataclass
class Settings:
    """Everything a user can set; every field has a sensible default."""

    theme: str = "paper"
    """Outline theme: "paper" (light) or "ink" (dark)."""
    engine: str = "auto"
    """Speech engine: auto, vosk, whisper, pocketsphinx or off."""
    device: str | None = None
    """Microphone: index or part of its name; None is the system default."""
    vosk_model: str | None = None
    """Path to an unpacked Vosk model directory."""
    whisper_model: str | None = None
    """Path to a CTranslate2 Whisper model directory, or a model name in the HF cache."""
    record_audio: bool = True
    """Keep the session's audio as a 16 kHz mono WAV in the session directory (to listen back
    in the replay); `--no-record` turns it off for one run."""
    voice: bool = True
    """The interviewer's voice reads the prompt, probes and curveballs aloud (offline)."""
    voice_device: str | None = None
    """Output device for the voice: index or part of its name; None is the system default."""
    speak_probes: bool = False
    """Obsolete (probes were read by espeak-ng); accepted and ignored: see `voice`."""
    bell_on_serious: bool = False
    """Ring the terminal bell when a serious flag is raised."""
    layout: str = "netflix-l5"
    """Layout used when none is given."""


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing file gives the defaults, a bad one a ConfigError."""
    path = path or settings_file()
    if not path.exists():
        return Settings()
    data = read_toml(path)
    return settings_from_dict(data, path)


def settings_from_dict(data: dict[str, Any], path: Path) -> Settings:
    """Validate a parsed settings table."""
    known = {f.name: f for f in fields(Settings)}
    text = read_text_or_none(path) or ""  # only for line numbers in errors
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(
                path, f"unknown setting {key!r}; known: {', '.join(known)}", line_of_key(text, key)
            )
        default = getattr(Settings(), key)
        expected: tuple[type, ...] = (bool,) if isinstance(default, bool) else (str,)
        if not isinstance(value, expected) or (expected == (str,) and isinstance(value, bool)):
            if (key in ("device", "voice_device") and isinstance(value, int)
                    and not isinstance(value, bool)):
                value = str(value)
            else:
                raise ConfigError(
                    path, f"{key} must be a {expected[0].__name__}", line_of_key(text, key)
                )
        values[key] = value
    settings = Settings(**values)
    if settings.theme not in THEMES:
        raise ConfigError(path, f"theme must be one of {', '.join(THEMES)}",
                          line_of_key(text, "theme"))
    if settings.engine not in ENGINES:
        raise ConfigError(
            path, f"engine must be one of {', '.join(ENGINES)}", line_of_key(text, "engine")
        )
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write settings atomically (creating the config directory) and return the path."""
    path = path or settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {k: v for k, v in asdict(settings).items() if v is not None}
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
    tmp.replace(path)
    return path
