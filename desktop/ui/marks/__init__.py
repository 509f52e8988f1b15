"""The author's marks on answers: adding, editing and listing annotations. Imports
``table``, ``widgets`` and ``utils``."""
