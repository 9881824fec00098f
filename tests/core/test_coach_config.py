"""Coach settings: shipped defaults, layout overrides, one-line errors for bad overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.coach_helpers import Driver, tiny_layout
from tui.core.coach import make_observers
from tui.core.config.coach_settings import check_layout_coach, coach_config, default_config
from tui.core.config.layouts import load_layout_file
from tui.core.errors import ConfigError

LAYOUT = """id = "mine"
title = "Mine"
description = ""
total = "10m"

[coach]
{coach}

[[phases]]
id = "requirements"
title = "Requirements"
min = "2m"
max = "3m"
goal = "ask"
"""


def _layout(tmp_path: Path, coach: str):
    path = tmp_path / "mine.toml"
    path.write_text(LAYOUT.format(coach=coach), encoding="utf-8")
    return load_layout_file(path)


def test_defaults_have_every_flag_section() -> None:
    config = default_config()
    for section in ("over_time", "rushed", "skipped", "jumped_to_design", "core_challenge",
                    "failure_talk", "dead_air", "pace", "fillers", "probes"):
        assert section in config.data
    assert config.number("dead_air", "threshold_s") > config.number("dead_air",
                                                                   "thinking_pause_s")


def test_layout_overrides_merge_with_defaults(tmp_path: Path) -> None:
    layout = _layout(tmp_path, "dead_air = { threshold_s = 45 }\n"
                               "pace = { min_wpm = 90, max_wpm = 210 }")
    config = coach_config(layout)
    assert config.number("dead_air", "threshold_s") == 45
    assert config.number("dead_air", "thinking_pause_s") == 8  # default kept
    assert config.number("pace", "max_wpm") == 210


def test_override_changes_behaviour() -> None:
    d = Driver(tiny_layout(coach={"dead_air": {"threshold_s": 40}})).start().wait(30)
    assert d.flags("dead_air") == []
    d.wait(12)
    assert d.flags("dead_air") == [("dead_air", "requirements")]


@pytest.mark.parametrize("coach, words", [
    ("dead_air = { treshold_s = 45 }", "unknown coach setting 'coach.dead_air.treshold_s'"),
    ("loudness = 3", "unknown coach setting 'coach.loudness'"),
    ("pace = { min_wpm = \"fast\" }", "coach.pace.min_wpm must be a number"),
    ("pace = { min_wpm = -1 }", "negative"),
    ("dead_air = { severity = \"loud\" }", "not a severity"),
    ("fillers = { words = [\"um\", 3] }", "list of non-empty strings"),
    ("probes = { at = [\"soon\"] }", "list of numbers"),
    ("probes = { keyed = [{ id = \"x\", words = [\"cache\"] }] }", "has no 'text'"),
    ("probes = { keyed = [{ id = \"x\", words = [\"a\"], text = \"t\", when = 1 }] }",
     "unknown key 'when'"),
    ("checklist = { cues = { scale = \"users\" } }", "coach.checklist.cues.scale"),
])
def test_bad_overrides_give_one_line_errors(tmp_path: Path, coach: str, words: str) -> None:
    """Loading the layout validates its [coach] table."""
    with pytest.raises(ConfigError) as caught:
        _layout(tmp_path, coach)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "mine.toml") + ":")


def test_error_names_the_line_of_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"mine\.toml:7: unknown coach setting"):
        _layout(tmp_path, "dead_air = { treshold_s = 45 }")


def test_check_layout_coach_on_a_layout_built_from_data() -> None:
    with pytest.raises(ConfigError, match="unknown coach setting 'coach.pace.speed'"):
        check_layout_coach(tiny_layout(coach={"pace": {"speed": 3}}))


def test_open_maps_accept_new_keys(tmp_path: Path) -> None:
    layout = _layout(tmp_path, "checklist = { cues = { my_item = [\"foo bar\"] } }\n"
                               "fillers = { not_after = { basically = [\"very\"] } }")
    config = coach_config(layout)
    assert config.table("checklist", "cues")["my_item"] == ("foo bar",)
    assert "scale" in config.table("checklist", "cues")


def test_make_observers_refuses_an_invalid_layout() -> None:
    layout = tiny_layout(coach={"pace": {"speed": 3}})
    d = Driver(layout, coach=False)
    with pytest.raises(ConfigError):
        make_observers(d.session.state)
