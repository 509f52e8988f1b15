"""The table: one pane per seat with its answers rendered as they stream, the marks drawn
over them, reply actions, and the strip that lays the panes side by side. Offers
``pane``, ``pane_strip``, ``reply_actions`` and ``marks`` (the rest is its own);
imports ``widgets`` and ``utils`` only."""
