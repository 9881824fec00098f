"""The layout file format both ways: TOML tables checked into a `Layout`, and back to a dict.

The format is documented in `docs/layouts.md`. Errors are one-line `ConfigError`s naming the
file, the line (when the TOML text is known) and what to change.
"""

from __future__ import annotations

import copy
from typing import Any

from tui.core.config.layout import (
    ROLES,
    ZERO_MIN_ROLES,
    ChecklistItem,
    CurveballMoment,
    Layout,
    Phase,
)
from tui.core.config.table_checks import TableChecker
from tui.core.config.toml_lines import TomlLines, parse_with_lines
from tui.core.config.tomlio import type_name
from tui.core.text.durations import format_minutes

LAYOUT_KEYS = ("id", "title", "description", "total", "level", "coach", "phases", "curveballs")
LAYOUT_REQUIRED = ("id", "title", "description", "total", "phases")
PHASE_KEYS = ("id", "title", "role", "min", "max", "goal", "checklist", "cues", "probes")
PHASE_REQUIRED = ("id", "title", "min", "max", "goal")
ITEM_KEYS = ("id", "text", "cues")
ITEM_REQUIRED = ("id", "text")
CURVEBALL_KEYS = ("phase", "at", "answer")
CURVEBALL_REQUIRED = ("phase", "at")
#: How long a candidate has to take a curveball up when the layout does not say.
DEFAULT_ANSWER_S = 180.0


class LayoutLines(TomlLines):
    """Line numbers of a layout's phases and checklist items."""

    def phase_span(self, phase: int) -> tuple[int, int] | None:
        start = self.nth_header("phases", phase)
        if start is None:
            return None
        end = len(self.lines)
        for index, name in self.headers:
            if index > start and name == "phases":
                end = index
                break
        return start, end

    def phase(self, phase: int, key: str | None = None) -> int | None:
        span = self.phase_span(phase) if self.lines else None
        if span is None:
            return self.top("phases")
        start, _ = span
        if key is None:
            return start + 1
        line = self.key_in(start + 1, self.next_header(start), key)
        if line is None and key == "checklist":
            header = self.nth_header("phases.checklist", 0, start, span[1])
            line = header + 1 if header is not None else None
        return line or start + 1

    def curveball(self, index: int, key: str | None = None) -> int | None:
        header = self.nth_header("curveballs", index) if self.lines else None
        if header is None:
            return self.top("curveballs")
        if key is None:
            return header + 1
        return self.key_in(header + 1, self.next_header(header), key) or header + 1

    def item(self, phase: int, item: int, key: str | None = None) -> int | None:
        span = self.phase_span(phase) if self.lines else None
        if span is None:
            return self.top("phases")
        header = self.nth_header("phases.checklist", item, span[0], span[1])
        if header is None:
            return self.phase(phase, "checklist")
        if key is None:
            return header + 1
        return self.key_in(header + 1, self.next_header(header), key) or header + 1


class LayoutParser(TableChecker):
    """Checks a parsed layout table and builds the `Layout`."""

    def __init__(self, source: object, text: str | None) -> None:
        super().__init__(source)
        self.at = LayoutLines(text)

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
            coach = self.plain(data["coach"], "coach", at.top("coach"))
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
        raw_curveballs = data.get("curveballs", [])
        if not isinstance(raw_curveballs, list):
            raise self.fail(f"curveballs must be a list of [[curveballs]] tables, not "
                            f"{type_name(raw_curveballs)}", at.top("curveballs"))
        curveballs = tuple(self.curveball(raw, index, phases)
                           for index, raw in enumerate(raw_curveballs))
        return Layout(
            id=layout_id, title=title, description=description, total_s=total,
            phases=tuple(phases), level=level, coach=coach, source=str(self.source),
            curveballs=curveballs,
        )

    def curveball(self, raw: object, index: int, phases: list[Phase]) -> CurveballMoment:
        at = self.at

        def line_of(key: str | None) -> int | None:
            return at.curveball(index, key)

        if not isinstance(raw, dict):
            raise self.fail(f"curveballs[{index}] must be a table, not {type_name(raw)}",
                            line_of(None))
        where = f"curveball {index + 1}: "
        self.check_keys(raw, CURVEBALL_KEYS, CURVEBALL_REQUIRED, where, line_of)
        phase_id = self.string(raw["phase"], "phase", where, line_of("phase"))
        phase = next((p for p in phases if p.id == phase_id), None)
        if phase is None:
            raise self.fail(f"{where}no phase {phase_id!r}; use one of: "
                            f"{', '.join(p.id for p in phases)}", line_of("phase"))
        moment = raw["at"]
        if isinstance(moment, str) and moment.strip().endswith("%"):
            try:
                share = float(moment.strip()[:-1]) / 100
            except ValueError:
                share = -1.0
            if not 0 < share < 1:
                raise self.fail(f"{where}at {moment!r} is not a share of the phase between "
                                "1% and 99%", line_of("at"))
            at_s = round(share * phase.max_s, 3)
        else:
            at_s = self.duration(moment, "at", where, line_of("at"))
        if not 0 < at_s < phase.max_s:
            raise self.fail(f"{where}at {format_minutes(at_s)} is outside phase {phase_id!r} "
                            f"(0 to {format_minutes(phase.max_s)}); give a moment inside it, "
                            "like \"60%\"", line_of("at"))
        answer_s = DEFAULT_ANSWER_S
        if "answer" in raw:
            answer_s = self.duration(raw["answer"], "answer", where, line_of("answer"))
            if answer_s <= 0:
                raise self.fail(f"{where}answer is zero; give the time to take it up, like "
                                "\"3m\"", line_of("answer"))
        return CurveballMoment(phase_id, at_s, answer_s)

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
    return parse_with_lines(lambda lines: LayoutParser(source, lines).layout(data), text)


def _number(seconds: float) -> int | float:
    return int(seconds) if float(seconds).is_integer() else seconds


def layout_to_dict(layout: Layout) -> dict[str, Any]:
    """A JSON/TOML-serialisable dict in the file format; `layout_from_dict` reverses it."""
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
        **({"curveballs": [{"phase": c.phase, "at": _number(c.at_s), "answer": _number(c.answer_s)}
                           for c in layout.curveballs]} if layout.curveballs else {}),
    }


def layout_from_dict(data: dict[str, Any]) -> Layout:
    """Rebuild (and validate) a layout snapshot, e.g. from a session log; source is "<log>"."""
    return parse_layout(data, source="<log>")
