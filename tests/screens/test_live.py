"""An open app shows what others changed without a restart (screens/live.py): a real second
process (`cintui visit record` on the same store: a file, or a PostgreSQL database) records
a visit while the app is open; the app's look at the store (`look_now`, what its timer runs)
reads the caseload again in place, the cursor on the same child, and says who did what; an
open form keeps what was typed and says the store changed under it.

Synthetic people only: the demo store (seed 7) at the fixed TODAY.
"""

from __future__ import annotations

import contextlib

import pytest

from cintui.casework import cases
from cintui.screens import live
from cintui.screens.widgets.case_table import CaseTable
from tests.conftest import TODAY, run_subprocess
from tests.screens.test_child import ChildHost, fill, text_of
from tests.screens.test_shell import caseload_app, press_to, settle, until
from tests.store.teams import team  # noqa: F401 - the fixture

SIZE = (120, 40)
OTHER = "morgan.fielding"  # a worker on the demo store, at another computer's command line


def visit_elsewhere(location, reference: str) -> None:
    """Another process records a visit to the child: `cintui visit record`, as OTHER."""
    done = run_subprocess("visit", "record", reference, "--at", f"{TODAY} 09:00",
                          "--purpose", "Check in", "--analysis", "Settled at home",
                          "--db", str(location), "--today", TODAY.isoformat(),
                          env={"CINTUI_USER": OTHER})
    assert done.returncode == 0, done.stderr


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def other_name(location) -> str:
    from cintui.store.engine import open_store

    store = open_store(location, None)
    try:
        with store.read() as session:
            return next(w.name for w in cases.list_workers(session) if w.username == OTHER)
    finally:
        store.close()


@pytest.mark.both_stores
async def test_a_visit_recorded_by_another_process_shows_on_the_open_caseload(demo_store):
    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(CaseTable).rows))
        table = app.screen.query_one(CaseTable)
        for _ in range(5):
            await pilot.press("down")
        chosen = table.current
        assert chosen is not None and chosen.last_visit != TODAY
        watcher = app.live_updates
        watcher.look_now()  # where the store stands as the app opened
        looked = watcher.looks
        watcher.look_now()  # nothing changed: nothing read but the newest entry
        assert watcher.looks == looked + 1 and not notices(app)
        visit_elsewhere(demo_store, chosen.reference)
        watcher.look_now()
        await until(pilot, lambda: table.current is not None
                    and table.current.last_visit == TODAY)
        assert table.current.id == chosen.id  # still on the same child, now re-sorted
        assert notices(app) == [f"Updated: {other_name(demo_store)} ({OTHER}) recorded a visit "
                                f"to {chosen.name}"]
        assert "loading" not in text_of(app.screen, "#summary")


async def test_the_apps_own_save_is_not_news(demo_store):
    """A save made in the app itself is shown by the screen that made it: no notice."""
    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query_one(CaseTable).rows))
        watcher = app.live_updates
        watcher.look_now()
        child = app.screen.query_one(CaseTable).current
        with app.store.session("test.worker") as session:
            cases.find_child(session, child.reference).known_as = "Sunny"
        watcher.look_now()
        await settle(pilot)
        assert not notices(app) and watcher.changed_at == 0


async def known_as_typed(app, pilot):
    """The child's details form opened from the record (`u`), "Pri" typed as known-as."""
    await pilot.press("u")
    await settle(pilot)
    form = app.screen
    assert type(form).__name__ == "ChildFormScreen"
    await fill(pilot, "#known_as", "Pri")
    return form


@pytest.mark.both_stores
async def test_what_is_typed_in_an_open_form_survives_a_change_by_another(demo_store):
    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        live.watch(app).look_now()
        visits_before = len(app.screen.record.visits.visits)
        form = await known_as_typed(app, pilot)
        visit_elsewhere(demo_store, app.reference)
        app.live_updates.look_now()
        await settle(pilot)
        assert app.screen is form and form.query_one("#known_as").value == "Pri"
        said = text_of(form, "#form-info")
        assert said.startswith("Updated: ") and "what you typed stays" in said, said
        record = app.screen_stack[-2]
        assert len(record.record.visits.visits) == visits_before  # not read under the form
        await pilot.press("escape")
        await settle(pilot)
        if app.screen is not record:  # "leave what you typed?"
            await pilot.press("y")
            await settle(pilot)
        assert app.screen is record
        app.live_updates.look_now()  # the next look: the record, behind, read again
        await until(pilot, lambda: len(record.record.visits.visits) == visits_before + 1)


@pytest.mark.both_stores
async def test_an_open_form_says_nothing_of_a_change_to_another_child(demo_store):
    """A worker typing a change to one child's details is not told of a visit recorded to
    another child: it is no clash with what they typed. The record under the form is still
    read again once the form is closed (as for any change by others)."""
    from sqlmodel import select

    from cintui.store.models import Child
    from tests.screens.test_child import read

    app = ChildHost(demo_store)
    another, first, last = read(demo_store, lambda session: session.exec(
        select(Child.reference, Child.first_name, Child.last_name)
        .where(Child.status == "cin_plan", Child.reference != app.reference)).first())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        live.watch(app).look_now()
        form = await known_as_typed(app, pilot)
        visit_elsewhere(demo_store, another)
        app.live_updates.look_now()
        await settle(pilot)
        assert app.screen is form and form.query_one("#known_as").value == "Pri"
        assert text_of(form, "#form-info") == "" and not notices(app)
        record = app.screen_stack[-2]
        await pilot.press("escape")
        await settle(pilot)
        if app.screen is not record:  # "leave what you typed?"
            await pilot.press("y")
            await settle(pilot)
        assert app.screen is record
        app.live_updates.look_now()  # the next look: the record, behind, read again
        await settle(pilot)
        assert notices(app) == [f"Updated: {other_name(demo_store)} ({OTHER}) recorded a "
                                f"visit to {first} {last}"]


async def test_an_open_forms_note_names_its_child_when_another_was_changed_first(demo_store):
    """One person recorded a visit to another child, then one to the form's child, both
    before the next look: the form's note is about its own child (it named the other child,
    the first change, to a worker typing about this one)."""
    from sqlmodel import select

    from cintui.store.models import Child
    from tests.screens.test_child import read

    app = ChildHost(demo_store)
    another = read(demo_store, lambda session: session.exec(
        select(Child.reference).where(Child.status == "cin_plan",
                                      Child.reference != app.reference)).first())
    mine = read(demo_store, lambda session: cases.find_child(session, app.reference))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        live.watch(app).look_now()
        form = await known_as_typed(app, pilot)
        visit_elsewhere(demo_store, another)  # the other child's first
        visit_elsewhere(demo_store, app.reference)
        app.live_updates.look_now()
        await settle(pilot)
        assert app.screen is form and form.query_one("#known_as").value == "Pri"
        assert text_of(form, "#form-info") == (
            f"Updated: {other_name(demo_store)} ({OTHER}) recorded a visit to "
            f"{mine.first_name} {mine.last_name} while this was open: {live.KEPT}.")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_an_open_forms_note_names_an_addendum_under_its_childs_visit(demo_store, size):
    """One person changed another child's details, then added an addendum under a visit to
    the form's child (WIR 2.11: a correction is an addendum): the row has no child of its
    own, its visit's is. The form's note is the addendum (it said the first change, to the
    other child, to a worker typing about this one)."""
    from datetime import UTC, datetime

    from sqlmodel import select

    from cintui.casework import visits
    from cintui.store.engine import open_store
    from cintui.store.models import Child, Visit
    from tests.screens.test_child import read

    visit, reference, first, last = read(demo_store, lambda session: session.exec(
        select(Visit.id, Child.reference, Child.first_name, Child.last_name)
        .join(Child, Child.id == Visit.child_id)
        .where(Visit.status == "final", Child.status == "cin_plan")).first())
    another = read(demo_store, lambda session: session.exec(
        select(Child.id).where(Child.status == "cin_plan", Child.reference != reference)).first())
    app = ChildHost(demo_store, reference)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        live.watch(app).look_now()
        form = await known_as_typed(app, pilot)
        elsewhere = open_store(demo_store, None)  # another computer, as far as the app knows
        try:
            with elsewhere.session(OTHER) as session:
                session.get(Child, another).known_as = "Bee"  # the other child's first
            with elsewhere.session(OTHER) as session:
                visits.add_addendum(session, visit, "Her brother was there too.", actor=OTHER,
                                    now=datetime(2026, 12, 1, 9, tzinfo=UTC))
        finally:
            elsewhere.close()
        app.live_updates.look_now()
        await settle(pilot)
        assert app.screen is form and form.query_one("#known_as").value == "Pri"
        assert text_of(form, "#form-info") == (
            f"Updated: {other_name(demo_store)} ({OTHER}) added to a visit to {first} {last} "
            f"while this was open: {live.KEPT}.")


def test_the_interval_is_a_setting_and_zero_turns_it_off(monkeypatch):
    from cintui.reference import config

    monkeypatch.delenv(live.ENV)
    assert live.seconds() == live.DEFAULT_SECONDS
    config.save_setting("refresh_seconds", "12")
    assert live.seconds() == 12
    monkeypatch.setenv(live.ENV, "0")
    assert live.seconds() == 0
    monkeypatch.setenv(live.ENV, "soon")
    assert live.seconds() == live.DEFAULT_SECONDS
    monkeypatch.delenv(live.ENV)
    config.settings_path().write_text('refresh_seconds = 10\nworker = "ava.midgley"\n')
    config.save_setting("theme", "textual-light")  # F2, or choosing who you are
    assert live.seconds() == 10  # a number written by hand is kept


async def test_on_a_team_server_the_managers_open_app_shows_a_workers_visit(
        team, monkeypatch):  # noqa: F811
    """The manager's app, logged in as the manager; the worker, at their own computer, records
    a visit with their own login. A manager's login may not read the audit trail, so the
    notice does not say who: the row says it."""
    from cintui.app import CintuiApp
    from cintui.store import access

    monkeypatch.delenv("CINTUI_USER", raising=False)
    app = CintuiApp(access.StoreLocation(url=team.url(team.manager)), today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen"
                    and bool(app.screen.query_one(CaseTable).rows))
        table = app.screen.query_one(CaseTable)
        assert table.current.reference == team.child and table.current.last_visit != TODAY
        watcher = app.live_updates
        await until(pilot, lambda: app._full.store is not None)
        watcher.look_now()
        done = run_subprocess("visit", "record", team.child, "--at", f"{TODAY} 09:00",
                              "--purpose", "Check in", "--analysis", "Settled at home",
                              "--today", TODAY.isoformat(),
                              env={"CINTUI_DATABASE_URL": team.url(team.worker)})
        assert done.returncode == 0, done.stderr
        watcher.look_now()
        await until(pilot, lambda: table.current is not None
                    and table.current.last_visit == TODAY)
        assert notices(app) == ["Updated from the store"]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_on_a_team_server_a_workers_open_form_keeps_what_was_typed(
        team, monkeypatch, size):  # noqa: F811
    """A worker, logged in to the team server as themselves, is typing a change to their
    child's details; the manager records a visit to the child from their own computer. The
    worker's login may not read the audit trail, so whose record changed cannot be told:
    the form says the store changed under it, to be safe, without who or what; what was
    typed stays, it saves, and the record, read again for the save, shows both (the next
    look read it once more and said "Updated from the store" a second time)."""
    from cintui.app import CintuiApp
    from cintui.casework import changes
    from cintui.store import access

    monkeypatch.delenv("CINTUI_USER", raising=False)
    app = CintuiApp(access.StoreLocation(url=team.url(team.worker)), today=TODAY)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen"
                    and bool(app.screen.query_one(CaseTable).rows))
        assert app.screen.query_one(CaseTable).current.reference == team.child
        await press_to(pilot, "enter", screen="ChildScreen")
        record = app.screen
        await until(pilot, lambda: record.record is not None)
        visits_before = len(record.record.visits.visits)
        app.live_updates.look_now()
        form = await known_as_typed(app, pilot)
        done = run_subprocess("visit", "record", team.child, "--at", f"{TODAY} 09:00",
                              "--purpose", "Check in", "--analysis", "Settled at home",
                              "--today", TODAY.isoformat(),
                              env={"CINTUI_DATABASE_URL": team.url(team.manager)})
        assert done.returncode == 0, done.stderr
        app.live_updates.look_now()
        await settle(pilot)
        assert app.screen is form and form.query_one("#known_as").value == "Pri"
        assert text_of(form, "#form-info") == (
            f"{changes.ANYTHING} while this was open: {live.KEPT}.")
        assert not notices(app)  # said once, on the form
        await press_to(pilot, "ctrl+s", screen="ChildScreen")  # carrying on: it saves
        assert app.screen is record
        await until(pilot, lambda: "(known as Pri)" in text_of(record, "#child-header"))
        assert len(record.record.visits.visits) == visits_before + 1  # read with the save
        app.live_updates.look_now()  # the next look: nothing more to read, nor to say again
        await settle(pilot)
        assert not notices(app) and len(record.record.visits.visits) == visits_before + 1


async def test_the_managers_waiting_list_shows_a_closure_recommended_elsewhere(demo_store):
    """The team view's w: what waits for a manager's decision. A worker recommends a closure
    from the command line; the open list has it, the cursor on the child it was on."""
    from cintui.app import CintuiApp
    from cintui.store import access

    manager = "noah.elswick"  # the demo's team manager (seed 7)
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        await pilot.press("f4")
        await until(pilot, lambda: type(app.screen).__name__ == "TeamScreen"
                    and app.screen.view is not None)
        team = app.screen
        await press_to(pilot, "w", screen="WaitingScreen")
        waiting = app.screen
        await pilot.press("down")
        was = waiting.rows[waiting.query_one("#waiting").cursor_row].child_id
        before = len(waiting.rows)
        open_now = [r for r in team.view.quality if r.child_id.hex not in
                    {w.child_id.replace("-", "") for w in waiting.rows}]
        chosen = open_now[0]
        watcher = app.live_updates
        watcher.look_now()
        done = run_subprocess("close", "recommend", chosen.reference, "--reason",
                              "no longer in need", "--db", str(demo_store), "--today",
                              TODAY.isoformat(), env={"CINTUI_USER": OTHER})
        assert done.returncode == 0, done.stderr
        watcher.look_now()
        await until(pilot, lambda: len(waiting.rows) == before + 1)
        assert app.screen is waiting
        table = waiting.query_one("#waiting")
        assert waiting.rows[table.cursor_row].child_id == was
        assert any(chosen.name in str(table.get_row_at(i)[0]) for i in range(table.row_count))
        await pilot.press("escape")  # the team view, behind the list: read again now
        await until(pilot, lambda: app.screen is team)
        watcher.look_now()
        assert "loading" not in str(team.query_one("#team-title").render())  # in place
        await until(pilot, lambda: len(team.view.waiting) == before + 1)
        assert f" · {before + 1} to decide (w) · " in str(team.query_one("#team-title").render())


def closures_waiting(location, how_many: int) -> list[tuple[str, str]]:
    """Closures recommended (TRA, BEX 3) for `how_many` children with a plan, ten days ago:
    a long list of decisions waiting. The children with a plan after them: (reference, name)."""
    from datetime import timedelta

    from sqlmodel import select

    from cintui.casework import endings
    from cintui.store.engine import open_store
    from cintui.store.models import Child

    store = open_store(location, None)
    done, others = 0, []
    try:
        with store.read() as session:
            children = session.exec(select(Child.id, Child.reference, Child.first_name,
                                           Child.last_name)
                                    .where(Child.status == "cin_plan")).all()
        for child_id, reference, first, last in children:
            if done == how_many:
                others.append((reference, f"{first} {last}"))
                continue
            with contextlib.suppress(endings.EndingError), store.session(OTHER) as session:
                endings.recommend_closure(session, child_id, on=TODAY - timedelta(10),
                                          by="Morgan Fielding", today=TODAY)
                done += 1  # else a step-down or transfer under way: not this child
    finally:
        store.close()
    return others


@pytest.mark.parametrize(("size", "how_many"), [((80, 24), 24), ((120, 40), 45)])
async def test_all_teams_waiting_list_shows_a_closure_recommended_elsewhere(
        make_demo, size, how_many):
    """A service manager's F4 w: every team's decisions waiting, longer than the screen (at
    each size, closures recommended for `how_many` children first). A worker recommends a
    closure from the command line; the open list has it, read again in place (it was read
    only when opened again), the cursor on the child it was on and on the same line of the
    screen, and says who did what."""
    from cintui.app import CintuiApp
    from cintui.store import access
    from tests.screens.test_child import read

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")
    manager = next(w.username for w in read(path, cases.list_workers)
                   if w.role == "service_manager")
    worker = next(w for w in read(path, cases.list_workers) if w.role == "social_worker")
    others = closures_waiting(path, how_many)
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        await pilot.press("f4")
        await until(pilot, lambda: type(app.screen).__name__ == "ServiceScreen"
                    and app.screen.views is not None)
        await press_to(pilot, "w", screen="WaitingScreen")
        waiting = app.screen
        table = waiting.query_one("#waiting")
        before = len(waiting.rows)
        assert before > table.size.height  # the list scrolls
        await pilot.press(*["down"] * before, *["up"] * 5)
        await settle(pilot)
        was = waiting.rows[table.cursor_row].child_id
        line = table.cursor_row - table.scroll_y  # where it is on the screen
        assert table.scroll_y > 0 and 0 < line < table.size.height - 2
        watcher = app.live_updates
        watcher.look_now()
        reference, name = others[0]  # no decision waiting for them yet
        done = run_subprocess("close", "recommend", reference, "--reason", "no longer in need",
                              "--db", str(path), "--today", TODAY.isoformat(),
                              env={"CINTUI_USER": worker.username})
        assert done.returncode == 0, done.stderr
        watcher.look_now()
        await until(pilot, lambda: len(waiting.rows) == before + 1)
        await settle(pilot)
        assert app.screen is waiting
        assert waiting.rows[table.cursor_row].child_id == was
        assert table.cursor_row - table.scroll_y == line
        assert any(w.reference == reference for w in waiting.rows)
        assert notices(app) == [f"Updated: {worker.name} ({worker.username}) recorded an "
                                f"ending for {name}"]


def service_store(make_demo):
    """The demo store with several teams (seed 1), its service manager's username and a
    social worker."""
    from tests.screens.test_child import read

    path = make_demo("--seed", "1", "--today", TODAY.isoformat(), name="full.db")
    workers = read(path, cases.list_workers)
    manager = next(w.username for w in workers if w.role == "service_manager")
    worker = next(w for w in workers if w.role == "social_worker")
    return path, manager, worker


def recommend_closure_elsewhere(path, worker, reference: str) -> None:
    done = run_subprocess("close", "recommend", reference, "--reason", "no longer in need",
                          "--db", str(path), "--today", TODAY.isoformat(),
                          env={"CINTUI_USER": worker.username})
    assert done.returncode == 0, done.stderr


def to_decide(service) -> int:
    """The title's count of decisions waiting for the service manager ("… · 7 to decide")."""
    import re

    title = str(service.query_one("#service").border_title)
    return int(re.search(r" (\d+) to decide", title).group(1))


def not_waiting(path, service) -> str:
    """A child with a plan and nothing waiting for a decision about them."""
    waiting = {w.reference for v in service.views for w in v.waiting}
    return next(ref for ref, _ in closures_waiting(path, 0) if ref not in waiting)


async def open_service(pilot):
    app = pilot.app
    await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
    await pilot.press("f4")
    await until(pilot, lambda: type(app.screen).__name__ == "ServiceScreen"
                and app.screen.views is not None)
    return app.screen


async def test_all_teams_list_shows_a_closure_recommended_elsewhere_in_place(make_demo):
    """A service manager's F4: every team's line and "N to decide". A worker recommends a
    closure from the command line; the open list counts it, read again in place (it was
    read only when opened again), the cursor on the same team's line."""
    from cintui.app import CintuiApp
    from cintui.store import access

    path, manager, worker = service_store(make_demo)
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager)
    async with app.run_test(size=(80, 24)) as pilot:
        service = await open_service(pilot)
        table = service.query_one("#service")
        await pilot.press("down")
        team = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        assert team  # a team's line, not the service's
        before, rows = to_decide(service), table.row_count
        watcher = app.live_updates
        watcher.look_now()
        recommend_closure_elsewhere(path, worker, not_waiting(path, service))
        watcher.look_now()
        await until(pilot, lambda: to_decide(service) == before + 1)
        assert app.screen is service and table.row_count == rows  # no line twice
        assert table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value == team
        assert notices(app) and notices(app)[-1].startswith(f"Updated: {worker.name}")


async def test_all_teams_list_is_read_again_back_from_the_waiting_list(make_demo):
    """F4 then w: every team's decisions waiting, read again when a worker recommends a
    closure elsewhere; Esc back to all teams' list, whose count was read before the change:
    the next look reads it again in place."""
    from cintui.app import CintuiApp
    from cintui.store import access

    path, manager, worker = service_store(make_demo)
    app = CintuiApp(access.locate(path), today=TODAY, worker=manager)
    async with app.run_test(size=(80, 24)) as pilot:
        service = await open_service(pilot)
        before = to_decide(service)
        reference = not_waiting(path, service)
        await press_to(pilot, "w", screen="WaitingScreen")
        waiting = app.screen
        listed = len(waiting.rows)
        watcher = app.live_updates
        watcher.look_now()
        recommend_closure_elsewhere(path, worker, reference)
        watcher.look_now()
        await until(pilot, lambda: len(waiting.rows) == listed + 1)
        assert to_decide(service) == before  # behind the list: not read yet
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is service)
        watcher.look_now()
        await until(pilot, lambda: to_decide(service) == before + 1)
        assert app.screen is service


@pytest.mark.parametrize("box", ["known_as", "upn"])
async def test_at_80x24_the_forms_note_and_a_notice_leave_the_box_and_save_in_view(
        demo_store, box):
    """A laptop's 80x24: the child's details form, something typed in a box at its top
    (Known as) or its foot (UPN). Another person records a visit to the child: the form's
    note (three lines at this width) sits above Save and Cancel, and the box typed in stays
    in view (the note once covered the buttons). A second visit, with the note already
    there, is said as a notice: it sits over the app's header and the form's title, not
    over the box, Save or the note."""
    from textual.widgets._toast import Toast

    from tests.screens.test_small_terminal import LAPTOP, hidden_on_form

    app = ChildHost(demo_store)
    async with app.run_test(size=LAPTOP, notifications=True) as pilot:  # toasts drawn
        await settle(pilot)
        live.watch(app).look_now()
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        await fill(pilot, f"#{box}", "Pri")
        assert app.focused is form.query_one(f"#{box}") and hidden_on_form(app) == []
        visit_elsewhere(demo_store, app.reference)
        app.live_updates.look_now()
        await settle(pilot)
        note = form.query_one("#form-info")
        assert text_of(form, "#form-info").endswith(f"while this was open: {live.KEPT}.")
        assert note.region.height == 3 and not list(app.screen.query(Toast))
        assert hidden_on_form(app) == []
        visit_elsewhere(demo_store, app.reference)
        app.live_updates.look_now()
        await settle(pilot)
        assert [str(toast.render()).strip() for toast in app.screen.query(Toast)] != []
        assert hidden_on_form(app) == []
        await pilot.press("x")  # what is typed goes where it was going
        assert form.query_one(f"#{box}").value == "Prix"
