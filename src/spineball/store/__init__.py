"""SQLite recording and reading of sessions (WAL, crash-safe, versioned schema)."""
