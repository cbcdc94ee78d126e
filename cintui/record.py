"""The child's record: summary, people, consent, chronology (use cases for the child screen)."""
