"""due (being built)."""
