"""The live Textual dashboard."""
