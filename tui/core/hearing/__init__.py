"""Hearing: words and sentences of what was said, word patterns, and the recognisers that find
design talk in them."""
