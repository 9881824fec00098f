"""Every path boardless reads or writes, in one place. Getters never create directories."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP_NAME = "boardless"


def data_dir() -> Path:
    """Root for sessions: BOARDLESS_DATA_DIR, else the platform user data directory."""
    override = os.environ.get("BOARDLESS_DATA_DIR")
    return Path(override).expanduser() if override else user_data_path(APP_NAME)


def sessions_dir() -> Path:
    """Directory holding one sub-directory per session."""
    return data_dir() / "sessions"


def unsaved_dirs() -> list[Path]:
    """Where a round goes when its own session directory cannot be written, best first: the
    user cache directory's `unsaved/` (BOARDLESS_UNSAVED_DIR overrides it), then the system
    temporary directory (usually another file system)."""
    override = os.environ.get("BOARDLESS_UNSAVED_DIR")
    first = Path(override).expanduser() if override else user_cache_path(APP_NAME) / "unsaved"
    return [first, Path(tempfile.gettempdir()) / f"{APP_NAME}-unsaved"]


def config_dir() -> Path:
    """Root for settings and user layouts: BOARDLESS_CONFIG_DIR, else the user config dir."""
    override = os.environ.get("BOARDLESS_CONFIG_DIR")
    return Path(override).expanduser() if override else user_config_path(APP_NAME)


def settings_file() -> Path:
    """The user's settings TOML."""
    return config_dir() / "settings.toml"


def user_layouts_dir() -> Path:
    """User layouts (`*.toml`), listed beside the shipped ones."""
    return config_dir() / "layouts"


def shipped_layouts_dir() -> Path:
    """Layouts shipped in the wheel, or the source tree's `layouts/` when run from a checkout."""
    package_root = Path(__file__).resolve().parents[2]
    installed = package_root / "_shipped" / "layouts"
    if installed.is_dir():
        return installed
    return package_root.parent / "layouts"


def shipped_data_dir() -> Path:
    """Data files inside the package (prompt bank, coach defaults)."""
    return Path(__file__).resolve().parents[2] / "data"
