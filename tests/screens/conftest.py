"""Shared by the screen tests."""

from __future__ import annotations

import pytest

from cintui.casework import drafts


@pytest.fixture(autouse=True)
def _slow_writes_are_waited_for(monkeypatch):
    """Closing a visit or the minutes asks whether to wait when the draft's last write takes
    over a second (`drafts.CLOSE_WAIT_SECONDS`): a store held by another cintui, which
    test_contention.py checks with failing writes. On a loaded CI machine a PostgreSQL write
    once took longer, and Esc met that question; here a slow write is waited for."""
    monkeypatch.setattr(drafts, "CLOSE_WAIT_SECONDS", 30.0)


@pytest.fixture(autouse=True)
def _keys_held_as_long_as_a_loaded_machine_needs(monkeypatch):
    """Keys typed after a command are held for what it opens, and let go after
    `held_keys.HOLD_LIMIT_SECONDS` (5 s) if it never opens, so the keyboard is never dead.
    On a loaded CI machine (4 workers on 2 cores, load ~6) the manager's Enter on the
    waiting list took longer than that to open the record and its decision form, and the
    decision typed on was let go to the record, not the form's boxes: the test then
    measured the machine. Here the keys wait for the screen as long as it takes."""
    from cintui import held_keys

    monkeypatch.setattr(held_keys, "HOLD_LIMIT_SECONDS", 60.0)
