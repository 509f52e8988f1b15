"""Roundtable: side-by-side model debates."""

__version__ = "0.1.0"
