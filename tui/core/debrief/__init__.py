"""The debrief: the report built from a log and rendered, the rubric, the timeline, Markdown
export, practice history."""
