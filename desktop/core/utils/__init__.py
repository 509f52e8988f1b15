"""Plain helpers every feature of the core shares: atomic writes, time stamps, regular
files only, text safe to show, redaction, word diffs, the About facts. Imports no feature."""
