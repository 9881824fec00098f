"""Fuzzing the layout and prompt-bank parsers: only ConfigError/UsageError may ever escape."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.config.layouts import (
    ITEM_KEYS,
    LAYOUT_KEYS,
    PHASE_KEYS,
    find_layout,
    layout_to_dict,
    parse_layout,
)
from tui.core.config.prompts import (
    PROMPT_KEYS,
    find_prompt,
    parse_prompt_bank,
    prompt_from_dict,
    prompt_to_dict,
)
from tui.core.config.tomlio import parse_toml_text
from tui.core.errors import ConfigError, UsageError

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = st.sampled_from(sorted(set(LAYOUT_KEYS + PHASE_KEYS + ITEM_KEYS + PROMPT_KEYS)
                              | {"prompts", "x", "", "Role"}))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["5m", "1h30m", "0s", "90", "requirements", "break", "abc", "7 m", "-3m"]),
    st.dates(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(KEYS, st.integers()), inner, max_size=5)),
    max_leaves=20,
)


def mutate(base: dict, path: list, value: object) -> dict:
    """Set `value` somewhere inside a copy of a valid structure, following `path` loosely."""
    import copy

    data = copy.deepcopy(base)
    node: object = data
    for step in path[:-1]:
        if isinstance(node, dict) and node:
            node = node[sorted(node, key=str)[step % len(node)]]
        elif isinstance(node, list) and node:
            node = node[step % len(node)]
    if isinstance(node, dict):
        keys = sorted(node, key=str)
        key = keys[path[-1] % len(keys)] if keys and path[-1] % 3 else "extra"
        node[key] = value
    elif isinstance(node, list) and node:
        node[path[-1] % len(node)] = value
    return data


def only_usage_errors(func, *args) -> None:
    try:
        func(*args)
    except UsageError as error:  # ConfigError is a UsageError
        assert "\n" not in str(error)


@FUZZ
@given(VALUES)
def test_parse_layout_on_arbitrary_values(data: object) -> None:
    only_usage_errors(parse_layout, data)


@FUZZ
@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=6), VALUES)
def test_parse_layout_on_mutated_valid_layouts(path: list, value: object) -> None:
    base = layout_to_dict(find_layout("netflix-l5"))
    only_usage_errors(parse_layout, mutate(base, path, value))


@FUZZ
@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4), VALUES)
def test_prompt_parsers_on_mutated_prompts(path: list, value: object) -> None:
    base = {"prompts": [prompt_to_dict(find_prompt("social-feed"))]}
    only_usage_errors(parse_prompt_bank, mutate(base, path, value))
    only_usage_errors(prompt_from_dict, mutate(base["prompts"][0], path, value))


@FUZZ
@given(VALUES)
def test_prompt_bank_on_arbitrary_values(data: object) -> None:
    only_usage_errors(parse_prompt_bank, data)
    only_usage_errors(parse_prompt_bank, {"prompts": data})
    only_usage_errors(prompt_from_dict, data)


TOML_BITS = st.sampled_from([
    '[[phases]]\n', '[[phases.checklist]]\n', '[coach]\n', '[[prompts]]\n', 'id = "a"\n',
    'title = "T"\n', 'total = "10m"\n', 'min = "1m"\n', 'max = "2m"\n', 'goal = "g"\n',
    'role = "break"\n', 'cues = ["x", 1]\n', 'description = ""\n', 'text = "t"\n',
    'min = nan\n', 'max = inf\n', 'total = 1979-05-27\n', '= \n', '"\n', 'x = [\n',
    'domain = "d"\n', 'clarifying = ["a", "b", "c"]\n', 'probes = ["p", "q"]\n',
])


@FUZZ
@given(st.one_of(st.text(max_size=200), st.lists(TOML_BITS, max_size=25).map("".join)))
def test_toml_text_through_both_parsers(text: str) -> None:
    try:
        data = parse_toml_text(text, "fuzz.toml")
    except UsageError:
        return
    only_usage_errors(parse_layout, data, "fuzz.toml", text)
    only_usage_errors(parse_prompt_bank, data, "fuzz.toml", text)


def test_non_finite_totals_rejected() -> None:
    # Infinity and NaN (a TOML float, or a duration string too long for a float) must be
    # refused by name: accepted, they would pass every later check (NaN compares false, inf
    # holds any phase minimums) and break the clock's arithmetic.
    too_long = "9" * 400 + "m"  # float("9" * 400) is inf, not an error
    for key, bad in (("total", math.inf), ("total", math.nan), ("total", too_long),
                     ("max", math.inf), ("max", math.nan), ("max", too_long)):
        data = layout_to_dict(find_layout("requirements-drill"))
        target = data if key == "total" else data["phases"][0]
        target[key] = bad
        with pytest.raises(ConfigError, match=f"{key} must be a finite duration"):
            parse_layout(data)
    data = layout_to_dict(find_layout("requirements-drill"))
    data["total"] = 10**400  # too large for a float at all
    with pytest.raises(ConfigError, match="total: not a duration"):
        parse_layout(data)
