"""Audio sources: where PCM comes from (a microphone, a file) before the caption pipeline.

A source hands `AudioBlock`s at its native rate and channel count to a bounded queue; the
pipeline resamples them to 16 kHz mono. A live source never blocks its producer: it uses
`put_nowait` and counts what it had to drop. A source that can wait (a file read as fast as
possible) sets `realtime = False` and blocks on `put(timeout=...)` instead (back-pressure); the
pipeline never drops audio from such a source.

- `audio_source`: the `AudioSource` protocol, its queue and the level of a block.
- `file_source.FileSource`: a WAV or FLAC file, paced or flat out.
- `microphone.MicrophoneSource`: a PortAudio input that reconnects when the device goes away;
  `devices` lists and chooses inputs, `device_state.DeviceState` is what it reports.
- `factory.make_source`: `--audio-file FILE` or `--device DEV` to a source.

Nothing is imported here, so naming a light module (`device_state`) stays light.
"""
