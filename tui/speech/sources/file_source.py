"""A WAV or FLAC file played into the caption pipeline at real time, N times faster, or flat out."""

from __future__ import annotations

import math
import queue
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

from tui.speech.errors import AudioFileError
from tui.speech.sources.audio_source import AudioQueue, rms
from tui.speech.types import ENGINE_RATE, AudioBlock

#: Subtypes read as int16 (libsndfile converts 8-bit to 16-bit); anything else as float32.
_INT16_SUBTYPES = {"PCM_16", "PCM_U8", "PCM_S8"}
_PUT_TIMEOUT = 0.1


@dataclass(frozen=True)
class AudioFileInfo:
    """What `probe` learned about a readable audio file."""

    path: Path
    rate: int
    channels: int
    frames: int
    subtype: str
    format: str

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.frames / self.rate

    @property
    def notice(self) -> str | None:
        """One line about conversions or quality, or None for 16 kHz mono 16-bit audio."""
        notes = []
        if self.rate != ENGINE_RATE or self.channels != 1:
            layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels}-channel")
            notes.append(f"{self.rate} Hz {layout}, converted to 16 kHz mono")
        if self.subtype in ("PCM_U8", "PCM_S8"):
            notes.append("8-bit audio, recognition may be poorer")
        return f"{self.path.name}: {'; '.join(notes)}" if notes else None


def probe(path: Path) -> AudioFileInfo:
    """Check that `path` is a complete, non-empty WAV or FLAC file; AudioFileError otherwise."""
    if not path.exists():
        raise AudioFileError(f"audio file not found: {path}")
    if path.is_dir():
        raise AudioFileError(f"not an audio file but a directory: {path}")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise AudioFileError(f"cannot read audio file {path}: {error.strerror}") from error
    if size == 0:
        raise AudioFileError(f"audio file is empty (0 bytes): {path}")
    try:
        info = sf.info(str(path))
    except sf.LibsndfileError as error:
        raise AudioFileError(f"not a readable WAV or FLAC file: {path} ({_why(error)})") from error
    except OSError as error:
        raise AudioFileError(f"cannot read audio file {path}: {error}") from error
    if info.format not in ("WAV", "WAVEX", "FLAC", "RF64"):
        raise AudioFileError(f"unsupported audio format {info.format} (use WAV or FLAC): {path}")
    if info.frames <= 0:
        raise AudioFileError(f"audio file has no samples: {path}")
    if info.samplerate < 8000:
        raise AudioFileError(f"sample rate {info.samplerate} Hz is too low for speech: {path}")
    result = AudioFileInfo(path, info.samplerate, info.channels, info.frames, info.subtype,
                           info.format)
    _check_complete(result)
    return result


def _why(error: sf.LibsndfileError) -> str:
    message = str(getattr(error, "error_string", "") or error).strip().rstrip(".")
    return message.split(":")[-1].strip().lower() or "unknown format"


def _check_complete(info: AudioFileInfo) -> None:
    """Reject files cut short: libsndfile silently reads a truncated WAV as a shorter one."""
    if info.format in ("WAV", "WAVEX"):
        shortfall = _wav_shortfall(info.path)
        if shortfall > 0:
            raise AudioFileError(
                f"audio file is truncated ({shortfall} bytes missing from its data): {info.path}"
            )
        return
    try:
        with sf.SoundFile(str(info.path)) as handle:
            handle.seek(info.frames - 1)
            if len(handle.read(1)) != 1:
                raise AudioFileError(f"audio file is truncated: {info.path}")
    except sf.LibsndfileError as error:
        raise AudioFileError(f"audio file is truncated or damaged: {info.path}") from error


def _wav_shortfall(path: Path) -> int:
    """Bytes the WAV 'data' chunk declares beyond the end of the file (0 when complete)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(12)
        if len(header) < 12 or header[:4] not in (b"RIFF", b"RF64") or header[8:12] != b"WAVE":
            return 0
        offset = 12
        while offset + 8 <= size:
            handle.seek(offset)
            chunk_id, chunk_size = struct.unpack("<4sI", handle.read(8))
            if chunk_id == b"data":
                if chunk_size in (0, 0xFFFFFFFF):  # streamed WAV or RF64: size unknown here
                    return 0
                return max(0, offset + 8 + chunk_size - size)
            offset += 8 + chunk_size + (chunk_size & 1)
    return 0


class FileSource:
    """Plays a WAV/FLAC file into a queue as `AudioBlock`s at its native rate and channels.

    `speed` 1.0 paces blocks at real time (like a microphone), 4.0 four times faster, and 0 (or
    infinity) as fast as the consumer takes them: then `put` blocks with a timeout instead of
    dropping (back-pressure) and `realtime` is False. Checks the file when constructed, so a bad
    file raises `AudioFileError` (one line) before anything starts.

    `clock` stamps block arrivals and paces them; `sleep` waits until a block is due (default:
    a wait that `stop()` cuts short). Both are injectable for tests.
    """

    def __init__(
        self,
        path: Path | str,
        speed: float = 1.0,
        block_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        if not speed >= 0:
            raise ValueError("speed must be >= 0 (0 means as fast as possible)")
        self.path = Path(path)
        self.info = probe(self.path)
        self.name = self.path.name
        self.speed = speed
        self.realtime = 0 < speed < math.inf
        self.block_frames = max(1, round(block_s * self.info.rate))
        self.finished = threading.Event()
        """Set once the last block and the end-of-stream marker were delivered."""
        self.error: str | None = None
        """A read error that ended the stream early, if any."""
        self._stop = threading.Event()
        self._clock = clock
        self._sleep = sleep or self._stop.wait
        self._thread: threading.Thread | None = None
        self._level = 0.0
        self._dropped = 0

    @property
    def notice(self) -> str | None:
        """One line about conversions or quality (8-bit, other rates, stereo), if any."""
        return self.info.notice

    @property
    def duration(self) -> float:
        """Length of the file in seconds."""
        return self.info.duration

    @property
    def level(self) -> float:
        """RMS of the latest ~100 ms delivered."""
        return self._level

    @property
    def dropped(self) -> int:
        """Blocks dropped because the queue was full (only when paced at real time)."""
        return self._dropped

    @property
    def overflows(self) -> int:
        """Files never overflow."""
        return 0

    def start(self, out: AudioQueue) -> None:
        """Start the reader thread."""
        if self._thread is not None:
            raise RuntimeError("FileSource already started")
        self._thread = threading.Thread(
            target=self._run, args=(out,), name=f"boardless-file-{self.name}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop reading; returns once the reader thread has finished."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self, out: AudioQueue) -> None:
        dtype = "int16" if self.info.subtype in _INT16_SUBTYPES else "float32"
        window = max(1, self.info.rate // 10)
        start = self._clock()
        position = 0
        try:
            with sf.SoundFile(str(self.path)) as handle:
                for data in handle.blocks(self.block_frames, dtype=dtype, always_2d=True):
                    if self._stop.is_set():
                        return
                    position += len(data)
                    if self.realtime:
                        due = start + position / self.info.rate / self.speed
                        self._sleep(max(0.0, due - self._clock()))
                        if self._stop.is_set():
                            return
                    self._level = rms(data[-window:])
                    block = AudioBlock(data, self.info.rate, self._clock(), self.info.channels)
                    if self.realtime:
                        try:
                            out.put_nowait(block)
                        except queue.Full:
                            self._dropped += 1
                    elif not self._put(out, block):
                        return
        except (sf.LibsndfileError, RuntimeError) as error:
            self.error = f"reading {self.name} failed: {error}"
        finally:
            self._level = 0.0
        if self._put(out, None):
            self.finished.set()

    def _put(self, out: AudioQueue, item: AudioBlock | None) -> bool:
        """Blocking put that gives up when stopped; True when delivered."""
        while not self._stop.is_set():
            try:
                out.put(item, timeout=_PUT_TIMEOUT)
                return True
            except queue.Full:
                continue
        return False
