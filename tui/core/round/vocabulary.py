"""The words a round will use, for biasing speech recognition toward them.

`round_vocabulary` gathers the distinctive terms of the round: the notes typed so far (newest
first), the prompt's title, text, clarifying questions and probes, then the layout's cues. It
keeps words that carry meaning (not common function words), each once, in that order of
priority, up to a budget, and returns them as one comma-separated line a recogniser can take as
hint words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tui.core.config.layouts import Layout
from tui.core.config.prompts import Prompt

#: At most this many terms (a recogniser's hint budget is about 100 tokens).
MAX_TERMS = 40

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*|p\d\d")

COMMON = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each every few for from further get gets had hadn't has
    hasn't have haven't having he her here hers herself him himself his how i i'd i'll i'm i've
    if in into is isn't it it's its itself just let let's like make makes many may me might
    more most much must my myself need needs no nor not now of off on once one only or other
    our ours ourselves out over own per same she should shouldn't so some such than that that's
    the their theirs them themselves then there there's these they they'd they'll they're this
    those through to too two under until up upon us use used using very via was wasn't we we'd
    we'll we're we've were weren't what what's when where which while who whom whose why will
    with within without won't would wouldn't yes yet you you'd you'll you're your yours
    yourself yourselves design system build builds time times way ways thing things good well
    going want able new first last next still even back another lot lots kind sort say
    something anything everything someone anyone everyone give given take takes see sees
    does done happen happens change changes keep keeps put puts right
    """.split()
)


def terms_in(texts: Iterable[str]) -> list[str]:
    """The meaningful words of `texts`, in order of first appearance, each once."""
    seen: set[str] = set()
    found: list[str] = []
    for text in texts:
        for match in _TOKEN.finditer(text):
            word = match.group(0)
            key = word.lower()
            if len(key) < 3 or key in COMMON or key in seen:
                continue
            seen.add(key)
            found.append(word)
    return found


def round_vocabulary(
    prompt: Prompt | None,
    layout: Layout | None,
    notes: Sequence[str] = (),
    limit: int = MAX_TERMS,
) -> str:
    """Hint words for this round: notes (newest first), prompt, then layout cues."""
    texts: list[str] = list(reversed(notes))
    if prompt is not None:
        texts += [prompt.title, prompt.text, *prompt.clarifying, *prompt.probes]
    if layout is not None:
        for phase in layout.phases:
            texts += phase.cues
            for item in phase.checklist:
                texts += item.cues
    return ", ".join(terms_in(texts)[:limit])
