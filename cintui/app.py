"""The Textual app: routing between screens, global bindings, the store it has open.

Kept small on purpose (ARCHITECTURE.md): each screen owns its own state and handlers.
Screens are imported by name when first shown, which keeps them off the first-paint path
and keeps `cintui.app` below `cintui.screens` in the layer contract.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import threading
import uuid
from datetime import date, datetime
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen

from cintui.domain.dates import wall_clock
from cintui.domain.roles import header_who
from cintui.held_keys import HoldsKeys
from cintui.plain_notices import PlainNotices
from cintui.reference import config
from cintui.store import access
from cintui.store.base import said as store_said

UNENCRYPTED = "UNENCRYPTED STORE"
_frozen = threading.Event()


def _freeze_startup_objects() -> None:
    """What lives as long as the app, out of the collector's full passes; once a process."""
    if not _frozen.is_set():
        _frozen.set()
        gc.freeze()


def _palette(name: str):
    """A palette provider, imported when Ctrl+P is first pressed (screens/palette.py)."""
    return getattr(importlib.import_module("cintui.screens.palette"), name)


def _light_ansi(base):
    """`base` (Textual's light ANSI colours, Alabaster) with yellow, green and cyan darkened
    to 4.5:1 or more on the light theme's background (#E0E0E0; WCAG 2.2 AA, which councils'
    software must meet): "soon" in yellow was 2.1:1 there, a Green rating 3.2:1. The rest
    as they are."""
    from rich.terminal_theme import TerminalTheme

    def rgb(c) -> tuple[int, int, int]:
        return c.red, c.green, c.blue

    colours = [rgb(base.ansi_colors[i]) for i in range(16)]
    colours[2], colours[3], colours[6] = LIGHT_GREEN, LIGHT_YELLOW, LIGHT_CYAN
    return TerminalTheme(rgb(base.background_color), rgb(base.foreground_color),
                         colours[:8], colours[8:])


LIGHT_GREEN, LIGHT_YELLOW, LIGHT_CYAN = (0x2B, 0x6A, 0x18), (0x7A, 0x57, 0x00), (0x00, 0x66, 0x8C)


class CintuiApp(HoldsKeys, PlainNotices, App):
    TITLE = "cintui"
    COMMANDS = App.COMMANDS | {partial(_palette, "ChildCommands"), partial(_palette, "WorkCommands")}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("f2", "toggle_dark", "Light/dark", show=False),
        # The screens F3-F6 open, as the keys are read: "F4 w" typed at once is the team
        # view's decisions (the "w" once reached the caseload before F4 had acted).
        Binding("f3", "my_week", "My week", show=False, priority=True),
        Binding("f4", "team", "Team", show=False, priority=True),
        Binding("f5", "laptop('sync')", "Sync this laptop with the team server", show=False,
                priority=True),
        Binding("f6", "laptop('conflicts')", "Sync conflicts to resolve", show=False,
                priority=True),
        # ? as well (key_question_mark): unless typed into a box or bound by the screen.
        Binding("f1", "help", "Help", key_display="f1 / ?", priority=True),
        Binding("ctrl+e", "own_editor", "Own editor", show=False, priority=True),
    ]

    def __init__(self, location: access.StoreLocation, *, encrypt: bool = True,
                 today: date | None = None, worker: str | None = None,
                 now: datetime | None = None) -> None:
        super().__init__()
        # Readable warnings in the light theme (F2), from Textual's own light colours.
        self.ansi_theme_light = _light_ansi(self.ansi_theme_light)
        self._now = now  # a fixed clock (tests, demos); else the real one
        self.location = location
        self.encrypt = encrypt
        self.today = today or date.today()
        self._full = access.BackgroundStore(location, on_open=_freeze_startup_objects)
        self.reader = None  # the first-paint reader (cintui.store.fast), if used
        self.first_rows = None  # the caseload read with it (screens.messages.FirstRows)
        self.requested_worker = worker
        self.as_worker = worker  # `--as`, as typed: one not on the store is refused
        self.refusal: str | None = None  # why it closed before opening (`run_app` says it)
        self.login: str | None = None  # on a team server (or a laptop), the login: who acts
        self.worker: str | None = None  # username of the worker using cintui, if known
        access.forget_opened()  # its store is not open yet: none before it decides who acts
        self.actor = access.current_actor()
        theme = config.load_settings().get("theme")
        if theme in ("textual-dark", "textual-light"):
            self.theme = theme

    def clock(self, *, seconds: bool = False) -> datetime:
        """Now (to the minute unless `seconds`), on `today`; or the fixed time given."""
        if self._now is not None:
            return self._now
        real = datetime.now().replace(microsecond=0)
        return wall_clock(self.today, real if seconds else real.replace(second=0))

    def make_screen(self, name: str, **kwargs):
        """A screen by its name in `screens/registry.py`, imported when first shown."""
        registry = importlib.import_module("cintui.screens.registry")
        module, cls = registry.SCREENS[name]
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
    def store(self):  # the open store; waits if it is still being opened in the background
        return self._full.get()

    @store.setter
    def store(self, value) -> None:
        self._full.store = value

    def on_store_opened(self, message) -> None:  # screens.messages.StoreOpened
        from cintui.casework import cases

        self.store = message.store
        if (login := access.acting_login()) is not None:  # a team server, a laptop: the login
            self.requested_worker = self.login = login
        with self.store.read() as session:
            workers = cases.list_workers(session)
            demo = cases.is_demo_store(session)
        self._start(workers, demo, encrypted=self.store.encrypted)
        self.call_after_refresh(_freeze_startup_objects)  # a server's store: no reader first

    def on_reader_opened(self, message) -> None:  # screens.messages.ReaderOpened
        from cintui.domain.workforce import WorkerSummary
        from cintui.store import fast

        self.reader, self.first_rows = message.reader, message.first_rows
        # On a team server (and a laptop replica) you are who you logged in as.
        self.login = getattr(self.reader, "team_login", None)
        self.requested_worker = self.login or self.requested_worker
        self._full.expect(message.passphrase)
        if (first := message.first_rows) is not None:  # a known worker's caseload, read ahead
            workers = [WorkerSummary(first.worker, "", "", "", 0)]  # no need to list them all
            demo = False
        else:
            try:
                workers = [WorkerSummary(u, n, r, t or "", c or 0)
                           for u, n, r, t, c in self.reader.rows(fast.WORKERS_SQL)]
                demo = self.reader.rows(fast.DEMO_SQL)[0][0] > 0
            except Exception as exc:
                from cintui.store.base import damaged

                if (said := damaged(exc)) is None:
                    raise
                self.reader.close()  # the opening screen says so, as for a wrong passphrase
                self.reader = None
                getattr(self.screen, "_failed", self.notify)(str(said))
                return
        self._start(workers, demo, encrypted=self.reader.encrypted)

    def open_store_soon(self) -> None:
        """Open the full store in the background, once the first screen has painted."""
        self._full.open_soon()

    # ---------------------------------------------------------------- screens

    def push_screen(self, screen, *args, **kwargs):
        if isinstance(screen, Screen):
            self._hold_gc_until_painted(screen)
        return super().push_screen(screen, *args, **kwargs)

    def _hold_gc_until_painted(self, screen: Screen) -> None:
        """No cyclic garbage collection while a screen builds and paints its first frame (a
        full one stalls it 80-180 ms), as Textual does around smooth scrolling."""
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
        if (refused := self._as_refused(workers)) is not None:
            self.refusal = refused  # no caseload opens, as no one else: who acts is audited
            self.exit(return_code=2)
            return
        wanted = next((w for w in access.wanted_workers(self.requested_worker) if w in known),
                      None)
        named = os.environ.get("CINTUI_USER", "").strip()
        if self.requested_worker and self.requested_worker not in known:
            self.notify(f"No worker {self.requested_worker!r} on this store: choose who you are.",
                        severity="warning")
        elif wanted is None and workers and named and not self.requested_worker:
            # Whom the command line acts as, not a worker here: asked, never opened as the
            # one chosen last time (or the demo's typical worker), and said why on the
            # question, with the worker it likely meant first, so Enter takes them.
            from cintui.domain.workforce import not_a_worker, workers_meant

            pairs = [(w.username, w.name) for w in workers]
            said = not_a_worker("CINTUI_USER", named, pairs, self._leavers(), then="")
            self.switch_screen(self.make_screen(
                "who", workers=workers, first=workers_meant(named, pairs),
                why=f"{said}: choose who you are (and set CINTUI_USER to your username)."))
            return
        elif wanted is None and (last := config.load_settings().get("worker")) and workers:
            # The worker chosen here last has left (or is on another store): ask, never
            # open as someone else, not even the demo's typical worker; say why on it.
            from cintui.domain.workforce import left_already

            why = left_already("Chosen here last time", str(last), self._leavers(),
                               then="choose who you are.") or \
                f"{last}, chosen here last time, is not a worker on this store: choose who you are."
            self.switch_screen(self.make_screen("who", workers=workers, why=why))
            return
        if wanted in known:
            self._set_worker(wanted)
        elif demo and (typical := typical_worker(workers)):
            self._set_worker(typical.username)
        elif workers:
            self.switch_screen(self.make_screen("who", workers=workers))
            return
        self.switch_screen(self.make_screen("caseload"))

    def _as_refused(self, workers) -> str | None:
        """Why `--as` cannot be who opens the app, in one line (None: it can, or was not
        given): a worker not on the store (with the username likely meant, as every worker
        refusal says), or, on a team server or a laptop, anyone but the login."""
        asked = (self.as_worker or "").strip()
        left = self._leavers() if asked and asked not in {w.username for w in workers} \
            and not self.login else []
        return as_refusal(self.as_worker, self.login, [(w.username, w.name) for w in workers],
                          left)

    def _leavers(self) -> list:
        """The workers who have left (username, name, the day), read when a name given to
        act as is no worker here: one who has left is told so (`workforce.left_already`)."""
        from cintui.store import fast

        if self.reader is not None:
            return fast.leavers(self.reader.rows)
        with self.store.read() as session:
            return fast.leavers(lambda sql: session.connection().exec_driver_sql(sql).all())

    def on_worker_chosen(self, message) -> None:  # screens.messages.WorkerChosen
        if message.username:
            self._set_worker(message.username)
        if (caseload := self._caseload()) is None:
            self.switch_screen(self.make_screen("caseload"))
            return
        while self.screen is not caseload:
            self.pop_screen()
        # "Your caseload opens first", as the question said (the team's if you hold none)
        caseload.land() if message.username else caseload.reload()

    def _caseload(self):
        return next((s for s in self.screen_stack if type(s).__name__ == "CaseloadScreen"), None)

    def act_as(self, username: str) -> None:
        """From now on the app is `username`'s (set-up adding the worker whose username is
        the login, while no one was chosen): as if chosen on "Who are you?"."""
        self._set_worker(username)

    def _set_worker(self, username: str) -> None:
        self.worker = username
        self.actor = username
        config.save_setting("worker", username)
        self.title = header_who(username, *self._name_and_role(username))

    def _name_and_role(self, username: str) -> tuple[str, str]:
        """The worker's name and role, for the header ("", "" for someone not on it): from
        the first-paint reader where it is open, else the store."""
        from cintui.store import fast

        try:
            if self.reader is not None:
                rows = self.reader.rows(fast.WORKER_NAME_SQL, {"username": username})
            else:
                from cintui.casework import cases

                with self.store.read() as session:
                    rows = cases.worker_name_and_role(session, username)
        except Exception:  # a header is no reason to stop: the username then
            return "", ""
        return (rows[0][0] or "", rows[0][1] or "") if rows else ("", "")

    @property
    def store_commits(self) -> int:
        """Changes saved through the store so far (0 while it is still opening)."""
        return self._full.store.commits if self._full.store is not None else 0

    @property
    def has_store(self) -> bool:
        return self._full.store is not None or self._full.pending

    def choose_worker(self) -> None:
        from cintui.casework import cases

        if not self.has_store:
            return
        with self.store.read() as session:
            workers = cases.list_workers(session)
        self.push_screen(self.make_screen("who", workers=workers, switching=True))

    # ---------------------------------------------------------------- navigation

    def child_index(self) -> list[tuple[uuid.UUID, str, bool]]:
        """(id, "name reference", one of mine?) for Ctrl+P, every child on the store."""
        from cintui.casework import caseload

        me = getattr(self, "worker", None)
        with caseload.reading(self.store) as rows:
            return [(c.id, f"{c.name} {c.reference}", bool(me) and c.worker_username == me)
                    for c in caseload.list_children(rows, self.today)]

    def open_child(self, child_id: uuid.UUID) -> None:
        self.push_screen(self.make_screen("child", child_id=child_id))

    def open_visit(self, child_id: uuid.UUID) -> None:
        """The visit form: this worker's own draft if one is waiting (a crash), else new."""
        from cintui.casework import visits

        with self.store.read() as session:
            mine = [d for d in visits.child_drafts(session, child_id) if d.owner == self.actor]
        self.push_screen(self.make_screen("visit_form", child_id=child_id,
                                          draft_id=mine[0].id if mine else None))

    def on_caseload_screen_child_chosen(self, message) -> None:
        self.open_child(message.child_id)

    def switch_view(self, view: str) -> None:
        if (caseload := self._caseload()) is None:
            return
        while self.screen is not caseload:
            self.pop_screen()
        caseload.set_view(view)

    def _show_once(self, name: str, cls: str) -> None:
        """Push the screen `name` unless it is already the one on top."""
        if self.has_store and self.screen_stack and type(self.screen).__name__ != cls:
            self.push_screen(self.make_screen(name))

    def action_help(self) -> None:
        """F1 or ?: what the screen in front is for and every key it has; again, closed."""
        if type(self.screen).__name__ == "HelpScreen":
            self.pop_screen()
        else:
            self.push_screen(self.make_screen("help", screen=self.screen))

    def key_question_mark(self) -> None:
        """? reaches the app only when no box typed it and no binding took it."""
        self.action_help()

    def action_command_palette(self) -> None:
        """Ctrl+P: cintui's palette keeps an Enter typed before its search has answered."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            palette = importlib.import_module("cintui.screens.palette")
            self.push_screen(palette.TypedAheadPalette(id="--command-palette"))

    def action_focus_next(self) -> None:
        """Tab on a screen without its own (`TAB_BINDINGS`): an open list's highlighted
        option is taken first, as there (screens/widgets/typed.py)."""
        importlib.import_module("cintui.screens.widgets.typed").chosen_in_open_list(
            self.focused)
        super().action_focus_next()

    def action_focus_previous(self) -> None:
        importlib.import_module("cintui.screens.widgets.typed").chosen_in_open_list(
            self.focused)
        super().action_focus_previous()

    def action_own_editor(self) -> None:  # Ctrl+E in a long text box (screens/widgets/editor.py)
        editor = importlib.import_module("cintui.screens.widgets.editor")
        self.call_after_refresh(editor.edit_in_editor, self)

    def action_my_week(self) -> None:
        self._show_once("my_week", "MyWeekScreen")

    def action_team(self) -> None:
        shown = type(self.screen).__name__
        if shown == "TeamScreen":  # a service manager's F4 again: back to all teams
            self.screen.action_all_teams()  # type: ignore[attr-defined]
        elif shown != "ServiceScreen":  # over the team view already
            self._show_once("team", "TeamScreen")

    def action_laptop(self, what: str) -> None:  # F5 sync, F6 conflicts (screens/laptop.py)
        getattr(importlib.import_module("cintui.screens.laptop"), what)(self)

    def _handle_exception(self, error: Exception) -> None:  # a clash with others' saves
        if (self._exit or not self._running) and isinstance(error, NoMatches):
            return  # quitting while a screen opens: its first fill finds its widgets gone
        line = store_said(getattr(error, "error", error))  # is one line, the app goes on
        self.notify(line, severity="error") if line else super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Textual's report shows locals (a passphrase, a name): crash.log keeps it without."""
        path = config.log_crash(self._exception or RuntimeError("unknown error"))
        self._exit_renderables.append(f"cintui stopped on an internal error; details in {path}")
        self._close_messages_no_wait()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"
        config.save_setting("theme", self.theme)

    def on_unmount(self) -> None:
        gc.enable()  # if held for a screen that never painted (quit as it opened)
        for opened in filter(None, (self.reader, self._full.store)):
            opened.close()


def as_refusal(as_worker: str | None, login: str | None,
               workers: list[tuple[str, str]], left: list | tuple = ()) -> str | None:
    """Why `--as` cannot be who opens the app, in one line (None: it can, or was not given):
    a worker not on the store (`workers`: username and name) or who has left (`left`:
    username, name, the day), or, on a team server or a laptop (`login`), anyone but the
    login."""
    from cintui.domain.workforce import not_a_worker

    asked = (as_worker or "").strip()
    if not asked or asked == login:
        return None
    if login:
        return (f"--as: you are logged in to the team server as {login}, not {asked}: "
                f"cintui opens as {login} (leave out --as)")
    if not workers:  # a new store: who is set up first
        return (f"--as: no workers on this store yet, so not {asked}: open cintui "
                "without --as and set up the team (Ctrl+P → Set up), or `cintui worker add`")
    return not_a_worker("--as", asked, workers, left)


def refused_before_start(location: access.StoreLocation, worker: str | None) -> str | None:
    """`--as` refused (`as_refusal`) before the app draws anything, when the store can be
    read now: a plain file, or an encrypted one whose passphrase is given (CINTUI_PASSPHRASE,
    or a passphrase file that is a file: a pipe is read once, by the unlock screen). The
    reader opened here (ahead, on its own thread) is the one the unlock screen then takes.
    None: no `--as`, it is a worker, or only the app can tell (the passphrase is asked,
    the store is a server's, or older than this cintui)."""
    import os
    from pathlib import Path

    if not worker or location.url is not None or location.path is None:
        return None
    try:
        if not location.path.is_file():
            return None  # the welcome screen: a new store
        passphrase = None
        if location.is_encrypted():
            given = os.environ.get("CINTUI_PASSPHRASE_FILE")
            if given and not Path(given).is_file():
                return None
            passphrase = access.env_passphrase()
            if passphrase is None:
                return None  # asked for in the app, which refuses after it
    except (OSError, access.AccessError):
        return None  # said by the unlock screen
    from cintui.store import fast

    reader = fast.reader_ahead(location.path, passphrase)
    if reader is None:  # a wrong passphrase, an older store: the app says
        return None
    asked, login = worker.strip(), reader.team_login
    if asked == login or (not login and reader.rows(fast.WORKER_EXISTS_SQL,
                                                    {"username": asked})):
        return None
    return as_refusal(worker, login, [tuple(r) for r in reader.rows(fast.ACTIVE_WORKERS_SQL)],
                      fast.leavers(reader.rows))


def run_app(location: access.StoreLocation, *, encrypt: bool = True,
            worker: str | None = None, today: date | None = None,
            now: datetime | None = None) -> None:
    """The app; `today`/`now` as CINTUI_TODAY gives them (README: a day just gone)."""
    if (refused := refused_before_start(location, worker)) is not None:
        print(f"cintui: {refused}", file=sys.stderr)  # one line, no screen drawn first
        sys.exit(2)
    importlib.import_module("cintui.reference.holiday_cache").install()  # bank holidays, cached
    app = CintuiApp(location, encrypt=encrypt, worker=worker, today=today, now=now)
    app.run()
    if app.refusal:  # `--as` naming no worker on the store: one line, as the command line
        print(f"cintui: {app.refusal}", file=sys.stderr)
    if app.return_code:  # stopped on an internal error: not 0 to a script or the shell
        sys.exit(app.return_code)
