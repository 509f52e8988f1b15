"""The window, by feature: ``shell`` assembles ``library``, ``post``, ``composer``,
``marks``, ``settings`` and ``table`` over ``widgets`` and ``utils``. Never imports
litellm or the CLI (see docs/architecture.md)."""
