"""What waits for a manager's decision: the steps of a case only a team or service manager
may take, so that an assessment sent for authorisation, or a closure recommended, does not
sit unseen while its clock runs (drift).

- an assessment completed by the worker and sent to the line manager (TRA); its clock runs
  until the manager authorises it;
- an assessment authorised with "a CIN plan" as its outcome, the plan not yet started:
  the plan's start is authorised by the line manager (TRA);
- a closure, a step-down or a transfer recommended: the team manager decides (TRA, BEX 3;
  WIR 3; BEX 4);
- a dispute about a closure: the team manager, then the service manager (BEX 3). Once the
  team manager has referred it on it is the service manager's alone to settle: a team
  manager's list shows it as waiting on them, by name, not as theirs to do;
- casework dated after the case closed (TRA, BEX 3), as a laptop's sync brings it, recorded
  offline while the case was closed on the server: a visit, a meeting held or booked, a
  supervision, a GCP2, Signs of Safety, an FGC, a short break or direct payment starting
  (`domain.endings.KEPT`, each said in its own words): kept, never lost; the manager
  re-refers the child (WAR 3.4) or records a decision on it (BEX 4), which ends the wait.

Pure: plain values in, plain values out; the store's reads are in `casework.team`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cintui.domain.calendar import WorkingCalendar
from cintui.domain.dates import day_short, day_words
from cintui.domain.endings import KEPT

KINDS = ("assessment", "plan_start", "closure", "step_down", "transfer_out", "dispute",
         "after_closure", "dispute_referred")
WHAT = {
    "assessment": "authorise the assessment (TRA)",
    "plan_start": "authorise the CIN plan's start (TRA)",
    "closure": "decide the closure recommended (TRA, BEX 3)",
    "step_down": "decide the step-down recommended (WIR 3)",
    "transfer_out": "decide the transfer recommended (BEX 4)",
    "dispute": "settle the dispute about the closure (BEX 3)",
    "after_closure": "decide on a visit after the closure (BEX 3)",
    "dispute_referred": "settle the dispute referred on (BEX 3)",
}
SHORT = {  # in a laptop's 80 columns
    "assessment": "authorise assessment", "plan_start": "authorise plan start",
    "closure": "decide closure", "step_down": "decide step-down",
    "transfer_out": "decide transfer", "dispute": "settle dispute",
    "after_closure": "visit after closure",
    "dispute_referred": "settle dispute",
}
SINCE = {  # what the date it waits from is
    "assessment": "sent", "plan_start": "assessment authorised", "closure": "recommended",
    "step_down": "recommended", "transfer_out": "recommended", "dispute": "raised",
    "after_closure": "visited",
    "dispute_referred": "referred",
}
# The child's record's key (its action) that opens where the decision is taken.
OPENS = {"assessment": "case_steps", "plan_start": "case_steps", "closure": "closure",
         "step_down": "step_down", "transfer_out": "transfer", "dispute": "closure",
         "after_closure": "decision", "dispute_referred": "closure"}
# BEX 3: who alone takes a step (none here: a team or a service manager).
ONLY = {"dispute_referred": "service_manager"}


@dataclass(frozen=True)
class Waiting:
    """One decision waiting for a manager, for one child."""

    child_id: str
    reference: str
    name: str
    worker: str
    kind: str  # KINDS
    since: date  # after_closure: the day it was recorded (its own day is `on`)
    by: str = ""  # who sent, recommended or disputed it
    team: str = ""  # the child's team
    waits_on: str = ""  # who alone may take it, by name ("Morgan Fielding"), when ONLY says
    record: str = "visit"  # after_closure: which kind of casework (domain.endings.KEPT)
    on: date | None = None  # after_closure: the record's own day (visited, held, booked for)

    @property
    def what(self) -> str:
        if self.kind == "after_closure":  # "decide on a meeting held after the closure (BEX 3)"
            return f"decide on {KEPT[self.record].a} after the closure (BEX 3)"
        return WHAT[self.kind]

    @property
    def short(self) -> str:
        return KEPT[self.record].short if self.kind == "after_closure" else SHORT[self.kind]

    @property
    def since_word(self) -> str:
        return KEPT[self.record].since if self.kind == "after_closure" else SINCE[self.kind]

    @property
    def about(self) -> str:
        """What a decision taken from the list is about, for the top of its form (BEX 4):
        "About a meeting booked for 18 Dec 2026, recorded 20 Nov 2026, kept after the case
        closed (TRA, BEX 3)"; "" for the other kinds (their screens say what they are)."""
        if self.kind != "after_closure":
            return ""
        kept = KEPT[self.record]
        on = self.since if self.on is None else self.on
        who = f" by {self.by}" if self.by else (
            ", booker not recorded" if self.record == "meeting_booked" else "")
        recorded = "" if on == self.since else f", recorded {day_words(self.since)}"
        return (f"About {kept.a} {kept.on} {day_words(on)}{who}{recorded}, kept after the "
                "case closed (TRA, BEX 3)")

    def theirs(self, role: str | None) -> bool:
        """Whether someone with `role` takes this step (None: not known, as the CLI's list
        over every manager: yes). A dispute referred on is the service manager's (BEX 3)."""
        only = ONLY.get(self.kind)
        return role is None or only is None or role == only

    def what_for(self, role: str | None, short: bool = False) -> str:
        """What to decide, for someone with `role`; a step that is not theirs says whom it
        waits on: "with Morgan Fielding (service manager)"."""
        if not self.theirs(role):
            if not self.waits_on:
                return "with the service manager" + ("" if short else " (BEX 3)")
            return f"with {self.waits_on}" + ("" if short else " (service manager)")
        return self.short if short else self.what

    def days(self, today: date, cal: WorkingCalendar) -> int:
        """Working days it has waited (0 on the day it was sent)."""
        return max(0, cal.working_days_between(self.since, today))

    def describe_since(self, today: date, cal: WorkingCalendar, short: bool = False) -> str:
        """"sent 7 Dec by Sam Worker, 2 working days"; `short`: "7 Dec, 2 days" ("1,234 days":
        thousands grouped, as a long wait is read at a glance). Casework kept
        after a closure waits from the day it was recorded, its own day said beside it when
        that differs: "booked for 18 Dec, recorded 7 Dec, today" (TRA, BEX 3)."""
        days = self.days(today, cal)
        if short:
            return f"{day_short(self.since)}, " + (
                "today" if days == 0 else f"{days:,} day{'s' if days != 1 else ''}")
        waited = "today" if days == 0 else f"{days:,} working day{'s' if days != 1 else ''}"
        who = f" by {self.by}" if self.by else ""
        on = self.since if self.on is None else self.on
        recorded = "" if on == self.since else f", recorded {day_short(self.since)}"
        return f"{self.since_word} {day_short(on)}{who}{recorded}, {waited}"

    def as_json(self, today: date, cal: WorkingCalendar) -> dict:
        return {"child": self.reference, "name": self.name, "worker": self.worker,
                "team": self.team, "waiting_for": self.kind, "what": self.what, "since": self.since.isoformat(),
                "by": self.by, "working_days": self.days(today, cal),
                **({"waits_on": self.waits_on} if self.kind in ONLY else {}),
                **({"record": self.record, "on": (self.on or self.since).isoformat()}
                   if self.kind == "after_closure" else {})}


def oldest_first(found: list[Waiting]) -> list[Waiting]:
    """The longest waiting first; then by the child's surname, then the kind's order."""
    return sorted(found, key=lambda w: (w.since, w.name.split()[-1].lower() if w.name else "",
                                        KINDS.index(w.kind), list(KEPT).index(w.record)))
