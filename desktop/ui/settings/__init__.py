"""Settings dialogs: keys, seats and models, prompt presets, attachment limits, the team
gateway, endpoint approval, the session's budget and tags. Offers its dialogs (not the
model picker, which the seats dialog opens); imports ``widgets`` and ``utils``."""
