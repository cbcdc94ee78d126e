"""Management oversight of plans (BEX 3): every child with a CIN plan has a quality-assurance
audit or a case-mapping reflective discussion, facilitated by a practitioner from the
independent professional standards service, checking the plan meets the child's needs and
outcomes are progressing within the child's timescale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cintui.domain.dates import day_words

KINDS = {"audit": "Quality assurance audit", "case_mapping": "Case-mapping reflective discussion"}
# The kind in a table's column, each padded to the longest so what follows lines up.
KIND_WORDS = {"audit": "audit", "case_mapping": "case mapping"}
SHORT_WIDTH = 19  # "15 Dec 2025 NOT met": `describe(short=True)` at its longest


@dataclass(frozen=True)
class QualityCheckFact:
    kind: str
    held_on: date
    facilitator: str = ""
    needs_met: bool | None = None


@dataclass(frozen=True)
class QualityStatus:
    """Where a child with a plan stands: the last check since the plan started, if any."""

    plan_start: date | None
    last: QualityCheckFact | None

    @property
    def checked(self) -> bool:
        return self.last is not None

    def column(self, width: int) -> str:
        """A table's column of `width`: the short form first, what a manager reads first (the
        day, whether the needs were met), then, where there is room, the kind and who
        facilitated it, each under the one above: "15 Dec 2025 NOT met  audit         Dana
        Price (IPSS)", " 3 Oct 2026 met      case mapping  Jo Whitfield (IPSS)"; a name longer
        than the room left ends in "…". Too narrow for the kind (80 columns): the short form
        alone. No check yet: the whole words where they fit, else "none yet". The whole
        sentence lined nothing up, and lost "needs NOT met" off its end where it was cut."""
        if self.last is None:
            whole = self.describe()
            return whole if len(whole) <= width else self.describe(short=True)
        kind = max(map(len, KIND_WORDS.values()))
        if width < SHORT_WIDTH + 2 + kind:
            return self.describe(short=True)
        text = f"{self.describe(short=True):<{SHORT_WIDTH}}  {KIND_WORDS[self.last.kind]:<{kind}}"
        if width - len(text) - 2 < 6:  # no room for a name to be read by: the kind alone
            return text.rstrip()
        text = f"{text}  {self.last.facilitator}".rstrip()
        return text if len(text) <= width else text[:width - 1].rstrip() + "…"

    def describe(self, short: bool = False) -> str:
        """"Quality assurance audit 15 Dec 2025, Sam Okoro (IPSS), needs NOT met"; `short` (a
        table's column, at most 19 characters): "15 Dec 2025 NOT met", " 3 Dec 2026 met" (the
        day padded, so the months line up; the year whole: a check may be a year back),
        "none yet"."""
        if short:
            if self.last is None:
                return "none yet"
            met = {True: " met", False: " NOT met", None: ""}[self.last.needs_met]
            return f"{day_words(self.last.held_on, pad=True)}{met}"
        if self.last is None:
            return "none since the plan started (BEX 3)"
        met = {True: "needs met", False: "needs NOT met", None: ""}[self.last.needs_met]
        return ", ".join(x for x in (f"{KINDS[self.last.kind]} {day_words(self.last.held_on)}",
                                     self.last.facilitator, met) if x)


def quality_status(plan_start: date | None, checks: list[QualityCheckFact]) -> QualityStatus:
    """Checks before the current plan started belong to an earlier plan and do not count."""
    mine = [c for c in checks if plan_start is None or c.held_on >= plan_start]
    return QualityStatus(plan_start, max(mine, key=lambda c: c.held_on) if mine else None)


def _held_on(missing: str, held_on: date | None, today: date, after: date | None,
             too_soon: str) -> list[tuple[str, str]]:
    """The day a check or an audit took place: given, not in the future, not before what
    it looks at (`after`)."""
    if held_on is None:
        return [("held_on", missing)]
    if held_on > today:
        return [("held_on", "it cannot be in the future: record it once it has taken place")]
    if after is not None and held_on < after:
        return [("held_on", too_soon)]
    return []


def check_quality_check(kind: str, held_on: date | None, facilitator: str, findings: str,
                        today: date, plan_start: date | None) -> list[tuple[str, str]]:
    """(field, problem) for each thing wrong with a quality check about to be recorded."""
    out = []
    if kind not in KINDS:
        out.append(("kind", f"choose one of: {', '.join(KINDS.values())}"))
    out += _held_on("give the date it took place", held_on, today, plan_start,
                    f"the plan started on {day_words(plan_start)}: a check of this plan comes "
                    "after that" if plan_start else "")
    if not facilitator.strip():
        out.append(("facilitator", "name the practitioner who facilitated it (BEX 3: from "
                                   "the independent professional standards service)"))
    if not findings.strip():
        out.append(("findings", "say what it found: is the plan meeting the child's needs, "
                                "are outcomes progressing?"))
    return out


# ---------------------------------------------------------------- STO 7.13: step audits

# "An audit tool ... auditing cases that have recently stepped down to Early Help or stepped
# up from Early Help to Children's Services with an aim to identify any learning ... on a
# monthly basis." Recorded as a quality check of this kind, on the episode that stepped.
STEP_AUDIT = "step_audit"
STEP_AUDIT_LABEL = "Step-down / step-up audit (STO 7.13)"
DIRECTIONS = {"down": "Stepped down to early help", "up": "Stepped up from early help"}


@dataclass(frozen=True)
class StepAuditCase:
    """One case that stepped in the month, and its audit (None: not yet audited)."""

    episode_id: str
    child_id: str
    reference: str
    name: str
    worker: str
    direction: str  # "down" | "up"
    stepped_on: date
    audit: QualityCheckFact | None = None
    learning: str = ""

    @property
    def audited(self) -> bool:
        return self.audit is not None


def month_of(text: str | None, today: date) -> tuple[date, date]:
    """The first and last day of the month `YYYY-MM` (this month when empty); a ValueError
    in a worker's words otherwise."""
    import calendar

    if not text:
        year, month = today.year, today.month
    else:
        try:
            year, month = (int(part) for part in text.strip().split("-"))
            date(year, month, 1)
        except ValueError:
            raise ValueError(f"{text!r} is not a month: give it as YYYY-MM (2026-11)") from None
    first = date(year, month, 1)
    if first > today:
        raise ValueError(f"{first:%B %Y} has not begun: audit a month that has")
    return first, date(year, month, calendar.monthrange(year, month)[1])


def check_step_audit(held_on: date | None, auditor: str, learning: str, today: date,
                     stepped_on: date | None) -> list[tuple[str, str]]:
    """(field, problem) for each thing wrong with a step audit about to be recorded."""
    out = _held_on("give the date of the audit", held_on, today, stepped_on,
                   f"the case stepped on {day_words(stepped_on)}: its audit comes after that"
                   if stepped_on else "")
    if not auditor.strip():
        out.append(("facilitator", "name who audited the case"))
    if not learning.strip():
        out.append(("findings", "say what was learned (STO 7.13: the audit is for learning, "
                                "shared with the workforce)"))
    return out
