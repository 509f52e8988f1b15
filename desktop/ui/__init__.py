"""Qt widgets only: the main window, panes, composer and rendering. Never imports litellm."""
