"""The first-paint read path: right passphrase or a clear error, read-only, no ORM imports."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

import pytest

from cintui.store import fast
from cintui.store.engine import PassphraseRequired, WrongPassphrase, _create_store_at
from tests.store.conftest import PASSPHRASE, add_child


def test_reads_an_encrypted_store_with_the_right_passphrase(encrypted_store, store_path):
    add_child(encrypted_store)
    reader = fast.open_reader(store_path, PASSPHRASE)
    assert reader.rows("SELECT first_name FROM child") == [("Ada",)]
    reader.close()


def test_wrong_or_missing_passphrase_is_refused_and_the_file_untouched(encrypted_store,
                                                                       store_path):
    encrypted_store.close()
    before = hashlib.sha256(store_path.read_bytes()).hexdigest()
    with pytest.raises(WrongPassphrase, match="wrong passphrase or damaged file"):
        fast.open_reader(store_path, "not it")
    with pytest.raises(PassphraseRequired):
        fast.open_reader(store_path, None)
    assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before


def test_the_reader_cannot_write(plain_store, tmp_path):
    reader = fast.open_reader(tmp_path / "plain.db", None)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.rows("INSERT INTO store_meta (key, value) VALUES ('x', 'y')")
    reader.close()


def test_an_older_schema_is_left_to_the_full_open_which_upgrades_it(tmp_path):
    old = _create_store_at(tmp_path / "old.db", None, encrypt=False, revision="0001")
    old.close()
    assert fast.open_reader(tmp_path / "old.db", None) is None


def test_opening_the_reader_loads_no_orm(encrypted_store, store_path):
    encrypted_store.close()
    code = (
        "import sys; from cintui.store import fast; "
        f"r = fast.open_reader({str(store_path)!r}, {PASSPHRASE!r}); r.rows('SELECT 1'); "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == "[]"


def test_a_reader_opened_ahead_is_the_one_handed_out_with_the_same_checks(
        encrypted_store, store_path, monkeypatch):
    """With the passphrase in the environment, the app and the light reads key the reader on
    a thread from the start (access.open_ahead); the reader handed out then reads as any
    other, is read-only, and a wrong passphrase is refused the same way."""
    from cintui.store import access

    add_child(encrypted_store)
    encrypted_store.close()
    monkeypatch.delenv("CINTUI_PASSPHRASE_FILE", raising=False)
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    access.open_ahead(access.locate(store_path))
    assert list(fast._AHEAD) == [(str(store_path), PASSPHRASE)]
    reader = fast.open_reader(store_path, PASSPHRASE)
    assert fast._AHEAD == {}
    assert reader.rows("SELECT first_name FROM child") == [("Ada",)]
    with pytest.raises(Exception, match="readonly"):
        reader.rows("DELETE FROM child")
    reader.close()
    monkeypatch.setenv("CINTUI_PASSPHRASE", "not it")
    access.open_ahead(access.locate(store_path))
    with pytest.raises(WrongPassphrase, match="wrong passphrase or damaged file"):
        fast.open_reader(store_path, "not it")
    monkeypatch.setenv("CINTUI_PASSPHRASE_FILE", str(store_path.parent / "pass"))
    access.open_ahead(access.locate(store_path))  # a passphrase file: left to the command
    assert fast._AHEAD == {}


def test_text_stored_with_control_characters_is_read_inert(plain_store, tmp_path):
    """Trust (output is inert): a name stored before control characters were refused reaches
    the caseload as visible stand-ins, never as an escape sequence the terminal would obey;
    line feeds and tabs, which notes hold, are kept; every other value comes back as it is."""
    add_child(plain_store, 1)
    add_child(plain_store, 2, first_name="Cy", last_name="Dee")
    with sqlite3.connect(tmp_path / "plain.db") as raw:  # as an older cintui let it in
        raw.execute("UPDATE child SET first_name = ?, last_name = ? WHERE reference = ?",
                    ("Ada\x1b[2J", "Bell\x07", "CIN000001"))
    reader = fast.open_reader(tmp_path / "plain.db", None)
    try:
        names = reader.rows("SELECT first_name, last_name, dob FROM child ORDER BY reference")
        assert names[0][0] == "Ada␛[2J" and names[0][1] == "Bell␇"
        assert names[1] == ("Cy", "Dee", "2015-03-01")
        kept = reader.rows("SELECT 'line one' || char(10) || char(9) || 'two', 7, NULL")
        assert kept == [("line one\n\ttwo", 7, None)]
    finally:
        reader.close()
