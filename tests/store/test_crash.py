"""The crash suite, short (issue "Trust", Done when): real `cintui` processes writing to an
encrypted SQLite store are killed (SIGKILL) while they add records, import a caseload and
save a visit draft. Nothing a process said it had written is lost, an import stopped
part-way is finished by running it again (each row once), no record is written twice, and
the store opens and `cintui db check` finds it sound. ~15 kills here; `bench/crash.py` runs 400 and more (tests/crashing.py)."""

from __future__ import annotations

import pytest

from tests import crashing


@pytest.mark.slow
def test_killed_writers_lose_nothing_they_confirmed_and_the_store_stays_sound(tmp_path):
    tally = crashing.run(tmp_path / "crash", kills=15, seed=24)
    assert tally.kills >= 15
    assert tally.confirmed, "no write was confirmed before its process was killed"
    assert tally.lost == []
    assert tally.duplicates == 0
    # Killed between its batches (a busy machine: 5 rows, more than one batch), the same
    # command finishes it, saying so; whole from the start on a quiet one.
    for batch, before, after, said in tally.resumed_imports:
        assert (batch, after) == (batch, 5), said
        assert "stopped part-way" in said and f"{before} of its rows" in said, said
    code, said = tally.checks[-1]
    assert code == 0 and said.startswith("The store is sound"), said
