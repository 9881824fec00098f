"""The round: phases against their windows, the outline of notes, note markers, the round's
vocabulary."""
