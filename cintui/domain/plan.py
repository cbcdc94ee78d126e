"""The CIN plan as plain values (DOMAIN.md §3; BEX 2, WIR 2.3-2.7, TRA, STO 4.4).

A plan belongs to a child's episode and has versions (draft → agreed at a meeting or by a
named person → superseded by the next). A version holds the plan-wide statements of
WIR 2.7 and a list of needs; each need is one row of the BEX 2 three-column table:

1. `now`: what is happening for the child now: a worry and what must change, or a
   strength to keep (`kind`);
2. `outcome`: how the child's experience will be different and how everyone will know;
3. `actions`: who does what by when (family network and services).

Every need carries a RAG rating with a dated history that follows the need across
versions (`Need.key` is the same in every version of one need) and quantified evidence
(WIR 2.4). Pure: no Textual, no SQL; the store (`cintui.plans`) and the exports build
these, the checks (`cintui.domain.plan_checks`) read them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from cintui.domain.dates import day_words
from cintui.domain.policy import Timescale
from cintui.domain.text import counted

RAG_RATINGS = ("R", "A", "G")
RAG_NAMES = {"R": "Red", "A": "Amber", "G": "Green"}
NEED_KINDS = ("worry", "strength")
ACTION_STATUSES = ("not_started", "in_progress", "done", "not_done")
ACTION_STATUS_LABELS = {
    "not_started": "Not started", "in_progress": "In progress", "done": "Done",
    "not_done": "Not done",
}
VERSION_STATUSES = ("draft", "agreed", "superseded")
# What ended a plan (WIR 3, TRA): its final CIN meeting, or the case's closure (a closure
# with no final meeting, a transfer out) ending the plan in force with it.
ENDED_BY = {"final_meeting": "the final meeting", "closure": "the closure"}
# A plan started (the manager's authorisation) that has no version written, or one with no
# needs yet, as the caseload flags it and what to do next (BEX 2: the first column is what
# is happening for the child now). The caseload said "No plan" beside "CIN plan".
PLAN_NOT_WRITTEN = "Plan not written yet"
# No plan started: the line manager's authorisation (TRA) comes before any of it is written.
# The Summary said "No plan yet (p on the Plan tab starts one)", and p, n wrote a draft.
NOT_STARTED_LEAD = "No plan yet: the line manager's authorisation starts it"
PLAN_NOT_STARTED = f"{NOT_STARTED_LEAD} (K, then p)"
# Where that authorisation is given, said to someone who may not give it (TRA): who may, not
# keys that are not theirs to press (the plan editor's n, the record's Summary and Plan tab).
_GIVEN_THERE = ("given in cintui as themselves (K on the record, then p; it waits on their "
                "team view, F4 then w)")
PLAN_NO_NEEDS = "Plan has no needs yet"
# TRA, BEX 3: a case closed with no plan written has none to start; a re-referral (WAR 3.4)
# opens a new episode, whose plan the manager's authorisation starts.
PLAN_CLOSED_NONE = "No plan: the case closed"


def not_started_headline(authorisers: str | None = None) -> str:
    """The record's line for a plan not started (`PLAN_NOT_STARTED`); to someone who may not
    authorise it, who may, in the plan editor's words (`not_started`): "No plan yet: the
    line manager's authorisation starts it (TRA), given in cintui as themselves (…): Tom
    Abbiss (Team manager)"."""
    if authorisers is None:
        return PLAN_NOT_STARTED
    return f"{NOT_STARTED_LEAD} (TRA), {_GIVEN_THERE}: {authorisers}"


def summary_line(headline: str) -> str:
    """The record's Summary line for the plan, "Plan: " and its headline, with "no plan"
    said once: "Plan: none: the case closed on …", "Plan: none yet: the line manager's
    authorisation starts it" (it read "Plan: No plan: the case closed on …")."""
    if headline.startswith("No plan"):
        return f"Plan: none{headline.removeprefix('No plan')}"
    return f"Plan: {headline}"


def closed_no_plan(closed: date) -> str:
    """The Summary's and the Plan tab's line for a closed case with no plan."""
    return (f"{PLAN_CLOSED_NONE} on {day_words(closed)} without one; a re-referral opens it "
            "again (R on the record)")
NO_NEEDS_NEXT = "p opens the plan, then a adds a need"


def ends_plan_at(kind: str, recommendation: str | None) -> bool:
    """A held meeting of `kind` with its `recommendation` (as the store keeps them) ends the
    CIN plan: a final meeting, unless it decided the plan goes on ("continue"; WIR 3, TRA).
    Here, not in `domain.meeting`, so that reading a plan (`plan show`) does not load the
    minuting rules (`domain.meeting.ends_plan` is the same for minutes being taken)."""
    return kind == "final" and (recommendation or "") != "continue"


def plan_ended(status: str, met_kind: str | None, recommendation: str | None,
               met_on: date | None, closed_on: date | None) -> tuple[date | None, str]:
    """Has this plan version ended, when and how (WIR 3, TRA), as (day, `ENDED_BY` key) or
    (None, ""): the final meeting it was agreed at (`ends_plan_at`), else, for a version
    not superseded, the case's closure (`closed_on`: the first closure on or after the
    version was begun). The one reading the plan's screens, `plan show`, its exports, the
    due list and the reports share."""
    if met_on is not None and ends_plan_at(met_kind or "", recommendation):
        return met_on, "final_meeting"
    if closed_on is not None and status != "superseded":
        return closed_on, "closure"
    return None, ""


def not_started(reference: str, authorisers: str | None = None) -> str:
    """Why a child's first plan cannot be written yet: the CIN plan is "sent to the Social
    Care line manager for authorisation" (TRA) before a word of it is written, and that
    authorisation (`cintui plan start`, `K` then `p` on the record) is its start. In the
    app, to someone who may not authorise, `authorisers` names who may, and where the
    start waits for them: K then p is not theirs."""
    if authorisers is not None:
        return (f"{reference} has no CIN plan to write yet: it starts with the line "
                f"manager's authorisation (TRA), {_GIVEN_THERE}: {authorisers}")
    return (f"{reference} has no CIN plan to write yet: it starts with the line manager's "
            f"authorisation (TRA): cintui plan start {reference} --authorised-by MANAGER "
            "(in the app: K on the record, then p)")


def from_last_refused(has_last: bool, own: bool) -> str | None:
    """Why a plan cannot start from the last episode's (L in the plan editor, `cintui plan
    draft --from-last`), or None: that is for a re-referred child's new plan, before the new
    episode has one of its own (TRA: the family need not tell their story again). `has_last`:
    an earlier episode's plan to start from; `own`: this episode has a plan. One wording
    for both."""
    if has_last:
        return None
    return ("starting from the last plan is for a re-referred child's new plan: "
            + ("this episode has its own plan" if own else
               "there is no earlier episode's plan"))


# What the final meeting's recommendation leaves to decide once the plan has ended there
# (WIR 3, TRA, BEX 3): the step to record, its command and its key on the record.
_AFTER_FINAL = {
    "step_down": ("record the step-down for the manager to decide",
                  "cintui stepdown record {ref} --service NAME", "S"),
    "close": ("recommend the closure for the manager to decide", "cintui close recommend {ref}",
              "C"),
    "strategy_discussion": ("record the strategy discussion", "cintui cp strategy {ref}",
                            "K, then x,"),
}


def after_final(reference: str, recommendation: str | None) -> str:
    """What comes after a final meeting that ended the plan, as the next step and its
    command: "record the step-down for the manager to decide: cintui stepdown record
    CIN000010 --service NAME (S on the record)"."""
    step = _AFTER_FINAL.get(recommendation or "")
    if step is None:
        return (f"the step-down or closure: cintui stepdown record {reference} --service NAME "
                f"or cintui close recommend {reference} (S or C on the record)")
    what, command, key = step
    return f"{what}: {command.format(ref=reference)} ({key} on the record)"


def ended_at_final(held_on: date, reference: str, recommendation: str | None, *,
                   this: bool = False) -> str:
    """WIR 3, TRA: a final meeting (before step-down or closure) ends the plan: no further
    review, and it is not re-opened for one. Said when the meeting is held (`this`) and when
    the ended plan is edited."""
    where = "this final meeting" if this else f"the final meeting on {day_words(held_on)}"
    return (f"the plan ended at {where}: no further review; next, "
            f"{after_final(reference, recommendation)}")


def ended_at_closure(closed_on: date, reference: str) -> str:
    """WIR 3, TRA: the case's closure ends the plan in force with it, as a final meeting
    does: no further review, and it is not re-opened (a re-referral opens a new episode)."""
    return (f"the plan ended at the closure on {day_words(closed_on)}: no further review; "
            f"a re-referral opens a new episode: cintui child rerefer {reference} (R on the "
            "record)")


def at_closure_words(needs: int, *, ended: bool, started: date | None,
                     has_plan: bool) -> str:
    """What the closure summary says under "The plan at closure" when there are no needs to
    list (TRA: a closure summary; a record that is accurate before closure): "No needs were
    recorded in the plan.", "No CIN plan was started in this episode.", or "" when there
    are needs. `ended`: the plan ended (its final meeting, the closure), or, with no plan,
    the case closed. It said "No plan." under a plan's own heading."""
    if needs:
        return ""
    if has_plan:
        return ("No needs were recorded in the plan." if ended
                else "No needs are recorded in the plan yet.")
    if started is not None:  # `ended`: the case closed
        return (f"The CIN plan started {day_words(started)} was not written: no needs, "
                "outcomes or actions were recorded." if ended else
                f"The CIN plan started {day_words(started)} is not written yet: no needs, "
                "outcomes or actions are recorded.")
    return "No CIN plan was started in this episode."


def not_written(started: date, next_step: str) -> str:
    """PLAN_NOT_WRITTEN in a sentence, with what to do next: "the CIN plan started 3 Nov
    2026 is not written yet: no needs, outcomes or actions (p opens the plan; …)"."""
    return (f"the CIN plan started {day_words(started)} is not written yet: no "
            f"needs, outcomes or actions ({next_step})")


@dataclass(frozen=True)
class RagChange:
    """One rating given to a need, dated and attributed (WIR 2.3-2.6).

    Amber → Green records how long the change has been maintained and where or by whom it
    was agreed; a move to Red records the discussion about a Child Protection conference
    or strategy discussion (BEX 3)."""

    on: date
    rating: str  # R | A | G
    previous: str | None = None  # None: the first rating
    by: str = ""  # who rated (worker's name)
    reason: str = ""
    maintained_for: str = ""  # Amber → Green: e.g. "8 weeks"
    agreed_at: str = ""  # Amber → Green: "Review meeting 3 March 2026" or a person
    cp_discussion: str = ""  # → Red: the CP conference / strategy discussion considered


@dataclass(frozen=True)
class PlanAction:
    """Column 3: who does what by when."""

    what: str
    who: str = ""  # a person from People, an agency or a role ("Mum", "School DSL")
    by_when: date | None = None
    status: str = "not_started"  # ACTION_STATUSES
    notes: str = ""
    person_id: uuid.UUID | None = None  # when `who` is someone on the child's People
    key: uuid.UUID = field(default_factory=uuid.uuid4)  # the same action across versions


@dataclass(frozen=True)
class Need:
    """One row of the three-column plan."""

    now: str  # column 1: what is happening now (worry to change, or strength to keep)
    outcome: str = ""  # column 2: the outcome and how we will know it has been achieved
    actions: tuple[PlanAction, ...] = ()  # column 3
    rag: str = "A"
    kind: str = "worry"  # NEED_KINDS
    evidence: str = ""  # quantified where possible (WIR 2.4)
    rag_history: tuple[RagChange, ...] = ()  # oldest first; the last is the current rating
    key: uuid.UUID = field(default_factory=uuid.uuid4)  # the same need across versions


@dataclass(frozen=True)
class Service:
    """A service in the plan and what it is for (WIR 2.7)."""

    name: str
    purpose: str = ""


@dataclass(frozen=True)
class PlanVersion:
    """One version of a child's CIN plan."""

    number: int
    status: str = "draft"  # VERSION_STATUSES
    created_on: date | None = None
    agreed_on: date | None = None
    agreed_at: str = ""  # the meeting it was agreed at ("Review meeting 3 Mar 2026")
    agreed_by: str = ""  # or the person who agreed it
    objectives: str = ""  # overall objectives (WIR 2.7)
    lead_professional: str = ""
    review_arrangements: str = ""
    next_review: date | None = None
    services: tuple[Service, ...] = ()
    childs_views: str = ""  # the child's views and feelings, in their words
    lived_experience: str = ""  # daily lived experience of the child and parent/carer
    needs: tuple[Need, ...] = ()
    id: uuid.UUID | None = None  # the store's row, when it came from one
    visit_every: Timescale | None = None  # visits agreed (BEX 3, TRA); None: the policy's
    # The stored draft's version when it was read: saving a stale one is refused (another
    # worker changed the draft meanwhile). Not part of the plan's content.
    stamp: str = field(default="", compare=False, repr=False)
    # BEX 3: the "bottom lines" (what is essential, non-negotiable, to stay at support rather
    # than safety) and "what action may be taken if the plan is not successful"; STO 6.3:
    # the exit: what "good enough" looks like for the plan to end.
    bottom_lines: str = ""
    if_not_met: str = ""
    good_enough: str = ""
    # The day the plan ended, with no next review (DOMAIN.md §5, §7; WIR 3, TRA): the final
    # CIN meeting that agreed this version (the meeting before step-down or closure), or the
    # case's closure, which ends the plan in force with it (`ended_by`). Read from the
    # meeting it was agreed at or the episode's closure, not stored on the version.
    ended_on: date | None = None
    ended_by: str = ""  # ENDED_BY: "final_meeting" (the default once ended_on is set)

    def __post_init__(self) -> None:
        if self.ended_on is not None and not self.ended_by:
            object.__setattr__(self, "ended_by", "final_meeting")

    @property
    def ended_where(self) -> str:
        """Where the plan ended: "the final meeting on 26 Oct 2026", "the closure on 18 Sep
        2026"; "" while it runs."""
        if self.ended_on is None:
            return ""
        return f"{ENDED_BY[self.ended_by]} on {day_words(self.ended_on)}"

    @property
    def ended_mark(self) -> str:
        """The mark an ended plan's copies carry in place of DRAFT (it is a record, never
        re-opened to be fixed): "Ended at the closure on 18 Sep 2026"; "" while it runs."""
        return f"Ended at {self.ended_where}" if self.ended_on is not None else ""

    @property
    def review_words(self) -> str:
        """The next review in words: "next review 3 Feb 2027", "no further review: the plan
        ended at the final meeting on 26 Oct 2026" (or "at the closure on …"), or "" when
        neither is known."""
        if self.ended_on is not None:
            return f"no further review: the plan ended at {self.ended_where}"
        return f"next review {day_words(self.next_review)}" if self.next_review else ""

    def rag_counts(self) -> dict[str, int]:
        """Needs per rating, e.g. {"R": 0, "A": 3, "G": 2}."""
        counts = dict.fromkeys(RAG_RATINGS, 0)
        for need in self.needs:
            counts[need.rag] += 1
        return counts

    @property
    def headline(self) -> str:
        """One line for the Summary and the caseload: version, state, ratings, review."""
        return self.headline_for(self.rag_counts(), len(self.needs))

    def headline_for(self, counts: dict[str, int], needs: int) -> str:
        """`headline` from counts of the needs' ratings (read without the needs)."""
        counts = {r: counts.get(r, 0) for r in RAG_RATINGS}
        state = {"draft": "draft", "agreed": "agreed", "superseded": "superseded"}[self.status]
        if self.status == "agreed" and self.agreed_on:
            state = f"agreed {day_words(self.agreed_on)}"
        review = f", {self.review_words}" if self.review_words else ""
        visits = f", visits every {self.visit_every.describe()}" if self.visit_every else ""
        if not needs:  # "0 needs, R0 A0 G0"; the caseload said "No plan"
            yet = "" if self.ended_on is not None else " yet"  # ended: none, ever (WIR 3)
            return f"version {self.number} ({state}): no needs{yet}{review}{visits}"
        return (f"version {self.number} ({state}): {counted(needs, 'need')}, "
                f"R{counts['R']} A{counts['A']} G{counts['G']}{review}{visits}")


def rag_change_problems(previous: str | None, rating: str, *, maintained_for: str = "",
                        agreed_at: str = "", cp_discussion: str = "",
                        ) -> list[tuple[str, str]]:
    """What a re-rating still needs before it can be recorded, as (field, problem).

    - Amber (or Red) → Green: change must have been maintained for a period of time and
      agreed at a meeting or by a named person (WIR 2.4, WIR 2.6).
    - → Red: record the discussion about a Child Protection conference or a strategy
      discussion and s47 enquiry (WIR 2.6, BEX 3).
    """
    if rating not in RAG_RATINGS:
        return [("rating", f"{rating!r} is not Red, Amber or Green")]
    problems = []
    if rating == "G" and previous in ("A", "R"):
        if not maintained_for.strip():
            problems.append(("maintained_for", "how long has the change been maintained? "
                             "A need moves to Green only when change has held (WIR 2.4)"))
        if not agreed_at.strip():
            problems.append(("agreed_at", "where or by whom was Green agreed? "
                             "(the meeting, or the person) (WIR 2.6)"))
    if rating == "R" and previous != "R" and not cp_discussion.strip():
        problems.append(("cp_discussion", "record the discussion about a Child Protection "
                         "conference or strategy discussion (WIR 2.6, BEX 3)"))
    return problems


# ---------------------------------------------------------------- an early review (BEX 3)


def early_review_problems(by: date | None, reason: str, today: date,
                          review_due: date | None) -> list[tuple[str, str]]:
    """BEX 3: "If there are significant changes in the family circumstances, an early review
    should take place." A review brought forward names the date and what changed; the date
    is not past, and comes before the review already due (else it is not early)."""
    out = []
    if by is None:
        out.append(("by", "give the date the review is brought forward to"))
    elif by < today:
        out.append(("by", f"{day_words(by)} is in the past"))
    elif review_due is not None and by >= review_due:
        out.append(("by", f"the review is already due by {day_words(review_due)}:"
                          " an early review comes before that (BEX 3)"))
    if not reason.strip():
        out.append(("reason", "say what has changed in the family's circumstances (BEX 3)"))
    return out


def open_worries(needs: tuple[Need, ...] | list[Need]) -> bool:
    """A worry of the plan still Red or Amber."""
    return any(n.kind == "worry" and n.rag in ("R", "A") for n in needs)


def red_prompt(previous: str | None, rating: str) -> str | None:
    """BEX 3: a need going Red is a significant change: the worker is prompted to bring the
    review forward (and, WIR 2.6, to consider a child protection conference)."""
    if rating == "R" and previous != "R":
        return ("A need has gone Red: consider bringing the review forward (BEX 3: an early "
                "review after significant change).")
    return None
