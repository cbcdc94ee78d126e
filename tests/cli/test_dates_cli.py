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
        assert f"│ {day_words(date.fromisoformat(d['due']), pad=True)} " in shown.out
    listed = cli("child", "list", *args)
    rows = json.loads(cli("child", "list", "--json", *args).out)
    born = next(r for r in rows if r["dob"])
    assert "DOB / due" in listed.out and day_words(date.fromisoformat(born["dob"])) in listed.out
    assert not ISO.search(shown.out) and not ISO.search(listed.out)


MONTH = re.compile(r"(?:│|┃) ( ?\d{1,2}) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def _day_columns(out: str) -> tuple[set[int], int]:
    """Where a table's first column's days end on each row, and how many are one digit."""
    found = [m for line in out.splitlines() if (m := MONTH.match(line))]
    return {m.end(1) for m in found}, sum(len(m[1].strip()) == 1 for m in found)


def test_a_date_column_lines_3_up_under_13(cli, sqlite_demo_store, monkeypatch):
    """A table's date column was ragged, "3 Dec 2026" under "13 Dec 2026" putting the month
    a column left: each day is padded (" 3 Dec 2026"), in `due`, `child show`'s deadlines,
    `visit list` and `meeting list`, so the months stand in one column, at 80 columns and
    at 120. `--json` keeps its ISO dates."""
    args = ("--db", sqlite_demo_store, "--today", TODAY.isoformat())
    single = 0
    for width in ("80", "120"):
        monkeypatch.setenv("COLUMNS", width)
        for command in (("due",), ("child", "show", "DEMO00001"),
                        *((what, "list", f"DEMO{n:05}") for what in ("visit", "meeting")
                          for n in range(1, 6))):
            done = cli(*command, *args)
            assert done.code == 0, (command, done.err)
            ends, ones = _day_columns(done.out)
            assert len(ends) <= 1, (command, width, done.out)
            single += ones
            assert max((len(line) for line in done.out.splitlines()
                        if line[:1] in "┏┃┡│└"), default=0) <= int(width)  # tables fit
    assert single  # the demo has days 1 to 9 in these columns
    due = json.loads(cli("due", "--json", *args).out)["items"]
    assert due and all(ISO.fullmatch(i["due"]) for i in due if i.get("due"))


def test_what_a_person_reads_has_no_iso_day_left(cli, sqlite_demo_store, monkeypatch):
    """`report census` gave its reference date as 2027-03-31 and its queries "episode
    referred 2026-09-16"; `close status` "Decided 2026-05-31" and "Family told 2026-06-03";
    `assessment show` "assessment started 2026-06-05"; `visit record` "at 2026-11-20
    10:00"; `worker list --all` a leaver's "left" 2026-11-23. Each says the day in words now;
    `--json` keeps the ISO date a script reads, and `deadline` prints one on purpose."""
    monkeypatch.setenv("COLUMNS", "200")
    db = ("--db", sqlite_demo_store)
    args = (*db, "--today", TODAY.isoformat())
    assert cli("worker", "leave", "morgan.fielding", "--on", TODAY.isoformat(), *args).code == 0
    outs = {}
    for command in (("report", "census", "--year", "2027"), ("close", "status", "DEMO00015"),
                    ("assessment", "show", "DEMO00002"), ("worker", "list", "--all"),
                    ("visit", "record", "DEMO00002", "--at", "2026-11-20 10:00", "--purpose",
                     "Review", "--analysis", "Settled")):
        done = cli(*command, *(db if command[0] == "worker" else args))
        assert done.code == 0, (command, done.err)
        outs[command[0] + " " + command[1]] = done.out
        assert not ISO.search(done.out), (command, ISO.search(done.out))
    assert "reference date 31 Mar 2027)" in outs["report census"].splitlines()[0]
    assert "episode referred " in outs["report census"]
    assert re.search(r"^Decided \d{1,2} [A-Z][a-z]{2} \d{4} by ", outs["close status"], re.M)
    assert re.search(r"^Family told \d{1,2} [A-Z][a-z]{2} \d{4}$", outs["close status"], re.M)
    assert re.search(r"assessment started \d{1,2} [A-Z][a-z]{2} \d{4}", outs["assessment show"])
    assert f"│ {day_words(TODAY)} │" in outs["worker list"]
    assert "Visit recorded for " in outs["visit record"] and \
        " on 20 Nov 2026 at 10:00." in outs["visit record"]
    census = json.loads(cli("report", "census", "--year", "2027", "--json", *args).out)
    assert census["reference_date"] == "2027-03-31"
    assert cli("deadline", "2026-12-18", "--working-days", "5").out == "2026-12-29\n"
