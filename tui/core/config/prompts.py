"""The prompt bank: design questions with clarifying questions and interviewer follow-ups.

The bank is a TOML file shipped in the package (`tui/data/prompts.toml`), one `[[prompts]]`
table per prompt; see `docs/layouts.md` ("Prompt bank") for the format.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.core.config.locations import shipped_data_dir
from tui.core.config.table_checks import TableChecker
from tui.core.config.toml_lines import TomlLines, parse_with_lines
from tui.core.config.tomlio import FileCache, read_text_or_none, read_toml, type_name
from tui.core.errors import UsageError

PROMPT_KEYS = ("id", "title", "domain", "text", "clarifying", "probes", "curveballs")
PROMPT_REQUIRED = ("id", "title", "domain", "text", "clarifying", "probes")
CURVEBALL_KEYS = ("id", "text", "about")
BANK_KEYS = ("prompts",)
MIN_CLARIFYING = 3
PROBES_RANGE = (2, 4)
#: Each prompt of a bank has at least this many curveballs, and each names this many subjects.
MIN_CURVEBALLS, MIN_ABOUT = 2, 3


@dataclass(frozen=True)
class Curveball:
    """A constraint change the interviewer springs mid-round; `about` are the words that show the
    candidate took it up (said or written)."""

    id: str
    text: str
    about: tuple[str, ...]


@dataclass(frozen=True)
class Prompt:
    """A design question as an interviewer would pose it."""

    id: str
    title: str
    domain: str
    text: str
    clarifying: tuple[str, ...]
    probes: tuple[str, ...]
    curveballs: tuple[Curveball, ...] = ()


def bank_file() -> Path:
    """The shipped prompt bank."""
    return shipped_data_dir() / "prompts.toml"


class _BankLines(TomlLines):
    """Line numbers of the bank's prompts."""

    def prompt(self, index: int, key: str | None = None) -> int | None:
        if not self.lines:
            return None
        header = self.nth_header("prompts", index)
        if header is None:
            return self.top("prompts")
        if key is None:
            return header + 1
        return self.key_in(header + 1, self.next_header(header), key) or header + 1

    def curveball(self, index: int, number: int) -> int | None:
        """The line of a prompt's `number`th `[[prompts.curveballs]]` table."""
        start = self.nth_header("prompts", index) if self.lines else None
        if start is None:
            return self.prompt(index)
        end = self.nth_header("prompts", index + 1)
        header = self.nth_header("prompts.curveballs", number, start, end)
        return header + 1 if header is not None else self.prompt(index)


class _BankParser(TableChecker):
    def __init__(self, source: object, text: str | None) -> None:
        super().__init__(source)
        self.at = _BankLines(text)

    def prompt(self, raw: object, index: int, *, strict: bool) -> Prompt:
        at = self.at
        assert isinstance(at, _BankLines)

        def line_of(key: str | None) -> int | None:
            return at.prompt(index, key)

        if not isinstance(raw, dict):
            raise self.fail(
                f"prompts[{index}] must be a table, not {type_name(raw)}", line_of(None)
            )
        name = raw.get("id") if isinstance(raw.get("id"), str) and raw.get("id") else None
        where = f"prompt {name!r}: " if name else f"prompt {index + 1}: "
        self.check_keys(raw, PROMPT_KEYS, PROMPT_REQUIRED, where, line_of)
        prompt_id = self.string(raw["id"], "id", where, line_of("id"), slug=True)
        title = self.string(raw["title"], "title", where, line_of("title"))
        domain = self.string(raw["domain"], "domain", where, line_of("domain"), slug=True)
        text = self.string(raw["text"], "text", where, line_of("text"))
        clarifying = self.strings(raw["clarifying"], "clarifying", where, line_of("clarifying"))
        probes = self.strings(raw["probes"], "probes", where, line_of("probes"))
        curveballs = self.curveballs(raw.get("curveballs", []), where,
                                     lambda number: at.curveball(index, number))
        if strict:
            if len(clarifying) < MIN_CLARIFYING:
                raise self.fail(
                    f"{where}only {len(clarifying)} clarifying questions; write at least "
                    f"{MIN_CLARIFYING}",
                    line_of("clarifying"),
                )
            low, high = PROBES_RANGE
            if not low <= len(probes) <= high:
                raise self.fail(
                    f"{where}{len(probes)} probes; give between {low} and {high}",
                    line_of("probes"),
                )
            for label, entries in (("clarifying", clarifying), ("probes", probes)):
                if len(set(entries)) != len(entries):
                    raise self.fail(f"{where}{label} repeats an entry; remove the duplicate",
                                    line_of(label))
            if len(curveballs) < MIN_CURVEBALLS:
                raise self.fail(
                    f"{where}{len(curveballs)} curveballs; write at least {MIN_CURVEBALLS} "
                    "[[prompts.curveballs]] tables", line_of(None))
            for number, curveball in enumerate(curveballs):
                if curveball.text in probes:
                    raise self.fail(f"{where}curveball {curveball.id!r} repeats a probe; a "
                                    "curveball changes the problem", at.curveball(index, number))
        return Prompt(prompt_id, title, domain, text, clarifying, probes, curveballs)

    def curveballs(self, raw: object, where: str,
                   line_of: Callable[[int], int | None]) -> tuple[Curveball, ...]:
        if not isinstance(raw, list):
            raise self.fail(f"{where}curveballs must be a list of [[prompts.curveballs]] tables, "
                            f"not {type_name(raw)}", line_of(0))
        found: list[Curveball] = []
        for index, entry in enumerate(raw):
            line = line_of(index)
            if not isinstance(entry, dict):
                raise self.fail(f"{where}curveballs[{index}] must be a table, not "
                                f"{type_name(entry)}", line)
            here = f"{where}curveball {index + 1}: "
            self.check_keys(entry, CURVEBALL_KEYS, CURVEBALL_KEYS, here,
                            lambda _key, line=line: line)
            curveball = Curveball(
                self.string(entry["id"], "id", here, line, slug=True),
                self.string(entry["text"], "text", here, line),
                tuple(word.lower() for word in self.strings(entry["about"], "about", here, line)))
            if len(curveball.about) < MIN_ABOUT:
                raise self.fail(f"{here}about has {len(curveball.about)} entries; give at least "
                                f"{MIN_ABOUT} words that show the candidate took it up", line)
            if any(curveball.id == other.id for other in found):
                raise self.fail(f"{here}id {curveball.id!r} is used twice in this prompt", line)
            found.append(curveball)
        return tuple(found)

    def bank(self, data: object) -> list[Prompt]:
        if not isinstance(data, dict):
            raise self.fail(f"a prompt bank must be a table, not {type_name(data)}")
        self.check_keys(data, BANK_KEYS, BANK_KEYS, "", self.at.top)
        raw = data["prompts"]
        if not isinstance(raw, list):
            raise self.fail(
                f"prompts must be a list of [[prompts]] tables, not {type_name(raw)}",
                self.at.top("prompts"),
            )
        if not raw:
            raise self.fail("prompts is empty; add at least one [[prompts]] table",
                            self.at.top("prompts"))
        prompts: list[Prompt] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(raw):
            prompt = self.prompt(entry, index, strict=True)
            if prompt.id in seen:
                assert isinstance(self.at, _BankLines)
                raise self.fail(
                    f"prompt id {prompt.id!r} is used twice (prompts {seen[prompt.id] + 1} and "
                    f"{index + 1}); give each prompt its own id",
                    self.at.prompt(index, "id"),
                )
            seen[prompt.id] = index
            prompts.append(prompt)
        return prompts


def parse_prompt_bank(data: dict[str, Any], source: object = "<data>",
                      text: str | None = None) -> list[Prompt]:
    """Validate a parsed bank (`{"prompts": [...]}`); raises ConfigError on anything invalid."""
    return parse_with_lines(lambda lines: _BankParser(source, lines).bank(data), text)


#: Banks already parsed and validated (start-up looks up the prompt, then lists them all).
_PARSED: FileCache[tuple[Prompt, ...]] = FileCache()


def load_prompt_bank(path: Path | None = None) -> list[Prompt]:
    """Read and validate the bank at `path` (default: the shipped bank)."""
    path = Path(path) if path is not None else bank_file()
    return list(_PARSED.get(path, _read_bank))


def _read_bank(path: Path) -> tuple[Prompt, ...]:
    data = read_toml(path)
    return tuple(parse_with_lines(lambda text: _BankParser(path, text).bank(data),
                                  lambda: read_text_or_none(path)))


def find_prompt(prompt_id: str) -> Prompt:
    """The shipped prompt with `prompt_id`; UsageError listing the known ids otherwise."""
    bank = load_prompt_bank()
    for prompt in bank:
        if prompt.id == prompt_id:
            return prompt
    known = ", ".join(p.id for p in bank)
    raise UsageError(f"unknown prompt {prompt_id!r}; known prompts: {known}")


def custom_prompt(text: str) -> Prompt:
    """A prompt from free text (`--prompt TEXT`): id "custom", domain "custom", no follow-ups."""
    clean = " ".join(text.split())
    if not clean:
        raise UsageError("the prompt text is empty; give the design question to practise")
    title = clean if len(clean) <= 60 else clean[:57].rstrip() + "..."
    return Prompt("custom", title, "custom", clean, (), ())


def random_prompt(rng: random.Random) -> Prompt:
    """A prompt from the shipped bank chosen with `rng` (seed it for reproducible picks)."""
    return rng.choice(load_prompt_bank())


def prompt_to_dict(prompt: Prompt) -> dict[str, Any]:
    """A JSON/TOML-serialisable dict; `prompt_from_dict` reverses it."""
    return {
        "id": prompt.id,
        "title": prompt.title,
        "domain": prompt.domain,
        "text": prompt.text,
        "clarifying": list(prompt.clarifying),
        "probes": list(prompt.probes),
        **({"curveballs": [{"id": c.id, "text": c.text, "about": list(c.about)}
                           for c in prompt.curveballs]} if prompt.curveballs else {}),
    }


def prompt_from_dict(data: dict[str, Any]) -> Prompt:
    """Rebuild a prompt snapshot (e.g. from a session log); types are checked, counts are not."""
    return _BankParser("<log>", None).prompt(data, 0, strict=False)
