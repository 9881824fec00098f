"""Model directory trees for discovery tests: the right files in the right places.

They satisfy the structural checks in `tui.speech.models`; they cannot be loaded by an engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

VOSK_FILES = (
    "am/final.mdl",
    "conf/mfcc.conf",
    "conf/model.conf",
    "graph/HCLr.fst",
    "graph/Gr.fst",
    "graph/phones/word_boundary.int",
    "ivector/final.ie",
)
WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")


def make_vosk_tree(path: Path, omit: tuple[str, ...] = ()) -> Path:
    """Create a Vosk-shaped model directory at `path`, leaving out `omit`."""
    for name in VOSK_FILES:
        if name not in omit:
            file = path / name
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(b"kaldi " + name.encode())
    return path


def make_whisper_tree(path: Path, omit: tuple[str, ...] = ()) -> Path:
    """Create a CTranslate2-shaped Whisper model directory at `path`, leaving out `omit`."""
    path.mkdir(parents=True, exist_ok=True)
    for name in WHISPER_FILES:
        if name not in omit:
            (path / name).write_text("{}" if name.endswith(".json") else "x", encoding="utf-8")
    return path


def isolate_models(monkeypatch: pytest.MonkeyPatch, home: Path, packages: bool = False) -> None:
    """Point every model location at an empty `home`; hide pip-packaged models unless asked."""
    import tui.speech.models as models

    monkeypatch.setenv("HOME", str(home))
    for name in (
        "BOARDLESS_VOSK_MODEL",
        "BOARDLESS_WHISPER_MODEL",
        "HF_HOME",
        "HF_HUB_CACHE",
        "BOARDLESS_MODEL_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    if not packages:
        monkeypatch.setattr(models, "VOSK_MODEL_PACKAGES", [])
        monkeypatch.setattr(models, "WHISPER_MODEL_PACKAGES", [])
