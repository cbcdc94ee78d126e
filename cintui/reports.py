"""reports (being built)."""
