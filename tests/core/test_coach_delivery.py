"""dead_air, pace and fillers."""

from __future__ import annotations

from tests.core.coach_helpers import Driver, tiny_layout
from tui.core.coach.summary import summarise
from tui.core.config.layouts import parse_layout

SENTENCE = "the api calls the ranking service and returns the rows to the client quickly"


def _talk(d: Driver, seconds: float, text: str = SENTENCE, wpm: float = 150.0,
          gap: float = 1.0) -> Driver:
    end = d.t + seconds
    while d.t < end:
        d.say(text, wpm=wpm).wait(gap)
    return d


def test_dead_air_after_a_long_silence_once_per_silence() -> None:
    d = Driver(tiny_layout()).start().wait(2).say("let me think about the scale")
    d.wait(19.0)
    assert d.flags("dead_air") == []
    d.wait(3.0)
    assert d.flags("dead_air") == [("dead_air", "requirements")]
    d.wait(60.0)
    assert len(d.flags("dead_air")) == 1  # same silence, same flag
    d.say("okay so how many users").wait(25.0)
    assert len(d.flags("dead_air")) == 2  # a new silence


def test_thinking_pauses_and_partials_are_not_dead_air() -> None:
    d = Driver(tiny_layout()).start()
    for _ in range(10):
        d.say("hmm let me think").wait(12.0)  # pauses under the threshold
    assert d.flags("dead_air") == []
    d = Driver(tiny_layout()).start()
    for second in range(2, 60, 10):
        d.at(float(second))
        d.session.emit("caption", text="still talking", final=False, start=0.0, end=0.0,
                       words=[], delay=0.0, engine="vosk")
    assert d.flags("dead_air") == []


def test_voice_activity_without_words_is_not_dead_air_or_a_thinking_pause() -> None:
    # Whisper writes the words of a long utterance only when it ends; meanwhile its voice
    # detector logs `speech` events. A 40 s monologue is talk, not silence.
    d = Driver(tiny_layout()).start().wait(2).say("so the first thing")
    for second in range(3, 44):
        d.at(float(second))
        d.session.emit("speech", start=float(second - 1), end=float(second))
    d.at(45.0).say("and that is the whole write path")
    assert d.flags("dead_air") == []
    assert summarise(d.session.observers).silences == ()
    d.wait(21.0)  # real silence after it still counts
    assert d.flags("dead_air") == [("dead_air", "requirements")]


def test_no_dead_air_when_captions_are_off_or_timer_paused() -> None:
    d = Driver(tiny_layout(), listening=False).start().wait(90.0)
    assert d.flags("dead_air") == []
    d = Driver(tiny_layout()).start().status("off").wait(90.0)
    assert d.flags("dead_air") == []
    d.status("listening").wait(10.0)
    assert d.flags("dead_air") == []  # silence counts from when listening resumed
    d = Driver(tiny_layout()).start().wait(5.0).pause().wait(90.0)
    assert d.flags("dead_air") == []


def test_silence_counts_from_phase_start() -> None:
    d = Driver(tiny_layout()).start()
    _talk(d, 110.0).at(125.0).next()
    assert d.flags("dead_air") == []
    d.wait(15.0)
    assert d.flags("dead_air") == []
    d.wait(6.0)
    assert d.flags("dead_air") == [("dead_air", "framing")]


def test_break_phases_are_exempt_from_dead_air_and_pace() -> None:
    layout = parse_layout({
        "id": "b", "title": "B", "description": "", "total": "10m", "phases": [
            {"id": "rest", "title": "Rest", "role": "break", "min": "0m", "max": "5m",
             "goal": "g"},
            {"id": "req", "title": "Req", "role": "requirements", "min": "1m", "max": "4m",
             "goal": "g"},
        ]})
    d = Driver(layout).start().wait(120.0)
    _talk(d, 60.0, wpm=260.0)
    assert d.flags("dead_air") == [] and d.flags("pace") == []


def _pace_flags(d: Driver) -> list[tuple[str | None, str, str]]:
    return [(f.phase, f.severity, f.message) for f in d.session.state.flags if f.code == "pace"]


def test_pace_too_fast_and_too_slow_but_not_inside_the_band() -> None:
    # The band is 100-190 words a minute (coach.toml); the flag names the rate measured.
    d = _talk(Driver(tiny_layout()).start(), 60.0, wpm=240.0)
    assert _pace_flags(d) == [(
        "requirements", "info", "Speaking at about 240 words a minute in Requirements, above "
        "190; slow down so each point lands.")]
    d = _talk(Driver(tiny_layout()).start(), 80.0, wpm=80.0)
    assert _pace_flags(d) == [(
        "requirements", "info", "Speaking at about 80 words a minute in Requirements, below "
        "100; keep a steady flow of explanation.")]
    d = _talk(Driver(tiny_layout()).start(), 100.0, wpm=150.0)
    assert _pace_flags(d) == []


def test_pace_needs_enough_talk_in_the_window() -> None:
    d = _talk(Driver(tiny_layout()).start(), 20.0, wpm=260.0)
    assert d.flags("pace") == []


def test_fillers_over_the_limit() -> None:
    d = _talk(Driver(tiny_layout()).start(), 60.0,
              text="um so the api uh calls the you know ranking service um")
    assert d.flags("fillers") == [("fillers", "requirements")]
    assert "Whisper" not in d.session.state.flags[-1].message


def test_like_after_would_is_not_a_filler() -> None:
    d = _talk(Driver(tiny_layout()).start(), 60.0,
              text="i would like to look at what kind of data looks like a feed")
    assert d.flags("fillers") == []


def test_whisper_fillers_are_counted_like_any_engine() -> None:
    # The Whisper engine keeps fillers (a verbatim prompt; recall measured by bench_wer), so
    # its counts carry no "approximate" caveat any more.
    messages = []
    for engine in ("whisper", "pocketsphinx"):
        d = _talk(Driver(tiny_layout(), engine=engine).start(), 60.0,
                  text="um uh so basically the api um calls the service uh")
        messages += [f.message for f in d.session.state.flags if f.code == "fillers"]
    assert len(messages) == 2 and messages[0] == messages[1]
    assert "approximate" not in messages[0] and "Whisper" not in messages[0]


def test_silence_is_not_counted_while_captions_are_behind() -> None:
    d = Driver(tiny_layout()).start().wait(2).say("ok").status("behind").wait(60.0)
    assert d.flags("dead_air") == []
    d.status("caught_up").wait(15.0)
    assert d.flags("dead_air") == []
    d.wait(10.0)
    assert d.flags("dead_air") == [("dead_air", "requirements")]
