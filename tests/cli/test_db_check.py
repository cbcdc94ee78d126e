"""`cintui db check` (issue "Trust"): is the store sound? Its pages (SQLite's own check),
its audit chain, and every record against its history, said in words."""

from __future__ import annotations

import json
import sqlite3


def test_a_sound_store_says_so(cli, demo_store):
    result = cli("db", "check", "--db", demo_store)
    assert result.code == 0, result.err
    assert result.out.startswith("The store is sound: every page and index checked")


def test_records_changed_behind_the_apps_back_are_named_and_exit_1(cli, sqlite_demo_store):
    demo_store = sqlite_demo_store
    with sqlite3.connect(demo_store) as conn:
        conn.execute("UPDATE child SET first_name = 'Changed' WHERE reference = 'DEMO00002'")
        conn.execute("DELETE FROM decision WHERE rowid = (SELECT min(rowid) FROM decision)")
    result = cli("db", "check", "--db", demo_store, "--json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["ok"] is False and report["pages_ok"] is True
    assert any(p.startswith("child DEMO00002 changed outside cintui: first_name is "
                            '"Changed"') for p in report["problems"])
    assert any(p.startswith("decision ") and "deleted outside cintui" in p
               for p in report["problems"])


def damage_the_childrens_first_page(path) -> None:
    """Overwrite the first page of the children's table, as a failing disk might."""
    with sqlite3.connect(path) as conn:
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'child'"
                            ).fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek(size * (page - 1))
        fh.write(bytes(range(256)) * 8)


def test_a_damaged_file_says_damaged_and_what_to_do(cli, sqlite_demo_store):
    """A damaged page: the store either cannot be opened (one line, exit 2) or opens and
    its pages fail SQLite's check (exit 1); both say it is damaged and to restore. A page
    so damaged that SQLite's check stops on it was an internal error."""
    damage_the_childrens_first_page(sqlite_demo_store)
    result = cli("db", "check", "--db", sqlite_demo_store)
    if result.code == 2:
        assert result.out == "" and result.err.count("\n") == 1
        assert "is damaged" in result.err and "restore the latest backup" in result.err
    else:
        assert result.code == 1, (result.code, result.err)
        assert result.out.startswith("The store is DAMAGED: restore the latest backup")
        assert "the file is damaged:" in result.out


def test_a_command_that_meets_a_damaged_page_says_so_in_one_line(cli, sqlite_demo_store):
    """`child list`, `due` (the light reader) and `audit verify` on a store whose children's
    first page is damaged: one line, exit 2, saying to restore the latest backup; each was
    "internal error (DatabaseError)"."""
    damage_the_childrens_first_page(sqlite_demo_store)
    for command in (("child", "list"), ("due",), ("audit", "verify")):
        result = cli(*command, "--db", sqlite_demo_store)
        assert result.code == 2 and result.out == "", (command, result)
        assert result.err.count("\n") == 1, result.err
        assert result.err.startswith("cintui: the store is damaged (database disk image is "
                                     "malformed): restore the latest backup"), result.err


def test_a_store_damaged_where_its_tables_are_listed_says_to_restore(cli, sqlite_demo_store):
    """The first page (the list of tables) overwritten: `due`, which opens the store the
    light way, says it is damaged and to restore the latest backup, as a full opening does
    (it said only "damaged or not a cintui store")."""
    with open(sqlite_demo_store, "r+b") as fh:
        fh.seek(100)
        fh.write(b"\xff" * 200)
    for command in (("due",), ("child", "list")):
        result = cli(*command, "--db", sqlite_demo_store)
        assert result.code == 2 and result.err.count("\n") == 1, (command, result)
        assert "is damaged (database disk image is malformed): restore the latest backup" \
            in result.err, result.err
