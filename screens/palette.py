"""The command palette (Ctrl+P): go to a child, caseload views, My week and the team view,
new visit, book a meeting, who am I, transfer-in, importing a caseload, the monthly reports
and the census return, and the child's record's hidden keys.

The app lists these providers lazily (`CintuiApp.COMMANDS`), so this module and its
imports stay off the first-paint path.
"""

from __future__ import annotations

import asyncio
from functools import partial

from textual import on
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets import Input
from textual.worker import Worker

from cintui.casework.caseload import VIEWS
from cintui.domain.text import folded
from cintui.screens.widgets.plain import plain


def unhyphened(text: str) -> str:
    """A hyphen read as a space, typed or named: "set-up" finds "Set up: ...", "step down"
    "Record: step-down ...", "adebayo whitworth" Adebayo-Whitworth (the fuzzy match wants
    each character typed, in order, in the name)."""
    return text.replace("-", " ")


class TypedAheadPalette(CommandPalette):
    """The palette, with an Enter typed before the search has answered kept until it has:
    "Ctrl+P set up Enter" in one go (a fast typist, a text expander) runs the first command
    found, where Textual's own palette let that Enter do nothing.

    The Enter waits for the search however long it takes (a loaded laptop, a large team's
    children): it once gave up after two seconds, and then did nothing or ran the first of
    an older list. Escape still closes the palette while it waits."""

    _enter_waiting = False  # an Enter was typed before the search it meant had answered

    def _searching(self) -> bool:
        return any(w.group == self._GATHER_COMMANDS_GROUP and not w.is_finished
                   for w in self.workers)

    @on(Input.Submitted)
    def _enter_ahead(self, event: Input.Submitted) -> None:
        """Enter on text with nothing listed yet, or while a search still runs (what is
        listed then is an older search's, e.g. the commands offered before any typing,
        whose first the palette's own Enter would run): wait for the search, then take the
        first it found. (Handled before the palette's own Enter, which then does not run.)"""
        if event.value.strip() and self._selected_command is None and (
                not self._list_visible or self._searching()):
            event.stop()
            event.prevent_default()
            self._enter_waiting = True
            self._take_first_when_found()

    @on(Worker.StateChanged)
    def _search_answered(self, event: Worker.StateChanged) -> None:
        if self._enter_waiting and event.worker.group == self._GATHER_COMMANDS_GROUP:
            self._take_first_when_found()

    def _take_first_when_found(self) -> None:
        if not self._enter_waiting or self._searching():
            return
        self._enter_waiting = False
        if self._list_visible and self._selected_command is None:
            self.query_one(CommandList).highlighted = 0
            self._action_command_list("select")


class ChildCommands(Provider):
    """Ctrl+P "go to child …": fuzzy over name and reference; the worker's own children
    first (the palette orders hits by score: a child of mine scores above any other).

    The children are listed once per palette, in a thread, and every search waits for that
    list without being able to stop it. (Listing them in `startup` let a key typed while it
    ran cancel it with the search Textual cancels: on a loaded laptop "Ctrl+P DEMO00034
    Enter" then found no child at all.)"""

    _listing: asyncio.Future | None = None

    def _children(self) -> asyncio.Future:
        if self._listing is None:
            app = self.app
            self._listing = asyncio.ensure_future(
                asyncio.to_thread(app.child_index) if app.has_store else asyncio.sleep(0, []))
        return self._listing

    async def startup(self) -> None:
        self._children()  # started as the palette opens, not awaited here

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(unhyphened(query))
        children = await asyncio.shield(self._children())  # a cancelled search leaves it
        for child_id, label, mine in children:
            # "zoe" finds Zoë, "lukasiewicz" Łukasiewicz: as typed on an English keyboard
            score = max(matcher.match(unhyphened(label)), matcher.match(folded(label)))
            if score > 0:
                yield Hit(score + (1.0 if mine else 0.0),
                          matcher.highlight(f"Go to child {plain(label)}"),
                          partial(self.app.open_child, child_id),
                          help="Open the child's record" + (" (your caseload)" if mine else ""))


# The child's record's keys kept off its footer (it is full at 120 columns): the palette
# lists them, and runs them on the record on screen (DOMAIN.md §7).
RECORD_COMMANDS = (
    ("case steps (K)", "case_steps", "Referral, decision, assessment, authorisation, plan, "
     "support (WAR 4.4, TRA, WIR 1.1)"),
    ("decision (D)", "decision", "Record a manager's decision with its rationale (BEX 4)"),
    ("closure (C)", "closure", "Recommend, decide, tell the family, close (TRA, BEX 3)"),
    ("step-down to early help (S)", "step_down", "Step down to a Level 3 service (WIR 3)"),
    ("transfer to another authority (T)", "transfer", "Transfer the case out (BEX 4)"),
    ("re-refer (R)", "rerefer", "Open a new episode for a closed child (WAR 3.4)"),
    ("restrict to named workers (L)", "restrict", "A manager restricts the record: on a team "
     "server only the workers named see it"),
    ("bring the review forward (B)", "early_review",
     "An early review after a significant change in the family's circumstances (BEX 3)"),
    ("Family Group Conference (F)", "fgc",
     "Refer the family, the family's own plan joined to the CIN plan (WAR 4.2, STO 6.13)"),
    ("Signs of Safety map (M)", "signs_of_safety",
     "The plan as worries / working well / needs to happen; danger statements, safety goals, "
     "scaling (STO 6.3)"),
    ("Graded Care Profile 2 (G)", "gcp2",
     "Grades 1-5 per area and your summary, attached to needs; grades over time (STO 7.1)"),
    ("supervision and case direction (U)", "supervision",
     "A manager's supervision: decisions, actions, next due (STO 4.5, 8.5; WAR 12)"),
    ("short breaks and direct payments (H)", "short_breaks",
     "A disabled child's short breaks and direct payments, reviewed (WAR 7, 7.2.1)"),
    ("non-engagement by the family (N)", "non_engagement",
     "The steps with a family who is uncooperative, as a guided path (WIR 2.10)"),
)


class WorkCommands(Provider):
    """Ctrl+P: switch caseload view; new visit / new meeting."""

    def commands(self) -> list[tuple[str, object, str]]:
        app = self.app
        out = [(f"Caseload view: {label}", partial(app.switch_view, key),
                "Switch the caseload's view") for key, label in VIEWS.items()]
        out += [
            ("My week", app.action_my_week, "Everything due or overdue for my children (F3)"),
            ("Team view", app.action_team, "Each worker's caseload, overdue items and "
             "timeliness, for a team manager (F4)"),
            ("New visit", partial(new_visit, app), "Record a statutory visit for the child on screen"),
            ("Book a meeting", partial(book_meeting, app), "Book a CIN meeting for the child on screen"),
            ("Who am I: choose worker", partial(choose_worker, app),
             "Change the worker using cintui"),
            ("Set up: authority, teams and workers", partial(set_up, app),
             "Your authority, its teams and managers, the workers who use cintui"),
            ("Transfer-in: import a transfer pack", partial(import_transfer_pack, app),
             "Create a child from another authority's transfer pack (BEX 4)"),
            ("Import a caseload (CSV)", partial(import_caseload, app),
             "Bring the team's caseload over from LCS, Mosaic or a spreadsheet"),
            ("Export CIN status for partners", partial(export_cin_status, app),
             "Children on a CIN plan, for the police, GPs and schools (STO 4.5); audited"),
            ("Report: compliance (timescales kept, last full month)",
             partial(export_report, app, "compliance"),
             "Visits, reviews, minutes, initial meetings, plans passing their checks, per "
             "team and worker; to a Markdown, CSV or JSON file (cintui report compliance)"),
            ("Report: performance (financial year to date)",
             partial(export_report, app, "performance"),
             "Referrals, closures, step-downs, re-referrals, caseloads; to a Markdown, CSV "
             "or JSON file (cintui report performance)"),
            ("Census: children to clear before the return (team view)",
             partial(census_checks, app),
             "Per worker, who would be left out of the CIN census or queried, and what to "
             "fix (cintui report census)"),
            ("Census: export the CIN census return (XML)", partial(export_census, app),
             "The DfE return for a collection year, checked against its schema "
             "(cintui export census)"),
            ("Subject access: everything held about the child", partial(subject_access, app),
             "The child on screen and their family: records and history as a PDF and a "
             "JSON; who asked is recorded (UK GDPR Art. 15)"),
            ("Retention: closed records due for review", partial(retention, app),
             "Closed records past the policy's retention; a manager erases them (PRIV 1)"),
            ("Sync this laptop with the team server", partial(app.action_laptop, "sync"),
             "Send what this laptop recorded, bring down what changed (F5)"),
            ("Sync conflicts to resolve", partial(app.action_laptop, "conflicts"),
             "Changes the team server could not take as they were: keep yours or take "
             "theirs, field by field (F6)"),
        ]
        out += [(f"Record: {label}", partial(on_record, app, action), help_text)
                for label, action, help_text in RECORD_COMMANDS]
        return out

    async def discover(self) -> Hits:
        for text, callback, help_text in self.commands():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(unhyphened(query))
        typed = query.strip().lower()
        for text, callback, help_text in self.commands():
            score = matcher.match(unhyphened(text))
            if score > 0:
                # A command whose name starts with the words typed first: "import" is
                # "Import a caseload", not "Transfer-in: import a transfer pack" (a tie).
                first = 1.0 if typed and text.lower().startswith(typed) else 0.0
                yield Hit(score + first, matcher.highlight(text), callback, help=help_text)


def on_record(app, action: str) -> None:
    """A record command from the palette: on the child's record, or for the child
    highlighted on the caseload (their record opens, then the command runs there)."""
    run = getattr(app.screen, f"action_{action}", None)
    if run is not None and getattr(app.screen, "child_id", None) is not None:
        run()
        return
    chosen = getattr(app.screen, "selected_child_id", None)
    if chosen is None:
        app.notify("Choose a child first (on the caseload or their record)")
        return
    app.push_screen(app.make_screen("child", child_id=chosen, then=action))


def choose_worker(app) -> None:
    """On a team server you are who you logged in as (issue 18): there is no one to choose."""
    server = app.store.server if app.has_store and app.store is not None else None
    if server is not None:
        app.notify(f"On the team server you are who you logged in as: {server.login}")
        return
    app.choose_worker()


def new_visit(app) -> None:
    child_id = getattr(app.screen, "child_id", None) or getattr(
        app.screen, "selected_child_id", None)
    if child_id is None:
        app.notify("Choose a child first (on the caseload or their record)")
        return
    app.open_visit(child_id)


def import_transfer_pack(app) -> None:
    """BEX 4: the receiving worker imports a pack; the new child's record opens, with
    the transfer-in meeting's due date."""
    if not app.has_store:
        app.notify("Open a store first")
        return

    def imported(child) -> None:
        if not isinstance(child, tuple):
            return  # cancelled
        child_id, reference, name, notes = child
        app.notify(" ".join((f"Imported {name} ({reference}): hold the transfer-in meeting "
                             "within 20 working days of the move (BEX 4); it is on their "
                             "Summary and My week.", *notes)), timeout=8)
        app.open_child(child_id)

    app.push_screen(app.make_screen("transfer_in"), imported)


def set_up(app) -> None:
    """The set-up screen: the authority, teams and workers (unless it is on top already)."""
    if app.has_store and type(app.screen).__name__ != "AdminScreen":
        app.push_screen(app.make_screen("admin"))


def import_caseload(app) -> None:
    """A team's existing caseload from a CSV, all or nothing; the caseload then lists it."""
    if not app.has_store:
        app.notify("Open a store first")
        return

    def imported(count) -> None:
        if count is not None:
            app.notify(f"Imported {count} children: their clocks run from the imported "
                       "dates (My week, F3).", timeout=8)

    app.push_screen(app.make_screen("caseload_import"), imported)


def export_cin_status(app) -> None:
    """STO 4.5: the CIN status for partners, written and recorded in the audit trail."""
    if not app.has_store:
        app.notify("Open a store first")
        return

    def written(count) -> None:
        if count:
            n = 0 if count == -1 else count
            app.notify(f"Exported the CIN status of {n} children (in the audit trail).")

    app.push_screen(app.make_screen("partners_export"), written)


def export_report(app, kind: str) -> None:
    """A monthly report (compliance, performance) to a file, as `cintui report KIND` writes
    it; the notice says where it went."""
    if not app.has_store:
        app.notify("Open a store first")
        return

    def written(said) -> None:
        if isinstance(said, str):
            app.notify(said, timeout=10)

    app.push_screen(app.make_screen("report_export", kind=kind), written)


def export_census(app) -> None:
    """The DfE CIN census return to a file, as `cintui export census` writes it."""
    if not app.has_store:
        app.notify("Open a store first")
        return

    def written(said) -> None:
        if isinstance(said, str):
            app.notify(said, timeout=10)

    app.push_screen(app.make_screen("census_export"), written)


def census_checks(app) -> None:
    """The team view, whose CIN census section lists per worker the children to clear
    before the return (Enter on a worker: what to fix), as `cintui report census`."""
    if not app.has_store:
        return
    if type(app.screen).__name__ != "TeamScreen":
        app.action_team()
    app.call_after_refresh(_census_focused, app)


def _census_focused(app) -> None:
    found = app.screen.query("#census")
    if found:
        found.first().focus()


def subject_access(app) -> None:
    """Issue 24: a subject access export for the child on screen (their record, or the one
    chosen on the caseload)."""
    child_id = getattr(app.screen, "child_id", None) or getattr(
        app.screen, "selected_child_id", None)
    if child_id is None or not app.has_store:
        app.notify("Choose a child first (on the caseload or their record)")
        return

    def written(path) -> None:
        if path:
            app.notify(f"Subject access written to {path} and its JSON (in the audit trail).",
                       timeout=8)

    app.push_screen(app.make_screen("subject_access", child_id=child_id), written)


def retention(app) -> None:
    if app.has_store and type(app.screen).__name__ != "RetentionScreen":
        app.push_screen(app.make_screen("retention"))


def book_meeting(app) -> None:
    screen = app.screen
    if not hasattr(screen, "action_book_meeting"):
        app.notify("Open a child's record first, then book the meeting (m)")
        return
    screen.action_book_meeting()
