"""The held-back speech of `bench/speech/clips.toml`, synthesised once and cached.

`load_clips()` reads the clip definitions; `audio(clip)` returns the clip as 16 kHz mono float32
(hibari's "heart" voice, one sentence per call, pauses between sentences, optional room noise),
made on first use and cached under `bench/.cache/speech/` keyed by the clip's definition.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
CLIPS_FILE = HERE / "speech" / "clips.toml"
CACHE = HERE / ".cache" / "speech"
RATE = 16_000
LEAD_S, TAIL_S = 1.0, 1.5
PAUSES_S = (0.6, 0.9, 0.5, 1.2, 0.8, 0.7)  # between sentences, cycled


@dataclass(frozen=True)
class SpeechClip:
    """One benchmark clip: its sentences, voice seed, noise and what it is about."""

    name: str
    set: str
    split: str
    sentences: tuple[str, ...]
    seed: int = 1
    noisy: bool = False
    snr_db: float = 15.0
    prompt: str | None = None
    layout: str | None = None

    @property
    def text(self) -> str:
        """The ground truth: the sentences joined by spaces."""
        return " ".join(self.sentences)

    def key(self) -> str:
        """A short hash of everything that shapes the audio."""
        shape = [self.sentences, self.seed, self.noisy, self.snr_db, PAUSES_S, LEAD_S, TAIL_S]
        return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:12]


def load_clips(path: Path = CLIPS_FILE) -> list[SpeechClip]:
    """Every clip in the definitions file, in file order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    clips = []
    for raw in data["clip"]:
        raw = dict(raw)
        raw["sentences"] = tuple(raw["sentences"])
        clips.append(SpeechClip(**raw))
    return clips


def room_noise(samples: int, seed: int) -> np.ndarray:
    """Quiet room noise: brown noise (air, traffic) plus a fan's hum with its harmonics."""
    rng = np.random.default_rng(seed)
    brown = np.cumsum(rng.normal(size=samples))
    brown -= np.convolve(brown, np.ones(1601) / 1601, mode="same")  # no slow drift
    brown /= np.max(np.abs(brown)) or 1.0
    t = np.arange(samples) / RATE
    hum = sum(np.sin(2 * np.pi * f * t + k) / (k + 1) for k, f in enumerate((120, 240, 360)))
    noise = brown + 0.3 * hum / 1.8
    return (noise / np.sqrt(np.mean(noise**2))).astype(np.float32)


def synthesise(clip: SpeechClip) -> np.ndarray:
    """Speak the clip with hibari and return 16 kHz float32 audio (no cache)."""
    from hibari import SAMPLE_RATE, Hibari

    voice = Hibari("heart", threads=1)
    pieces = [np.zeros(int(LEAD_S * RATE), np.float32)]
    speech_mask = [np.zeros(len(pieces[0]), bool)]
    for index, sentence in enumerate(clip.sentences):
        spoken = soxr.resample(voice(sentence, seed=clip.seed + index), SAMPLE_RATE, RATE)
        spoken = spoken.astype(np.float32)
        pieces.append(spoken)
        speech_mask.append(np.ones(len(spoken), bool))
        pause = TAIL_S if index == len(clip.sentences) - 1 else PAUSES_S[index % len(PAUSES_S)]
        pieces.append(np.zeros(int(pause * RATE), np.float32))
        speech_mask.append(np.zeros(int(pause * RATE), bool))
    audio = np.concatenate(pieces)
    audio *= 0.7 / (np.max(np.abs(audio)) or 1.0)
    if clip.noisy:
        mask = np.concatenate(speech_mask)
        speech_power = float(np.mean(audio[mask] ** 2))
        noise = room_noise(len(audio), clip.seed)
        audio = audio + noise * np.sqrt(speech_power / 10 ** (clip.snr_db / 10))
        audio *= 0.9 / max(0.9, float(np.max(np.abs(audio))))
    return audio.astype(np.float32)


def audio_path(clip: SpeechClip) -> Path:
    """The cached 16 kHz 16-bit WAV of the clip, synthesised on first use."""
    path = CACHE / f"{clip.name}-{clip.key()}.wav"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.wav")
        sf.write(tmp, synthesise(clip), RATE, subtype="PCM_16")
        tmp.replace(path)
    return path


def audio(clip: SpeechClip) -> np.ndarray:
    """The clip as float32 samples at 16 kHz."""
    data, rate = sf.read(audio_path(clip), dtype="float32")
    assert rate == RATE
    return data
