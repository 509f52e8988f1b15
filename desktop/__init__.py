"""Roundtable: side-by-side model debates."""
