"""What a sync changed, as the app says it after F5 (issue 19)."""

from __future__ import annotations

from cintui.casework import laptop
from cintui.store.sync import SyncResult


def test_after_a_sync_the_app_says_what_changed():
    said = laptop.summary(SyncResult(pushed=3, sent=5, conflicts=1, pulled=12, deleted=1,
                                     left=["CIN000104"]))
    assert said == ("Synced: 3 changes sent, 12 records brought down, 1 deleted on the "
                    "server. Left this laptop (no longer your case or your team's): "
                    "CIN000104. 1 new conflict to resolve (F6).")
    assert laptop.summary(SyncResult(pushed=1, pulled=1)) == \
        "Synced: 1 change sent, 1 record brought down."


def test_a_sync_whose_every_change_became_a_conflict_says_so():
    """It said "Synced: 0 changes sent" when the server took none of what it sent, each a
    conflict: read as nothing to send. Now it says what happened."""
    said = laptop.summary(SyncResult(pushed=0, sent=4, conflicts=2, pulled=3))
    assert said == ("Synced: 2 changes not taken: conflicts to resolve (F6); 3 records "
                    "brought down.")
    assert laptop.summary(SyncResult(sent=1, conflicts=1, pulled=2), "cintui sync conflicts") \
        == ("Synced: 1 change not taken: a conflict to resolve (cintui sync conflicts); "
            "2 records brought down.")
