"""Who is using cintui: chosen at first run, kept in config, `--as` to switch (issue 3 §2)."""

from __future__ import annotations

from sqlmodel import select

from cintui.app import CintuiApp
from cintui.casework import cases
from cintui.domain.dates import day_words
from cintui.domain.roles import role_label
from cintui.reference import config
from cintui.store import access
from cintui.store.engine import open_store
from cintui.store.models import StoreMeta
from tests.conftest import PASSPHRASE, TODAY
from tests.screens.test_shell import SIZE, post_burst, screen_name, settle, type_text, until, words


def forget_demo_marker(path) -> None:
    """Make the demo store look like a real one, whose workers must say who they are."""
    store = open_store(path, None)
    with store.session("test.worker") as session:
        session.delete(session.get(StoreMeta, cases.DEMO_META_KEY))
    store.close()


async def test_a_demo_store_opens_as_a_worker_with_a_typical_caseload(demo_store):
    """WAR 3.5: 15-21 children per worker; the demo opens as one of them."""
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        with app.store.read() as session:
            workers = {w.username: w for w in cases.list_workers(session)}
        assert app.worker in workers
        assert app.actor == app.worker
    assert config.load_settings()["worker"] == app.worker


async def test_first_run_on_a_real_store_asks_who_you_are_and_remembers(demo_store):
    forget_demo_marker(demo_store)
    store = open_store(demo_store, None)
    with store.read() as session:
        target = cases.list_workers(session)[-1]
    store.close()
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "WhoScreen"
        # The name, Enter and 3 typed at once: you, then everyone's children (the 3 once
        # went into the name box as the caseload opened)
        post_burst(app, [*words(target.username), ("enter", "\r"), ("3", "3")])
        await until(pilot, lambda: screen_name(app) == "CaseloadScreen"
                    and app.screen.view == "everyone")
        assert app.worker == target.username
    again = CintuiApp(access.locate(demo_store), today=TODAY)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(again) == "CaseloadScreen"
        assert again.worker == target.username


async def test_as_a_worker_not_on_the_store_is_refused_before_any_caseload_opens(demo_store):
    """Who acts is audited: `--as` naming no worker on the demo opened the app
    as another worker (the demo's typical one) with a passing notice. It is refused in one
    line, naming the option, with the username likely meant, and nothing opens or is kept."""
    store = open_store(demo_store, None)
    with store.read() as session:
        someone = cases.list_workers(session)[0]
    store.close()
    for asked, said in (
            ("no.such.person", "--as: no worker called 'no.such.person'"),
            (someone.username[:-1] + "x",
             f"--as: no worker called '{someone.username[:-1]}x' (did you mean "
             f"'{someone.username}'?)"),
            (someone.name.upper(), f"--as: '{someone.name.upper()}' is a name: give their "
                                   f"username ('{someone.username}')")):
        app = CintuiApp(access.locate(demo_store), today=TODAY, worker=asked)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert app.refusal == said
            assert app.return_code == 2 and app.worker is None
            assert screen_name(app) != "CaseloadScreen"
        assert "worker" not in config.load_settings()


def test_the_refusal_is_one_line_and_exit_2(demo_store, monkeypatch, capsys):
    """`cintui --as no.such.person`: the shell sees exit 2 and one line, as for a command."""
    import asyncio

    import pytest

    from cintui.app import run_app

    async def opened(app) -> None:  # as `App.run`, but closed when settled, had it opened
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)

    monkeypatch.setattr(CintuiApp, "run", lambda self: asyncio.run(opened(self)))
    with pytest.raises(SystemExit) as stopped:
        run_app(access.locate(demo_store), today=TODAY, worker="no.such.person")
    assert stopped.value.code == 2
    assert capsys.readouterr().err == "cintui: --as: no worker called 'no.such.person'\n"


def _run_app_seen(monkeypatch) -> list:
    """`CintuiApp.run` recorded (the screen each app run drew) and closed once settled."""
    import asyncio

    ran: list = []

    async def opened(app) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            ran.append(screen_name(app))

    monkeypatch.setattr(CintuiApp, "run", lambda self: asyncio.run(opened(self)))
    return ran


def test_as_naming_no_worker_on_a_store_read_now_is_refused_before_any_screen(
        sqlite_demo_store, encrypted_demo_store, monkeypatch, capsys):
    """`cintui --as ava.midgly` on a plain store, or an encrypted one whose passphrase is
    given (CINTUI_PASSPHRASE, a passphrase file): one line and exit 2 before the app starts,
    no screen drawn and taken down first (the shell's screen flashed). Its name is answered
    with the username, a close one offered, as before."""
    import pytest

    from cintui.app import run_app
    from tests.conftest import PASSPHRASE

    ran = _run_app_seen(monkeypatch)
    store = open_store(sqlite_demo_store, None)
    with store.read() as session:
        worker = cases.list_workers(session)[0]
    store.close()
    secret = sqlite_demo_store.parent / "passphrase"
    secret.write_text(PASSPHRASE + "\n")
    secret.chmod(0o600)
    cases_of = [(sqlite_demo_store, {}, worker.username[:-1],
                 f"--as: no worker called {worker.username[:-1]!r} (did you mean "
                 f"{worker.username!r}?)"),
                (sqlite_demo_store, {}, worker.name,
                 f"--as: {worker.name!r} is a name: give their username ({worker.username!r})"),
                (encrypted_demo_store, {"CINTUI_PASSPHRASE": PASSPHRASE}, "no.such.person",
                 "--as: no worker called 'no.such.person'"),
                (encrypted_demo_store, {"CINTUI_PASSPHRASE_FILE": str(secret)},
                 "no.such.person", "--as: no worker called 'no.such.person'")]
    for path, env, asked, said in cases_of:
        with monkeypatch.context() as m:
            for var, value in env.items():
                m.setenv(var, value)
            with pytest.raises(SystemExit) as stopped:
                run_app(access.locate(path), today=TODAY, worker=asked)
        assert stopped.value.code == 2
        assert capsys.readouterr().err == f"cintui: {said}\n"
        assert ran == []  # no screen drawn
    assert "worker" not in config.load_settings()


def test_as_on_an_encrypted_store_whose_passphrase_is_asked_is_refused_in_the_app(
        encrypted_demo_store, monkeypatch, capsys):
    """With the passphrase to type, only the app can read the store: it opens on the
    unlock screen (and refuses `--as` after it, as before:
    test_as_a_worker_not_on_the_store_is_refused_before_any_caseload_opens)."""
    from cintui.app import run_app

    ran = _run_app_seen(monkeypatch)
    run_app(access.locate(encrypted_demo_store), today=TODAY, worker="no.such.person")
    assert ran == ["UnlockScreen"]  # closed here before the passphrase was typed
    assert capsys.readouterr().err == ""


async def test_the_worker_chosen_last_time_who_has_left_is_not_opened_as(demo_store):
    """The worker saved as chosen last time has since left (or was never on this store):
    the demo opened as its typical worker, silently. It says so and asks who you are."""
    from sqlmodel import select

    from cintui.store.models import Worker

    store = open_store(demo_store, None)
    with store.read() as session:
        gone = cases.list_workers(session)[0]
    leaver = gone.username
    with store.session("test.worker") as session:
        row = session.exec(select(Worker).where(Worker.username == leaver)).one()
        row.active, row.left_on = False, TODAY
    store.close()
    # On the question, which stays (a passing notice said it), and a leaver's day said.
    for last, said in ((leaver, f"Chosen here last time: {gone.name} ({leaver}) left on "
                                f"{day_words(TODAY)} and cannot act now: choose who you are."),
                       ("removed.worker", "removed.worker, chosen here last time, is not a "
                                          "worker on this store: choose who you are.")):
        config.save_setting("worker", last)
        app = CintuiApp(access.locate(demo_store), today=TODAY)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert screen_name(app) == "WhoScreen" and app.worker is None
            assert why_asked(app) == said


async def test_as_a_known_worker_switches_and_is_kept(demo_store):
    store = open_store(demo_store, None)
    with store.read() as session:
        other = cases.list_workers(session)[0].username
    store.close()
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=other)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.worker == other
    assert config.load_settings()["worker"] == other


async def test_cintui_user_opens_as_that_worker_as_the_command_line_acts(demo_store,
                                                                         monkeypatch):
    """CINTUI_USER names who the command line acts as; the app opened as the worker chosen
    last time whatever it said (a manager with CINTUI_USER set opened as her worker). It
    comes before the one chosen last time."""
    store = open_store(demo_store, None)
    with store.read() as session:
        last, them = cases.list_workers(session)[:2]
    store.close()
    wanted = them.username
    config.save_setting("worker", last.username)
    monkeypatch.setenv("CINTUI_USER", wanted)
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"
        assert (app.worker, app.actor, app.title) == (
            wanted, wanted, f"cintui · {them.name} ({role_label(them.role)})")



async def test_cintui_user_naming_no_worker_asks_who_you_are_and_says_why(demo_store,
                                                                          monkeypatch):
    """CINTUI_USER naming no worker on the store was passed over silently: the app opened as
    the worker chosen last time (or the demo's typical worker), while the command line
    recorded changes under the name. Now it asks "Who are you?" and says why, offering the
    username likely meant; nothing is remembered until a worker is chosen."""
    store = open_store(demo_store, None)
    with store.read() as session:
        last, meant = (w.username for w in cases.list_workers(session)[:2])
    store.close()
    for named, said in ((meant[:-1], f"CINTUI_USER: no worker called {meant[:-1]!r} (did you "
                         f"mean {meant!r}?): choose who you are"),
                        ("no.such.person", "CINTUI_USER: no worker called 'no.such.person': "
                         "choose who you are")):
        monkeypatch.setenv("CINTUI_USER", named)
        config.save_setting("worker", last)
        app = CintuiApp(access.locate(demo_store), today=TODAY)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert screen_name(app) == "WhoScreen" and app.worker is None
            assert said in why_asked(app)  # on the question, not a passing notice
        assert config.load_settings()["worker"] == last


def why_asked(app) -> str:
    """What the "Who are you?" question says of why it asks, as shown (one line)."""
    return " ".join(str(app.screen.query_one("#why").render()).split())


def _meant_alone(workers) -> tuple[str, str]:
    """A worker's surname mistyped (its last letter dropped) that offers them alone, for a
    worker the list does not show first: (what CINTUI_USER says, their username)."""
    from cintui.domain.workforce import workers_meant

    pairs = [(w.username, w.name) for w in workers]
    for w in reversed(workers[1:]):
        typed = w.name.split()[-1].lower()[:-1]
        if workers_meant(typed, pairs) == [w.username]:
            return typed, w.username
    raise AssertionError("no worker's surname is theirs alone on the demo")


async def test_enter_on_the_question_takes_the_worker_cintui_user_likely_meant(
        demo_store, monkeypatch):
    """CINTUI_USER mistyped (a surname, 'midgly'): the question said "did you mean
    'ava.midgley'" but listed the workers A to Z, so Enter took the first of them, and the
    app (and every change) was theirs. The worker offered is listed first and highlighted:
    read, then Enter (one key), and you act as them."""
    store = open_store(demo_store, None)
    with store.read() as session:
        workers = cases.list_workers(session)
    store.close()
    typed, meant = _meant_alone(workers)
    monkeypatch.setenv("CINTUI_USER", typed)
    for size in ((80, 24), SIZE):
        config.save_setting("worker", workers[0].username)
        app = CintuiApp(access.locate(demo_store), today=TODAY)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert screen_name(app) == "WhoScreen"
            assert f"(did you mean {meant!r}?)" in why_asked(app)
            options = app.screen.query_one("#workers")
            assert options.get_option_at_index(options.highlighted).id == meant
            await pilot.press("enter")
            await until(pilot, lambda app=app: screen_name(app) == "CaseloadScreen")
            person = next(w for w in workers if w.username == meant)
            assert (app.worker, app.actor, app.title) == (
                meant, meant, f"cintui · {person.name} ({role_label(person.role)})")
        assert config.load_settings()["worker"] == meant


async def test_cintui_user_naming_a_worker_who_has_left_says_so_on_the_question(
        demo_store, monkeypatch):
    """CINTUI_USER naming a worker who has left (`worker leave`) said "no worker called
    'old.timer'": it says they left and when; no one is offered in their place."""
    from sqlmodel import select

    from cintui.store.models import Worker

    store = open_store(demo_store, None)
    with store.read() as session:
        leaver = cases.list_workers(session)[-1]
    with store.session("test.worker") as session:
        row = session.exec(select(Worker).where(Worker.username == leaver.username)).one()
        row.active, row.left_on = False, TODAY
    store.close()
    for named in (leaver.username, leaver.name):
        monkeypatch.setenv("CINTUI_USER", named)
        app = CintuiApp(access.locate(demo_store), today=TODAY)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert screen_name(app) == "WhoScreen" and app.worker is None
            assert why_asked(app) == (
                f"CINTUI_USER: {leaver.name} ({leaver.username}) left on "
                f"{day_words(TODAY)} and cannot act now: choose who you are (and set "
                "CINTUI_USER to your username).")
            assert leaver.username not in [o.id for o in app.screen.query_one(
                "#workers")._options]


async def test_as_a_worker_who_has_left_is_refused_saying_so(sqlite_demo_store,
                                                             encrypted_demo_store,
                                                             monkeypatch, capsys):
    """`--as` naming a leaver said "no worker called …": it says they left, when, and how to
    find who can act; one line, exit 2, before any screen (a store read now) or in the app
    (its passphrase typed)."""
    import pytest

    from cintui.app import run_app
    from cintui.store.models import Worker

    said = {}
    for path, key in ((sqlite_demo_store, None), (encrypted_demo_store, PASSPHRASE)):
        store = open_store(path, key)
        with store.read() as session:
            leaver = cases.list_workers(session)[0]
        with store.session("test.worker") as session:
            row = session.get(Worker, session.exec(select(Worker.id).where(
                Worker.username == leaver.username)).one())
            row.active, row.left_on = False, TODAY
        store.close()
        said[path] = (f"--as: {leaver.name} ({leaver.username}) left on {day_words(TODAY)} "
                      "and cannot act now: name a worker on this store (`cintui worker list` "
                      "lists them)")
        said[path, "asked"] = leaver.username
    ran = _run_app_seen(monkeypatch)
    with pytest.raises(SystemExit) as stopped:
        run_app(access.locate(sqlite_demo_store), today=TODAY,
                worker=said[sqlite_demo_store, "asked"])
    assert stopped.value.code == 2 and ran == []
    assert capsys.readouterr().err == f"cintui: {said[sqlite_demo_store]}\n"
    app = CintuiApp(access.locate(encrypted_demo_store), today=TODAY,
                    worker=said[encrypted_demo_store, "asked"])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: app.refusal is not None)
        assert app.refusal == said[encrypted_demo_store] and app.return_code == 2


async def test_on_a_store_with_no_workers_it_says_to_set_up_the_team_first(new_location, cli):
    """A new team's empty store: "Who am I" has no one to list, and says where workers are
    added, rather than showing an empty list; `--as` anyone is refused, saying so."""
    path = new_location("empty.db")
    assert cli("db", "init", "--db", path, "--no-encrypt").code == 0
    app = CintuiApp(access.locate(path), today=TODAY, worker="amira.ashdown")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.return_code == 2 and app.refusal == (
            "--as: no workers on this store yet, so not amira.ashdown: open cintui without "
            "--as and set up the team (Ctrl+P → Set up), or `cintui worker add`")
    app = CintuiApp(access.locate(path), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"  # no one to ask about
        await pilot.press("ctrl+p")
        await type_text(pilot, "who am i")
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "WhoScreen")
        said = str(app.screen.query_one("#none").render())
        assert "No workers on this store yet" in said and "Ctrl+P → Set up" in said
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "CaseloadScreen"


async def test_the_worker_named_as_your_login_is_offered_first(demo_store, monkeypatch):
    """First run on a team's store: the worker whose username is the login cintui runs as
    comes first, so Enter alone says who you are. (CINTUI_USER naming a worker opens as
    them, without asking: test_cintui_user_opens_as_that_worker_as_the_command_line_acts.)"""
    import getpass

    forget_demo_marker(demo_store)
    store = open_store(demo_store, None)
    with store.read() as session:
        target = cases.list_workers(session)[-1]
    store.close()
    monkeypatch.delenv("CINTUI_USER", raising=False)
    monkeypatch.setattr(getpass, "getuser", lambda: target.username)
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "WhoScreen"
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "CaseloadScreen")
        assert app.worker == target.username


async def test_the_list_is_as_the_store_is_after_something_opened_over_it(demo_store):
    """Set-up or a caseload import opened over the question (Ctrl+P) adds workers and
    children: back at the question, they are listed as they are now, not as at start."""
    from cintui.casework import admin

    forget_demo_marker(demo_store)
    app = CintuiApp(access.locate(demo_store), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        who = app.screen
        assert screen_name(app) == "WhoScreen"
        await pilot.press("f1")  # something over it (help, set-up, an import)
        await settle(pilot)
        with app.store.session("test.worker") as session:
            admin.add_worker(session, "new.starter", admin.WorkerInput(
                name="Nia Newstarter", role="social worker"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is who
        await type_text(pilot, "nia")
        options = who.query_one("#workers")
        assert options.option_count == 1
        assert "Nia Newstarter  ·  no team  ·  0 open" in str(options.get_option_at_index(0).prompt)


async def test_the_header_names_the_worker_not_their_login_at_80_columns(demo_store):
    """The header read "cintui · tom.abbiss", where the rest of the app names people:
    at 80x24 it reads the manager's name and role, and where the store is still begins
    beside it; switching worker (Ctrl+P, Who am I) names the one chosen."""
    from textual.widgets._header import HeaderTitle

    store = open_store(demo_store, None)
    with store.read() as session:
        workers = cases.list_workers(session)
    store.close()
    manager = next(w for w in workers if w.role == "team_manager")
    other = next(w for w in workers if w.role == "social_worker")
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = str(app.screen.query_one(HeaderTitle).render())
        assert shown.startswith(f"cintui · {manager.name} (Team manager) — ")
        assert manager.username not in shown
        app.choose_worker()
        await until(pilot, lambda: screen_name(app) == "WhoScreen")
        await type_text(pilot, other.name)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(app) == "CaseloadScreen")
        await settle(pilot)
        shown = str(app.screen.query_one(HeaderTitle).render())
        assert shown.startswith(f"cintui · {other.name} (Social worker) — ")
