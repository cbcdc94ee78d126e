"""CIN meetings and their minutes as plain values (DOMAIN.md §5; WIR 2.3-2.10, BEX 3, TRA).

A meeting is scheduled (kind, when, venue, practicalities, chair, invitees), held and
minuted live along the WIR 2.6 agenda: introductions and attendance, ground rules, then
**each Amber (and Red) in turn** (update from family and professionals, the impact on the
child of tasks done or not done: the "fourth column", action statuses, a re-rating under
the plan's rules), then the three boxes: significant events, new concerns / risks,
agreed actions. It ends with decisions (still in need, next review, recommendation).
Box 3 is typed a line per action, `what ; who ; by when`, by when as councils write it
(`agreed_action_from_line`, `cintui.domain.dates`). `minutes_problems` says what stops the
meeting being closed and where each problem is, for the screen to put the cursor there.
A meeting minuted on another day than booked records when it was really held.

`updated_plan` turns minutes into the next plan version (pure): re-ratings with their
details, action statuses, each new concern a new Amber in column 1 and each agreed action
an action in column 3 (WIR 2.6). Pure: no Textual, no SQL, no clock reads.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from cintui.domain.dates import (
    EXAMPLES,
    NotADay,
    day_long,
    day_text,
    day_words,
    days_abbreviated,
    days_in_full,
    read_day,
)
from cintui.domain.plan import (
    ACTION_STATUSES,
    Need,
    PlanAction,
    PlanVersion,
    RagChange,
    ends_plan_at,
    rag_change_problems,
)
from cintui.domain.text import in_sentence

MEETING_KINDS = ("initial", "review", "final", "transfer_in")
KIND_LABELS = {"initial": "Initial CIN planning meeting", "review": "CIN review meeting",
               "final": "Final CIN meeting", "transfer_in": "Transfer-in CIN meeting"}
# In a list of one child's CIN meetings, where "CIN meeting" goes without saying.
SHORT_KIND_LABELS = {"initial": "Initial planning", "review": "Review", "final": "Final",
                     "transfer_in": "Transfer-in"}
STATUSES = ("scheduled", "held", "cancelled")
ATTENDANCE = ("invited", "present", "apologies_report", "apologies", "absent")
ATTENDANCE_LABELS = {"invited": "Invited", "present": "Present",
                     "apologies_report": "Apologies, sent a report",
                     "apologies": "Apologies, no report", "absent": "Absent"}
RECOMMENDATIONS = ("continue", "step_down", "close", "strategy_discussion")
RECOMMENDATION_LABELS = {
    "continue": "Continue the CIN plan",
    "step_down": "Step down to early help (Level 3 / TAF)",
    "close": "Close",
    "strategy_discussion": "Consider a strategy discussion / CP conference",
}
# WIR 2.8: meetings for school-age children are held outside school hours.
SCHOOL_AGE = (5, 16)
SCHOOL_DAY = (time(8, 45), time(15, 15))
PRACTICAL = ("transport", "childcare", "interpreter", "access", "other")
PRACTICAL_LABELS = {"transport": "Transport", "childcare": "Childcare / crèche",
                    "interpreter": "Interpreter", "access": "Disability access",
                    "other": "Other (religious festivals, timing)"}


# ------------------------------------------------------------------ scheduling


@dataclass(frozen=True)
class Invitee:
    """Someone invited: from the child's People (person_id) or added by name."""

    name: str
    role: str = ""  # "Mother", "School DSL", "Health visitor"
    person_id: uuid.UUID | None = None
    is_parent: bool = False  # parents/carers who do not attend get the record (WIR 2.8)
    attendance: str = "invited"  # ATTENDANCE
    added_on_the_day: bool = False


@dataclass(frozen=True)
class Schedule:
    """What a worker types to book a meeting."""

    kind: str
    starts_at: datetime  # local wall-clock time
    venue: str = ""
    chair: str = ""
    chair_role: str = ""
    practical: tuple[tuple[str, str], ...] = ()  # (PRACTICAL key, what is arranged)
    invitees: tuple[Invitee, ...] = ()
    child_invited: bool = False  # BEX 3, WIR 2.3 (domain.meeting_safeguards)
    not_invited_reason: str = ""  # why the child, a parent or the network is not invited


SOON_AFTER_DAYS = 28  # a review booked this soon after the last meeting is worth a second look


def soon_after_warning(kind: str, starts_at: datetime, last_kind: str | None,
                       last_held: date | None, next_review: date | None) -> str:
    """A review booked within four weeks of the last meeting held: reviews are 3-monthly
    (WIR 2.3); an early one is for a significant change (BEX 3), so say so, not refuse."""
    if kind != "review" or last_held is None:
        return ""
    gap = (starts_at.date() - last_held).days
    if not 0 <= gap < SOON_AFTER_DAYS:
        return ""
    when = "the day after" if gap == 1 else ("the same day as" if gap == 0 else
                                             f"{gap} days after")
    due = f"; the next review is due by {day_words(next_review)}" if next_review else ""
    return (f"this review is {when} the {in_sentence(KIND_LABELS.get(last_kind or '', 'meeting'))} held "
            f"on {day_words(last_held)}{due}. Book it early only after a significant change "
            "(BEX 3)")


def meeting_label(kind: str, held_on: date) -> str:
    """The meeting a plan version (or a rating) was agreed at, as stored and shown on
    screens: "CIN review meeting 23 Nov 2026". A family's document writes it with
    `labels_in_full`."""
    return f"{KIND_LABELS.get(kind, kind)} {day_words(held_on)}"


BOOKER_NOT_RECORDED = "Booker not recorded"


def booked_by_words(by: str, on: date | None, *, long: bool = False) -> str:
    """Who booked a meeting, and when: "Booked by Olu Other on 12 Nov 2026" (`long`: "12
    November 2026", as a document writes days); "Booker not recorded" when it is not known
    (not made as a booking in cintui: held or cancelled when it came by an import or a
    transfer pack; or booked before revision 0033 with no trail entry to say who), rather
    than nothing, which read as a meeting no one booked."""
    by = " ".join(by.split())
    if not by:
        return BOOKER_NOT_RECORDED
    return f"Booked by {by}" + (f" on {(day_long if long else day_words)(on)}" if on else "")


_LABEL = re.compile(rf"(?:{'|'.join(map(re.escape, KIND_LABELS.values()))}) \d{{1,2}} \w+ \d{{4}}")


def labels_in_full(text: str) -> str:
    """`text` (an "agreed at", a rating's reason) with each meeting's name in it written
    as a family reads it: "CIN review meeting 23 November 2026". Only a meeting's name is
    rewritten, never a day the worker typed elsewhere in the words."""
    return _LABEL.sub(lambda m: days_in_full(m[0]), text)


def labels_as_stored(text: str) -> str:
    """`labels_in_full` undone: a document's meeting names as the record holds them."""
    return _LABEL.sub(lambda m: days_abbreviated(m[0]), text)


def kind_to_book(held_this_episode: Iterable[str], moved_in: bool) -> str:
    """The kind a new booking is most likely: with no meeting held since the referral, the
    initial CIN planning meeting (WIR 2.3: within 15 working days of the plan's start), or
    for a child who moved in from another authority the transfer-in meeting (BEX 4); after
    one, a review (every 3 months, WIR 2.3). The form offers it; the worker may change it
    (a final meeting is chosen, never guessed)."""
    if any(True for _ in held_this_episode):
        return "review"
    return "transfer_in" if moved_in else "initial"


AFTER_SCHOOL = time(16)  # a suggested start: after school (WIR 2.8)


def suggested_start(now: datetime, is_working_day, due: date | None = None) -> datetime:
    """When a new meeting is first offered: after school (WIR 2.8) today, or on the next
    working day once that has passed or today is not one (a weekend, a bank holiday: the
    office and the professionals invited are not there). `is_working_day`: the calendar's.
    A meeting with its day due ahead (a review: the next review set at the last meeting)
    is offered on that day, or the last working day before it, so it is on time: a review
    booked as offered was once "the day after" the review just held (BEX 3 warned)."""
    if due is not None and due > now.date():
        day = due
        while not is_working_day(day) and day > now.date():
            day -= timedelta(days=1)
        start = datetime.combine(day, AFTER_SCHOOL, tzinfo=now.tzinfo)
        if start > now and is_working_day(day):
            return start
    start = datetime.combine(now.date(), AFTER_SCHOOL, tzinfo=now.tzinfo)
    if start <= now:
        start += timedelta(days=1)
    while not is_working_day(start.date()):
        start += timedelta(days=1)
    return start


def closed_day_warning(starts_at: datetime, calendar) -> str:
    """A meeting booked on a weekend or a bank holiday: the professionals invited are
    seldom at work, so say so (a family may have asked for a Saturday: never refused).
    `calendar`: a WorkingCalendar (its bank holidays and local closures)."""
    day = starts_at.date()
    if calendar.is_working_day(day):
        return ""
    named = dict(calendar.holidays_between(day, day)).get(day)
    what = f"a bank holiday ({named})" if named else f"a {day:%A}"
    return (f"{day_text(day)} is {what}, not a working day: book it then only if the family "
            "and everyone invited can come")


def school_hours_warning(starts_at: datetime, age: int | None) -> str:
    """WIR 2.8: a school-age child's meeting should be outside school hours."""
    if age is None or not SCHOOL_AGE[0] <= age <= SCHOOL_AGE[1]:
        return ""
    if starts_at.weekday() >= 5:
        return ""
    if SCHOOL_DAY[0] <= starts_at.time() < SCHOOL_DAY[1]:
        return (f"{starts_at:%H:%M} on a school day: the child is {age}, so hold the meeting "
                "outside school hours if you can (WIR 2.8)")
    return ""


def already_booked_warning(kind: str, booked: Iterable[tuple[str, datetime]]) -> str:
    """A meeting of the same kind already booked for the child (`booked`: the kind and start
    of each meeting still to be held): one review at a time (WIR 2.3: every 3 months); a
    booked one is moved (WIR 2.9: cancel and rebook), not booked twice."""
    at = sorted(when for k, when in booked if k == kind)
    if not at:
        return ""
    label = in_sentence(KIND_LABELS.get(kind, kind))
    return (f"{'an' if label[:1] in 'aeiou' else 'a'} {label} is already booked for "
            f"{day_text(at[0])} at {at[0]:%H:%M}: to move it, cancel and rebook that one "
            "(c on Meetings; `cintui meeting cancel MEETING --rebook-at`) rather than book a "
            "second (WIR 2.9)")


def when_warnings(kind: str, starts_at: datetime, age: int | None,
                  last_held: tuple | None, calendar,
                  booked: Iterable[tuple[str, datetime]] = ()) -> list[str]:
    """What the time of a booking should be told before it is made, never refused: a
    weekend or a bank holiday, school hours for a school-age child (WIR 2.8), a review soon
    after the last meeting (BEX 3), one of its kind already booked (WIR 2.9). `last_held`:
    (kind, held on, next review) or None; `booked`: (kind, start) of each still to hold."""
    closed = closed_day_warning(starts_at, calendar)  # no school that day either
    found = (closed, "" if closed else school_hours_warning(starts_at, age),
             soon_after_warning(kind, starts_at, *(last_held or (None, None, None))),
             already_booked_warning(kind, booked))
    return [w for w in found if w]


def schedule_problems(s: Schedule, now: datetime) -> list[tuple[str, str]]:
    out = []
    if s.kind not in MEETING_KINDS:
        out.append(("kind", f"choose the kind of meeting: {', '.join(MEETING_KINDS)}"))
    if s.starts_at < now:
        out.append(("starts_at", "a meeting is booked for a time still to come; record a past "
                    "meeting by minuting it"))
    if not s.venue.strip():
        out.append(("venue", "say where the meeting is (a room, the family home, online)"))
    if not s.chair.strip():
        out.append(("chair", "name the chair (WIR 2.3, BEX 3)"))
    for key, _ in s.practical:
        if key not in PRACTICAL:
            out.append(("practical", f"unknown practical arrangement {key!r}"))
    return out


# ------------------------------------------------------------------ minutes


@dataclass(frozen=True)
class ActionUpdate:
    key: uuid.UUID
    status: str


@dataclass(frozen=True)
class NeedUpdate:
    """One Amber or Red discussed: the minutes beside the plan (the fourth column)."""

    need_key: uuid.UUID
    need: str  # column 1 as it stood
    rag_before: str
    update: str = ""  # from the family and the professionals
    impact: str = ""  # on the child, of each task done or not done
    actions: tuple[ActionUpdate, ...] = ()
    rag_after: str = ""  # "" = unchanged
    maintained_for: str = ""  # → Green (WIR 2.4)
    cp_discussion: str = ""  # → Red (WIR 2.6, BEX 3)
    seconds: int = 0  # time spent on it


@dataclass(frozen=True)
class NewConcern:
    """Box 2: a new concern or risk, copied into column 1 of the plan as a new Amber."""

    text: str
    outcome: str = ""
    key: uuid.UUID | None = None  # the need it became


@dataclass(frozen=True)
class AgreedAction:
    """Box 3: an action agreed, copied into column 3 under a need (or a new concern)."""

    what: str
    who: str = ""
    by_when: date | None = None
    need_key: uuid.UUID | None = None  # None: under the first new concern, else the first need
    by_text: str = ""  # by when as typed, kept while it is not a date ("end of term")
    for_text: str = ""  # the need it is for, as typed after "; for" ("rent", "concern 2")


AGREED_FORMAT = "what ; who ; by dd/mm/yyyy"
_CONCERN_NUMBER = re.compile(r"^(?:new )?concern (\d+)$")


def agreed_action_from_line(line: str, held_on: date) -> AgreedAction:
    """One line of box 3, `what ; who ; by when`, and `; for` the need it goes under when
    not the first new concern ("; for rent", "; for concern 2"); by when as councils write
    it (`cintui.domain.dates.read_day`: "by Fri", "18/12", "18-Dec-2026"), read from the day
    of the meeting. Words that are not a date are kept in `by_text` for the check to name."""
    what, who, when, for_text = (*(p.strip() for p in line.split(";", 3)), "", "", "")[:4]
    for_text = re.sub(r"^for\b\s*", "", " ".join(for_text.split()), flags=re.IGNORECASE)
    try:
        by_when = read_day(when, held_on) if when else None
    except NotADay:
        return AgreedAction(what, who, None, by_text=" ".join(when.split()), for_text=for_text)
    return AgreedAction(what, who, by_when, for_text=for_text)


def agreed_action_line(a: AgreedAction) -> str:
    """The line of box 3 for an agreed action (the reverse of `agreed_action_from_line`)."""
    when = f"by {a.by_when:%d/%m/%Y}" if a.by_when else a.by_text
    parts = [a.what, a.who, when, f"for {a.for_text}" if a.for_text else ""]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    return " ; ".join(parts)


def named_need(m: Minutes, words: str) -> tuple[str, int] | str:
    """The need an agreed action's "; for" names: ("concern", k) for the new concern k
    (by "concern 2" or a word of it), ("item", i) for the Amber or Red on the agenda whose
    words hold it; else why not, in words."""
    wanted = " ".join(words.lower().split())
    if match := _CONCERN_NUMBER.match(wanted):
        k = int(match.group(1)) - 1
        if 0 <= k < len(m.new_concerns):
            return ("concern", k)
        return f"there {'is' if len(m.new_concerns) == 1 else 'are'} " \
            f"{len(m.new_concerns)} new concern{'' if len(m.new_concerns) == 1 else 's'}"
    starts = re.compile(rf"\b{re.escape(wanted)}", re.IGNORECASE)  # "rent" in "Rent arrears"
    found = [("concern", k) for k, c in enumerate(m.new_concerns) if starts.search(c.text)]
    found += [("item", i) for i, item in enumerate(m.items) if starts.search(item.need)]
    if len(found) == 1:
        return found[0]
    if not found:
        return (f"no new concern or Amber on the agenda says “{words}”: name one by a "
                "word of it, or as 'concern 2'")
    return f"“{words}” is in {len(found)} needs: use more of its words, or 'concern 2'"


def named_need_words(m: Minutes, named: tuple[str, int], width: int = 30) -> str:
    """The words of the need `named_need` found, cut to `width`."""
    kind, i = named
    return _short(m.new_concerns[i].text if kind == "concern" else m.items[i].need, width)


def agreed_action_problems(a: AgreedAction, held_on: date,
                           m: Minutes | None = None) -> list[tuple[str, str]]:
    """WIR 2.6: every agreed action says what, who and by when (not before the meeting);
    a need named after "; for" is one of the minutes' (`m`)."""
    out = []
    if not a.what.strip():
        out.append(("what", "say what will be done, first on the line"))
    if not a.who.strip():
        out.append(("who", f"who will do it? after the first ; ({AGREED_FORMAT})"))
    if a.by_when is None:
        out.append(("by_when", _no_day(a.by_text, held_on)))
    elif a.by_when < held_on:
        out.append(("by_when", f"{day_words(a.by_when)} is before the meeting"))
    if a.for_text and m is not None and isinstance(named := named_need(m, a.for_text), str):
        out.append(("for", named))
    return out


def _no_day(typed: str, held_on: date) -> str:
    """Why an agreed action has no date: why the words typed are not one, or that none is."""
    if typed.strip():
        try:
            read_day(typed, held_on)
        except NotADay as exc:
            return exc.problem
    return f"by when? after the second ;, e.g. {EXAMPLES} (WIR 2.6)"


@dataclass(frozen=True)
class Decisions:
    still_in_need: bool | None = None
    next_review: date | None = None
    recommendation: str = ""  # RECOMMENDATIONS
    notes: str = ""


@dataclass(frozen=True)
class Minutes:
    """Everything minuted at one meeting."""

    kind: str
    held_on: date
    attendance: tuple[Invitee, ...] = ()
    ground_rules: str = ""
    items: tuple[NeedUpdate, ...] = ()
    significant_events: str = ""
    new_concerns: tuple[NewConcern, ...] = ()
    agreed_actions: tuple[AgreedAction, ...] = ()
    childs_views: str = ""
    parents_views: str = ""
    decisions: Decisions = Decisions()
    started_at: datetime | None = None
    ended_at: datetime | None = None
    step: int = 0  # where the minuting screen was (resumed after a crash)
    reviewed_version: uuid.UUID | None = None  # the plan version the meeting reviewed
    booked_for: datetime | None = None  # the booking, when it was held on another day

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Minutes:
        return _minutes_from(data)


def minutes_for(plan: PlanVersion | None, kind: str, held_on: date,
                invitees: tuple[Invitee, ...] = ()) -> Minutes:
    """Blank minutes for a meeting: one item per Amber and Red of the plan in force, in the
    plan's order (WIR 2.6)."""
    items = tuple(NeedUpdate(need_key=n.key, need=n.now, rag_before=n.rag)
                  for n in (plan.needs if plan else ()) if n.rag in ("A", "R"))
    return Minutes(kind=kind, held_on=held_on, attendance=invitees, items=items,
                   reviewed_version=plan.id if plan else None)


def left_booked(booked: Iterable[tuple[str, datetime]], today: date) -> str:
    """WIR 2.9 at a case's end (a closure, a transfer): each meeting still booked is
    cancelled, everyone invited told, or they come to a meeting for a case that has gone.
    "" when none is; else the first (soonest) and how many more, and how to settle it: one
    whose day has come may have been held and not minuted."""
    booked = sorted(booked, key=lambda b: b[1])
    if not booked:
        return ""
    kind, at = booked[0]
    more = f" (and {len(booked) - 1} more)" if len(booked) > 1 else ""
    held = "minute it if it was held (Enter on the Meetings tab, or cintui meeting hold), " \
        "else " if at.date() <= today else ""
    return (f"the {in_sentence(KIND_LABELS.get(kind, kind))} of {day_text(at)} "
            f"is still booked{more}: {held}cancel it and tell everyone invited (c on the "
            "Meetings tab, or cintui meeting cancel)")


def off_booking(booked: datetime, now: datetime) -> bool:
    """A meeting minuted on another day than it was booked for: before minuting, ask when it
    is (or was) really held, so that is what the record says."""
    return booked.date() != now.date()


def held_at_problem(held_at: datetime, booked: datetime, now: datetime) -> str:
    """What is wrong with the time a meeting is said to be held ("" when nothing)."""
    if held_at > now:
        return (f"{day_words(held_at)} at {held_at:%H:%M} is still to come: minute the meeting when it is "
                f"held (it is booked for {day_words(booked)} at {booked:%H:%M})")
    return ""


def parents_to_receive(minutes: Minutes) -> list[Invitee]:
    """WIR 2.8: parents and carers who did not attend receive the record."""
    return [p for p in minutes.attendance if p.is_parent and p.attendance != "present"]


def must_receive(attendance: Iterable[Invitee]) -> list[Invitee]:
    """Who the minutes and the updated plan go to: everyone present (BEX 3, TRA) and the
    parents and carers who did not attend (WIR 2.8)."""
    return [p for p in attendance if p.attendance == "present" or p.is_parent]


def still_to_receive(attendance: Iterable[Invitee],
                     sent: Iterable[tuple[str, uuid.UUID | None]]) -> list[Invitee]:
    """Those of `must_receive` not yet sent them (`sent`: recipient, person)."""
    sent = list(sent)
    return [p for p in must_receive(attendance)
            if not any(_is(p, name, person) for name, person in sent)]


def circulated_on(attendance: Iterable[Invitee],
                  sent: Iterable[tuple[str, uuid.UUID | None, date]]) -> date | None:
    """The day the minutes' clock stops: when the last of `must_receive` was sent them
    (BEX 3, TRA, WIR 2.8), not the first sending; None while someone is still owed them.
    With nobody known to be owed them (no attendance recorded), the first sending."""
    sent = sorted(sent, key=lambda s: s[2])
    owed = must_receive(attendance)
    if not sent or not owed:
        return sent[0][2] if sent else None
    firsts = [next((on for name, person, on in sent if _is(p, name, person)), None)
              for p in owed]
    return None if None in firsts else max(firsts)


def _is(p: Invitee, name: str, person: uuid.UUID | None) -> bool:
    """Whether a recipient is this invitee: the same person, else the same name."""
    if person is not None and p.person_id is not None:
        return person == p.person_id
    return " ".join(name.split()).casefold() == " ".join(p.name.split()).casefold()


def minutes_problems(m: Minutes, today: date | None = None) -> list[tuple[str, str]]:
    """What stops the meeting being closed, as (where, problem), in the order of the agenda.
    `where` locates the field: "attendance", "items.0.maintained_for", "new_concerns.1",
    "agreed_actions.0.by_when", "decisions.recommendation" (`problem_place` names it)."""
    out: list[tuple[str, str]] = []
    if today is not None and m.held_on > today:
        out.append(("held_on", "the meeting's date is still to come: minute it on the day"))
    if not any(p.attendance == "present" for p in m.attendance):
        out.append(("attendance", "tick who is present"))
    if any(p.attendance == "invited" for p in m.attendance):
        out.append(("attendance", "say for everyone invited whether they came, sent "
                    "apologies (with or without a report) or were absent"))
    for i, item in enumerate(m.items):
        if item.rag_after and item.rag_after != item.rag_before:
            for field, problem in rag_change_problems(
                    item.rag_before, item.rag_after, maintained_for=item.maintained_for,
                    agreed_at="this meeting", cp_discussion=item.cp_discussion):
                out.append((f"items.{i}.{field}", f"{_short(item.need)}: {problem}"))
        for a in item.actions:
            if a.status not in ACTION_STATUSES:
                out.append((f"items.{i}.actions", f"unknown action status {a.status!r}"))
    for i, c in enumerate(m.new_concerns):
        if not c.text.strip():
            out.append((f"new_concerns.{i}", "a new concern has no words"))
    for i, a in enumerate(m.agreed_actions):
        for field, problem in agreed_action_problems(a, m.held_on, m):
            out.append((f"agreed_actions.{i}.{field}", problem))
    d = m.decisions
    if d.still_in_need is None:
        out.append(("decisions.still_in_need", "is the child still in need? (BEX 3)"))
    if d.recommendation not in RECOMMENDATIONS:
        out.append(("decisions.recommendation", "choose the recommendation"))
    if d.recommendation == "continue" and d.next_review is None:
        out.append(("decisions.next_review", "set the next review date (WIR 2.3)"))
    if d.next_review is not None and d.next_review <= m.held_on:
        out.append(("decisions.next_review", "the next review is after this meeting"))
    return out


def problem_place(where: str) -> str:
    """Where a problem of `minutes_problems` is, in words: "item 2", "agreed action 1"."""
    head, _, rest = where.partition(".")
    number = rest.partition(".")[0]
    names = {"held_on": "the date", "items": "item", "new_concerns": "new concern",
             "agreed_actions": "agreed action"}
    name = names.get(head, head)
    return f"{name} {int(number) + 1}" if number.isdigit() else name


def _short(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class MinutesDocument:
    """What a minutes export holds: the child, the meeting, the minutes, the updated plan
    (attached), and who the record went to (or must go to)."""

    child_name: str
    child_reference: str
    dob: date | None
    kind: str
    starts_at: datetime | None
    venue: str
    chair: str
    chair_role: str
    minutes: Minutes
    plan: PlanVersion | None = None  # the version agreed at this meeting
    plan_before: PlanVersion | None = None  # the version the meeting reviewed
    sent_to: tuple[tuple[str, date], ...] = ()  # (recipient, sent on)
    minutes_due: date | None = None
    produced_on: date | None = None
    worker: str = ""  # the child's social worker, by name
    authority: str = ""  # the authority as set up ("" under the England default)
    booked_by: str = ""  # who booked the meeting, by name ("" not known: `booked_by_words`)
    booked_on: date | None = None  # the day they booked it, in England

    @property
    def title(self) -> str:
        return f"{KIND_LABELS.get(self.kind, self.kind)}, {day_long(self.minutes.held_on)}"

    @property
    def to_receive(self) -> list[Invitee]:
        """WIR 2.8: parents who did not attend get the record."""
        return parents_to_receive(self.minutes)


# ------------------------------------------------------------------ the updated plan


def updated_plan(plan: PlanVersion, m: Minutes, *, on: date, by: str, meeting_label: str,
                 new_key: Any = uuid.uuid4) -> PlanVersion:
    """The next version's content from the minutes (WIR 2.6): re-ratings with their details,
    action statuses, new concerns as new Ambers (column 1) and agreed actions (column 3).
    The next review date comes from the decisions."""
    by_key = {item.need_key: item for item in m.items}
    needs: list[Need] = []
    for need in plan.needs:
        item = by_key.get(need.key)
        if item is not None:
            statuses = {a.key: a.status for a in item.actions}
            need = replace(need, actions=tuple(
                replace(a, status=statuses.get(a.key, a.status)) for a in need.actions))
            if item.rag_after and item.rag_after != need.rag:
                change = RagChange(on=on, rating=item.rag_after, previous=need.rag, by=by,
                                   reason=item.update[:500],
                                   maintained_for=item.maintained_for,
                                   agreed_at=meeting_label if item.rag_after == "G" else "",
                                   cp_discussion=item.cp_discussion)
                need = replace(need, rag=item.rag_after,
                               rag_history=(*need.rag_history, change))
        needs.append(need)
    concern_keys: list[uuid.UUID] = []
    for c in m.new_concerns:
        key = c.key or new_key()
        concern_keys.append(key)
        needs.append(Need(now=c.text.strip(), outcome=c.outcome.strip(), rag="A", key=key,
                          rag_history=(RagChange(on=on, rating="A", by=by,
                                                 reason=f"New concern at {meeting_label}"),)))
    for a, i in zip(m.agreed_actions, _action_targets(plan, m), strict=True):
        if i is None:
            continue
        action = PlanAction(what=a.what.strip(), who=a.who.strip(), by_when=a.by_when,
                            key=new_key())
        needs[i] = replace(needs[i], actions=(*needs[i].actions, action))
    ended = ends_plan(m)
    return replace(plan, needs=tuple(needs),
                   next_review=None if ended else m.decisions.next_review or plan.next_review,
                   ended_on=m.held_on if ended else None,
                   childs_views=m.childs_views.strip() or plan.childs_views)


def ends_plan(m: Minutes) -> bool:
    """A final meeting ends the CIN plan (DOMAIN.md §5: held before step-down or closure; WIR
    3, TRA, BEX 3): the version it agrees is the last, with no next review, unless it
    decided the plan goes on after all ("continue": then it sets the next review, WIR 2.3).
    Reviews are every 3 months while the plan is in force (BEX 3), not after it ends."""
    return ends_plan_at(m.kind, m.decisions.recommendation)


def _action_targets(plan: PlanVersion, m: Minutes) -> list[int | None]:
    """The need (its index in the next version: the plan's needs, then the new concerns)
    each agreed action goes to: the need it is under or names ("; for rent"), else the first
    new concern, else the first need; None with no need at all."""
    keys = [n.key for n in plan.needs] + [c.key for c in m.new_concerns]
    first = len(plan.needs) if m.new_concerns else (0 if keys else None)

    def target(a: AgreedAction) -> int | None:
        if a.need_key is not None and a.need_key in keys:
            return keys.index(a.need_key)
        named = named_need(m, a.for_text) if a.for_text else None
        if isinstance(named, tuple) and named[0] == "concern":
            return len(plan.needs) + named[1]
        if isinstance(named, tuple) and m.items[named[1]].need_key in keys:
            return keys.index(m.items[named[1]].need_key)
        return first

    return [target(a) for a in m.agreed_actions]


def check_place(plan: PlanVersion, m: Minutes, need: int | None, action: int | None,
                field: str) -> str | None:
    """Where in the minutes a plan check failed by the version these minutes agree
    (`updated_plan(plan, m, ...)`; `need`, `action` and `field` as a `PlanProblem` has them)
    can be settled while the meeting goes on, as `minutes_problems` names places: a new
    concern's line ("new_concerns.0"), an agreed action's ("agreed_actions.1"), a need on
    the agenda ("items.2", its actions "items.2.actions"). None for what only the plan
    editor changes (an existing need's words, a Green need, the plan as a whole)."""
    if need is None:
        return None
    before = len(plan.needs)
    if action is not None:
        owned = len(plan.needs[need].actions) if need < before else 0
        if action >= owned:  # an action agreed at this meeting
            added = [j for j, t in enumerate(_action_targets(plan, m)) if t == need]
            if action - owned < len(added):
                return f"agreed_actions.{added[action - owned]}"
    if action is None and field == "actions":  # no action yet: one agreed, "; for" it
        on_agenda = need >= before or any(it.need_key == plan.needs[need].key
                                          for it in m.items)
        return "agreed_actions" if on_agenda else None
    if need >= before:
        return f"new_concerns.{need - before}" if need - before < len(m.new_concerns) else None
    if action is None and field in ("now", "outcome", "evidence"):
        return None
    key = plan.needs[need].key
    item = next((i for i, it in enumerate(m.items) if it.need_key == key), None)
    if item is None:
        return None
    return f"items.{item}" + (".actions" if action is not None else "")


# ------------------------------------------------------------------ JSON


_NAMES: dict[type, tuple[str, ...]] = {}
_PLAIN = (str, int, float, bool, type(None))


def _jsonable(value: Any) -> Any:
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    cls = type(value)
    names = _NAMES.get(cls)
    if names is None and hasattr(value, "__dataclass_fields__"):
        names = _NAMES[cls] = tuple(f.name for f in fields(value))
    if names is not None:
        return {n: _jsonable(getattr(value, n)) for n in names}
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _d(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _u(value: Any) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _invitee(d: Mapping[str, Any]) -> Invitee:
    return Invitee(name=str(d.get("name", "")), role=str(d.get("role", "")),
                   person_id=_u(d.get("person_id")), is_parent=bool(d.get("is_parent")),
                   attendance=str(d.get("attendance", "invited")),
                   added_on_the_day=bool(d.get("added_on_the_day")))


def _minutes_from(data: Mapping[str, Any]) -> Minutes:
    items = tuple(NeedUpdate(
        need_key=uuid.UUID(i["need_key"]), need=str(i.get("need", "")),
        rag_before=str(i.get("rag_before", "A")), update=str(i.get("update", "")),
        impact=str(i.get("impact", "")),
        actions=tuple(ActionUpdate(uuid.UUID(a["key"]), str(a["status"]))
                      for a in i.get("actions") or ()),
        rag_after=str(i.get("rag_after", "")), maintained_for=str(i.get("maintained_for", "")),
        cp_discussion=str(i.get("cp_discussion", "")), seconds=int(i.get("seconds", 0)),
    ) for i in data.get("items") or ())
    d = data.get("decisions") or {}
    return Minutes(
        kind=str(data["kind"]), held_on=date.fromisoformat(data["held_on"]),
        attendance=tuple(_invitee(p) for p in data.get("attendance") or ()),
        ground_rules=str(data.get("ground_rules", "")), items=items,
        significant_events=str(data.get("significant_events", "")),
        new_concerns=tuple(NewConcern(str(c.get("text", "")), str(c.get("outcome", "")),
                                      _u(c.get("key"))) for c in data.get("new_concerns") or ()),
        agreed_actions=tuple(AgreedAction(str(a.get("what", "")), str(a.get("who", "")),
                                          _d(a.get("by_when")), _u(a.get("need_key")),
                                          str(a.get("by_text", "")), str(a.get("for_text", "")))
                             for a in data.get("agreed_actions") or ()),
        childs_views=str(data.get("childs_views", "")),
        parents_views=str(data.get("parents_views", "")),
        decisions=Decisions(
            still_in_need=d.get("still_in_need"), next_review=_d(d.get("next_review")),
            recommendation=str(d.get("recommendation", "")), notes=str(d.get("notes", ""))),
        started_at=_dt(data.get("started_at")), ended_at=_dt(data.get("ended_at")),
        step=int(data.get("step", 0)), reviewed_version=_u(data.get("reviewed_version")),
        booked_for=_dt(data.get("booked_for")),
    )


__all__ = [
    "ATTENDANCE", "ATTENDANCE_LABELS", "KIND_LABELS", "MEETING_KINDS", "PRACTICAL",
    "kind_to_book", "labels_as_stored", "labels_in_full", "meeting_label",
    "PRACTICAL_LABELS", "RECOMMENDATIONS", "RECOMMENDATION_LABELS", "STATUSES",
    "AGREED_FORMAT", "BOOKER_NOT_RECORDED", "ActionUpdate", "AgreedAction", "Decisions", "Invitee", "Minutes",
    "MinutesDocument", "NeedUpdate", "NewConcern", "Schedule", "agreed_action_from_line",
    "agreed_action_line", "agreed_action_problems", "left_booked", "named_need",
    "named_need_words", "circulated_on", "held_at_problem",
    "minutes_for", "minutes_problems", "must_receive", "off_booking", "parents_to_receive",
    "problem_place", "closed_day_warning", "school_hours_warning", "soon_after_warning",
    "schedule_problems", "still_to_receive", "updated_plan", "when_warnings", "ends_plan",
]
