"""Forms of the plan editor: a need (columns 1-2), its actions (column 3), a re-rating with
the WIR 2.4/2.6 rules, the plan-wide details (WIR 2.7) and agreeing a version.

Each form edits a copy of the draft version (pure `cintui.domain.plan` values) and saves the
whole draft with `plans.save_draft` in an audited session: only the rows that changed are
written. Problems show beside the field as the worker types; nothing is saved until valid.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Select, Static

from cintui.casework import plans
from cintui.casework.meetings import MinutedMeeting
from cintui.domain.dates import NotADay, day_text, day_words, read_day
from cintui.domain.plan import (
    ACTION_STATUS_LABELS,
    ACTION_STATUSES,
    RAG_NAMES,
    Need,
    PlanAction,
    PlanVersion,
    Service,
    rag_change_problems,
)
from cintui.domain.policy import PolicyProfile, Timescale
from cintui.domain.short_breaks import services_to_add
from cintui.domain.text import counted
from cintui.domain.timescales import parse_plan_visits, plan_visit_problem
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable

from .forms import FormScreen, _check
from .widgets.choices import RATING_KEYS
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

# SFEF framing (WIR 2.4-2.5), shown as guidance while writing a need.
SFEF = ("What is going well? · What are we worried about? · What needs to change — what "
        "does good look like for the child? · Who will do what to support change, by when?")
RATINGS = [(RAG_NAMES[r], r) for r in ("R", "A", "G")]  # chosen by r, a, g


def _as_typed(d: date | None) -> str:
    """A day in a box to type over, as a worker types one (24/11/2026): not `day_words`."""
    return d.strftime("%d/%m/%Y") if d else ""


def _save_job(version: PlanVersion, new: PlanVersion, today: date, by: str):
    vid = version.id

    def job(session):
        return plans.save_draft(session, vid, new, today, by=by)
    return job


class PlanFormScreen(FormScreen):
    """A form over the plan's draft version. What is typed is kept as it is typed, on the
    child's record, so nothing is lost.

    `child_id` is set by the plan screen that opens it; kept by form and need or action."""

    KEEP_TYPED = True

    def __init__(self, version: PlanVersion, today: date, by: str,
                 at: str | None = None) -> None:
        super().__init__()
        self.version = version
        self.today = today
        self.by = by
        self.at = at  # the field to start at (a plan check to fix), if the form has it
        self.child_id: uuid.UUID | None = None

    def focus_first(self, default: str) -> None:
        """Start at the field a plan check names (`at`), or at `default`."""
        wanted = f"#{self.at}" if self.at and self.query(f"#{self.at}") else default
        self.query_one(wanted).focus()

    def save_version(self, new: PlanVersion):
        return _save_job(self.version, new, self.today, self.by)


def _rating_for(kind: object) -> str:
    """The rating a new need is offered: Green for a strength to keep, Amber for a worry."""
    return "G" if kind == "strength" else "A"


class NeedFormScreen(PlanFormScreen):
    """Columns 1 and 2 of one need, its evidence and (for a new need) its first rating."""

    def __init__(self, version: PlanVersion, index: int | None, today: date, by: str,
                 people: Iterable[str] = (), at: str | None = None) -> None:
        super().__init__(version, today, by, at)
        self.people = sorted(set(people) | {"Social worker", "Mum", "Dad", "School"})
        self.index = index
        self.need = version.needs[index] if index is not None else None
        self.kept_key = f"NeedFormScreen:{self.need.key if self.need else 'new'}"
        self._rag_offered = "A"  # the rating the form offers for the kind chosen
        self.TITLE_TEXT = (f"Need {index + 1}" if index is not None else "Add a need") + \
            " — write it so the family can read it (BEX 2)"

    def fields(self) -> Iterable[Widget]:
        n = self.need
        yield Static(SFEF, classes="note")
        yield self.row("kind", "A worry or a strength",
                       self.choice([("A worry: what must change", "worry"),
                                    ("A strength to keep", "strength")],
                                   n.kind if n else "worry"))
        yield self.row("now", "What is happening now", self.text(
            n.now if n else "", "For the child, now: e.g. Leo has missed 13 of 60 school days"))
        yield self.row("outcome", "What will be different", self.text(
            n.outcome if n else "", "and how everyone will know: e.g. 95% attendance by March"))
        if n is None:  # column 3 on the same form: a new worry usually comes with an action
            yield self.row("action_what", "First action", self.text(
                "", "what will be done (blank: add actions later with c)"))
            yield self.row("action_who", "Who", self.name_box(
                "", "a person on the record, an agency or a role", self.people))
            yield self.row("action_by", "By when", self.text("", "dd/mm/yyyy, or e.g. by Fri"))
        yield self.row("evidence", "Evidence (numbers)", self.text(
            n.evidence if n else "", "how many, how often, since when (WIR 2.4)"))
        if n is None:
            yield self.row("rag", "Rating", self.choice(RATINGS, "A", keys=RATING_KEYS))
            yield self.row("cp_discussion", "If Red: CP discussion", self.text(
                "", "the Child Protection conference / strategy discussion considered"))

    def on_mount(self) -> None:
        self.focus_first("#now")
        if self.need is None:  # WIR 2.6, BEX 3: "r Tab" goes to the discussion a Red needs
            self.tab_stop_only_for("cp_discussion", "rag", {"R"})

    @on(Select.Changed, "#kind")
    def _kind_chosen(self, event: Select.Changed) -> None:
        """A new strength to keep is rated Green as it is chosen (BEX 2, a strength to
        maintain), a worry Amber, unless the worker has chosen another rating. A strength
        stayed Amber, and making it Green was a re-rating asking how long "the change" had
        been maintained (WIR 2.4), a change the record then said had happened."""
        if self.need is None and self.value("rag") == self._rag_offered:
            self._rag_offered = _rating_for(event.value)
            with self.prevent(Select.Changed):
                self.query_one("#rag", Select).value = self._rag_offered
            self._apply_needed_for()

    def values_restored(self) -> None:
        if self.need is None and self.value("rag") == _rating_for(self.value("kind")):
            self._rag_offered = self.value("rag")  # as offered: it follows the kind still

    def _cp_discussion(self) -> str:
        """The CP discussion is a Red's, saved only with one: it was a tab stop for every
        rating, and words typed on after Tab were saved on an Amber as its "CP discussion"."""
        return self.text_of("cp_discussion") if self.value("rag") == "R" else ""

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.text_of("now"):
            problems["now"] = "say what is happening for the child now"
        if self.need is None:
            for field, problem in rag_change_problems(
                    None, self.value("rag") or "A", cp_discussion=self._cp_discussion()):
                problems[field] = problem
            problems.update(self._first_action_problems())
        return problems

    def _first_action_problems(self) -> dict[str, str]:
        """The first action is optional, but once begun it needs all three (WIR 2.3)."""
        what, who, by = (self.text_of(f) for f in ("action_what", "action_who", "action_by"))
        if not (what or who or by):
            return {}
        problems: dict[str, str] = {}
        if not what:
            problems["action_what"] = "say what will be done"
        if not who:
            problems["action_who"] = "who will do it? a person, an agency or a role (WIR 2.3)"
        if not by:
            problems["action_by"] = "by when? every action needs a date (WIR 2.3)"
        else:
            try:
                read_day(by, self.today)
            except NotADay as exc:
                problems["action_by"] = exc.problem
        return problems

    def _first_action(self) -> tuple[PlanAction, ...]:
        if not self.text_of("action_what"):
            return ()
        return (PlanAction(what=self.text_of("action_what"), who=self.text_of("action_who"),
                           by_when=read_day(self.text_of("action_by"), self.today)),)

    def build(self):
        v = self.version
        fields = {"kind": self.value("kind") or "worry", "now": self.text_of("now"),
                  "outcome": self.text_of("outcome"), "evidence": self.text_of("evidence")}
        if self.need is None:
            rating = self.value("rag") or "A"
            need = plans.with_rating(Need(now=fields["now"], rag=rating), rating, self.today,
                                     self.by, cp_discussion=self._cp_discussion())
            # A first rating has no "previous": keep the details, drop the stand-in.
            first = replace(need.rag_history[-1], previous=None)
            need = replace(need, **fields, rag_history=(first,), actions=self._first_action())
            needs = (*v.needs, need)
        else:
            needs = tuple(replace(n, **fields) if i == self.index else n
                          for i, n in enumerate(v.needs))
        return self.save_version(replace(v, needs=needs))


class RateFormScreen(PlanFormScreen):
    """Re-rate a need, opened on its rating (r, a, g choose the new one). Amber → Green:
    how long change has held and who agreed (WIR 2.4, 2.6); → Red: the CP conference /
    strategy discussion (WIR 2.6, BEX 3). Only the boxes the chosen rating needs are shown,
    straight under it, then "why": Tab goes down the form as it reads. (Tab from Green once
    jumped past "why" to "maintained for", and words typed in the order the form showed
    went in the box below: the why as how long the change had held.)"""

    NEEDS = {"G": ("maintained_for", "agreed_at"), "R": ("cp_discussion",)}

    def __init__(self, version: PlanVersion, index: int, today: date, by: str) -> None:
        super().__init__(version, today, by)
        self.index = index
        self.need = version.needs[index]
        self.kept_key = f"RateFormScreen:{self.need.key}"
        self.TITLE_TEXT = (f"Re-rate need {index + 1} (now {RAG_NAMES[self.need.rag]}): "
                           f"{self.need.now[:60]}")

    def fields(self) -> Iterable[Widget]:
        yield self.row("rating", "New rating",
                       self.choice(RATINGS, self.need.rag, keys=RATING_KEYS))
        yield self.row("maintained_for", "Change maintained for",
                       self.text("", "e.g. 8 weeks: how long it has held (WIR 2.4)"))
        yield self.row("agreed_at", "Agreed at / by",
                       self.text("", "the meeting, or who agreed it (WIR 2.6)"))
        yield self.row("cp_discussion", "CP discussion",
                       self.text("", "the CP conference / strategy discussion (WIR 2.6)"))
        yield self.row("reason", "Why", self.text("", "what has changed, in a sentence"))

    def on_mount(self) -> None:
        self._show_needed()
        self.query_one("#rating").focus()
        self.refresh_checks(())

    def _needed(self) -> tuple[str, ...]:
        """The boxes the chosen rating needs (none for a rating the need already has)."""
        chosen = self.value("rating")
        return self.NEEDS.get(chosen, ()) if chosen != self.need.rag else ()

    def _show_needed(self) -> None:
        needed = self._needed()
        for names in self.NEEDS.values():
            for name in names:
                self.query_one(f"#{name}").parent.parent.display = name in needed

    @on(Select.Changed, "#rating")
    def _rating_chosen(self) -> None:
        self._show_needed()

    def tab_target(self) -> Widget | None:
        """Tab down the rating, the boxes it needs and "why", in that order, shown now.
        Textual orders Tab by where boxes are drawn, and a box just shown is not drawn
        yet: in a burst ("g Tab 8 weeks Tab CIN review Tab why") Tab went back to the
        rating. The rating's key acts as it is read; its Changed message comes later."""
        rating = self.query_one("#rating", Select)
        if rating.expanded:
            return None
        order = ["rating", *self._needed(), "reason"]
        # The focus now, not `has_focus`: that changes only once the box has handled its
        # Blur, after a Tab read straight after this one (a burst) has asked.
        at = self.focused.id if self.focused is not None else None
        if at not in order[:-1]:
            return None
        self._show_needed()
        return self.query_one(f"#{order[order.index(at) + 1]}")

    def _needed_text(self, name: str) -> str:
        return self.text_of(name) if name in self._needed() else ""

    def refresh_checks(self, fields):
        # What the chosen rating needs is shown at once, not only once a field is typed in.
        return super().refresh_checks({*fields, "maintained_for", "agreed_at", "cp_discussion"})

    def problems(self) -> dict[str, str]:
        return dict(rag_change_problems(
            self.need.rag, self.value("rating") or "A",
            maintained_for=self._needed_text("maintained_for"),
            agreed_at=self._needed_text("agreed_at"),
            cp_discussion=self._needed_text("cp_discussion")))

    def build(self):
        if self.value("rating") == self.need.rag:  # said on saving, not as the form opens
            raise plans.PlanError("rating", f"it is {RAG_NAMES[self.need.rag]} now: choose "
                                  "the new rating (r Red, a Amber, g Green)")
        need = plans.with_rating(
            self.need, self.value("rating"), self.today, self.by, reason=self.text_of("reason"),
            maintained_for=self._needed_text("maintained_for"),
            agreed_at=self._needed_text("agreed_at"),
            cp_discussion=self._needed_text("cp_discussion"))
        needs = tuple(need if i == self.index else n for i, n in enumerate(self.version.needs))
        return self.save_version(replace(self.version, needs=needs))


class ActionFormScreen(PlanFormScreen):
    """Column 3: who will do what, by when (WIR 2.3: every Amber's actions need an owner and
    a date)."""

    def __init__(self, version: PlanVersion, need: int, index: int | None, today: date,
                 by: str, people: Iterable[str] = (), at: str | None = None) -> None:
        super().__init__(version, today, by, at)
        self.need_index = need
        self.index = index
        self.people = sorted(set(people) | {"Social worker", "Mum", "Dad", "School"})
        self.action = version.needs[need].actions[index] if index is not None else None
        self.kept_key = (f"ActionFormScreen:{version.needs[need].key}:"
                         f"{'new' if index is None else index}")
        self.TITLE_TEXT = ("Edit the action" if self.action else "Add an action") + \
            f" — need {need + 1}: {version.needs[need].now[:50]}"

    def fields(self) -> Iterable[Widget]:
        a = self.action
        yield self.row("what", "What will be done", self.text(
            a.what if a else "", "e.g. Walk Leo to school each morning"))
        yield self.row("who", "Who", self.name_box(
            a.who if a else "", "a person on the record, an agency or a role", self.people))
        yield self.row("by_when", "By when", self.text(_as_typed(a.by_when) if a else "",
                                                      "dd/mm/yyyy"))
        yield self.row("status", "Status", self.choice(
            [(ACTION_STATUS_LABELS[s], s) for s in ACTION_STATUSES],
            a.status if a else "not_started"))
        yield self.row("notes", "Notes", self.text(a.notes if a else ""))

    def on_mount(self) -> None:
        self.focus_first("#what")

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.text_of("what"):
            problems["what"] = "say what will be done"
        if not self.text_of("who"):
            problems["who"] = "who will do it? a person, an agency or a role (WIR 2.3)"
        info = ""
        if not self.text_of("by_when"):
            problems["by_when"] = "by when? every action needs a date (WIR 2.3)"
        else:
            try:
                info = f"By when: {day_text(self._by_when())}"
            except NotADay as exc:
                problems["by_when"] = exc.problem
        self.query_one("#form-info", Static).update(info)
        return problems

    def _by_when(self) -> date:
        """As councils write it ("by Fri", "18/12", "18-Dec-2026"), from today."""
        return read_day(self.text_of("by_when"), self.today)

    def build(self):
        fields = {"what": self.text_of("what"), "who": self.text_of("who"),
                  "by_when": self._by_when(), "status": self.value("status"),
                  "notes": self.text_of("notes")}
        need = self.version.needs[self.need_index]
        if self.action is None:
            actions = (*need.actions, PlanAction(**fields))
        else:
            actions = tuple(replace(a, **fields) if i == self.index else a
                            for i, a in enumerate(need.actions))
        needs = tuple(replace(n, actions=actions) if i == self.need_index else n
                      for i, n in enumerate(self.version.needs))
        return self.save_version(replace(self.version, needs=needs))


class DetailsFormScreen(PlanFormScreen):
    """What the plan states besides the needs (WIR 2.7, TRA), the visit frequency agreed
    (BEX 3, TRA: more often than the policy, never less) and the child's voice."""

    TITLE_TEXT = "The plan's details (WIR 2.7) and the child's voice"

    def __init__(self, version: PlanVersion, today: date, by: str,
                 policy: PolicyProfile, at: str | None = None, packages=(),
                 meeting: MinutedMeeting | None = None) -> None:
        super().__init__(version, today, by, at)
        self.policy = policy
        # WIR 2.3: the child's views given at the meeting minuted, not typed again.
        self.views_from = meeting if meeting and meeting.childs_views and \
            not version.childs_views.strip() else None
        # The child's short breaks and direct payments running that Services does not name
        # yet (WAR 7.2.1, BEX short breaks): put in the box, not typed again.
        self.offered = services_to_add(version.services, packages)

    def fields(self) -> Iterable[Widget]:
        v = self.version
        services = (*v.services, *self.offered)
        yield self.row("objectives", "Overall objectives", self.text(v.objectives))
        yield self.row("lead_professional", "Lead professional", self.text(v.lead_professional))
        yield self.row("review_arrangements", "Review arrangements",
                       self.text(v.review_arrangements))
        yield self.row("next_review", "Next review date", self.text(_as_typed(v.next_review),
                                                                    "dd/mm/yyyy"))
        ts = self.policy.timescales.get("visit")
        yield self.row("visit_every", "Visits every", self.text(
            v.visit_every.describe() if v.visit_every else "",
            f"blank: the policy's {ts.describe()}; or e.g. 2 weeks" if ts else "e.g. 2 weeks"))
        if self.offered:
            yield Static(plain("Added to Services from the child's short breaks and direct "
                               f"payments (H): {', '.join(s.name for s in self.offered)}. "
                               "Change or remove them like the rest."),
                         id="services-offered", classes="note")
        yield self.row("services", "Services: purpose", self.text(
            "; ".join(f"{s.name}: {s.purpose}" if s.purpose else s.name for s in services),
            "Family support worker: routines; School: attendance"))
        if self.views_from:
            yield Static(plain(f"The child's views from the minutes of the "
                               f"{self.views_from.label}: change them as needed."),
                         id="views-from", classes="note")
        yield self.row("childs_views", "The child's views", self.text(
            self.views_from.childs_views if self.views_from else v.childs_views,
            "in the child's words, or what was observed"))
        yield self.row("lived_experience", "Daily lived experience", self.text(
            v.lived_experience, "a day in the child's life; the parent's too"))
        # BEX 3, STO 6.3: the plan's exit.
        yield self.row("bottom_lines", "Bottom lines", self.text(
            v.bottom_lines, "what is essential, not negotiable, and why (BEX 3)"))
        yield self.row("if_not_met", "If not successful", self.text(
            v.if_not_met, "what will happen if the needs are not met (BEX 3)"))
        yield self.row("good_enough", "Good enough to end", self.text(
            v.good_enough, "what good enough looks like, so the plan can end (STO 6.3)"))

    def on_mount(self) -> None:
        self.focus_first("#objectives")

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        _check(problems, "next_review", lambda: self.date_of("next_review"))
        try:
            every = self._visit_every()
        except ValueError as exc:
            problems["visit_every"] = str(exc)
        else:
            if every is not None and plan_visit_problem(every, self.policy):
                problems["visit_every"] = plan_visit_problem(every, self.policy)
        return problems

    def _visit_every(self) -> Timescale | None:
        text = self.text_of("visit_every")
        return parse_plan_visits(text) if text else None

    def build(self):
        services = []
        for part in self.text_of("services").split(";"):
            name, _, purpose = part.partition(":")
            if name.strip():
                services.append(Service(name.strip(), purpose.strip()))
        new = replace(self.version, objectives=self.text_of("objectives"),
                      lead_professional=self.text_of("lead_professional"),
                      review_arrangements=self.text_of("review_arrangements"),
                      next_review=self.date_of("next_review"), services=tuple(services),
                      visit_every=self._visit_every(),
                      childs_views=self.text_of("childs_views"),
                      lived_experience=self.text_of("lived_experience"),
                      bottom_lines=self.text_of("bottom_lines"),
                      if_not_met=self.text_of("if_not_met"),
                      good_enough=self.text_of("good_enough"))
        return self.save_version(new)


class AgreeFormScreen(PlanFormScreen):
    """The draft becomes the plan in force: agreed at a meeting, or by a named person."""

    def __init__(self, version: PlanVersion, today: date, by: str, problems: int,
                 meeting: MinutedMeeting | None = None) -> None:
        super().__init__(version, today, by)
        self.TITLE_TEXT = f"Agree version {version.number} of the plan"
        self.open_problems = problems
        self.meeting = meeting  # the meeting just minuted: where it was agreed, not retyped

    def fields(self) -> Iterable[Widget]:
        if self.open_problems:
            yield Static(f"⚠ The plan checks found {counted(self.open_problems, 'problem')}: it can be "
                         "agreed, and exports will carry a DRAFT mark until they are fixed.",
                         classes="note")
        met = self.meeting
        if met:
            yield Static(plain(f"From the minutes of the {met.label}, the newest meeting "
                               "held: change it if the plan was agreed elsewhere."),
                         id="agreed-from", classes="note")
        yield self.row("agreed_on", "Agreed on", self.text(_as_typed(met.held_on if met
                                                                else self.today)))
        yield self.row("agreed_at", "At (meeting)", self.text(
            met.label if met else "", "e.g. Review CIN meeting 23 Nov 2026"))
        yield self.row("agreed_by", "Or by (person)", self.text("", "e.g. Tom Reid, TM"))

    def on_mount(self) -> None:
        self.query_one("#agreed_at").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        _check(problems, "agreed_on", lambda: self.date_of("agreed_on"))
        if "agreed_on" not in problems and (on := self.date_of("agreed_on")) \
                and on > self.today:  # as `plans.agree_version` refuses it (`plan agree`)
            problems["agreed_on"] = (f"{day_words(on)} is in the future: give the day "
                                     "the plan was agreed")
        if not (self.text_of("agreed_at") or self.text_of("agreed_by")):
            problems["agreed_at"] = "say at which meeting, or by whom, the plan was agreed"
        return problems

    def build(self):
        vid, on = self.version.id, self.date_of("agreed_on") or self.today
        at, by = self.text_of("agreed_at"), self.text_of("agreed_by")
        met = self.meeting.id if self.meeting and at == self.meeting.label else None
        today = self.today
        return lambda s: plans.agree_version(s, vid, on, agreed_at=at, agreed_by=by,
                                             meeting_id=met, today=today) or True


class ActionsScreen(KeysAsRead, ModalScreen):
    """Column 3 of one need: its actions, by keyboard. Every key acts as read, the arrows
    too (`typed.KeysAsRead`): "↓ Space" typed at once changes the second action, and the
    words typed after `a` wait for its form."""

    DEFAULT_CSS = """
    ActionsScreen { align: center middle; }
    ActionsScreen #box { width: 110; max-width: 100%; height: auto; max-height: 90%; border: thick $primary;
                         background: $surface; padding: 0 1; }
    ActionsScreen #title { text-style: bold; }
    ActionsScreen DataTable { height: auto; max-height: 20; }
    """
    BINDINGS = [
        *KeysAsRead.TABLE_ROWS,
        as_read("a", "add", "Add action"),
        as_read("e,enter", "edit", "Edit"),
        as_read("d", "delete", "Delete"),
        as_read("space", "next_status", "Next status"),
        as_read("ctrl+up", "move(-1)", "Move up"),
        as_read("ctrl+down", "move(1)", "Move down"),
        as_read("escape", "close", "Done"),
    ]

    def __init__(self, version: PlanVersion, need: int, today: date, by: str,
                 people: Iterable[str] = (), fix: tuple[int | None, str] | None = None) -> None:
        super().__init__()
        self.version, self.need_index, self.today, self.by = version, need, today, by
        self.people = list(people)
        self.child_id: uuid.UUID | None = None  # set by the plan screen
        self.changed = False
        # A plan check to fix (PlanScreen's k): (the action, or None for a new one; the
        # field): its form opens at once, at that field.
        self.fix = fix

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static("", id="title")
            yield PlainTable(id="actions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("What", "Who", "By when", "Status", "Notes")
        self._fill(self.fix[0] if self.fix else None)
        table.focus()
        if self.fix is not None:
            self.call_after_refresh(self._open_fix)

    def _open_fix(self) -> None:
        action, field = self.fix
        if action is None or action >= len(self.need.actions):
            self.action_add()
            return
        self.app.push_screen(self._on_record(ActionFormScreen(
            self.version, self.need_index, action, self.today, self.by, self.people,
            at=field)), self._form_closed)

    @property
    def need(self) -> Need:
        return self.version.needs[self.need_index]

    def _fill(self, cursor: int | None = None) -> None:
        self.query_one("#title", Static).update(
            f"Who will do what, by when — need {self.need_index + 1}: {plain(self.need.now[:70])}")
        table = self.query_one(DataTable)
        table.clear()
        for a in self.need.actions:
            table.add_row(a.what, a.who or "— no owner —",
                          day_words(a.by_when, pad=True) if a.by_when else "— no date —",
                          ACTION_STATUS_LABELS[a.status], a.notes)
        if not self.need.actions:
            table.add_row("No actions yet: press a to add one", "", "", "", "")
        if cursor is not None and self.need.actions:
            table.move_cursor(row=max(0, min(cursor, len(self.need.actions) - 1)))

    def _current(self) -> int | None:
        if not self.need.actions:
            return None
        return self.query_one(DataTable).cursor_row

    def _apply(self, actions: tuple[PlanAction, ...], cursor: int | None = None) -> None:
        needs = tuple(replace(n, actions=actions) if i == self.need_index else n
                      for i, n in enumerate(self.version.needs))
        new = replace(self.version, needs=needs)
        app = self.app
        try:
            with app.store.session(app.actor) as session:
                self.version = plans.save_draft(session, self.version.id, new, self.today,
                                                by=self.by)
        except ValueError as exc:
            self.notify(f"Not saved: {exc}", severity="error")
            return
        self.changed = True
        self._fill(cursor)

    def _form_closed(self, result, cursor: int | None = None) -> None:
        if isinstance(result, PlanVersion):
            self.version = result
            self.changed = True
            self._fill(self._current() if cursor is None else cursor)

    def _on_record(self, form):
        form.child_id = self.child_id  # the action form keeps what is typed on the record
        return form

    def action_add(self) -> None:
        self.app.push_screen(  # the new action is the last: keep it chosen
            self._on_record(ActionFormScreen(self.version, self.need_index, None, self.today,
                                             self.by, self.people)),
            lambda result: self._form_closed(result, len(self.need.actions)))

    def action_edit(self) -> None:
        i = self._current()
        if i is None:
            self.action_add()
            return
        self.app.push_screen(self._on_record(ActionFormScreen(
            self.version, self.need_index, i, self.today, self.by, self.people)),
            self._form_closed)

    def action_delete(self) -> None:
        i = self._current()
        if i is not None:
            self._apply(tuple(a for j, a in enumerate(self.need.actions) if j != i), i)

    def action_next_status(self) -> None:
        i = self._current()
        if i is None:
            return
        a = self.need.actions[i]
        status = ACTION_STATUSES[(ACTION_STATUSES.index(a.status) + 1) % len(ACTION_STATUSES)]
        self._apply(tuple(replace(x, status=status) if j == i else x
                          for j, x in enumerate(self.need.actions)), i)

    def action_move(self, step: int) -> None:
        i = self._current()
        actions = list(self.need.actions)
        if i is None or not 0 <= i + step < len(actions):
            return
        actions[i], actions[i + step] = actions[i + step], actions[i]
        self._apply(tuple(actions), i + step)

    def action_close(self) -> None:
        self.dismiss(self.version if self.changed else None)


__all__ = ["ActionFormScreen", "ActionsScreen", "AgreeFormScreen", "DetailsFormScreen",
           "NeedFormScreen", "RateFormScreen"]
