"""The durable, append-only `events.jsonl`: reading with damage reports, writing with fsync."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from tui.core.errors import BoardlessError, LogCorruptError, UsageError
from tui.core.events import Event, event_from_dict

LOG_NAME = "events.jsonl"
#: Seconds between fsyncs while events keep arriving.
FSYNC_INTERVAL = 1.0


@dataclass
class LoadedLog:
    """Events read from a log, plus warnings about damage that was tolerated."""

    path: Path
    events: list[Event]
    warnings: list[str] = field(default_factory=list)


def read_log(path: Path) -> LoadedLog:
    """Read every event. A torn or corrupt *last* line is dropped with a warning; damage in
    the middle raises LogCorruptError with its line number."""
    try:
        if path.exists() and not path.is_file():
            raise BoardlessError(f"{path}: not a regular file, so not a session log")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BoardlessError(f"{path}: no such session log") from None
    except OSError as error:
        raise BoardlessError(f"{path}: cannot read: {error.strerror or error}") from None
    lines = raw.split(b"\n")
    complete_end = len(lines) - 1  # the part after the final newline is never complete
    tail = lines[-1]
    events: list[Event] = []
    warnings: list[str] = []
    last_nonblank = max((i for i, ln in enumerate(lines[:complete_end]) if ln.strip()), default=-1)
    for index, line in enumerate(lines[:complete_end]):
        if not line.strip():
            continue
        try:
            event = _parse_line(line)
        except UsageError as error:
            if index == last_nonblank and not tail.strip():
                warnings.append(f"{path}:{index + 1}: dropped a damaged last line ({error})")
                continue
            raise LogCorruptError(path, index + 1, f"damaged event: {error}") from None
        if events and event.seq <= events[-1].seq:
            raise LogCorruptError(path, index + 1, f"sequence number {event.seq} is out of order")
        events.append(event)
    if tail.strip():
        try:
            event = _parse_line(tail)
            if events and event.seq <= events[-1].seq:
                raise UsageError("sequence out of order")
            events.append(event)
        except UsageError:
            warnings.append(f"{path}:{complete_end + 1}: dropped a torn last line (no newline)")
    if not events:
        raise BoardlessError(f"{path}: the session log holds no events")
    if events[0].type != "session_started":
        raise LogCorruptError(path, 1, "the first event must be session_started")
    return LoadedLog(path=path, events=events, warnings=warnings)


def _parse_line(line: bytes) -> Event:
    try:
        obj = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise UsageError(f"not valid JSON: {str(error).splitlines()[0][:80]}") from None
    return event_from_dict(obj)


class LogWriter:
    """Appends events to `events.jsonl`.

    Each event is written and flushed to the OS at once (a killed process loses nothing the
    OS has); `fsync` runs at most every FSYNC_INTERVAL seconds and whenever `sync()` is called
    (phase changes, quit). A failing write (unwritable directory, ENOSPC) keeps the lines in
    memory, records `error`, and is retried on every later append or sync.
    """

    def __init__(
        self,
        path: Path,
        now: Callable[[], float],
        on_error: Callable[[str | None], None] | None = None,
    ) -> None:
        self.path = path
        self._now = now
        self._on_error = on_error
        self._pending: list[str] = []
        self._file: TextIO | None = None
        self._dirty = False
        self._last_sync = now()
        self.error: str | None = None

    def append(self, event: Event) -> None:
        """Queue one event and write everything pending; fsync if a second has passed."""
        self._pending.append(event.to_json() + "\n")
        self._write_pending()
        if self._dirty and self._now() - self._last_sync >= FSYNC_INTERVAL:
            self.sync()

    def sync(self) -> None:
        """Write anything pending and fsync the file."""
        self._write_pending()
        if self._file is None or self.error:
            return
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._dirty = False
            self._last_sync = self._now()
        except OSError as error:
            self._fail(error)

    @property
    def pending(self) -> int:
        """Lines not yet written because of a disk fault."""
        return len(self._pending)

    def close(self) -> None:
        """Sync and close the file (pending lines stay in memory if the disk still fails)."""
        self.sync()
        self._drop_handle()

    def _drop_handle(self) -> None:
        """Close the file handle; a close that fails on a broken disk has nothing left to save."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None

    def _write_pending(self) -> None:
        if not self._pending:
            return
        try:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
            handle = self._file
            while self._pending:
                handle.write(self._pending[0])
                handle.flush()
                self._pending.pop(0)
                self._dirty = True
        except OSError as error:
            self._fail(error)
            self._reopen_after_failure()
            return
        if self.error is not None:
            self.error = None
            if self._on_error:
                self._on_error(None)

    def _reopen_after_failure(self) -> None:
        """Forget the handle and cut any partly written last line, so that the retry starts on
        a fresh line (the reader tolerates a torn line only at the very end). If the disk is
        still failing this cannot be done now; the next retry tries again."""
        self._drop_handle()
        with contextlib.suppress(OSError):
            if not self.path.is_file():
                return
            with open(self.path, "rb+") as handle:
                data = handle.read()
                if data and not data.endswith(b"\n"):
                    handle.truncate(data.rfind(b"\n") + 1)

    def _fail(self, error: OSError) -> None:
        message = f"cannot write {self.path}: {error.strerror or error}; retrying"
        changed = message != self.error
        self.error = message
        if changed and self._on_error:
            self._on_error(message)

