"""Small widgets with no feature of their own (an elided label, a sideways-scrolling row).
Imports only ``utils``."""
