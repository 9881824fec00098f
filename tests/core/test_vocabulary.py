"""The round's vocabulary: distinctive words of the notes, the prompt and the layout's cues."""

from __future__ import annotations

from tui.core.config.layouts import find_layout
from tui.core.config.prompts import custom_prompt, find_prompt
from tui.core.round.vocabulary import MAX_TERMS, round_vocabulary, terms_in


def test_terms_skip_common_words_and_repeats_in_order() -> None:
    assert terms_in(["The queue feeds the encoders", "and the queue drains; p99 under 50 ms"]) == [
        "queue", "feeds", "encoders", "drains", "p99"]


def test_notes_come_first_newest_first_then_the_prompt_then_cues() -> None:
    prompt = find_prompt("video-streaming-cdn")
    layout = find_layout("netflix-l5")
    words = round_vocabulary(prompt, layout, notes=["Kafka topic per region", "Cassandra"])
    terms = words.split(", ")
    assert terms[:4] == ["Cassandra", "Kafka", "topic", "region"]
    assert terms.index("streaming") < terms.index("CDN")
    assert len(terms) == MAX_TERMS and len({t.lower() for t in terms}) == len(terms)


def test_cues_fill_in_when_the_prompt_is_short() -> None:
    words = round_vocabulary(custom_prompt("Design a rate limiter"), find_layout("netflix-l5"))
    terms = words.split(", ")
    assert terms[:2] == ["rate", "limiter"]  # "Design a" are common words
    assert {"latency", "p99", "consistency"} <= set(terms)  # the layout's cues


def test_nothing_known_gives_no_words() -> None:
    assert round_vocabulary(None, None) == ""
