"""Run every benchmark and write docs/benchmarks.md: `python -m bench [--quick] [--out FILE]`.

Runs, each in its own interpreter: `bench.bench_corpus` (the coach's recognisers' precision
and recall on the labelled corpus and the held-out set), `bench.bench_core` (read, fold, report
and export of a two-hour log), `bench.bench_wer` (Whisper's word error rate against
faster-whisper's own decode, with and without biasing, and filler recall on held-back speech),
`bench.bench_engines` (per engine: real-time factor, partial and
final caption delay, peak memory) and `bench.bench_app` (start to first frame against a bare
Textual app, key press to repaint with captions streaming and 2,000 notes, the thread that loads
the model).
The page lists the machine, the date, every figure and its target. `--quick` uses fewer clips,
repeats and key presses (a few minutes less, noisier figures).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run(module: str, *args: str) -> str:
    """Run `python -m module args` from the repository root; its stdout."""
    print(f"running {module} {' '.join(args)}".rstrip(), file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{module} failed ({done.returncode}): "
                         f"{(done.stderr.strip().splitlines() or ['no output'])[-1]}")
    return done.stdout


END_TO_END = r"""
import json, statistics, sys, tempfile, time
from pathlib import Path
from bench.long_round import build_long_session
from tui.core.session.eventlog import read_log
from tui.core.debrief.export import export_session
from tui.core.debrief.report import build_report

def timed(fn):
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return [statistics.median(runs) * 1000, max(runs) * 1000]

with tempfile.TemporaryDirectory() as tmp:
    build_long_session(Path(tmp))
    log = Path(tmp) / "events.jsonl"
    print(json.dumps({
        "export": timed(lambda: export_session(log, Path(tmp) / "out.md")),
        "report": timed(lambda: build_report(read_log(log).events)),
    }))
"""


def end_to_end() -> dict[str, list[float]]:
    """What `boardless export` and `boardless report` do on the two-hour log, start to end
    (read the log, fold, debrief, render, write), median and max of 5, in a fresh process."""
    print("running export and report end to end", file=sys.stderr, flush=True)
    done = subprocess.run([sys.executable, "-c", END_TO_END], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, Python, OS, Textual, and the load when the run started."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        match = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        ram = f"{int(match.group(1)) / 1024 / 1024:.1f} GiB" if match else ram
    except OSError:
        pass
    os_name = platform.platform()
    try:
        pretty = re.search(r'PRETTY_NAME="([^"]+)"', Path("/etc/os-release").read_text())
        if pretty:
            os_name = f"{pretty.group(1)} ({platform.system()} {platform.release()})"
    except OSError:
        pass
    import textual

    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": ram,
            "Python": platform.python_version(), "OS": os_name,
            "Textual": textual.__version__, "load average at start": load()}


def load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value * 1000:.0f} ms"


def corpus_rows(corpus: dict[str, Any], heldout: dict[str, Any],
                bare: dict[str, Any]) -> list[str]:
    """The recognisers' table: precision and recall on the corpus, the held-out set, and the
    held-out set as an engine without punctuation captions it."""
    out = ["", "## Coach recognisers", "",
           "From `bench.bench_corpus`: labelled spoken sentences in `tests/corpus/` (the "
           "patterns were tuned on these) and `tests/corpus/heldout/` (written apart from the "
           "patterns, then used for one round of fixes), and the held-out set lowercase "
           "without punctuation, as pocketsphinx and Vosk caption it (`--bare`). Serious: its "
           "findings can raise or clear a serious flag (target precision 1.0, recall ≥ 0.95).",
           "",
           "| recogniser | serious | corpus +/- | precision | recall | held-out +/- | "
           "precision | recall | unpunctuated precision | recall |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for name, row in corpus.items():
        held, flat = heldout.get(name, {}), bare.get(name, {})
        out.append(f"| {name} | {'yes' if row['serious'] else ''} | {row['positives']}/"
                   f"{row['negatives']} | {row['precision']:.3f} | {row['recall']:.3f} | "
                   f"{held.get('positives', '–')}/{held.get('negatives', '–')} | "
                   f"{held.get('precision', 0):.3f} | {held.get('recall', 0):.3f} | "
                   f"{flat.get('precision', 0):.3f} | {flat.get('recall', 0):.3f} |")
    return out


def page(info: dict[str, str], quick: bool, core_text: str, ends: dict[str, list[float]],
         engines: list[dict[str, Any]], app: dict[str, Any], finished_load: str,
         corpus: list[str] | None = None) -> str:
    ff, keys, thread = app["first_frame"], app["key_repaint"], app["model_thread"]
    out = [
        "# Benchmarks",
        "",
        "Produced by `python -m bench" + (" --quick" if quick else "") + "` on "
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC. Re-run it to reproduce; "
        "figures move with other load on the machine (the load average is given below: on a "
        "2-core machine anything above ~1 means the benchmark shared the CPUs).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in info.items()],
        f"| load average at the end | {finished_load} |",
        "",
        "## Targets",
        "",
        "| figure | measured | target | |",
        "|---|---|---|---|",
        f"| start to first frame, ratio to a bare Textual app | {ff['ratio']}x "
        f"({ff['app_ms']} ms vs {ff['bare_ms']} ms) | ≤ 1.5x | {verdict(ff['ratio'] <= 1.5)} |",
        f"| key press to repaint p95, captions streaming, {keys['notes']:,} notes | "
        f"{keys['p95_ms']} ms (p50 {keys['p50_ms']} ms) | < 50 ms | "
        f"{verdict(keys['p95_ms'] < 50)} |",
        f"| speech model loaded off the UI thread | thread {', '.join(thread['engine_loaded_on'])}"
        f" (UI: {thread['ui_thread']}) | never the UI thread | "
        f"{verdict(thread['off_ui_thread'])} |",
    ]
    for name, label in (("report", "`boardless report` work on the two-hour log (read, fold, "
                                   "debrief)"),
                        ("export", "`boardless export` work on the two-hour log (read, fold, "
                                   "debrief, render, write)")):
        median, worst = ends[name]
        out.append(f"| {label} | {median:.0f} ms median ({worst:.0f} ms max) | < 1 s | "
                   f"{verdict(median < 1000)} |")
    for row in engines:
        if row.get("engine") == "whisper" and row.get("final_p95") is not None:
            out.append(f"| whisper final delay p95, from the end of the last word | "
                       f"{ms(row['final_p95'])} | ≤ 800 ms | {verdict(row['final_p95'] <= 0.8)} |")
        if row.get("engine") == "whisper" and row.get("partial_p95") is not None:
            out.append(f"| whisper partial delay p95 | {ms(row['partial_p95'])} | ≤ 300 ms | "
                       f"{verdict(row['partial_p95'] <= 0.3)} |")
        if row.get("engine") == "pocketsphinx" and row.get("partial_p95") is not None:
            out.append(f"| pocketsphinx partial delay p95 | {ms(row['partial_p95'])} | ≤ 300 ms "
                       f"| {verdict(row['partial_p95'] <= 0.3)} |")
        if "overhead" in row:
            own = row.get("own_overhead")
            share = "" if own is None else f"; the pipeline's own share {own * 100:.1f}%"
            out.append(f"| {row['engine']}: pipeline time over the engine's own | "
                       f"{row['overhead'] * 100:.1f}% (median of paired runs{share}) | ≤ 10% | "
                       f"{verdict(row['overhead'] <= 0.10)} |")
    out += [
        "",
        "## Speech engines",
        "",
        "From `bench.bench_engines` (method in its docstring): delays on a simulated real-time "
        "audio clock, real-time factor fed as fast as possible, peak RSS of a process running only "
        "that engine.",
        "",
        "| engine | audio s | load s | RTF | partial p50 / p95 | final p50 / p95 | peak memory |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in engines:
        if "error" in row:
            out.append(f"| {row['engine']} | failed: {row['error']} | | | | | |")
            continue
        out.append(
            f"| {row['engine']} | {row['audio_s']:.1f} | {row['load_s']:.2f} | {row['rtf']:.3f} | "
            f"{ms(row['partial_p50'])} / {ms(row['partial_p95'])} | "
            f"{ms(row['final_p50'])} / {ms(row['final_p95'])} | {row['peak_rss_mb']:.0f} MB |")
    out += [
        "",
        "## The app",
        "",
        f"- Start to first frame (`bench.bench_app`): the real `boardless practice` start screen "
        f"and a bare Textual app with one Static, started alternately under a real 120x40 "
        f"pseudo-terminal, from spawn to their first screen's text on the terminal, both from "
        f"compiled bytecode as installed apps run (the benchmark compiles boardless's modules "
        f"first; this machine sets PYTHONDONTWRITEBYTECODE); median of "
        f"{ff['repeats']}: boardless {ff['app_ms']} ms (all: {ff['app_all_ms']}), bare "
        f"{ff['bare_ms']} ms (all: {ff['bare_all_ms']}), ratio {ff['ratio']}x.",
        f"- Key press to repaint: the real app resumes a session with {keys['notes']} notes "
        f"while pocketsphinx captions a looped recording at real time "
        f"({keys['caption_events_during']} caption events were logged during the measurement); "
        f"{keys['presses']} keys typed into a note ~80 ms apart, each timed from the write to "
        f"the terminal until the repainted line holding it comes back (a full round trip "
        f"through the terminal driver): p50 {keys['p50_ms']} ms, p95 {keys['p95_ms']} ms, max "
        f"{keys['max_ms']} ms.",
        f"- Model thread: with captions on (pocketsphinx, file source) the engine was built on "
        f"thread(s) {thread['engine_loaded_on']}; the UI thread is {thread['ui_thread']!r}.",
        "",
        *(corpus or []),
        "",
        "## Two-hour log (core)",
        "",
        "From `bench.bench_core`: a back-to-back session of two hours with a final caption every "
        "2 s and 2,000 notes (bench/long_round.py); each step timed on its own (the targets "
        "above time the whole command's work).",
        "",
        "```",
        core_text.strip(),
        "```",
        "",
    ]
    return "\n".join(out)


def wer_section(whole: str, single: str) -> str:
    """The word-error-rate, biasing and filler-recall tables of `bench.bench_wer`: the clips
    whole, and each of their sentences as a recording of its own."""
    return "\n".join([
        "",
        "## Whisper: word error rate, biasing, fillers",
        "",
        "From `bench.bench_wer` (method in its docstring): held-back hibari speech "
        "(bench/speech/clips.toml: read speech, design talk, talk with fillers, some clips with "
        "room noise; dev, held-out and fresh clips). `reference` is faster-whisper tiny.en's own "
        "default decode of the whole file (its default compute type, beam 5); `transcribe` is "
        "what `boardless transcribe` does (a file of several utterances decoded whole and kept "
        "to the speech the voice detector hears, one utterance through the live engine); "
        "`engine` is the live engine the app captions with; `biased` adds the round's "
        "vocabulary as hint words (measured, and left off: it does not help).",
        "",
        "The clips whole (5 or 6 sentences with pauses between them):",
        "",
        "```",
        whole.strip(),
        "```",
        "",
        "Each sentence of the clips said alone, a recording of its own (`--single`):",
        "",
        "```",
        single.strip(),
        "```",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats: faster, noisier")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md",
                        help="where to write the page (default docs/benchmarks.md)")
    args = parser.parse_args(argv)
    quick = ["--quick"] if args.quick else []
    info = machine()
    corpus = corpus_rows(json.loads(run("bench.bench_corpus", "--json")),
                         json.loads(run("bench.bench_corpus", "--json", "--heldout")),
                         json.loads(run("bench.bench_corpus", "--json", "--heldout", "--bare")))
    core_text = run("bench.bench_core")
    ends = end_to_end()
    engines = json.loads(run("bench.bench_engines", "--json", *quick))
    app = json.loads(run("bench.bench_app", "--json", *quick))
    text = page(info, args.quick, core_text, ends, engines, app, load(), corpus)
    text += wer_section(run("bench.bench_wer"), run("bench.bench_wer", "--single"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
