"""The full store opened in the background (`access.BackgroundStore`) while the first screen
paints from the light reader: when opening fails (a team server restarted, a file moved
meanwhile), the reason reaches whoever wants the store, as one line, instead of escaping the
opening thread and leaving the app a store of None (seen in CI: an unhandled exception in
the "open-store" thread)."""

from __future__ import annotations

import threading

import pytest

from cintui.store import access
from cintui.store.base import StoreError


def test_a_failed_background_open_is_said_where_the_store_is_wanted(monkeypatch, tmp_path):
    escaped = []
    monkeypatch.setattr(threading, "excepthook", lambda args: escaped.append(args))

    def gone(location, passphrase):
        raise StoreError("cannot use postgresql://team@server/cin: terminating connection "
                         "due to administrator command")

    monkeypatch.setattr(access, "open_location", gone)
    background = access.BackgroundStore(access.StoreLocation(path=tmp_path / "team.db"))
    background.expect(None)
    background.open_soon()
    with pytest.raises(StoreError, match="terminating connection"):
        background.get()
    assert escaped == [] and background.store is None
