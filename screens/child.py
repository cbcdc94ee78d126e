"""The child's record: header and tabs (Summary, People, Consent, Plan, Visits, Meetings,
Chronology). Data comes from `cintui.record` in a worker thread; widgets are filled on the
UI thread. Writes go through the forms in `screens.forms` (audited store sessions).

Opening a child must take <= 100 ms (issue 3), and widgets, not data, are what cost: the
screen composes the header and the Summary only, and each other tab's widgets are built
(and filled from the loaded record) the first time the tab is shown."""

from __future__ import annotations

import textwrap
import uuid

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Header,
    Input,
    Select,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)

from cintui.casework import record, visits
from cintui.domain.child import STATUS_LABELS, spoken_age
from cintui.domain.chronology import KIND_LABELS, KINDS, filter_chronology
from cintui.domain.consent import (
    CONSENT_SCOPES,
    OWN_NOT_GIVEN,
    SCOPE_LABELS,
    ConsentStatus,
    missing_service_hint,
    own_needed,
    own_needed_reason,
    scope_to_record,
    scopes_shown,
    service_flags_said,
)
from cintui.domain.dates import day_short, day_words
from cintui.domain.people import father_hint
from cintui.domain.plan import (
    NO_NEEDS_NEXT,
    NOT_STARTED_LEAD,
    PLAN_CLOSED_NONE,
    PLAN_NOT_STARTED,
    summary_line,
)
from cintui.domain.text import first_upper
from cintui.domain.timescales import DueState
from cintui.domain.visit import KIND_LABELS as VISIT_KIND_LABELS
from cintui.screens.widgets.hanging import Hanging, HangingLines
from cintui.screens.widgets.plain import plain
from cintui.screens.widgets.plain_table import PlainTable

from .forms import (
    ChildFormScreen,
    ConfirmScreen,
    ConsentFormScreen,
    PersonFormScreen,
    WithheldFormScreen,
)
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, after_typing, as_read, let_go

TABS = ("summary", "people", "consent", "plan", "visits", "meetings", "chronology")
# The widget that takes the focus when a tab is shown (none: the tab strip).
TAB_FOCUS = {
    "summary": "#deadlines", "people": "#people-table", "consent": "#consents",
    "visits": "#visits-table", "meetings": "#meetings-table",
    "chronology": "#chronology-table",
}
# Never colour alone: each state is also a word.
DUE_STYLES = {
    DueState.OVERDUE: "bold red",
    DueState.DUE_TODAY: "bold yellow",
    DueState.DUE_SOON: "yellow",
    DueState.UPCOMING: "green",
}
CONSENT_STYLES = {
    ConsentStatus.GIVEN: "green",
    ConsentStatus.OVERRIDDEN: "yellow",
    ConsentStatus.MISSING: "yellow",
    ConsentStatus.REFUSED: "bold red",
    ConsentStatus.WITHDRAWN: "bold red",
}
TAB_ACTIONS = {
    "add_person": "people",
    "edit_person": "people",
    "remove_person": "people",
    "add_consent": "consent",
    "withheld": "consent",
    "filter": "chronology",
    "discard_draft": "visits",
    "cancel_meeting": "meetings",
    "minutes_sent": "meetings",
    "papers": "meetings",
    "agreement": "meetings",
}

# TRA, BEX 3: what a closed case offers and does not. A meeting is booked for a time still
# to come, after the closure; a re-referral opens the case again (WAR 3.4). A visit stays:
# one made while the case was open may be recorded late (dated by the closure day).
OPEN_ONLY = frozenset({"book_meeting"})
CLOSED_ONLY = frozenset({"rerefer_closed", "book_meeting_closed"})


def _short_day(d) -> str:
    return day_short(d)  # "3 Dec": fits a narrow column; the row's date has the year


NOTHING_DUE = "Nothing due: no clock running"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _tick(flag: bool) -> Text:
    # Never colour alone: a word as well as the colour.
    return Text("✓ yes", style="green") if flag else Text("✗ no", style="bold red")


def _table(table_id: str, *columns: str, zebra: bool = True) -> DataTable:
    table = PlainTable(id=table_id, cursor_type="row", zebra_stripes=zebra)
    table.add_columns(*columns)
    return table


class ChildScreen(KeysAsRead, Screen):
    """The record a worker lives in: everything about one child, by keyboard."""

    READS_IN_BACKGROUND = True  # the record; the keys typed as it opens wait for it

    DEFAULT_CSS = """
    ChildScreen #child-header { height: auto; padding: 0 1; background: $boost; }
    ChildScreen TabbedContent { height: 1fr; }
    ChildScreen TabPane { padding: 0 1; }
    ChildScreen DataTable { height: 1fr; }
    ChildScreen #deadlines { height: auto; max-height: 16; }
    ChildScreen .note { height: auto; margin: 0 0 1 0; color: $text-muted; }
    ChildScreen .section { height: auto; text-style: bold; margin: 1 0 0 0; }
    ChildScreen #details, ChildScreen #plan-headline, ChildScreen #consent-status,
    ChildScreen #withheld-steps, ChildScreen #people-warnings { height: auto; }
    ChildScreen #person-detail, ChildScreen #meeting-detail { height: auto; color: $text-muted; }
    ChildScreen #consents { height: 1fr; }
    ChildScreen #withheld-steps { max-height: 10; }
    ChildScreen #chron-filters { height: auto; }
    ChildScreen #chron-kind { width: 30; }
    ChildScreen #chron-text { width: 1fr; }
    """

    BINDINGS = [
        # Every key as read, in the order typed (`typed.KeysAsRead`), the tables' arrows and
        # Enter too; the letters and digits not while a box (the chronology's filter) is
        # typed in.
        as_read("escape", "back", "Back", show=False),
        *KeysAsRead.TABLE_ROWS,
        as_read("enter", "open_row", "Open the row", show=False),
        as_read("u", "edit_child", "Edit child"),
        as_read("p", "open_plan", "Plan"),
        as_read("v", "new_visit", "Visit"),
        as_read("x", "discard_draft", "Discard draft"),
        as_read("m", "book_meeting", "Book meeting"),
        # TRA, BEX 3: a closed case books no meeting (one is for a time still to come); what
        # comes next on it is a re-referral (WAR 3.4), so R shows in the footer then.
        as_read("R", "rerefer_closed", "Re-refer"),
        as_read("m", "book_meeting_closed", "Book meeting", show=False),  # says why not
        as_read("c", "cancel_meeting", "Cancel/rebook"),
        as_read("s", "minutes_sent", "Minutes sent"),
        as_read("a", "add_person", "Add person"),
        as_read("e", "edit_person", "Edit person"),
        as_read("d", "remove_person", "Remove person"),
        as_read("a", "add_consent", "Add consent"),
        as_read("w", "withheld", "Withheld path"),
        as_read("slash", "filter", "Filter"),
        # Endings (DOMAIN.md §7); off the footer, which is full at 120 columns.
        as_read("D", "decision", "Decision", show=False),
        as_read("C", "closure", "Closure", show=False),
        as_read("R", "rerefer", "Re-refer", show=False),
        as_read("S", "step_down", "Step-down", show=False),
        as_read("T", "transfer", "Transfer", show=False),
        # The case's steps (DOMAIN.md §11): referral to support started, each by a form.
        as_read("K", "case_steps", "Case steps", show=False),
        as_read("L", "restrict", "Restrict", show=False),  # to named workers (issue 18)
        # Supervision and case direction (STO 4.5, 8.5; WAR 12).
        as_read("U", "supervision", "Supervision", show=False),
        # BEX 3: an early review after significant change.
        as_read("B", "early_review", "Bring review forward", show=False),
        # Family Group Conferences (WAR 4.2, 9.3; STO 6.13).
        as_read("F", "fgc", "Family Group Conference", show=False),
        # Signs of Safety mapping (STO 6.3); Graded Care Profile 2 (STO 4.3, 6.11, 7.1).
        as_read("M", "signs_of_safety", "Signs of Safety map", show=False),
        as_read("G", "gcp2", "Graded Care Profile 2", show=False),
        # Disabled children: short breaks and direct payments (WAR 7, 7.2.1).
        as_read("H", "short_breaks", "Short breaks", show=False),
        # Meeting safeguards: papers (WIR 2.3), agreement visits (TRA), non-engagement
        # (WIR 2.10).
        as_read("P", "papers", "Papers sent", show=False),
        as_read("A", "agreement", "Agreement visit", show=False),
        as_read("N", "non_engagement", "Non-engagement", show=False),
        as_read("right_square_bracket", "next_tab(1)", "Next tab", show=False),
        as_read("left_square_bracket", "next_tab(-1)", "Prev tab", show=False),
        *(as_read(str(i + 1), f"show_tab('{tab}')", tab.capitalize(), show=False)
          for i, tab in enumerate(TABS)),
    ]

    def __init__(self, child_id: uuid.UUID, tab: str | None = None, then: str | None = None,
                 about: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.child_id = child_id
        self.first_tab = tab if tab in TABS else None  # opened at this tab ("My week")
        self.then = then  # an action run once the record is shown (a palette command)
        self.about = about  # what `then`'s decision is about (the manager's list), once
        self.record: record.ChildRecord | None = None
        self._built = {"summary"}  # tabs whose widgets exist (the rest: on first showing)
        self._chron_shown: tuple = ()  # the record, table, kind and words last listed
        self._summary: record.ChildDetails | None = None  # as shown
        self._commits = 0  # the store's commit count when the record was last read
        self._deadlines_width = 0  # the screen's width the clocks were laid out for

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="child-header")
        with TabbedContent(id="tabs"):
            with TabPane("Summary", id="summary"), VerticalScroll():
                yield HangingLines("", id="details")
                yield Static("Next due (timescale engine: rule and source)", classes="section")
                yield _table("deadlines", "Due", "What", "State", "Source", "Rule", zebra=False)
                yield Static("", id="plan-headline", classes="section")
            for tab in TABS[1:]:
                yield TabPane(tab.capitalize(), id=tab)  # filled by _build_tab
        yield Footer()

    def _tab_widgets(self, tab: str) -> list[Widget]:
        if tab == "people":
            return [
                Static("Family network and professionals: the meeting contact list "
                       "(WIR 2.9). a add · e edit · d remove", classes="note"),
                _table("people-table", "Name", "Relationship", "PR", "Lives with",
                       "Agency / role", "Phone", "Email", "Needs"),
                # The highlighted person's contact details and needs whole: at 120 columns
                # the email was cut and an interpreter's "Needs" column was off the screen.
                Static("", id="person-detail"),
                Static("", id="people-warnings"),
            ]
        if tab == "consent":
            return [
                Static("", id="consent-status"),
                _table("consents", "Date", "Who", "Scope", "Decision", "How", "WIR 2.2 path"),
                Static("", id="withheld-steps"),
            ]
        if tab == "visits":
            return [Static("", id="visits-note", classes="note"),
                    _table("visits-table", "Date", "Time", "Type", "Seen", "Alone",
                           "Bedroom", "By", "Addenda", "Gap before", zebra=False)]
        if tab == "meetings":
            return [Static("m book a meeting · Enter: minute a booked meeting live (or read "
                           "the minutes of a held one) · c cancel or rebook · s minutes sent "
                           "· P papers sent (WIR 2.3) · A agreement visit (TRA) · "
                           "N non-engagement (WIR 2.10)", classes="note"),
                    # What the rules time (minutes WIR 2.3, 2.8; papers WIR 2.3) first: at
                    # 80 columns they once scrolled out of sight behind venue and chair.
                    _table("meetings-table", "Date", "Time", "Meeting", "Status", "Minutes",
                           "Papers", "Next review", "Venue", "Chair", zebra=False),
                    # The highlighted meeting's booking: who booked it, and when.
                    Static("", id="meeting-detail"),
                    Static("", id="meetings-safeguards", classes="note")]
        if tab == "chronology":  # the filters are mounted into #chron-filters by _build_tab
            # Its columns are made for the width as it is filled (`_chron_columns`).
            return [Horizontal(id="chron-filters"), _table("chronology-table")]
        return [Static("p opens the plan editor: the three columns, ratings, checks and "
                       "versions", classes="note"), Static("", id="plan-view")]

    def _build_tab(self, tab: str) -> None:
        """Mount a tab's widgets the first time it is shown, filled if the record is loaded.

        Mounting registers the widgets at once, so they can be queried and filled (and the
        keys that act on them work) straight away."""
        if tab in self._built or tab not in TABS:
            return
        self._built.add(tab)
        self.query_one(f"#{tab}", TabPane).mount_all(self._tab_widgets(tab))
        if tab == "chronology":  # a container's children given to it are only mounted later
            self.query_one("#chron-filters").mount(
                Select([("All kinds", "all"), *((KIND_LABELS[k], k) for k in KINDS)],
                       value="all", allow_blank=False, id="chron-kind"),
                Input(placeholder="Filter by words (/)", id="chron-text"),
            )
        if self.record is not None:
            self._fill_tab(tab)

    def on_mount(self) -> None:
        # The header and Summary (a few indexed reads, ~3 ms) are read here, so the first
        # frame shows them; the rest of the record loads in a worker thread meanwhile.
        app = self.app
        with app.store.read() as session:
            summary = record.child_summary(session, self.child_id, app.today, app.actor)
        self._show_summary(summary)
        if self.first_tab:
            self.action_show_tab(self.first_tab)
        self.load()

    # ------------------------------------------------------------ data

    @work(thread=True, exclusive=True, group="child-load")
    def load(self) -> None:
        app = self.app
        self._commits = getattr(app, "store_commits", 0)
        with app.store.read() as session:
            rec = record.load_record(session, self.child_id, app.today, app.actor)
        app.call_from_thread(self._show, rec)

    def _show(self, rec: record.ChildRecord) -> None:
        self.record = rec
        self.refresh_bindings()  # a closed case's keys (CLOSED_ONLY, OPEN_ONLY)
        for tab in TABS:
            if tab in self._built:
                self._fill_tab(tab)
        if self.focused is None:
            self._focus_tab(self.active_tab)
        if self.then:
            then, self.then = self.then, None
            getattr(self, f"action_{then}")()
        self.reading_done()

    def _fill_tab(self, tab: str) -> None:
        rec = self.record
        if tab == "summary":
            self._show_summary(rec.summary)
        elif tab == "people":
            self._show_people(rec.people)
        elif tab == "consent":
            self._show_consent(rec)
        elif tab == "plan":
            self._show_plan(rec.plan, rec.summary.plan_headline)
        elif tab == "visits":
            self._show_visits(rec)
        elif tab == "meetings":
            self._show_meetings(rec)
        elif tab == "chronology":
            self._refilter()

    def _show_header(self, h: record.ChildHeader, drafts=()) -> None:
        known = f" (known as {h.known_as})" if h.known_as else ""
        text = Text()
        text.append(f"{h.name}{known}", style="bold")
        text.append(f"  ·  {spoken_age(h.age)}  ·  {h.born}  ·  {h.reference}\n")
        text.append(f"Worker: {h.worker}  ·  Status: {h.status}  ·  Level: {h.level or '—'}"
                    f"  ·  Service: {h.service or '—'}")
        for d in drafts:
            saved = visits.local_time(d.saved_at)
            if d.owner == self.app.actor:
                text.append(f"\n✎ Your unfinished visit (draft saved {day_words(saved)} "
                            f"{saved:%H:%M}): press v to carry on", style="bold yellow")
            else:
                text.append(f"\n✎ {d.owner_name or d.owner} has an unfinished visit draft "
                            f"({day_words(saved)})", style="yellow")
        self.query_one("#child-header", Static).update(text)

    def _show_summary(self, summary: record.ChildDetails) -> None:
        if summary == self._summary:
            return  # as on screen already: keep the cursor where the worker left it
        self._summary = summary
        self._show_header(summary.header, summary.visit_drafts)
        parts: list = [(f"{label}:", value) for label, value in summary.details]
        if len(summary.episodes) > 1 or summary.header.status == "Closed":
            parts.append(Text("Episodes:\n", style="bold"))  # re-referrals (WAR 3.4)
            numbered = [line.partition(" ") for line in summary.episodes]  # "1." "referred …"
            parts.append(Hanging([(f"  {n}", rest) for n, _, rest in numbered],
                                 width=max(len(n) for n, _, _ in numbered) + 3, label_style=""))
        if summary.next_step:
            parts.append(("Next step:", f"{summary.next_step} (K: case steps)"))
        if summary.no_change:  # WIR 2.3
            parts.append(Text(f"⚠ {summary.no_change}\n", style="bold yellow"))
        if summary.decisions:
            parts.append(Text("Decisions (BEX 4; D records one):\n", style="bold"))
            parts.append(Hanging([("", f"{day_words(d.made_on)} {d.decision} — {d.who}. "
                                   f"Rationale: {d.rationale}") for d in summary.decisions[:5]],
                                 width=2, label_style=""))
        # The labels' column as wide as its widest label and a space: "Circumstances:"
        # ran into its value and "Direct payments:" was cut at 14.
        width = max([14, *(len(p[0]) + 1 for p in parts if isinstance(p, tuple))])
        self.query_one("#details", HangingLines).show(parts, width=width)
        self._show_deadlines()
        self.query_one("#plan-headline", Static).update(
            plain(summary_line(summary.plan_headline)))

    def _show_deadlines(self) -> None:
        """The clocks running, each rule whole in the width there is: its source and rule
        in columns of their own from 120 columns, in one below. At 100 the rule ran off the
        edge ("within 20 working" and no more)."""
        deadlines = self._summary.deadlines
        width = self.app.size.width
        self._deadlines_width = width
        # Below 100 columns the state goes over two lines ("OVERDUE", "(33 wd over)").
        gap = " " if width >= 100 else "\n"
        states = [f"{str(d.state).upper()}{gap}({-d.working_days_left} wd over)"
                  if d.working_days_left < 0 else
                  f"{str(d.state).upper()}{gap}({d.working_days_left} wd left)"
                  for d in deadlines]
        what_w = min(26, max((len(d.label) for d in deadlines), default=len(NOTHING_DUE)))
        state_w = max((len(s) for s in states), default=5) if width >= 100 else 13
        wide = width >= 120
        columns = ["Due", "What", "State", *(["Source", "Rule"] if wide else
                                             ["Source and rule"])]
        # Pane padding and the scrollbar, two cells of padding a column, and the rest.
        rest = max(20, width - 4 - 2 * len(columns) - 11 - what_w - state_w
                   - (16 if wide else 0))
        table = self.query_one("#deadlines", DataTable)
        table.clear(columns=True)
        for label, w in zip(columns, (11, what_w, state_w, *((16, rest) if wide else (rest,))),
                            strict=True):
            table.add_column(label, width=w)
        for d, state in zip(deadlines, states, strict=True):
            rule = ([_wrap(d.source, 16), _wrap(d.rule, rest)] if wide
                    else [_wrap(f"{d.source}: {d.rule}", rest)])
            table.add_row(day_words(d.due, pad=True), _wrap(d.label, what_w),
                          Text(state, style=DUE_STYLES[d.state]), *rule,
                          height=None)
        if not deadlines:
            table.add_row("", NOTHING_DUE, "",
                          *([""] * (len(columns) - 3)), height=None)

    def _show_plan(self, plan, headline: str = "") -> None:
        from .plan import rag_badge

        view = self.query_one("#plan-view", Static)
        if plan is None:
            # A plan started (status CIN plan) and not written says so, as the Summary does
            view.update(first_upper(headline) if headline.startswith("the CIN plan started")
                        # after a re-referral it names the last episode's plan too
                        # to a worker, who authorises it (TRA), as the Summary says
                        else f"{headline}." if headline.startswith(
                            (f"{PLAN_NOT_STARTED}; ", PLAN_CLOSED_NONE, NOT_STARTED_LEAD))
                            and headline != PLAN_NOT_STARTED
                        else f"{PLAN_NOT_STARTED} on the record.")
            return
        text = Text()
        text.append(f"{plan.headline[:1].upper()}{plan.headline[1:]}\n\n", style="bold")
        if not plan.needs and plan.ended_on is None:  # "0 needs, R0 A0 G0": "No plan"
            text.append(f"Next: {NO_NEEDS_NEXT} (BEX 2: what is happening for the "
                        "child now, the outcome wanted, who does what by when).\n")
        for i, need in enumerate(plan.needs, start=1):
            text.append_text(rag_badge(need.rag))
            text.append(f" {i}. {need.now}\n")
            if need.outcome:
                text.append(f"      → {need.outcome}\n", style="italic")
        view.update(text)

    def _show_people(self, people: list[record.PersonRow]) -> None:
        table = self.query_one("#people-table", DataTable)
        row = table.cursor_row
        table.clear()
        for p in people:
            who = " / ".join(x for x in (p.agency, p.role) if x) or p.kind
            table.add_row(p.name, p.relationship, _yes(p.parental_responsibility),
                          _yes(p.lives_with_child), who, p.phone, p.email, p.needs,
                          key=str(p.person_id))
        if people:
            table.move_cursor(row=min(row, len(people) - 1))
        self._show_person_detail()
        warnings = [w for p in people for w in p.warnings]
        if people and (hint := father_hint(p.relationship for p in people)):
            warnings.append(hint)  # WAR 4.2
        text = "\n".join(f"⚠ {plain(w)}" for w in warnings) if warnings else ""
        if not people:
            text = "No one recorded yet: press a to add a parent, carer or professional."
        self.query_one("#people-warnings", Static).update(text)

    def _show_consent(self, rec: record.ChildRecord) -> None:
        status = Text()
        status.append("Consent (WAR 4.2, WIR 2.1-2.2, BEX 4): ", style="bold")
        # WIR 2.1: a parent's given, a young person's own not: "needs Alfie (16) too"; BEX 4:
        # a transfer's permission to share only while one is recorded (`scopes_shown`)
        for scope, word, state in scopes_shown(rec.consent, rec.first_name, rec.age,
                                               rec.transfer):
            status.append(f"{SCOPE_LABELS[scope]} ")
            status.append(word, style=CONSENT_STYLES[state])
            status.append("   ")
        # WAR 4.2: before a CIN service began, "needed before support starts", as the
        # due list and the caseload say it; once it began, "No valid consent".
        flags = service_flags_said(rec.consent.flags, rec.service_began)
        for n, flag in enumerate(flags):
            if rec.consent_reason and n == 0:
                flag = f"{flag}: {rec.consent_reason}"  # why, whose
            elif rec.consent_reason and OWN_NOT_GIVEN in flag:
                continue  # WIR 2.1: the reason says it
            status.append(f"\n⚠ {flag}")
        for scope in CONSENT_SCOPES[1:]:  # the service's: its reason above (WIR 2.1)
            if why := own_needed_reason(rec.consent, scope, rec.first_name, rec.age):
                status.append(f"\n⚠ {why}")
        hint = missing_service_hint(rec.consent, sum(
            1 for p in rec.people if p.parental_responsibility))
        if hint:
            status.append(f"\n{hint}", style="dim")
        self.query_one("#consent-status", Static).update(status)
        table = self.query_one("#consents", DataTable)
        row = table.cursor_row
        table.clear()
        for c in rec.consents:
            decision = ("shared without consent (BEX 4)" if c.override_without_consent
                        else c.decision)
            table.add_row(day_words(c.decided_on, pad=True), c.who, c.scope_label, decision, c.method,
                          self._path_state(c), key=str(c.id))
        if rec.consents:
            table.move_cursor(row=min(row, len(rec.consents) - 1))
        self._show_withheld_steps()

    @staticmethod
    def _path_state(c: record.ConsentRow) -> Text:
        if c.withheld is None:
            return Text("—")
        if c.missing:
            return Text(f"INCOMPLETE ({len(c.missing)} to do)", style="bold red")
        return Text("COMPLETE", style="green")

    def _show_withheld_steps(self) -> None:
        c = self._selected_consent()
        box = self.query_one("#withheld-steps", Static)
        if c is None or c.withheld is None:
            box.update("" if self.record and self.record.consents else
                       "No consent recorded yet: press a to record a decision.")
            return
        if not c.missing:
            box.update(Text(f"Withheld-consent path (WIR 2.2) for {c.who}: complete.",
                            style="green"))
            return
        text = Text(f"Withheld-consent path (WIR 2.2) for {c.who}: still to do "
                    "(press w):\n", style="bold")
        for p in c.missing:
            text.append(f"  • {p.message}\n", style="")
        box.update(text)

    def _show_visits(self, rec: record.ChildRecord) -> None:
        listing = rec.visits
        table = self.query_one("#visits-table", DataTable)
        row = table.cursor_row
        table.clear()
        for d in listing.drafts:
            mine = d.owner == self.app.actor
            c = d.content
            table.add_row(
                Text("DRAFT", style="bold yellow"), f"{c.visited_at:%H:%M}",
                VISIT_KIND_LABELS.get(c.kind, c.kind), "", "", "", d.owner_name or d.owner,
                "", Text("v to carry on · x discard" if mine else "someone else's draft",
                         style="yellow"), key=f"draft:{d.id}")
        for v in listing.visits:
            gap = (Text(f"{v.gap.days_late} wd late (due {day_words(v.gap.due)})", style="bold red")
                   if v.gap else "")
            unknown = Text("—", style="dim")  # an imported visit: not in the file
            table.add_row(day_words(v.visited_at, pad=True), "" if v.imported else f"{v.visited_at:%H:%M}",
                          VISIT_KIND_LABELS.get(v.kind, v.kind), _tick(v.child_seen),
                          unknown if v.imported else _tick(v.seen_alone),
                          unknown if v.imported else _tick(v.bedroom_seen), v.author,
                          str(v.addenda or ""), gap, key=f"visit:{v.id}")
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        note = Text(f"Visits {listing.rule}. v new visit · Enter read (a addendum)")
        if listing.open_gap:
            g = listing.open_gap
            note.append(f"\nOVERDUE: no visit that counts since "
                        f"{day_words(g.after)}; due {day_words(g.due)}, {g.days_late} working days late.",
                        style="bold red")
        if not listing.visits and not listing.drafts:
            note.append("\nNo visits recorded yet: press v to record one.")
        self.query_one("#visits-note", Static).update(note)

    def _show_meetings(self, rec: record.ChildRecord) -> None:
        table = self.query_one("#meetings-table", DataTable)
        row = table.cursor_row
        table.clear()
        today = self.app.today
        for m in rec.meetings:
            if m.imported:  # the old system's: taken as sent when the case came in
                minutes = Text("before import", style="dim")
            elif m.status == "held" and m.minutes_circulated:
                minutes = Text(f"out {_short_day(m.minutes_circulated)}", style="green")
            elif m.status == "held" and m.minutes_due:
                late = m.minutes_due < today
                minutes = Text(f"{'OVERDUE' if late else 'due'} {_short_day(m.minutes_due)}",
                               style="bold red" if late else "yellow")
            else:
                minutes = Text("")
            status = {"held": Text("held", style="green"),
                      "cancelled": Text(f"cancelled: {m.cancelled_reason[:20]}", style="dim"),
                      "scheduled": Text("booked", style="bold")}[m.status]
            # WIR 2.3: papers circulated beforehand; never colour alone.
            papers = (Text(f"out {_short_day(m.papers_sent_on)}", style="green")
                      if m.papers_sent_on else
                      Text("NOT SENT", style="bold red" if m.status == "held"
                           else "yellow") if m.papers_flag else Text(""))
            table.add_row(day_words(m.held_on, pad=True), f"{m.starts_at:%H:%M}" if m.starts_at else "",
                          m.short_label, status, minutes, papers, day_words(m.next_review, pad=True),
                          m.venue[:18], m.chair[:18], key=str(m.id))
        if rec.meetings:
            table.move_cursor(row=min(row, len(rec.meetings) - 1))
        self._show_meeting_detail()
        self.query_one("#meetings-safeguards", Static).update(self._safeguards_note(rec))

    @on(DataTable.RowHighlighted, "#meetings-table")
    def _meeting_highlighted(self) -> None:
        self._show_meeting_detail()

    def _show_meeting_detail(self) -> None:
        """"Booked by Olu Other on 12 Nov 2026" for the highlighted meeting ("" not known)."""
        m = self._selected_meeting()
        self.query_one("#meeting-detail", Static).update(
            "" if m is None else plain(m.booked_words))

    def _safeguards_note(self, rec: record.ChildRecord) -> Text:
        """Agreement visits owed after a review (TRA) and the non-engagement path
        (WIR 2.10)."""
        text = Text()
        today = self.app.today
        for a in rec.agreements:
            if a.done:
                continue
            late = a.due < today
            text.append(f"{'OVERDUE: ' if late else ''}Visit {a.name} to gain agreement to "
                        f"the review, by {day_words(a.due)} (TRA; A records it)\n",
                        style="bold red" if late else "yellow")
        path = rec.non_engagement
        if path is not None:
            state = ("every step recorded" if not path.missing else
                     f"{len(path.missing)} step{'s' if len(path.missing) > 1 else ''} to do")
            text.append(f"Non-engagement path (WIR 2.10), started {day_words(path.started_on)}: "
                        f"{state} (N)")
        return text

    def _selected_meeting(self):
        key = self._selected_key("#meetings-table")
        meetings_ = self.record.meetings if self.record else []
        return next((m for m in meetings_ if str(m.id) == key), None)

    @on(DataTable.RowSelected, "#meetings-table")
    def _meeting_selected(self) -> None:
        m = self._selected_meeting()
        if m is None:
            return
        if m.status == "scheduled":
            self._minute(m)
        elif m.has_minutes:
            self.app.push_screen(self.app.make_screen("minutes_view", meeting_id=m.id))
        else:
            self.notify("No minutes were recorded in cintui for this meeting")

    def _minute(self, m) -> None:
        """Minute a booked meeting live; on another day than booked, first ask when it is
        really held, so the record never says the booked time by default."""
        from cintui.casework import meetings

        from .meeting_forms import HeldWhenFormScreen

        app = self.app
        now = app.clock()
        with app.store.read() as session:
            booked = meetings.held_at_needed(session, m.id, now)

        def minute(held_at=None) -> None:
            app.push_screen(app.make_screen("minuting", meeting_id=m.id, held_at=held_at))

        if booked is None:
            minute()
        else:
            app.push_screen(HeldWhenFormScreen(m.label, booked, now),
                            lambda held_at: held_at and minute(held_at))

    def action_book_meeting(self) -> None:
        from cintui.casework import cases, meetings, safeguards

        from .meeting_forms import BookingContext, ScheduleFormScreen

        app = self.app
        with app.store.read() as session:
            invitees = meetings.invitee_choices(session, self.child_id)
            age = meetings.child_age(session, self.child_id, app.today)
            last = meetings.last_held(session, self.child_id)
            kind = meetings.kind_to_book(session, self.child_id)
            # A review is offered on the day the timescale engine has it due.
            due = meetings.review_due(session, self.child_id, app.today) \
                if kind == "review" else None
            factors, prison = safeguards.partner_findings(session, self.child_id)
            context = BookingContext(  # the safeguards (WIR 2.1, 2.3; BEX 3; TRA; STO 4.4)
                consent=safeguards.consent_problem(session, self.child_id, app.today),
                chairs=tuple(safeguards.chair_choices(session)),
                rules=cases.store_policy(session).meetings,
                child_name=record.get_child(session, self.child_id).first_name,
                factors=factors, parent_in_prison=prison,
                booked=meetings.booked(session, self.child_id),
                episodes=tuple(cases.episode_days(session, self.child_id)),
                reference=cases.reference_of(session, self.child_id))
        header = self._summary.header if self._summary else None
        from cintui.domain.calendar import england_calendar
        from cintui.domain.meeting import suggested_start

        # After school (WIR 2.8): on the day a review is due, else today or the next
        # working day.
        working = england_calendar().is_working_day
        form = ScheduleFormScreen(
            self.child_id, invitees, age, chair=header.worker if header else "",
            suggested=suggested_start(app.clock(), working, due), kind=kind, last_held=last,
            context=context, soonest=suggested_start(app.clock(), working))
        self.app.push_screen(form, lambda saved: self._meeting_booked(saved, form))

    def _meeting_booked(self, saved: object, form) -> None:
        """Booked: the Meetings tab, where it now is, and a word of when and where. Booked
        from another tab (`m` is on all of them) the form went and nothing in view changed:
        at 80x24 the booking was nowhere on the Summary (WIR 2.3: its papers go out first)."""
        if not saved:
            return
        from cintui.domain.meeting import KIND_LABELS as MEETING_KIND_LABELS

        s = form.booked
        venue = f" ({s.venue})" if s.venue else ""
        self.notify(f"{first_upper(MEETING_KIND_LABELS.get(s.kind, 'meeting'))} booked for "
                    f"{day_words(s.starts_at.date())} at {s.starts_at:%H:%M}{plain(venue)}: "
                    "the papers go out before it (P, WIR 2.3).")
        self.reload()
        self.action_show_tab("meetings")

    def action_cancel_meeting(self) -> None:
        m = self._selected_meeting()
        if m is None or m.status != "scheduled":
            self.notify("Choose a booked meeting to cancel or rebook")
            return
        from cintui.casework import meetings

        from .meeting_forms import CancelFormScreen

        with self.app.store.read() as session:
            invitees = meetings.load_meeting(session, m.id).schedule.invitees
        self.app.push_screen(CancelFormScreen(m.id, m.label.lower(), invitees),
                             self._reload_if_saved)

    def action_papers(self) -> None:
        m = self._selected_meeting()
        if m is None or m.status == "cancelled":
            self.notify("Choose a booked or held meeting to record its papers (WIR 2.3)")
            return
        from .meeting_safeguards import PapersFormScreen

        self.app.push_screen(PapersFormScreen(m.id, m.label, m.held_on),
                             self._reload_if_saved)

    def action_agreement(self) -> None:
        m = self._selected_meeting()
        owed = [a for a in (self.record.agreements if self.record else [])
                if m is not None and a.meeting_id == m.id and not a.done]
        if not owed:
            self.notify("Choose a held review with a parent still to visit for their "
                        "agreement (TRA)")
            return
        from .meeting_safeguards import AgreementFormScreen

        self.app.push_screen(AgreementFormScreen(owed, m.held_on), self._reload_if_saved)

    def action_non_engagement(self) -> None:
        from .meeting_safeguards import NonEngagementFormScreen

        current = self.record.non_engagement if self.record else None
        self.app.push_screen(NonEngagementFormScreen(self.child_id, current),
                             self._reload_if_saved)

    def action_minutes_sent(self) -> None:
        m = self._selected_meeting()
        if m is None or m.status != "held":
            self.notify("Choose a held meeting to record who its minutes went to")
            return
        from cintui.casework import meetings

        from .meeting_forms import SentFormScreen

        with self.app.store.read() as session:
            detail = meetings.load_meeting(session, m.id)
        people = list(detail.minutes.attendance if detail.minutes
                      else detail.schedule.invitees)
        self.app.push_screen(SentFormScreen(m.id, people, self.app.today), self._sent)

    def _sent(self, result: object) -> None:
        if isinstance(result, list):  # the names of those still owed the minutes
            self.notify("Not circulated yet: still to send to " + ", ".join(result)
                        + " (everyone present, and parents who did not attend: BEX 3, "
                        "WIR 2.8)", timeout=10)
        self._reload_if_saved(result)

    # ------------------------------------------------------------ chronology

    @on(Select.Changed, "#chron-kind")
    @on(Input.Changed, "#chron-text")
    def _refilter(self) -> None:
        if self.record is None or "chronology" not in self._built:
            return
        kind = self.query_one("#chron-kind", Select).value
        text = self.query_one("#chron-text", Input).value
        table = self.query_one("#chronology-table", DataTable)
        shown = self._chron_shown
        if shown and shown[0] is self.record and shown[1] is table and shown[2:] == (kind, text):
            return  # shown already (Enter filtered at once): the cursor stays where it is
        self._chron_shown = (self.record, table, kind, text)
        kinds = None if kind in ("all", Select.NULL) else {kind}
        entries = filter_chronology(self.record.chronology, kinds, text)
        self._chron_columns(table)
        table.clear()
        for e in entries:
            detail = f" — {e.detail}" if e.detail else ""
            # Each entry whole, over as many lines as it takes: cut at the screen's edge
            # ("Working Toget"), with who did it off the screen, it was read only in part.
            table.add_row(day_words(e.when, pad=True), e.label, Text(f"{e.summary}{detail}"), Text(e.who),
                          height=None)

    def on_resize(self) -> None:
        if self._summary is not None and self._deadlines_width != self.app.size.width:
            self._show_deadlines()
        if "chronology" in self._built and self.record is not None \
                and self._chron_columns(self.query_one("#chronology-table", DataTable)):
            self._chron_shown = ()  # listed again, each entry wrapped to the new width
            self._refilter()

    def _chron_columns(self, table: DataTable) -> bool:
        """The chronology's columns for the screen's width: "What happened" takes what the
        date ("25 Sep 2025"), the kind ("Assessment") and who leave, cell padding and the
        scrollbar aside. Whether they were made again."""
        width = self.app.size.width
        who = 14 if width < 100 else 18
        what = max(24, width - 4 - 11 - 11 - who - 2 * 4)
        if getattr(self, "_chron_what", None) == what and table.columns:
            return False
        self._chron_what = what
        table.clear(columns=True)
        for label, w in (("Date", 11), ("Kind", 11), ("What happened", what), ("Who", who)):
            table.add_column(label, width=w)
        return True

    def _to_table(self) -> None:
        """Enter in the filter: to the entries its words leave, once the words typed before
        it are in; the keys after it (↓) move in the entries (they once went to the box)."""
        if not after_typing(self, self._to_table):
            return
        self._refilter()
        self.set_focus(self.query_one("#chronology-table", DataTable))
        let_go(self)

    # ------------------------------------------------------------ tabs and keys

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active or "summary"

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self._build_tab(event.pane.id or "")  # shown by mouse or the tab strip's arrows
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (as_read := self.keys_as_read(action)) is not None:
            return as_read
        if action == "open_row":
            table = self.focused
            if table is not None and table.id == "chron-text":
                return True  # Enter in the chronology's filter: to the entries it leaves
            return isinstance(table, DataTable) and table.id in ROW_OPENS and table.row_count > 0
        if action in CLOSED_ONLY or action in OPEN_ONLY:
            return (action in CLOSED_ONLY) == self._case_closed()
        tab = TAB_ACTIONS.get(action)
        if action == "discard_draft" and tab == self.active_tab:
            return self._holds_a_draft()
        return tab is None or tab == self.active_tab

    def _holds_a_draft(self) -> bool:
        """x is offered on the Visits tab where there is a draft of yours to discard: it was
        offered on every child's, and said "Choose one of your own draft visits" where
        there was none. (Before the record is read, a key typed waits, so it is kept.)"""
        return self.record is None or any(
            d.owner == self.app.actor for d in self.record.visits.drafts)

    def _case_closed(self) -> bool:
        return (self.record is not None
                and self.record.summary.header.status == STATUS_LABELS["closed"])

    def action_open_row(self) -> None:
        """Enter on a row, handled as read (what it opens holds the keys typed after it)."""
        if self.focused.id == "chron-text":
            self._to_table()
            return
        getattr(self, ROW_OPENS[self.focused.id])()

    def action_show_tab(self, tab: str) -> None:
        self._build_tab(tab)
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    def action_next_tab(self, step: int) -> None:
        i = (TABS.index(self.active_tab) + step) % len(TABS)
        self.action_show_tab(TABS[i])

    def _focus_tab(self, tab: str) -> None:
        """Focus now, not after the queue (`Widget.focus`): a key read straight after the
        tab's ("2 ↓ e") is for what the tab shows."""
        self._build_tab(tab)
        target = TAB_FOCUS.get(tab)
        if target:
            self.set_focus(self.query_one(target))
        else:
            self.set_focus(self.query_one(TabbedContent).query_one("Tabs"))

    def on_key(self, event: events.Key) -> None:
        """Down or Enter on the tab strip goes into the tab (its table, as Tab does): the
        arrows choose a tab, and the key after them should act on what it shows. On the
        plan, Enter opens the editor, as `p` does."""
        if event.key not in ("down", "enter") or not isinstance(self.focused, Tabs):
            return
        target = TAB_FOCUS.get(self.active_tab)
        if target:
            self.set_focus(self.query_one(target))
        elif self.active_tab == "plan" and event.key == "enter":
            self.action_open_plan()
        else:
            return
        event.stop()

    def action_back(self) -> None:
        if isinstance(self.focused, Input | Select) and self.active_tab == "chronology":
            if not after_typing(self, self.action_back):  # the words typed before Esc first
                return
            self.set_focus(self.query_one("#chronology-table", DataTable))
            let_go(self)
            return
        self.app.pop_screen()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#chron-text", Input))

    @on(DataTable.RowHighlighted, "#consents")
    def _consent_highlighted(self) -> None:
        self._show_withheld_steps()

    @on(DataTable.RowHighlighted, "#people-table")
    def _person_highlighted(self) -> None:
        self._show_person_detail()

    def _show_person_detail(self) -> None:
        person = self._selected_person()
        self.query_one("#person-detail", Static).update(
            "" if person is None else plain(person_line(person)))

    @on(DataTable.RowSelected, "#people-table")
    def _person_selected(self) -> None:
        self.action_edit_person()

    @on(DataTable.RowSelected, "#consents")
    def _consent_selected(self) -> None:
        c = self._selected_consent()
        if c is not None and c.withheld is not None:
            self.action_withheld()

    # ------------------------------------------------------------ editing

    def _selected_key(self, selector: str) -> str | None:
        table = self.query_one(selector, DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _selected_person(self) -> record.PersonRow | None:
        key = self._selected_key("#people-table")
        people = self.record.people if self.record else []
        return next((p for p in people if str(p.person_id) == key), None)

    def _selected_consent(self) -> record.ConsentRow | None:
        key = self._selected_key("#consents")
        consents = self.record.consents if self.record else []
        return next((c for c in consents if str(c.id) == key), None)

    def _reload_if_saved(self, result: object) -> None:
        if result:
            self.reload()

    def action_new_visit(self) -> None:
        self.app.open_visit(self.child_id)  # back here: reloads on resume

    def _selected_visit_row(self) -> tuple[str, uuid.UUID] | None:
        key = self._selected_key("#visits-table")
        if not key:
            return None
        kind, _, ident = key.partition(":")
        return kind, uuid.UUID(ident)

    @on(DataTable.RowSelected, "#visits-table")
    def _visit_selected(self) -> None:
        chosen = self._selected_visit_row()
        if chosen is None:
            return
        kind, ident = chosen
        if kind == "visit":
            self.app.push_screen(self.app.make_screen("visit_view", visit_id=ident))
            return
        draft = next((d for d in self.record.visits.drafts if d.id == ident), None)
        if draft is not None and draft.owner == self.app.actor:
            self.app.push_screen(self.app.make_screen("visit_form", child_id=self.child_id,
                                                      draft_id=ident))
        else:
            self.notify("That draft is someone else's: only its author can carry it on")

    def action_discard_draft(self) -> None:
        chosen = self._selected_visit_row()
        draft = None
        if chosen and chosen[0] == "draft" and self.record:
            draft = next((d for d in self.record.visits.drafts if d.id == chosen[1]), None)
        if draft is None or draft.owner != self.app.actor:
            self.notify("Choose one of your own draft visits to discard")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.reading_again()  # the keys typed on wait for the draft to go
                self._discard(draft.id)

        self.app.push_screen(ConfirmScreen(
            f"Discard the draft visit of {day_words(draft.content.visited_at)}? What was typed in "
            "it is deleted.", yes="Yes, discard (y)"), confirmed)

    @work(thread=True, group="child-write")
    def _discard(self, draft_id: uuid.UUID) -> None:
        app = self.app
        with app.store.session(app.actor) as session:
            visits.discard_draft(session, draft_id)
        app.call_from_thread(self.load)

    def action_open_plan(self) -> None:
        self.app.push_screen(self.app.make_screen("plan", child_id=self.child_id))

    def refresh_from_store(self) -> None:
        """Others' changes, read again in place (screens/live.py)."""
        self.reload()

    def on_screen_resume(self) -> None:
        # Back from the plan editor (or anything that saved): show what is now stored.
        if self.record is not None and getattr(self.app, "store_commits", 0) != self._commits:
            self.reload()

    # ------------------------------------------------------------ endings (DOMAIN.md §7)

    def action_decision(self) -> None:
        from cintui.casework import endings

        from .endings import DecisionFormScreen

        with self.app.store.read() as session:
            me = endings.me(session, self.app.actor)
        # WIR 2.3 prompted on the Summary: the decision it asks for is the one offered; one
        # opened from the manager's list on casework kept after a closure says what it is
        # about, and is the case's direction (it stays closed, or is re-referred: BEX 4).
        about, self.about = self.about, ""
        kind = "cp_conference" if self._summary and self._summary.no_change and not about \
            else "case_direction"
        self.app.push_screen(DecisionFormScreen(self.child_id, me.name, me.role_label, kind,
                                                about=about), self._reload_if_saved)

    def action_restrict(self) -> None:
        from cintui.casework import admin

        from .forms import RestrictFormScreen

        with self.app.store.read() as session:
            named = admin.restriction(session, self.child_id)
        self.app.push_screen(RestrictFormScreen(self.child_id, named, self.app.actor),
                             self._reload_if_saved)

    # By name (screens/registry.py), so the idle lock opens them again after unlocking;
    # back here, the record reloads on resume.
    def action_closure(self) -> None:
        self.app.push_screen(self.app.make_screen("closure", child_id=self.child_id))

    def action_step_down(self) -> None:
        self.app.push_screen(self.app.make_screen("step_down", child_id=self.child_id))

    def action_transfer(self) -> None:
        self.app.push_screen(self.app.make_screen("transfer", child_id=self.child_id))

    def action_case_steps(self) -> None:
        # Back here: reloads on resume.
        self.app.push_screen(self.app.make_screen("case_steps", child_id=self.child_id))

    def action_early_review(self) -> None:
        from cintui.casework import meetings

        from .meeting_forms import EarlyReviewFormScreen

        with self.app.store.read() as session:
            due = meetings.review_due(session, self.child_id, self.app.today)
        self.app.push_screen(EarlyReviewFormScreen(self.child_id, due), self._reload_if_saved)

    def action_fgc(self) -> None:
        self.app.push_screen(self.app.make_screen("fgc", child_id=self.child_id))

    def action_signs_of_safety(self) -> None:
        self.app.push_screen(self.app.make_screen("signs_of_safety", child_id=self.child_id))

    def action_gcp2(self) -> None:
        self.app.push_screen(self.app.make_screen("gcp2", child_id=self.child_id))
    def action_short_breaks(self) -> None:
        self.app.push_screen(self.app.make_screen("short_breaks", child_id=self.child_id))

    def action_supervision(self) -> None:
        self.app.push_screen(self.app.make_screen("supervision", child_id=self.child_id))

    def action_rerefer(self) -> None:
        from .endings import RereferFormScreen

        with self.app.store.read() as session:
            child = record.get_child(session, self.child_id)
            closed, need = child.status == "closed", child.primary_need
        if not closed:
            self.notify("Only a closed case is re-referred: this child's case is open")
            return
        self.app.push_screen(RereferFormScreen(self.child_id, need), self._reload_if_saved)

    def action_rerefer_closed(self) -> None:
        self.action_rerefer()

    def action_book_meeting_closed(self) -> None:
        """m on a closed case: the one line the booking form would give, at once."""
        from cintui.casework import cases
        from cintui.domain.endings import after_closure

        with self.app.store.read() as session:
            closed = cases.closed_on(session, self.child_id, self.app.today)
        if closed is None:  # re-referred meanwhile (another worker): book as usual
            self.action_book_meeting()
            return
        self.notify(after_closure(self.record.summary.header.reference, "a meeting",
                                  self.app.today, closed), severity="warning", timeout=10)

    def action_edit_child(self) -> None:
        self.app.push_screen(ChildFormScreen(child_id=self.child_id), self._reload_if_saved)

    def action_add_person(self) -> None:
        self.app.push_screen(PersonFormScreen(self.child_id), self._reload_if_saved)

    def action_edit_person(self) -> None:
        person = self._selected_person()
        if person is None:
            self.notify("Choose a person first (or press a to add one)")
            return
        self.app.push_screen(PersonFormScreen(self.child_id, person), self._reload_if_saved)

    def action_remove_person(self) -> None:
        person = self._selected_person()
        if person is None:
            return
        also = (f" They stay on the record of {person.other_children} other "
                f"child{'ren' if person.other_children > 1 else ''}."
                if person.other_children else "")
        message = (f"Remove {person.name} ({person.relationship or person.kind}) from "
                   f"{self.record.header.name}'s record?{also}")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.reading_again()  # the keys typed on wait for the person to go
                self._remove(person.person_id)

        self.app.push_screen(ConfirmScreen(message), confirmed)

    @work(thread=True, group="child-write")
    def _remove(self, person_id: uuid.UUID) -> None:
        app = self.app
        with app.store.session(app.actor) as session:
            record.remove_person(session, self.child_id, person_id)
        app.call_from_thread(self.load)

    def action_add_consent(self) -> None:
        people = self.record.people if self.record else []
        scope = scope_to_record(self.record.consent) if self.record else "service"
        rec = self.record  # WIR 2.1: open on the young person, not a parent, if theirs is missing
        own = rec is not None and own_needed(rec.consent.current, scope, rec.age) is not None
        self.app.push_screen(ConsentFormScreen(
            self.child_id, people, scope, own, current=rec.consent.current if rec else (),
            child=(rec.first_name, rec.age) if rec else ("", None)), self._reload_if_saved)

    def action_withheld(self) -> None:
        consent = self._selected_consent()
        if consent is None or consent.withheld is None:
            self.notify("Choose a refusal or withdrawal: the withheld-consent path (WIR 2.2) "
                        "follows one")
            return
        workers = self.record.workers if self.record else []
        self.app.push_screen(WithheldFormScreen(self.child_id, consent, workers),
                             self._reload_if_saved)

def person_line(p: record.PersonRow) -> str:
    """One person in a line, every detail the table may cut: who they are, how to reach
    them and what they need to take part (an interpreter: WIR 2.8)."""
    who = " / ".join(x for x in (p.agency, p.role) if x)
    parts = [f"{p.name} ({p.relationship})" if p.relationship else p.name, who, p.phone,
             p.email, p.address, f"needs: {p.needs}" if p.needs else ""]
    return " · ".join(x for x in parts if x)


# Enter on a row of these tables opens it (their `RowSelected`).
ROW_OPENS = {"meetings-table": "_meeting_selected", "people-table": "_person_selected",
             "consents": "_consent_selected", "visits-table": "_visit_selected"}
