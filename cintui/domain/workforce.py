"""Workers and caseloads: pure rules the app and reports share."""

from __future__ import annotations

from dataclasses import dataclass

TYPICAL_CASELOAD = range(15, 22)  # WAR 3.5 / 6.2.1: about 15, county average 16-21


@dataclass(frozen=True)
class WorkerSummary:
    username: str
    name: str
    role: str
    team: str
    open_children: int


def typical_worker(workers: list[WorkerSummary]) -> WorkerSummary | None:
    """A social worker with a typical caseload (to open a demo store as), else the busiest."""
    social = [w for w in workers if w.role == "social_worker"]
    typical = [w for w in social if w.open_children in TYPICAL_CASELOAD]
    if typical:
        return typical[0]
    return max(social, key=lambda w: w.open_children, default=None)
