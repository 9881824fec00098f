"""Garbage collection paused while the app starts.

Starting the app creates a few hundred thousand long-lived objects (Textual's modules, the
stylesheet, the widgets), and the collector would walk them several times before the first frame
(about 35 ms of a ~400 ms start here). The CLI pauses collection before it imports the app; the
app resumes it once its first frame is on screen, first moving everything alive into the
permanent generation (`gc.freeze`) so that later collections skip the start-up objects too.
Only a pause this module made is resumed: an app built in a test process leaves the collector
alone.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collection (if it runs) until `resume()`."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what is alive and collect automatically again, if `pause()` stopped it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    """Whether collection is paused by this module."""
    return _paused
