"""Checking values read from TOML: strings, ids, string lists, durations and plain nested data.

Shared by every config file format (layouts, the prompt bank); each error names the source,
the line when known, and what to change.
"""

from __future__ import annotations

import math
import re
from typing import Any

from tui.core.config.tomlio import type_name
from tui.core.errors import ConfigError
from tui.core.text.durations import parse_duration

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class TableChecker:
    """Checks values read from one TOML source; every failure is a one-line ConfigError."""

    def __init__(self, source: object) -> None:
        self.source = source

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

    def plain(self, value: object, path: str, line: int | None) -> Any:
        """A copy of a nested value of strings, finite numbers, booleans, lists and tables."""
        if isinstance(value, dict):
            return {str(k): self.plain(v, f"{path}.{k}", line) for k, v in value.items()}
        if isinstance(value, list):
            return [self.plain(v, f"{path}[{i}]", line) for i, v in enumerate(value)]
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(f"{path} must be a finite number", line)
        if isinstance(value, (str, int, float, bool)):
            return value
        raise self.fail(
            f"{path} is {type_name(value)}; use a string, number, boolean, list or table", line
        )
