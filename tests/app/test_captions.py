"""Captions reach the strip (partial dimmed, cue words highlighted), pin into the outline, and
a new flag flashes; the caption feed merges partial floods and never blocks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.pilot import start_round, type_text, wait_until
from tui.app.captions import CaptionFeed
from tui.app.options import SpeechOptions
from tui.app.widgets.caption_strip import CaptionStrip, cue_pattern
from tui.app.widgets.flag_banner import FlagBanner
from tui.app.widgets.outline_view import OutlineView
from tui.app.widgets.side_panel import SidePanel
from tui.core.config.layouts import find_layout
from tui.core.config.settings import Settings
from tui.core.session.events import CaptionsState


def caption(app, text: str, final: bool = True) -> None:  # type: ignore[no-untyped-def]
    app.session.emit("caption", text=text, final=final, start=0.0, end=1.0,
                     words=[], delay=0.1, engine="test")


def strip_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(CaptionStrip).render())


async def test_partial_and_final_lines(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        caption(app, "how many daily active users")
        caption(app, "and what p99 latency", final=False)
        await wait_until(pilot, lambda: "p99 latency" in strip_text(app), "the partial")
        text = strip_text(app)
        assert "how many daily active users" in text
        assert "and what p99 latency …" in text


def test_cue_words_are_whole_word_matches() -> None:
    pattern = cue_pattern(find_layout("netflix-l5").phases[0])
    assert pattern is not None
    found = [m.group(0) for m in pattern.finditer("What p99 latency and peak QPS? Not peaked.")]
    assert "p99" in found and "latency" in found and "QPS" in found
    assert "peak" in found and "peaked" not in found


async def test_pin_last_caption_under_the_cursor(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await type_text(pilot, "Requirements asked")
        await pilot.press("escape")
        assert app.screen.check_action("pin_caption", ()) is None  # nothing to pin yet
        caption(app, "peak is ten million concurrent viewers")
        await pilot.press("ctrl+k")
        notes = [(n.text, d) for n, d in app.session.state.outline.walk()]
        assert notes == [("Requirements asked", 0),
                         ("peak is ten million concurrent viewers", 1)]


LONG = ("You have been talking about the architecture for a while without naming the core "
        "challenge: say in one sentence what makes this problem hard before going on.")


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_a_new_flag_is_shown_in_full_for_six_seconds_whatever_the_captions_do(
    make_app, clock, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start_round(pilot)
        clock.advance(2)
        app.tick()
        app.session.emit("flag_raised", code="no_core_challenge", phase="requirements",
                         message=LONG, severity="serious")
        for number in range(30):  # captions keep streaming, long enough to wrap
            caption(app, f"caption {number} about the edge caches and the origin shield and "
                         "how the manifest is fetched by every player")
            clock.advance(0.19)
            app.tick()
        banner = app.screen.query_one(FlagBanner)
        await wait_until(pilot, lambda: banner.display and "caption 29" in strip_text(app),
                         "the banner and the last caption")
        assert banner.display and banner.has_class("-serious")
        shown = " ".join(str(banner.render()).split())
        assert "✖ SERIOUS" in shown and " ".join(LONG.split()) in shown  # all of it, unwrapped
        width, height = size
        assert banner.region.y + banner.region.height <= height - 1  # above the footer
        assert banner.region.height >= 2 and banner.region.width == width
        assert "caption 29" in strip_text(app)  # and the captions still stream below it
        side = str(app.screen.query_one("#side-flags").render())
        assert "✖ 0:02 serious You have been talking" in side
        clock.advance(0.2)
        app.tick()
        await pilot.pause()  # the tick's repaint
        assert banner.display and "SERIOUS" in str(banner.render())  # 5.9 s after
        clock.advance(0.2)
        app.tick()
        await wait_until(pilot, lambda: "SERIOUS" not in str(banner.render())
                         or not banner.display, "the serious flag to go after 6 s")


async def test_severities_differ_by_symbol_word_and_colour(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        banner = app.screen.query_one(FlagBanner)
        seen = {}
        for severity, words in (("info", "● NOTE"), ("warn", "▲ WARNING"),
                                ("serious", "✖ SERIOUS")):
            app.session.emit("flag_raised", code="x", phase="requirements",
                             message=f"a {severity} flag", severity=severity)
            await wait_until(pilot, lambda w=words: w in str(banner.render()), words)
            seen[severity] = banner.styles.border_left[1]
        assert len(set(seen.values())) == 3  # three colours
        side = str(app.screen.query_one("#side-flags").render())
        assert "● 0:00 note a info flag" in side and "▲ 0:00 warning a warn flag" in side


async def test_ctrl_g_focuses_the_flags_list_and_scrolls_it_at_80x24(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_round(pilot)
        for number in range(15):
            clock.advance(10)
            app.tick()
            app.session.emit("flag_raised", code="x", phase="requirements",
                             message=f"flag number {number}", severity="warn")
        side = app.screen.query_one(SidePanel)
        flags = app.screen.query_one("#side-flags")
        await wait_until(pilot, lambda: "flag number 14" in str(flags.render()), "the 15 flags")
        await pilot.press("ctrl+g")
        assert side.has_focus
        assert flags.region.overlaps(side.content_region)  # the flags are in view
        top = side.scroll_y
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: side.scroll_y > top, "the list to scroll")
        await pilot.press("escape")
        assert app.screen.query_one(OutlineView).has_focus
        await type_text(pilot, "typed")
        await pilot.press("escape")
        assert [n.text for n, _ in app.session.state.outline.walk()] == ["typed"]


@pytest.mark.parametrize("bell", [True, False])
async def test_bell_on_serious_flags_is_a_setting(make_app, bell: bool) -> None:
    app = make_app()
    app.settings.bell_on_serious = bell
    rings: list[None] = []
    app.bell = lambda: rings.append(None)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        app.session.emit("flag_raised", code="x", phase="requirements", message="warned",
                         severity="warn")
        app.session.emit("flag_raised", code="y", phase="requirements", message="serious",
                         severity="serious")
        await wait_until(pilot, lambda: "serious" in str(app.screen.query_one(FlagBanner)
                                                         .render()), "the serious flag shown")
    assert len(rings) == (1 if bell else 0)


async def test_checklist_ticks_show_in_the_side_panel(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        app.session.emit("checklist_ticked", phase="requirements", item="latency",
                         source="speech", evidence="p99")
        box = app.screen.query_one(SidePanel).query_one("#side-checklist")
        await wait_until(pilot, lambda: "☑" in str(box.render()), "the tick")
        checklist = str(box.render())
        assert "☑ Latency targets" in checklist
        assert "1/6 covered" in checklist


async def test_probe_banner_counts_down(make_app, clock) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        app.session.emit("probe_asked", id="p1", text="What if this must work for live?",
                         phase="requirements", answer_s=90)
        banner = app.screen.query_one("#probe")
        await wait_until(pilot, lambda: banner.display, "the probe")
        assert "1:30 to answer" in str(banner.render())
        clock.advance(95)
        app.tick()
        await wait_until(pilot, lambda: "time's up" in str(banner.render()), "time's up")
        app.session.emit("probe_closed", id="p1", reason="answered")
        await wait_until(pilot, lambda: not banner.display, "the probe to close")


async def test_captions_off_with_reason_and_typing_still_works(make_app) -> None:
    app = make_app(speech=SpeechOptions(engine="off"))
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await wait_until(pilot, lambda: "captions off" in strip_text(app), "captions off")
        await type_text(pilot, "still typing")
        await pilot.press("escape")
        assert len(app.session.state.outline) == 1


@dataclass
class FakeRecognition:
    text: str
    final: bool
    start: float = 0.0
    end: float = 1.0
    words: tuple = ()
    delay: float = 0.0
    engine: str = "fake"


def test_feed_merges_partial_floods() -> None:
    woken: list[int] = []
    feed = CaptionFeed(SpeechOptions(), Settings(), wake=lambda: woken.append(1))
    for n in range(50):
        feed._result(FakeRecognition(f"partial {n}", final=False))
    feed._result(FakeRecognition("the final words", final=True))
    feed._result(FakeRecognition("next partial", final=False))
    feed._status(CaptionsState.BEHIND, "captions behind")
    events = feed.drain()
    assert [e[1].get("text", e[1].get("state")) for e in events] == [
        "the final words", "next partial", "behind"]
    assert feed.drain() == []
    assert len(woken) == 53


def test_a_sign_of_voice_becomes_a_speech_event_not_a_caption() -> None:
    from tui.speech.types import Recognition

    feed = CaptionFeed(SpeechOptions(), Settings(), wake=lambda: None)
    feed._result(Recognition("", False, 12.0, 13.25, engine="whisper"))
    assert feed.drain() == [("speech", {"start": 12.0, "end": 13.25})]
    feed._result(Recognition("", False, 12.0, 14.3, engine="whisper"))
    feed._result(Recognition("so the write path", True, 12.0, 15.0, engine="whisper"))
    events = feed.drain()  # the words came: the older sign of voice is superseded
    assert [kind for kind, _ in events] == ["caption"]


def test_feed_disabled_reports_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """Captions disabled for the run: no engine is even chosen, and the one status says so."""
    import tui.speech.select as select

    def no_engine(*args: object, **kwargs: object) -> object:
        raise AssertionError("an engine was chosen although captions are disabled")

    monkeypatch.setattr(select, "choose_engine", no_engine)
    woken: list[bool] = []
    feed = CaptionFeed(SpeechOptions(enabled=False), Settings(), wake=lambda: woken.append(True))
    feed.start()
    assert woken, "the UI was not told a status is waiting"
    off = {"state": "off", "message": "captions off: disabled for this run"}
    assert feed.drain() == [("captions_status", off)]
    assert feed.drain() == []


async def test_a_disabled_feed_shows_captions_off(make_app) -> None:
    """What a person sees with captions disabled: the reason in the strip, no level, engine off."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        await wait_until(pilot, lambda: app.session.state.captions_state == CaptionsState.OFF
                         and "disabled" in strip_text(app), "the captions-off status")
        assert "captions off: disabled for this run" in strip_text(app)
        header = " ".join(str(label.render()) for label in app.screen.query("#header Label"))
        assert "mic off" in header and "engine off" in header


async def test_typing_stays_responsive_while_the_engine_loads(make_app, monkeypatch) -> None:
    """Engine choice and model load happen off the UI thread: keys are handled meanwhile and
    quitting does not wait for the load."""
    import threading
    import time

    import tui.speech.select as select

    release = threading.Event()

    def slow_choice(*args: object, **kwargs: object) -> object:
        release.wait(20)
        raise select.SpeechError("too slow for this test")

    monkeypatch.setattr(select, "choose_engine", slow_choice)
    app = make_app(speech=SpeechOptions(engine="auto"))
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        started = time.perf_counter()
        await type_text(pilot, "typed while loading")
        await pilot.press("escape")
        assert time.perf_counter() - started < 8
        assert len(app.session.state.outline) == 1
        quit_started = time.perf_counter()
        await pilot.press("ctrl+q")
    release.set()
    assert time.perf_counter() - quit_started < 8


async def test_the_footer_follows_what_pin_can_do(make_app) -> None:
    """'^k Pin' is dimmed until there is a caption to pin, and enabled from then on."""
    def pin_key(app):  # type: ignore[no-untyped-def]
        return next(k for k in app.screen.query("FooterKey") if k.key == "ctrl+k")

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_round(pilot)
        assert pin_key(app).has_class("-disabled")
        caption(app, "peak is ten million viewers")
        await wait_until(pilot, lambda: not pin_key(app).has_class("-disabled"), "Pin enabled")
        await pilot.press("ctrl+k")
        await wait_until(pilot, lambda: len(app.session.state.outline) == 1, "the pinned note")
        assert not pin_key(app).has_class("-disabled")
