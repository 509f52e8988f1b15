"""The values the app passes around: a session and its parts, the post's blocks, provider
events, document changes, attachment bytes as base64. Pure data; imports only ``utils``."""
