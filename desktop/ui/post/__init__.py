"""The post editor: its blocks, commentary, sections, cards and export. Imports
``table``, ``marks``, ``widgets`` and ``utils``."""
