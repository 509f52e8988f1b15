"""What is sent: the composer, its attachments, and the turns it starts (send, forward,
debate round). Imports ``settings``, ``widgets`` and ``utils``."""
