"""Core benchmark: fold, report and export of a two-hour log (target: under a second each).

Run: `python -m bench.bench_core` from the repository root. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bench.long_round import build_long_session
from tui.core.debrief.export import debrief_lines, render_markdown
from tui.core.session.eventlog import read_log
from tui.core.session.state import fold


def timed(fn, repeat: int = 5) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median and max seconds over `repeat` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), max(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        start = time.perf_counter()
        build_long_session(directory, args.hours, args.notes)
        built = time.perf_counter() - start
        log = directory / "events.jsonl"
        events = read_log(log).events
        state = fold(events)
        print(f"two-hour log: {len(events)} events, {log.stat().st_size / 1e6:.1f} MB, "
              f"{len(state.outline)} notes, {len(state.captions)} final captions "
              f"(built in {built:.1f} s)")
        for name, fn in [
            ("read log", lambda: read_log(log)),
            ("fold", lambda: fold(events)),
            ("report (debrief)", lambda: debrief_lines(events)),
            ("export markdown",
             lambda: render_markdown(fold(events), debrief=debrief_lines(events))),
        ]:
            median, worst = timed(fn)
            print(f"{name:<18} median {median * 1000:7.1f} ms   max {worst * 1000:7.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
