"""Removing what an interrupted write left behind (`.part`, `.unpack`, `.tmp`) in our own
directories: only names that match, only when old enough, never what is still in use."""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Callable
from pathlib import Path

#: Seconds since the last change after which a leftover is taken to be abandoned.
MIN_AGE = 60.0


def in_use(path: Path) -> bool:
    """True when another open file holds an exclusive `flock` on `path` (a live writer)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the age check alone decides
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases the probe's own lock
    return False


def sweep(
    directory: Path,
    matches: Callable[[str], bool],
    min_age: float = MIN_AGE,
    busy: Callable[[Path], bool] = lambda _: False,
    now: float | None = None,
) -> list[Path]:
    """Remove the files and folders directly in `directory` whose name `matches`, unchanged
    for `min_age` seconds and not `busy`; returns what was removed. Links are never followed
    and nothing raises: a leftover that cannot be removed stays for the next run."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if not matches(entry.name):
            continue
        path = Path(entry.path)
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode) or now - info.st_mtime < min_age or busy(path):
                continue
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
