"""The models, without Qt: the litellm gateway, the provider worker and the window's
client for it, their protocol, keys, routing and the model catalog. Imports ``core``;
never Qt or ``ui``."""
