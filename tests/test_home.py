"""The suite never touches the home folder of the person running it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import (
    REAL_USER_FOLDERS,
    REAL_USER_LISTING,
    TODAY,
    listing,
    run_subprocess,
    user_folders,
)


def test_commands_in_tests_leave_the_real_home_folder_as_it_was(cli, tmp_path):
    """What writes to the config and data folders (the bank-holiday cache, the audit heads,
    a crash log), in-process and in a subprocess, lands in the test's own folders; nothing
    appeared in the real ones since the session started (on a fresh machine: they don't
    exist)."""
    assert Path.home().is_relative_to(tmp_path)
    assert all(folder.is_relative_to(tmp_path) for folder in user_folders())
    db = tmp_path / "demo.db"
    assert cli("demo", "--children", "5", "--db", db, "--no-encrypt",
               "--today", TODAY.isoformat()).code == 0
    assert run_subprocess("deadline", TODAY.isoformat(), "--working-days", "10").returncode == 0
    assert run_subprocess("child", "list", "--db", db).returncode == 0
    assert (tmp_path / "config" / "bank-holidays.json").exists()
    assert (tmp_path / "config" / "audit-heads.json").exists()
    assert listing(REAL_USER_FOLDERS) == REAL_USER_LISTING
