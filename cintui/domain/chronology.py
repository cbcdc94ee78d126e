"""The chronology: the child's record in date order, the page a manager or inspector reads
first (DOMAIN.md §9; BEX 4: "All actions, decisions and arrangements should be fully
recorded on the child's case record … management decisions, which should identify the
rationale").

Entries come from plain facts, one small function per source (`episode_entries`,
`consent_entries`; visits, meetings and plan changes add their own beside them), so adding
a source never touches the others. Code labels (referral source, closure reason) are
looked up by the caller: the domain does not read the code lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from cintui.domain.consent import (
    SCOPE_LABELS,
    WITHHELD_LABELS,
    ConsentFact,
)
from cintui.domain.dates import day_words
from cintui.domain.endings import DECISION_KIND_LABELS, DecisionFact
from cintui.domain.fgc import FgcFact
from cintui.domain.short_breaks import DirectPaymentFact, ShortBreakFact
from cintui.domain.steps import referral_came
from cintui.domain.supervision import SupervisionFact
from cintui.domain.workforce import ReallocationFact

# Order on the same day: how a case moves, so a referral reads before the assessment it
# started, and a decision before the closure it led to.
KINDS: tuple[str, ...] = (
    "referral",
    "assessment",
    "protection",
    "plan",
    "visit",
    "meeting",
    "rag",
    "consent",
    "decision",
    "supervision",
    "allocation",
    "closure",
    "note",
)
KIND_LABELS = {
    "referral": "Referral",
    "assessment": "Assessment",
    "protection": "Child protection",
    "plan": "CIN plan",
    "visit": "Visit",
    "meeting": "Meeting",
    "rag": "RAG rating",
    "consent": "Consent",
    "decision": "Decision",
    "supervision": "Supervision",
    "allocation": "Allocation",
    "closure": "Closure",
    "note": "Note",
}
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class ChronologyEntry:
    when: date
    kind: str  # one of KINDS
    summary: str  # one line, plain words
    who: str = ""  # who did or decided it
    detail: str = ""  # rationale, notes
    ref: str = ""  # the source row's id, for links back

    def __post_init__(self) -> None:
        if self.kind not in _KIND_ORDER:
            raise ValueError(f"{self.kind!r} is not a chronology kind ({', '.join(KINDS)})")

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _sort_key(entry: ChronologyEntry) -> tuple[date, int, time]:
    # A visit may carry its time; dates and datetimes cannot be compared, so split them.
    if isinstance(entry.when, datetime):
        return entry.when.date(), _KIND_ORDER[entry.kind], entry.when.time()
    return entry.when, _KIND_ORDER[entry.kind], time.min


def build_chronology(entries: Iterable[ChronologyEntry]) -> list[ChronologyEntry]:
    """Oldest first; on the same day in KINDS order; otherwise as given (stable sort)."""
    return sorted(entries, key=_sort_key)


def filter_chronology(
    entries: Iterable[ChronologyEntry], kinds: set[str] | None = None, text: str = ""
) -> list[ChronologyEntry]:
    """Entries of the given kinds (None: all) whose summary, detail or who contain every word
    of `text`, ignoring case ("dental missed" finds "missed dental appointment"). Order kept."""
    if kinds is not None and not kinds <= _KIND_ORDER.keys():
        unknown = ", ".join(sorted(kinds - _KIND_ORDER.keys()))
        raise ValueError(f"not chronology kinds: {unknown}")
    words = text.casefold().split()
    return [
        e for e in entries
        if (kinds is None or e.kind in kinds) and _matches(e, words)
    ]


def _matches(entry: ChronologyEntry, words: list[str]) -> bool:
    haystack = "\n".join((entry.summary, entry.detail, entry.who)).casefold()
    return all(word in haystack for word in words)


# ---------------------------------------------------------------------- sources


@dataclass(frozen=True)
class StepWords:
    """What the case's steps add to an episode's entries (domain.steps; labels looked up by
    the caller): how the referral came, the decision on it, the worker's completion of the
    assessment, who authorised the assessment and the plan (TRA), and the outcome."""

    route: str = ""  # domain.steps.ROUTES
    source: str = ""  # the referral's census source code (5D: early help)
    early_help_plan_on: date | None = None
    decision: str = ""
    decided_on: date | None = None
    decided_by: str = ""
    decision_note: str = ""  # in the policy's time or late
    assessment_submitted: date | None = None
    authorised_by: str = ""
    outcome: str = ""
    level: str = ""
    plan_authorised_by: str = ""


def episode_entries(
    referral: date,
    referral_source_label: str = "",
    assessment_started: date | None = None,
    assessment_completed: date | None = None,
    cin_plan_start: date | None = None,
    closure_date: date | None = None,
    closure_reason_label: str = "",
    *,
    referral_nfa: bool = False,
    moved_in: date | None = None,
    initial_home_visit: date | None = None,
    support_started: date | None = None,
    cin_plan_end: date | None = None,
    step_down_decided: date | None = None,
    step_down_completed: date | None = None,
    closure_decided: date | None = None,
    family_told_of_closure: date | None = None,
    ref: str = "",
    referral_note: str = "",
    steps: StepWords = StepWords(),
) -> list[ChronologyEntry]:
    """One episode's milestones (a store Episode row's dates), each a dated entry.
    `referral_note` follows the referral ("re-referral, 40 days after the last closure");
    `steps` adds how the referral came, the decision and the authorisations."""
    source = referral_came(steps.source, referral_source_label, steps.route)
    source += f" ({referral_note})" if referral_note else ""
    plan = (f"early help plan of {day_words(steps.early_help_plan_on)}"
            if steps.early_help_plan_on else "")
    reason = f": {closure_reason_label}" if closure_reason_label else ""
    assessed = "; ".join(x for x in (f"outcome: {steps.outcome}" if steps.outcome else "",
                                     f"level of need: {steps.level}" if steps.level else "")
                         if x)
    # (date, kind, summary, who, detail) per milestone that has happened, in case order.
    milestones: list[tuple[date | None, str, str, str, str]] = [
        (moved_in, "referral", "Moved into this authority's area (transfer-in, BEX 4)", "", ""),
        (referral, "referral", f"Referral received{source}", "", plan),
        (referral if referral_nfa and not steps.decided_on else None, "decision",
         "Referral: no further action", "", ""),
        (steps.decided_on, "decision", f"Decision on the referral: {steps.decision}",
         steps.decided_by, steps.decision_note),
        (assessment_started, "assessment", "Assessment started", "", ""),
        (initial_home_visit, "visit", "Initial home visit", "", ""),
        (steps.assessment_submitted, "assessment",
         "Assessment completed and sent to the line manager for authorisation (TRA)", "",
         assessed),
        (assessment_completed, "assessment",
         "Assessment authorised by the line manager (TRA)" if steps.authorised_by
         else "Assessment completed", steps.authorised_by, assessed),
        (cin_plan_start, "plan", "CIN plan started, authorised by the line manager (TRA)"
         if steps.plan_authorised_by else "CIN plan agreed as needed",
         steps.plan_authorised_by, ""),
        (support_started, "plan", "CIN support started", "", ""),
        (cin_plan_end, "plan", "CIN plan ended", "", ""),
        (step_down_decided, "decision", "Step-down agreed", "", ""),
        (step_down_completed, "closure", "Step-down completed", "", ""),
        (closure_decided, "decision", "Closure decided", "", ""),
        (family_told_of_closure, "closure", "Family told of the closure decision", "", ""),
        (closure_date, "closure", f"Case closed{reason}", "", ""),
    ]
    return [ChronologyEntry(when, kind, summary, who=who, detail=detail, ref=ref)
            for when, kind, summary, who, detail in milestones if when is not None]


def circumstance_entries(facts: Iterable[tuple[date, str, str]]) -> list[ChronologyEntry]:
    """WAR 2.2.2: each change of the child's circumstances, (date, words, who recorded it)."""
    return [ChronologyEntry(on, "note", f"Circumstances: {words}", who=who)
            for on, words, who in facts]


def package_entries(facts: Iterable[ShortBreakFact | DirectPaymentFact]
                    ) -> list[ChronologyEntry]:
    """WAR 7, 7.2.1: each short break and direct payment started, each review (who, what
    was found, the next review set) and its end (why)."""
    out = []
    for f in facts:
        what = f.describe()
        word = "Short break" if isinstance(f, ShortBreakFact) else "Direct payment"
        out.append(ChronologyEntry(f.started_on, "plan", f"{what}: started", who=f.recorded_by,
                                   detail=f.notes, ref=f.ref))
        for r in f.reviews:
            out.append(ChronologyEntry(
                r.on, "plan", f"{word} reviewed (WAR 7.2.1): {what}", who=r.by,
                detail=" ".join(x for x in (r.notes, f"Next review by {_d(r.next_due)}."
                                            if r.next_due else "") if x), ref=r.ref))
        if f.ended_on:
            out.append(ChronologyEntry(f.ended_on, "plan", f"{what}: ended",
                                       detail=f.end_reason, ref=f.ref))
    return out


def _d(d: date) -> str:
    return f"{day_words(d)}"


def decision_entries(facts: Iterable[DecisionFact]) -> list[ChronologyEntry]:
    """BEX 4: each decision with who made it and the rationale."""
    return [ChronologyEntry(f.made_on, "decision",
                            f"{DECISION_KIND_LABELS.get(f.kind, f.kind)}: {f.decision}",
                            who=f.who, detail=f"Rationale: {f.rationale}", ref=f.ref)
            for f in facts]


def supervision_entries(facts: Iterable[SupervisionFact]) -> list[ChronologyEntry]:
    """STO 4.5, 8.5: each supervision of the case, the case direction decided and the
    actions agreed (who, by when); who was there."""
    out = []
    for f in facts:
        actions = "; ".join(f"{a.what} ({a.who}, by {day_words(a.by_when)})"
                            if a.by_when else f"{a.what} ({a.who})" for a in f.actions)
        detail = [f"Present: {f.present}" if f.present else "",
                  f"Discussed: {f.discussion}" if f.discussion else "",
                  f"Actions: {actions}" if actions else "",
                  f"Next supervision by {day_words(f.next_due)}"
                  if f.next_due else ""]
        out.append(ChronologyEntry(f.held_on, "supervision",
                                   f"Supervision (case direction): {f.decisions}",
                                   who=f.manager, detail="; ".join(x for x in detail if x),
                                   ref=f.ref))
    return out


def fgc_entries(facts: Iterable[FgcFact]) -> list[ChronologyEntry]:
    """WAR 4.2, 9.3; STO 6.13: each Family Group Conference referred, held (the family's own
    plan, joined to the CIN plan) or declined."""
    out = []
    for f in facts:
        to = f" (coordinator {f.coordinator})" if f.coordinator else ""
        out.append(ChronologyEntry(f.referred_on, "note",
                                   f"Referred for a Family Group Conference{to}",
                                   who=f.referred_by, ref=f.ref))
        if f.held_on:
            joined = f"; joined to CIN plan v{f.plan_version}" if f.plan_version else ""
            out.append(ChronologyEntry(f.held_on, "meeting",
                                       f"Family Group Conference held: the family's own "
                                       f"plan{joined}", detail=f.family_plan, ref=f.ref))
        if f.declined_on:
            out.append(ChronologyEntry(f.declined_on, "note",
                                       "Family Group Conference declined by the family",
                                       detail=f.reason, ref=f.ref))
    return out


def early_review_entry(asked: date | None, by: date | None, reason: str,
                       ref: str = "") -> list[ChronologyEntry]:
    """BEX 3: a review brought forward after a significant change, and why."""
    if asked is None or by is None:
        return []
    return [ChronologyEntry(asked, "meeting", f"Review brought forward to {by.day} "
                            f"{by:%b %Y} after a significant change (BEX 3)", detail=reason,
                            ref=ref)]


def allocation_entries(facts: Iterable[ReallocationFact]) -> list[ChronologyEntry]:
    """Each reallocation: to whom, from whom, who moved the child and why; a child no one
    held is allocated (a referral's first worker), not reallocated."""
    return [ChronologyEntry(f.on, "allocation", f"Reallocated to {f.to_worker} (from "
                            f"{f.from_worker})" if f.from_worker else f"Allocated to {f.to_worker}",
                            who=f.by, detail=f.reason, ref=f.ref)
            for f in facts]


def consent_entries(facts: Iterable[ConsentFact]) -> list[ChronologyEntry]:
    """Each consent decision; a BEX 4 override with its rationale; a WIR 2.2 decision."""
    entries: list[ChronologyEntry] = []
    for fact in facts:
        entries.append(_consent_entry(fact))
        withheld = _withheld_entry(fact)
        if withheld is not None:
            entries.append(withheld)
    return entries


def _consent_entry(fact: ConsentFact) -> ChronologyEntry:
    scope = SCOPE_LABELS.get(fact.scope, fact.scope)
    if fact.override_without_consent:
        rationale = fact.override_rationale.strip()
        missing = "" if rationale else " — no rationale recorded"
        return ChronologyEntry(
            fact.decided_on, "consent", f"{scope}: went ahead without consent (BEX 4){missing}",
            who=fact.who, detail=rationale or fact.notes, ref=fact.ref,
        )
    return ChronologyEntry(
        fact.decided_on, "consent", f"{scope}: consent {fact.decision} ({fact.method})",
        who=fact.who, detail=fact.notes, ref=fact.ref,
    )


def _withheld_entry(fact: ConsentFact) -> ChronologyEntry | None:
    record = fact.withheld
    if record is None:
        return None
    when = record.reflective_discussion_on or fact.decided_on
    if record.decision in WITHHELD_LABELS:
        return ChronologyEntry(
            when, "decision", f"Withheld consent (WIR 2.2): {WITHHELD_LABELS[record.decision]}",
            who=record.decided_by, detail=record.analysis, ref=fact.ref,
        )
    if record.reflective_discussion_on is not None:
        return ChronologyEntry(
            when, "note", "Reflective case discussion on withheld consent (WIR 2.2): "
            "no decision recorded yet", who=record.decided_by, detail=record.analysis,
            ref=fact.ref,
        )
    return None
