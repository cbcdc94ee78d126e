"""A laptop that works offline (issue 19): where it stands, always in the header, and F5 to
sync with the team server.

On a laptop replica (`cintui sync setup`) the header's first words are where it stands: when
it last synced, changes waiting to be sent, conflicts to resolve (F6 opens them); a laptop
not synced for the policy's working days (`[sync] overdue_after_working_days`, default 2)
says so in capitals. The wording shortens to fit the width; a store that is not a replica
shows nothing of this. The standing is read again whenever the store has saved something.

F5 runs one sync in a worker thread, its steps in the header as they happen, then says what
changed (sent, brought down, cases that left the laptop, new conflicts) and refreshes the
screen. A password the team server needs and libpq cannot find is asked for in a box and
used for that one sync only, never kept. A dropped connection is one line; nothing was
half-done and the app goes on. A sync that failed (offline: two lines, "Not synced: cannot
reach the team server…") is said in a notice that goes as others do, and in the header,
with when, until one finishes.

The app is not changed for the header (`cintui/app.py` is at its size limit): `watch(app)`,
called by the caseload (the first screen once the store is open), starts it.
"""

from __future__ import annotations

import importlib
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cintui.domain import laptop as rules

if TYPE_CHECKING:
    from cintui.casework import laptop as offline_module

CHECK_SECONDS = 1.0  # how often the header looks for a save, a new minute or a new width
CHROME = 18  # the header's icon and clock space, either side of its title
SUMMARY_SECONDS = 12  # what a sync changed (cases that left the laptop): time to read it


def _offline():
    """The use case, imported when the store is open (the caseload's first paint on a
    server loads no ORM: tests/screens/test_server_caseload.py)."""
    return importlib.import_module("cintui.casework.laptop")


class LaptopStatus:
    """The header's account of the laptop, kept up to date (see the module)."""

    def __init__(self, app) -> None:
        self.app = app
        self.where: offline_module.Where | None = None
        self.commits = -1
        self.busy = ""  # the step a running sync is at
        self.running = False
        self.timer = app.set_interval(CHECK_SECONDS, self.check, name="laptop-status")

    @property
    def replica(self) -> bool:
        return self.where is not None and self.where.standing.replica

    def check(self) -> None:
        store = self.app._full.store
        if store is None:  # still opening, or locked
            return
        if self.where is None or store.commits != self.commits:
            self.commits = store.commits
            offline = _offline()
            try:
                self.where = offline.where(store)
            except Exception:  # noqa: BLE001 - a store that cannot say is not a laptop's
                self.where = offline.NOT_A_LAPTOP
            if not self.replica:  # a store does not become a replica while it is open
                self.timer.stop()
        self.show()

    def show(self) -> None:
        if not self.replica:
            return
        app = self.app
        who = f"cintui · {app.worker}" if app.worker else "cintui"
        room = app.size.width - CHROME
        if self.busy:
            title = f"Syncing: {self.busy}…"
        else:
            assert self.where is not None
            lines = self.where.header_lines(app.today)
            # Where the laptop stands and who you are, as long as both fit; at 80 columns
            # the login alone (it said nothing of who you were there), never at the cost
            # of the conflicts' key (the shortest line); with no room for both, where the
            # laptop stands comes first.
            tries = [(line, who) for line in lines]
            tries += [(line, app.worker) for line in lines[:-1] if app.worker]
            title, who = next(((line, name) for line, name in tries
                               if len(line) + 3 + len(name) <= room),
                              (rules.fitting(lines, room), ""))
        if app.title != title:
            app.title = title
        if app.sub_title != who:
            app.sub_title = who

    # ------------------------------------------------------------------ a sync

    def progress(self, text: str) -> None:
        self.busy = text
        self.show()

    def finished(self, message: str, *, severity: str = "information",
                 left: bool = False) -> None:
        self.running, self.busy = False, ""
        self.commits = -1  # read the standing again
        self.check()
        # A sync that failed is in the header until one finishes: its notice lives no
        # longer than any other (it stayed 12 seconds over the record).
        self.app.notify(message, severity=severity, timeout=SUMMARY_SECONDS
                        if severity == "information" else self.app.NOTIFICATION_TIMEOUT)
        refresh(self.app, left)


def watch(app) -> LaptopStatus:
    """Start keeping the header (once): called when the store has been opened."""
    status = getattr(app, "laptop_status", None)
    if status is None:
        status = app.laptop_status = LaptopStatus(app)
    status.check()
    return status


def refresh(app, left: bool = False) -> None:
    """The screen in front shows the store as it is after a sync; a child's screen whose
    case left the laptop goes, back to the caseload."""
    caseload = app._caseload()
    if left and caseload is not None:
        shown = {s.child_id for s in app.screen_stack if getattr(s, "child_id", None)}
        if shown - _offline().present(app.store, shown):
            while app.screen is not caseload:
                app.pop_screen()
    for name in ("reload", "load"):
        method = getattr(app.screen, name, None)
        if callable(method):
            try:
                method()
            except Exception:  # noqa: BLE001 - the record is no longer here
                if caseload is not None:
                    while app.screen is not caseload:
                        app.pop_screen()
                    caseload.reload()
            return


def _replica(app) -> LaptopStatus | None:
    if not app.has_store:
        return None
    offline = _offline()
    status = watch(app)
    if status.where is None:
        status.where = offline.where(app.store)
    if not status.replica:
        app.notify(offline.NOT_A_REPLICA[0].upper() + offline.NOT_A_REPLICA[1:],
                   severity="warning")
        return None
    return status


def sync(app) -> None:
    """F5: one sync with the team server, in a worker thread."""
    status = _replica(app)
    if status is None:
        return
    if status.running:
        app.notify("A sync is already running: its steps are in the header.")
        return
    status.running = True
    _start(app, status, None)


def conflicts(app) -> None:
    """F6: the conflicts to resolve, field by field."""
    if _replica(app) is not None and type(app.screen).__name__ != "SyncConflictsScreen":
        app.push_screen(app.make_screen("sync_conflicts"))


def _start(app, status: LaptopStatus, password: str | None) -> None:
    status.progress("Connecting to the team server")
    app.run_worker(partial(_work, app, status, password), thread=True, group="laptop-sync",
                   exit_on_error=False, name="sync")


def _work(app, status: LaptopStatus, password: str | None) -> None:
    def progress(text: str) -> None:
        app.call_from_thread(status.progress, text)

    from cintui.casework.lookup import CaseworkError
    from cintui.store.base import said

    offline = _offline()
    try:
        result = offline.run(app.store, today=app.today, password=password, progress=progress)
    except offline.PasswordNeeded as exc:
        app.call_from_thread(_ask, app, status, exc)
        return
    except offline.SyncFailed as exc:
        app.call_from_thread(status.finished, exc.brief, severity="error")
        return
    except CaseworkError as exc:
        app.call_from_thread(status.finished, str(exc), severity="error")
        return
    except Exception as exc:  # noqa: BLE001 - the app goes on; the store said why
        text = str(exc).strip()
        line = said(exc) or (text.splitlines()[0] if text else type(exc).__name__)
        app.call_from_thread(status.finished, f"the sync did not finish ({line}); nothing "
                             "was half-done", severity="error")
        return
    app.call_from_thread(partial(status.finished, offline.summary(result),
                                 left=bool(result.left)))


def _ask(app, status: LaptopStatus, need: offline_module.PasswordNeeded) -> None:
    status.progress("Waiting for your password")

    def answered(password: str | None) -> None:
        if password:
            _start(app, status, password)
        else:
            status.finished("No sync: nothing was sent or brought down.", severity="warning")

    app.push_screen(PasswordScreen(need.login, need.problem), answered)


class PasswordScreen(ModalScreen[str | None]):
    """The team server's password for your login, for this one sync: never kept (put it in
    ~/.pgpass to be asked no more)."""

    DEFAULT_CSS = """
    PasswordScreen { align: center middle; }
    PasswordScreen Vertical { width: 64; height: auto; padding: 1 2; border: round $primary;
                              background: $surface; }
    PasswordScreen #problem { color: $warning; }
    PasswordScreen #note { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel the sync")]

    def __init__(self, login: str, problem: str) -> None:
        super().__init__()
        self.login = login
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Password for {self.login} on the team server[/b]", id="title")
            yield Static(self.problem[0].upper() + self.problem[1:] + ".", id="problem")
            yield Input(placeholder="Password", password=True, id="password")
            yield Static("Used for this sync only, never kept. Enter: sync; Esc: cancel.",
                         id="note")

    def on_mount(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def submitted(self, event: Input.Submitted) -> None:
        if event.value:
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
