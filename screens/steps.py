"""The case's steps on the child's record (`K`; DOMAIN.md §11, `cintui.domain.steps`): the
steps done and the next one, and a form for each: the referral and the decision on it, the
assessment (start, the record under its headings in long text boxes, factors picked by
words, level of need and outcome, completion), the line manager's authorisation of the
assessment and of the CIN plan (offered only to a manager; who can is said when not), the
initial home visit and support start (WAR 4.4.2) and the child's circumstances (WAR 2.2.2).
Direct payments (WAR 7.2) are shown here from their one record; `d` opens it (the short
breaks and direct payments screen, `H` on the child's record).

Every form checks as it is typed with the domain's own rules and writes nothing until they
pass; saving runs the use case in an audited store session."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from cintui.casework import child_protection as cp_cases
from cintui.casework import drafts
from cintui.casework import steps as cs
from cintui.domain import child_protection as cp_rules
from cintui.domain import short_breaks
from cintui.domain import steps as rules
from cintui.domain.child import STATUS_LABELS
from cintui.domain.dates import day_words
from cintui.domain.text import first_upper
from cintui.domain.workforce import role_label
from cintui.reference import codes
from cintui.screens.widgets.hanging import HangingLines
from cintui.screens.widgets.plain import plain

from .forms import FormScreen, at_end
from .widgets.choices import TickList
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, after_typing, as_read, let_go


def _dmy(d: date | None) -> str:
    return f"{d:%d/%m/%Y}" if d else ""


class _StepForm(FormScreen):
    """A form over the case's facts: dates typed as 23/11/2026, each problem beside its
    field; a problem with no field of its own shows under the form and stops the save too.
    What is typed is kept as it is typed.

    The problems are the domain's checks (`place`); kept as typed: `KEEP_TYPED`."""

    KEEP_TYPED = True

    def kept_as(self) -> str:
        return f"{type(self).__name__}:{self.TITLE_TEXT}"  # one form, several steps

    def __init__(self, child_id: uuid.UUID, facts: rules.StepFacts, info: str = "") -> None:
        super().__init__()
        self.child_id, self.facts, self.info = child_id, facts, info
        self.general: list[str] = []

    def dates(self, problems: dict[str, str], *names: str) -> dict[str, date | None]:
        out = {}
        for name in names:
            try:
                out[name] = self.date_of(name)
            except ValueError as exc:
                problems[name] = str(exc)
                out[name] = None
        return out

    def place(self, problems: dict[str, str], found: Iterable[rules.Problem]) -> None:
        self.general = []
        for p in found:
            if self.query(f"#{p.field}-error"):
                problems.setdefault(p.field, p.message)
            else:
                self.general.append(p.message)
        self.query_one("#form-info", Static).update(
            "\n".join(f"⚠ {plain(m)}" for m in self.general) or plain(self.info))

    def refusal(self) -> str | None:
        return self.general[0] if self.general else None


# ---------------------------------------------------------------- the referral


# One key chooses (the key shows beside each choice): the route, then the decision.
ROUTE_KEYS = {"mash": "m", "marat": "r", "self_referral": "s", "early_help_step_up": "e"}
DECISION_KEYS = {"assessment": "a", "strategy_discussion": "s", "early_help": "e", "nfa": "n"}


class ReferralFormScreen(_StepForm):
    """WAR 4.4, TRA: the referral, how it came, and the decision on it, who made it and
    when (the policy's time: Working Together, 1 working day)."""

    def __init__(self, child_id, facts, source: str, need: str, me: str) -> None:
        super().__init__(child_id, facts)
        self.source, self.need, self.me = source, need, me
        self.TITLE_TEXT = "The referral and the decision on it (WAR 4.4, TRA)"

    def fields(self) -> Iterable[Widget]:
        f = self.facts
        yield self.row("on", "Referral date", self.text(_dmy(f.referral)))
        yield self.row("source", "Referral source", self.choice(codes.choices("referral_source"),
                                                                self.source))
        yield self.row("need", "Primary need", self.choice(codes.choices("primary_need"), self.need))
        yield self.row("route", "How it came", self.choice(
            [(rules.ROUTE_LABELS[r], r) for r in rules.ROUTES],
            f.referral_route or Select.NULL, blank=True, keys=ROUTE_KEYS))
        yield self.row("early_help_plan", "Early help plan of", self.text(
            _dmy(f.early_help_plan_on), "a step-up: the plan's date"))
        decisions = [(rules.REFERRAL_DECISION_LABELS[d], d) for d in rules.REFERRAL_DECISIONS]
        yield self.row("decision", "Decision", self.choice(
            decisions, f.referral_decision or Select.NULL, blank=True, keys=DECISION_KEYS))
        yield self.row("decided_on", "Decided on", self.text(
            _dmy(f.referral_decided_on or self.app.today)))
        yield self.row("by", "Decided by", self.text(f.referral_decided_by or self.me,
                                                     "who made the decision"))

    def on_mount(self) -> None:
        self.query_one("#route").focus()
        # WAR 4.4: the early help plan's date is a step-up's. "m Tab a" is MASH and the
        # decision to assess (the date was a tab stop whatever the route, and took the "a");
        # a date typed stays open, and is still checked.
        self.tab_stop_only_for("early_help_plan", "route", {"early_help_step_up"},
                               while_typed=True)

    def refresh_checks(self, fields: Iterable[str]) -> dict[str, str]:
        # A route or a decision chosen asks at once for what goes with it.
        fields = set(fields)
        if "route" in fields:
            fields.add("early_help_plan")
        if "decision" in fields:
            fields |= {"decided_on", "by"}
        return super().refresh_checks(fields)

    def _referral(self, problems: dict[str, str]) -> rules.Referral:
        d = self.dates(problems, "on", "early_help_plan", "decided_on")
        decision = self.value("decision")
        return rules.Referral(
            on=d["on"], source=self.value("source"), need=self.value("need"),
            route=self.value("route") or "", early_help_plan_on=d["early_help_plan"],
            decision=decision, decided_on=d["decided_on"] if decision else None,
            decided_by=self.text_of("by") if decision else None)

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        r = self._referral(problems)
        self.place(problems, rules.check_referral(r, self.facts, self.app.today))
        return problems

    def build(self):
        r = self._referral({})
        child_id, today, actor = self.child_id, self.app.today, self.app.actor
        return lambda s: cs.record_referral(s, child_id, r, today=today, actor=actor) and True


# ---------------------------------------------------------------- a dated step


class DateStepFormScreen(_StepForm):
    """One date: the assessment's start or completion, the initial home visit, support
    started; checked as it is typed.

    `check(on, facts, today)` is the domain's rule; `save(session, on)` the step."""

    def __init__(self, child_id, facts, title: str, label: str,
                 check: Callable[[date | None], list[rules.Problem]],
                 save: Callable[[object, date], object], info: str = "") -> None:
        super().__init__(child_id, facts, info)
        self.TITLE_TEXT, self.label, self.check, self.save = title, label, check, save

    def fields(self) -> Iterable[Widget]:
        yield self.row("on", self.label, self.text(_dmy(self.app.today)))

    def on_mount(self) -> None:
        self.query_one("#on").focus()
        self.refresh_checks(())

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        on_ = self.dates(problems, "on")["on"]
        self.place(problems, [] if "on" in problems else self.check(on_))
        return problems

    def build(self):
        on_, save = self.date_of("on"), self.save
        return lambda s: save(s, on_) and True


# ---------------------------------------------------------------- authorisation (TRA)


class AuthoriseFormScreen(_StepForm):
    """TRA: the line manager authorises the assessment, or the CIN plan. Only a team manager
    or service manager is offered this form."""

    def __init__(self, child_id, facts, what: str, managers: list[cs.Staff],
                 me: cs.Staff) -> None:
        super().__init__(child_id, facts)
        self.what, self.managers, self.me = what, managers, me
        self.TITLE_TEXT = ("The line manager authorises the assessment (TRA)" if what ==
                           "assessment" else "The CIN plan starts, authorised by the line "
                           "manager (TRA)")

    def fields(self) -> Iterable[Widget]:
        people = [(f"{p.name} ({role_label(p.role)})", p.username)
                  for p in self.managers]
        mine = any(p.username == self.me.username for p in self.managers)
        yield self.row("by", "Line manager", self.choice(
            people, self.me.username if mine else Select.NULL, blank=not mine))
        label = "Authorised on" if self.what == "assessment" else "Plan starts on"
        yield self.row("on", label, self.text(_dmy(self.app.today)))

    def on_mount(self) -> None:
        self.query_one("#on").focus()

    def _manager(self) -> cs.Staff:
        return next((p for p in self.managers if p.username == self.value("by")), self.me)

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        on_ = self.dates(problems, "on")["on"]
        who, today = self._manager(), self.app.today
        check = rules.check_authorisation if self.what == "assessment" else \
            rules.check_plan_start
        self.place(problems, [] if "on" in problems else
                   check(on_, self.facts, who.role, who.name, today))
        return problems

    def build(self):
        on_, by = self.date_of("on"), self._manager().username
        child_id, today, actor = self.child_id, self.app.today, self.app.actor
        step = cs.authorise_assessment if self.what == "assessment" else cs.start_plan
        return lambda s: step(s, child_id, on_, today=today, by=by, actor=actor) and True


# ---------------------------------------------------------------- the assessment record


class RecordFormScreen(_StepForm):
    """WIR 1.1, TRA: the assessment under its headings, each a long text box with the seeds'
    prompt; the level of need (the policy's levels) and the outcome. What completing it
    still needs is listed as the worker types."""

    KEEP_TYPED = False  # kept as an "assessment" draft of its own, as typed

    DEFAULT_CSS = """
    RecordFormScreen #form { width: 110; }
    RecordFormScreen TextArea { height: 6; width: 1fr; }
    RecordFormScreen .prompt { color: $text-muted; height: auto; padding: 0 0 0 24; }
    """

    def __init__(self, child_id, facts, levels: tuple[str, ...],
                 circumstances: dict[str, str], draft: drafts.DraftRow | None = None) -> None:
        super().__init__(child_id, facts)
        self.levels, self.circumstances = levels, circumstances
        self.seen = cs.record_stamp(facts)  # saved over only knowingly
        # Saved as typed (nothing typed is ever lost): the draft this form goes on with.
        self.draft_id = draft.id if draft is not None else None
        self.restored: dict = dict(draft.payload) if draft is not None else {}
        if self.restored.get("seen"):
            self.seen = self.restored["seen"]  # another's save since: a conflict, not lost
        self._kept: dict | None = None
        self.TITLE_TEXT = "The assessment record (WIR 1.1, TRA)"

    def fields(self) -> Iterable[Widget]:
        f = self.facts
        texts = self.restored.get("texts") or f.record
        for h in rules.HEADINGS:
            box = at_end(TextArea(texts.get(h.key, ""), compact=True))
            yield self.row(h.key, h.title, box)
            yield Static(f"{h.prompt} [{h.source}]", classes="prompt")
        level = self.restored.get("level", f.level) or ""
        outcome = self.restored.get("outcome", f.outcome) or ""
        levels = list(dict.fromkeys([*self.levels, *([level] if level else [])]))
        if levels:
            yield self.row("level", "Level of need", self.choice(
                [(lv, lv) for lv in levels], level or Select.NULL, blank=True))
        else:
            yield self.row("level", "Level of need", self.text(level, "in your words"))
        outcomes = [(first_upper(rules.OUTCOME_LABELS[o]), o) for o in rules.OUTCOMES]
        yield self.row("outcome", "Outcome", self.choice(outcomes, outcome or Select.NULL,
                                                         blank=True))

    # ------------------------------------------------------------ saved as typed

    def _payload(self) -> dict:
        return {"texts": self._texts(), "level": self.value("level") or "",
                "outcome": self.value("outcome") or "", "seen": self.seen}

    def _keep(self) -> None:
        """Hand what the form holds now to the saver (a draft, written on its thread)."""
        if self._saving:
            return  # Ctrl+S is writing the record, which ends the draft
        payload = self._payload()
        if payload == self._kept:
            return
        f = self.facts
        if self.draft_id is None and self._kept is None and (
                {k: v.strip() for k, v in payload["texts"].items() if v.strip()}
                == {k: v for k, v in f.record.items() if v}
                and (payload["level"], payload["outcome"]) == (f.level or "", f.outcome or "")):
            return  # as stored: nothing typed yet
        self._kept = payload
        if self.saver is None:
            self.saver = drafts.DraftSaver(self._write_draft)
        self.saver.submit(payload)

    def _write_draft(self, payload: dict) -> None:
        """On the saver's thread: one committed transaction a save."""
        app = self.app
        with app.store.session(app.actor) as session:
            self.draft_id = cs.save_record_draft(session, self.child_id, app.actor,
                                                 self.draft_id, payload)

    def action_cancel(self) -> None:
        self._close_saver()
        kept = self.draft_id is not None
        self.close_unsaved()  # what was typed is kept as the draft: nothing to ask
        if kept:
            self.app.notify("What you typed is kept as a draft, not yet the record: e on the "
                            "Case steps opens it again.")

    def on_mount(self) -> None:
        self.query_one(f"#{rules.HEADINGS[0].key}").focus()
        self.refresh_checks(())

    def _texts(self) -> dict[str, str]:
        return {h.key: self.value(h.key) for h in rules.HEADINGS}

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        self.place(problems, rules.check_record(self._texts(), self.facts))
        level = self.value("level") or ""
        problems.update({p.field: p.message for p in rules.check_level(level, self.facts,
                                                                      self.levels)
                         if p.field == "level"})
        return problems

    def after_check(self, problems: dict[str, str]) -> None:
        if self.general:
            return
        would = replace(self.facts, record=self._texts(), level=self.value("level") or "",
                        outcome=self.value("outcome") or "")
        missing = rules.missing_briefly(would, self.circumstances, self.levels)
        self.query_one("#form-info", Static).update(
            f"Before completing: {plain(missing)}." if missing
            else "Ready to complete (c on the Case steps).")

    def build(self):
        texts, level, outcome = self._texts(), self.value("level"), self.value("outcome")
        child_id, seen = self.child_id, self.seen
        self._close_saver()  # its last write in, so the draft ends with the save
        self._kept = None
        draft_id = self.draft_id

        def save(session):
            cs.write_record(session, child_id, texts, seen=seen)
            if level is not None:
                cs.set_level(session, child_id, level)
            if outcome:
                cs.set_outcome(session, child_id, outcome)
            if draft_id is not None:
                drafts.discard(session, draft_id)  # in the same transaction as the record
            return True

        return save


# ---------------------------------------------------------------- factors by words


class FactorsFormScreen(_StepForm):
    """The census assessment factors, picked by words: type to filter the list, space to
    tick. The child's circumstances add theirs (young carer 7A, ...)."""

    DEFAULT_CSS = """
    FactorsFormScreen #factors { height: 16; width: 1fr; }
    """

    def __init__(self, child_id, facts, circumstances: dict[str, str]) -> None:
        super().__init__(child_id, facts)
        self.circumstances = circumstances
        self.names = codes.short_names("assessment_factor")
        self.chosen: list[str] = list(facts.factors)
        self.seen = cs.factors_stamp(facts)  # saved over only knowingly
        self.TITLE_TEXT = "Assessment factors (census), by words"

    def fields(self) -> Iterable[Widget]:
        yield self.row("filter", "Find", self.text("", "type words: domestic violence child"))
        yield self.row("factors", "Factors", TickList(*self._options(self.names)))

    def _options(self, codes_: Iterable[str]) -> list[Selection]:
        return [Selection(plain(f"{self.names[c]} ({c})"), c, c in self.chosen) for c in codes_]

    def on_mount(self) -> None:
        self.query_one("#filter").focus()
        self.refresh_checks(())

    _shown_for: str | None = None

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        # The box's words now, not the message's: Enter may have shown them already, and
        # a Changed from a letter typed before it comes round after (a burst).
        self._show(self.query_one("#filter", Input).value)

    def _show(self, words: str) -> None:
        """The factors `words` find (all of them when there are none)."""
        if words == self._shown_for:
            return  # shown already: the highlighted factor stays highlighted
        self._shown_for = words
        shown = rules.match_codes(words, self.names) if words.strip() else list(self.names)
        box = self.query_one("#factors", SelectionList)
        with self.prevent(SelectionList.SelectedChanged):
            box.clear_options()
            box.add_options(self._options(shown))

    def action_enter_in_box(self) -> None:
        """Enter in "Find": to the first factor it leaves, once the words typed before it
        have filtered the list; a Space typed straight after it ticks that factor."""
        if self.focused is not self.query_one("#filter"):
            super().action_enter_in_box()
            return
        if not after_typing(self, self.action_enter_in_box):
            return
        self._show(self.query_one("#filter", Input).value)
        box = self.query_one("#factors", SelectionList)
        self.set_focus(box)
        if box.option_count:
            box.highlighted = 0
        let_go(self)

    @on(SelectionList.SelectionToggled, "#factors")
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        code = event.selection.value
        if code in self.chosen:
            self.chosen.remove(code)
        else:
            self.chosen.append(code)
        self.refresh_checks(["factors"])

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        fed = rules.circumstance_factors(self.circumstances)
        # How to tick, until one is: Enter in "Find" only moved to the list, and a first
        # user was left looking at "none yet".
        chosen = "; ".join(self.names[c] for c in self.chosen) or \
            "none yet (type words, Enter, then Space ticks the factor highlighted)"
        self.info = f"Chosen: {chosen}" + (f". From the circumstances: {', '.join(fed)}"
                                           if fed else "")
        self.place(problems, rules.check_factors(self.chosen, self.facts, self.circumstances,
                                                 codes.codes("assessment_factor")))
        return problems

    def build(self):
        chosen, child_id, seen = list(self.chosen), self.child_id, self.seen
        return lambda s: cs.set_factors(s, child_id, chosen, seen=seen) is not None


# ---------------------------------------------------------------- child protection


class ChildProtectionFormScreen(FormScreen):
    """Working Together 2023, BEX 3 (a Red need, a deteriorating case): the next thing to
    record of child protection on the current episode, one form for each: a strategy
    discussion and its outcome; the section 47 enquiry it decided starting (and the ICPC's
    target, the policy's clock unless another is given); the enquiry's outcome, the ICPC
    held or no conference needed. It was the command line's alone (`cintui cp`)."""

    KEEP_TYPED = True

    TITLES = {"strategy": "Strategy discussion (Working Together 2023)",
              "s47": "The section 47 enquiry starts",
              "outcome": "The section 47 enquiry's outcome"}

    def __init__(self, child_id: uuid.UUID, stage: str, latest, target: date | None) -> None:
        super().__init__()
        self.child_id, self.stage, self.latest, self.target = child_id, stage, latest, target
        self.kept_key = f"ChildProtectionFormScreen:{stage}"
        self.TITLE_TEXT = self.TITLES[stage]
        if latest is not None and stage != "strategy":
            self.TITLE_TEXT += f": {latest.describe()}"

    def fields(self) -> Iterable[Widget]:
        today = _dmy(self.app.today)
        if self.stage == "strategy":  # what was decided first (the day defaults to today)
            yield self.row("outcome", "Outcome", self.choice(
                [("Section 47 enquiry (s)", "s47"), ("No section 47 enquiry (n)", "no_s47")],
                keys={"s47": "s", "no_s47": "n"}, blank=True))
            yield self.row("on", "Held on", self.text(today))
            yield self.row("notes", "Notes", self.prose(
                "", "who took part, what was decided and why"))
        elif self.stage == "s47":
            yield self.row("started", "Started on", self.text(today))
            yield self.row("target", "ICPC by", self.text(
                "", f"blank: {self.target:%d/%m/%Y}, the policy's clock" if self.target
                else "blank: the policy's clock"))
        else:
            yield self.row("outcome", "Outcome", self.choice(
                [("Initial child protection conference held (h)", "icpc"),
                 ("No conference needed (n)", "no_icpc")],
                keys={"icpc": "h", "no_icpc": "n"}, blank=True))
            yield self.row("on", "On", self.text(today))

    def on_mount(self) -> None:
        self.query_one("#started" if self.stage == "s47" else "#outcome").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        for name in ("on", "started", "target"):
            if self.query(f"#{name}"):
                try:
                    when = self.date_of(name)
                except ValueError as exc:
                    problems[name] = str(exc)
                    continue
                if when is None and name != "target":
                    problems[name] = "give the date"
        if self.query("#outcome") and self.value("outcome") is None:
            problems["outcome"] = "choose the outcome"
        return problems

    def build(self):
        from cintui.casework import child_protection as cp

        child_id, today, actor = self.child_id, self.app.today, self.app.actor
        if self.stage == "strategy":
            on_, outcome, notes = self.date_of("on"), self.value("outcome"), self.value("notes")
            return lambda s: cp.record_strategy(s, child_id, on_, outcome, notes=notes,
                                                recorded_by=actor, today=today)
        if self.stage == "s47":
            started, target = self.date_of("started"), self.date_of("target")
            return lambda s: cp.start_s47(s, child_id, started, today=today, target=target)
        outcome, on_ = self.value("outcome"), self.date_of("on")
        return lambda s: cp.record_outcome(s, child_id, outcome, on_, today=today)

    ALIASES = {"held": "on", "not-required": "on"}


# ---------------------------------------------------------------- circumstances (WAR 2.2.2)


class CircumstancesFormScreen(FormScreen):
    """WAR 2.2.2: the child's circumstances as dated facts, each feeding its census factor;
    the child's disabilities as census codes."""

    def __init__(self, child_id: uuid.UUID, current: dict[str, str], disabilities: str,
                 focus: str = "") -> None:
        super().__init__()
        self.child_id, self.current, self.disabilities = child_id, current, disabilities
        self.first = focus or rules.CIRCUMSTANCES[0].key  # the field the cursor starts in
        self.TITLE_TEXT = "The child's circumstances (WAR 2.2.2)"

    KEEP_TYPED = True

    def fields(self) -> Iterable[Widget]:
        for c in rules.CIRCUMSTANCES:
            options = [(c.blank, rules.NOT_APPLICABLE)]
            options += [(first_upper(words or "Yes") + (f" (census {code})" if code else ""),
                         value) for value, (words, code) in c.values.items()]
            yield self.row(c.key, c.label, self.choice(
                options, self.current.get(c.key, rules.NOT_APPLICABLE), keys=dict(c.keys)))
        with self.app.store.read() as session:  # WAR 4.2: for the closure letters (RC6)
            self.held_contact = cs.adult_care_contact(session, self.child_id)
            self.dob = cs.date_of_birth(session, self.child_id)
        yield self.row("adult_contact", "Adult care contact", self.text(
            self.held_contact, "team, worker, phone: the letters name it"))
        yield self.row("disability", "Disabilities", self.text(
            self.disabilities, "census codes or words, commas between: MOB, autism"))
        yield self.row("on", "From", self.text(_dmy(self.app.today)))

    def on_mount(self) -> None:
        self.query_one(f"#{self.first}").focus()

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        try:
            on_ = self.date_of("on")
        except ValueError as exc:
            problems["on"] = str(exc)
            return problems
        for p in rules.check_date("on", on_, self.app.today, what="the date"):
            problems[p.field] = p.message
        care = self.value(rules.ADULT_SOCIAL_CARE)
        if care != self.current.get(rules.ADULT_SOCIAL_CARE, rules.NOT_APPLICABLE) and (
                problem := rules.check_adult_care_age(care, self.dob, on_ or self.app.today)):
            problems[rules.ADULT_SOCIAL_CARE] = problem  # WAR 4.2: a 4-year-old was referred
        if (contact := self._contact()) is not None and (problem := rules.check_adult_contact(
                contact, self.value(rules.ADULT_SOCIAL_CARE))):
            problems["adult_contact"] = problem
        for item in self.text_of("disability").replace(";", ",").split(","):
            if item.strip():
                try:
                    rules.pick_code(item, codes.short_names("disability"), "disability",
                                    "disability")
                except rules.NoSuchCode as exc:
                    problems["disability"] = exc.problem
        return problems

    def build(self):
        changes = {c.key: self.value(c.key) for c in rules.CIRCUMSTANCES}
        disabilities = self.text_of("disability").replace(",", ";")
        child_id, today, on_, by = (self.child_id, self.app.today, self.date_of("on"),
                                    self.app.actor)
        contact = self._contact()
        return lambda s: cs.record_circumstances(
            s, child_id, changes, on=on_, today=today, by=by,
            disabilities=disabilities or "NONE", adult_contact=contact) is not None

    def _contact(self) -> str | None:
        """Adult social care's contact as typed; None: as it was (so the referral cleared
        with its contact left in the box clears it too)."""
        typed = self.text_of("adult_contact")
        return None if typed == self.held_contact else typed


# ---------------------------------------------------------------- the screen


class CaseStepsScreen(KeysAsRead, Screen):
    """Where the case stands, step by step, and each next step by one key. The keys act as
    read (`KeysAsRead`): "r e" typed at once is the referral form with "e" (a step-up
    from early help) chosen, where the "e" once reached this screen and was lost."""

    DEFAULT_CSS = """
    CaseStepsScreen #steps-body { padding: 0 1; }
    CaseStepsScreen Static { height: auto; }
    """
    BINDINGS = [
        as_read("escape", "back", "Back"),
        as_read("r", "referral", "Referral"),
        as_read("s", "start", "Start assessment"),
        as_read("e", "record", "Assessment record"),
        as_read("f", "factors", "Factors"),
        as_read("c", "complete", "Complete"),
        as_read("a", "authorise", "Authorise"),
        as_read("p", "plan", "Start plan"),
        as_read("h", "home_visit", "Home visit"),
        as_read("t", "support", "Support started"),
        as_read("i", "circumstances", "Circumstances"),
        as_read("d", "direct_payments", "Direct payments"),
        as_read("x", "child_protection", "Child protection"),
    ]
    KEYS = (("r", "referral", "referral and decision"), ("s", "start", "start the assessment"),
            ("e", "record", "write the assessment"), ("f", "factors", "factors"),
            ("c", "complete", "complete it"), ("a", "authorise", "authorise it"),
            ("p", "plan", "start the CIN plan"), ("h", "home_visit", "initial home visit"),
            ("t", "support", "support started"), ("i", "circumstances", "circumstances"),
            ("d", "direct_payments", "direct payments"),
            ("x", "child_protection", "child protection"))

    CP_NEXT = {"s47": "the section 47 enquiry's start",
               "outcome": "its outcome: the ICPC held, or none needed"}

    def __init__(self, child_id: uuid.UUID) -> None:
        super().__init__()
        self.child_id = child_id
        self.state: cs.CaseSteps | None = None
        self.protection: list = []  # the current episode's strategy discussions (rules.Enquiry)
        self.me = cs.Staff("")
        self.managers: list[cs.Staff] = []
        self.line_managers: list[cs.Staff] = []  # the child's team's manager (TRA)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="steps-body"):
            yield HangingLines("Loading…", id="steps-state")
            yield HangingLines("", id="steps-assessment")
            yield Static("", id="steps-child")
            yield Static("", id="steps-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        with self.app.store.read() as session:
            self.state = cs.case_steps(session, self.child_id)
            self.protection = cp_cases.current_facts(session, self.child_id)
            self.me = cs.me(session, self.app.actor)
            self.managers = cs.managers(session)
            self.line_managers = cs.line_managers(session, self.child_id)
        self._show()
        self.refresh_bindings()

    # ------------------------------------------------------------ what may be done now

    def _allowed(self, action: str) -> bool:
        s = self.state
        if s is None:
            return False
        f = s.facts
        open_ = f.closed is None
        editable = open_ and f.assessment_started is not None and f.assessment_authorised is None
        manager = rules.may_authorise(self.me.role)
        return {
            "referral": open_ and f.assessment_started is None,
            "start": open_ and f.referral_decision in ("assessment", "strategy_discussion")
            and f.assessment_submitted is None,
            "record": editable, "factors": editable,
            "complete": editable and f.assessment_submitted is None,
            "authorise": manager and editable and f.assessment_submitted is not None,
            "plan": manager and open_ and f.assessment_authorised is not None
            and f.outcome == "cin_plan" and f.cin_plan_start is None,
            "home_visit": open_ and f.support_started is None,
            "support": open_ and f.initial_home_visit is not None
            and f.assessment_authorised is not None and f.outcome == "cin_plan"
            and f.support_started is None,
            "circumstances": True, "direct_payments": True, "child_protection": open_,
        }.get(action, True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (as_read := self.keys_as_read(action)) is not None:
            return as_read
        return self._allowed(action)

    # ------------------------------------------------------------ drawing

    def _show(self) -> None:
        s = self.state
        parts: list = [Text(f"Case steps: {s.name} ({s.reference}) · "
                            f"{STATUS_LABELS.get(s.status, s.status)}\n", style="bold")]
        for st in s.steps:  # each step's words wrap under themselves (a hanging indent)
            extra = "; ".join(x for x in (st.who, st.detail) if x)
            parts.append((Text("  ✓ done" if st.done else "  · to do",
                               style="green" if st.done else "dim"),
                          st.title + (f" {day_words(st.done_on)}" if st.done_on else "")
                          + (f" ({extra})" if extra else "")))
        text = Text()
        if s.referral_timeliness:
            text.append(f"Decision on the referral: {s.referral_timeliness}\n",
                        style="bold red" if s.referral_timeliness.startswith("late")
                        else "green")
        text.append(f"Next: {s.next_step}\n", style="bold")
        for prompt in s.prompts:  # WAR 4.4.1, STO 7.13 (rules.case_prompts)
            text.append(f"⚠ {prompt.text} ({prompt.app})\n", style="bold yellow")
        if self.protection:  # Working Together 2023: what x records next follows the last
            text.append("Child protection: ", style="bold")
            text.append("; then ".join(e.describe() for e in self.protection))
            nxt = cp_rules.next_record(self.protection[-1])
            if nxt != "strategy":
                text.append(f" · x records {self.CP_NEXT[nxt]}", style="bold yellow")
            text.append("\n")
        self.query_one("#steps-state", HangingLines).show([*parts, text], width=10,
                                                          label_style="")
        self._show_assessment()
        child = Text()
        words = "; ".join(rules.circumstance_words(
            k, v, s.adult_contact if k == rules.ADULT_SOCIAL_CARE else "")
            for k, v in s.circumstances.items())
        child.append("Circumstances (WAR 2.2.2): ", style="bold")
        child.append(f"{words or 'none recorded'}; disabilities: {s.disabilities}\n")
        for p in s.direct_payments:  # WAR 7.2: from the one record (d opens it)
            child.append(f"{short_breaks.package_line(p)}\n")

        self.query_one("#steps-child", Static).update(child)
        keys = [f"{k} {label}" for k, action, label in self.KEYS if self._allowed(action)]
        note = Text("Keys: " + " · ".join(keys) + " · Esc back\n")
        if not rules.may_authorise(self.me.role):
            who = cs.who_authorises(self.line_managers)
            note.append("Authorising the assessment and the CIN plan is the line manager's "
                        f"(TRA): {who}. They open cintui as themselves to authorise: "
                        "what waits for them is listed on their team view (F4, w).",
                        style="yellow")
        self.query_one("#steps-keys", Static).update(note)

    def _show_assessment(self) -> None:
        s = self.state
        f = s.facts
        shown = self.query_one("#steps-assessment", HangingLines)
        if f.assessment_started is None:
            shown.show([])
            return
        text = Text("\nThe assessment record (WIR 1.1, TRA)\n", style="bold")
        if rules.record_in_old_system(f):
            text.append("  In the old system: the assessment was authorised before the case "
                        "was imported.\n" if f.moved_in is None else
                        "  In the authority the child came from: its summary is in the "
                        "transfer pack (BEX 4).\n", style="dim")
            shown.show([text])
            return
        parts: list = [text]
        for h in rules.HEADINGS:  # each heading's words wrap under themselves
            written = (f.record.get(h.key) or "").strip()
            words = Text(f"{h.title}: ")
            words.append((written[:70] + ("…" if len(written) > 70 else "")) if written
                         else "not written", style="" if written else "dim")
            parts.append((Text("  ✓" if written else "  ✗", style="green" if written else "red"),
                          words))
        text = Text()
        parts.append(text)
        factors = "; ".join(f"{n} ({c})" for c, n in s.factor_names) or "none chosen"
        text.append(f"Factors: {factors}; to the census: {', '.join(s.census_factors) or '—'}\n")
        text.append(f"Level of need: {f.level or '—'} · Outcome: "
                    f"{rules.OUTCOME_LABELS.get(f.outcome, '—')}\n")
        if f.assessment_submitted is None:  # each wrapping under itself, as the headings
            empty = sum(1 for h in rules.HEADINGS if not (f.record.get(h.key) or "").strip())
            parts.extend((Text("  !", style="yellow"), Text("Before completing: " + (
                f"write under the {empty} heading{'s' if empty > 1 else ''} marked ✗ above "
                "(WIR 1.1, TRA)" if p.field == "record" else p.message), style="yellow"))
                for p in s.missing)
        shown.show(parts, width=4, label_style="")

    # ------------------------------------------------------------ the steps

    def _saved(self, result: object) -> None:
        if result:
            self.load()

    def _open(self, form: FormScreen) -> None:
        self.app.push_screen(form, self._saved)

    def _dated(self, title: str, label: str, check, save, info: str = "") -> None:
        today, f, child_id = self.app.today, self.state.facts, self.child_id
        self._open(DateStepFormScreen(
            child_id, f, title, label, lambda on_: check(on_, f, today),
            lambda session, on_: save(session, child_id, on_, today), info))

    def action_referral(self) -> None:
        s = self.state
        self._open(ReferralFormScreen(self.child_id, s.facts, s.source, s.need,
                                      self.me.name or self.app.actor))

    def action_start(self) -> None:
        self._dated("The assessment started", "Started on", rules.check_assessment_start,
                    cs.start_assessment, "The assessment clock runs from the referral until "
                    "the line manager authorises it.")

    def action_record(self) -> None:
        s = self.state
        with self.app.store.read() as session:
            draft = cs.record_draft(session, self.child_id, self.app.actor)
        self._open(RecordFormScreen(self.child_id, s.facts, s.levels, dict(s.circumstances),
                                    draft=draft))
        if draft is not None:
            self.notify("What you typed before and did not save is back: Ctrl+S saves it to "
                        "the record.")

    def action_factors(self) -> None:
        s = self.state
        self._open(FactorsFormScreen(self.child_id, s.facts, dict(s.circumstances)))

    def action_complete(self) -> None:
        s = self.state
        levels, current = s.levels, dict(s.circumstances)
        self._dated("Complete the assessment: it goes to the line manager (TRA)",
                    "Completed on",
                    lambda on_, f, today: rules.check_completion(on_, f, current, levels,
                                                                 today),
                    cs.complete_assessment)

    def action_authorise(self) -> None:
        self._open(AuthoriseFormScreen(self.child_id, self.state.facts, "assessment",
                                       self.managers, self.me))

    def action_plan(self) -> None:
        self._open(AuthoriseFormScreen(self.child_id, self.state.facts, "plan",
                                       self.managers, self.me))

    def action_home_visit(self) -> None:
        self._dated("The initial home visit (WAR 4.4.2)", "Visited on",
                    rules.check_home_visit, cs.record_home_visit,
                    "Support starts within 20 working days of it (WAR 4.4.2).")

    def action_support(self) -> None:
        self._dated("CIN support started (WAR 4.4.2)", "Started on",
                    rules.check_support_start, cs.start_support)

    def action_child_protection(self) -> None:
        latest = self.protection[-1] if self.protection else None
        stage = cp_rules.next_record(latest)
        target = None
        if stage == "s47":
            with self.app.store.read() as session:
                target = cp_cases.icpc_due(session, latest.strategy_on)
        self._open(ChildProtectionFormScreen(self.child_id, stage, latest, target))

    def action_circumstances(self) -> None:
        s = self.state
        self._open(CircumstancesFormScreen(
            self.child_id, dict(s.circumstances), s.disabilities,
            focus=rules.circumstance_first(s.facts.birth, self.app.today)))

    def action_direct_payments(self) -> None:
        """WAR 7.2: the one record of direct payments (add p, review r, end x there)."""
        self._from_payments = True
        self.app.push_screen(self.app.make_screen("short_breaks", child_id=self.child_id))

    def on_screen_resume(self) -> None:
        if getattr(self, "_from_payments", False):  # back from them: as saved there
            self._from_payments = False
            self.load()

    def action_back(self) -> None:
        self.app.pop_screen()


__all__ = ["AuthoriseFormScreen", "CaseStepsScreen", "CircumstancesFormScreen",
           "DateStepFormScreen", "FactorsFormScreen",
           "RecordFormScreen", "ReferralFormScreen"]
