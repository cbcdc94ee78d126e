"""The app shell, driven by keys: first run, unlock, wrong passphrase, plain-store warning."""

from __future__ import annotations

import hashlib

import pytest

from cintui.app import UNENCRYPTED, CintuiApp
from cintui.store import access
from tests.conftest import PASSPHRASE, TODAY

UI_PASSPHRASE = "tulip-harbour-77"
SIZE = (120, 40)


async def settle(pilot, rounds: int = 100) -> None:
    """Wait until what the last key started is done: its workers finished and no message
    left in any queue. A key's effect can take several hops (a table's Enter posts a message
    the screen turns into one for the app, which pushes a screen); on a loaded machine one
    pause can end between two hops, so this pauses again while any queue holds a message."""
    from contextlib import suppress

    from textual.worker import WorkerCancelled

    app = pilot.app
    await pilot.pause()
    for _ in range(rounds):
        with suppress(WorkerCancelled):  # a form's save worker goes with the form it closed
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not _messages_waiting(app):
            return


def _messages_waiting(app) -> bool:
    """Whether the app, a screen or a widget of the screen in front has a message queued."""
    pumps = [app, *app.screen_stack]
    if app.screen_stack:
        pumps.extend(app.screen_stack[-1].walk_children())
    return any(pump.message_queue_size for pump in pumps)


async def until(pilot, check, rounds: int = 200) -> None:
    """Settle until `check()` holds: what a key starts (a screen loaded by name, a save's
    reload in a worker) may not be done by the first settle on a loaded machine."""
    for _ in range(rounds):
        await settle(pilot)
        if check():
            return
    assert check()


def held_back(monkeypatch, owner, name: str):
    """`owner.name` (a function a screen reads the store with, in a thread) made to wait
    until the returned event is set: a slow store, on purpose. Set it before the test ends."""
    import threading

    released, reading = threading.Event(), getattr(owner, name)

    def slow(*args, **kwargs):
        released.wait(30)
        return reading(*args, **kwargs)

    monkeypatch.setattr(owner, name, slow)
    return released


async def press_to(pilot, *keys: str, screen: str) -> None:
    """Press `keys` and wait until the screen named `screen` is in front, settled: a key that
    opens a screen, as most tests press one."""
    await pilot.press(*keys)
    await until(pilot, lambda: type(pilot.app.screen).__name__ == screen)
    await settle(pilot)


async def until_shown(pilot, check, rounds: int = 400) -> None:
    """Wait until `check()` holds without waiting for the app's workers (as `until` does):
    for a test holding a screen's background reading back on purpose."""
    for _ in range(rounds):
        if check():
            return
        await pilot.pause(0.05)
    assert check()


async def type_text(pilot, text: str) -> None:
    """Type `text` as a quick typist does: each character a key event through the app, in
    order, then one wait for the screen to settle. (`pilot.press` waits for the process to
    go idle after every key, 40 ms or more a character; the events and their order are
    the same.)"""
    from textual import events
    from textual.keys import _character_to_key

    for ch in text:
        key = _character_to_key(ch) if ch == " " or not ch.isalnum() else ch
        pilot.app.post_message(events.Key("space" if ch == " " else key, ch))
    await pilot.pause()
    await pilot._wait_for_screen()
    await pilot.pause()


def shown_choice(box) -> str:
    """What a choice box shows: its option's label, or its prompt when none is chosen."""
    from textual.widgets._select import SelectCurrent

    return str(box.query_one(SelectCurrent).query_one("#label").render())


def words(text: str) -> list[tuple[str, str]]:
    """`text` as (key, character) pairs, for `post_burst`."""
    from textual.keys import _character_to_key

    return [("space" if ch == " " else _character_to_key(ch) if not ch.isalnum() else ch, ch)
            for ch in text]


def post_burst(app, keys: list[tuple[str, str | None]]) -> None:
    """Every key queued before the first is handled: a fast typist, a text expander."""
    from textual import events

    for key, character in keys:
        app.post_message(events.Key(key, character))


def screen_name(app) -> str:
    return type(app.screen).__name__


def caseload_app(location, actor: str = "test.worker") -> CintuiApp:
    """The real app on the caseload of the store at `location` (a file or a URL), opened
    directly (no unlock, no "who are you"), acting as `actor`."""
    from cintui.store.engine import open_store

    class Caseload(CintuiApp):
        def on_mount(self, event) -> None:
            event.prevent_default()
            self.store = open_store(location, None)
            self.push_screen(self.make_screen("caseload"))

    app = Caseload(access.locate(location), today=TODAY)
    app.actor = actor
    return app


def my_open_children(app) -> int:
    """What "My caseload" must list: the open children allocated to the app's worker."""
    from cintui.casework import cases

    with app.store.read() as session:
        return next(w.open_children for w in cases.list_workers(session)
                    if w.username == app.worker)


async def test_first_run_creates_an_encrypted_store(tmp_path):
    path = tmp_path / "new.db"
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "WelcomeScreen"
        await type_text(pilot, UI_PASSPHRASE)
        await pilot.press("enter")
        await type_text(pilot, UI_PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        empty = str(app.screen.query_one("#empty").render())
        assert "No open children on this store yet" in empty
        assert "Ctrl+P → Set up" in empty  # where a new team starts, found by "set up"
        assert UNENCRYPTED not in app.sub_title
    assert path.read_bytes()[:16] != b"SQLite format 3\x00"


@pytest.mark.parametrize(("between", "last"), [("tab", "enter"), ("enter", "enter"),
                                               ("tab", "ctrl+n")])
async def test_first_run_takes_a_password_managers_burst_of_keys(tmp_path, between, last):
    """A password manager types "passphrase Tab passphrase Enter" faster than the screen
    moves focus: every key lands where it was meant to, and the store opens with it. Ctrl+N
    at the end of the burst, too, reads the whole repeated passphrase."""
    from textual import events

    path = tmp_path / "new.db"
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst = [*UI_PASSPHRASE, between, *UI_PASSPHRASE, last]
        for key in burst:  # all queued before the first is handled
            named = {"tab": ("tab", "\t"), "enter": ("enter", "\r"), "-": ("minus", "-"),
                     "ctrl+n": ("ctrl+n", None)}
            app.post_message(events.Key(*named.get(key, (key, key))))
        await until(pilot, lambda: screen_name(app) == "CaseloadScreen")
    from cintui.store.engine import open_store

    with open_store(path, UI_PASSPHRASE).read() as session:  # the passphrase, whole
        assert session.connection() is not None


async def test_first_run_with_mismatched_passphrases_creates_nothing(tmp_path):
    path = tmp_path / "new.db"
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, UI_PASSPHRASE)
        await pilot.press("enter")
        await type_text(pilot, "something-else-1")
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "WelcomeScreen"
        assert "differ" in str(app.screen.query_one("#error").render())
    assert not path.exists()


async def test_first_run_demo_store_shows_children(tmp_path):
    path = tmp_path / "demo.db"
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, UI_PASSPHRASE)
        await pilot.press("tab")
        await type_text(pilot, UI_PASSPHRASE)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        table = app.screen.query_one("#children")
        assert 15 <= table.row_count <= 21  # WAR 3.5: a typical caseload
        assert table.row_count == my_open_children(app)


async def test_a_store_too_damaged_to_read_says_so_on_opening(sqlite_demo_store):
    """The caseload cannot be read (the children's first page overwritten): the opening
    screen says the store is damaged and to restore the latest backup. It stopped the app
    on an internal error (and, with a notice instead, would have stayed on "Opening…")."""
    from tests.cli.test_db_check import damage_the_childrens_first_page

    damage_the_childrens_first_page(sqlite_demo_store)
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: screen_name(app) == "UnlockScreen" and bool(
            app.screen.query("#error")) and "damaged" in str(
            app.screen.query_one("#error").render()))
        said = str(app.screen.query_one("#error").render())
        assert "the store is damaged (database disk image is malformed)" in said
        assert "restore the latest backup" in said
        assert app.return_code is None  # still running: nothing stopped it


async def test_unlock_with_wrong_then_right_passphrase(encrypted_demo_store):
    before = hashlib.sha256(encrypted_demo_store.read_bytes()).hexdigest()
    app = CintuiApp(access.locate(encrypted_demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "UnlockScreen"
        await type_text(pilot, "not-the-passphrase")
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "UnlockScreen"
        assert "wrong passphrase" in str(app.screen.query_one("#error").render())
        assert hashlib.sha256(encrypted_demo_store.read_bytes()).hexdigest() == before
        # A wrong one again with a key typed straight after Enter: the key is dropped, never
        # typed into the box for the next try
        post_burst(app, [*words("still-not-it"), ("enter", "\r"), ("2", "2")])
        await until(pilot, lambda: "wrong passphrase" in str(
            app.screen.query_one("#error").render()) and not app.screen.query_one(
            "#passphrase").value)
        assert app.screen.query_one("#passphrase").value == ""
        await right_passphrase_opens_the_caseload(pilot)


async def test_a_key_typed_straight_after_the_passphrase_acts_on_the_caseload(
        encrypted_demo_store):
    """The passphrase, Enter and 2 typed at once: the store opens and 2 shows the team's
    children (the 2 once went into the passphrase box while the store was opening)."""
    app = CintuiApp(access.locate(encrypted_demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "UnlockScreen"
        post_burst(app, [*words(PASSPHRASE), ("enter", "\r"), ("2", "2")])
        await until(pilot, lambda: screen_name(app) == "CaseloadScreen"
                    and app.screen.view == "team")
        assert app.screen.view == "team"


async def right_passphrase_opens_the_caseload(pilot) -> None:
    """Type the store's passphrase into the unlock form: the caseload, with its rows."""
    app = pilot.app
    await type_text(pilot, PASSPHRASE)
    await pilot.press("enter")
    await settle(pilot)
    assert screen_name(app) == "CaseloadScreen"
    assert app.screen.query_one("#children").row_count == my_open_children(app) > 0


async def test_passphrase_from_environment_opens_straight_on_the_caseload(
    encrypted_demo_store, monkeypatch
):
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    app = CintuiApp(access.locate(encrypted_demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"


async def test_a_wrong_passphrase_in_the_environment_asks_for_the_right_one(
    encrypted_demo_store, monkeypatch
):
    """The screen of a given passphrase is one line ("Opening…"); when the passphrase is
    wrong, the form appears with the reason, and the right one typed there opens the store."""
    monkeypatch.setenv("CINTUI_PASSPHRASE", "not-the-passphrase")
    app = CintuiApp(access.locate(encrypted_demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "UnlockScreen"
        assert "wrong passphrase" in str(app.screen.query_one("#error").render())
        assert app.focused is app.screen.query_one("#passphrase")
        await right_passphrase_opens_the_caseload(pilot)


async def test_a_damaged_plain_file_says_why_and_asks_no_passphrase(tmp_path):
    """A plain file that is not a store (a copy cut short) is not asked a passphrase it
    cannot take: the screen says why it will not open, and nothing is written to it."""
    path = tmp_path / "cut.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(8176))
    before = path.read_bytes()
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "UnlockScreen"
        said = str(app.screen.query_one("#error").render())
        assert "is damaged or not a cintui store" in said and str(path) in said
        assert not app.screen.query_one("#passphrase").display
    assert path.read_bytes() == before


async def test_the_caseload_opens_with_its_rows_read_with_the_store(
    encrypted_demo_store, monkeypatch
):
    """A known worker's own caseload is read on the thread that opens the store, so the
    caseload's first frame has its rows: no second load, and the rows are that worker's
    (`--as` over the worker saved last time). A later view change reads afresh. A manager
    holding none lands on their team's children instead (read afresh)."""
    from cintui.casework import cases
    from cintui.store.engine import open_store

    with open_store(encrypted_demo_store, PASSPHRASE).read() as session:
        workers = cases.list_workers(session)
    holder = next(w for w in workers if w.open_children)
    manager = next(w for w in workers if not w.open_children)
    monkeypatch.setenv("CINTUI_PASSPHRASE", PASSPHRASE)
    for worker in (holder, manager):  # the holder is saved, then the manager asked for
        app = CintuiApp(access.locate(encrypted_demo_store), today=TODAY, worker=worker.username)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert screen_name(app) == "CaseloadScreen" and app.worker == worker.username
            table = app.screen.query_one("#children")
            assert app.first_rows is None  # used once: a reload reads the store again
            if worker is holder:
                assert not [w for w in app.workers if w.group == "caseload"]  # as read
                assert table.row_count == worker.open_children
                assert {r.worker_username for r in table.rows} <= {worker.username}
            if worker is manager:
                await until(pilot, lambda a=app: a.screen.view == "team")
                team = {w.username for w in workers if w.team == manager.team}
                assert {r.worker_username for r in table.rows} <= team
                await pilot.press("3")  # everyone
                await until(pilot, lambda t=table: t.row_count == holder.open_children)


async def test_a_plain_store_is_flagged_unencrypted_in_the_header(sqlite_demo_store):
    app = CintuiApp(access.locate(sqlite_demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        assert UNENCRYPTED in app.sub_title
        assert app.screen.query_one("#children").row_count == my_open_children(app) > 0


async def test_a_crash_never_shows_the_passphrase(tmp_path, monkeypatch, capsys):
    """Textual's crash report prints every frame's locals; cintui's says where the details
    are, and the log holds the traceback without locals (issue 24: the passphrase on screen)."""
    import pytest

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(access, "create_location", broken)
    app = CintuiApp(access.locate(tmp_path / "new.db"), today=TODAY)
    with pytest.raises(Exception, match="disk on fire"):  # re-raised by the test harness
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for _ in range(2):
                await type_text(pilot, UI_PASSPHRASE)
                await pilot.press("enter")
            await settle(pilot)
    shown = capsys.readouterr().err.replace("\n", "")  # the terminal, once the app has gone
    assert "internal error" in shown and "crash.log" in shown
    assert UI_PASSPHRASE not in shown
    log = (tmp_path / "data" / "crash.log").read_text()
    assert "disk on fire" in log and UI_PASSPHRASE not in log
