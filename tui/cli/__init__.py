"""The `boardless` command line: parse, build, run, exit code."""
