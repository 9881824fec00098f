"""A layout's [coach] table is validated when the layout loads, with file and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.config.layouts import load_layout_file
from tui.core.config.locations import shipped_layouts_dir
from tui.core.errors import ConfigError


def layout_with_coach(tmp_path: Path, table: str) -> Path:
    text = (shipped_layouts_dir() / "generic-45.toml").read_text(encoding="utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(text + "\n" + table, encoding="utf-8")
    return path


def test_valid_override_loads(tmp_path: Path) -> None:
    layout = load_layout_file(layout_with_coach(tmp_path, "[coach.dead_air]\nthreshold_s = 30\n"))
    assert layout.coach["dead_air"]["threshold_s"] == 30


def test_misspelt_setting_is_one_line_with_its_line(tmp_path: Path) -> None:
    path = layout_with_coach(tmp_path, "[coach.dead_air]\ntreshold_s = 5\n")
    line = path.read_text().splitlines().index("treshold_s = 5") + 1
    with pytest.raises(ConfigError) as info:
        load_layout_file(path)
    assert f"mine.toml:{line}:" in str(info.value) and "treshold_s" in str(info.value)
    result = subprocess.run([sys.executable, "-m", "tui", "layouts", "check", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
