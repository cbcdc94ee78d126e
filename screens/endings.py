"""Endings on the child's record (DOMAIN.md §7): a decision with its rationale (BEX 4, `D`
anywhere on the record), the closure screen (`C`: recommend, the manager's decision, the
family told, the dispute path, the checklist-blocked close, letters and the closure
summary) and re-referral of a closed child (`R`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Select, Static

from cintui.casework import endings
from cintui.domain.dates import day_words
from cintui.domain.endings import (
    DECISION_KIND_LABELS,
    DECISION_KINDS,
    DISPUTE_OUTCOME_LABELS,
    DISPUTE_OUTCOMES,
    ENDING_STATUS_LABELS,
)
from cintui.domain.text import counted, first_upper
from cintui.reference import codes
from cintui.screens.widgets.exported import say_written, tell_written
from cintui.screens.widgets.hanging import HangingLines

from .forms import FormScreen
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

YES_NO = [("Not answered", ""), ("Yes", "yes"), ("No", "no")]


def _iso_day(value: str | None) -> str:
    from datetime import date

    return day_words(date.fromisoformat(value)) if value else ""


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def checklist_parts(title: str, items, *, problems_only: bool = False) -> list:
    """A checklist under its title: each item's mark, then its words, which wrap under
    themselves (HangingLines, labels 10 wide), and its rule's key in the right margin; a
    problem said after the words in red."""
    parts: list = [Text(f"{title}\n", style="bold")]
    for item in items:
        met = item.met and not problems_only
        mark = Text("  ✓ done" if met else "  ✗ to do", style="green" if met else "bold red")
        words = Text(item.text)
        if item.problem:
            words.append(f": {item.problem}", style="red")
        parts.append((mark, words, f"[{item.rule}]"))
    return parts


class _DatedForm(FormScreen):
    """A form with an `on` date field: a date, not in the future."""


# ---------------------------------------------------------------- a decision (BEX 4)


class DecisionFormScreen(_DatedForm):
    """BEX 4: what was decided, why, by whom and when; shown in the chronology."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    ALIASES = {"made_on": "on", "made_by": "by"}

    def __init__(self, child_id: uuid.UUID, by: str, role: str,
                 kind: str = "case_direction", about: str = "") -> None:
        super().__init__()
        self.child_id, self.by, self.role, self.kind = child_id, by, role, kind
        self.about = about  # what it decides, at the top (the manager's list: TRA, BEX 3)
        self.TITLE_TEXT = "Record a decision, with its rationale (BEX 4)"

    def fields(self) -> Iterable[Widget]:
        if self.about:
            yield Static(self.about, id="decision-about", classes="form-about")
        yield self.row("kind", "Kind", self.choice(
            [(DECISION_KIND_LABELS[k], k) for k in DECISION_KINDS], self.kind))
        yield self.row("decision", "Decision", self.text("", "What was decided"))
        yield self.row("rationale", "Rationale", self.prose("", "Why (required)"))
        yield self.row("by", "Decided by", self.text(self.by))
        yield self.row("role", "Role", self.text(self.role, "e.g. Team manager"))
        yield self.row("on", "On", self.text(f"{self.app.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        self.query_one("#decision").focus()

    def problems(self) -> dict[str, str]:
        problems = {}
        if not self.text_of("decision"):
            problems["decision"] = "say what was decided"
        if not self.text_of("rationale"):
            problems["rationale"] = "BEX 4: a decision is recorded with its rationale"
        if not self.text_of("by"):
            problems["by"] = "say who decided"
        self.date_problem(problems)
        return problems

    def build(self):
        new = endings.NewDecision(self.value("kind"), self.text_of("decision"),
                                  self.text_of("rationale"), self.date_of("on"),
                                  self.text_of("by"), self.text_of("role") or None)
        child_id, actor, today = self.child_id, self.app.actor, self.app.today
        return lambda session: endings.record_decision(session, child_id, new, actor=actor,
                                                       today=today) and True


# ---------------------------------------------------------------- closure forms


class RecommendFormScreen(_DatedForm):
    """TRA, BEX 3: the recommendation to close; a final meeting's pre-fills it."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    def __init__(self, child_id: uuid.UUID, by: str, prefill: endings.Prefill | None) -> None:
        super().__init__()
        self.child_id, self.by, self.prefill = child_id, by, prefill
        self.TITLE_TEXT = "Recommend closure (the team manager decides next)"

    def fields(self) -> Iterable[Widget]:
        p = self.prefill
        yield self.row("on", "On", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("by", "Recommended by", self.text(self.by))
        yield self.row("reason", "Reason (census)", self.choice(
            codes.choices("closure_reason"), p.reason if p else Select.NULL, blank=True))
        yield self.row("unmet", "Unmet need stepped down", self.choice(
            YES_NO, "" if p is None or p.unmet_need is None else
            ("yes" if p.unmet_need else "no")))
        yield self.row("summary", "Closure summary", self.prose("", "A first draft (optional)"))

    def on_mount(self) -> None:
        p = self.prefill
        if p:  # a final meeting's recommendation; adult social care's acceptance (RC6)
            self.query_one("#form-info", Static).update(f"Filled in: {p.words()}")
        # The first thing still to say: the reason (typing "adult" chooses RC6), or with
        # a final meeting's reason, the summary. It started on "Recommended by", already
        # filled in, and a reason typed there went to the next box down, unseen.
        self.query_one("#summary" if p and p.reason else "#reason").focus()

    def problems(self) -> dict[str, str]:
        problems = {}
        self.date_problem(problems)
        if not self.text_of("by"):
            problems["by"] = "say who recommends the closure"
        return problems

    def build(self):
        child_id, today = self.child_id, self.app.today
        on, by, summary = self.date_of("on"), self.text_of("by"), self.text_of("summary")
        reason, unmet = self.value("reason"), _yes_no(self.value("unmet"))
        return lambda session: endings.recommend_closure(
            session, child_id, on=on, by=by, today=today, summary=summary, reason=reason,
            unmet_need=unmet) and True


def _manager_choices(managers: list[endings.Decider]) -> list[tuple[str, str]]:
    return [(f"{d.name} ({d.role_label})", d.username) for d in managers]


class DecideFormScreen(_DatedForm):
    """The manager's decision (TRA, BEX 3-4): the team manager approves or declines, with
    the rationale. A step-down and a transfer are decided on this form too.

    The step-down and transfer screens (screens/transfer.py) open it."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    WHAT = "closure"  # what is decided: the words in the title, the choices and messages
    AGREE = "Approve closure"
    RULES = "TRA, BEX 3"
    BY_PROBLEM = "TRA, BEX 3: a team manager or service manager decides"

    def __init__(self, child_id: uuid.UUID, managers: list[endings.Decider],
                 me: str | None) -> None:
        super().__init__()
        self.child_id, self.managers, self.me = child_id, managers, me
        self.TITLE_TEXT = f"The manager's decision on {self.WHAT} ({self.RULES})"

    def fields(self) -> Iterable[Widget]:
        choices = _manager_choices(self.managers)
        first = self.me if any(u == self.me for _, u in choices) else (
            choices[0][1] if choices else None)
        yield self.row("outcome", "Decision", self.choice(
            [(self.AGREE, "approve"), ("Decline: keep the case open", "decline")],
            "approve"))
        yield self.row("by", "Manager", self.choice(choices, first or Select.NULL,
                                                    blank=not choices))
        yield self.row("rationale", "Rationale", self.prose("", "Why (BEX 4, required)"))
        yield self.row("on", "On", self.text(f"{self.app.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        if not self.managers:
            self.query_one("#form-info", Static).update(
                "No team or service manager on this store: only they make this decision.")
        self.query_one("#rationale").focus()

    def problems(self) -> dict[str, str]:
        problems = {}
        if not self.value("by"):
            problems["by"] = self.BY_PROBLEM
        if not self.text_of("rationale"):
            problems["rationale"] = "BEX 4: give the rationale for the decision"
        self.date_problem(problems)
        return problems

    @staticmethod
    def decide(session, child_id: uuid.UUID, **kw):
        return endings.decide_closure(session, child_id, **kw)

    def build(self):
        child_id, today, actor = self.child_id, self.app.today, self.app.actor
        approve, by = self.value("outcome") == "approve", self.value("by")
        rationale, on = self.text_of("rationale"), self.date_of("on")
        decide = self.decide
        return lambda session: decide(session, child_id, approve=approve, rationale=rationale,
                                      on=on, today=today, by=by, actor=actor) and True


class ToldFormScreen(_DatedForm):
    """BEX 3: the date the family was told of the decision."""

    def __init__(self, child_id: uuid.UUID, due) -> None:
        super().__init__()
        self.child_id = child_id
        self.TITLE_TEXT = ("The family told of the closure decision (BEX 3"
                           + (f": by {day_words(due)})" if due else ")"))

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Told on", self.text(f"{self.app.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        self.query_one("#on").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        return problems

    def build(self):
        child_id, today, on = self.child_id, self.app.today, self.date_of("on")
        return lambda session: endings.family_told(session, child_id, on=on,
                                                   today=today) and True


def _letters_said(written: list, ctx, folder) -> str:
    said = (f"{counted(len(written), 'letter file')} for "
            f"{counted(len(ctx.recipients), 'recipient')} in {folder}")
    return said + (f". Note: {ctx.missing}" if ctx.missing else "")


class LettersFormScreen(_DatedForm):
    """TRA: closure letters written before the case is closed (they tell the family, BEX
    3), so the date they give is the planned closure date: asked here, as `cintui close
    letters --date` takes it. Nothing is recorded: the letters go to the exports folder."""

    def __init__(self, child_id: uuid.UUID, folder, reason: str | None) -> None:
        super().__init__()
        self.child_id, self.folder, self.reason = child_id, folder, reason
        self.TITLE_TEXT = "Closure letters: the case is not closed yet (TRA)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Planned closure", self.text(
            f"{self.app.today:%d/%m/%Y}", "the date the letters say the case closes"))
        yield self.row("reason", "Reason (census)", self.choice(
            codes.choices("closure_reason"), self.reason or Select.NULL, blank=True))

    def on_mount(self) -> None:
        self.query_one("#on").focus()

    def problems(self) -> dict[str, str]:
        problems = {} if self.value("reason") else {
            "reason": "the letters say why the case closes: choose the reason"}
        try:
            when = self.date_of("on")
        except ValueError as exc:
            return {"on": str(exc), **problems}
        return problems if when else {"on": "give the planned closure date", **problems}

    def build(self):
        from cintui.export import endings as letters_export

        child_id, today, on, folder = self.child_id, self.app.today, self.date_of("on"), \
            self.folder
        reason = self.value("reason")

        def job(session):
            ctx = endings.letter_context(session, child_id, today, closure_date=on,
                                         reason=reason)
            written = letters_export.write_letters(ctx, folder)
            return _letters_said(written, ctx, folder), letters_export.letters_unshown(ctx)
        return job


class DisputeFormScreen(_DatedForm):
    """BEX 3: the family or a professional disputes the decision."""

    def __init__(self, child_id: uuid.UUID) -> None:
        super().__init__()
        self.child_id = child_id
        self.TITLE_TEXT = "A dispute of the closure decision (BEX 3: team manager, then " \
                          "service manager)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("by", "Raised by", self.text("", "A parent, a professional"))
        yield self.row("details", "What and why", self.text(""))
        yield self.row("on", "On", self.text(f"{self.app.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        self.query_one("#by").focus()

    def problems(self) -> dict[str, str]:
        problems = {}
        if not self.text_of("by"):
            problems["by"] = "say who disputes the decision"
        if not self.text_of("details"):
            problems["details"] = "say what is disputed and why"
        self.date_problem(problems)
        return problems

    def build(self):
        child_id, today = self.child_id, self.app.today
        by, details, on = self.text_of("by"), self.text_of("details"), self.date_of("on")
        return lambda session: endings.raise_dispute(session, child_id, by=by, details=details,
                                                     on=on, today=today) and True


class SettleFormScreen(_DatedForm):
    """BEX 3: the manager's decision on the dispute, with the rationale."""

    def __init__(self, child_id: uuid.UUID, managers: list[endings.Decider],
                 escalated: bool, me: str | None = None) -> None:
        super().__init__()
        self.child_id, self.managers, self.escalated = child_id, managers, escalated
        self.me = me
        self.TITLE_TEXT = ("The service manager's decision on the dispute" if escalated
                           else "The team manager's decision on the dispute")

    def fields(self) -> Iterable[Widget]:
        outcomes = [o for o in DISPUTE_OUTCOMES if not (self.escalated and o == "escalated")]
        people = [d for d in self.managers
                  if not self.escalated or d.role == "service_manager"]
        choices = _manager_choices(people)
        yield self.row("outcome", "Outcome", self.choice(
            [(first_upper(DISPUTE_OUTCOME_LABELS[o]), o) for o in outcomes], "upheld"))
        # you, a manager, as on the closure decision (it offered the first by name: another
        # team's manager)
        first = self.me if any(u == self.me for _, u in choices) else (
            choices[0][1] if choices else Select.NULL)
        yield self.row("by", "Manager", self.choice(choices, first, blank=not choices))
        yield self.row("rationale", "Rationale", self.prose("", "Why (BEX 4, required)"))
        yield self.row("on", "On", self.text(f"{self.app.today:%d/%m/%Y}"))

    def on_mount(self) -> None:
        # As the manager's decision on a closure opens (DecideFormScreen): on the first box
        # a person fills, the outcome and the manager filled in; Shift+Tab goes back to them.
        # It opened on the outcome, and a rationale typed from where the other form starts
        # went nowhere.
        self.query_one("#rationale").focus()

    def problems(self) -> dict[str, str]:
        problems = {}
        if not self.value("by"):
            problems["by"] = "choose the manager deciding"
        if not self.text_of("rationale"):
            problems["rationale"] = "BEX 4: give the rationale"
        self.date_problem(problems)
        return problems

    def build(self):
        child_id, today, actor = self.child_id, self.app.today, self.app.actor
        outcome, by = self.value("outcome"), self.value("by")
        rationale, on = self.text_of("rationale"), self.date_of("on")
        return lambda session: endings.settle_dispute(
            session, child_id, outcome=outcome, rationale=rationale, on=on, today=today,
            by=by, actor=actor) and True


class CloseFormScreen(_DatedForm):
    """Close the case: refused, with every missing item and its rule, until the record is
    complete (TRA, BEX 3, STO 3.3)."""

    KEEP_TYPED = True  # through the idle lock (PRIV 2)

    ALIASES = {"closure": "on", "date": "on"}

    def __init__(self, child_id: uuid.UUID, ending: dict) -> None:
        super().__init__()
        self.child_id, self.ending = child_id, ending
        self.TITLE_TEXT = "Close the case (records complete first: TRA)"

    def fields(self) -> Iterable[Widget]:
        e = self.ending
        unmet = e.get("unmet_need")
        yield self.row("on", "Closure date", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("reason", "Reason (census)", self.choice(
            codes.choices("closure_reason"), e.get("closure_reason") or Select.NULL, blank=True))
        yield self.row("unmet", "Unmet need stepped down", self.choice(
            YES_NO, "" if unmet is None else ("yes" if unmet else "no")))
        yield self.row("summary", "Closure summary", self.prose(
            e.get("closure_summary") or "", "What was achieved; what happens next"))

    def on_mount(self) -> None:
        self.query_one("#summary").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        return problems

    def build(self):
        inp = endings.CloseInput(closure_date=self.date_of("on"), reason=self.value("reason"),
                                 unmet_need=_yes_no(self.value("unmet")),
                                 summary=self.text_of("summary"))
        child_id, today = self.child_id, self.app.today
        return lambda session: endings.complete_closure(session, child_id, inp, today) and True

    def show_error(self, exc: Exception) -> None:
        if isinstance(exc, endings.ClosureBlocked):
            text = Text("Not closed. Still to do:\n", style="bold")
            for item in exc.items:
                text.append(f"  ✗ {item.text} [{item.rule}]: {item.problem}\n")
            self.query_one("#form-error", Static).update(text)
            return
        super().show_error(exc)


class RereferFormScreen(_DatedForm):
    """WAR 3.4: a closed child re-referred opens a new episode."""

    ALIASES = {"date": "on", "source": "source", "need": "need"}

    def __init__(self, child_id: uuid.UUID, need: str) -> None:
        super().__init__()
        self.child_id, self.need = child_id, need
        self.TITLE_TEXT = "Re-referral: a new episode (the earlier ones stay on the record)"

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", "Referral date", self.text(f"{self.app.today:%d/%m/%Y}"))
        yield self.row("source", "Source", self.choice(
            codes.choices("referral_source"),
            Select.NULL, blank=True))
        yield self.row("need", "Primary need", self.choice(
            codes.choices("primary_need"),
            self.need or "N0"))

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.date_problem(problems)
        if not self.value("source"):
            problems["source"] = "choose where the referral came from"
        return problems

    def build(self):
        child_id, today = self.child_id, self.app.today
        on, source, need = self.date_of("on"), self.value("source"), self.value("need")
        return lambda session: endings.rerefer(session, child_id, on=on, source=source,
                                               need=need, today=today) and True


# ---------------------------------------------------------------- the closure screen


class EndingStepsScreen(KeysAsRead, Screen):
    """Where an ending stands (closure, step-down, transfer) and each next step by one key;
    only the steps possible at this stage are offered.

    A step's key works only in the statuses `STEPS` gives it; `FIRST` (the step that starts
    one) also needs the child's case open. Subclasses read their state and draw it.

    The keys act as read (`KeysAsRead`, `as_read`): "r" and what is typed after it at once
    reach the form it opens, where they once reached this screen and were lost."""

    PREFIX = "ending"  # the ids: #<prefix>-state, -checklist, -keys
    FIRST = "record"
    STEPS: dict[str, tuple] = {}

    def __init__(self, child_id: uuid.UUID) -> None:
        super().__init__()
        self.child_id = child_id
        self.state = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id=f"{self.PREFIX}-body"):
            yield HangingLines("Loading…", id=f"{self.PREFIX}-state")
            yield HangingLines("", id=f"{self.PREFIX}-checklist")
            yield Static("", id=f"{self.PREFIX}-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def state_of(self, session):
        raise NotImplementedError

    def load(self) -> None:
        with self.app.store.read() as session:
            self.state = self.state_of(session)
        self._show()
        self.refresh_bindings()

    def _show(self) -> None:
        raise NotImplementedError

    def _allowed(self, step: str) -> bool:
        s = self.state
        if s is None:
            return False
        if step == self.FIRST and (s.child_status == "closed"
                                   or getattr(s, "under_way", "")):
            return False
        return s.status in self.STEPS[step]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (as_read := self.keys_as_read(action)) is not None:
            return as_read
        if action in self.STEPS:
            return self._allowed(action)
        return True

    def _saved(self, result: object) -> None:
        if result:
            self.load()

    def _by(self) -> str:
        """Who recommends, as the shell's `--by` defaults: the worker using cintui (a
        colleague's recommendation is theirs), else the child's worker, else the actor."""
        with self.app.store.read() as session:
            return endings.recommender(session, self.child_id, self.app.actor)

    def _managers(self) -> list[endings.Decider]:
        with self.app.store.read() as session:
            return endings.managers(session)

    def _exports(self):
        from cintui.reference import config

        return config.exports_dir()

    def action_back(self) -> None:
        self.app.pop_screen()


class ClosureScreen(EndingStepsScreen):
    """Where the closure stands, and each next step by one key."""

    PREFIX, FIRST = "closure", "recommend"
    DEFAULT_CSS = """
    ClosureScreen #closure-body { padding: 0 1; }
    ClosureScreen Static { height: auto; }
    """
    BINDINGS = [
        as_read("escape", "back", "Back"),
        as_read("r", "recommend", "Recommend"),
        as_read("a", "decide", "Manager decides"),
        as_read("t", "told", "Family told"),
        as_read("x", "close", "Close case"),
        as_read("i", "dispute", "Dispute"),
        # BEX 3: the team manager settles a dispute, or refers it on to the service manager,
        # whose alone it then is. One key, its words saying which stage (both read "Settle
        # dispute", and a team manager was offered the referred one, which refused him).
        as_read("s", "settle", "Settle dispute",
                tooltip="Settle the dispute: the team manager upholds, overturns or refers it "
                        "to the service manager (BEX 3)"),
        as_read("s", "settle_referred", "Settle referred dispute",
                tooltip="Settle the dispute referred on: the service manager upholds or "
                        "overturns it (BEX 3)"),
        as_read("s", "settle_held", "Who settles it", show=False,
                tooltip="A dispute referred on that is not yours: says who settles it (BEX 3)"),
        as_read("l", "letters", "Letters"),
        as_read("o", "summary", "Summary doc"),
    ]
    # BEX 3: why the person signed in may not settle a dispute referred on (None: they may)
    # and the service managers by name; read with the state.
    settle_refused: str | None = None
    service_managers = ""
    # The ending's status each step needs (None: no closure in progress).
    STEPS = {
        "recommend": (None, "declined", "withdrawn"),
        "decide": ("recommended",),
        "told": ("approved",),
        "close": ("recommended", "approved", "disputed"),
        "dispute": ("approved",),
        "settle": ("disputed",),
        "settle_referred": ("disputed",),
        "settle_held": ("disputed",),
        "letters": ("approved", "completed", "disputed"),
        "summary": ("recommended", "approved", "declined", "disputed", "completed",
                    "withdrawn"),
    }

    def _show(self) -> None:
        s = self.state
        e = s.ending
        text = Text()
        text.append(f"Closure: {s.name} ({s.reference})\n", style="bold")
        if e is None and s.under_way:  # WIR 3, BEX 4: the closure is its last step
            key = "T" if s.under_way.startswith("the transfer") else "S"
            text.append(f"No closure to recommend: {s.under_way} ({key} on the record). "
                        "The letters, the family told and closing follow here.\n")
        elif e is None and s.transferred:  # BEX 4: RC5, no closure record
            text.append(f"{s.transferred}.\n")
        elif e is None:
            text.append("No closure recommended. Press r to recommend closure")
            if s.prefill:
                text.append(f" ({s.prefill.words()})")
            text.append(".\n")
        else:
            text.append(f"Status: {ENDING_STATUS_LABELS[e['status']]}\n",
                        style="bold green" if e["status"] == "completed" else "bold")
            text.append(f"Recommended {_iso_day(e['recommended_on'])} by "
                        f"{e['recommended_by']}\n")
            if e["decided_on"]:
                text.append(f"Decided {_iso_day(e['decided_on'])} by {e['decided_by']}: "
                            f"{e['rationale']}\n")
            if e["family_told_on"]:
                text.append(f"Family told {_iso_day(e['family_told_on'])}\n")
            elif s.notify_by and e["status"] in ("approved", "disputed"):
                late = s.notify_by < self.app.today
                text.append(f"Tell the family by {day_words(s.notify_by)} (BEX 3)"
                            + (" — OVERDUE" if late else "") + "\n",
                            style="bold red" if late else "yellow")
            d = e["dispute"]
            if d:
                text.append(f"Dispute raised {_iso_day(d['raised_on'])} by {d['raised_by']}: "
                            f"{d['details']}\n", style="bold")
                if d["escalated_to_service_manager_on"]:
                    text.append("Referred to the service manager "
                                f"{_iso_day(d['escalated_to_service_manager_on'])}")
                    if d["outcome"] is None:  # BEX 3: whose it is now
                        text.append(": " + self._holder() + "\n", style="bold")
                    else:
                        text.append("\n")
                text.append(f"Outcome: {d['outcome'] or 'not settled yet'}\n")
            if e["completed_on"]:
                text.append(f"Closed {_iso_day(e['completed_on'])}: {e['closure_reason']} "
                            f"{e['closure_reason_label']}; unmet need stepped down: "
                            f"{'yes' if e['unmet_need'] else 'no'}\n")
        for dec in s.decisions:
            text.append(f"  · {day_words(dec.made_on)} {dec.decision} — {dec.who}. "
                        f"Rationale: {dec.rationale}\n", style="dim")
        self.query_one("#closure-state", Static).update(text)
        parts = checklist_parts("Before closing (TRA: records complete)", s.checklist) \
            if s.child_status != "closed" else []
        self.query_one("#closure-checklist", HangingLines).show(parts, width=10,
                                                                label_style="")
        keys = [f"{key} {label}" for key, action, label in (
            ("r", "recommend", "recommend"), ("a", "decide", "manager's decision"),
            ("t", "told", "family told"), ("x", "close", "close the case"),
            ("i", "dispute", "dispute"), ("s", "settle", "settle the dispute"),
            ("s", "settle_referred", "settle the dispute referred on"),
            ("l", "letters", "letters"), ("o", "summary", "closure summary"))
            if self._allowed(action)]
        self.query_one("#closure-keys", Static).update(
            "Next: " + " · ".join(keys) if keys else "")

    def state_of(self, session) -> endings.ClosureState:
        state = endings.closure_state(session, self.child_id, self.app.today)
        # BEX 3: a dispute referred on is the service manager's alone: who, and whether
        # the person signed in may settle it, for the keys offered and the line saying so.
        self.settle_refused = endings.settle_refusal(session, self.child_id, self.app.actor)
        self.service_managers = endings.service_managers(session)
        return state

    def _referred(self) -> bool:
        d = (self.state.ending or {}).get("dispute") or {}
        return bool(d.get("escalated_to_service_manager_on"))

    def _holder(self) -> str:
        """Who settles the dispute referred on, as the team view says it."""
        if not self.settle_refused:
            return "yours to settle (s)"
        if not self.service_managers:
            return ("with the service manager, who settles it (BEX 3): none is on the store "
                    "yet (Ctrl+P, Set up: w adds a worker)")
        return f"with {self.service_managers} (service manager), who settles it (BEX 3)"

    def _allowed(self, step: str) -> bool:
        if not super()._allowed(step):
            return False
        if step == "settle":
            return not self._referred()
        if step == "settle_referred":
            return self._referred() and not self.settle_refused
        if step == "settle_held":
            return self._referred() and bool(self.settle_refused)
        return True

    def action_recommend(self) -> None:
        self.app.push_screen(RecommendFormScreen(self.child_id, self._by(), self.state.prefill),
                             self._saved)

    def action_decide(self) -> None:
        self.app.push_screen(DecideFormScreen(self.child_id, self._managers(), self.app.worker),
                             self._saved)

    def action_told(self) -> None:
        self.app.push_screen(ToldFormScreen(self.child_id, self.state.notify_by), self._saved)

    def action_close(self) -> None:
        self.app.push_screen(CloseFormScreen(self.child_id, self.state.ending or {}),
                             self._saved)

    def action_dispute(self) -> None:
        self.app.push_screen(DisputeFormScreen(self.child_id), self._saved)

    def action_settle_referred(self) -> None:
        self.action_settle()

    def action_settle_held(self) -> None:
        self.action_settle()

    def action_settle(self) -> None:
        with self.app.store.read() as session:  # as `_managers` reads them, on the key
            refused = endings.settle_refusal(session, self.child_id, self.app.actor)
        if refused:  # BEX 3: referred on, the service manager's: no form for anyone else
            self.notify(refused, severity="warning")
            return
        d = (self.state.ending or {}).get("dispute") or {}
        self.app.push_screen(SettleFormScreen(self.child_id, self._managers(),
                                              bool(d.get("escalated_to_service_manager_on")),
                                              self.app.worker),
                             self._saved)

    @work(thread=True, exclusive=True, group="closure-export")
    def action_letters(self) -> None:
        """TRA: closure letters to parents and carers, the child (where appropriate) and
        each professional, as DOCX and PDF into the exports folder."""
        from cintui.export import endings as letters_export

        app = self.app
        if self.state.child_status != "closed":  # the date they give: asked for first
            app.call_from_thread(app.push_screen, LettersFormScreen(
                self.child_id, self._exports(), (self.state.ending or {}).get(
                    "closure_reason")), self._letters_written)
            return
        try:
            with app.store.read() as session:
                ctx = endings.letter_context(session, self.child_id, app.today)
            written = letters_export.write_letters(ctx, self._exports())
        except ValueError as exc:
            app.call_from_thread(self.notify, f"No letters: {exc}", severity="error")
            return
        tell_written(self, _letters_said(written, ctx, self._exports()),
                     letters_export.letters_unshown(ctx))

    def _letters_written(self, result: object) -> None:
        if result:
            say_written(self, *result)

    @work(thread=True, exclusive=True, group="closure-export")
    def action_summary(self) -> None:
        from cintui.export import endings as summary_export

        app = self.app
        with app.store.read() as session:
            doc = endings.summary_document(session, self.child_id, app.today)
        from cintui.reference import config

        folder = self._exports()
        stem = config.unused_stem(folder, f"{doc.child_reference}-closure-summary")
        written = [summary_export.write_summary(doc, folder / f"{stem}.{fmt}", fmt)
                   for fmt in ("pdf", "docx")]
        app.call_from_thread(self.notify, "Exported:\n" + "\n".join(map(str, written)),
                             timeout=10)


__all__ = ["ClosureScreen", "CloseFormScreen", "DecideFormScreen", "DecisionFormScreen",
           "DisputeFormScreen", "LettersFormScreen", "RecommendFormScreen", "RereferFormScreen",
           "SettleFormScreen", "ToldFormScreen"]
