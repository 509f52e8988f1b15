"""Where session files come from: the file dialogs' filter and the sample session."""

from pathlib import Path

FILE_FILTER = "Roundtable sessions (*.json);;All files (*)"
SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample-session.json"
