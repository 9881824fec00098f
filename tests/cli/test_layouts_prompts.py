"""`boardless layouts ...` and `boardless prompts ...` end to end, plus a non-editable wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tui.cli.main import main

REPO = Path(__file__).resolve().parents[2]
SHIPPED_IDS = {"netflix-l5", "junior-60", "generic-45", "requirements-drill", "back-to-back"}


@pytest.fixture(autouse=True)
def isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config"
    monkeypatch.setenv("BOARDLESS_CONFIG_DIR", str(path))
    monkeypatch.setenv("BOARDLESS_DATA_DIR", str(tmp_path / "data"))
    return path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)


def test_layouts_list_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layouts", "list"]) == 0
    out = capsys.readouterr().out
    for layout_id in SHIPPED_IDS:
        assert layout_id in out
    assert main(["layouts", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) >= SHIPPED_IDS
    assert by_id["netflix-l5"]["total_s"] == 3600
    assert by_id["netflix-l5"]["phases"][0] == "requirements"
    assert by_id["netflix-l5"]["origin"] == "shipped"


def test_layouts_list_warns_about_broken_user_layout(isolated_config: Path, tmp_path: Path) -> None:
    user = isolated_config / "layouts"
    user.mkdir(parents=True)
    (user / "bad.toml").write_text('id = "bad"\n', encoding="utf-8")
    (user / "mine.toml").write_text(
        (REPO / "layouts" / "requirements-drill.toml").read_text().replace(
            'id = "requirements-drill"', 'id = "my-drill"'),
        encoding="utf-8",
    )
    result = run("layouts", "list", "--json", cwd=tmp_path)
    assert result.returncode == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["my-drill"]["origin"] == "user"
    assert result.stderr.count("\n") == 1
    assert "warning" in result.stderr and "bad.toml" in result.stderr
    assert "missing required key 'title'" in result.stderr
    # --config-dir on the command line works the same as the environment variable
    env = {k: v for k, v in os.environ.items() if k != "BOARDLESS_CONFIG_DIR"}
    result = subprocess.run(
        [sys.executable, "-m", "tui", "layouts", "show", "my-drill", "--config-dir",
         str(isolated_config)], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "(my-drill)" in result.stdout


def test_layouts_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layouts", "show", "netflix-l5"]) == 0
    out = capsys.readouterr().out
    assert "5m-7m" in out and "15m-20m" in out and "goal:" in out and "[ ]" in out
    assert main(["layouts", "show", str(REPO / "layouts" / "generic-45.toml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "generic-45" and data["total"] == 2700
    assert data["phases"][0]["checklist"]


def test_layouts_show_unknown_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run("layouts", "show", "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown layout 'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_layouts_check_ok_and_missing(tmp_path: Path) -> None:
    files = sorted(str(p) for p in (REPO / "layouts").glob("*.toml"))
    result = run("layouts", "check", *files, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok: ") == len(files)
    assert "(netflix-l5, 5 phases, 60m)" in result.stdout
    result = run("layouts", "check", str(tmp_path / "missing.toml"), cwd=tmp_path)
    assert result.returncode == 2 and "no such file" in result.stderr
    assert result.stderr.count("\n") == 1
    result = run("layouts", "check", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1


def test_prompts_list_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompts", "list"]) == 0
    assert "social-feed" in capsys.readouterr().out
    assert main(["prompts", "list", "--domain", "ads", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {row["domain"] for row in rows} == {"ads"}
    assert main(["prompts", "show", "service-mesh"]) == 0
    out = capsys.readouterr().out
    assert "Clarifying questions:" in out and "Follow-up probes:" in out
    assert main(["prompts", "show", "service-mesh", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "service-mesh"
    assert main(["prompts", "show", "nope"]) == 2
    assert main(["prompts", "list", "--domain", "cooking"]) == 2
    assert "domains: " in capsys.readouterr().err


@pytest.mark.parametrize("args", [["layouts"], ["layouts", "list"], ["layouts", "show"],
                                  ["layouts", "check"], ["prompts"], ["prompts", "list"],
                                  ["prompts", "show"]])
def test_every_subcommand_has_help(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([*args, "--help"])
    assert info.value.code == 0
    assert "usage: boardless" in capsys.readouterr().out


def test_non_editable_wheel_finds_layouts_and_prompts(tmp_path: Path) -> None:
    """Build a wheel, install it (no editable path) in a fresh venv, run it from elsewhere."""
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", str(wheels), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("boardless-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    # Dependencies come from the test venv's site-packages, added as a plain path entry: its
    # .pth files (including the editable install of this checkout) are not processed.
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()
    Path(site, "deps-from-test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BOARDLESS_CONFIG_DIR")}
    env["BOARDLESS_CONFIG_DIR"] = str(tmp_path / "empty-config")
    where = subprocess.run([str(python), "-c", "import tui; print(tui.__file__)"],
                           capture_output=True, text=True, cwd=elsewhere, env=env, check=True)
    assert where.stdout.strip().startswith(str(venv)), where.stdout
    boardless = venv / "bin" / "boardless"
    layouts = subprocess.run([str(boardless), "layouts", "list", "--json"], capture_output=True,
                             text=True, cwd=elsewhere, env=env, timeout=60)
    assert layouts.returncode == 0, layouts.stderr
    rows = json.loads(layouts.stdout)
    assert {row["id"] for row in rows} >= SHIPPED_IDS
    assert all(row["source"].startswith(str(venv)) for row in rows)
    assert layouts.stderr == ""
    prompts = subprocess.run([str(boardless), "prompts", "list", "--json"], capture_output=True,
                             text=True, cwd=elsewhere, env=env, timeout=60)
    assert prompts.returncode == 0, prompts.stderr
    assert len(json.loads(prompts.stdout)) >= 16
