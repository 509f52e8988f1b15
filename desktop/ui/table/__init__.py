"""The table: one pane per seat with its answers rendered as they stream (their thinking
and sources too), the marks drawn over them, reply actions, what a reply was sent, and
the strip that lays the panes side by side. Offers ``pane``, ``pane_strip``,
``reply_actions``, ``marks`` and ``sent_dialog`` (the rest is its own);
imports ``widgets`` and ``utils`` only."""
