"""The CIN plan editor: the needs as the paper plan's three columns plus the rating
(BEX 2), the plan checks live in a side panel, versions, and every edit by keyboard.

Reads the version on mount (a 15-need plan is a few indexed reads) so the first frame shows
it; every write goes through a form or `plans.save_draft` in an audited session. Agreed
versions are read-only: `n` starts the next version from the one shown.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from cintui.casework import cases, meetings, plans, record, short_breaks, steps
from cintui.casework import gcp2 as gcp2_cases
from cintui.domain import gcp2 as gcp2_rules
from cintui.domain.child import STATUS_LABELS
from cintui.domain.dates import day_words
from cintui.domain.plan import (
    ACTION_STATUS_LABELS,
    ENDED_BY,
    RAG_NAMES,
    PlanVersion,
    from_last_refused,
    red_prompt,
)
from cintui.domain.plan_checks import PlanProblem
from cintui.domain.text import counted, first_upper
from cintui.screens.widgets.exported import tell_written
from cintui.screens.widgets.hanging import Hanging, HangingLines
from cintui.screens.widgets.plain_table import PlainTable

from .forms import ConfirmScreen
from .plan_forms import (
    ActionsScreen,
    AgreeFormScreen,
    DetailsFormScreen,
    NeedFormScreen,
    RateFormScreen,
)
from .widgets.footer import Footer
from .widgets.typed import KeysAsRead, as_read

# Never colour alone: the letter and the word are always there too.
RAG_STYLES = {"R": "bold white on dark_red", "A": "bold black on dark_orange",
              "G": "bold white on dark_green"}
COLUMNS = ("1 What is happening now", "2 What will be different", "3 Who does what, by when",
           "RAG")
# The same headings whole at 80 columns (20 a column there), never cut mid-word.
SHORT_COLUMNS = ("1 Happening now", "2 What will change", "3 Who, what, by when", "RAG")
EDITING = ("add_need", "edit_need", "delete_need", "move_need", "rate", "actions", "details",
           "agree")


def rag_badge(rating: str) -> Text:
    return Text(f"{rating} {RAG_NAMES[rating]}", style=RAG_STYLES[rating])


def _action_line(a) -> str:
    who = a.who or "NO OWNER"
    when = day_words(a.by_when) if a.by_when else "NO DATE"
    return f"• {a.what} — {who}, by {when} ({ACTION_STATUS_LABELS[a.status]})"


class PlanChecksScreen(ModalScreen):
    """The plan checks to look at (WIR 2.3, BEX 3), one to a line: Enter opens the form
    the highlighted one is fixed in, at its field; Esc closes."""

    DEFAULT_CSS = """
    PlanChecksScreen { align: center middle; }
    PlanChecksScreen #checks-box { width: 100; max-width: 95%; height: auto; max-height: 90%;
                                   border: thick $primary; background: $surface;
                                   padding: 0 1; }
    PlanChecksScreen #checks-title { height: auto; }
    PlanChecksScreen OptionList { height: auto; max-height: 30; border: none; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "fix", "Fix it")]

    def __init__(self, found: list[PlanProblem], ended: str = "") -> None:
        super().__init__()
        self.found = found
        self.ended = ended  # "the closure on 18 Sep 2026": a record, not re-opened to fix

    def compose(self) -> ComposeResult:
        with Vertical(id="checks-box"):
            if self.ended:  # WIR 3, TRA
                title = Text.assemble(
                    ("Plan checks (WIR 2.3, BEX 3): ", "bold"),
                    (f"{len(self.found)} lacking when it ended", "bold yellow"),
                    f". The plan ended at {self.ended}: a record, not re-opened to fix; "
                    "its copies are marked as ended, not DRAFT.")
            else:
                title = Text.assemble(
                    ("Plan checks (WIR 2.3, BEX 3): ", "bold"),
                    (f"{len(self.found)} to look at", "bold yellow"),
                    " (exports carry a DRAFT mark until fixed). Enter opens the form to fix "
                    "the highlighted one, at its field.")
            yield Static(title, id="checks-title")
            yield OptionList(*(Option(Text.assemble(("• ", "bold yellow"), p.message),
                                      id=str(i)) for i, p in enumerate(self.found)),
                             id="checks")
        yield Footer()

    def on_mount(self) -> None:
        checks = self.query_one(OptionList)
        checks.highlighted = 0
        checks.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.found[int(event.option.id)])

    def action_fix(self) -> None:
        checks = self.query_one(OptionList)
        if checks.highlighted is not None:
            self.dismiss(self.found[checks.highlighted])

    def action_close(self) -> None:
        self.dismiss(None)


class PlanScreen(KeysAsRead, Screen):
    """One child's plan, one version at a time."""

    DEFAULT_CSS = """
    PlanScreen #plan-title { height: auto; padding: 0 1; background: $boost; }
    PlanScreen #plan-body { height: 1fr; }
    PlanScreen #plan-main { width: 1fr; }
    PlanScreen #plan-details { height: auto; max-height: 10; padding: 0 1;
                               text-wrap: nowrap; text-overflow: ellipsis; }
    PlanScreen #needs { height: 1fr; }
    PlanScreen #need-detail { height: auto; max-height: 8; padding: 0 1;
                              border-top: solid $primary-darken-2; }
    PlanScreen #side { width: 40; border-left: solid $primary-darken-2; padding: 0 1; }
    PlanScreen #checks-title { text-style: bold; }
    PlanScreen #checks { height: auto; }
    PlanScreen #checks-brief { display: none; height: 1; padding: 0 1; }
    PlanScreen.-narrow #side { display: none; }
    PlanScreen.-narrow #checks-brief { display: block; }
    PlanScreen.-narrow #plan-details, PlanScreen.-narrow #need-detail { max-height: 5; }
    """
    # A laptop terminal (80 columns): the three columns keep their width, the checks
    # panel becomes one line under the details, and the details are shorter, so the
    # needs table keeps rows to move through.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    # Every key as read, in the order typed (`typed.KeysAsRead`); no box types here.
    BINDINGS = [
        as_read("escape", "back", "Back", show=False),
        *KeysAsRead.TABLE_ROWS,  # so "↓ r" typed fast re-rates the need below
        as_read("a", "add_need", "Add need"),
        as_read("e", "edit_need", "Edit need"),
        as_read("c", "actions", "Actions"),
        as_read("r", "rate", "Re-rate"),
        as_read("d", "delete_need", "Delete need", show=False),
        as_read("ctrl+up", "move_need(-1)", "Move up", show=False),
        as_read("ctrl+down", "move_need(1)", "Move down", show=False),
        as_read("v", "details", "Details", show=False),
        as_read("i", "all_details", "The plan's details, whole", show=False),
        as_read("g", "agree", "Agree"),
        as_read("n", "new_version", "New version", show=False),  # a change starts one
        # After a re-referral: this episode's plan begun from the last one (TRA).
        as_read("L", "from_last", "Start from the last plan", show=False),
        as_read("w", "what_changed", "What changed", show=False),
        as_read("x", "export", "Export", show=False),
        as_read("b", "early_review", "Bring review forward", show=False),  # BEX 3
        as_read("k", "checks", "Plan checks, all of them", show=False),
        as_read("left_square_bracket", "other_version(1)", "Older", show=False),
        as_read("right_square_bracket", "other_version(-1)", "Newer", show=False),
    ]

    def __init__(self, child_id: uuid.UUID, version_id: uuid.UUID | None = None,
                 need_key: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.child_id = child_id
        self.version_id = version_id
        self.need_key = need_key  # opened at this need (an action's, from "My week")
        self.version: PlanVersion | None = None
        self.versions: list[plans.VersionInfo] = []
        self.child_name = ""
        self.first_name = ""  # the plan checks name the child by it (WIR 2.5)
        self.closed = False  # the case is closed: no first plan is written on it
        self.people: list[str] = []
        self._by_for: str | None = None  # the login whose name `_by` holds
        self.gcp2s: list = []  # the child's GCP2s (STO 6.11: they inform the plan's needs)
        self.packages: list = []  # short breaks and direct payments (offered as services)
        self.minuted = None  # the meeting just minuted, no plan agreed at it yet
        self.not_started: str | None = None  # why no plan can be written yet (TRA)
        self.ended: str | None = None  # why the plan in force is not re-opened (WIR 3)
        self._by_name = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-title")
        with Horizontal(id="plan-body"):
            with Vertical(id="plan-main"):
                yield Static("", id="plan-details")
                yield Static("", id="checks-brief")
                yield PlainTable(id="needs", cursor_type="row", zebra_stripes=True)
                yield HangingLines("", id="need-detail")
            with VerticalScroll(id="side"):
                yield Static("Plan checks", id="checks-title")
                yield Static("", id="checks")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#needs", DataTable)
        # Side panel 40 (none when narrow), cell padding 2 a column, the RAG column 7, the
        # scrollbar 2.
        side = 0 if self.app.size.width < 100 else 40
        width = max(18, (self.app.size.width - side - 8 - 7 - 3) // 3)
        for title, short, w in zip(COLUMNS, SHORT_COLUMNS, (width, width, width, 7),
                                   strict=True):
            table.add_column(title if len(title) <= w else short, width=w)
        self.load()
        self.set_focus(table)

    # ------------------------------------------------------------ data

    def load(self, version_id: uuid.UUID | None = None, cursor: int | None = None) -> None:
        app = self.app
        with app.store.read() as session:
            self.versions = plans.versions(session, self.child_id)
            # A draft in progress is what the worker is working on; else the plan in force.
            wanted = (version_id or self.version_id or plans.draft_version_id(
                session, self.child_id) or plans.current_version_id(session, self.child_id))
            self.version = plans.load_version(session, wanted) if wanted else None
            # TRA: no first plan is written before the line manager authorises it.
            self.not_started = None if wanted else plans.not_started(
                session, self.child_id, steps.authorisers_for(session, app.actor, self.child_id))
            # WIR 3, TRA: a plan ended at a final meeting is not re-opened by an edit.
            self.ended = (plans.ended(session, self.child_id)
                          if self.version is not None and self.version.status != "draft"
                          else None)
            self.policy = cases.store_policy(session)
            header = record.child_header(session, self.child_id, app.today)
            self.child_name = header.name
            self.closed = header.status == STATUS_LABELS["closed"]
            self.first_name = record.get_child(session, self.child_id).first_name
            self.people = [p.name for p in record.list_people(session, self.child_id)]
            self.gcp2s = gcp2_cases.facts(session, self.child_id)
            self.packages = [*short_breaks.short_break_facts(session, self.child_id),
                             *short_breaks.direct_payment_facts(session, self.child_id)]
            self.minuted = meetings.meeting_to_agree_at(session, self.child_id)
        self.version_id = self.version.id if self.version else None
        if cursor is None and self.need_key and self.version:
            keys = [str(n.key) for n in self.version.needs]
            cursor = keys.index(self.need_key) if self.need_key in keys else None
            self.need_key = None
        self._show(cursor)

    @property
    def editable(self) -> bool:
        return self.version is not None and self.version.status == "draft"

    @property
    def _next_can_start(self) -> bool:
        """The newest version is agreed: a change starts the next one (no need to press n)."""
        v = self.version
        return (v is not None and v.status != "draft" and not self._earlier
                and not any(i.number > v.number for i in self.versions))

    @property
    def _first_can_start(self) -> bool:
        """No plan yet, and no last episode's plan to choose from (n or L): adding a need
        starts version 1, or says why none may be written yet (TRA; a closed case)."""
        return self.version is None and self._last_plan is None

    @property
    def _earlier(self) -> bool:
        """The version shown is an earlier episode's (before a re-referral): history."""
        v = self.version
        return v is not None and any(i.id == v.id and i.earlier for i in self.versions)

    @property
    def _last_plan(self):
        """The last episode's plan, when this episode has none yet (`L` starts from it)."""
        if any(not i.earlier for i in self.versions):
            return None
        return next((i for i in self.versions if i.earlier and i.status == "agreed"), None)

    def _ensure_draft(self) -> bool:
        """An editing key on the plan in force starts the next version, a draft copied from
        it, then goes on (on no plan yet, `a` starts the first); on an older version it says
        why nothing happens."""
        if self.editable:
            return True
        if self._first_can_start:
            self.action_new_version()
            return self.editable
        if self._earlier:  # DOMAIN.md §7: a re-referral's new episode has its own plan
            self.notify("This is an earlier episode's plan, read-only: n writes this "
                        "episode's plan; L starts it from the last plan")
            return False
        if not self._next_can_start:
            self.notify("This is an older version, read-only: ] goes to the newest")
            return False
        self.action_new_version(self._current() or 0)
        return self.editable

    def _show(self, cursor: int | None = None) -> None:
        v = self.version
        title = Text()
        title.append(f"{self.child_name}: CIN plan", style="bold")
        if v is None and self.not_started and self.closed:  # TRA, BEX 3; WAR 3.4
            title.append("  ·  none: the case is closed (R on the record re-refers it)")
        elif v is None and self.not_started:
            title.append("  ·  not started: the line manager authorises it first")
            if self._last_plan is not None:  # after a re-referral
                title.append(f"  ·  [ reads the last episode's plan (v{self._last_plan.number})")
        elif v is None and self._last_plan is not None:
            title.append(f"  ·  no plan for this episode yet: n writes one; L starts it from "
                         f"the last plan (v{self._last_plan.number}, [ reads it)")
        elif v is None:
            title.append("  ·  no plan yet: a adds its first need (n starts it empty)")
        else:
            info = next(i for i in self.versions if i.id == v.id)
            title.append(f"  ·  {info.label}")
            newer = [i for i in self.versions if i.number > v.number]
            if info.earlier:
                title.append(f"  ·  ended at {v.ended_where or 'the closure'}: read-only",
                             style="italic")
            elif v.status != "draft" and not newer and self.ended:
                where = ENDED_BY[v.ended_by or "final_meeting"]  # a closure ends it too
                title.append(f"  ·  ended at {where}: no further review", style="italic")
            elif v.status != "draft" and not newer:
                title.append("  ·  agreed: a change (a e r c) starts the next version",
                             style="italic")
            elif v.status != "draft":
                title.append("  ·  read-only", style="italic")
            if newer:
                title.append(f"  ·  newer: v{newer[-1].number} (])")
        self.query_one("#plan-title", Static).update(title)
        self._show_details()
        table = self.query_one("#needs", DataTable)
        table.clear()
        for n in v.needs if v else ():
            kind = "Strength: " if n.kind == "strength" else ""
            column3 = "\n".join(_action_line(a) for a in n.actions) or (
                "" if n.kind == "strength" else "— no actions yet (c) —")
            outcome = n.outcome or ("" if n.kind == "strength" else "— no outcome yet —")
            table.add_row(f"{kind}{n.now}", outcome, column3,
                          rag_badge(n.rag), height=None, key=str(n.key))
        if cursor is not None and v and v.needs:
            table.move_cursor(row=max(0, min(cursor, len(v.needs) - 1)))
        self._show_checks()
        self._show_need_detail()
        self.refresh_bindings()

    def on_resize(self) -> None:
        self._show_details()  # as many details as the box holds at this width

    def _show_details(self) -> None:
        v = self.version
        box = self.query_one("#plan-details", Static)
        box.styles.text_wrap = "wrap" if v is None else "nowrap"  # why, whole, and what next
        if v is None:
            box.update(self.not_started[:1].upper() + self.not_started[1:] + "."
                       if self.not_started else "")
            return
        # One line each, cut with "…" (`i` shows them whole): a detail wrapped over lines
        # pushed the plan's exit (bottom lines, good enough to end: BEX 3, STO 6.3) past the
        # box's foot, unseen. What the box cannot hold is named on its last line.
        rows = self._detail_rows(v)
        # As the CSS's -narrow; a wide screen has a line more for the GCP2's row, so the
        # plan's exit (bottom lines, good enough to end) stays in sight beside it.
        room = (5 if self.app.size.width < 100 else 10) - 1
        shown = rows if len(rows) <= room else rows[:room - 1]
        t = self._details_text(v, shown, whole=False)
        if len(shown) < len(rows):
            t.append(f"\ni shows {len(rows) - len(shown)} more: "
                     + ", ".join(label for label, _ in rows[len(shown):]), style="italic")
        box.update(t)

    def _detail_rows(self, v: PlanVersion) -> list[tuple[str, str]]:
        return [("Objectives", v.objectives), ("Visits", self._visits(v)),
                ("Services", "; ".join(f"{s.name} ({s.purpose})" if s.purpose else s.name
                                       for s in v.services)),
                *self._gcp2_row(v),
                ("Child's views", v.childs_views), ("Lived experience", v.lived_experience),
                ("Bottom lines", v.bottom_lines), ("If not successful", v.if_not_met),
                ("Good enough to end", v.good_enough)]

    def _gcp2_row(self, v: PlanVersion) -> list[tuple[str, str]]:
        """The newest GCP2's grades, and the needs of this version it informed (STO 4.3,
        6.11): a reader of the plan could not see them. None: no row."""
        if not self.gcp2s:
            return []
        f = max(self.gcp2s, key=lambda g: g.on)
        numbers = [str(i) for i, n in enumerate(v.needs, 1) if n.key in f.need_keys]
        needs = (f"; need{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}" if numbers
                 else "; attached to no need of this plan")
        return [("GCP2", f"{day_words(f.on)} by {f.assessor}: {f.describe()} "
                         f"({gcp2_rules.SCALE}){needs}")]

    @staticmethod
    def _details_text(v: PlanVersion, rows: list[tuple[str, str]], *, whole: bool) -> Text:
        counts = v.rag_counts()
        review = day_words(v.next_review) if v.next_review else "—"
        if v.ended_on is not None:  # WIR 3: the final meeting or the closure (in the title)
            review = f"none, the plan ended at {v.ended_where}" if whole else "none, plan ended"
        t = Text()
        t.append(f"Needs: {len(v.needs)} · Red {counts['R']} · Amber {counts['A']} · Green "
                 f"{counts['G']}", style="bold")
        t.append(f"  ·  Next review: {review}  ·  Lead: {v.lead_professional or '—'}")
        for label, value in rows:
            t.append(f"\n{label}: ", style="bold")
            t.append((value or "—") if whole else " ".join((value or "—").split()))
        return t

    def action_all_details(self) -> None:
        """Every detail of the version shown, whole (the box above the needs gives each one
        line, and at 80 columns only the first few): to read, not to edit (`v` edits, and on
        the plan in force starts the next version)."""
        if self.version is None:
            return
        from .help import ReadScreen

        v = self.version
        text = Text(f"CIN plan v{v.number}: its details\n\n", style="bold")
        text.append_text(self._details_text(v, self._detail_rows(v), whole=True))
        self.app.push_screen(ReadScreen(text))

    def _visits(self, v: PlanVersion) -> str:
        """The visit frequency agreed in the plan (BEX 3, TRA), else the policy's."""
        if v.visit_every is not None:
            return f"every {v.visit_every.describe()} (agreed in the plan)"
        ts = self.policy.timescales.get("visit")
        return f"every {ts.describe()} (the policy, {ts.source})" if ts else ""

    def problems(self):
        if self.version is None:
            return []
        from cintui.domain.plan_checks import check_plan
        from cintui.reference import plain_words

        return check_plan(self.version, self.app.today, plain_words.load_plain_words(),
                          child=self.first_name)  # "Mila's views", as the team view says

    def _show_checks(self) -> None:
        found = self.problems()
        box = self.query_one("#checks", Static)
        brief = self.query_one("#checks-brief", Static)
        if self.version is None:
            box.update("")
            brief.update("")
            return
        if not found:
            box.update(Text("✓ No problems: clear, SMART and in plain words.", style="green"))
            brief.update(Text("Plan checks: ✓ no problems", style="green"))
            return
        brief.update(Text.assemble(
            ("Plan checks: ", "bold"), (self._count_words(found), "bold yellow"),
            (" (k lists them)" if len(found) > 1 else ""),
            f" · {found[0].message}", no_wrap=True, overflow="ellipsis"))
        box.update(self._checks_text(found))

    def _count_words(self, found) -> str:
        """"5 to look at"; on an ended plan (WIR 3, TRA), what it lacked then, not a to-do."""
        if self.version is not None and self.version.ended_on is not None:
            return f"{len(found)} lacking when it ended"
        return f"{len(found)} to look at"

    def _checks_text(self, found) -> Text:
        t = Text()
        if self.version is not None and self.version.ended_on is not None:
            t.append(f"{self._count_words(found)} (ended at {self.version.ended_where}: its "
                     "copies are marked as ended, not DRAFT)\n\n", style="bold")
        else:
            t.append(f"{len(found)} to look at (exports carry a DRAFT mark until fixed)\n\n",
                     style="bold")
        for p in found:
            t.append("• ", style="bold yellow")
            t.append(f"{p.message}\n")
        return t

    def action_checks(self) -> None:
        """Every plan check to look at, whatever the width (at 80 columns the panel is one
        line, the first of them); Enter on one opens the form it is fixed in, at its field."""
        if self.version is None:
            return
        found = self.problems()
        if not found:
            from .help import ReadScreen

            self.app.push_screen(ReadScreen(Text.assemble(
                ("Plan checks (WIR 2.3, BEX 3): ", "bold"),
                ("✓ No problems: clear, SMART and in plain words.", "green"))))
            return
        self.app.push_screen(PlanChecksScreen(found, self.version.ended_where), self._fix)

    def _fix(self, problem: PlanProblem | None) -> None:
        """The form a plan check is fixed in, at its field: the plan's details, the need
        (columns 1 and 2, its evidence) or its actions (column 3: the action's own form)."""
        if problem is None or not self._ensure_draft():
            return
        if problem.field == "needs":
            self.action_add_need()
            return
        if problem.need is None:
            self.app.push_screen(self._on_record(DetailsFormScreen(
                self.version, self.app.today, self._by, self.policy, at=problem.field,
                packages=self.packages, meeting=self.minuted)),
                self._after_form)
            return
        self.query_one("#needs", DataTable).move_cursor(row=problem.need)
        if problem.action is not None or problem.field == "actions":
            self.app.push_screen(self._on_record(ActionsScreen(
                self.version, problem.need, self.app.today, self._by, self.people,
                fix=(problem.action, problem.field))), self._after_form)
            return
        self.app.push_screen(self._on_record(NeedFormScreen(
            self.version, problem.need, self.app.today, self._by, at=problem.field)),
            self._after_form)

    def _show_need_detail(self) -> None:
        i = self._current()
        box = self.query_one("#need-detail", HangingLines)
        if i is None:
            box.show([Text("" if self.version is None else "No needs yet: press a to add one.")])
            return
        n = self.version.needs[i]
        label = f"Need {i + 1}:"  # the evidence, then each rating, wrap under their words
        t = Hanging([(label, f"evidence: {n.evidence or '—'}")], width=len(label) + 1)
        graded = gcp2_rules.for_need(self.gcp2s, n.key)  # the grades that informed it
        gcp2 = [("", gcp2_rules.need_line(graded[0], graded[1:]))] if graded else []
        ratings = []
        for h in n.rag_history:
            move = f"{RAG_NAMES[h.previous]} → {RAG_NAMES[h.rating]}" if h.previous else \
                f"rated {RAG_NAMES[h.rating]}"
            extra = "; ".join(x for x in (
                h.reason, f"maintained {h.maintained_for}" if h.maintained_for else "",
                f"agreed: {h.agreed_at}" if h.agreed_at else "",
                f"CP discussion: {h.cp_discussion}" if h.cp_discussion else "") if x)
            ratings.append(("", f"{day_words(h.on)} {move}" + (f" by {h.by}" if h.by else "")
                            + (f" — {extra}" if extra else "")))
        box.show([t, *gcp2, *ratings], width=2, label_style="")

    def _current(self) -> int | None:
        if self.version is None or not self.version.needs:
            return None
        return self.query_one("#needs", DataTable).cursor_row

    def on_data_table_row_highlighted(self) -> None:
        self._show_need_detail()

    def on_data_table_row_selected(self) -> None:
        self.action_edit_need()

    # ------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if (as_read := self.keys_as_read(action)) is not None:
            return as_read
        if action in EDITING:
            if self.editable or (action != "agree" and self._next_can_start):
                return True
            if action == "add_need" and self._first_can_start:
                return True  # the first need starts the plan: no n first (or says why not)
            return None  # shown greyed on a read-only version
        if action == "export":
            return self.version is not None
        if action == "what_changed":
            return self.version is not None and self.version.number > 1
        return True

    def _need_required(self) -> int | None:
        i = self._current()
        if i is None:
            self.notify("No need chosen: press a to add one")
        return i

    def _after_form(self, result) -> None:
        if result:
            self.load(self.version_id, self._current())

    @property
    def _by(self) -> str:
        """Who rates and edits, by name (a rating's `by`, as the chronology, the minutes and
        the demo say it: "rated Amber by Sam Reed", never a login); the login where the
        store has no worker by it."""
        login = getattr(self.app, "worker", None) or self.app.actor
        if self._by_for != login:
            with self.app.store.read() as session:
                self._by_name = cases.author(session, login)[1]
            self._by_for = login
        return self._by_name

    def _on_record(self, form):
        """A form or screen over this child's plan, told whose it is: a form keeps what is
        typed on the child's record as it is typed (`FormScreen.KEEP_TYPED`)."""
        form.child_id = self.child_id
        return form

    def action_add_need(self) -> None:
        if not self._ensure_draft():
            return
        self.app.push_screen(self._on_record(NeedFormScreen(self.version, None, self.app.today,
                                                            self._by, self.people)),
                             lambda r: r and self.load(self.version_id, len(self.version.needs)))

    def action_edit_need(self) -> None:
        if not self._ensure_draft():
            return
        i = self._need_required()
        if i is not None:
            self.app.push_screen(self._on_record(NeedFormScreen(self.version, i, self.app.today,
                                                                self._by)),
                                 self._after_form)

    def action_rate(self) -> None:
        if not self._ensure_draft():
            return
        i = self._need_required()
        if i is not None:
            before = self.version.needs[i].rag
            self.app.push_screen(self._on_record(RateFormScreen(self.version, i, self.app.today,
                                                                self._by)),
                                 lambda result: self._after_rating(result, i, before))

    def _after_rating(self, result, i: int, before: str) -> None:
        self._after_form(result)
        after = getattr(result, "needs", None)
        if after and i < len(after) and (prompt := red_prompt(before, after[i].rag)):
            self.notify(f"{prompt} Press b.", severity="warning", timeout=10)

    def action_early_review(self) -> None:
        """BEX 3: bring the review forward after a significant change."""
        from cintui.casework import meetings

        from .meeting_forms import EarlyReviewFormScreen

        with self.app.store.read() as session:
            due = meetings.review_due(session, self.child_id, self.app.today)
        self.app.push_screen(EarlyReviewFormScreen(self.child_id, due), self._early_saved)

    def _early_saved(self, result) -> None:
        if result:
            self.notify("Review brought forward: the review is due then (BEX 3); book it "
                        "from the child's Meetings tab (m).")

    def action_actions(self) -> None:
        if not self._ensure_draft():
            return
        i = self._need_required()
        if i is not None:
            self.app.push_screen(self._on_record(ActionsScreen(self.version, i, self.app.today,
                                                               self._by, self.people)),
                                 self._after_form)

    def action_details(self) -> None:
        if not self._ensure_draft():
            return
        self.app.push_screen(self._on_record(DetailsFormScreen(
            self.version, self.app.today, self._by, self.policy, packages=self.packages,
            meeting=self.minuted)),
                             self._after_form)

    def action_agree(self) -> None:
        self.app.push_screen(self._on_record(AgreeFormScreen(
            self.version, self.app.today, self._by, len(self.problems()), self.minuted)),
                             self._after_form)

    def action_delete_need(self) -> None:
        if not self._ensure_draft():
            return
        i = self._need_required()
        if i is None:
            return
        need = self.version.needs[i]

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._save(replace(self.version, needs=tuple(
                    n for j, n in enumerate(self.version.needs) if j != i)), i)

        self.app.push_screen(ConfirmScreen(f"Delete need {i + 1} from this draft? "
                                           f"“{need.now[:80]}”"), confirmed)

    def action_move_need(self, step: int) -> None:
        if not self._ensure_draft():
            return
        i = self._current()
        needs = list(self.version.needs) if self.version else []
        if i is None or not 0 <= i + step < len(needs):
            return
        needs[i], needs[i + step] = needs[i + step], needs[i]
        self._save(replace(self.version, needs=tuple(needs)), i + step)

    def _save(self, new: PlanVersion, cursor: int | None) -> None:
        app = self.app
        try:
            with app.store.session(app.actor) as session:
                plans.save_draft(session, new.id, new, app.today, by=self._by)
        except ValueError as exc:
            self.notify(f"Not saved: {exc}", severity="error")
            return
        self.load(self.version_id, cursor)

    def action_from_last(self) -> None:
        """This episode's first plan, started from the last episode's (TRA: the family need
        not tell their story again); its needs and ratings are reviewed with them."""
        refused = from_last_refused(self._last_plan is not None,
                                    any(not i.earlier for i in self.versions))
        if refused is not None:  # the words `plan draft --from-last` says
            self.notify(first_upper(refused))
            return
        self.action_new_version(from_last=True)

    def action_new_version(self, cursor: int = 0, from_last: bool = False) -> None:
        app = self.app
        last = self._last_plan
        try:
            with app.store.session(app.actor) as session:
                vid = plans.start_version(session, self.child_id, app.today, by=self._by,
                                          from_last=from_last)
        except (plans.PlanNotStarted, plans.PlanEnded) as exc:
            # Said where the plan's details are, whole: no draft opened.
            not_started = isinstance(exc, plans.PlanNotStarted)
            said = ("Not started, nothing written" if not_started and not self.closed
                    else "Nothing written")
            # Why, in words for who is using the app: a worker is told who authorises it.
            why = self.not_started if not_started and self.not_started else exc.problem
            box = self.query_one("#plan-details", Static)
            box.styles.text_wrap = "wrap"
            box.update(Text(f"{said}: {why}.", style="bold red"))
            self.app.bell()
            return
        self.load(vid, cursor)
        number = self.version.number
        if last is not None:  # DOMAIN.md §7: the new episode's own plan
            self.notify(f"Version {number}: this episode's plan, a draft to edit, "
                        + (f"started from the last plan (v{last.number})" if from_last else
                           f"new (the last plan, v{last.number}, is in the history: [)"))
        else:
            self.notify("Version 1: the child's first plan, a draft to edit" if number == 1
                        else f"Version {number}: a draft to edit, started from version "
                        f"{number - 1}")

    def action_other_version(self, step: int) -> None:
        if not self.versions:
            return
        if self.version is None:  # a re-referred child's new episode: [ reads the last plan
            if step > 0:
                self.load(self.versions[0].id, 0)
            return
        order = [v.id for v in self.versions]  # newest first
        i = order.index(self.version.id) + step
        if 0 <= i < len(order):
            self.load(order[i], 0)

    def action_what_changed(self) -> None:
        from cintui.domain.plan_checks import diff_versions

        older = next((v for v in self.versions if v.number == self.version.number - 1), None)
        if older is None:
            return
        with self.app.store.read() as session:
            previous = plans.load_version(session, older.id)
        lines = diff_versions(previous, self.version).summary() or ["Nothing changed."]
        self.notify("\n".join(lines[:12]), title=f"v{older.number} → v{self.version.number}",
                    timeout=12)

    def action_export(self) -> None:
        if self.version is not None:
            self._export(self.version.id)

    @work(thread=True, exclusive=True, group="plan-export")
    def _export(self, version_id: uuid.UUID) -> None:
        """The shown version as PDF (for the family) and DOCX, into the exports folder;
        DRAFT-marked unless it passes every check."""
        from cintui.export import plan as plan_export
        from cintui.reference import config

        app = self.app
        folder = config.exports_dir()
        with app.store.read() as session:
            doc = plans.plan_document(session, self.child_id, app.today, version_id=version_id,
                                      final=True)
        stem = config.unused_stem(folder, f"{doc.child_reference}-plan-v{doc.version.number}")
        written = [plan_export.write(doc, folder / f"{stem}.{fmt}", fmt)
                   for fmt in ("pdf", "docx")]
        mark = (f" (ended at {doc.version.ended_where})" if doc.ended else
                f" (DRAFT: {counted(len(doc.problems), 'check')} to fix)" if doc.problems else "")
        tell_written(self, "Exported" + mark + ":\n" + "\n".join(str(p) for p in written),
                     plan_export.pdf_unshown(doc))

    def action_back(self) -> None:
        self.app.pop_screen()
