"""Session directories: naming, finding, listing, and resolving the SESSION argument."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tui.core.config.locations import sessions_dir
from tui.core.errors import BoardlessError, UsageError
from tui.core.session.eventlog import LOG_NAME, SessionInUseError, SessionLock, read_log
from tui.core.session.state import FOLD_ERRORS, SessionState, fold

_SLUG = re.compile(r"[^a-z0-9]+")


def session_dir_name(started: datetime, prompt_id: str) -> str:
    """The directory name of a session: start time and prompt, e.g. 20261122-090000-social-feed."""
    slug = _SLUG.sub("-", prompt_id.lower()).strip("-")[:40] or "session"
    return f"{started:%Y%m%d-%H%M%S}-{slug}"


def new_session_dir(started: datetime, prompt_id: str, root: Path | None = None) -> Path:
    """Create and return a fresh, uniquely named session directory."""
    root = root or sessions_dir()
    base = session_dir_name(started, prompt_id)
    root.mkdir(parents=True, exist_ok=True)
    for n in range(1000):
        candidate = root / (base if n == 0 else f"{base}-{n + 1}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise BoardlessError(f"cannot create a session directory under {root}")


def resolve_session(arg: str, root: Path | None = None) -> Path:
    """Turn SESSION (a directory, an events.jsonl path, or a session id or unique id prefix)
    into the path of its events.jsonl. A directory that cannot be searched is a one-line
    BoardlessError."""
    try:
        return _resolve_session(arg, root)
    except OSError as error:
        raise _unreadable(error, arg) from None


def _unreadable(error: OSError, fallback: str) -> BoardlessError:
    return BoardlessError(f"cannot read {error.filename or fallback}: {error.strerror or error}")


def _resolve_session(arg: str, root: Path | None) -> Path:
    path = Path(arg).expanduser()
    if path.is_file():
        return path
    if path.is_dir():
        log = path / LOG_NAME
        if log.is_file():
            return log
        raise UsageError(f"{path} is not a session directory (no {LOG_NAME} in it)")
    looks_like_path = any(sep in arg for sep in ("/", "\\")) or arg.startswith((".", "~"))
    if looks_like_path or not arg:
        raise UsageError(f"no session at {path}: the path does not exist")
    hint = "give a session directory, an events.jsonl file or an id from 'boardless sessions list'"
    return session_dir_by_id(arg, root, hint) / LOG_NAME


def session_dir_by_id(session_id: str, root: Path | None = None,
                      hint: str = "give an id from 'boardless sessions list'") -> Path:
    """The directory of the session with this id (or unique id prefix) directly under `root`
    (default: the sessions directory); never a path elsewhere. `hint` ends the not-found error."""
    try:
        return _session_dir_by_id(session_id, root, hint)
    except OSError as error:
        raise _unreadable(error, session_id) from None


def _session_dir_by_id(session_id: str, root: Path | None, hint: str) -> Path:
    root = root or sessions_dir()
    if not session_id or session_id in (".", "..") or any(c in session_id for c in "/\\"):
        raise UsageError(f"no session {session_id!r}: {hint}")
    exact = root / session_id
    if (exact / LOG_NAME).is_file():
        return exact
    matches = sorted(p for p in root.glob(f"{glob_escape(session_id)}*")
                     if (p / LOG_NAME).is_file())
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        names = ", ".join(p.name for p in matches[:5])
        raise UsageError(f"session {session_id!r} is ambiguous: {names}")
    raise UsageError(f"no session {session_id!r}: {hint}")


def delete_session(directory: Path, root: Path | None = None) -> None:
    """Remove one session directory, which must sit directly under `root` (default: the
    sessions directory) and be a real directory, not a link to somewhere else."""
    root = (root or sessions_dir()).resolve()
    if directory.is_symlink() or not directory.is_dir():
        raise UsageError(f"{directory} is not a session directory; nothing deleted")
    if directory.resolve().parent != root:
        raise UsageError(f"{directory} is not inside {root}; nothing deleted")
    lock = SessionLock(directory / LOG_NAME)
    try:
        lock.acquire()  # held while deleting: no writer can open it meanwhile
    except SessionInUseError:
        raise BoardlessError(f"session {directory.name} is open in another boardless; close it "
                             "there first; nothing deleted") from None
    try:
        shutil.rmtree(directory)
    except OSError as error:
        raise BoardlessError(f"cannot delete {directory}: {error.strerror or error}") from None
    finally:
        lock.release()


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a user-typed id prefix."""
    return re.sub(r"([*?\[\]])", r"[\1]", text)


@dataclass(frozen=True)
class SessionSummary:
    """One row of `boardless sessions list`."""

    id: str
    path: Path
    started: str
    layout_id: str
    prompt_id: str
    prompt_title: str
    ended: bool
    used_s: float
    notes: int
    flags: int
    state: SessionState | None = None
    problem: str | None = None


def list_sessions(root: Path | None = None, keep_state: bool = False) -> list[SessionSummary]:
    """Every session under the data directory, oldest first; unreadable ones are listed with
    the problem instead of failing the whole listing."""
    out: list[SessionSummary] = []
    for directory in session_dirs(root):
        try:
            state = fold(read_log(directory / LOG_NAME).events)
        except (BoardlessError, *FOLD_ERRORS) as error:  # damage stays in its own row
            out.append(SessionSummary(directory.name, directory, "", "", "", "", False, 0.0, 0, 0,
                                      problem=damage_reason(error)))
            continue
        out.append(summarise(directory, state, keep_state))
    return out


def session_dirs(root: Path | None = None) -> list[Path]:
    """The session directories (those holding a log) under `root`, sorted by name (so
    oldest first). Raises BoardlessError if `root` exists but cannot be listed."""
    root = root or sessions_dir()
    try:
        if not root.is_dir():
            return []
        return sorted(p for p in root.iterdir() if _has_log(p))
    except OSError as error:
        raise BoardlessError(f"cannot list {root}: {error.strerror or error}") from None


def _has_log(directory: Path) -> bool:
    try:
        return (directory / LOG_NAME).is_file()
    except OSError:  # an unsearchable session directory is still listed, as damaged
        return True


def damage_reason(error: BaseException) -> str:
    """Why a session cannot be read, in one line."""
    if isinstance(error, BoardlessError):
        return str(error)
    text = str(error).splitlines()[0][:160] if str(error) else ""
    return f"cannot be read: {type(error).__name__}{': ' + text if text else ''}"


def summarise(directory: Path, state: SessionState, keep_state: bool = False) -> SessionSummary:
    """Summary row for one folded session."""
    return SessionSummary(
        id=directory.name, path=directory, started=state.started_wall,
        layout_id=state.layout.id, prompt_id=state.prompt.id, prompt_title=state.prompt.title,
        ended=state.ended, used_s=state.phases.total_elapsed(state.last_t),
        notes=len(state.outline), flags=len(state.flags), state=state if keep_state else None,
    )


def latest_unfinished(root: Path | None = None) -> SessionSummary | None:
    """The most recent session whose round never ended (to offer a resume)."""
    candidates = [s for s in list_sessions(root) if s.problem is None and not s.ended]
    return candidates[-1] if candidates else None
