"""Pure-Python core: layouts, clock, phases, outline, events, session, coach, report, export.

Nothing here may import textual, sounddevice, vosk, pocketsphinx or faster_whisper.
"""
