"""Contrast: text and the highlighted note row keep at least 4.5:1 (WCAG) in both themes.

Two views of the same rule: the theme colours of every pair the CSS draws, computed from the
Theme objects; and every glyph actually drawn on each screen, read back from the compositor
(dim and colours with alpha already resolved), so pairs the table misses are caught too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from rich.segment import Segment
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.theme import Theme

from tests.app.test_snapshots import a_round_in_progress, settle
from tests.pilot import start_round
from tui.app.contrast import MIN_CONTRAST, RGB, blend, contrast, luminance, readable_dim
from tui.app.themes import INK, PAPER, other_theme
from tui.core.session.clock import FakeClock


# ---- the formula --------------------------------------------------------------------------
def test_contrast_formula_matches_wcag() -> None:
    assert luminance((255, 255, 255)) == pytest.approx(1.0)
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast((255, 0, 0), (255, 255, 255)) == pytest.approx(4.0, abs=0.01)


def test_readable_dim_keeps_the_minimum() -> None:
    page, ink = (0xF7, 0xF2, 0xE4), (0x26, 0x26, 0x2E)
    assert contrast(blend(page, ink, 0.5), page) < MIN_CONTRAST  # a terminal's dim
    muted = readable_dim(ink, page)
    assert MIN_CONTRAST <= contrast(muted, page) < contrast(ink, page)
    low = (0x99, 0x99, 0x99)
    assert readable_dim(low, page) == low  # already below: never made worse


# ---- the theme colours of every pair the CSS draws ----------------------------------------
#: (text colour, background) as the CSS and widgets draw them; a background "X N%" is X at N%
#: over the page (translucent banners). Dim text is kept readable by `ReadableDim`.
PAIRS = (
    *[("foreground", bg) for bg in ("background", "surface", "panel")],
    *[("text-muted", bg) for bg in ("background", "surface", "panel")],  # engine, chips
    ("paper-cursor-text", "paper-cursor"),  # the note under the cursor
    ("paper-margin-text", "background"),  # margin times, hint, folded count
    *[("primary", bg) for bg in ("background", "surface", "panel")],  # flow, labels, clock
    ("secondary", "background"),  # question marker
    ("accent", "background"),  # decision marker
    *[("error", bg) for bg in ("background", "surface", "panel")],  # risk, flags, chips
    *[("warning", bg) for bg in ("background", "surface", "panel")],  # paused, rushed, flags
    *[("success", bg) for bg in ("background", "surface", "panel")],  # async, mic, ready
    *[("calm", bg) for bg in ("surface", "panel")],  # phase chip below its minimum
    ("footer-key-foreground", "footer-background"),
    ("footer-description-foreground", "footer-background"),
    ("foreground", "secondary 20%"),  # probe banner
    ("foreground", "warning 20%"),  # flag banners
    ("foreground", "error 25%"),
    ("foreground", "primary 15%"),
)


def theme_colour(variables: dict[str, str], name: str, under: Color | None = None) -> Color:
    """A theme variable as an opaque colour ("auto N%" and "X N%" resolved over `under`)."""
    name, _, percent = name.partition(" ")
    value = variables[name]
    if value.startswith("auto"):
        assert under is not None
        alpha = float(value.split()[1].rstrip("%")) / 100
        return under + under.get_contrast_text(alpha)
    colour = Color.parse(value)
    if percent:
        return Color.parse(variables["background"]) + colour.with_alpha(float(percent[:-1]) / 100)
    return colour


def pair_ratio(theme: Theme, fg: str, bg: str) -> float:
    variables = {**theme.to_color_system().generate(), **theme.variables}
    back = theme_colour(variables, bg)
    fore = theme_colour(variables, fg, back)
    return contrast(fore.rgb, back.rgb)


@pytest.mark.parametrize("theme", [PAPER, INK], ids=["paper", "ink"])
@pytest.mark.parametrize(("fg", "bg"), PAIRS, ids=[f"{fg} on {bg}" for fg, bg in PAIRS])
def test_theme_pairs_reach_the_minimum(theme: Theme, fg: str, bg: str) -> None:
    assert pair_ratio(theme, fg, bg) >= MIN_CONTRAST


@pytest.mark.parametrize("theme", [PAPER, INK], ids=["paper", "ink"])
def test_the_cursor_row_stands_out_from_the_page(theme: Theme) -> None:
    assert pair_ratio(theme, "paper-cursor", "background") >= MIN_CONTRAST


# ---- screens, read back glyph by glyph ----------------------------------------------------
GRAPHICS = ("Box Drawing", "Block Elements")


def is_text(character: str) -> bool:
    """Letters, digits, punctuation and symbols; not rules, bars and blocks (U+2500-U+259F)."""
    if character.isspace():
        return False
    return not 0x2500 <= ord(character) <= 0x259F


def segment_colours(segment: Segment) -> tuple[RGB, RGB] | None:
    style = segment.style
    if style is None or style.color is None or style.bgcolor is None:
        return None
    fg, bg = style.color.get_truecolor(), style.bgcolor.get_truecolor()
    fore, back = (fg.red, fg.green, fg.blue), (bg.red, bg.green, bg.blue)
    if style.reverse:
        fore, back = back, fore
    if style.dim:
        fore = blend(back, fore, 0.5)  # as a terminal draws it
    return fore, back


def screen_strips(app, region: Region | None = None) -> list[Strip]:  # type: ignore[no-untyped-def]
    """The lines every widget shown draws, with their styles (public `render_lines`), for the
    widgets inside `region` (default: the whole screen)."""
    strips: list[Strip] = []
    for widget in app.screen.query("*"):
        if widget.children or not widget.size.area or not all(
                node.display for node in widget.ancestors_with_self):
            continue
        if region is not None and not region.overlaps(widget.region):
            continue
        strips += widget.render_lines(Region(0, 0, *widget.outer_size))
    return strips


def low_contrast(app, region: Region | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """Every run of text drawn below MIN_CONTRAST (in `region`, default the whole screen):
    "ratio fg/bg 'text'" once per colour pair."""
    found: dict[tuple[RGB, RGB], str] = {}
    for strip in screen_strips(app, region):
        for segment in strip:
            text = "".join(ch for ch in segment.text if is_text(ch))
            colours = segment_colours(segment)
            if not text or colours is None:
                continue
            if contrast(*colours) < MIN_CONTRAST:
                found[colours] = found.get(colours, "") + text[:30] + "|"
    return [f"{contrast(fg, bg):.2f} {Color(*fg).hex}/{Color(*bg).hex} {text[:60]!r}"
            for (fg, bg), text in found.items()]


Scene = Callable[..., Awaitable[None]]


async def practice(pilot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """A round in progress with every marker, a caption, a partial, a probe and a new flag."""
    await a_round_in_progress(pilot, clock)
    pilot.app.session.emit("probe_asked", id="p1", text="What if this must work for live?",
                           phase="framing", answer_s=90)
    await pilot.press("up")  # the cursor row is drawn over a note
    await settle(pilot)


async def practice_after_f2(pilot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """The same, drawn first in the other theme and switched with F2 mid-round."""
    app = pilot.app
    app.theme = other_theme(app.theme)
    await practice(pilot, clock)
    await pilot.press("f2")
    app.tick()  # the half-second repaint (widgets that colour text in code catch up here)
    await settle(pilot)


async def start(pilot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("ctrl+r")
    await settle(pilot)


async def results(pilot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    await a_round_in_progress(pilot, clock)
    await pilot.press("ctrl+x", "enter")
    await settle(pilot)
    await settle(pilot)


async def help_screen(pilot, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await start_round(pilot)
    await pilot.press("f1")
    await settle(pilot)


SCENES = {"start": start, "practice": practice, "practice-after-f2": practice_after_f2,
          "results": results, "help": help_screen}


@pytest.mark.parametrize("theme", ["paper", "ink"])
@pytest.mark.parametrize("scene", list(SCENES))
async def test_every_glyph_on_screen_is_readable(make_app, clock, theme, scene) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        await SCENES[scene](pilot, clock)
        assert app.theme == theme
        region = app.screen.query_one("#help-box").region if scene == "help" else None
        bad = low_contrast(app, region)
        if scene.startswith("practice"):  # the cursor band is on screen, so its text was checked
            band = Color.parse(app.theme_variables["paper-cursor"]).rich_color
            assert any(segment.style and segment.style.bgcolor == band
                       for strip in screen_strips(app) for segment in strip)
        assert not bad, "\n".join(bad)
