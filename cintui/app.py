"""The Textual app: routing between screens, global bindings, the store it has open.

Kept small on purpose (ARCHITECTURE.md): each screen owns its own state and handlers.
Screens are imported by name when first shown, which keeps them off the first-paint path
and keeps `cintui.app` below `cintui.screens` in the layer contract.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import threading
import uuid
from datetime import date, datetime
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message
from textual.screen import Screen

from cintui.reference import config
from cintui.store import access

SCREENS = {
    "welcome": ("cintui.screens.welcome", "WelcomeScreen"),
    "unlock": ("cintui.screens.unlock", "UnlockScreen"),
    "who": ("cintui.screens.who", "WhoScreen"),
    "caseload": ("cintui.screens.caseload", "CaseloadScreen"),
    "child": ("cintui.screens.child", "ChildScreen"),
    "child_form": ("cintui.screens.forms", "ChildFormScreen"),
    "plan": ("cintui.screens.plan", "PlanScreen"),
    "visit_form": ("cintui.screens.visit", "VisitFormScreen"),
    "visit_view": ("cintui.screens.visit", "VisitViewScreen"),
    "minuting": ("cintui.screens.minuting", "MinutingScreen"),
    "minutes_view": ("cintui.screens.minuting", "MinutesViewScreen"),
    "my_week": ("cintui.screens.my_week", "MyWeekScreen"),
    "team": ("cintui.screens.team", "TeamScreen"),
    "transfer_in": ("cintui.screens.transfer", "TransferInFormScreen"),
    "closure": ("cintui.screens.endings", "ClosureScreen"),
    "step_down": ("cintui.screens.transfer", "StepDownScreen"),
}
UNENCRYPTED = "UNENCRYPTED STORE"
VIEWS = {"mine": "My caseload", "team": "My team", "everyone": "Everyone"}


_frozen = threading.Event()


def _freeze_startup_objects() -> None:
    """Take what is alive once the app has started (modules, the ORM's metadata, the
    caseload), which lives as long as the app, out of the collector's full passes: they
    otherwise walk it all, 80-180 ms pauses on a 5,000-child store (bench/child_open.py).
    Once per process (tests run many apps in one)."""
    if not _frozen.is_set():
        _frozen.set()
        gc.freeze()


class StoreOpened(Message):
    """A screen opened or created the store; the app takes it from here."""

    def __init__(self, store) -> None:
        super().__init__()
        self.store = store


class ReaderOpened(Message):
    """The passphrase is right and the schema current: the first screen can read.

    The full store (ORM, writes) is opened in the background meanwhile (`CintuiApp.store`
    waits for it if something needs it first)."""

    def __init__(self, reader, passphrase: str | None) -> None:
        super().__init__()
        self.reader = reader
        self.passphrase = passphrase


class WorkerChosen(Message):
    """The person using cintui said who they are (None: not one of the store's workers)."""

    def __init__(self, username: str | None) -> None:
        super().__init__()
        self.username = username


class ChildCommands(Provider):
    """Ctrl+P "go to child …": fuzzy over name and reference."""

    async def startup(self) -> None:
        app = self.app
        self.children = await asyncio.to_thread(app.child_index) if app.has_store else []

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for child_id, label in self.children:
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(f"Go to child {label}"),
                          partial(self.app.open_child, child_id), help="Open the child's record")


# The child's record's keys kept off its footer (it is full at 120 columns): the palette
# lists them, and runs them on the record on screen (DOMAIN.md §7).
RECORD_COMMANDS = (
    ("decision (D)", "decision", "Record a manager's decision with its rationale (BEX 4)"),
    ("closure (C)", "closure", "Recommend, decide, tell the family, close (TRA, BEX 3)"),
    ("step-down to early help (S)", "step_down", "Step down to a Level 3 service (WIR 3)"),
    ("transfer to another authority (T)", "transfer", "Transfer the case out (BEX 4)"),
    ("re-refer (R)", "rerefer", "Open a new episode for a closed child (WAR 3.4)"),
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
            ("New visit", app.new_visit, "Record a statutory visit for the child on screen"),
            ("Book a meeting", app.book_meeting, "Book a CIN meeting for the child on screen"),
            ("Who am I: choose worker", app.choose_worker, "Change the worker using cintui"),
            ("Transfer-in: import a transfer pack", app.import_transfer_pack,
             "Create a child from another authority's transfer pack (BEX 4)"),
        ]
        out += [(f"Record: {label}", partial(app.on_record, action), help_text)
                for label, action, help_text in RECORD_COMMANDS]
        return out

    async def discover(self) -> Hits:
        for text, callback, help_text in self.commands():
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self.commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)


class CintuiApp(App):
    TITLE = "cintui"
    COMMANDS = App.COMMANDS | {ChildCommands, WorkCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f2", "toggle_dark", "Light/dark"),
        Binding("f3", "my_week", "My week"),
        Binding("f4", "team", "Team"),
    ]

    def __init__(self, location: access.StoreLocation, *, encrypt: bool = True,
                 today: date | None = None, worker: str | None = None,
                 now: datetime | None = None) -> None:
        super().__init__()
        self._now = now  # a fixed clock (tests, demos); else the real one
        self.location = location
        self.encrypt = encrypt
        self.today = today or date.today()
        self._store = None
        self._store_ready = threading.Event()
        self._store_ready.set()  # nothing to wait for until a background open starts
        self.reader = None  # the first-paint reader (cintui.store.fast), if used
        self._pending_passphrase: str | None = None
        self._store_opening = False
        self.requested_worker = worker
        self.worker: str | None = None  # username of the worker using cintui, if known
        self.actor = access.current_actor()
        theme = config.load_settings().get("theme")
        if theme in ("textual-dark", "textual-light"):
            self.theme = theme

    def clock(self, *, seconds: bool = False) -> datetime:
        """Now, as a wall-clock time (to the minute unless `seconds`); on `today` when that
        is set apart; the fixed time when the app was given one."""
        if self._now is not None:
            return self._now
        real = datetime.now().replace(microsecond=0)
        if not seconds:
            real = real.replace(second=0)
        return real if real.date() == self.today else datetime.combine(self.today, real.time())

    def make_screen(self, name: str, **kwargs):
        module, cls = SCREENS[name]
        return getattr(importlib.import_module(module), cls)(**kwargs)

    def on_mount(self) -> None:
        self.sub_title = self.location.describe()
        loc = self.location
        if loc.url is None and not loc.exists():
            self.push_screen(self.make_screen("welcome"))
        elif loc.is_encrypted():
            self.push_screen(self.make_screen("unlock", passphrase=access.env_passphrase()))
        else:
            self.push_screen(self.make_screen("unlock", passphrase=None, plain=True))

    # ---------------------------------------------------------------- store and worker

    @property
    def store(self):
        """The open store; waits if it is still being opened in the background."""
        if not self._store_ready.is_set():
            self.open_store_soon()
            self._store_ready.wait(timeout=60)
        return self._store

    @store.setter
    def store(self, value) -> None:
        self._store = value

    def on_store_opened(self, message: StoreOpened) -> None:
        from cintui.casework import cases

        self.store = message.store
        with self.store.read() as session:
            workers = cases.list_workers(session)
            demo = cases.is_demo_store(session)
        self._start(workers, demo, encrypted=self.store.encrypted)

    def on_reader_opened(self, message: ReaderOpened) -> None:
        from cintui.domain.workforce import WorkerSummary
        from cintui.store import fast

        self.reader = message.reader
        self._store_ready.clear()
        self._pending_passphrase = message.passphrase
        wanted = self.requested_worker or config.load_settings().get("worker")
        if wanted and self.reader.rows(fast.WORKER_EXISTS_SQL, {"username": wanted}):
            workers = [WorkerSummary(wanted, "", "", "", 0)]  # known: no need to list them all
            demo = False
        else:
            workers = [WorkerSummary(u, n, r, t or "", c or 0)
                       for u, n, r, t, c in self.reader.rows(fast.WORKERS_SQL)]
            demo = self.reader.rows(fast.DEMO_SQL)[0][0] > 0
        self._start(workers, demo, encrypted=self.reader.encrypted)

    def open_store_soon(self) -> None:
        """Open the full store in the background, once (after the first screen has painted:
        its imports would otherwise compete with the paint for the interpreter)."""
        if self._store_ready.is_set() or self._store_opening:
            return
        self._store_opening = True
        # A plain thread, not a Textual worker: it must start even while the UI thread is
        # the one waiting for it (`store` blocks until it is open).
        threading.Thread(target=self._open_full_store, name="open-store", daemon=True).start()

    def _open_full_store(self) -> None:
        try:
            self._store = access.open_location(self.location, self._pending_passphrase)
            _freeze_startup_objects()
        finally:
            self._pending_passphrase = None
            self._store_ready.set()

    # ---------------------------------------------------------------- screens

    def push_screen(self, screen, *args, **kwargs):
        if isinstance(screen, Screen):
            self._hold_gc_until_painted(screen)
        return super().push_screen(screen, *args, **kwargs)

    def _hold_gc_until_painted(self, screen: Screen) -> None:
        """No cyclic garbage collection while a screen builds and paints its first frame.

        A new screen allocates thousands of widgets, styles and strips, which sets off
        collections; a full one then stalls the paint for 80-180 ms. The collector resumes
        (and catches up) once the screen has painted, while the worker reads it, as Textual
        does itself around smooth scrolling (`App.PAUSE_GC_ON_SCROLL`)."""
        if not gc.isenabled() or not _frozen.is_set():
            return  # at start-up the collector's work is better done during the unlock
        gc.disable()
        screen.call_after_refresh(gc.enable)
        self.set_timer(1.0, gc.enable)  # whatever becomes of the screen

    def _start(self, workers, demo: bool, *, encrypted: bool) -> None:
        from cintui.domain.workforce import typical_worker

        if not encrypted and self.location.url is None:
            self.sub_title = f"{UNENCRYPTED} · {self.location.describe()}"
        known = {w.username for w in workers}
        wanted = self.requested_worker or config.load_settings().get("worker")
        if self.requested_worker and self.requested_worker not in known:
            self.notify(f"No worker {self.requested_worker!r} on this store: choose who you are.",
                        severity="warning")
        if wanted in known:
            self._set_worker(wanted)
        elif demo and (typical := typical_worker(workers)):
            self._set_worker(typical.username)
        elif workers:
            self.switch_screen(self.make_screen("who", workers=workers))
            return
        self.switch_screen(self.make_screen("caseload"))

    def on_worker_chosen(self, message: WorkerChosen) -> None:
        if message.username:
            self._set_worker(message.username)
        caseload = self._caseload()
        if caseload is None:
            self.switch_screen(self.make_screen("caseload"))
            return
        while self.screen is not caseload:
            self.pop_screen()
        if hasattr(caseload, "reload"):
            caseload.reload()

    def _caseload(self):
        return next((s for s in self.screen_stack if type(s).__name__ == "CaseloadScreen"), None)

    def _set_worker(self, username: str) -> None:
        self.worker = username
        self.actor = username
        config.save_setting("worker", username)
        self.title = f"cintui · {username}"

    @property
    def store_commits(self) -> int:
        """Changes saved through the store so far (0 while it is still opening)."""
        return self._store.commits if self._store is not None else 0

    @property
    def has_store(self) -> bool:
        return self._store is not None or not self._store_ready.is_set()

    def choose_worker(self) -> None:
        from cintui.casework import cases

        if not self.has_store:
            return
        with self.store.read() as session:
            workers = cases.list_workers(session)
        self.push_screen(self.make_screen("who", workers=workers, switching=True))

    # ---------------------------------------------------------------- navigation

    def child_index(self) -> list[tuple[uuid.UUID, str]]:
        from cintui.casework import caseload

        with caseload.reading(self.store) as rows:
            return [(c.id, f"{c.name} {c.reference}")
                    for c in caseload.list_children(rows, self.today)]

    def open_child(self, child_id: uuid.UUID) -> None:
        self.push_screen(self.make_screen("child", child_id=child_id))

    def open_visit(self, child_id: uuid.UUID) -> None:
        """The visit form for a child: this worker's own draft if there is one (offered
        back after a crash), else a new visit."""
        from cintui.casework import visits

        with self.store.read() as session:
            mine = [d for d in visits.child_drafts(session, child_id) if d.owner == self.actor]
        self.push_screen(self.make_screen("visit_form", child_id=child_id,
                                          draft_id=mine[0].id if mine else None))

    def on_record(self, action: str) -> None:
        """A record command from the palette: on the child's record only."""
        run = getattr(self.screen, f"action_{action}", None)
        if run is None or getattr(self.screen, "child_id", None) is None:
            self.notify("Open a child's record first (Enter on the caseload)")
            return
        run()

    def new_visit(self) -> None:
        child_id = getattr(self.screen, "child_id", None) or getattr(
            self.screen, "selected_child_id", None)
        if child_id is None:
            self.notify("Choose a child first (on the caseload or their record)")
            return
        self.open_visit(child_id)

    def on_caseload_screen_child_chosen(self, message) -> None:
        self.open_child(message.child_id)

    def switch_view(self, view: str) -> None:
        caseload = self._caseload()
        if caseload is None:
            return
        while self.screen is not caseload:
            self.pop_screen()
        caseload.set_view(view)

    def _show_once(self, name: str, cls: str) -> None:
        """Push the screen `name` unless it is already the one on top."""
        if not self.has_store or not self.screen_stack:
            return
        if type(self.screen).__name__ != cls:
            self.push_screen(self.make_screen(name))

    def action_my_week(self) -> None:
        self._show_once("my_week", "MyWeekScreen")

    def action_team(self) -> None:
        self._show_once("team", "TeamScreen")

    def import_transfer_pack(self) -> None:
        """BEX 4: the receiving worker imports a pack; the new child's record opens, with
        the transfer-in meeting's due date."""
        if not self.has_store:
            self.notify("Open a store first")
            return

        def imported(child) -> None:
            if not isinstance(child, tuple):
                return  # cancelled
            child_id, reference, name = child
            self.notify(f"Imported {name} ({reference}): hold the transfer-in meeting within "
                        "20 working days of the move (BEX 4); it is on their Summary and "
                        "My week.", timeout=8)
            self.open_child(child_id)

        self.push_screen(self.make_screen("transfer_in"), imported)

    def book_meeting(self) -> None:
        screen = self.screen
        if not hasattr(screen, "action_book_meeting"):
            self.notify("Open a child's record first, then book the meeting (m)")
            return
        screen.action_book_meeting()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        config.save_setting("theme", self.theme)

    def on_unmount(self) -> None:
        if self.reader is not None:
            self.reader.close()
        if self._store is not None:
            self._store.close()


def run_app(location: access.StoreLocation, *, encrypt: bool = True,
            worker: str | None = None) -> None:
    from cintui.reference import holiday_cache

    holiday_cache.install()  # bank holidays from a cache: the app starts ~60 ms sooner
    CintuiApp(location, encrypt=encrypt, worker=worker).run()
