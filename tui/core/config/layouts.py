"""Phase layouts: TOML files describing a round's phases, windows, goals, checklists and cues.

The file format is documented in `docs/layouts.md`. Everything here is pure Python; parsing
validates strictly and reports one-line `ConfigError`s naming the file, the line (when the TOML
text is known) and what to change.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tui.core.config.coach_settings import settings_of
from tui.core.config.locations import shipped_layouts_dir, user_layouts_dir
from tui.core.config.tomlio import FileCache, read_text_or_none, read_toml, type_name
from tui.core.errors import ConfigError, UsageError
from tui.core.text.durations import format_minutes, parse_duration

T = TypeVar("T")

ROLES = ("requirements", "framing", "walkthrough", "deep_dive", "resilience", "break", "other")
#: Roles whose phases may have a minimum of zero (optional pauses, free-form parts).
ZERO_MIN_ROLES = ("break", "other")

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

LAYOUT_KEYS = ("id", "title", "description", "total", "level", "coach", "phases")
LAYOUT_REQUIRED = ("id", "title", "description", "total", "phases")
PHASE_KEYS = ("id", "title", "role", "min", "max", "goal", "checklist", "cues", "probes")
PHASE_REQUIRED = ("id", "title", "min", "max", "goal")
ITEM_KEYS = ("id", "text", "cues")
ITEM_REQUIRED = ("id", "text")


class UnknownPhaseError(UsageError, KeyError):
    """A phase id that the layout does not have (also a KeyError for mapping-style callers)."""

    __str__ = Exception.__str__


@dataclass(frozen=True)
class ChecklistItem:
    """Something the candidate should cover in a phase; `cues` show it was said."""

    id: str
    text: str
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phase:
    """One phase of a round with its time window in seconds."""

    id: str
    title: str
    role: str
    min_s: float
    max_s: float
    goal: str
    checklist: tuple[ChecklistItem, ...] = ()
    cues: tuple[str, ...] = ()
    probes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """An ordered set of phases inside a total length.

    `coach` holds raw coach threshold overrides (treat it as read-only). `source` is the file the
    layout came from, or "<log>" for one restored from a session log; it is not compared.
    """

    id: str
    title: str
    description: str
    total_s: float
    phases: tuple[Phase, ...]
    level: str = "senior"
    coach: Mapping[str, Any] = field(default_factory=dict, hash=False)
    source: str = field(default="", compare=False)

    def phase(self, phase_id: str) -> Phase:
        """The phase with `phase_id`; UnknownPhaseError (a UsageError and KeyError) if absent."""
        return self.phases[self.index_of(phase_id)]

    def index_of(self, phase_id: str) -> int:
        """Position of `phase_id` in the layout; UnknownPhaseError if absent."""
        for index, phase in enumerate(self.phases):
            if phase.id == phase_id:
                return index
        known = ", ".join(p.id for p in self.phases)
        raise UnknownPhaseError(
            f"layout {self.id!r} has no phase {phase_id!r}; its phases: {known}"
        )

    @property
    def min_total_s(self) -> float:
        """Sum of the phase minimums."""
        return sum(p.min_s for p in self.phases)


# --------------------------------------------------------------------------- line numbers

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


class _Locator:
    """Best-effort line numbers for keys in a layout's TOML text (tables and arrays of tables)."""

    def __init__(self, text: str | None) -> None:
        self.lines = text.splitlines() if text else []
        self.headers: list[tuple[int, str]] = []  # (0-based line index, dotted name)
        for index, line in enumerate(self.lines):
            match = _HEADER.match(line)
            if match:
                name = re.sub(r"\s*\.\s*", ".", match.group(2)).replace('"', "")
                self.headers.append((index, name))

    def _next_header(self, after: int) -> int:
        for index, _ in self.headers:
            if index > after:
                return index
        return len(self.lines)

    def _key_in(self, start: int, end: int, key: str) -> int | None:
        pattern = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
        for index in range(start, end):
            if pattern.match(self.lines[index]):
                return index + 1
        return None

    def _nth_header(self, name: str, n: int, start: int = -1, end: int | None = None) -> int | None:
        end = len(self.lines) if end is None else end
        found = [i for i, h in self.headers if h == name and start < i < end]
        return found[n] if n < len(found) else None

    def _phase_span(self, phase: int) -> tuple[int, int] | None:
        start = self._nth_header("phases", phase)
        if start is None:
            return None
        end = len(self.lines)
        for index, name in self.headers:
            if index > start and name == "phases":
                end = index
                break
        return start, end

    def top(self, key: str | None = None) -> int | None:
        if not self.lines:
            return None
        first = self.headers[0][0] if self.headers else len(self.lines)
        if key is None:
            return None
        line = self._key_in(0, first, key)
        if line is None and key in ("phases", "coach"):
            header = self._nth_header(key, 0)
            line = header + 1 if header is not None else None
        return line

    def phase(self, phase: int, key: str | None = None) -> int | None:
        span = self._phase_span(phase) if self.lines else None
        if span is None:
            return self.top("phases")
        start, _ = span
        if key is None:
            return start + 1
        line = self._key_in(start + 1, self._next_header(start), key)
        if line is None and key == "checklist":
            header = self._nth_header("phases.checklist", 0, start, span[1])
            line = header + 1 if header is not None else None
        return line or start + 1

    def item(self, phase: int, item: int, key: str | None = None) -> int | None:
        span = self._phase_span(phase) if self.lines else None
        if span is None:
            return self.top("phases")
        header = self._nth_header("phases.checklist", item, span[0], span[1])
        if header is None:
            return self.phase(phase, "checklist")
        if key is None:
            return header + 1
        return self._key_in(header + 1, self._next_header(header), key) or header + 1


# --------------------------------------------------------------------------- parsing


class _Parser:
    def __init__(self, source: object, text: str | None) -> None:
        self.source = source
        self.at = _Locator(text)

    def fail(self, message: str, line: int | None = None) -> ConfigError:
        return ConfigError(self.source, message, line)

    def check_keys(
        self, table: dict[str, Any], allowed: tuple[str, ...], required: tuple[str, ...],
        where: str, line_of: Any,
    ) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(
                    f"{where}unknown key {key!r}; allowed keys: {', '.join(allowed)}",
                    line_of(key if isinstance(key, str) else None),
                )
        for key in required:
            if key not in table:
                raise self.fail(
                    f"{where}missing required key {key!r}; add {key} = ...", line_of(None)
                )

    def string(self, value: object, name: str, where: str, line: int | None, *, slug: bool = False,
               empty_ok: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{where}{name} must be a string, not {type_name(value)}", line)
        if not value.strip() and not empty_ok:
            raise self.fail(f"{where}{name} is empty; give it a value", line)
        if slug and not SLUG.match(value):
            raise self.fail(
                f"{where}{name} {value!r} is not a valid id; use lowercase letters, digits, "
                "'-' and '_', starting with a letter or digit",
                line,
            )
        return value

    def strings(self, value: object, name: str, where: str, line: int | None) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(
                f"{where}{name} must be a list of strings, not {type_name(value)}", line
            )
        out = []
        for index, entry in enumerate(value):
            if not isinstance(entry, str):
                raise self.fail(
                    f"{where}{name}[{index}] must be a string, not {type_name(entry)}", line
                )
            if not entry.strip():
                raise self.fail(f"{where}{name}[{index}] is empty; remove it or fill it in", line)
            out.append(entry)
        return tuple(out)

    def duration(self, value: object, name: str, where: str, line: int | None) -> float:
        try:
            seconds = parse_duration(value)
        except ValueError as error:
            raise self.fail(f"{where}{name}: {error}", line) from None
        except (TypeError, OverflowError):
            raise self.fail(f"{where}{name}: not a duration; write it like \"7m\"", line) from None
        if not math.isfinite(seconds):
            raise self.fail(f"{where}{name} must be a finite duration like \"7m\"", line)
        return seconds

    def coach(self, value: object, path: str, line: int | None) -> Any:
        if isinstance(value, dict):
            return {str(k): self.coach(v, f"{path}.{k}", line) for k, v in value.items()}
        if isinstance(value, list):
            return [self.coach(v, f"{path}[{i}]", line) for i, v in enumerate(value)]
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(f"{path} must be a finite number", line)
        if isinstance(value, (str, int, float, bool)):
            return value
        raise self.fail(
            f"{path} is {type_name(value)}; use a string, number, boolean, list or table", line
        )

    def layout(self, data: object) -> Layout:
        at = self.at
        if not isinstance(data, dict):
            raise self.fail(f"a layout must be a table, not {type_name(data)}")
        self.check_keys(data, LAYOUT_KEYS, LAYOUT_REQUIRED, "", at.top)
        layout_id = self.string(data["id"], "id", "", at.top("id"), slug=True)
        title = self.string(data["title"], "title", "", at.top("title"))
        description = self.string(data["description"], "description", "", at.top("description"),
                                  empty_ok=True)
        total = self.duration(data["total"], "total", "", at.top("total"))
        if total <= 0:
            raise self.fail("total is zero; give the round's length, like \"60m\"", at.top("total"))
        level = "senior"
        if "level" in data:
            level = self.string(data["level"], "level", "", at.top("level"))
        coach: dict[str, Any] = {}
        if "coach" in data:
            if not isinstance(data["coach"], dict):
                raise self.fail(
                    f"coach must be a table ([coach]), not {type_name(data['coach'])}",
                    at.top("coach"),
                )
            coach = self.coach(data["coach"], "coach", at.top("coach"))
        raw_phases = data["phases"]
        if not isinstance(raw_phases, list):
            raise self.fail(
                f"phases must be a list of [[phases]] tables, not {type_name(raw_phases)}",
                at.top("phases"),
            )
        if not raw_phases:
            raise self.fail("phases is empty; add at least one [[phases]] table", at.top("phases"))
        phases: list[Phase] = []
        seen: dict[str, int] = {}
        for index, raw in enumerate(raw_phases):
            phase = self.phase(raw, index)
            if phase.id in seen:
                raise self.fail(
                    f"phase id {phase.id!r} is used twice (phases {seen[phase.id] + 1} and "
                    f"{index + 1}); give each phase its own id",
                    at.phase(index, "id"),
                )
            seen[phase.id] = index
            phases.append(phase)
        min_sum = sum(p.min_s for p in phases)
        if min_sum > total + 1e-9:
            raise self.fail(
                f"the phase minimums add up to {format_minutes(min_sum)}, more than the total "
                f"{format_minutes(total)}; lower some min values or raise total",
                at.top("total"),
            )
        return Layout(
            id=layout_id, title=title, description=description, total_s=total,
            phases=tuple(phases), level=level, coach=coach, source=str(self.source),
        )

    def phase(self, raw: object, index: int) -> Phase:
        at = self.at
        if not isinstance(raw, dict):
            raise self.fail(
                f"phases[{index}] must be a table, not {type_name(raw)}", at.phase(index)
            )
        name = raw.get("id") if isinstance(raw.get("id"), str) and raw.get("id") else None
        where = f"phase {name!r}: " if name else f"phase {index + 1}: "

        def line_of(key: str | None) -> int | None:
            return at.phase(index, key)

        self.check_keys(raw, PHASE_KEYS, PHASE_REQUIRED, where, line_of)
        phase_id = self.string(raw["id"], "id", where, line_of("id"), slug=True)
        title = self.string(raw["title"], "title", where, line_of("title"))
        if "role" in raw:
            role = self.string(raw["role"], "role", where, line_of("role"))
            if role not in ROLES:
                raise self.fail(
                    f"{where}unknown role {role!r}; use one of: {', '.join(ROLES)}", line_of("role")
                )
        elif phase_id in ROLES:
            role = phase_id
        else:
            raise self.fail(
                f"{where}no role; add role = one of: {', '.join(ROLES)}", line_of(None)
            )
        min_s = self.duration(raw["min"], "min", where, line_of("min"))
        max_s = self.duration(raw["max"], "max", where, line_of("max"))
        if max_s <= 0:
            raise self.fail(f"{where}max is zero; give the longest time the phase should take",
                            line_of("max"))
        if min_s <= 0 and role not in ZERO_MIN_ROLES:
            raise self.fail(
                f"{where}min is zero; give the shortest time a {role} phase needs "
                "(only break and other phases may have min 0)",
                line_of("min"),
            )
        if min_s > max_s:
            raise self.fail(
                f"{where}min {format_minutes(min_s)} is above max {format_minutes(max_s)}; "
                "make min <= max",
                line_of("min"),
            )
        goal = self.string(raw["goal"], "goal", where, line_of("goal"))
        cues = self.strings(raw.get("cues", []), "cues", where, line_of("cues"))
        probes = self.strings(raw.get("probes", []), "probes", where, line_of("probes"))
        raw_items = raw.get("checklist", [])
        if not isinstance(raw_items, list):
            raise self.fail(
                f"{where}checklist must be a list of [[phases.checklist]] tables, not "
                f"{type_name(raw_items)}",
                line_of("checklist"),
            )
        items: list[ChecklistItem] = []
        seen: set[str] = set()
        for number, raw_item in enumerate(raw_items):
            item = self.item(raw_item, index, number, where)
            if item.id in seen:
                raise self.fail(
                    f"{where}checklist id {item.id!r} is used twice; give each item its own id",
                    at.item(index, number, "id"),
                )
            seen.add(item.id)
            items.append(item)
        return Phase(
            id=phase_id, title=title, role=role, min_s=min_s, max_s=max_s, goal=goal,
            checklist=tuple(items), cues=cues, probes=probes,
        )

    def item(self, raw: object, phase: int, index: int, where: str) -> ChecklistItem:
        at = self.at

        def line_of(key: str | None) -> int | None:
            return at.item(phase, index, key)

        if not isinstance(raw, dict):
            raise self.fail(
                f"{where}checklist[{index}] must be a table, not {type_name(raw)}", line_of(None)
            )
        name = raw.get("id") if isinstance(raw.get("id"), str) and raw.get("id") else None
        label = repr(name) if name else str(index + 1)
        here = f"{where}checklist item {label}: "
        self.check_keys(raw, ITEM_KEYS, ITEM_REQUIRED, here, line_of)
        item_id = self.string(raw["id"], "id", here, line_of("id"), slug=True)
        text = self.string(raw["text"], "text", here, line_of("text"))
        cues = self.strings(raw.get("cues", []), "cues", here, line_of("cues"))
        return ChecklistItem(id=item_id, text=text, cues=cues)


def parse_layout(data: dict[str, Any], source: str = "<data>", text: str | None = None) -> Layout:
    """Validate a parsed layout table and build a Layout; `text` (the TOML) enables line numbers.

    Raises ConfigError (one line: source, line, what to change) for anything invalid.
    """
    return parse_with_lines(lambda lines: _Parser(source, lines).layout(data), text)


def parse_with_lines(parse: Callable[[str | None], T],
                     text: str | Callable[[], str | None] | None) -> T:
    """`parse(None)`: validation without line numbers, the fast path. If that fails, the same
    deterministic failure is raised again by `parse(text)`, which carries the line number.
    `text` may be a function that reads the TOML text, called only on a failure."""
    try:
        return parse(None)
    except ConfigError:
        text = text() if callable(text) else text
        if not text:
            raise
    return parse(text)


#: Layout files already parsed and validated (start-up lists the layouts, then finds one).
_PARSED: FileCache[Layout] = FileCache()


def load_layout_file(path: Path) -> Layout:
    """Read and validate one layout TOML file."""
    return _PARSED.get(Path(path), _read_layout)


def _read_layout(path: Path) -> Layout:
    data = read_toml(path)
    layout = parse_with_lines(lambda text: _Parser(path, text).layout(data),
                              lambda: read_text_or_none(path))
    if layout.coach:
        parse_with_lines(lambda text: settings_of(layout.coach, path, text),
                         lambda: read_text_or_none(path))
    return layout


def _number(seconds: float) -> int | float:
    return int(seconds) if float(seconds).is_integer() else seconds


def layout_to_dict(layout: Layout) -> dict[str, Any]:
    """A JSON/TOML-serialisable dict in the file format; `layout_from_dict` reverses it."""
    import copy

    return {
        "id": layout.id,
        "title": layout.title,
        "description": layout.description,
        "total": _number(layout.total_s),
        "level": layout.level,
        "coach": copy.deepcopy(dict(layout.coach)),
        "phases": [
            {
                "id": p.id,
                "title": p.title,
                "role": p.role,
                "min": _number(p.min_s),
                "max": _number(p.max_s),
                "goal": p.goal,
                "checklist": [
                    {"id": c.id, "text": c.text, "cues": list(c.cues)} for c in p.checklist
                ],
                "cues": list(p.cues),
                "probes": list(p.probes),
            }
            for p in layout.phases
        ],
    }


def layout_from_dict(data: dict[str, Any]) -> Layout:
    """Rebuild (and validate) a layout snapshot, e.g. from a session log; source is "<log>"."""
    return parse_layout(data, source="<log>")


# --------------------------------------------------------------------------- discovery


def _toml_files(directory: Path) -> list[Path]:
    try:
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.glob("*.toml") if p.is_file() or p.is_symlink())
    except OSError:
        return []


def list_layouts() -> tuple[list[Layout], list[ConfigError]]:
    """Shipped layouts, then user layouts; a user layout with a shipped id replaces it.

    Broken files never raise: each becomes a ConfigError in the second list.
    """
    layouts: dict[str, Layout] = {}
    errors: list[ConfigError] = []
    for origin in (shipped_layouts_dir(), user_layouts_dir()):
        user_seen: dict[str, str] = {}
        for path in _toml_files(origin):
            try:
                layout = load_layout_file(path)
            except ConfigError as error:
                errors.append(error)
                continue
            if layout.id in user_seen:
                errors.append(ConfigError(
                    path,
                    f"layout id {layout.id!r} is also used by {user_seen[layout.id]}; "
                    "rename one of them",
                ))
                continue
            user_seen[layout.id] = str(path)
            layouts[layout.id] = layout
    return list(layouts.values()), errors


def _looks_like_path(text: str) -> bool:
    return text.endswith(".toml") or "/" in text or "\\" in text


def find_layout(id_or_path: str) -> Layout:
    """A layout by id (shipped or user) or by path; UsageError if unknown.

    A value ending in ".toml" or containing a path separator is read as a file; anything else is
    an id.
    """
    if _looks_like_path(id_or_path):
        return load_layout_file(Path(id_or_path).expanduser())
    layouts, errors = list_layouts()
    for layout in layouts:
        if layout.id == id_or_path:
            return layout
    for error in errors:
        if Path(str(error.path)).stem == id_or_path:
            raise error
    known = ", ".join(sorted(layout.id for layout in layouts)) or "(none)"
    raise UsageError(
        f"unknown layout {id_or_path!r}; known layouts: {known} (or give a path to a .toml file)"
    )
