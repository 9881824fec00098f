"""Waiting on a running Textual app in tests: on a condition, never on a fixed pause."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

#: How long `wait_until` lets the app work towards a condition before the test fails. Only a
#: bound: a test goes on the moment its condition holds, however fast the machine.
WAIT_LIMIT_S = 20.0


async def wait_until(pilot: Any, check: Callable[[], object], what: str = "the condition",
                     limit_s: float = WAIT_LIMIT_S) -> None:
    """Let the app process its messages (`pilot.pause()`) until `check()` holds; fail naming
    `what` if it still does not after `limit_s` seconds."""
    deadline = time.monotonic() + limit_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {limit_s:g} s waiting for {what}")
        await pilot.pause()
        if not check():
            await pilot.pause(0.01)  # a worker thread may be what the check waits for
