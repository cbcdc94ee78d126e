"""Forms around a CIN meeting: booking one (WIR 2.8-2.9, BEX 3), cancelling or rebooking it
(WIR 2.9), saying when it is really held when that is not the day booked, and recording who
the minutes went to (WIR 2.3, 2.8)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList, Static

from cintui.casework import meetings, safeguards
from cintui.domain.calendar import england_calendar
from cintui.domain.dates import day_text
from cintui.domain.endings import after_closure, closed_on
from cintui.domain.meeting import (
    KIND_LABELS,
    MEETING_KINDS,
    PRACTICAL,
    PRACTICAL_LABELS,
    Invitee,
    Schedule,
    closed_day_warning,
    held_at_problem,
    schedule_problems,
    when_warnings,
)
from cintui.domain.meeting_safeguards import (
    CHILD_INVITE_AGE,
    cancel_problem,
    chair_problem,
    invitation_problem,
    left_out,
    partner_prompts,
    reason_but_all_invited,
)
from cintui.domain.policy import MeetingRules
from cintui.domain.roles import role_label
from cintui.domain.text import in_sentence
from cintui.domain.workforce import parse_role
from cintui.screens.widgets.plain import plain

from .forms import FormScreen, parse_date
from .visit import parse_when, show_when
from .widgets.choices import TickList, YesNo

CHAIR_ROLE_EXAMPLE = "e.g. team manager, senior practitioner"


@dataclass(frozen=True)
class BookingContext:
    """What the booking form checks the safeguards against, read when it opens: the consent
    problem (WIR 2.1, 2.3; "" when consent is in place), the store's workers who may be
    named as chair with their roles, and the policy's chair rules (BEX 3, TRA)."""

    consent: str = ""
    chairs: tuple[safeguards.ChairChoice, ...] = ()
    rules: MeetingRules = MeetingRules()
    child_name: str = "the child"
    factors: tuple[str, ...] = ()  # the assessment's (census codes): STO 4.4's partners
    parent_in_prison: bool = False
    booked: tuple[tuple[str, datetime], ...] = ()  # (kind, start) of each still to hold
    # When the case was open (referral, closure) and its reference: TRA, BEX 3, no meeting
    # on a closed case.
    episodes: tuple[tuple[date, date | None], ...] = ()
    reference: str = ""


NO_CONSENT = "✗ not in place: Enter here records a decision"


class ConsentLine(Static):
    """The booking's consent (WIR 2.1, 2.3). The cursor comes here when consent stops the
    booking; Enter records a decision without leaving the form, which is then checked
    again: the form's other fields are kept."""

    can_focus = True
    BINDINGS = [Binding("enter", "screen.record_consent", "Record consent")]


class ScheduleFormScreen(FormScreen):
    """Book a meeting: kind, when, where, chair, who is invited, practical arrangements; the
    safeguards (consent WIR 2.1/2.3, the chair BEX 3/TRA, the child, parents and network
    invited or why not BEX 3) checked as the form is filled, each beside its field."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    ALIASES = {"starts_at": "when"}

    def __init__(self, child_id: uuid.UUID, invitees: list[Invitee], age: int | None,
                 chair: str, suggested: datetime, kind: str = "review",
                 last_held: tuple[str, date, date | None] | None = None,
                 context: BookingContext | None = None,
                 soonest: datetime | None = None) -> None:
        super().__init__()
        # `suggested`: when the kind offered is held (a review: its due day); `soonest`:
        # any other kind, as soon as it can be. The time offered follows the kind chosen
        # until a time is typed.
        self.soonest = soonest or suggested
        self.last_held = last_held or (None, None, None)
        self.child_id = child_id
        self.invitees = invitees
        self.age = age
        self.chair = chair
        self.suggested = suggested
        self.kind = kind
        self.context = context or BookingContext()
        self.TITLE_TEXT = "Book a CIN meeting (invite the family and the professionals, WIR 2.3)"

    def fields(self) -> Iterable[Widget]:
        consent = ConsentLine(self._consent_words())
        yield self.row("consent", "Consent to meet", consent)
        yield self.row("kind", "Kind", self.choice(
            [(KIND_LABELS[k], k) for k in MEETING_KINDS], self.kind))
        yield self.row("when", "When", self.text(show_when(self.suggested),
                                                 "dd/mm/yyyy hh:mm"))
        yield self.row("venue", "Venue",
                       self.text("", "e.g. family home, school, office, online"))
        yield self.row("chair", "Chair", self.text(self.chair))
        yield self.row("chair_role", "Chair's role", self.text("", CHAIR_ROLE_EXAMPLE))
        invited = TickList(*((plain(f"{p.name} ({p.role})"), i, True)
                                       for i, p in enumerate(self.invitees)),
                                     compact=True)
        yield self.row("invitees", "Invite", invited)
        of_age = self.age is not None and self.age >= CHILD_INVITE_AGE
        yield self.row("child_invited", "Invite the child",
                       YesNo(f"{plain(self.context.child_name)} (y/n)", of_age, compact=True))
        yield self.row("not_invited_reason", "Not invited: why",
                       self.text("", "why the child, a parent or anyone unticked is not "
                                 "invited (BEX 3)"))
        for key in PRACTICAL:
            yield self.row(f"practical_{key}", PRACTICAL_LABELS[key], self.text(""))

    def on_mount(self) -> None:
        # Without consent to meet the booking cannot be saved (WIR 2.1, 2.3): the cursor
        # starts on the consent line, where its Enter records a decision. It started in the
        # venue while the line said "Enter here", and Enter there moved on to the chair.
        self.query_one("#consent" if self.context.consent else "#venue").focus()
        self._chair_named()
        # STO 4.4's partners, and every other warning, are at the form's foot: in view on a
        # laptop's 80x24 too (`FormLine`).
        self.refresh_checks(["consent"])

    def _consent_words(self) -> str:
        return NO_CONSENT if self.context.consent else "✓ in place (WIR 2.1, 2.3)"

    def action_record_consent(self) -> None:
        """The consent form over this one, on the meeting's scope; on saving, consent is
        checked again and the booking goes on where it was."""
        if not self.context.consent:
            self.notify("Consent to meet is in place (WIR 2.1, 2.3)")
            return
        from cintui.casework import record

        from .forms import ConsentFormScreen

        with self.app.store.read() as session:
            people = record.list_people(session, self.child_id)
        self.app.push_screen(ConsentFormScreen(self.child_id, people, scope="meeting"),
                             self._consent_saved)

    def _consent_saved(self, saved: object) -> None:
        if not saved:
            return
        with self.app.store.read() as session:
            problem = safeguards.consent_problem(session, self.child_id, self.app.today)
        self.context = replace(self.context, consent=problem)
        self.query_one("#consent", ConsentLine).update(self._consent_words())
        self.refresh_checks(self.touched | {"consent"})
        if not problem:
            self.query_one("#venue").focus()

    def _schedule(self) -> Schedule:
        when = parse_when(self.value("when") or "")
        chosen = self.query_one("#invitees", SelectionList).selected
        practical = tuple((k, self.text_of(f"practical_{k}")) for k in PRACTICAL
                          if self.text_of(f"practical_{k}"))
        return Schedule(kind=self.value("kind") or "review", starts_at=when,
                        venue=self.text_of("venue"), chair=self.text_of("chair"),
                        chair_role=self.text_of("chair_role"), practical=practical,
                        invitees=tuple(self.invitees[i] for i in sorted(chosen)),
                        child_invited=bool(self.value("child_invited")),
                        not_invited_reason=self.text_of("not_invited_reason"))

    @on(Select.Changed, "#kind")
    def _kind_chosen(self, event: Select.Changed) -> None:
        """A review offered on its due day, then "final" chosen: the final meeting is
        offered as soon as it can be, not on the review's day (and back again)."""
        box = self.query_one("#when", Input)
        offers = (show_when(self.suggested), show_when(self.soonest))
        if box.value in offers:
            box.value = offers[0] if event.value == self.kind else offers[1]

    @on(SelectionList.SelectedChanged)
    def _invited(self, event: SelectionList.SelectedChanged) -> None:
        self.touched.add("not_invited_reason")  # BEX 3: unticking someone asks why
        self.refresh_checks(self.touched)

    def _recorded_role(self, chair: str) -> str:
        """The role of a worker of the store named as chair ("" for anyone else)."""
        wanted = " ".join(chair.split()).lower()
        return next((c.role for c in self.context.chairs if c.name.lower() == wanted), "")

    def _chair_role(self, s: Schedule) -> str:
        """A worker of the store named as chair: their role; else the role typed."""
        found = self._recorded_role(s.chair)
        return found or (parse_role(s.chair_role) or "" if s.chair_role else "")

    def values_restored(self) -> None:
        self._chair_named()

    @on(Input.Changed, "#chair")
    def _chair_named(self) -> None:
        """A worker of the store as chair chairs in their recorded role: it is shown in the
        role's box, greyed and no tab stop; anyone else's role is typed there."""
        box = self.query_one("#chair_role", Input)
        role = self._recorded_role(self.text_of("chair"))
        box.disabled = bool(role)
        box.placeholder = (f"{role_label(role)} (their recorded role)" if role
                           else CHAIR_ROLE_EXAMPLE)

    def _safeguards(self, s: Schedule) -> dict[str, str]:
        """The booking's safeguards, by field (as `casework.safeguards.booking_problems`)."""
        out = {}
        if self.context.consent:
            out["consent"] = self.context.consent
        role = self._chair_role(s)
        chair = chair_problem(s.kind, role, self.context.rules) if s.chair else ""
        if chair:
            out["chair_role" if not role else "chair"] = chair
        missing = left_out(self.invitees, s.invitees, s.child_invited, self.age,
                           self.context.child_name)
        invited = invitation_problem(missing, s.not_invited_reason) or \
            reason_but_all_invited(self.invitees, s.invitees, s.child_invited,
                                   s.not_invited_reason, self.context.child_name)
        if invited:
            out["not_invited_reason"] = invited
        return out

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        try:
            s = self._schedule()
        except ValueError as exc:
            problems["when"] = str(exc)
            return problems
        closed = closed_on(self.context.episodes, s.starts_at.date())
        if closed is not None:  # the one problem that matters (TRA, BEX 3)
            return {"when": after_closure(self.context.reference, "a meeting",
                                          s.starts_at.date(), closed)}
        problems.update(self._safeguards(s))
        for field, problem in schedule_problems(s, self.app.clock()):
            problems.setdefault(self.ALIASES.get(field, field), problem)
        warnings = when_warnings(s.kind, s.starts_at, self.age, self.last_held,
                                 england_calendar(), self.context.booked)
        warnings += partner_prompts(self.context.factors, self.context.parent_in_prison,
                                    s.invitees)  # STO 4.4: a prompt, not a refusal
        self.query_one("#form-info", Static).update("\n".join(f"⚠ {plain(w)}" for w in warnings))
        return problems

    booked: Schedule | None = None  # what was booked, for the record's word on it

    def build(self):
        s, child_id, now = self._schedule(), self.child_id, self.app.clock()
        self.booked = s
        return lambda session: meetings.schedule(session, child_id, s, now=now)


class CancelFormScreen(FormScreen):
    """WIR 2.9: tell everyone and rebook as soon as possible; the reason is kept, and who
    was told (the family and every agency invited: tick each one told)."""

    def __init__(self, meeting_id: uuid.UUID, label: str,
                 invitees: tuple[Invitee, ...] = ()) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self.invitees = invitees
        self.TITLE_TEXT = f"Cancel the {in_sentence(label)}, and rebook it (WIR 2.9)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("reason", "Why", self.text("", "e.g. mum in hospital; chair unwell"))
        told = TickList(*((plain(f"{p.name} ({p.role})" if p.role else p.name), i, False)
                          for i, p in enumerate(self.invitees)), compact=True)
        told.typing_goes_to = "#told_others"  # a name typed on the list: someone else told
        yield self.row("told", "Told (WIR 2.9)", told)
        yield self.row("told_others", "Also told",
                       self.text("", "names, separated by commas"))
        yield self.row("rebook", "Rebook for",
                       self.text("", "dd/mm/yyyy hh:mm (blank: rebook later)"))

    def on_mount(self) -> None:
        self.query_one("#reason").focus()

    @on(SelectionList.SelectedChanged)
    def _ticked(self, event: SelectionList.SelectedChanged) -> None:
        self.touched.add("told")
        self.refresh_checks(self.touched)

    def _told(self) -> list[str]:
        ticked = sorted(self.query_one("#told", SelectionList).selected)
        others = [n.strip() for n in self.text_of("told_others").split(",") if n.strip()]
        return [self.invitees[i].name for i in ticked] + others

    def problems(self) -> dict[str, str]:
        problems = {}
        if not self.text_of("reason"):
            problems["reason"] = "say why the meeting is cancelled"
        told = cancel_problem(self._told(), self.invitees)
        if told:
            problems["told"] = told
        warning = ""
        if self.text_of("rebook"):
            try:
                warning = closed_day_warning(parse_when(self.text_of("rebook")),
                                             england_calendar())
            except ValueError as exc:
                problems["rebook"] = str(exc)
        self.query_one("#form-info", Static).update(f"⚠ {warning}" if warning else "")
        return problems

    def build(self):
        reason, meeting_id, now = self.text_of("reason"), self.meeting_id, self.app.clock()
        told = self._told()
        when = parse_when(self.text_of("rebook")) if self.text_of("rebook") else None
        if when is None:
            return lambda session: meetings.cancel(session, meeting_id, reason,
                                                   told=told) or True
        return lambda session: meetings.rebook(session, meeting_id, when, reason, now=now,
                                               told=told)


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
        yield self.row("recipients", "Sent to", TickList(
            *((plain(f"{p.name} ({p.role})") + (" — did not attend" if p.is_parent and p.attendance != "present" else ""),
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
        method, meeting_id, today = self.value("method") or "email", self.meeting_id, self.today
        # Those still owed them (BEX 3, TRA, WIR 2.8), for the record screen to say so.
        return lambda session: [p.name for p in meetings.record_distribution(
            session, meeting_id, recipients, sent_on, method, today=today)] or True


__all__ = ["BookingContext", "CancelFormScreen", "HeldWhenFormScreen", "ScheduleFormScreen",
           "SentFormScreen"]


class EarlyReviewFormScreen(FormScreen):
    """BEX 3: "If there are significant changes in the family circumstances, an early review
    should take place": the review brought forward to a date, and what changed."""

    ALIASES = {"reason": "reason", "by": "by"}

    def __init__(self, child_id: uuid.UUID, due: date | None, why: str = "") -> None:
        super().__init__()
        self.child_id, self.due, self.why = child_id, due, why
        self.KEEP_TYPED = True  # the reason, back after a crash or the idle lock
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
