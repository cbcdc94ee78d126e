"""`cintui unlock` / `cintui lock` (issue 21: a script's commands pay the key derivation
once): the session opens the encrypted store for the shell that unlocked it, and only for
it, only that store, only until it ends; it keeps neither the passphrase nor the key."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cintui.store import unlocked
from tests.cli.test_cli import one_line_error
from tests.conftest import PASSPHRASE, connect


@pytest.fixture
def unlock(cli, monkeypatch):
    """`unlock(db, *more)`: `cintui unlock` with the passphrase in the environment, then the
    shell as `eval` leaves it: CINTUI_SESSION set, no passphrase. Returns the session file."""
    def run(db: Path, *more: str) -> Path:
        monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
        done = cli("unlock", "--db", db, *more)
        assert done.code == 0, done.err
        line = done.out.strip()
        assert line.startswith("export CINTUI_SESSION=") and "\n" not in line, done.out
        assert "Unlocked" in done.err and "until" in done.err
        monkeypatch.setenv("CINTUI_SESSION", line.partition("=")[2])
        monkeypatch.delenv("CINTUI_PASSPHRASE")
        (found,) = (Path(os.environ["CINTUI_RUNTIME_DIR"]) / "sessions").glob("*.json")
        return found

    return run


def references(cli, db) -> list[str]:
    done = cli("child", "list", "--json", "--db", db)
    assert done.code == 0, done.err
    return [c["reference"] for c in json.loads(done.out)]


def test_an_unlocked_store_opens_for_reads_and_writes_without_the_passphrase(
        cli, encrypted_demo_store, unlock, monkeypatch):
    db = encrypted_demo_store
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    before = references(cli, db)
    unlock(db)
    assert references(cli, db) == before and len(before) == 25 + 12
    shown = cli("child", "show", before[0], "--db", db)
    assert shown.code == 0 and before[0] in shown.out
    added = cli("decision", "add", before[0], "--kind", "other", "--decision", "Carry on",
                "--rationale", "Written in an unlocked session", "--db", db)
    assert added.code == 0, added.err
    listed = cli("decision", "list", before[0], "--json", "--db", db)
    assert "Written in an unlocked session" in listed.out
    assert cli("db", "check", "--db", db).code == 0  # the audit chain takes the write


def test_the_session_file_keeps_neither_the_passphrase_nor_the_key(
        encrypted_demo_store, unlock):
    found = unlock(encrypted_demo_store)
    assert found.stat().st_mode & 0o777 == 0o600
    assert found.parent.stat().st_mode & 0o777 == 0o700
    kept = found.read_text()
    key = unlocked.raw_key(encrypted_demo_store, PASSPHRASE)[2:66]  # x'<key><salt>'
    assert PASSPHRASE not in kept and key not in kept.lower()
    token = os.environ["CINTUI_SESSION"]
    assert token.lower() != key and token not in kept
    # Either half alone opens nothing: the file with another shell's variable ...
    os.environ["CINTUI_SESSION"] = "ab" * 32
    assert unlocked.key_for(encrypted_demo_store) == (None, "CINTUI_SESSION is from another "
                                                            "unlock")


def test_the_file_with_another_shells_variable_opens_nothing(cli, encrypted_demo_store,
                                                              unlock, monkeypatch):
    unlock(encrypted_demo_store)
    monkeypatch.setenv("CINTUI_SESSION", "ab" * 32)
    one_line_error(cli("child", "list", "--db", encrypted_demo_store),
                   "CINTUI_SESSION is from another unlock", "cintui unlock")
    monkeypatch.setenv("CINTUI_SESSION", "not a session")
    one_line_error(cli("child", "list", "--db", encrypted_demo_store),
                   "CINTUI_SESSION is not a cintui session")


def test_unlock_without_a_passphrase_says_how_to_give_one_never_to_unlock_it(
        cli, encrypted_demo_store):
    done = cli("unlock", "--db", encrypted_demo_store)
    one_line_error(done, "is encrypted: give --passphrase-file FILE", "or run in a terminal")
    assert "cintui unlock" not in done.err
    sessions = Path(os.environ["CINTUI_RUNTIME_DIR"]) / "sessions"
    assert not sessions.exists() or not any(sessions.iterdir())  # nothing kept


def test_lock_ends_it_and_the_store_asks_for_its_passphrase_again(
        cli, encrypted_demo_store, unlock):
    found = unlock(encrypted_demo_store)
    done = cli("lock", "--db", encrypted_demo_store)
    assert done.code == 0 and "Locked" in done.out
    assert not found.exists()
    one_line_error(cli("child", "list", "--db", encrypted_demo_store),
                   "is encrypted and it is not unlocked", "--passphrase-file")
    again = cli("lock", "--db", encrypted_demo_store)
    assert again.code == 0 and "was not unlocked" in again.out


def test_an_ended_session_opens_nothing_and_the_next_unlock_removes_it(
        cli, encrypted_demo_store, unlock, tmp_path):
    found = unlock(encrypted_demo_store)
    record = json.loads(found.read_text())
    record["until"] -= 61 * 60  # an hour and a minute later
    found.write_text(json.dumps(record))
    one_line_error(cli("child", "list", "--db", encrypted_demo_store),
                   "its unlock session has ended", "cintui unlock")
    other = tmp_path / "other.db"
    shutil.copy2(encrypted_demo_store, other)
    unlock(other)  # any unlock clears away the sessions that have ended
    assert not found.exists()


def test_a_session_is_for_the_one_file_it_unlocked(cli, encrypted_demo_store, unlock,
                                                   tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy2(encrypted_demo_store, copy)
    unlock(encrypted_demo_store)
    one_line_error(cli("child", "list", "--db", copy), "is encrypted and it is not unlocked")
    # Another store put where the unlocked one was: its salt differs, the session says so.
    other = tmp_path / "other.db"
    os.environ["CINTUI_PASSPHRASE"] = PASSPHRASE
    try:
        assert cli("db", "init", "--db", other).code == 0
    finally:
        del os.environ["CINTUI_PASSPHRASE"]
    shutil.copy2(other, encrypted_demo_store)
    one_line_error(cli("child", "list", "--db", encrypted_demo_store),
                   "not the file that was unlocked")


def test_a_wrong_passphrase_unlocks_nothing(cli, encrypted_demo_store, sqlite_demo_store,
                                            monkeypatch):
    monkeypatch.setenv("CINTUI_PASSPHRASE", "not the passphrase")
    one_line_error(cli("unlock", "--db", encrypted_demo_store), "wrong passphrase",
                   "nothing unlocked")
    assert not (Path(os.environ["CINTUI_RUNTIME_DIR"]) / "sessions").exists() or not list(
        (Path(os.environ["CINTUI_RUNTIME_DIR"]) / "sessions").iterdir())
    one_line_error(cli("unlock", "--db", sqlite_demo_store), "not encrypted",
                   "nothing to unlock")
    for bad in ("13h", "0", "soon", "2d"):
        one_line_error(cli("unlock", "--for", bad, "--db", encrypted_demo_store), "--for")


def test_a_backup_taken_unlocked_opens_with_the_passphrase(cli, encrypted_demo_store,
                                                           unlock, tmp_path):
    """The raw key carries the file's own salt: a backup written with it is keyed as one
    written with the passphrase, so a restore months later needs only the passphrase."""
    unlock(encrypted_demo_store)
    backup = tmp_path / "backup.db"
    done = cli("db", "backup", "-o", backup, "--db", encrypted_demo_store)
    assert done.code == 0, done.err
    with connect(backup, PASSPHRASE) as conn:
        assert conn.all("SELECT count(*) FROM child")[0][0] == 25 + 12


def test_a_new_passphrase_ends_the_session(cli, encrypted_demo_store, unlock, tmp_path):
    found = unlock(encrypted_demo_store)
    new = tmp_path / "new"
    new.write_text("a new passphrase\n")
    new.chmod(0o600)
    done = cli("db", "rekey", "--db", encrypted_demo_store, "--new-passphrase-file", new)
    assert done.code == 0, done.err
    assert not found.exists()
    one_line_error(cli("child", "list", "--db", encrypted_demo_store), "it is not unlocked")


def test_eval_in_a_shell_then_commands_in_their_own_processes(encrypted_demo_store,
                                                              tmp_path):
    """As a script runs it: `eval "$(cintui unlock)"`, then commands with no passphrase."""
    secret = tmp_path / "pass"
    secret.write_text(PASSPHRASE + "\n")
    secret.chmod(0o600)
    cintui = f"{sys.executable} -m cintui"
    script = (f'eval "$({cintui} --passphrase-file {secret} unlock --for 5 '
              f'--db {encrypted_demo_store})"\n'
              f"{cintui} child list --json --db {encrypted_demo_store}\n"
              f"{cintui} lock --db {encrypted_demo_store}\n"
              f"{cintui} child list --db {encrypted_demo_store}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CINTUI_PASSPHRASE")}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)
    listed, _, rest = done.stdout.partition("]\n")
    assert len(json.loads(listed + "]")) == 25 + 12
    assert "Locked" in rest
    assert "is encrypted and it is not unlocked" in done.stderr


def test_a_session_file_others_could_read_or_write_is_never_trusted(cli, encrypted_demo_store,
                                                                    unlock):
    found = unlock(encrypted_demo_store)
    found.chmod(0o644)
    one_line_error(cli("child", "list", "--db", encrypted_demo_store), "it is not unlocked")
    found.chmod(0o600)
    assert cli("child", "list", "--db", encrypted_demo_store).code == 0


def test_a_shared_runtime_folder_is_left_as_it_was(cli, encrypted_demo_store, unlock,
                                                   tmp_path, monkeypatch):
    """CINTUI_RUNTIME_DIR may name a folder others use (/tmp): only cintui's own sessions
    folder inside it is made private, never the folder itself."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o1777)
    monkeypatch.setenv("CINTUI_RUNTIME_DIR", str(shared))
    found = unlock(encrypted_demo_store)
    assert shared.stat().st_mode & 0o7777 == 0o1777
    assert found.parent == shared / "sessions" and found.parent.stat().st_mode & 0o777 == 0o700
