"""Dashboard widgets, one concern per module; they render, the screens decide."""
