"""team (being built)."""
