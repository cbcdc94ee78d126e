"""A statutory visit as plain values (DOMAIN.md §4; WIR 2.11, BEX 3).

The record has the WIR 2.11 headings, in their order, beside the facts (when, where, whether
the child was seen, seen alone, whether the bedroom was seen, who else was there). A visit
is written as a draft, finalised (then locked), and corrected only by dated, attributed
addenda (the ICO's "amend, don't overwrite"). Pure: no Textual, no SQL, no clock reads.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from itertools import groupby
from typing import Any

from cintui.domain.dates import day_words

VISIT_KINDS = ("home", "school", "office", "virtual", "other")
KIND_LABELS = {"home": "Home", "school": "School", "office": "Office", "virtual": "Virtual",
               "other": "Other"}


@dataclass(frozen=True)
class Heading:
    field: str
    title: str
    prompt: str  # the seed's prompt, shown as the empty box's placeholder
    group: str = ""  # "Progress of the CIN plan" for the three sub-headings


# WIR 2.11: the visit record's headings, in this order.
PROGRESS = "Progress of the CIN plan"
HEADINGS: tuple[Heading, ...] = (
    Heading("purpose", "Purpose of visit", "Why you visited today, and what was planned"),
    Heading("childs_comments", "Child's comments",
            "Complaints, requests, comments: in the child's own words where you can"),
    Heading("childs_welfare", "Child's welfare", "Happiness, appearance, mood, behaviour"),
    Heading("parents_comments", "Parent's comments", "What parents or carers said"),
    Heading("health", "Health",
            "Health or development concerns, injuries, hospital or GP contacts", PROGRESS),
    Heading("education", "Education",
            "School issues; care arrangements if not in school", PROGRESS),
    Heading("care_and_support", "Standard of care & support networks",
            "Physical standards, emotional care, quality of interactions, help received; "
            "has the child's bedroom been seen?", PROGRESS),
    Heading("analysis", "Analysis of visit & actions",
            "What this visit tells you about the child's needs and the plan; what happens "
            "next, by whom, by when"),
)
TEXT_FIELDS = tuple(h.field for h in HEADINGS)
HEADING_TITLES = {h.field: h.title for h in HEADINGS}
MAX_TEXT = 20_000  # characters under one heading: several pages


def heading_from(field: str, step: int = 1) -> str | None:
    """The first box of the WIR 2.11 heading after (`step` 1) or before (-1) the one `field`
    is under, or None past either end. The three boxes under "Progress of the CIN plan"
    are one heading: from any of them the next is the analysis."""
    groups = [[h.field for h in under]
              for _key, under in groupby(HEADINGS, key=lambda h: h.group or h.field)]
    at = next(i for i, members in enumerate(groups) if field in members)
    to = at + step
    return groups[to][0] if 0 <= to < len(groups) else None


class InvalidVisit(ValueError):
    """A visit that cannot be finalised as typed: `field` names the box."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Present:
    """Someone else at the visit: from the child's People (person_id) or typed."""

    name: str
    person_id: uuid.UUID | None = None


@dataclass(frozen=True)
class VisitContent:
    """What a worker records: the facts and the text under each heading."""

    visited_at: datetime  # local wall-clock time of the visit
    kind: str = "home"
    child_seen: bool = True
    seen_alone: bool = True
    bedroom_seen: bool = True
    present: tuple[Present, ...] = ()
    purpose: str = ""
    childs_comments: str = ""
    childs_welfare: str = ""
    parents_comments: str = ""
    health: str = ""
    education: str = ""
    care_and_support: str = ""
    analysis: str = ""
    # Plan actions progressed at this visit: action key -> new status (the plan seam).
    progress: tuple[tuple[uuid.UUID, str], ...] = ()

    def text(self, name: str) -> str:
        return getattr(self, name)

    @property
    def is_blank(self) -> bool:
        return not any(self.text(f).strip() for f in TEXT_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: what a draft stores."""
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["visited_at"] = self.visited_at.isoformat(timespec="minutes")
        out["present"] = [{"name": p.name, "person_id": p.person_id.hex if p.person_id else None}
                          for p in self.present]
        out["progress"] = [[key.hex, status] for key, status in self.progress]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VisitContent:
        """Back from `to_dict` (a draft); unknown keys are ignored, missing ones default."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["visited_at"] = datetime.fromisoformat(str(data["visited_at"]))
        values["present"] = tuple(
            Present(str(p["name"]), uuid.UUID(p["person_id"]) if p.get("person_id") else None)
            for p in data.get("present") or ())
        values["progress"] = tuple((uuid.UUID(k), str(s)) for k, s in data.get("progress") or ())
        for name in ("child_seen", "seen_alone", "bedroom_seen"):
            if name in values:
                values[name] = bool(values[name])
        for name in TEXT_FIELDS:
            values[name] = str(values.get(name) or "")
        return cls(**values)


@dataclass(frozen=True)
class Addendum:
    """A correction or later information, under the visit: never an edit of it."""

    written_at: datetime
    author: str
    text: str


@dataclass(frozen=True)
class VisitRecord:
    """A finalised visit as read back: the content, who wrote it, and its addenda."""

    id: uuid.UUID
    content: VisitContent
    author: str
    finalised_at: datetime | None
    addenda: tuple[Addendum, ...] = ()
    progressed: tuple[tuple[str, str], ...] = ()  # (action text, status label) ticked here
    # The old system's last visit, from a caseload file: its day alone is known (no time,
    # not whether the child was seen alone or the bedroom seen).
    imported: bool = False

    @property
    def visited_at(self) -> datetime:
        return self.content.visited_at


@dataclass(frozen=True)
class VisitHistory:
    """The record of a child's visits in a period: what `export visits` writes."""

    child_name: str
    child_reference: str
    dob: date | None
    start: date | None  # None: from the first visit
    end: date | None  # None: to the last
    visits: tuple[VisitRecord, ...]  # oldest first
    gaps: tuple[VisitGap, ...] = ()  # over-long gaps in the period
    rule: str = ""  # "every 20 working days, WIR 2.11"
    policy: str = ""
    produced_on: date | None = None


# ------------------------------------------------------------------ checks


@dataclass(frozen=True)
class VisitProblem:
    field: str  # the box it belongs beside: a TEXT_FIELDS name or a fact's name
    message: str
    rule: str = ""  # e.g. "WIR 2.11"
    fact: str = ""  # a fact that settles it instead, if it was so (seen alone, bedroom seen)

    def __str__(self) -> str:
        return f"{self.message} ({self.rule})" if self.rule else self.message


# A reason "in analysis" is a sentence there that talks about the thing not done.
_ALONE = re.compile(r"\balone\b|\bon (?:his|her|their) own\b|\bby (?:him|her|them)sel(?:f|ves)\b"
                    r"|\bprivately\b|\bin private\b|\bone[- ]to[- ]one\b|\b1[:-]1\b", re.I)
_BEDROOM = re.compile(r"\bbed ?rooms?\b|\bsleeping\b|\bwhere (?:he|she|they) sleeps?\b|"
                      r"\b(?:his|her|their) room\b", re.I)
_NOT_SEEN = re.compile(r"\bsee\b|\bseen\b|\bsaw\b|\bmeet\b|\bmet\b|\baway\b|\babsent\b|"
                       r"\bnot (?:at )?home\b|\bno answer\b|\brefused\b|\bunwell\b|\basleep\b",
                       re.I)


def visit_problems(content: VisitContent, now: datetime, dob: date | None = None) \
        -> list[VisitProblem]:
    """What stops the visit being finalised, each beside its box (WIR 2.11)."""
    out: list[VisitProblem] = []
    at = content.visited_at
    if at > now:
        out.append(VisitProblem("visited_at", "The visit is in the future: record a visit "
                                "after it has happened"))
    if dob is not None and at.date() < dob:
        out.append(VisitProblem("visited_at", f"The visit is before the child was born "
                                f"({day_words(dob)})"))
    if content.kind not in VISIT_KINDS:
        out.append(VisitProblem("kind", f"Choose the type of visit: {', '.join(VISIT_KINDS)}"))
    if content.seen_alone and not content.child_seen:
        out.append(VisitProblem("seen_alone", "A child who was not seen cannot have been seen "
                                "alone"))
    analysis = content.analysis
    if not content.child_seen and not _NOT_SEEN.search(analysis):
        out.append(VisitProblem("analysis", "The child was not seen: say why in Analysis of "
                                "visit & actions, and when they will be seen", "WIR 2.11"))
    elif content.child_seen and not content.seen_alone and not _ALONE.search(analysis):
        out.append(VisitProblem("analysis", "The child was not seen alone: if they were, record "
                                "it; if not, say why in Analysis of visit & actions (use the "
                                "word 'alone')", "WIR 2.11", fact="seen_alone"))
    if (content.child_seen and not content.bedroom_seen and content.kind == "home"
            and not _BEDROOM.search(analysis)):
        out.append(VisitProblem("analysis", "The bedroom was not seen: if it was, record it; if "
                                "not, say why in Analysis of visit & actions (use the word "
                                "'bedroom')", "WIR 2.11", fact="bedroom_seen"))
    if not content.purpose.strip():
        out.append(VisitProblem("purpose", "Write the purpose of the visit", "WIR 2.11"))
    if not analysis.strip():
        out.append(VisitProblem("analysis", "Write the analysis of the visit and the actions "
                                "that follow", "WIR 2.11"))
    for name in TEXT_FIELDS:
        if len(content.text(name)) > MAX_TEXT:
            out.append(VisitProblem(name, f"{HEADING_TITLES[name]} is over {MAX_TEXT:,} "
                                    "characters: move the rest to an addendum or a document"))
    return out


def check_visit(content: VisitContent, now: datetime, dob: date | None = None) -> None:
    """Raise `InvalidVisit` for the first problem (for use cases that must refuse)."""
    problems = visit_problems(content, now, dob)
    if problems:
        raise InvalidVisit(problems[0].field, str(problems[0]))


def check_addendum(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InvalidVisit("addendum", "Write what the addendum adds or corrects")
    if len(cleaned) > MAX_TEXT:
        raise InvalidVisit("addendum", f"An addendum is at most {MAX_TEXT:,} characters")
    return cleaned


def with_facts(content: VisitContent, **changes: Any) -> VisitContent:
    """A copy with facts changed; a child not seen is not seen alone (kept consistent)."""
    updated = replace(content, **changes)
    if not updated.child_seen and updated.seen_alone:
        updated = replace(updated, seen_alone=False)
    return updated


# ------------------------------------------------------------------ gaps between visits


@dataclass(frozen=True)
class VisitGap:
    """A stretch between visits where the child was seen, longer than the policy allows."""

    after: date  # the visit (or plan start) the clock ran from
    until: date | None  # the next visit where the child was seen (None: still open)
    due: date  # when the next visit was due
    days_late: int  # working days past `due` until `until` (or today)


def visit_gaps(seen_dates: Iterable[date], due_after: Any, *, start: date | None = None,
               today: date | None = None, working_days_between: Any = None) -> list[VisitGap]:
    """Gaps between consecutive visits where the child was seen, longer than the policy.

    `due_after(d)` is the date the next visit falls due after one on `d` (the policy's visit
    timescale, e.g. 20 working days, WIR 2.11; 4 weeks, BEX 3). `start`: the plan's start,
    the clock's first anchor. With `today`, an open gap after the last visit is included.
    `working_days_between(a, b)` counts the lateness (defaults to calendar days)."""
    count = working_days_between or (lambda a, b: (b - a).days)
    days = sorted(set(seen_dates))
    if start is not None:
        days = [start, *(d for d in days if d > start)]
    out: list[VisitGap] = []
    for prev, nxt in zip(days, days[1:], strict=False):
        due = due_after(prev)
        if nxt > due:
            out.append(VisitGap(prev, nxt, due, count(due, nxt)))
    if today is not None and days:
        due = due_after(days[-1])
        if today > due:
            out.append(VisitGap(days[-1], None, due, count(due, today)))
    return out


def gap_before(gaps: Sequence[VisitGap], day: date) -> VisitGap | None:
    """The gap that ended with the visit on `day`, if there was one."""
    return next((g for g in gaps if g.until == day), None)


__all__ = [
    "HEADINGS", "HEADING_TITLES", "KIND_LABELS", "PROGRESS", "TEXT_FIELDS", "VISIT_KINDS",
    "Addendum", "Heading", "InvalidVisit", "Present", "VisitContent", "VisitGap",
    "VisitHistory", "VisitProblem", "VisitRecord", "check_addendum", "check_visit", "gap_before",
    "heading_from", "visit_gaps", "visit_problems", "with_facts",
]
