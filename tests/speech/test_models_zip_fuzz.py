"""Hostile ZIP archives: whatever the member names and links, nothing lands outside the target
and every failure is a one-line ModelError (hypothesis)."""

from __future__ import annotations

import io
import os
import stat
import tempfile
import warnings
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.speech.errors import ModelError
from tui.speech.unpack import safe_extract

SEGMENTS = st.sampled_from(["a", "b", "am", "..", ".", "", "final.mdl", "C:", "\\..", "x\\..\\.."])
NAMES = st.builds(
    lambda prefix, parts: prefix + "/".join(parts),
    st.sampled_from(["", "/", "\\", "./", "../"]),
    st.lists(SEGMENTS, min_size=1, max_size=4),
) | st.text(min_size=1, max_size=30)
MEMBERS = st.lists(
    st.tuples(NAMES, st.booleans(), st.one_of(st.none(), NAMES)), min_size=1, max_size=6
)


def build(members: list[tuple[str, bool, str | None]]) -> bytes:
    """A ZIP with files, directories (`is_dir`) and symbolic links (a link target)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as bundle:
        warnings.simplefilter("ignore")  # duplicate names are part of the attack
        for name, is_dir, link in members:
            info = zipfile.ZipInfo(name + ("/" if is_dir and not name.endswith("/") else ""))
            if link is not None and not is_dir:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                bundle.writestr(info, link)
            else:
                bundle.writestr(info, b"" if is_dir else b"data")
    return buffer.getvalue()


def inside(path: Path, root: Path) -> bool:
    """True when `path` (followed through links, loops allowed) stays under `root`."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MEMBERS)
@example([("", False, None)])  # a member without a name (found by this test)
def test_extraction_never_escapes(members: list[tuple[str, bool, str | None]]) -> None:
    with tempfile.TemporaryDirectory() as sandbox:
        box = Path(sandbox)
        root = box / "1" / "2" / "3" / "4" / "5" / "6" / "root"  # deeper than any "../" chain
        root.mkdir(parents=True)
        try:
            with zipfile.ZipFile(io.BytesIO(build(members))) as bundle:
                safe_extract(bundle, root)
        except ModelError as error:
            assert "\n" not in str(error)
        outside = [
            p for p in box.rglob("*") if not p.is_relative_to(root) and p not in root.parents
        ]
        assert outside == []
        for path in root.rglob("*"):
            assert inside(path, root), path
