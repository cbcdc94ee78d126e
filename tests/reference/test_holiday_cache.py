"""The bank-holiday cache gives exactly the `holidays` package's answer (DOMAIN.md §6)."""

from __future__ import annotations

import json
from datetime import date

from cintui.domain import calendar
from cintui.reference import config, holiday_cache


def test_cache_matches_the_package_and_is_reused(monkeypatch):
    expected = calendar.package_holidays(2025, 2028)
    assert holiday_cache.cached_holidays(2025, 2028) == expected
    path = config.config_dir() / holiday_cache.CACHE_FILE
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setattr(holiday_cache, "package_holidays", lambda *a: 1 / 0)  # must not be asked
    assert holiday_cache.cached_holidays(2026, 2027) == {
        d: n for d, n in expected.items() if d.year in (2026, 2027)}


def test_a_new_package_version_refreshes_the_cache():
    path = config.config_dir(create=True) / holiday_cache.CACHE_FILE
    path.write_text(json.dumps({"version": "0.0-old", "years": {"2026": {"2026-06-01": "Fake"}}}))
    got = holiday_cache.cached_holidays(2026, 2026)
    assert date(2026, 6, 1) not in got
    assert got[date(2026, 12, 25)] == "Christmas Day"


def test_the_calendar_uses_an_installed_source_and_counts_the_same():
    """Fri 18 Dec 2026 + 5 working days = Tue 29 Dec (Christmas, Boxing Day substitute)."""
    try:
        holiday_cache.install()
        assert calendar.england_calendar().add_working_days(date(2026, 12, 18), 5) == date(
            2026, 12, 29)
    finally:
        calendar.set_holiday_source(calendar.package_holidays)


def test_the_cache_is_keyed_by_the_installed_package_version():
    from importlib.metadata import version

    assert holiday_cache._package_version() == version("holidays")
