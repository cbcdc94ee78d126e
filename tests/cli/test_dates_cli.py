"""A command's human output writes a day as the screens do, "7 Mar 2027"
(`domain/dates.day_words`); its `--json` keeps the ISO date a script reads."""

from __future__ import annotations

import json
import re
from datetime import date

from cintui.domain.dates import day_words
from tests.conftest import TODAY

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def test_plan_show_writes_its_review_and_action_dates_in_words(cli, sqlite_demo_store,
                                                                monkeypatch):
    """`plan show` said "next review 2027-03-07" and each action "2027-02-27"; the app's
    plan screen said "7 Mar 2027"."""
    monkeypatch.setenv("COLUMNS", "400")  # no cell wraps a date over two lines
    args = ("plan", "show", "DEMO00001", "--db", sqlite_demo_store, "--today", TODAY.isoformat())
    shown = cli(*args)
    data = json.loads(cli(*args, "--json").out)
    review = date.fromisoformat(data["version"]["next_review"])
    assert shown.code == 0 and f"next review {day_words(review)}" in shown.out
    by_whens = [date.fromisoformat(a["by_when"]) for n in data["version"]["needs"]
                for a in n["actions"] if a["by_when"]]
    assert by_whens and all(day_words(d) in shown.out for d in by_whens)
    assert not ISO.search(shown.out)


def test_child_show_and_child_list_write_days_in_words(cli, sqlite_demo_store, monkeypatch):
    """The deadlines' "due" column and the list's "DOB / due" said 2027-01-05."""
    monkeypatch.setenv("COLUMNS", "160")
    args = ("--db", sqlite_demo_store, "--today", TODAY.isoformat())
    shown = cli("child", "show", "DEMO00001", *args)
    data = json.loads(cli("child", "show", "DEMO00001", "--json", *args).out)
    assert shown.code == 0 and data["deadlines"]
    for d in data["deadlines"]:
        assert f"│ {day_words(date.fromisoformat(d['due']))} " in shown.out
    listed = cli("child", "list", *args)
    rows = json.loads(cli("child", "list", "--json", *args).out)
    born = next(r for r in rows if r["dob"])
    assert "DOB / due" in listed.out and day_words(date.fromisoformat(born["dob"])) in listed.out
    assert not ISO.search(shown.out) and not ISO.search(listed.out)
