"""Sessions beyond the open one: the start page, the library window, review mode,
comparing two sessions, and recovery after a crash. Imports ``table``, ``composer``,
``widgets`` and ``utils``."""
