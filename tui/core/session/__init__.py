"""Session: events, the append-only log, state as a fold over it, the clock, session directories."""
