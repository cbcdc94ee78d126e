"""Auto-lock (issue 24, PRIV 2): after the policy's idle time (`[privacy]
lock_after_idle_minutes`, 10 by default) with no key pressed, click or paste, the app locks:

1. drafts are saved first (each screen with `save_draft_now`, its saver flushed); if one
   cannot be saved yet (the store busy), the lock waits for the next check rather than lose
   what was typed;
2. the screens are cleared: every screen is closed, so nothing personal stays on screen or
   in the screens' widgets; what was open is remembered only by name and ids;
3. the key is dropped: the light reader and the full store are closed (their pooled
   connections, which hold the SQLCipher key, go with them) and the passphrase the app kept
   for opening the store in the background is forgotten;
4. the lock screen asks again: the store's passphrase for an encrypted file; on a team
   server the login's password, checked by the server itself with a new connection (the
   app's own connection is authenticated by the URL, `.pgpass` or a certificate, so a
   password typed here is what proves the person at the keyboard is the login's owner);
   a plain (unencrypted) file opens again with Enter: it has no secret to ask for.
After unlocking, the same screens open again, with the same child and the saved draft.

The app is not changed for this (`cintui/app.py` is at its size limit): `watch(app)`, called
by the caseload (the first screen once the store is open), wraps the app's `on_event` (to see input) and
`make_screen` (to remember what each screen was made from). Tests inject the clock.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.widgets import Input, Static

from cintui.screens.messages import ReaderOpened, StoreOpened
from cintui.screens.unlock import UnlockScreen
from cintui.screens.widgets.typed import after_typing, refused

CHECK_SECONDS = 15.0  # how often the idle time is looked at
NOT_REMADE = {"welcome", "unlock", "who", "help"}  # never reopened after an unlock
DEFAULT_MINUTES = 10


def _policy_minutes(app) -> int:
    """The store policy's idle time, read through whatever is open (default 10)."""
    from cintui.reference.policies import load_policy

    name = None
    try:
        if app.reader is not None:
            found = app.reader.rows("SELECT value FROM store_meta WHERE key = 'policy'")
            name = found[0][0] if found else None
        elif getattr(app, "_full", None) is not None and app._full.store is not None:
            from cintui.casework import cases

            with app._full.store.read() as session:
                name = cases.store_policy_name(session)
        return load_policy(name or "england").privacy.lock_after_idle_minutes
    except Exception:  # noqa: BLE001 - a broken profile must not stop the lock
        return DEFAULT_MINUTES


class IdleLock:
    """Watches the app's input; locks it after `minutes` without any (see the module)."""

    def __init__(self, app, clock: Callable[[], float] = time.monotonic,
                 minutes: int | None = None) -> None:
        self.app = app
        self.clock = clock
        self.minutes = minutes
        self.last = clock()
        self.locked = False
        self.restore: list[tuple[str, dict[str, Any]]] = []
        self.timer = app.set_interval(CHECK_SECONDS, self.check, name="idle-lock")

    def touch(self) -> None:
        self.last = self.clock()

    @property
    def limit_seconds(self) -> float:
        if self.minutes is None:
            self.minutes = _policy_minutes(self.app)
        return self.minutes * 60.0

    def check(self) -> bool:
        """Lock if the app has been idle long enough; True when it locked."""
        if self.locked or self.clock() - self.last < self.limit_seconds:
            return False
        return self.lock()

    # ------------------------------------------------------------ locking

    def lock(self) -> bool:
        app = self.app
        if not self._drafts_saved():
            app.notify("Not locked yet: a draft is still being saved (the store is busy). "
                       "It is retried by itself.", severity="warning")
            return False
        self.restore = [made for screen in app.screen_stack
                        if (made := _made_as(screen)) is not None]
        if not self.restore or self.restore[0][0] != "caseload":
            self.restore.insert(0, ("caseload", {}))  # home, below whatever was open
        self.locked = True
        app.clear_notifications()  # a toast may name a child
        while len(app.screen_stack) > 2:  # Textual's own first screen, and ours
            app.pop_screen()
        app.switch_screen(LockScreen(self))
        self._drop_key()
        return True

    def _drafts_saved(self) -> bool:
        for screen in self.app.screen_stack:
            if hasattr(screen, "save_draft_now") and screen.save_draft_now() is False:
                return False  # a form's typed values not written yet: retried next check
            saver = getattr(screen, "saver", None)
            if saver is not None and not saver.flush(timeout=5.0):
                return False
        return True

    def _drop_key(self) -> None:
        from cintui.store import access

        app = self.app
        if app.reader is not None:
            app.reader.close()
            app.reader = None
        old = app._full
        old._ready.wait(timeout=30)  # a background open in flight finishes first
        if old.store is not None:
            old.store.close()
        old.store, old._passphrase = None, None
        app._full = access.BackgroundStore(app.location, on_open=old._on_open)
        gc.collect()

    # ------------------------------------------------------------ unlocking

    def unlocked(self) -> None:
        """The store is open again: the screens that were open, made again."""
        app = self.app
        self.locked = False
        self.touch()
        remade = [app.make_screen(name, **kwargs) for name, kwargs in self.restore]
        self.restore = []
        app.switch_screen(remade[0])
        for below, screen in zip(remade, remade[1:], strict=False):
            # A form made again on top answers the screen that opened it, as it did before
            # the lock (a supervision session saved: said, and the overdue list read again):
            # pushed from that screen, since the answer goes to the screen that pushed it.
            answer = getattr(below, "answer_to", lambda _screen: None)(screen)
            if answer is not None and screen is remade[-1]:
                below.call_later(app.push_screen, screen, answer)
            else:
                app.push_screen(screen)


def _made_as(screen) -> tuple[str, dict[str, Any]] | None:
    made = getattr(screen, "_cintui_made_as", None)
    if made is None or made[0] in NOT_REMADE:
        return None
    name, kwargs = made
    if getattr(screen, "draft_id", None) is not None and "draft_id" in kwargs:
        kwargs = {**kwargs, "draft_id": screen.draft_id}  # the draft saved as it was typed
    if hasattr(screen, "made_again_with"):  # what it holds besides (rows marked, the cursor)
        kwargs = screen.made_again_with(kwargs)
    return name, kwargs


def watch(app, **kwargs) -> IdleLock:
    """Start watching the app (once): called when the store has been opened."""
    lock = getattr(app, "idle_lock", None)
    if lock is not None:
        lock.touch()
        return lock
    lock = app.idle_lock = IdleLock(app, **kwargs)
    seen = app.on_event
    make = app.make_screen

    async def on_event(event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not isinstance(event, events.MouseMove):
            lock.touch()
        await seen(event)

    def make_screen(name: str, **made):
        screen = make(name, **made)
        screen._cintui_made_as = (name, dict(made))
        return screen

    app.on_event = on_event
    app.make_screen = make_screen
    return lock


class LockScreen(UnlockScreen):
    """Locked: the store's passphrase (or the login's password) again."""

    def __init__(self, lock: IdleLock) -> None:
        location = lock.app.location
        self._server = location.url is not None and location.url.startswith("postgresql")
        plain = not self._server and not location.is_encrypted()
        super().__init__(passphrase=None)
        self._lock = lock
        self._plain_file = plain

    def on_mount(self) -> None:
        minutes = self._lock.minutes or DEFAULT_MINUTES
        login = self.app.worker or self.app.actor
        title = self.query_one("#title", Static)
        field = self.query_one("#passphrase", Input)
        if self._server:
            title.update(f"[b]Locked[/b] after {minutes} minutes without use. The password "
                         f"of {login} on the team server, to go on:")
            field.placeholder = "Password"
        elif self._plain_file:
            title.update(f"[b]Locked[/b] after {minutes} minutes without use. Press Enter "
                         "to go on (this store is not encrypted).")
            field.placeholder = "Press Enter"
            field.password = False
        else:
            title.update(f"[b]Locked[/b] after {minutes} minutes without use. The store's "
                         "passphrase, to go on:")
        field.focus()

    def action_unlock(self) -> None:
        """Enter, as read (`UnlockScreen`): the keys typed after it act where the worker
        was once the screen has let go."""
        if not after_typing(self, self.action_unlock):
            return
        value = self.query_one("#passphrase", Input).value
        if self._plain_file:
            self._open(None)
        elif not value:
            refused(self)
            self.query_one("#error", Static).update(
                "Type the password." if self._server else "Type the store's passphrase.")
        elif self._server:
            self._reauthenticate(value)
        else:
            self._open(value)

    def _reauthenticate(self, password: str) -> None:
        self.run_worker(lambda: self._check_password(password), thread=True,
                        exclusive=True)

    def _check_password(self, password: str) -> None:
        import psycopg

        from cintui.store import fast

        try:
            psycopg.connect(fast.server_conninfo(self.app.location.url), password=password,
                            connect_timeout=10).close()
        except psycopg.Error:
            self.app.call_from_thread(self._failed, "That password is not right for this "
                                      "login (or the server cannot be reached).")
            return
        self.app.call_from_thread(self._open, None)

    def on_reader_opened(self, message: ReaderOpened) -> None:
        message.stop()
        self.app.reader = message.reader
        self.app._full.expect(message.passphrase)
        self._lock.unlocked()

    def on_store_opened(self, message: StoreOpened) -> None:
        message.stop()
        self.app.store = message.store
        self._lock.unlocked()
