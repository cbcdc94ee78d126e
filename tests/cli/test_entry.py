"""`cintui` with only app options opens the app without loading the CLI (start-up speed)."""

from __future__ import annotations

import pytest

from cintui.__main__ import tui_arguments


@pytest.mark.parametrize(
    "argv, expected",
    [
        ([], {"db": None, "as": None, "encrypt": True}),
        (["--db", "x.db"], {"db": "x.db", "as": None, "encrypt": True}),
        (["--db=x.db", "--as", "amira.ashdown", "--no-encrypt"],
         {"db": "x.db", "as": "amira.ashdown", "encrypt": False}),
    ],
)
def test_app_only_command_lines_go_straight_to_the_app(argv, expected):
    assert tui_arguments(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["child", "list"], ["--db"], ["--db", "--as"], ["--dbx", "y"],
     ["--db", "x.db", "demo"]],
)
def test_everything_else_goes_to_the_cli(argv):
    assert tui_arguments(argv) is None


@pytest.mark.parametrize("argv", [["--db", "x.db"], ["--db", "x.db", "--passphrase-file",
                                                      "/dev/null"]])
def test_the_app_takes_cintui_today_as_a_command_does(argv, monkeypatch, tmp_path):
    """README: CINTUI_TODAY makes the app treat the day as today, by either way in (the
    app alone, or through the CLI): the app once ignored it, so a meeting booked for the
    day was called "not today" against the real clock."""
    import sys
    from datetime import date, datetime

    import cintui.app
    from cintui import __main__ as entry

    opened = []
    monkeypatch.setattr(cintui.app, "run_app", lambda location, **kw: opened.append(kw))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["cintui", *argv])
    monkeypatch.setenv("CINTUI_TODAY", "2026-12-07")
    entry.main()
    monkeypatch.setenv("CINTUI_TODAY", "2026-12-07 16:30")
    entry.main()
    assert [(kw["today"], kw["now"]) for kw in opened] == [
        (date(2026, 12, 7), None), (date(2026, 12, 7), datetime(2026, 12, 7, 16, 30))]


def test_a_bad_cintui_today_is_one_line_and_no_app(monkeypatch, capsys, tmp_path):
    import sys

    import cintui.app
    from cintui import __main__ as entry

    opened = []
    monkeypatch.setattr(cintui.app, "run_app", lambda location, **kw: opened.append(kw))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["cintui", "--db", "x.db"])
    monkeypatch.setenv("CINTUI_TODAY", "2026-13-01")
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 2 and opened == []
    assert capsys.readouterr().err == (
        "cintui: CINTUI_TODAY: '2026-13-01' is not a date; use YYYY-MM-DD\n")
