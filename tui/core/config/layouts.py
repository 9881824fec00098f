"""Layout files: the shipped and the user's layouts, found by id or path, read once per change.

The model is in `layout.py` and the file format in `layout_format.py`; their names are
re-exported here for callers that load layouts and use them.
"""

from __future__ import annotations

from pathlib import Path

from tui.core.config.coach_settings import settings_of
from tui.core.config.layout import (
    ROLES,
    ZERO_MIN_ROLES,
    ChecklistItem,
    Layout,
    Phase,
    UnknownPhaseError,
)
from tui.core.config.layout_format import (
    ITEM_KEYS,
    LAYOUT_KEYS,
    PHASE_KEYS,
    LayoutParser,
    layout_from_dict,
    layout_to_dict,
    parse_layout,
)
from tui.core.config.locations import shipped_layouts_dir, user_layouts_dir
from tui.core.config.toml_lines import parse_with_lines
from tui.core.config.tomlio import FileCache, read_text_or_none, read_toml
from tui.core.errors import ConfigError, UsageError

__all__ = [
    "ITEM_KEYS", "LAYOUT_KEYS", "PHASE_KEYS", "ROLES", "ZERO_MIN_ROLES", "ChecklistItem", "Layout",
    "Phase", "UnknownPhaseError",
    "find_layout", "layout_from_dict", "layout_to_dict", "list_layouts", "load_layout_file",
    "parse_layout",
]


#: Layout files already parsed and validated (start-up lists the layouts, then finds one).
_PARSED: FileCache[Layout] = FileCache()


def load_layout_file(path: Path) -> Layout:
    """Read and validate one layout TOML file."""
    return _PARSED.get(Path(path), _read_layout)


def _read_layout(path: Path) -> Layout:
    data = read_toml(path)
    layout = parse_with_lines(lambda text: LayoutParser(path, text).layout(data),
                              lambda: read_text_or_none(path))
    if layout.coach:
        parse_with_lines(lambda text: settings_of(layout.coach, path, text),
                         lambda: read_text_or_none(path))
    return layout


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
