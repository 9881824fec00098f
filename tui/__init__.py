"""Boardless: an offline terminal coach for spoken system-design rounds."""

# The single source of the version: pyproject.toml reads it from here (hatch dynamic version).
__version__ = "0.1.0"
