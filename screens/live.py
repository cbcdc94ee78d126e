"""An open app shows what others changed, without a restart: a `cintui` command on the same
laptop store, or on a team server another worker's or the manager's app.

Every few seconds (`refresh_seconds` in config.toml, or CINTUI_REFRESH_SECONDS; 5 by
default, 0 turns it off) the app asks the store for its audit trail's newest entry number
(`casework.changes.look`): one read of an index, in a worker thread, and nothing more when
it has not moved. When it has, and not only by this app's own saves:

- the list or record in front is read again in place (`refresh_from_store`: the caseload,
  a child's record, the team view, My week, a team's or all teams' waiting list, all teams'
  list), the cursor on the same child (or team) and the scroll kept, with a one-line notice
  of what changed;
- a form, a visit or minutes being typed is never touched: when the change is to the
  form's own child (`casework.changes.changed`), or whose it was cannot be told (a
  worker's login on a team server, a form of no one child), its note says the store
  changed under it (naming their change to the form's child, if they made one) and that
  what was typed stays (saving runs the usual check for a clash, `casework.conflicts`);
  for another child's, nothing. The screen under it is read again when it is back in
  front (not twice: a screen that read the store again itself, back from a form that
  saved, is not read again, nor told again what the form's note said).

The app is not changed for this (`cintui/app.py` is at its size limit): `watch(app)`,
called by the caseload (the first screen once the store is open), starts it.
"""

from __future__ import annotations

import contextlib
import importlib
import os

DEFAULT_SECONDS = 5.0
ENV = "CINTUI_REFRESH_SECONDS"
KEPT = "what you typed stays; saving checks for a clash with it"


def seconds() -> float:
    """How often to look (0: never), from CINTUI_REFRESH_SECONDS or config.toml's
    `refresh_seconds`; a value that is not a number is the default."""
    from cintui.reference import config

    given = os.environ.get(ENV, config.load_settings().get("refresh_seconds", DEFAULT_SECONDS))
    try:
        value = float(given)
    except (TypeError, ValueError):
        return DEFAULT_SECONDS
    return max(0.0, value) if value == value else DEFAULT_SECONDS  # NaN: the default


def _changes():
    return importlib.import_module("cintui.casework.changes")


class LiveUpdates:
    """Looks for others' changes while the app is open (see the module)."""

    def __init__(self, app, every: float) -> None:
        self.app = app
        self.seen: int | None = None  # the newest entry at the last look
        self.changed_at = 0  # the newest entry of the last change by others
        self.changed_commits = 0  # this app's own commits when that change was seen
        self.told = False  # that change said on the open form's own line
        self.notice = ""
        self.looking = False
        self.looks = 0  # how many looks read the store (for tests and the bench)
        self.timer = app.set_interval(every, self.check, name="live-updates") if every else None

    def check(self) -> None:
        """On the timer: the screen in front, if it is behind, read again; then a look."""
        store = self.app._full.store
        if store is None or self.looking:  # still opening, locked, or the last look running
            return
        self._bring_up_to_date(self.app.screen)
        self.looking = True
        child = _form_child(self.app.screen)
        self.app.run_worker(lambda: self._look(store, child), thread=True,
                            group="live-updates", exit_on_error=False)

    def look_now(self) -> None:
        """One look, here and now (tests; a person never needs it)."""
        store = self.app._full.store
        if store is not None:
            self._bring_up_to_date(self.app.screen)
            self._look(store, _form_child(self.app.screen), here=True)

    def _look(self, store, child=None, here: bool = False) -> None:
        """`child`: the open form's, whose change the notice is about if they made one."""
        try:
            changes = _changes()
            seen = changes.look(store, self.seen or 0)
            self.looks += 1
            if seen is None:
                return  # this app's own save committing: looked at again next time
            if self.seen is None or seen.newest == self.seen:
                self.seen = seen.newest
                return
            after, self.seen = self.seen, seen.newest
            if seen.others:
                said, children = changes.ANYTHING, None
                with contextlib.suppress(Exception):  # the notice's words, and whose
                    said, children = changes.changed(store, after, seen.newest, child)
                if here:
                    self._changed(seen.newest, said, children)
                else:
                    self.app.call_from_thread(self._changed, seen.newest, said, children)
        except Exception:  # noqa: BLE001 - the store closing under it (a lock): next time
            return
        finally:
            self.looking = False

    def _changed(self, newest: int, said: str, children=None) -> None:
        """Others changed the store: `said` in a line, `children` the children whose records
        they changed (None: not known, as on a team server for a worker's login)."""
        app = self.app
        for screen in app.screen_stack:  # what each showed was read before this change
            if not hasattr(screen, "_live_seen"):
                screen._live_seen = self.changed_at
        self.changed_at, self.notice = newest, said
        self.changed_commits, self.told = getattr(app, "store_commits", 0), False
        top = app.screen
        if _refreshable(top):
            self._bring_up_to_date(top)  # and says what changed
        elif _typed_in(top):  # a form, a visit, minutes: never touched
            child = _child_of(top)  # a change to another child's record: nothing to say
            if children is None or child is None or child in children:
                self._say_on(top, f"{said} while this was open: {KEPT}.")
        else:  # a list over the team view, help: the screen under it, once back
            app.notify(f"{said}: shown when you go back.", timeout=6)

    def _bring_up_to_date(self, screen) -> None:
        if not hasattr(screen, "_live_seen"):
            screen._live_seen = self.changed_at  # opened since: read as it opened
        elif screen._live_seen < self.changed_at and _refreshable(screen):
            screen._live_seen = self.changed_at
            if _read_since(screen) <= self.changed_commits:
                screen.refresh_from_store()
            elif self.told:  # read again since (back from a form that saved), said on it
                return
            if self.notice:
                self.app.notify(self.notice, timeout=6)

    def _say_on(self, screen, line: str) -> None:
        """On the form's own line for notes, if it has one and it is free; else a notice."""
        from textual.css.query import NoMatches

        self.told = True

        try:
            info = screen.query_one("#form-info")
        except NoMatches:
            info = None
        if info is not None and not str(getattr(info, "content", "") or "").strip():
            from cintui.screens.widgets.plain import plain

            info.update(plain(line))
        else:
            self.app.notify(line, severity="warning", timeout=10)


def _typed_in(screen) -> bool:
    return any(hasattr(screen, name) for name in ("action_save", "save_draft_now"))


def _form_child(screen):
    """The child of the form in front, if one: the note on it names them."""
    return _child_of(screen) if _typed_in(screen) else None


def _child_of(screen):
    """The child a form is about (its `child_id`, or its meeting's for minutes), if one."""
    import uuid

    found = getattr(screen, "child_id", None)
    if found is None:
        found = getattr(getattr(screen, "detail", None), "child_id", None)
    try:
        return None if found is None else uuid.UUID(str(found))
    except ValueError:
        return None


def _read_since(screen) -> int:
    """This app's own commits when the screen last read the store (a screen reads again on
    coming back from a form that saved), or -1 if it does not say."""
    for name in ("_commits", "_commits_seen"):
        if isinstance(found := getattr(screen, name, None), int):
            return found
    return -1


def _refreshable(screen) -> bool:
    return callable(getattr(screen, "refresh_from_store", None)) and \
        getattr(screen, "refreshable", True)


def watch(app) -> LiveUpdates:
    """Start looking (once): called when the store has been opened."""
    live = getattr(app, "live_updates", None)
    if live is None:
        live = app.live_updates = LiveUpdates(app, seconds())
    return live
