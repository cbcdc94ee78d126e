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
