"""Output is inert, markup included (Trust): text that reads like Rich markup (`[/i]`) in a
name, a plan or a record is printed as typed by the commands that show a child, whether
they print to a terminal (Rich) or to a file or pipe (no Rich). Before, `child show` in a
terminal stopped on "internal error (MarkupError)" and, piped, dropped the `[/i]`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.markup import escape as rich_escape

from cintui.cli.table import escape
from tests.conftest import connect
from tests.markup_store import MARK, mark_store

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def marked(sqlite_demo_store):
    mark_store(sqlite_demo_store)
    return sqlite_demo_store


@pytest.mark.parametrize("terminal", ["0", "1"], ids=["piped", "terminal"])
def test_what_was_typed_is_printed_as_typed(marked, cli, monkeypatch, terminal):
    monkeypatch.setenv("TTY_COMPATIBLE", terminal)
    monkeypatch.setenv("COLUMNS", "200")
    with connect(marked) as conn:  # a child with a plan, visits and meetings
        (reference,) = conn.execute(
            "SELECT c.reference FROM child c WHERE c.status = 'cin_plan' "
            "AND EXISTS (SELECT 1 FROM plan_version v WHERE v.child_id = c.id) "
            "AND EXISTS (SELECT 1 FROM visit v WHERE v.child_id = c.id) "
            "AND EXISTS (SELECT 1 FROM meeting m WHERE m.child_id = c.id) "
            "ORDER BY c.reference").fetchone()
    for command in (("child", "show", reference), ("plan", "show", reference),
                    ("visit", "list", reference), ("meeting", "list", reference),
                    ("due",), ("child", "list"), ("report", "compliance")):
        result = cli(*command, "--db", marked)
        assert result.code == 0, (command, result.err)
        assert MARK in ANSI.sub("", result.out), (command, result.out[:300])


@given(st.text(alphabet="ab[]/\\=@#: ", max_size=20))
def test_escape_is_richs_escape(text):
    assert escape(text) == rich_escape(text)
