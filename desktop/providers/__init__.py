"""Qt-free provider access: the litellm gateway, the provider worker and its client, keys."""
