import os

# The interviewer's voice stays off in every test (and every boardless a test starts)
# unless the test turns it on itself: tests stay silent and deterministic.
os.environ.setdefault("BOARDLESS_VOICE", "off")
