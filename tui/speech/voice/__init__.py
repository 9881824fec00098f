"""The interviewer's voice: offline speech synthesis (hibari-tts's bundled voice), playback on
an output device, and the gate that says when the interviewer is speaking.

Modules: `model` (the voice model, loaded once per process on first use), `synthesis` (text to
samples, sentence by sentence), `outputs` (PortAudio output devices), `gate` (the `Speaking`
gate), `playback` (the `Player` thread), `speaker` (`InterviewerVoice`: synthesis and playback
together), `wavfile` (writing the voice to a WAV file). Importing this package imports none of
them, so it costs nothing until the voice is used.
"""
