"""Text from people and files made inert before it reaches a terminal, a command's output or an
export (the session log itself keeps the original text).

A note, a caption, a prompt or layout title or a session directory's name may hold control
characters: ESC starting a sequence that clears the screen, sets the window title (OSC 0),
writes the clipboard (OSC 52) or hides a link (OSC 8); CR or BS overwriting what was printed;
the one-byte C1 CSI (U+009B); NUL and DEL. Printed raw, the terminal obeys them.

Convention: every such character is shown as the escape Python's `repr()` writes for it,
backslash included, so it is visible and says which character it was:

- `\\t`, `\\n` and `\\r` for tab, newline and carriage return;
- `\\xNN` for the rest of C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F): ESC is
  `\\x1b`, BS `\\x08`, NUL `\\x00`, the C1 CSI `\\x9b`;
- `\\uNNNN` for a lone surrogate (which no terminal can be sent) and, in one-line fields, the
  line and paragraph separators U+2028 and U+2029.

`visible(text)` keeps newline and tab (text that may span lines: a prompt, a goal, a message);
`visible_line(text)` escapes them too (a title, an id, a table cell, an error: one line).
Everything printable stays as it is: accents, CJK, emoji (with their joiners), and backslashes
already in the text (so the escapes are for reading, not for parsing back).

`clip(text)` caps what an error message echoes ("…(N more characters)…");
`one_line(text)` is both, for errors and warnings. `json_safe(dumped)` makes
`json.dumps(..., ensure_ascii=False)` output inert (it leaves DEL, C1 and lone surrogates raw).
"""

from __future__ import annotations

import re

#: Control characters escaped everywhere: C0 but tab and newline, DEL, C1, lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: In a one-line field: all of C0, DEL, C1, lone surrogates and the line/paragraph separators.
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
#: What `json.dumps(ensure_ascii=False)` leaves raw (it escapes C0 itself).
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

#: Characters of a value an error message may echo before it is cut.
ERROR_LIMIT = 500
#: Characters kept from the end of a cut message (where "known: ..." hints usually are).
_TAIL = 120


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str) -> str:
    """`text` with every control character but newline and tab shown as its escape."""
    return _CONTROL.sub(_escape, text)


def visible_line(text: str) -> str:
    """`text` for a one-line field: every control character, newline and tab included, shown
    as its escape."""
    return _LINE_CONTROL.sub(_escape, text)


def clip(text: str, limit: int = ERROR_LIMIT) -> str:
    """`text` cut to about `limit` characters: its start, "…(N more characters)…" and its
    last few characters (unchanged when short enough)."""
    if len(text) <= limit:
        return text
    tail = min(_TAIL, limit // 4)
    head = max(1, limit - tail)
    cut = len(text) - head - tail
    return f"{text[:head]}…({cut:,} more characters)…{text[len(text) - tail:]}"


def one_line(text: str, limit: int = ERROR_LIMIT) -> str:
    """An error or warning message as one inert line of bounded length."""
    return clip(visible_line(text), limit)


def json_safe(dumped: str) -> str:
    """JSON text from `json.dumps(..., ensure_ascii=False)` with DEL, C1, U+2028/U+2029 and
    lone surrogates written as `\\uNNNN` escapes (still the same JSON value)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)
