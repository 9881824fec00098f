"""The prompt bank: shipped content, validation, lookups and snapshot round trips."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tui.core.config.prompts import (
    Prompt,
    bank_file,
    custom_prompt,
    find_prompt,
    load_prompt_bank,
    parse_prompt_bank,
    prompt_from_dict,
    prompt_to_dict,
    random_prompt,
)
from tui.core.config.tomlio import parse_toml_text
from tui.core.errors import ConfigError, UsageError

DOMAIN_HINTS = [
    "personalised-rows", "video-streaming-cdn", "video-encoding-pipeline", "playback-analytics",
    "adhoc-query-platform", "ad-serving-caps-pacing", "ad-measurement-attribution",
    "chaos-platform", "service-mesh", "canary-pipeline", "event-logging-client-build",
    "event-logging-client-docs", "social-feed", "search-autocomplete", "notification-fanout",
    "ab-testing-platform",
]

ONE = """\
[[prompts]]
id = "one"
title = "One"
domain = "tests"
text = "Design one thing."
clarifying = ["a?", "b?", "c?"]
probes = ["p?", "q?"]

[[prompts.curveballs]]
id = "bigger"
text = "What if it must serve ten times the users?"
about = ["ten times", "scale out", "shard"]

[[prompts.curveballs]]
id = "region"
text = "What if a second region must serve reads?"
about = ["second region", "replica", "failover"]
"""


def test_shipped_bank_is_large_and_complete() -> None:
    bank = load_prompt_bank()
    assert bank_file().is_file()
    assert len(bank) >= 16
    ids = [p.id for p in bank]
    assert len(set(ids)) == len(ids)
    for wanted in DOMAIN_HINTS:
        assert wanted in ids
    for prompt in bank:
        assert 5 <= len(prompt.clarifying) <= 8, prompt.id
        assert 2 <= len(prompt.probes) <= 4, prompt.id
        assert prompt.text.strip() and prompt.title.strip() and prompt.domain.strip()
        assert all(q.strip().endswith(("?", ".")) for q in prompt.clarifying + prompt.probes)


def test_find_and_random() -> None:
    assert find_prompt("social-feed").domain == "social"
    with pytest.raises(UsageError) as info:
        find_prompt("nope")
    assert "nope" in str(info.value) and "social-feed" in str(info.value)
    first = random_prompt(random.Random(7))
    assert random_prompt(random.Random(7)) == first
    assert isinstance(first, Prompt)


def test_custom_prompt() -> None:
    prompt = custom_prompt("  Design   a URL shortener \n for a billion links ")
    assert prompt.id == "custom" and prompt.domain == "custom"
    assert prompt.text == "Design a URL shortener for a billion links"
    assert prompt.clarifying == () and prompt.probes == ()
    assert len(custom_prompt("x" * 200).title) <= 60
    with pytest.raises(UsageError):
        custom_prompt("   ")
    assert prompt_from_dict(json.loads(json.dumps(prompt_to_dict(prompt)))) == prompt


def test_round_trip_every_prompt() -> None:
    for prompt in load_prompt_bank():
        assert prompt_from_dict(json.loads(json.dumps(prompt_to_dict(prompt)))) == prompt


def test_prompt_from_dict_checks_types() -> None:
    data = prompt_to_dict(find_prompt("social-feed"))
    data["probes"] = "not a list"
    with pytest.raises(ConfigError, match="<log>: prompt 'social-feed': probes must be a list"):
        prompt_from_dict(data)


BROKEN_BANKS = [
    ("unknown-key", ONE.replace('title = "One"', 'title = "One"\nlevel = 3'),
     "unknown key 'level'", 4),
    ("missing-text", ONE.replace('text = "Design one thing."\n', ""),
     "missing required key 'text'", 1),
    ("few-clarifying", ONE.replace('["a?", "b?", "c?"]', '["a?"]'), "only 1 clarifying", 6),
    ("too-many-probes", ONE.replace('["p?", "q?"]', '["1", "2", "3", "4", "5"]'), "5 probes", 7),
    ("one-probe", ONE.replace('["p?", "q?"]', '["1"]'), "give between 2 and 4", 7),
    ("duplicate-id", ONE + "\n" + ONE, "prompt id 'one' is used twice", 20),
    ("bad-domain", ONE.replace('"tests"', '"Big Tests"'), "not a valid id", 4),
    ("text-number", ONE.replace('"Design one thing."', "12"), "text must be a string", 5),
    ("top-key", "version = 1\n" + ONE, "unknown key 'version'", 1),
    ("empty", "prompts = []\n", "prompts is empty", 1),
    ("syntax", ONE.replace('id = "one"', 'id = "one'), "invalid TOML", 2),
    ("repeated-question", ONE.replace('"c?"]', '"a?"]'), "clarifying repeats", 6),
    ("one-curveball", ONE.split("[[prompts.curveballs]]\nid = \"region\"")[0],
     "1 curveballs; write at least 2", 1),
    ("curveball-is-a-probe", ONE.replace('"What if a second region must serve reads?"', '"q?"'),
     "curveball 'region' repeats a probe", 14),
    ("curveball-few-words", ONE.replace('["second region", "replica", "failover"]', '["x"]'),
     "curveball 2: about has 1 entries; give at least 3", 14),
    ("curveball-same-id", ONE.replace('id = "region"', 'id = "bigger"'),
     "curveball 2: id 'bigger' is used twice", 14),
    ("curveball-unknown-key", ONE.replace('id = "region"', 'id = "region"\nwhen = 3'),
     "curveball 2: unknown key 'when'", 14),
]


@pytest.mark.parametrize("case", BROKEN_BANKS, ids=[c[0] for c in BROKEN_BANKS])
def test_broken_bank(tmp_path: Path, case: tuple) -> None:
    name, text, fragment, line = case
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_prompt_bank(path)
    assert fragment in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert "\n" not in str(info.value)


def test_every_shipped_prompt_has_curveballs_apart_from_its_probes() -> None:
    for prompt in load_prompt_bank():
        assert len(prompt.curveballs) >= 2, prompt.id
        texts = [c.text for c in prompt.curveballs]
        assert len(set(texts)) == len(texts) and not set(texts) & set(prompt.probes), prompt.id
        for curveball in prompt.curveballs:
            assert curveball.text.rstrip().endswith("?"), (prompt.id, curveball.id)
            assert len(curveball.about) >= 3 and all(w == w.lower() for w in curveball.about)


def test_curveballs_survive_the_log_snapshot() -> None:
    bank = parse_prompt_bank(parse_toml_text(ONE, "one.toml"))
    data = json.loads(json.dumps(prompt_to_dict(bank[0])))
    assert [c["id"] for c in data["curveballs"]] == ["bigger", "region"]
    assert prompt_from_dict(data) == bank[0]
    assert bank[0].curveballs[1].about == ("second region", "replica", "failover")
    assert "curveballs" not in prompt_to_dict(custom_prompt("Design a queue"))


def test_parse_bank_from_data() -> None:
    bank = parse_prompt_bank({"prompts": [prompt_to_dict(find_prompt("service-mesh"))]})
    assert [p.id for p in bank] == ["service-mesh"]
