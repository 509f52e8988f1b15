"""Sessions beyond the open one: the start page, the app's one library and its window,
review mode, comparing two replies, and recovery after a crash. Offers ``actions``,
``shared``, ``review_actions``, ``start_page`` and ``recovery``; imports ``table``,
``composer``, ``widgets`` and ``utils``."""
