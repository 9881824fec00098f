"""Speech engines behind the `tui.speech.types.Engine` interface.

- `vosk_engine.VoskEngine(model_path)`: Kaldi streaming partials and finals with word times.
- `whisper_engine.WhisperEngine(model, threads=2)`: faster-whisper on utterances cut by a VAD.
- `sphinx_engine.PocketSphinxEngine()`: the English model embedded in the pocketsphinx wheel.

Each module has `available() -> str | None` (None when its library imports, else a one-line
reason saying what to install). Engine libraries are imported only inside these modules, and
only when an engine is built, so `import tui.speech` stays light. Every engine counts the samples
it was fed: times in its `Recognition`s are audio seconds from the start of its stream
(`results.SampleClock`), and builds them with `results.make_result`.
"""

from __future__ import annotations

ENGINE_NAMES = ("vosk", "whisper", "pocketsphinx")
