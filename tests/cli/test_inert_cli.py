"""Trust: output is inert. Control characters are refused on input, and text stored before
the rule is printed with its escape sequences made visible, never acted on."""

from __future__ import annotations

import json

from tests.cli.test_cli import audit_entries, children, one_line_error
from tests.cli.test_endings_cli import ref  # noqa: F401 - a fixture: a child with staff
from tests.cli.test_plan_cli import first_planned
from tests.conftest import TODAY, connect

DAY = ("--today", TODAY.isoformat())
TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLEAR = "\x1b[2J"  # clears the screen


def stored_before(db, sql: str, *params) -> None:
    """Write straight to the database, as a store written before the rule could hold it."""
    with connect(db) as conn:
        assert conn.execute(sql, params).rowcount == 1


def test_child_add_refuses_an_escape_sequence_and_writes_nothing(cli, demo_store):
    before, entries = children(cli, demo_store), audit_entries(demo_store)
    result = cli("child", "add", "--db", demo_store, "--first-name", TITLE, "--last-name", "X",
                 "--dob", "2020-01-01", *DAY)
    one_line_error(result, "--first-name: contains a control character (U+001B ESC); "
                   "type plain text")
    assert "\x1b" not in result.err
    assert children(cli, demo_store) == before
    assert audit_entries(demo_store) == entries


def test_a_name_stored_before_prints_inert_in_child_list(cli, demo_store, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # the whole name in its cell
    stored_before(demo_store, "UPDATE child SET first_name = ? WHERE reference = 'DEMO00001'",
                  f"Amy{TITLE}{CLEAR}")
    result = cli("child", "list", "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "Amy␛]0;pwned␇␛[2J" in result.out
    listed = json.loads(cli("child", "list", "--db", demo_store, "--json", *DAY).out)
    assert any(r["name"].startswith("Amy␛]0;pwned␇") for r in listed)  # read inert


def test_a_decision_stored_before_prints_inert_in_decision_list(cli, demo_store, ref):  # noqa: F811
    added = cli("decision", "add", ref, "--kind", "other", "--decision", "Keep open",
                "--rationale", "Still worried", "--by", "tess.manager", "--db", demo_store, *DAY)
    assert added.code == 0, added.err
    stored_before(demo_store, "UPDATE decision SET rationale = ? WHERE decision = 'Keep open'",
                  f"Still{CLEAR} worried{TITLE}")
    result = cli("decision", "list", ref, "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out
    assert "worried␛]0;pwned␇" in result.out  # (not a terminal: Click drops ESC [2J itself)


def test_a_plan_stored_before_prints_inert_in_plan_show(cli, demo_store):
    reference = first_planned(demo_store)
    with connect(demo_store) as conn:
        conn.execute("UPDATE plan_need SET now = ?", (f"{CLEAR}Worried",))
    result = cli("plan", "show", reference, "--db", demo_store, *DAY)
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "␛[2JWorried" in result.out
