"""Boardless: an offline terminal coach for spoken system-design rounds."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("boardless")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+source"
