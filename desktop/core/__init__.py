"""The session without Qt: the open session's document and its turns (``session``),
transcript files, attachments, the post, the library, trust, the values passed around
(``records``) and plain helpers (``utils``). Never imports Qt, ``providers`` or ``ui``;
its packages are layered (see docs/architecture.md)."""
