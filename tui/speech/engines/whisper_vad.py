"""Silero VAD (the ONNX model shipped with faster-whisper) run chunk by chunk over a live stream,
its recurrent state carried from one call to the next."""

from __future__ import annotations

import os

import numpy as np

VAD_CHUNK = 512  # samples per Silero VAD step (32 ms at 16 kHz)
VAD_CONTEXT = 64
SPEECH_ON, SPEECH_OFF = 0.5, 0.35  # Silero thresholds: start of speech, end of speech
PAD_S = 0.2  # audio kept before and after the detected speech when an utterance is cut


class StreamingVad:
    """Speech probability of each 32 ms chunk of a stream."""

    def __init__(self) -> None:
        import onnxruntime
        from faster_whisper.utils import get_assets_path

        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        path = os.path.join(get_assets_path(), "silero_vad_v6.onnx")
        self._session = onnxruntime.InferenceSession(
            path, providers=["CPUExecutionProvider"], sess_options=options
        )
        self.reset()

    def reset(self) -> None:
        """Forget the recurrent state (start of a new stream)."""
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(VAD_CONTEXT, dtype=np.float32)

    def __call__(self, chunk: np.ndarray) -> float:
        """Speech probability of one 512-sample float32 chunk."""
        batch = np.concatenate([self._context, chunk])[None, :]
        out, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = chunk[-VAD_CONTEXT:]
        return float(np.asarray(out).reshape(-1)[0])
