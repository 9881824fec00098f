"""Text for people: escaping, Markdown, durations and wall-clock times."""
