"""The library: every saved session in the library folder, its full-text index and the
thread that keeps it current. Imports ``session`` and below; never ``post``."""
