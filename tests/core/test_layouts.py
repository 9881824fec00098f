"""Layout loading, validation, round trips and discovery (real files, no mocks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from tui.core.config.layouts import (
    ROLES,
    Layout,
    UnknownPhaseError,
    find_layout,
    layout_from_dict,
    layout_to_dict,
    list_layouts,
    load_layout_file,
    parse_layout,
)
from tui.core.config.locations import shipped_layouts_dir
from tui.core.config.tomlio import parse_toml_text
from tui.core.errors import ConfigError, UsageError

SHIPPED = sorted(shipped_layouts_dir().glob("*.toml"))
EXPECTED_IDS = {"netflix-l5", "junior-60", "generic-45", "requirements-drill", "back-to-back"}

VALID = """\
id = "tiny"
title = "Tiny round"
description = "two phases"
total = "20m"

[[phases]]
id = "requirements"
title = "Requirements"
min = "2m"
max = "5m"
goal = "Ask questions"
cues = ["how many", "latency"]

[[phases.checklist]]
id = "scale"
text = "Scale"
cues = ["how many users"]

[[phases.checklist]]
id = "latency"
text = "Latency"
cues = ["p99"]

[[phases]]
id = "framing"
title = "Framing"
min = "3m"
max = "4m"
goal = "Name the hard part"
probes = ["Why is that hard?"]
"""


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty, isolated config directory (user layouts live in its layouts/ folder)."""
    path = tmp_path / "config"
    monkeypatch.setenv("BOARDLESS_CONFIG_DIR", str(path))
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ shipped content


def test_shipped_layouts_present() -> None:
    ids = {load_layout_file(path).id for path in SHIPPED}
    assert ids >= EXPECTED_IDS


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_layout_validates_and_is_rich(path: Path) -> None:
    layout = load_layout_file(path)
    assert layout.id == path.stem
    assert layout.description
    assert layout.min_total_s <= layout.total_s
    for phase in layout.phases:
        assert phase.role in ROLES
        assert phase.min_s <= phase.max_s
        assert 15 <= len(phase.cues) <= 40, (phase.id, len(phase.cues))
        if phase.role != "break":
            assert phase.checklist, phase.id
            for item in phase.checklist:
                assert item.cues, (phase.id, item.id)


def test_netflix_l5_budgets_match_design() -> None:
    layout = find_layout("netflix-l5")
    assert layout.total_s == 60 * 60
    assert layout.level == "senior"
    windows = [(p.id, p.role, p.min_s / 60, p.max_s / 60) for p in layout.phases]
    assert windows == [
        ("requirements", "requirements", 5, 7),
        ("framing", "framing", 3, 5),
        ("walkthrough", "walkthrough", 15, 20),
        ("deep_dive", "deep_dive", 10, 15),
        ("resilience", "resilience", 7, 10),
    ]
    requirements = layout.phase("requirements")
    items = {item.id: item for item in requirements.checklist}
    assert {"scale", "latency", "freshness", "read_write", "consistency", "scope"} <= set(items)
    all_cues = {cue for item in requirements.checklist for cue in item.cues}
    for cue in ("how many users", "concurrent", "p99", "latency", "stale", "refresh",
                "read heavy", "write", "consistent", "eventual", "in scope", "out of scope"):
        assert cue in all_cues, cue
    assert {"core_challenge"} <= {i.id for i in layout.phase("framing").checklist}
    assert {"layers", "services_data", "request_trace", "sync_async"} <= {
        i.id for i in layout.phase("walkthrough").checklist
    }
    assert {"algorithm", "tradeoffs"} <= {i.id for i in layout.phase("deep_dive").checklist}
    assert {"failure_scenarios", "degradation", "circuit_breaker", "monitoring", "on_call",
            "rollout"} <= {i.id for i in layout.phase("resilience").checklist}


def test_other_shipped_shapes() -> None:
    junior = find_layout("junior-60")
    assert junior.level == "junior" and junior.total_s == 3600
    assert [p.role for p in junior.phases] == list(ROLES[:5])
    assert find_layout("generic-45").total_s == 45 * 60
    drill = find_layout("requirements-drill")
    assert drill.total_s == 7 * 60 and [p.role for p in drill.phases] == ["requirements"]
    b2b = find_layout("back-to-back")
    roles = [p.role for p in b2b.phases]
    assert roles == list(ROLES[:5]) + ["break"] + list(ROLES[:5])
    assert b2b.phases[0].id == "r1-requirements" and b2b.phases[-1].id == "r2-resilience"
    brk = b2b.phase("break")
    assert 5 * 60 <= brk.min_s <= brk.max_s <= 10 * 60
    assert 115 * 60 <= b2b.total_s <= 135 * 60


# ------------------------------------------------------------------ API


def test_parse_valid_and_accessors(tmp_path: Path) -> None:
    layout = load_layout_file(write(tmp_path / "tiny.toml", VALID))
    assert layout.total_s == 1200
    assert layout.level == "senior" and dict(layout.coach) == {}
    assert layout.source == str(tmp_path / "tiny.toml")
    assert layout.index_of("framing") == 1
    assert layout.phase("framing").probes == ("Why is that hard?",)
    assert layout.phase("requirements").checklist[1].cues == ("p99",)
    with pytest.raises(UnknownPhaseError) as info:
        layout.phase("nope")
    assert isinstance(info.value, KeyError) and isinstance(info.value, UsageError)
    assert "nope" in str(info.value) and "framing" in str(info.value)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_round_trip_json_and_toml(path: Path) -> None:
    layout = load_layout_file(path)
    data = layout_to_dict(layout)
    again = layout_from_dict(json.loads(json.dumps(data)))
    assert again == layout
    assert again.source == "<log>"
    via_toml = parse_layout(parse_toml_text(tomli_w.dumps(data), "round-trip.toml"))
    assert via_toml == layout


def test_coach_table_round_trips() -> None:
    data = layout_to_dict(find_layout("netflix-l5"))
    data["coach"] = {"silence_s": 12, "nested": {"a": [1, 2.5, "x", True]}}
    layout = layout_from_dict(data)
    assert layout.coach["nested"]["a"] == [1, 2.5, "x", True]
    assert layout_from_dict(json.loads(json.dumps(layout_to_dict(layout)))) == layout


def test_curveball_moments_are_a_share_or_a_time_into_their_phase(tmp_path: Path) -> None:
    text = VALID + CURVEBALL + '\n[[curveballs]]\nphase = "requirements"\nat = "1m30s"\n'
    layout = load_layout_file(write(tmp_path / "curve.toml", text))
    first, second = layout.curveballs
    assert (first.phase, first.at_s, first.answer_s) == ("framing", 144.0, 90.0)  # 60% of 4m
    assert (second.phase, second.at_s, second.answer_s) == ("requirements", 90.0, 180.0)
    assert layout_from_dict(json.loads(json.dumps(layout_to_dict(layout)))) == layout
    plain = load_layout_file(write(tmp_path / "plain.toml", VALID))
    assert plain.curveballs == () and "curveballs" not in layout_to_dict(plain)


def test_role_defaults_and_explicit_roles() -> None:
    data = layout_to_dict(find_layout("netflix-l5"))
    for phase in data["phases"]:
        del phase["role"]
    assert [p.role for p in parse_layout(data).phases] == list(ROLES[:5])
    data["phases"][0]["id"] = "warmup"
    data["phases"][0]["role"] = "requirements"
    assert parse_layout(data).phases[0].role == "requirements"


def test_numbers_and_compound_durations() -> None:
    data = layout_to_dict(find_layout("requirements-drill"))
    data["total"] = "1h30m"
    data["phases"][0]["min"] = 90
    data["phases"][0]["max"] = "5m30s"
    layout = parse_layout(data)
    assert (layout.total_s, layout.phases[0].min_s, layout.phases[0].max_s) == (5400, 90, 330)


# ------------------------------------------------------------------ broken layouts

HEAD = VALID.split("[[phases]]")[0]

CURVEBALL = """
[[curveballs]]
phase = "framing"
at = "60%"
answer = "90s"
"""

# (case id, (old, new) replacements applied once each, message fragment, line hint)
# The line hint is (text, occurrence) of the line the error must point at, or None.
BROKEN: list[tuple[str, list[tuple[str, str]] | str, str, tuple[str, int] | None]] = [
    ("toml-syntax", [('title = "Tiny round"', 'title = "Tiny round')], "invalid TOML",
     ('title = "Tiny round', 0)),
    ("unknown-top-key", [('total = "20m"', 'total = "20m"\ncolour = "red"')],
     "unknown key 'colour'; allowed keys: id, title", ("colour", 0)),
    ("unknown-phase-key", [('goal = "Name the hard part"', 'goal = "x"\nminutes = 3')],
     "phase 'framing': unknown key 'minutes'", ("minutes = 3", 0)),
    ("unknown-item-key", [('text = "Latency"', 'text = "Latency"\nweight = 2')],
     "checklist item 'latency': unknown key 'weight'", ("weight = 2", 0)),
    ("missing-title", [('title = "Tiny round"\n', "")], "missing required key 'title'", None),
    ("missing-goal", [('goal = "Name the hard part"\n', "")],
     "phase 'framing': missing required key 'goal'", ("[[phases]]", 1)),
    ("title-not-string", [('title = "Tiny round"', "title = 5")],
     "title must be a string, not a number", ("title = 5", 0)),
    ("total-boolean", [('total = "20m"', "total = true")], "boolean", ("total = true", 0)),
    ("bad-duration", [('min = "3m"', 'min = "3 minutes"')], "bad duration",
     ('min = "3 minutes"', 0)),
    ("negative-duration", [('max = "4m"', "max = -4")], "negative", ("max = -4", 0)),
    ("min-above-max", [('min = "3m"', 'min = "6m"')],
     "phase 'framing': min 6m is above max 4m; make min <= max", ('min = "6m"', 0)),
    ("max-zero", [('max = "4m"', "max = 0")], "max is zero", ("max = 0", 0)),
    ("min-zero", [('min = "2m"', 'min = "0s"')], "min is zero", ('min = "0s"', 0)),
    ("total-zero", [('total = "20m"', 'total = "0m"')], "total is zero", ('total = "0m"', 0)),
    ("min-sum-over-total", [('total = "20m"', 'total = "4m"')],
     "minimums add up to 5m, more than the total 4m", ('total = "4m"', 0)),
    ("duplicate-phase", [('id = "framing"', 'id = "requirements"\nrole = "framing"')],
     "phase id 'requirements' is used twice", ('id = "requirements"', 1)),
    ("duplicate-item", [('id = "latency"', 'id = "scale"')],
     "checklist id 'scale' is used twice", ('id = "scale"', 1)),
    ("unknown-role", [('id = "framing"', 'id = "framing"\nrole = "coding"')],
     "unknown role 'coding'; use one of: requirements", ('role = "coding"', 0)),
    ("missing-role", [('id = "framing"', 'id = "intro"')], "phase 'intro': no role",
     ("[[phases]]", 1)),
    ("no-phases", HEAD, "missing required key 'phases'; add phases", None),
    ("phases-empty-list", HEAD + "phases = []\n", "phases is empty; add at least one",
     ("phases = []", 0)),
    ("empty-id", [('id = "tiny"', 'id = ""')], "id is empty", ('id = ""', 0)),
    ("non-slug-id", [('id = "tiny"', 'id = "Tiny Round"')], "not a valid id", ('id = "Tiny', 0)),
    ("empty-phase-title", [('title = "Framing"', 'title = "  "')], "title is empty",
     ('title = "  "', 0)),
    ("cues-not-list", [('cues = ["how many", "latency"]', 'cues = "latency"')],
     "cues must be a list of strings, not a string", ('cues = "latency"', 0)),
    ("cue-not-string", [('cues = ["p99"]', 'cues = ["p99", 3]')], "cues[1] must be a string",
     ('cues = ["p99", 3]', 0)),
    ("coach-not-table", [('total = "20m"', 'total = "20m"\ncoach = 3')], "coach must be a table",
     ("coach = 3", 0)),
    ("nan-duration", [('max = "5m"', "max = nan")], "finite", ("max = nan", 0)),
    ("phase-not-table", HEAD + 'phases = ["a"]\n', "phases[0] must be a table, not a string",
     ('phases = ["a"]', 0)),
    ("curveball-unknown-phase", VALID + CURVEBALL.replace('"framing"', '"deep_dive"'),
     "curveball 1: no phase 'deep_dive'; use one of: requirements, framing",
     ('phase = "deep_dive"', 0)),
    ("curveball-share-too-big", VALID + CURVEBALL.replace('"60%"', '"100%"'),
     "curveball 1: at '100%' is not a share of the phase", ('at = "100%"', 0)),
    ("curveball-after-the-phase", VALID + CURVEBALL.replace('"60%"', '"5m"'),
     "curveball 1: at 5m is outside phase 'framing' (0 to 4m)", ('at = "5m"', 0)),
    ("curveball-no-answer-time", VALID + CURVEBALL.replace('"90s"', '"0s"'),
     "curveball 1: answer is zero", ('answer = "0s"', 0)),
    ("curveball-unknown-key", VALID + CURVEBALL.replace('answer = "90s"', 'after = "1m"'),
     "curveball 1: unknown key 'after'", ('after = "1m"', 0)),
    ("curveball-no-moment", VALID + CURVEBALL.replace('at = "60%"\n', ""),
     "curveball 1: missing required key 'at'", ("[[curveballs]]", 0)),
]


def broken_text(edits: list[tuple[str, str]] | str) -> str:
    if isinstance(edits, str):
        return edits
    text = VALID
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def hint_line(text: str, hint: tuple[str, int]) -> int:
    needle, occurrence = hint
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence]


@pytest.mark.parametrize("case", BROKEN, ids=[c[0] for c in BROKEN])
def test_broken_layout_gives_one_line_config_error(tmp_path: Path, case: tuple) -> None:
    name, edits, fragment, hint = case
    text = broken_text(edits)
    path = write(tmp_path / f"{name}.toml", text)
    with pytest.raises(ConfigError) as info:
        load_layout_file(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert f"{name}.toml" in message
    assert fragment in message
    if hint is not None:
        assert info.value.line == hint_line(text, hint), message
        assert message.startswith(f"{path}:{info.value.line}: ")


def test_at_least_fifteen_kinds_of_broken_layout() -> None:
    assert len(BROKEN) >= 15


def test_cli_check_reports_each_broken_file(tmp_path: Path) -> None:
    good = write(tmp_path / "good.toml", VALID)
    for name, edits, fragment, _ in BROKEN:
        bad = write(tmp_path / f"{name}.toml", broken_text(edits))
        result = subprocess.run(
            [sys.executable, "-m", "tui", "layouts", "check", str(good), str(bad)],
            capture_output=True, text=True, cwd=tmp_path, timeout=60,
        )
        assert result.returncode == 2, (name, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert f"{name}.toml" in lines[0] and fragment in lines[0]
        assert "Traceback" not in result.stderr + result.stdout
        assert result.stdout.startswith(f"ok: {good} (tiny, 2 phases, 20m)")


def test_missing_and_directory_paths(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_layout_file(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_layout_file(tmp_path)
    raw = tmp_path / "latin1.toml"
    raw.write_bytes(b'id = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_layout_file(raw)


# ------------------------------------------------------------------ discovery


def test_list_layouts_without_user_dir(config_dir: Path) -> None:
    layouts, errors = list_layouts()
    assert errors == []
    assert {layout.id for layout in layouts} >= EXPECTED_IDS


def test_user_layouts_override_add_and_report_errors(config_dir: Path) -> None:
    user = config_dir / "layouts"
    write(user / "tiny.toml", VALID)
    write(user / "mine.toml", VALID.replace('id = "tiny"', 'id = "netflix-l5"', 1))
    write(user / "broken.toml", VALID.replace('min = "3m"', 'min = "9m"'))
    write(user / "notes.txt", "not a layout")
    layouts, errors = list_layouts()
    by_id = {layout.id: layout for layout in layouts}
    assert len(by_id) == len(layouts)
    assert by_id["tiny"].source == str(user / "tiny.toml")
    assert by_id["netflix-l5"].title == "Tiny round"  # user layout replaced the shipped one
    assert [Path(str(e.path)).name for e in errors] == ["broken.toml"]
    assert find_layout("netflix-l5").source == str(user / "mine.toml")
    with pytest.raises(ConfigError, match="min 9m is above max 4m"):
        find_layout("broken")


def test_find_layout_by_path_and_unknown(config_dir: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "elsewhere" / "tiny.toml", VALID)
    assert find_layout(str(path)).id == "tiny"
    with pytest.raises(UsageError) as info:
        find_layout("no-such-layout")
    message = str(info.value)
    assert "no-such-layout" in message and "netflix-l5" in message and "\n" not in message
    with pytest.raises(ConfigError, match="no such file"):
        find_layout(str(tmp_path / "missing.toml"))


def test_layout_is_hashable_and_frozen() -> None:
    layout = find_layout("netflix-l5")
    assert isinstance(layout, Layout)
    hash(layout.phases)
    with pytest.raises(AttributeError):
        layout.id = "x"  # type: ignore[misc]


def test_core_module_is_pure() -> None:
    code = (
        "import sys, tui.core.config.layouts, tui.core.config.prompts;"
        "bad = [m for m in ('textual', 'sounddevice', 'vosk') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ}, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
