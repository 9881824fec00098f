"""Coach settings: defaults from `tui/data/coach.toml`, overridden by a layout's `[coach]` table.

The defaults file is also the schema: a layout may only set keys the defaults have, with the
same type. Three tables are open maps (any key, a list of strings as value): `checklist.cues`
(item id -> extra cues), `fillers.not_after` (filler -> words that make it not a filler) and
`recognise.words` (word lists the recognisers' patterns name as `@list`).
`probes.keyed` is a list of tables with `id`, `words` and `text`.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tui.core.config.locations import shipped_data_dir
from tui.core.config.toml_lines import line_of_key
from tui.core.config.tomlio import read_toml, type_name
from tui.core.errors import ConfigError
from tui.core.hearing.patterns import PatternError
from tui.core.hearing.recognise import recognisers_for

SEVERITIES = ("info", "warn", "serious")
#: Tables whose keys are free; each value is a list of strings.
OPEN_MAPS = ("checklist.cues", "fillers.not_after", "recognise.words")
KEYED_PROBE_KEYS = ("id", "words", "text")


def defaults_file() -> Path:
    """The shipped coach defaults."""
    return shipped_data_dir() / "coach.toml"


@functools.lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    path = defaults_file()
    data = read_toml(path)
    _check(data, data, "", path, path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class CoachConfig:
    """Merged coach settings with typed getters (values were validated on load)."""

    data: Mapping[str, Any]

    def number(self, section: str, key: str) -> float:
        """A numeric threshold."""
        return float(self.data[section][key])

    def string(self, section: str, key: str) -> str:
        """A string setting (e.g. a severity)."""
        return str(self.data[section][key])

    def strings(self, section: str, key: str) -> tuple[str, ...]:
        """A word or phrase list."""
        return tuple(self.data[section][key])

    def numbers(self, section: str, key: str) -> tuple[float, ...]:
        """A list of numbers (e.g. probe moments)."""
        return tuple(float(v) for v in self.data[section][key])

    def table(self, section: str, key: str) -> dict[str, tuple[str, ...]]:
        """An open map of name -> list of strings."""
        return {name: tuple(values) for name, values in self.data[section][key].items()}

    def keyed_probes(self) -> list[dict[str, Any]]:
        """The word-keyed probe table, in file order."""
        return [dict(entry) for entry in self.data["probes"]["keyed"]]


def default_config() -> CoachConfig:
    """The shipped defaults alone."""
    return CoachConfig(copy.deepcopy(_defaults()))


class HasCoachTable(Protocol):
    """What coach settings need of a layout: its raw `[coach]` table and where it came from."""

    @property
    def id(self) -> str: ...

    @property
    def source(self) -> str | None: ...

    @property
    def coach(self) -> Mapping[str, Any]: ...


def settings_of(table: Mapping[str, Any], source: object, text: str | None = None) -> CoachConfig:
    """Defaults merged with a raw `[coach]` table; ConfigError (one line) if it is invalid.

    `text` is the TOML the table was read from, when at hand: errors then name its line.
    """
    overrides = dict(table)
    if not overrides:
        return default_config()
    _check(overrides, _defaults(), "coach", source, text,
           near=line_of_key(text, "coach") if text else None)
    config = CoachConfig(_merge(copy.deepcopy(_defaults()), overrides))
    if "recognise" in overrides:
        _check_patterns(config, source, line_of_key(text, "recognise") if text else None)
    return config


def coach_config(layout: HasCoachTable) -> CoachConfig:
    """The coach settings of a layout (its file was checked, with line numbers, when read)."""
    source = layout.source if layout.source and layout.source != "<log>" else None
    return settings_of(layout.coach, source or layout.source or f"layout {layout.id}")


def _check_patterns(config: CoachConfig, source: object, line: int | None) -> None:
    """Compile the recognisers a layout changed; a bad pattern is a one-line ConfigError."""
    try:
        recognisers_for(config)
    except PatternError as error:
        raise ConfigError(source, f"coach.recognise: {error}", line) from None


def check_layout_coach(layout: HasCoachTable) -> None:
    """Validate a layout's `[coach]` table; raises ConfigError naming the source and key."""
    coach_config(layout)


def _merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            base[key] = _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def _check(data: Mapping[str, Any], schema: Mapping[str, Any], path: str, source: object,
           text: str | None, rel: str = "", near: int | None = None) -> None:
    """Raise ConfigError for the first key not in `schema` or of the wrong type.

    `path` is the dotted name shown in messages ("coach.pace"), `rel` the same without the
    "coach." prefix, used to find the open maps and the keyed probe list.
    """
    for key, value in data.items():
        dotted = f"{path}.{key}" if path else key
        inner = f"{rel}.{key}" if rel else key
        line = (line_of_key(text, key) if text else None) or near
        if key not in schema:
            known = ", ".join(sorted(schema))
            raise ConfigError(source, f"unknown coach setting {dotted!r}; known here: {known}",
                              line)
        expected = schema[key]
        if inner in OPEN_MAPS:
            _check_open_map(value, dotted, source, line)
        elif inner == "probes.keyed":
            _check_keyed(value, dotted, source, line)
        elif isinstance(expected, Mapping):
            if not isinstance(value, Mapping):
                raise ConfigError(source, f"{dotted} must be a table, not {type_name(value)}", line)
            _check(value, expected, dotted, source, text, inner, line)
        elif isinstance(expected, list) and expected and _is_number(expected[0]):
            _check_numbers(value, dotted, source, line)
        elif isinstance(expected, list):
            _check_strings(value, dotted, source, line)
        elif isinstance(expected, str):
            if not isinstance(value, str):
                raise ConfigError(source, f"{dotted} must be a string, not {type_name(value)}",
                                  line)
            if key.endswith("severity") and value not in SEVERITIES:
                raise ConfigError(
                    source, f"{dotted} {value!r} is not a severity; use one of: "
                    f"{', '.join(SEVERITIES)}", line)
        elif isinstance(expected, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(source, f"{dotted} must be a number, not {type_name(value)}",
                                  line)
            if value < 0:
                raise ConfigError(source, f"{dotted} is negative; give a number >= 0", line)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_numbers(value: object, dotted: str, source: object, line: int | None) -> None:
    if not isinstance(value, list) or not all(_is_number(v) and v >= 0 for v in value):
        raise ConfigError(source, f"{dotted} must be a list of numbers >= 0", line)


def _check_strings(value: object, dotted: str, source: object, line: int | None) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(source, f"{dotted} must be a list of non-empty strings", line)


def _check_open_map(value: object, dotted: str, source: object, line: int | None) -> None:
    if not isinstance(value, Mapping):
        raise ConfigError(source, f"{dotted} must be a table of word lists, not {type_name(value)}",
                          line)
    for name, words in value.items():
        _check_strings(words, f"{dotted}.{name}", source, line)


def _check_keyed(value: object, dotted: str, source: object, line: int | None) -> None:
    if not isinstance(value, list):
        raise ConfigError(source, f"{dotted} must be a list of [[probes.keyed]] tables", line)
    seen: set[str] = set()
    for index, entry in enumerate(value):
        where = f"{dotted}[{index}]"
        if not isinstance(entry, Mapping):
            raise ConfigError(source, f"{where} must be a table, not {type_name(entry)}", line)
        for key in entry:
            if key not in KEYED_PROBE_KEYS:
                raise ConfigError(source, f"unknown key {key!r} in {where}; use "
                                  f"{', '.join(KEYED_PROBE_KEYS)}", line)
        for key in KEYED_PROBE_KEYS:
            if key not in entry:
                raise ConfigError(source, f"{where} has no {key!r}; add it", line)
        if not isinstance(entry["id"], str) or not entry["id"].strip():
            raise ConfigError(source, f"{where}.id must be a non-empty string", line)
        if entry["id"] in seen:
            raise ConfigError(source, f"{where}.id {entry['id']!r} is used twice", line)
        seen.add(entry["id"])
        if not isinstance(entry["text"], str) or not entry["text"].strip():
            raise ConfigError(source, f"{where}.text must be a non-empty string", line)
        _check_strings(entry["words"], f"{where}.words", source, line)
