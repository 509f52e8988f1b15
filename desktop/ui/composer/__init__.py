"""What is sent: the composer, its attachments, and the turns it starts (send, forward,
debate round). Offers ``composer``, ``attachment_actions`` and ``turn_actions``;
imports ``settings``, ``widgets`` and ``utils``."""
