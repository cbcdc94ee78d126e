"""Opening, creating and backing up stores: encryption, passphrases, files, transactions."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import threading
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, func
from sqlmodel import select

from cintui.domain.text import inert
from cintui.store.audit import AuditError, verify
from cintui.store.engine import (
    PassphraseRequired,
    StoreError,
    StoreExists,
    StoreNotFound,
    WrongPassphrase,
    backup_store,
    create_store,
    inert_text,
    is_encrypted_file,
    open_store,
    open_url,
)
from cintui.store.models import AuditEntry, Child, Team
from tests.store.conftest import NAME, PASSPHRASE, add_child, make_child, sha256, side_files


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def audit_count(store) -> int:
    with store.read() as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


# ------------------------------------------------------------------ encryption


def test_encrypted_store_shows_no_names_in_its_files(encrypted_store, store_path):
    first, last = NAME.split()
    add_child(encrypted_store, first_name=first, last_name=last)
    wal = side_files(store_path)[0]
    assert wal.exists(), "the write should still be in the WAL while the store is open"
    for path in (store_path, wal):
        raw = path.read_bytes()
        assert first.encode() not in raw and last.encode() not in raw
    assert not store_path.read_bytes().startswith(b"SQLite format 3\x00")
    assert is_encrypted_file(store_path)
    encrypted_store.close()
    assert first.encode() not in store_path.read_bytes()


def test_encrypted_store_reopens_with_its_passphrase(encrypted_store, store_path):
    add_child(encrypted_store, first_name="Nell")
    encrypted_store.close()
    store = open_store(store_path, PASSPHRASE)
    try:
        with store.read() as session:
            assert session.exec(select(Child.first_name)).all() == ["Nell"]
        assert store.encrypted and store.store_id == encrypted_store.store_id
        assert store.upgraded_from is None and store.backup_path is None
    finally:
        store.close()


def test_wrong_passphrase_is_refused_and_the_file_is_left_untouched(
        encrypted_store, store_path, capfd):
    add_child(encrypted_store)
    encrypted_store.close()
    before = sha256(store_path)
    with pytest.raises(WrongPassphrase, match="wrong passphrase or damaged file") as caught:
        open_store(store_path, "not the passphrase")
    assert str(store_path) in str(caught.value)
    assert sha256(store_path) == before
    assert not any(p.exists() for p in side_files(store_path))
    out, err = capfd.readouterr()
    assert out == err == "", "SQLCipher must not write to the terminal (it garbles the TUI)"


def test_an_encrypted_store_asks_for_a_passphrase(encrypted_store, store_path, tmp_path):
    encrypted_store.close()
    with pytest.raises(PassphraseRequired):
        open_store(store_path, None)
    with pytest.raises(PassphraseRequired):
        create_store(tmp_path / "new.db", "", encrypt=True)
    assert not (tmp_path / "new.db").exists()


def test_odd_passphrases_are_escaped_not_interpreted(tmp_path):
    odd = "it's \"quoted\"; -- £ @:/?#%"
    path = tmp_path / "odd.db"
    create_store(path, odd).close()
    open_store(path, odd).close()
    with pytest.raises(WrongPassphrase):
        open_store(path, "it's")


def test_plain_store_is_an_ordinary_sqlite_file(plain_store):
    add_child(plain_store, first_name="Iris")
    path = plain_store.path
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    assert not is_encrypted_file(path)
    assert not plain_store.encrypted
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT first_name FROM child").fetchall() == [("Iris",)]


# ------------------------------------------------------------------ files


def test_store_files_and_new_folders_are_private(encrypted_store, store_path):
    add_child(encrypted_store)
    wal, shm = side_files(store_path)
    assert wal.exists() and shm.exists()
    assert {p.name: mode(p) for p in (store_path, wal, shm)} == {
        p.name: 0o600 for p in (store_path, wal, shm)}
    assert mode(store_path.parent) == 0o700


def test_creating_over_an_existing_file_is_refused(tmp_path):
    path = tmp_path / "taken.db"
    path.write_bytes(b"somebody's file")
    with pytest.raises(StoreExists):
        create_store(path, PASSPHRASE)
    assert path.read_bytes() == b"somebody's file"


def test_opening_a_missing_store_says_so(tmp_path):
    with pytest.raises(StoreNotFound, match="no store at"):
        open_store(tmp_path / "nowhere.db", PASSPHRASE)


@pytest.mark.parametrize("content", [b"", b"just some text, not a database"])
def test_an_empty_or_foreign_file_is_not_opened_as_a_store(tmp_path, content):
    path = tmp_path / "odd.db"
    path.write_bytes(content)
    with pytest.raises(StoreError):
        open_store(path, PASSPHRASE)
    assert path.read_bytes() == content


def test_another_programs_sqlite_file_is_not_turned_into_a_store(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    before = sha256(path)
    with pytest.raises(StoreError, match="not a cintui store"):
        open_store(path, None)
    assert sha256(path) == before


# ------------------------------------------------------------------ connections


def test_pragmas_that_keep_data_safe_are_set_on_every_connection(encrypted_store):
    with encrypted_store.engine.connect() as conn:
        def pragma(name):
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") == 30_000  # as long as a server's write lock waits
        assert str(pragma("cipher_memory_security")) in ("1", "ON")


def test_a_new_encrypted_store_is_handed_over_with_memory_wiping_on(tmp_path):
    """The wiping is left off while a new store's (empty) schema is made, then the store is
    opened with it on. It is a setting of the whole process that stays on once set, so a
    process of its own: in this one an earlier test has set it."""
    script = ("import sys\n"
              "from pathlib import Path\n"
              "from cintui.store.engine import create_store\n"
              "store = create_store(Path(sys.argv[1]), 'a long enough passphrase')\n"
              "with store.engine.connect() as conn:\n"
              "    print(conn.exec_driver_sql('PRAGMA cipher_memory_security').scalar())\n"
              "    print(conn.exec_driver_sql('SELECT count(*) FROM child').scalar())\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "new.db")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() in (["1", "0"], ["ON", "0"])


def test_plain_store_gets_the_same_pragmas(plain_store):
    with plain_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_writes_take_the_write_lock_up_front_and_reads_do_not(encrypted_store):
    seen: list[str] = []
    event.listen(encrypted_store.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_: seen.append(statement))
    with encrypted_store.session("sw.one") as session:
        session.add(make_child())
    with encrypted_store.read() as session:
        session.exec(select(Child)).all()
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_two_writers_at_once_never_see_database_is_locked(encrypted_store):
    errors: list[BaseException] = []

    def writer(who: int) -> None:
        try:
            for i in range(25):
                with encrypted_store.session(f"sw.{who}") as session:
                    # read, then write: fails under a deferred BEGIN in WAL (STORE_NOTES.md)
                    n = session.exec(select(func.count()).select_from(Child)).one()
                    session.add(make_child(who * 1000 + i, known_as=str(n)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify(encrypted_store)
    assert report.ok and report.entries == 50


def test_rows_can_be_added_in_any_order_within_one_transaction(plain_store):
    team = Team(name="Family Support North")
    with plain_store.session("sw.one") as session:
        session.add(make_child(team_id=team.id))  # before its team: links checked at commit
        session.add(team)
    with plain_store.read() as session:
        assert session.exec(select(Child.team_id)).one() == team.id


def test_a_link_to_a_missing_record_is_refused_and_nothing_is_written(plain_store):
    with pytest.raises(Exception, match="FOREIGN KEY"), \
            plain_store.session("sw.one") as session:
        session.add(make_child(team_id=uuid.uuid4()))
    with plain_store.read() as session:
        assert session.exec(select(Child)).all() == []
    assert audit_count(plain_store) == 0


def test_a_read_session_cannot_write(plain_store):
    with pytest.raises(AuditError), plain_store.read() as session:
        session.add(make_child())
        session.flush()
    with plain_store.read() as session:
        assert session.exec(select(Child)).all() == []


def test_every_change_needs_someone_to_answer_for_it(plain_store):
    with pytest.raises(StoreError, match="who is making the change"), plain_store.session(""):
        pass


def test_raw_connection_reads_a_caseload_quickly(plain_store):
    with plain_store.session("sw.one") as session:
        session.add_all(make_child(n) for n in range(1, 201))
    conn = plain_store.raw_connection()
    try:
        rows = conn.execute("SELECT reference FROM child ORDER BY reference").fetchall()
    finally:
        conn.close()
    assert len(rows) == 200 and rows[0][0] == "CIN000001"


# ------------------------------------------------------------------ backups


def test_backup_of_an_encrypted_store_opens_with_the_same_passphrase(
        encrypted_store, tmp_path):
    add_child(encrypted_store, first_name="Maya")
    target = backup_store(encrypted_store, tmp_path / "backups" / "cin.bak", None)
    assert is_encrypted_file(target) and mode(target) == 0o600
    assert b"Maya" not in target.read_bytes()
    copy = open_store(target, PASSPHRASE)
    try:
        with copy.read() as session:
            assert session.exec(select(Child.first_name)).all() == ["Maya"]
        assert verify(copy).ok
    finally:
        copy.close()
    with pytest.raises(WrongPassphrase):
        open_store(target, "not the passphrase")


def test_backup_can_be_keyed_with_a_new_passphrase(encrypted_store, tmp_path):
    add_child(encrypted_store)
    target = backup_store(encrypted_store, tmp_path / "handover.bak", "a different passphrase")
    with pytest.raises(WrongPassphrase):
        open_store(target, PASSPHRASE)
    open_store(target, "a different passphrase").close()


def test_backup_never_overwrites_a_file(encrypted_store, tmp_path):
    target = tmp_path / "exists.bak"
    target.write_bytes(b"keep me")
    with pytest.raises(StoreExists):
        backup_store(encrypted_store, target, None)
    assert target.read_bytes() == b"keep me"


def test_backup_of_a_plain_store_is_plain_and_cannot_pretend_otherwise(plain_store, tmp_path):
    add_child(plain_store)
    target = backup_store(plain_store, tmp_path / "plain.bak", None)
    assert not is_encrypted_file(target)
    with pytest.raises(StoreError, match="not encrypted"):
        backup_store(plain_store, tmp_path / "other.bak", PASSPHRASE)
    assert not (tmp_path / "other.bak").exists()


# ------------------------------------------------------------------ URLs


def test_a_database_url_is_created_migrated_and_audited(tmp_path):
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    store = open_url(url)
    try:
        assert store.path is None and not store.encrypted and store.upgraded_from is None
        add_child(store)
        assert verify(store).ok
    finally:
        store.close()
    again = open_url(url)
    try:
        assert again.store_id == store.store_id and audit_count(again) == 1
    finally:
        again.close()


def test_a_url_without_its_driver_is_a_one_line_error_without_the_password():
    with pytest.raises(StoreError) as caught:
        open_url("postgresql+nosuchdriver://cin:s3cret@db.example/cin")
    assert "s3cret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_refused_write_never_puts_a_childs_details_in_the_error(plain_store):
    """Errors end up in crash.log, a plain file: the names a statement carried must not
    (the store's own file is encrypted, its error messages are not)."""
    with plain_store.session("sw.one") as session:
        session.add(make_child(reference="REF-1", first_name="Zebedee"))
    with pytest.raises(Exception) as refused, plain_store.session("sw.one") as session:
        session.add(make_child(reference="REF-1", first_name="Quillon"))  # same reference
    message = str(refused.value)
    assert "UNIQUE" in message  # the reason is still there
    assert "Quillon" not in message and "REF-1" not in message


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_text_read_from_a_store_is_made_inert_whatever_it_holds(text):
    """Trust: a value read back shows every control character as a stand-in (ESC as ␛),
    keeps tab and line feed, and is otherwise the text stored, printable or not."""
    read = inert_text(text.encode())
    assert read == inert(text, c0_only=True)
    assert not any(ord(ch) < 0x20 and ch not in "\t\n" or ch == "\x7f" for ch in read)


def test_opening_a_team_server_store_is_one_round_trip_a_read(pg_url, monkeypatch):
    """A command on a laptop far from its team server pays every round trip in full. Opening
    the store read its revision, the server's login and the store's id each on a connection
    checked out anew, and the pool pinged the server before each (two round trips for
    nothing), and looked up a type (hstore) cintui has no column of: now they are read on one
    connection, and the command's first query follows them."""
    import psycopg

    from cintui.store.engine import open_url

    open_url(pg_url).close()  # an empty database is made a store at head
    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def counted(cursor, query, *args, **kwargs):
        sent.append(" ".join(str(query).split()))
        return execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    store = open_url(pg_url)
    try:
        opening = list(sent)
        with store.read() as session:
            assert session.exec(select(func.count()).select_from(Child)).one() == 0
    finally:
        store.close()
    assert not [s for s in opening if s in (";", "SELECT 1")], opening  # no pings
    assert not [s for s in opening if "pg_type" in s], opening  # no hstore lookup
    reads = [s for s in opening if "alembic_version" in s or "store_meta" in s]
    assert len(reads) == 3, reads  # the revision, the server's login, the store's id


def _opened_again(path):
    """The app's full store opened after its first-paint reader: the header read again."""
    from cintui.store.engine import open_store

    open_store(path, None).close()


def _salt_checked(path):
    """An unlock session's key checked against the file's salt, as each command does
    (`cintui unlock`): a plain file's first bytes are its header."""
    from cintui.store import unlocked

    assert unlocked._salt(path) == b"SQLite format 3\x00"


def _full_store(path):
    """The app's full store (`open_store`): how many of the two keys it reads."""
    from cintui.store.engine import open_store

    store = open_store(path, None)

    def theirs() -> int:
        with store.engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT count(*) FROM store_meta WHERE key IN ('one', 'two')").scalar()

    return theirs, store.close


def _light_writer(path):
    """A command's light writer (`quick.open_writer`, `cintui decision add`), reading on its
    own connection: the file held open from the moment that connection opens
    (`fast._connect`), not through another store of the process."""
    from cintui.store import quick

    writer = quick.open_writer(path, None)
    assert writer is not None

    def theirs() -> int:
        return writer.connection.execute(
            "SELECT count(*) FROM store_meta WHERE key IN ('one', 'two')").fetchone()[0]

    return theirs, writer.close


@pytest.mark.parametrize("holder", [_full_store, _light_writer])
@pytest.mark.parametrize("second_read", [_opened_again, _salt_checked])
def test_a_store_open_in_a_process_still_sees_another_processs_writes(tmp_path, second_read,
                                                                      holder):
    """Opening a store reads its header; closing that file in a process that already had
    the store open dropped SQLite's POSIX locks on it. The next `cintui` command to close the
    store then deleted the WAL under the open app: it read the store as it was from then on
    (others' visits never appeared) and its own next save was lost. Found by the open app's
    look for others' changes (screens/live.py). The same read came from an unlock session's
    salt check, which `due`, `plan show` and the light writer made after their light reader
    had opened ahead. Each is now read once while the store is open, whether the process
    holds it through its full store or only through the light writer's connection."""
    import subprocess
    import sys

    from cintui.store.engine import create_store

    path = tmp_path / "cin.db"
    create_store(path, None, encrypt=False).close()
    theirs, close = holder(path)
    try:
        assert theirs() == 0
        second_read(path)
        write = ("import sys; from cintui.store.engine import open_store; "
                 "from cintui.store.models import StoreMeta; s = open_store(sys.argv[1], None)\n"
                 "with s.session('sw.two') as session: session.add(StoreMeta(key=sys.argv[2], "
                 "value='x'))\ns.close()")
        for key in ("one", "two"):  # a command, then another: each closes the store last
            subprocess.run([sys.executable, "-c", write, str(path), key], check=True, timeout=120)
        assert path.with_name("cin.db-wal").exists()
        assert theirs() == 2
    finally:
        close()
