"""The caseload: every child in view with what is due (use cases for the caseload screen)."""
