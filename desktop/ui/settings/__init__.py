"""Settings dialogs: keys, seats and models, prompt presets, attachment limits, the team
gateway, endpoint approval, the session's budget and tags. Imports ``widgets`` and
``utils``."""
