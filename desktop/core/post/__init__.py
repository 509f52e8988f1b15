"""The post: its plan, editing, import from another session, export to Markdown, HTML and
files (every refusal a ``PostError``), and the quote names of the commentary editor.
Imports ``session`` and below; never ``library``."""
