"""The table: one pane per seat with its answers rendered as they stream, the marks drawn
over them, reply actions, and the strip that lays the panes side by side. Imports
``widgets`` and ``utils`` only."""
