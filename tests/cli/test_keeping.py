"""The keeper's tools (issue 24, "Trust"): `db backup --verify`, `db restore`, `db rekey`,
and backups anchored to the audit head they were taken at, so a trail cut short and
written on is caught after a restore too. Store files (SQLite/SQLCipher): a team server's
backups are pg_dump's."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlcipher3

from tests.conftest import PASSPHRASE

NEW_PASSPHRASE = "another long passphrase"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def config_dir(tmp_path) -> Path:
    """cintui's config folder in tests (tests/conftest.py: private_env)."""
    return Path(os.environ["CINTUI_CONFIG_DIR"])


@pytest.fixture
def secret(tmp_path):
    """A 0600 file holding the store's passphrase, for --passphrase-file."""
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    path.chmod(0o600)
    return path


def new_passphrase_file(tmp_path) -> Path:
    path = tmp_path / "new-passphrase"
    path.write_text(NEW_PASSPHRASE + "\n")
    path.chmod(0o600)
    return path


def add_child(cli, db, first: str, *pre: str):
    result = cli(*pre, "child", "add", "--first-name", first, "--last-name", "Kept", "--dob",
                 "2015-02-03", "--db", db, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)["reference"]


def references(cli, db, *pre: str) -> set[str]:
    result = cli(*pre, "child", "list", "--db", db, "--json")
    assert result.code == 0, result.err
    return {c["reference"] for c in json.loads(result.out)}


# ------------------------------------------------------------------ backup --verify


def test_backup_verify_opens_and_checks_the_copy_and_leaves_it_untouched(
        cli, encrypted_demo_store, secret, tmp_path, config_dir):
    backup = tmp_path / "backups" / "monday.db"
    backup.parent.mkdir()
    result = cli("--passphrase-file", secret, "db", "backup", "--db", encrypted_demo_store,
                 "-o", backup, "--verify")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith(f"Backed up to {backup} (")
    assert lines[1].startswith(f"Checked {backup}: it opens with the passphrase, every page "
                               "and index is sound, its audit trail is whole (")
    assert "every record matches its history" in lines[1]
    # The head it was taken at: beside it and in the config folder, both 0600.
    side = backup.with_name("monday.db.head")
    head = json.loads(side.read_text())
    assert head["sha256"] == sha(backup) and mode(side) == 0o600 and mode(backup) == 0o600
    kept = json.loads((config_dir / "backup-heads.json").read_text())
    assert kept[sha(backup)]["seq"] == head["seq"]
    assert sorted(p.name for p in backup.parent.iterdir()) == ["monday.db", "monday.db.head"]
    # Checking again later reads a copy: the backup's bytes never change.
    before = sha(backup)
    again = cli("--passphrase-file", secret, "db", "backup", "--db", encrypted_demo_store,
                "-o", tmp_path / "backups" / "tuesday.db", "--verify")
    assert again.code == 0 and sha(backup) == before
    # A folder ("backups/", as a script writes it) or a missing one: one line, nothing written.
    for where, said in ((f"{backup.parent}/", f"{backup.parent}/ is a folder: give the name "
                         "of the file to write in it"),
                        (f"{tmp_path}/gone/wed.db", f"no such folder: {tmp_path}/gone")):
        refused = cli("--passphrase-file", secret, "db", "backup", "--db",
                      encrypted_demo_store, "-o", where)
        assert refused.code == 2 and refused.err.strip() == f"cintui: {said}"
    assert len(list(backup.parent.iterdir())) == 4 and not (tmp_path / "gone").exists()


def test_a_server_store_is_backed_up_with_pg_dump_in_one_line(cli, tmp_path):
    for args in (("db", "backup", "-o", tmp_path / "x.dump"), ("db", "restore", tmp_path / "x")):
        result = cli(*args, "--db", "postgresql+psycopg://worker@127.0.0.1/cin")
        assert result.code == 2 and result.err.count("\n") == 1
        assert "pg_dump" in result.err and "pg_restore" in result.err
        assert "Keeping the data safe" in result.err


# ------------------------------------------------------------------ restore


def test_restore_puts_the_backup_back_keeps_the_store_aside_and_verify_passes(
        cli, sqlite_demo_store, tmp_path):
    db = sqlite_demo_store
    backup = tmp_path / "before.db"
    assert cli("db", "backup", "--db", db, "-o", backup).code == 0
    later = add_child(cli, db, "Later")  # written after the backup
    result = cli("db", "restore", backup, "--db", db)
    assert result.code == 0, result.err
    assert result.out.startswith(f"Restored {backup} to {db}: ")
    assert "the head recorded when it was taken" in result.out
    aside = Path(result.out.split("kept at ")[1].split(" (0600)")[0])
    assert aside.name.startswith("demo.db.replaced-") and mode(aside) == 0o600
    assert later not in references(cli, db)
    assert later in references(cli, aside)  # nothing lost: the replaced store is whole
    # The restored head is accepted: verify and check pass, though the head was newer.
    verify = cli("audit", "verify", "--db", db)
    assert verify.code == 0, verify.out
    assert cli("db", "check", "--db", db).code == 0
    # And the restore itself is in the trail.
    assert "restored_from" in sqlite3.connect(db).execute(
        "SELECT changes FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0]


def test_restore_of_an_encrypted_store_needs_the_backups_passphrase(
        cli, encrypted_demo_store, secret, tmp_path):
    backup = tmp_path / "b.db"
    assert cli("--passphrase-file", secret, "db", "backup", "--db", encrypted_demo_store,
               "-o", backup).code == 0
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    wrong.chmod(0o600)
    before = sha(encrypted_demo_store)
    refused = cli("--passphrase-file", wrong, "db", "restore", backup, "--db",
                  encrypted_demo_store)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "wrong passphrase" in refused.err and sha(encrypted_demo_store) == before
    done = cli("--passphrase-file", secret, "db", "restore", backup, "--db",
               encrypted_demo_store)
    assert done.code == 0, done.err
    assert cli("--passphrase-file", secret, "db", "check", "--db",
               encrypted_demo_store).code == 0


def _cut_and_write_on(path: Path, keep: int, writes: int) -> None:
    """As someone holding the file would: delete the newest audit entries past `keep`, then
    make ordinary-looking writes, each chained properly onto the shortened trail."""
    from cintui.store.chain import GENESIS
    from cintui.store.chain import link as _link

    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE seq > ?", (keep,))
    seq, prev = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC "
                             "LIMIT 1").fetchone() or (0, GENESIS)
    for n in range(writes):
        seq += 1
        at = f"2026-11-2{n}T09:00:00.000000+00:00"
        changes = json.dumps({"value": [None, f"forged {n}"]})
        digest = _link(prev, seq, at, "someone", "insert", "store_meta", f"k{n}", changes)
        conn.execute("INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, "
                     "changes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (seq, at.replace("T", " ")[:26], "someone", "insert", "store_meta",
                      f"k{n}", changes, prev, digest))
        prev = digest
    conn.commit()
    conn.close()


def test_a_backup_cut_short_and_written_on_is_not_restored(cli, sqlite_demo_store, tmp_path):
    """Its file is no longer the one whose head was recorded; even with its .head file made
    to name the changed file, the trail past the cut is not the one taken."""
    db, backup = sqlite_demo_store, tmp_path / "b.db"
    assert cli("db", "backup", "--db", db, "-o", backup).code == 0
    side = backup.with_name("b.db.head")
    head = json.loads(side.read_text())
    _cut_and_write_on(backup, head["seq"] - 3, 5)  # now longer than it was
    before = sha(db)
    refused = cli("db", "restore", backup, "--db", db)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "has no recorded head" in refused.err
    side.write_text(json.dumps(head | {"sha256": sha(backup)}))  # the side file forged too
    refused = cli("db", "restore", backup, "--db", db)
    assert refused.code == 2, refused.out
    assert f"entry {head['seq']} is not the one written" in refused.err
    assert sha(db) == before and not list(tmp_path.glob("*.replaced-*"))


def test_truncation_then_new_writes_after_a_restore_is_caught(cli, sqlite_demo_store,
                                                               tmp_path):
    db, backup = sqlite_demo_store, tmp_path / "b.db"
    assert cli("db", "backup", "--db", db, "-o", backup).code == 0
    add_child(cli, db, "Gone")
    assert cli("db", "restore", backup, "--db", db).code == 0
    add_child(cli, db, "After")
    newest = sqlite3.connect(db).execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE seq > ?", (newest - 2,))
    conn.commit()
    conn.close()
    for name in ("One", "Two", "Three", "Four"):  # ordinary writes, past the old newest
        add_child(cli, db, name)
    result = cli("audit", "verify", "--db", db)
    assert result.code == 1
    assert f"entry {newest} is not the one written" in result.out


def test_an_unanchored_backup_is_restored_only_when_asked(cli, sqlite_demo_store, tmp_path,
                                                          config_dir):
    db, backup = sqlite_demo_store, tmp_path / "b.db"
    assert cli("db", "backup", "--db", db, "-o", backup).code == 0
    (config_dir / "backup-heads.json").unlink()  # another computer took it ...
    backup.with_name("b.db.head").unlink()  # ... and its .head file was lost
    refused = cli("db", "restore", backup, "--db", db)
    assert refused.code == 2 and "--accept-unanchored" in refused.err
    done = cli("db", "restore", backup, "--db", db, "--accept-unanchored")
    assert done.code == 0, done.err
    assert "no head was recorded" in done.out


# ------------------------------------------------------------------ rekey


def test_rekey_changes_the_passphrase_and_the_old_one_no_longer_opens(
        cli, encrypted_demo_store, secret, tmp_path):
    db = encrypted_demo_store
    refs = references(cli, db, "--passphrase-file", secret)
    result = cli("--passphrase-file", secret, "db", "rekey", "--db", db,
                 "--new-passphrase-file", new_passphrase_file(tmp_path))
    assert result.code == 0, result.err
    assert "open it with the new one" in result.out
    old = cli("--passphrase-file", secret, "child", "list", "--db", db)
    assert old.code == 2 and "wrong passphrase" in old.err
    new = new_passphrase_file(tmp_path)
    assert references(cli, db, "--passphrase-file", new) == refs
    assert cli("--passphrase-file", new, "db", "check", "--db", db).code == 0
    assert mode(db) == 0o600
    assert not [p for p in db.parent.iterdir() if ".rekey-" in p.name]


def test_rekey_never_takes_the_passphrase_on_the_command_line(cli, encrypted_demo_store,
                                                             secret):
    result = cli("--passphrase-file", secret, "db", "rekey", "--db", encrypted_demo_store)
    assert result.code == 2 and result.err.count("\n") == 1
    assert "--new-passphrase-file" in result.err and "never on the command line" in result.err
    assert "--new-passphrase " not in cli("db", "rekey", "--help").out


def test_rekey_of_a_plain_store_is_one_line(cli, sqlite_demo_store, tmp_path):
    result = cli("db", "rekey", "--db", sqlite_demo_store, "--new-passphrase-file",
                 new_passphrase_file(tmp_path))
    assert result.code == 2 and "is not encrypted" in result.err


# Kill `db rekey` (SIGKILL) at the moment it is about to rename the checked copy over the
# store, or just after: either way the store opens, whole, with one of the passphrases.
KILL_AT_RENAME = """
import os, signal, sys
real = os.replace
def replace(src, dst, *a, **k):
    if os.environ["KILL_WHEN"] == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst, *a, **k)
    if ".rekey-" in str(src):
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from cintui.cli.main import run
run(sys.argv[1:])
"""


def _opens_with(path: Path, passphrase: str) -> bool:
    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute("PRAGMA key = '{}'".format(passphrase.replace("'", "''")))
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlcipher3.DatabaseError:
        return False
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.parametrize("when", ["before", "after"])
def test_rekey_killed_at_the_rename_leaves_a_store_that_opens(cli, encrypted_demo_store,
                                                             secret, tmp_path, when):
    db = encrypted_demo_store
    refs = references(cli, db, "--passphrase-file", secret)
    new = new_passphrase_file(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", KILL_AT_RENAME, "--passphrase-file", str(secret), "db",
         "rekey", "--db", str(db), "--new-passphrase-file", str(new)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**os.environ, "KILL_WHEN": when})
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    now = PASSPHRASE if when == "before" else NEW_PASSPHRASE
    assert _opens_with(db, now) and not _opens_with(db, {PASSPHRASE: NEW_PASSPHRASE,
                                                         NEW_PASSPHRASE: PASSPHRASE}[now])
    key = secret if when == "before" else new
    assert references(cli, db, "--passphrase-file", key) == refs


def test_the_backup_an_upgrade_takes_is_anchored_and_restores(cli, tmp_path):
    """An older store is backed up next to itself before it is upgraded: that backup is
    anchored too, and restoring it upgrades the private copy, never the backup."""
    from cintui.store.engine import _create_store_at

    db = tmp_path / "old.db"
    _create_store_at(db, None, encrypt=False, revision="0018").close()
    upgraded = cli("child", "add", "--first-name", "Up", "--last-name", "Graded", "--dob",
                   "2015-01-01", "--db", db)
    assert upgraded.code == 0, upgraded.err
    backup = next(tmp_path.glob("old.db.before-0018-*.bak"))
    assert backup.with_name(backup.name + ".head").is_file()
    before = sha(backup)
    restored = cli("db", "restore", backup, "--db", db)
    assert restored.code == 0, restored.err
    assert sha(backup) == before and references(cli, db) == set()
    assert cli("db", "check", "--db", db).code == 0
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []
