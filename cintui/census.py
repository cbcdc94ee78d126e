"""census (being built)."""
