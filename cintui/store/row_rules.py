"""Checks on a table's rows that need nothing of the ORM, so `models.check_row` (every write
through a `Store`) and the light writer (store/quick.py) refuse the same rows with the same
words. A table the light writer writes keeps its row checks here."""

from __future__ import annotations

from cintui.domain.endings import ACTIVE_ENDINGS as ACTIVE_ENDINGS  # for the store's models
from cintui.domain.endings import DECISION_KINDS
from cintui.store.base import InvalidRow


def check_decision(row: object) -> None:
    """BEX 4: a decision has a kind, what was decided, its rationale and who made it."""
    if row.kind not in DECISION_KINDS:  # type: ignore[attr-defined]
        raise InvalidRow("kind", f"{row.kind!r} is not one of: "  # type: ignore[attr-defined]
                         f"{', '.join(DECISION_KINDS)}")
    if not (row.decision or "").strip():  # type: ignore[attr-defined]
        raise InvalidRow("decision", "say what was decided")
    if not (row.rationale or "").strip():  # type: ignore[attr-defined]
        raise InvalidRow("rationale", "give the rationale for the decision (BEX 4)")
    if not (row.made_by or "").strip():  # type: ignore[attr-defined]
        raise InvalidRow("made_by", "say who made the decision")
