"""The command line as a person runs it: every command, its output and its exit code."""
