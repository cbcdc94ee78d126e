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
