"""A laptop that works offline and syncs with the team server (issue 19): the rules the app
shows where it stands by. Pure: the caller passes the laptop's standing, now, the policy's
limit and the calendar.

- **Overdue.** A laptop not synced for the policy's `sync.overdue_after_working_days`
  (default 2) working days, counted as the rest of cintui counts them (the authority's
  calendar: weekends and bank holidays left out; the day of the last sync not counted),
  says so plainly. A laptop never synced is overdue.
- **The header line.** Last sync, changes waiting to be sent, conflicts to resolve: the
  longest wording that fits the width, each shorter one keeping all three. A sync tried
  since the last one and failed (offline, the server stopped) is said first, with when,
  until one finishes: the laptop is behind the team server.
- **Conflicts in plain words.** "Child's details: first name", not `child.first_name`;
  values as a worker reads them (dates as 01/04/2018, yes/no, "(blank)").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cintui.domain.calendar import WorkingCalendar, england_calendar, england_time
from cintui.domain.dates import day_short, day_words
from cintui.domain.text import counted

SYNC_KEY = "F5"
CONFLICTS_KEY = "F6"


def unsynced_working_days(last_sync: datetime | None, today: date,
                          calendar: WorkingCalendar | None = None) -> int | None:
    """Working days since the day of the last sync (that day not counted; None: never)."""
    if last_sync is None:
        return None
    cal = calendar or england_calendar()
    return max(0, cal.working_days_between(england_time(last_sync).date(), today))


def overdue(last_sync: datetime | None, today: date, limit: int,
            calendar: WorkingCalendar | None = None) -> bool:
    """Whether the laptop has gone `limit` working days or more without a sync."""
    days = unsynced_working_days(last_sync, today, calendar)
    return days is None or days >= limit


def when(at: datetime, today: date) -> str:
    """A sync's time as read in England: "today 09:14", "yesterday 16:02", "27 Nov 16:02"."""
    local = england_time(at)
    day = local.date()
    if day == today:
        return f"today {local:%H:%M}"
    if (today - day).days == 1:
        return f"yesterday {local:%H:%M}"
    return f"{day.day} {local:%b} {local:%H:%M}" + ("" if day.year == today.year
                                                     else f" {day.year}")


@dataclass(frozen=True)
class HeaderState:
    last_sync: datetime | None  # when the last sync finished (a UTC instant)
    waiting: int  # changes recorded here and not yet sent
    conflicts: int  # open conflicts to resolve
    today: date
    limit: int  # the policy's working days
    failed_at: datetime | None = None  # a sync tried since the last one that did not finish


def _clock(at: datetime, today: date) -> str:
    """`when`, shortest: "11:40" today (the header's own day), else as `when` says it."""
    local = england_time(at)
    return f"{local:%H:%M}" if local.date() == today else when(at, today)


def _clock_or_day(at: datetime, today: date) -> str:
    """Shorter still, for 80 columns: "11:40" today, else the day alone ("22 Nov")."""
    local = england_time(at)
    return f"{local:%H:%M}" if local.date() == today else day_short(local.date())


def header_lines(state: HeaderState, calendar: WorkingCalendar | None = None) -> list[str]:
    """Where the laptop stands, from the longest wording to the shortest; every one says
    when it last synced (or that it is overdue, or that the last try failed), what waits to
    be sent and the conflicts.

    A failed try, not overdue: "Sync failed today 11:40 (last sync 09:14)", then
    "Sync failed today 11:40", then "Sync failed 11:40" ("Sync failed 22 Nov" before
    today); it said "Synced today 09:14" as if all were well once F5's notice had gone.
    Overdue or never synced, the capitals stay first and the failure is said only where
    there is room."""
    days = unsynced_working_days(state.last_sync, state.today, calendar)
    late = overdue(state.last_sync, state.today, state.limit, calendar)
    last = when(state.last_sync, state.today) if state.last_sync else ""
    failed = state.failed_at
    tried = f"failed {when(failed, state.today)}" if failed else ""
    if state.last_sync is None:
        long_when = short_when = "NEVER SYNCED"
        if failed:
            long_when = f"{long_when} ({tried})"
    elif late:
        short_when = f"NOT SYNCED FOR {counted(days or 0, 'WORKING DAY')}"
        long_when = f"{short_when} (last {last}" + (f"; {tried})" if failed else ")")
    elif failed:
        long_when = f"Sync {tried} (last sync {_clock(state.last_sync, state.today)})"
        # the day alone before today: "Sync failed 22 Nov" leaves the login room at 80
        short_when = "Sync failed " + _clock_or_day(failed, state.today)
    else:
        long_when = short_when = f"Synced {last}"
    # The shortest: the clock alone today ("Synced 09:14", as "Sync failed 11:40"), the
    # day alone before (as "Sync failed 22 Nov"): at 80 columns "Synced today 09:14 · 1 to
    # send · 3 conflicts (F6)" left no room for the login beside it.
    tiny_when = short_when
    if state.last_sync is not None and not late and not failed:
        tiny_when = "Synced " + _clock_or_day(state.last_sync, state.today)
    if not failed:
        mid_when = long_when
    elif late:
        mid_when = f"{short_when} ({tried})"
    else:
        mid_when = f"Sync {tried}"
    w, c = state.waiting, state.conflicts
    send_long = counted(w, "change") + " waiting to send" if w else "nothing waiting to send"
    send = counted(w, "change") + " to send" if w else "nothing to send"
    send_short = f"{w} to send"
    hint = f" ({CONFLICTS_KEY})" if c else ""
    fix_long = counted(c, "conflict") + f" to resolve{hint}" if c else "no conflicts"
    fix = counted(c, "conflict") + hint if c else "no conflicts"
    return [f"{long_when} · {send_long} · {fix_long} · {SYNC_KEY} sync",
            f"{long_when} · {send} · {fix_long}",
            f"{mid_when} · {send} · {fix_long}",
            f"{short_when} · {send} · {fix}",
            f"{short_when} · {send_short} · {fix}",
            f"{tiny_when} · {send_short} · {fix}",
            f"{tiny_when} · {send_short} · {counted(c, 'conflict')}"]


def fitting(lines: list[str], width: int) -> str:
    """The longest of `lines` (longest first) no wider than `width`, else the shortest."""
    return next((line for line in lines if len(line) <= width), lines[-1])


# ------------------------------------------------------------------ conflicts in plain words

RECORDS = {
    "child": "Child's details", "family": "Household", "person": "Person",
    "child_person": "Person's relationship to the child", "consent": "Consent",
    "episode": "Case (referral to closure)", "circumstance": "Circumstances",
    "short_break": "Short break", "direct_payment": "Direct payment",
    "support_review": "Support review", "visit": "Visit", "visit_present": "Visit: others present",
    "visit_addendum": "Visit addendum", "visit_action": "Visit: plan actions",
    "meeting": "Meeting", "meeting_agreement": "Meeting agreement",
    "non_engagement": "Non-engagement", "meeting_invitee": "Meeting invitee",
    "meeting_distribution": "Minutes sent", "plan": "CIN plan", "plan_version": "Plan version",
    "plan_service": "Plan service", "plan_need": "Plan need", "plan_action": "Plan action",
    "rag_change": "Rating change", "quality_check": "Quality check",
    "supervision": "Supervision", "supervision_action": "Supervision action",
    "family_group_conference": "Family Group Conference",
    "safety_statement": "Signs of Safety statement", "safety_scaling": "Signs of Safety scaling",
    "gcp2_assessment": "Graded Care Profile 2", "gcp2_need": "Graded Care Profile 2: need",
    "cp_enquiry": "Child protection enquiry", "ending": "Ending", "decision": "Decision",
    "reallocation": "Reallocation", "child_access": "Who may see the record",
}
FIELDS = {
    "dob": "date of birth", "expected_dob": "expected date of birth", "upn": "UPN",
    "upn_unknown": "UPN unknown", "worker_id": "worker", "team_id": "team",
    "family_id": "household", "child_id": "child", "person_id": "person",
    "created_at": "recorded", "updated_at": "last changed", "rag": "rating",
    "cin_plan_start": "CIN plan start", "cin_plan_end": "CIN plan end",
    "childs_comments": "child's comments", "childs_views": "child's views",
    "childs_welfare": "child's welfare", "parents_comments": "parents' comments",
}
KINDS = {"both_changed": "changed on both", "deleted_on_server": "deleted on the team server",
         "refused": "refused by the team server"}
SHORT_KINDS = {"both_changed": "changed on both", "deleted_on_server": "deleted on server",
               "refused": "refused by server"}
HIDDEN = ("id", "created_at", "updated_at")


def record_name(entity: str) -> str:
    return RECORDS.get(entity, entity.replace("_", " ").capitalize())


def field_name(name: str) -> str:
    if name in FIELDS:
        return FIELDS[name]
    return name.removesuffix("_id").replace("_", " ")


def what(entity: str, field: str) -> str:
    """"Child's details: first name"; the record alone when the whole record conflicts."""
    return f"{record_name(entity)}: {field_name(field)}" if field else record_name(entity)


def show(value: Any) -> str:
    """One value as a worker reads it."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        if not value.strip():
            return "(blank)"
        try:
            if len(value) == 10:
                return day_words(date.fromisoformat(value))
            if len(value) > 18 and value[10] == "T":
                local = england_time(datetime.fromisoformat(value))
                return f"{day_words(local)} {local:%H:%M}"
        except ValueError:
            pass
    return str(value)


def version(text: str, *, server: bool, kind: str = "deleted_on_server",
            keep: Iterable[str] = ()) -> list[str]:
    """One side of a conflict (its canonical JSON) as lines: the value; a whole record
    field by field ("first name: Nell"); a record that is not there, said so (a new record
    the server refused was never there: not "deleted").

    A whole record says what it holds: a new one, or the server's copy, leaves out what is
    blank (a closure's two dozen empty fields buried its reason and who recommended it),
    bar the fields the laptop's change names (`keep`), which the worker compares, and the
    ids it points at (the child is named above it)."""
    value = json.loads(text)
    if value is None:
        if not server:
            return ["(not on this laptop)"]
        return ["(not on the team server)" if kind == "refused" else
                "(deleted on the team server)"]
    if isinstance(value, dict):
        if value.get("action") == "delete":
            return ["(deleted on this laptop)"]
        fields = value.get("values", value)
        whole = server or value.get("action") == "insert"
        kept = set(keep)
        return [f"{field_name(k)}: {show(v)}" for k, v in sorted(fields.items())
                if k not in HIDDEN
                and not (whole and k not in kept and (_blank(v) or _an_id(k, v)))] \
            or ["(no fields)"]
    return [show(value)]


def changed_fields(text: str) -> list[str]:
    """The fields a laptop's whole-record change names (its canonical JSON)."""
    value = json.loads(text)
    if not isinstance(value, dict):
        return []
    return sorted(value.get("values", value))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", "[]", "{}"))


def _an_id(name: str, value: Any) -> bool:
    """A reference to another record (`child_id`, `episode_id`): an id no worker reads."""
    return (name.endswith("_id") and isinstance(value, str)
            and len(value.replace("-", "")) == 32
            and all(c in "0123456789abcdef" for c in value.replace("-", "").lower()))


# ------------------------------------------------------------------ whose each version is

NOT_KNOWN = "Who changed it there, and when: not known"


def moment(at: datetime) -> str:
    """An instant as read in England, in a sentence: "on 3 Dec 2026 at 10:42"."""
    local = england_time(at)
    return f"on {day_words(local)} at {local:%H:%M}"


def who(login: str, name: str, me: str) -> str:
    """A login as a worker reads it: "Ben Cole (ben.cole)"; "you" for the laptop's own; the
    login alone where the server's workers do not name it (its owner's login)."""
    if login == me:
        return "you"
    return f"{name} ({login})" if name and name != login else login


def mine_change(at: datetime | None) -> str:
    """When the laptop's version was made: "Changed here on 20/11/2026 at 10:00"."""
    return f"Changed here {moment(at)}" if at is not None else ""


def theirs_change(kind: str, theirs: str, by: str, at: datetime | None) -> str:
    """Who made the team server's version and when, in a line: "Changed by Ben Cole
    (ben.cole) on 03/12/2026 at 10:42", "Deleted by …" for a record deleted there; not
    known for a conflict recorded before cintui kept it (revision 0031), a change made
    outside cintui, or a record now hidden; nothing where the server never held the record
    (a new one it refused). `by`: as `who` words it."""
    if json.loads(theirs) is None and kind != "deleted_on_server":
        return ""
    if not by or at is None:
        return NOT_KNOWN
    return f"{'Deleted' if kind == 'deleted_on_server' else 'Changed'} by {by} {moment(at)}"


def theirs_short(kind: str, by: str, at: datetime | None) -> str:
    """The same, for a sentence's brackets: "changed by Ben Cole on 03/12/2026 at 10:42"
    (`by` a name or "you"); "" when not known."""
    if not by or at is None:
        return ""
    return f"{'deleted' if kind == 'deleted_on_server' else 'changed'} by {by} {moment(at)}"


# ------------------------------------------------------------------ a refused new ending

ENDING_WORDS = {"closure": "closure", "step_down": "step-down", "transfer_out": "transfer"}


def held_instead(kind: str, by: str, on: str | None) -> str:
    """The team server's side of a new closure (step-down, transfer) it refused because it
    holds another for the child (TRA, BEX 3: one at a time): whose that one is, and when
    ("The closure it holds for the child instead: recommended by Ben Cole on 01/12/2026")."""
    whose = " ".join(filter(None, (f"by {by}" if by else "",
                                   f"on {show(on)}" if on else "")))
    return (f"The {ENDING_WORDS.get(kind, kind.replace('_', ' '))} it holds for the child "
            f"instead" + (f": recommended {whose}" if whose else ""))
