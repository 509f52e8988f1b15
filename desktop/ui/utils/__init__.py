"""The plumbing every window feature shares: its context, the app settings, background
tasks, the dialog helpers, text safe to show. Imports no feature."""
