"""Readable colours: the WCAG contrast ratio, and a "dim" that never drops text below it.

Textual draws the `dim` style by blending the text colour a third of the way to the
background (terminals, when dim reaches them, about halfway), which on the paper page's panels
leaves grey text under 4.5:1. `ReadableDim`, a line filter the app runs before Textual's own,
draws dim text in that same blend or, where it would be too faint, in the mutest colour between
the background and the text colour that keeps `MIN_CONTRAST`: dim stays quieter, and readable.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.constants import DIM_FACTOR
from textual.filter import LineFilter

MIN_CONTRAST = 4.5
"""WCAG AA for normal text."""

RGB = tuple[int, int, int]


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: RGB) -> float:
    """WCAG relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    red, green, blue = rgb
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: RGB, second: RGB) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(background: RGB, colour: RGB, factor: float) -> RGB:
    """`colour` at `factor` opacity over `background` (0: the background, 1: the colour)."""
    return tuple(round(b + (c - b) * factor) for b, c in zip(background, colour))  # type: ignore[return-value]


@lru_cache(1024)
def readable_dim(colour: RGB, background: RGB, minimum: float = MIN_CONTRAST) -> RGB:
    """The colour blended toward the background as Textual dims it (DIM_FACTOR), or less where
    that would fall below `minimum`; the colour itself if even that is at or below it."""
    steps = 50
    for step in range(round(DIM_FACTOR * steps), steps + 1):
        candidate = blend(background, colour, step / steps)
        if contrast(candidate, background) >= minimum:
            return candidate
    return colour


@lru_cache(1024)
def _undimmed(style: Style, background: RGB) -> Style:
    colour, bgcolor = style.color, style.bgcolor
    if colour is None or colour.triplet is None:
        return style  # a terminal colour: left to Textual and the terminal
    under = bgcolor.triplet if bgcolor is not None and bgcolor.triplet is not None else None
    muted = readable_dim(tuple(colour.triplet), tuple(under) if under else background)
    return style + Style(color=RichColor.from_rgb(*muted), dim=False)


class ReadableDim(LineFilter):
    """Replaces the dim attribute with a muted colour of at least MIN_CONTRAST (run it before
    Textual's ANSIToTruecolor filter, which would dim by DIM_FACTOR alone)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        under = background.rgb
        return [Segment(segment.text, _undimmed(segment.style, under), segment.control)
                if segment.style is not None and segment.style.dim else segment
                for segment in segments]
