"""Listening back to a recorded round: the recording played on an output device in step with
the replay.

Modules: `errors` (the one-line errors), `stretch` (WSOLA: speed at the voice's own pitch),
`render` (the recording read block by block, at a speed, as the samples a device takes),
`player` (`ListenBack`: the background thread that plays it, with play, pause, resume, seek,
speed and the position heard), `sync` (`ReplayAudio`: keeps a `ListenBack` on the replay's
session time through the recording's time map, `tui.core.session.recording_time`). Importing
this package imports none of them.
"""
