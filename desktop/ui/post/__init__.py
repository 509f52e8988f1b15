"""The post editor: its blocks, commentary, sections, cards and export. Offers ``view``
and ``add_from_session`` (and ``cards`` to ``roundtable export``); imports ``table``,
``marks``, ``widgets`` and ``utils``."""
