"""The debrief: the report built from a log, the rubric, the timeline, Markdown export, practice history."""
