"""A session while it is open: the document that owns it and says what changed, the turns
built and run, the conversation each seat sees, totals and budget, marks and tags, saving
and recovery, lineups and key checks. Imports ``records``, ``transcript``,
``attachments``, ``trust`` and ``utils``; never ``post`` or ``library``."""
