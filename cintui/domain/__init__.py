"""Pure rules: calendar, policy profiles, timescales, plans and their checks, visits,
meetings, consent, endings, transfer, census rules, reports.

No Textual, no SQL, no I/O, no clock reads (today is passed in). Imports nothing of the
project outside `cintui.domain`.
"""
