"""Forms around a CIN meeting: booking one (WIR 2.8-2.9, BEX 3), cancelling or rebooking it
(WIR 2.9), saying when it is really held when that is not the day booked, and recording who
the minutes went to (WIR 2.3, 2.8)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from textual.widget import Widget
from textual.widgets import SelectionList, Static

from cintui.casework import meetings
from cintui.domain.dates import day_text
from cintui.domain.meeting import (
    KIND_LABELS,
    MEETING_KINDS,
    PRACTICAL,
    PRACTICAL_LABELS,
    Invitee,
    Schedule,
    held_at_problem,
    schedule_problems,
    school_hours_warning,
    soon_after_warning,
)

from .forms import FormScreen, parse_date
from .visit import parse_when, show_when


class ScheduleFormScreen(FormScreen):
    """Book a meeting: kind, when, where, chair, who is invited, practical arrangements."""

    ALIASES = {"starts_at": "when"}

    def __init__(self, child_id: uuid.UUID, invitees: list[Invitee], age: int | None,
                 chair: str, suggested: datetime, kind: str = "review",
                 last_held: tuple[str, date, date | None] | None = None) -> None:
        super().__init__()
        self.last_held = last_held or (None, None, None)
        self.child_id = child_id
        self.invitees = invitees
        self.age = age
        self.chair = chair
        self.suggested = suggested
        self.kind = kind
        self.TITLE_TEXT = "Book a CIN meeting (invite the family and the professionals, WIR 2.3)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("kind", "Kind", self.choice(
            [(KIND_LABELS[k], k) for k in MEETING_KINDS], self.kind))
        yield self.row("when", "When", self.text(show_when(self.suggested),
                                                 "dd/mm/yyyy hh:mm"))
        yield self.row("venue", "Venue",
                       self.text("", "e.g. family home, school, office, online"))
        yield self.row("chair", "Chair", self.text(self.chair))
        yield self.row("chair_role", "Chair's role",
                       self.text("", "e.g. team manager, senior practitioner"))
        invited = SelectionList[int](*((f"{p.name} ({p.role})", i, True)
                                       for i, p in enumerate(self.invitees)),
                                     compact=True)
        yield self.row("invitees", "Invite", invited)
        for key in PRACTICAL:
            yield self.row(f"practical_{key}", PRACTICAL_LABELS[key], self.text(""))

    def on_mount(self) -> None:
        self.query_one("#venue").focus()
        self.refresh_checks([])

    def _schedule(self) -> Schedule:
        when = parse_when(self.value("when") or "")
        chosen = self.query_one("#invitees", SelectionList).selected
        practical = tuple((k, self.text_of(f"practical_{k}")) for k in PRACTICAL
                          if self.text_of(f"practical_{k}"))
        return Schedule(kind=self.value("kind") or "review", starts_at=when,
                        venue=self.text_of("venue"), chair=self.text_of("chair"),
                        chair_role=self.text_of("chair_role"), practical=practical,
                        invitees=tuple(self.invitees[i] for i in sorted(chosen)))

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        try:
            s = self._schedule()
        except ValueError as exc:
            problems["when"] = str(exc)
            return problems
        for field, problem in schedule_problems(s, self.app.clock()):
            problems.setdefault(self.ALIASES.get(field, field), problem)
        warnings = [w for w in (school_hours_warning(s.starts_at, self.age),
                                soon_after_warning(s.kind, s.starts_at, *self.last_held)) if w]
        self.query_one("#form-info", Static).update("\n".join(f"⚠ {w}" for w in warnings))
        return problems

    def build(self):
        s, child_id, now = self._schedule(), self.child_id, self.app.clock()
        return lambda session: meetings.schedule(session, child_id, s, now=now)


class CancelFormScreen(FormScreen):
    """WIR 2.9: tell everyone and rebook as soon as possible; the reason is kept."""

    def __init__(self, meeting_id: uuid.UUID, label: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.TITLE_TEXT = f"Cancel the {label}, and rebook it (WIR 2.9)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("reason", "Why", self.text("", "e.g. mum in hospital; chair unwell"))
        yield self.row("rebook", "Rebook for",
                       self.text("", "dd/mm/yyyy hh:mm (blank: rebook later)"))

    def on_mount(self) -> None:
        self.query_one("#reason").focus()

    def problems(self) -> dict[str, str]:
        problems = {}
        if not self.text_of("reason"):
            problems["reason"] = "say why the meeting is cancelled"
        if self.text_of("rebook"):
            try:
                parse_when(self.text_of("rebook"))
            except ValueError as exc:
                problems["rebook"] = str(exc)
        return problems

    def build(self):
        reason, meeting_id, now = self.text_of("reason"), self.meeting_id, self.app.clock()
        when = parse_when(self.text_of("rebook")) if self.text_of("rebook") else None
        if when is None:
            return lambda session: meetings.cancel(session, meeting_id, reason) or True
        return lambda session: meetings.rebook(session, meeting_id, when, reason, now=now)


class HeldWhenFormScreen(FormScreen):
    """A meeting minuted on another day than booked: when is (or was) it really held? Now,
    unless changed; the record then says that, never the booked time. Esc leaves it booked."""

    def __init__(self, label: str, booked: datetime, now: datetime) -> None:
        super().__init__()
        self.booked = booked
        self.now = now
        self.TITLE_TEXT = (f"{label}: booked for {day_text(booked)} at {booked:%H:%M}, not "
                           "today. When is it held?")

    def fields(self) -> Iterable[Widget]:
        yield self.row("held_at", "Held on, at", self.text(show_when(self.now),
                                                            "dd/mm/yyyy hh:mm"))
        yield Static("Ctrl+S minutes it as held then (now, unless you change it). Esc leaves "
                     "it booked: c cancels or rebooks it.", classes="note")

    def on_mount(self) -> None:
        self.query_one("#held_at").focus()

    def problems(self) -> dict[str, str]:
        try:
            held_at = parse_when(self.value("held_at") or "")
        except ValueError as exc:
            return {"held_at": str(exc)}
        problem = held_at_problem(held_at, self.booked, self.now)
        return {"held_at": problem} if problem else {}

    def build(self):
        held_at = parse_when(self.value("held_at"))
        return lambda session: held_at  # nothing written: the minutes start with it


class SentFormScreen(FormScreen):
    """Who the minutes and the updated plan went to, and when (WIR 2.3, 2.7); parents who did
    not attend are ticked (WIR 2.8)."""

    def __init__(self, meeting_id: uuid.UUID, people: list[Invitee], today: date) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.people = people
        self.today = today
        self.TITLE_TEXT = "Minutes and plan sent"

    def fields(self) -> Iterable[Widget]:
        yield self.row("recipients", "Sent to", SelectionList[int](
            *((f"{p.name} ({p.role}){' — did not attend' if p.is_parent and p.attendance != 'present' else ''}",
               i, True) for i, p in enumerate(self.people)), compact=True))
        yield self.row("sent_on", "Sent on", self.text(f"{self.today:%d/%m/%Y}"))
        yield self.row("method", "How", self.choice(
            [("Email", "email"), ("Post", "post"), ("By hand", "hand")], "email"))

    def problems(self) -> dict[str, str]:
        problems = {}
        try:
            if self.date_of("sent_on") is None:
                problems["sent_on"] = "when were they sent?"
        except ValueError as exc:
            problems["sent_on"] = str(exc)
        if not self.query_one("#recipients", SelectionList).selected:
            problems["recipients"] = "tick who they went to"
        return problems

    def build(self):
        chosen = sorted(self.query_one("#recipients", SelectionList).selected)
        recipients = [(self.people[i].name, self.people[i].person_id) for i in chosen]
        sent_on = parse_date(self.value("sent_on"))
        method, meeting_id = self.value("method") or "email", self.meeting_id
        # Those still owed them (BEX 3, TRA, WIR 2.8), for the record screen to say so.
        return lambda session: [p.name for p in meetings.record_distribution(
            session, meeting_id, recipients, sent_on, method)] or True


__all__ = ["CancelFormScreen", "HeldWhenFormScreen", "ScheduleFormScreen", "SentFormScreen"]


class EarlyReviewFormScreen(FormScreen):
    """BEX 3: "If there are significant changes in the family circumstances, an early review
    should take place": the review brought forward to a date, and what changed."""

    ALIASES = {"reason": "reason", "by": "by"}

    def __init__(self, child_id: uuid.UUID, due: date | None, why: str = "") -> None:
        super().__init__()
        self.child_id, self.due, self.why = child_id, due, why
        now = f" (due now {day_text(due)})" if due else ""
        self.TITLE_TEXT = f"Bring the review forward{now} (BEX 3)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("by", "Review by", self.text("", "dd/mm/yyyy"))
        yield self.row("reason", "What has changed", self.text(
            self.why, "the significant change in the family's circumstances"))

    def on_mount(self) -> None:
        self.query_one("#by").focus()

    def problems(self) -> dict[str, str]:
        from cintui.domain.plan import early_review_problems

        try:
            by = parse_date(self.value("by") or "")
        except ValueError as exc:
            return {"by": str(exc)}
        return dict(early_review_problems(by, self.text_of("reason"), self.app.today,
                                          self.due))

    def build(self):
        by, reason = parse_date(self.value("by") or ""), self.text_of("reason")
        child_id, today = self.child_id, self.app.today
        return lambda session: meetings.bring_review_forward(
            session, child_id, by=by, reason=reason, today=today) and True
