"""The durable, append-only `events.jsonl`: reading with damage reports, writing with fsync."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from tui.core.errors import BoardlessError, LogCorruptError, UsageError
from tui.core.limits import MAX_LOG_LINE_BYTES, UnreadableFile, open_regular, size_words
from tui.core.session.events import Event, event_from_dict

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
    the middle raises LogCorruptError with its line number.

    Only a regular file is read (a FIFO or a device is refused at once), line by line: a line
    over MAX_LOG_LINE_BYTES is damage and is skipped in chunks, never held whole, so memory
    stays bounded by the longest allowed line plus the events themselves."""
    try:
        handle = open_regular(path)
    except UnreadableFile as error:
        if error.missing:
            raise BoardlessError(f"{path}: no such session log") from None
        raise BoardlessError(f"{path}: {error}, so not a session log") from None
    events: list[Event] = []
    warnings: list[str] = []
    #: (line number, reason) of a damaged complete line, fatal unless it proves to be the last
    damaged: tuple[int, str] | None = None
    try:
        with handle:
            for number, line, complete in _log_lines(handle):
                if line is not None and not line.strip():
                    continue
                if damaged is not None:
                    raise LogCorruptError(path, damaged[0], f"damaged event: {damaged[1]}")
                if not complete:  # the part after the final newline: never a whole event
                    _add_tail(events, warnings, path, number, line)
                    break
                try:
                    if line is None:
                        raise UsageError(f"the line is over the {size_words(MAX_LOG_LINE_BYTES)} "
                                         "limit of a log line")
                    event = _parse_line(line)
                except UsageError as error:
                    damaged = (number, str(error))
                    continue
                if events and event.seq <= events[-1].seq:
                    raise LogCorruptError(path, number,
                                          f"sequence number {event.seq} is out of order")
                events.append(event)
    except OSError as error:
        raise BoardlessError(f"{path}: cannot read: {error.strerror or error}") from None
    if damaged is not None:
        warnings.append(f"{path}:{damaged[0]}: dropped a damaged last line ({damaged[1]})")
    if not events:
        raise BoardlessError(f"{path}: the session log holds no events")
    if events[0].type != "session_started":
        raise LogCorruptError(path, 1, "the first event must be session_started")
    return LoadedLog(path=path, events=events, warnings=warnings)


#: Bytes read at a time while skipping an over-long line.
_SKIP_CHUNK = 64 * 1024


def _log_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes | None, bool]]:
    """(line number, bytes without the newline, ends with a newline) for each line. A line over
    MAX_LOG_LINE_BYTES comes as None after being read past in chunks."""
    number = 0
    while True:
        line = handle.readline(MAX_LOG_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if line.endswith(b"\n"):
            yield number, line[:-1], True
            continue
        if len(line) <= MAX_LOG_LINE_BYTES:  # shorter than asked for: the end of the file
            yield number, line, False
            return
        del line
        while True:
            chunk = handle.readline(_SKIP_CHUNK)
            if not chunk:
                yield number, None, False
                return
            if chunk.endswith(b"\n"):
                yield number, None, True
                break


def _add_tail(events: list[Event], warnings: list[str], path: Path, number: int,
              line: bytes | None) -> None:
    """Keep a last line written without its newline if it is a whole event in order; else
    drop it with a warning."""
    try:
        if line is None:
            raise UsageError("over-long line")
        event = _parse_line(line)
        if events and event.seq <= events[-1].seq:
            raise UsageError("sequence out of order")
        events.append(event)
    except UsageError:
        warnings.append(f"{path}:{number}: dropped a torn last line (no newline)")


def _parse_line(line: bytes) -> Event:
    try:
        obj = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # bad UTF-8 or JSON, a 5000-digit number
        raise UsageError(f"not valid JSON: {str(error).splitlines()[0][:80]}") from None
    return event_from_dict(obj)


class SessionInUseError(BoardlessError):
    """Another writer (another boardless, most likely) holds the session's lock."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"session {path.parent.name} is open in another boardless; close it there first "
            f"(or watch it read-only: boardless replay {path.parent.name})")
        self.path = path


class SessionLock:
    """An exclusive `flock` on a session's log, held by its one writer for as long as it
    writes. The kernel drops it when the process ends, even on SIGKILL, so a crash never
    leaves a session locked. Readers (report, export, replay) never take it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock; True once held. Raises SessionInUseError if another open file holds
        it. A log that does not exist yet, or a file system without locks, gives False."""
        if self._fd is not None:
            return True
        try:
            import fcntl
        except ImportError:  # no flock (Windows): one writer is not enforced
            return False
        try:  # non-blocking: opening a FIFO left at the log's path must not hang
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SessionInUseError(self.path) from None
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Let go (closing the file releases the lock)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


def log_in_use(path: Path) -> bool:
    """True while a writer holds the lock of the log at `path`."""
    probe = SessionLock(path)
    try:
        probe.acquire()
    except SessionInUseError:
        return True
    probe.release()
    return False


class LogWriter:
    """Appends events to `events.jsonl`.

    Each event is written and flushed to the OS at once (a killed process loses nothing the
    OS has); `fsync` runs at most every FSYNC_INTERVAL seconds and whenever `sync()` is called
    (phase changes, quit). A failing write (unwritable directory, ENOSPC) keeps the lines in
    memory, records `error`, and is retried on every later append or sync.

    The writer holds the session's lock (`SessionLock`) from `lock()`, or from the moment it
    first creates the file, until `close()`.
    """

    def __init__(
        self,
        path: Path,
        now: Callable[[], float],
        on_error: Callable[[str | None], None] | None = None,
        lock: SessionLock | None = None,
    ) -> None:
        self.path = path
        self._now = now
        self._on_error = on_error
        self._pending: list[str] = []
        self._file: TextIO | None = None
        self._dirty = False
        self._last_sync = now()
        self._lock = lock or SessionLock(path)
        #: The log's first line (what a copy starts with when the file cannot be read).
        self.first_line: str | None = None
        self.error: str | None = None

    def lock(self) -> None:
        """Take the session's lock before anything is read or written; raises
        SessionInUseError when another writer has it."""
        self._lock.acquire()

    def append(self, event: Event) -> None:
        """Queue one event and write everything pending; fsync if a second has passed."""
        line = event.to_json() + "\n"
        if self.first_line is None:
            self.first_line = line
        self._pending.append(line)
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

    def save_copy(self, directory: Path) -> Path:
        """Write the whole log to `directory`/events.jsonl, for when the session's own
        directory cannot take the lines still waiting: the complete lines that reached the log
        file (if it can still be read), then the waiting ones. If the file cannot be read, the
        copy starts with the session's first event, so it loads on its own. Raises OSError."""
        written = self._readable_lines()
        last = _seq_of(written[-1]) if written else 0
        waiting = [line for line in self._pending if _seq_of(line) > last]
        if not written and self.first_line is not None and self.first_line not in waiting:
            waiting.insert(0, self.first_line)
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / LOG_NAME
        partial = directory / (LOG_NAME + ".tmp")
        with open(partial, "wb") as handle:
            handle.write(b"".join(written))
            handle.write("".join(waiting).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
        return target

    def _readable_lines(self) -> list[bytes]:
        """The complete lines of the log file as it is now ([] if it cannot be read; a device
        at its path, such as /dev/full, is never read)."""
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                return []
            data = self.path.read_bytes()
        except OSError:
            return []
        return [line + b"\n" for line in data.split(b"\n")[:-1] if line.strip()]

    def close(self) -> None:
        """Sync and close the file and let go of the lock (pending lines stay in memory if the
        disk still fails)."""
        self.sync()
        self._drop_handle()
        self._lock.release()

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
                with contextlib.suppress(SessionInUseError):
                    self._lock.acquire()  # a log created late (a disk fault at the start)
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



def _seq_of(line: str | bytes) -> int:
    """The sequence number of one of the writer's own lines (0 if it has none)."""
    try:
        seq = json.loads(line).get("seq", 0)
    except (ValueError, AttributeError, RecursionError):
        return 0
    return seq if isinstance(seq, int) else 0
