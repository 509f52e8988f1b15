"""Qt-free core: the session model, transcripts, conversations and debate orchestration."""
