"""tui/core stays pure: importing every core module pulls in no UI or audio library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tui.core

FORBIDDEN = ("textual", "rich", "sounddevice", "vosk", "pocketsphinx", "faster_whisper",
             "ctranslate2", "tui.app", "tui.speech")


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(tui.core.__path__, "tui.core."))


def test_core_has_modules() -> None:
    assert "tui.core.session.session" in core_modules()


def test_core_imports_nothing_forbidden() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} or "
        f"any(m == f or m.startswith(f + '.') for f in {FORBIDDEN!r}))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "", f"core imported: {result.stdout.strip()}"
