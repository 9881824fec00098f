"""Test helpers shared across the suite."""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_module(name: str) -> ModuleType:
    """Import `name`, or skip the test; in CI a missing dependency fails instead of skipping."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        if IN_CI:
            pytest.fail(f"CI requires Python module {name!r}: {error}")
        pytest.skip(f"needs Python module {name!r}")


def require_program(name: str) -> str:
    """Return the path of program `name`, or skip; in CI a missing program fails instead."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"CI requires program {name!r} on PATH")
        pytest.skip(f"needs program {name!r}")
    return path
