"""Whole-word matching, question detection and filler counting."""

from __future__ import annotations

import pytest

from tui.core.config.coach_settings import default_config
from tui.core.hearing.recognise import recognisers_for
from tui.core.hearing.text import Phrases, count_fillers, sentences, words

CONFIG = default_config()
QUESTIONS = recognisers_for(CONFIG).question


def test_words_and_sentences() -> None:
    assert words("Kafka, Redis-cache & the P99 (we'd)") == ["kafka", "redis", "cache", "the",
                                                             "p99", "we'd"]
    assert sentences("How many users? We assume 10M. ok") == ["How many users?",
                                                               "We assume 10M.", "ok"]


def test_phrases_whole_words_spellings_and_longest_match() -> None:
    terms = Phrases.of(["cache|caches", "message queue|queue", "kafka|cafca"])
    assert terms.find(words("cached caching")) == []
    assert terms.find(words("a message queue and cafca and caches")) == [
        "message queue", "kafka", "cache"]
    assert terms.find_spans(words("cafca")) == [("kafka", "cafca")]
    assert terms.find([]) == [] and terms.match_at(["x"], 1) is None


@pytest.mark.parametrize("text", [
    "how many users", "so what is the p99", "okay and do we need ordering",
    "can i ask which regions matter", "is live in scope", "we assume ten million?",
    "what p99 latency do we need", "before i start how many regions", "oh, how many users",
    "quick one, is live content in scope", "first, about latency, what's the p99 we aim for",
    "for the feed is it chronological or ranked", "i'm curious whether rows update in a session",
])
def test_questions(text: str) -> None:
    assert QUESTIONS.questions(text)


@pytest.mark.parametrize("text", [
    "we assume ten million users", "what we need is a cache", "so", "ok so",
    "which means we shard by user", "the client calls the api", "how we do it is simple",
    "how many servers do we need, about forty at ten thousand qps each",
    "Where do the renditions go? Object storage behind the CDN.",
    "so the upload goes to an ingest service, which drops the file into storage",
    "before i start can i ask a few clarifying questions",
])
def test_not_questions(text: str) -> None:
    assert not QUESTIONS.questions(text)


def test_fillers_skip_ordinary_uses() -> None:
    fillers = Phrases.of(CONFIG.strings("fillers", "words"))
    blocked = CONFIG.table("fillers", "not_after")
    said = words("um i would like a cache like redis, you know, what kind of store uh kind of")
    assert count_fillers(said, fillers, blocked) == ["um", "like", "you know", "uh", "kind of"]
