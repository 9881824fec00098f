"""The coach: observers that turn a session's events into flags, checklist ticks and probes.

`make_observers(state)` builds them for a live session (the app adds them to
`Session.observers`; the session lets them see every whole second pass, however often the
app's timer calls `Session.tick()`); `recompute(events)` replays a log's input events through
fresh observers and returns the coach's events, deterministically.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.core.coach.checklist import ChecklistObserver
from tui.core.coach.curveballs import CurveballObserver
from tui.core.coach.delivery import DeliveryObserver
from tui.core.coach.framing import FramingObserver
from tui.core.coach.probe_answers import ProbeAnswerObserver
from tui.core.coach.probes import ProbeObserver
from tui.core.coach.replay import OUTPUT_TYPES, Replay, input_events, is_output, replay
from tui.core.coach.requirements import RequirementsObserver
from tui.core.coach.resilience import ResilienceObserver
from tui.core.coach.silence import SilenceObserver
from tui.core.coach.substance import SubstanceObserver
from tui.core.coach.timing import TimingObserver
from tui.core.config.coach_settings import CoachConfig, coach_config
from tui.core.session.events import Event
from tui.core.session.session import Observer
from tui.core.session.state import SessionState

FLAG_CODES = (
    "over_time", "rushed", "skipped", "jumped_to_design", "no_core_challenge",
    "resilience_late", "dead_air", "pace", "fillers", "no_tradeoff", "no_estimates",
    "no_request_trace", "no_operability", "probe_ignored", "same_template", "curveball_ignored",
)

__all__ = [
    "FLAG_CODES", "OUTPUT_TYPES", "CoachConfig", "Replay", "coach_config", "input_events",
    "is_output",
    "make_observers", "recompute", "replay_coach", "resume_observers",
]


def make_observers(state: SessionState, config: CoachConfig | None = None) -> list[Observer]:
    """Fresh coach observers for a session that starts now (state just after session_started).

    Raises ConfigError if the layout's `[coach]` table is invalid.
    """
    config = config or coach_config(state.layout)
    kinds = (TimingObserver, RequirementsObserver, FramingObserver, ResilienceObserver,
             SilenceObserver, DeliveryObserver, ChecklistObserver, ProbeObserver,
             SubstanceObserver, ProbeAnswerObserver, CurveballObserver)
    return [kind(state, config) for kind in kinds]


def replay_coach(events: Sequence[Event]) -> Replay:
    """Replay a log through fresh coach observers (see `replay`)."""
    return replay(events, make_observers)


def recompute(events: Sequence[Event]) -> list[Event]:
    """The coach events (flags, ticks, probes) a log's input events give, always the same."""
    return replay_coach(events).outputs


def resume_observers(events: Sequence[Event]) -> list[Observer]:
    """Observers that have already seen `events` (a log being resumed), so nothing already
    flagged is raised again; add them to the resumed session's observers."""
    return replay_coach(events).observers
