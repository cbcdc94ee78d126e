"""My week (issue 7 §1), driven by keys: F3 from anywhere, the groups, Enter to the place
the item is done. Synthetic people only: the demo store (seed 7) at the fixed TODAY."""

from __future__ import annotations

from datetime import date

import pytest

from cintui.app import CintuiApp
from cintui.casework import cases
from cintui.domain.due import GROUP_LABELS
from cintui.store import access
from cintui.store.engine import open_store
from cintui.store.models import Child, Worker
from tests.conftest import TODAY, connect
from tests.screens.test_child import read, text_of
from tests.screens.test_shell import post_burst, press_to, settle, until

SIZE = (120, 40)
REFERENCE = "DEMO00002"  # Maisie: an agreed plan with actions, visits, meetings


def _worker_of(path, reference: str) -> str:
    def find(session):
        child = cases.find_child(session, reference)
        return session.get(Worker, child.worker_id).username
    return read(path, find)


class WeekHost(CintuiApp):
    """The real app on the demo store, as the worker holding `reference`, on that child's
    record: F3 must work from there."""

    def __init__(self, path, reference: str = REFERENCE) -> None:
        super().__init__(access.locate(path), today=TODAY)
        self.path = path
        self.reference = reference

    def on_mount(self, event) -> None:
        event.prevent_default()
        self.store = open_store(self.path, None)
        self.worker = self.actor = _worker_of(self.path, self.reference)
        with self.store.read() as session:
            self.child_id = cases.find_child(session, self.reference).id
        self.push_screen(self.make_screen("child", child_id=self.child_id))


def rows(screen) -> list[tuple[str, list[str]]]:
    from textual.widgets import DataTable

    table = screen.query_one(DataTable)
    out = []
    for i in range(table.row_count):
        key = table.coordinate_to_cell_key((i, 0)).row_key.value
        out.append((key, [str(c) for c in table.get_row_at(i)]))
    return out


async def move_to(pilot, screen, predicate) -> int:
    from textual.widgets import DataTable

    table = screen.query_one(DataTable)
    for i, (key, _cells) in enumerate(rows(screen)):
        item = screen.items.get(key)
        if item is not None and predicate(item):
            table.move_cursor(row=i)
            await pilot.pause()
            return i
    raise AssertionError("no such item on My week")


async def open_week(pilot):
    await settle(pilot)
    await pilot.press("f3")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "MyWeekScreen")
    assert type(pilot.app.screen).__name__ == "MyWeekScreen"
    return pilot.app.screen


async def test_f3_from_a_record_lists_my_childrens_items_grouped_with_rule_and_source(
        demo_store):
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        listed = rows(screen)
        headers = [cells[1] for key, cells in listed if key.startswith("group:")]
        assert headers and headers[0].startswith(GROUP_LABELS["overdue"])
        order = [key.split(":")[1] for key, _ in listed if key.startswith("group:")]
        assert order == sorted(order, key=["overdue", "today", "this_week",
                                           "next_two_weeks", "later"].index)
        items = list(screen.items.values())
        assert items
        # Only this worker's children, each item with the rule and its source.
        mine = read(demo_store, lambda s: {c.reference for c in s.exec(
            __import__("sqlmodel").select(Child).join(Worker, Worker.id == Child.worker_id)
            .where(Worker.username == app.worker)).all()})
        assert {i.child.reference for i in items} <= mine
        assert all(i.rule and i.source for i in items)
        # Overdue items are in the past (or "now": consent), the rest within two weeks.
        for key, cells in listed:
            item = screen.items.get(key)
            if item is None:
                continue
            group = key.split(":")[0]
            if group == "overdue":
                assert item.due is None or item.due < TODAY
                assert cells[3].endswith("overdue") or cells[3] == "now"
            elif item.due is None:  # WAR 4.2: no service begun, consent before support
                assert (group, item.key, cells[0], cells[3]) == (
                    "later", "consent", "—", "before support")
            else:
                assert TODAY <= item.due <= date(2026, 12, 13)
        # The highlighted item in full underneath: rule, source and where Enter goes.
        detail = str(screen.query_one("#week-detail").render())
        assert "Rule:" in detail and "Enter:" in detail
        title = str(screen.query_one("#week-title").render())
        assert "Mon 23 Nov 2026" in title
        assert "My children (" in title and app.worker not in title  # by name, not username


async def test_a_visit_item_opens_the_visit_form_for_that_child(demo_store):
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "visit")
        item = screen.current
        await pilot.press("enter")
        # the form opens once its draft is read (a worker): on a busy server, after a settle
        await until(pilot, lambda: type(app.screen).__name__ == "VisitFormScreen")
        assert str(app.screen.child_id) == item.child.id
        await pilot.press("escape")  # keeps an (empty) draft, back to the list
        await until(pilot, lambda: type(app.screen).__name__ == "MyWeekScreen")
        assert type(app.screen).__name__ == "MyWeekScreen"


async def test_a_visit_typed_from_my_week_faster_than_the_form_opens_is_whole(demo_store):
    """WIR 2.11, nothing typed is lost: on a visit item, Enter, the facts (a y), a sentence
    under each heading, Ctrl+F and y, all read before the form has opened. The keys after
    Enter once reached this list and were lost (the form opened with no fact ticked)."""
    import uuid

    from sqlmodel import select

    from cintui.store.models import Visit
    from tests.screens.test_shell import post_burst
    from tests.screens.test_visit import TEXT_FIELDS, standard_visit

    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "visit")
        child_id = uuid.UUID(screen.current.child.id)

        def visits() -> list:
            return read(demo_store, lambda session: session.exec(
                select(Visit).where(Visit.child_id == child_id)
                .order_by(Visit.visited_at)).all())

        before = len(visits())
        said, burst = standard_visit([("enter", None), ("a", "a"), ("y", "y")])
        post_burst(app, burst)
        await until(pilot, lambda: app.screen is screen and len(visits()) > before)
    visit = visits()[-1]
    assert (visit.child_seen, visit.seen_alone, visit.bedroom_seen) == (True, True, True)
    assert {f: getattr(visit, f) for f in TEXT_FIELDS} == said


async def test_a_plan_action_opens_the_plan_at_its_need(demo_store):
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "plan_action")
        item = screen.current
        assert "(WIR 2.3)" in str(screen.query_one("#week-detail").render())
        await pilot.press("enter")
        await settle(pilot)
        plan = app.screen
        assert type(plan).__name__ == "PlanScreen"
        from textual.widgets import DataTable

        table = plan.query_one("#needs", DataTable)
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        assert key == item.need_key


async def test_a_meeting_item_opens_the_childs_meetings_and_esc_comes_back(demo_store):
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.target == "meetings")
        item = screen.current
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ != "MyWeekScreen")
        child = app.screen
        assert type(child).__name__ == "ChildScreen"
        assert str(child.child_id) == item.child.id and child.active_tab == "meetings"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_my_team_shows_the_whole_teams_items(demo_store):
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        mine = {i.child.worker_username for i in screen.items.values()}
        await pilot.press("2")
        await settle(pilot)
        team = {i.child.worker_username for i in screen.items.values()}
        assert mine == {app.worker} and mine < team
        assert "My team" in str(screen.query_one("#week-title").render())


async def test_a_wider_terminal_gives_names_and_actions_the_room(demo_store):
    """Child and What share the spare width: at 120 columns an action is cut, at 180 it
    shows whole; resizing keeps the list and the highlighted line."""
    from textual.widgets import DataTable

    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        table = screen.query_one(DataTable)
        narrow = [c.width for c in table.columns.values()]
        before = rows(screen)
        await pilot.resize_terminal(180, 40)
        await settle(pilot)
        wide = [c.width for c in screen.query_one(DataTable).columns.values()]
        assert wide[1] > narrow[1] and wide[2] > narrow[2]
        assert wide[0] == narrow[0] and wide[3:] == narrow[3:]
        assert rows(screen) == before


async def test_a_resize_that_changes_the_columns_keeps_the_highlighted_item(demo_store):
    """Narrowed to 80 columns (no Source, no reference) and widened again, the list is
    built anew: the highlighted item stays highlighted (it went back to the first item)."""
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        items = [key for key, _cells in rows(screen) if not key.startswith("group:")]
        assert len(items) >= 4, "the demo's week has items to move down to"
        await pilot.press("down", "down", "down")
        chosen = screen.current
        assert chosen == screen.items[items[3]]
        for size in ((80, 24), SIZE):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert screen.current == chosen
            assert chosen.child.name in text_of(screen, "#week-detail")


async def test_every_what_is_whole_at_80_columns_consent_included(demo_store):
    """At 80 columns a missing consent read "No valid consent to a CIN serv…": every item's
    What that is ours (not a plan action's own words) fits its column, on my team's list,
    where a Worker column now shares the width (the line underneath says it in full)."""
    from textual.widgets import DataTable

    app = WeekHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_week(pilot)
        await pilot.press("2")  # my team: more children, a missing consent among them
        await settle(pilot)
        labels = [str(c.label) for c in screen.query_one(DataTable).columns.values()]
        what = labels.index("What")
        width = list(screen.query_one(DataTable).columns.values())[what].width
        items = [screen.items[key] for key, _ in rows(screen) if key in screen.items]
        assert any(i.key == "consent" for i in items)
        whats = {cells[what] for key, cells in rows(screen)
                 if key in screen.items and screen.items[key].key in ("consent", "visit",
                                                                     "review", "minutes")}
        assert whats & {"No valid consent (CIN)", "No consent (CIN)"}
        assert all(len(w) <= width and not w.endswith("…") for w in whats), (whats, width)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_manager_sees_whose_each_item_is_on_the_teams_week(demo_store, size):
    """A team manager's week (their team's items) did not say whose each item was: at 80
    columns nobody could tell whose overdue visit it was. A Worker column gives each item's
    worker by first name, every column on the screen; my own week has none."""
    from textual.widgets import DataTable

    from cintui.casework import cases as case_reads

    manager = read(demo_store, lambda session: next(
        w for w in case_reads.list_workers(session)
        if w.role == "team_manager" and not w.open_children))
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager.username)
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_week(pilot)
        await until(pilot, lambda: screen.grouped is not None)
        table = screen.query_one(DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[:3] == ["Due", "Child", "Worker"], labels
        shown = [(screen.items[key], cells) for key, cells in rows(screen)
                 if key in screen.items]
        overdue_visits = [(i, cells) for i, cells in shown
                          if i.key == "visit" and i.state.name == "OVERDUE"]
        assert overdue_visits
        assert len({i.child.worker_username for i, _ in shown}) > 1  # a team's
        for item, cells in shown:
            assert item.child.worker.split()[0] == cells[2], (item.child, cells)
        drawn = sum(c.get_render_width(table) for c in table.columns.values())
        assert drawn <= table.scrollable_content_region.width and table.max_scroll_x == 0
        await pilot.press("1")  # my own children: no Worker column
        await until(pilot, lambda: "My children" in str(
            screen.query_one("#week-title").render()))
        assert "Worker" not in [str(c.label) for c in table.columns.values()]


def test_worker_names_are_first_names_with_an_initial_where_two_share_one():
    from cintui.domain.due import ChildRef, DueItem
    from cintui.domain.timescales import DueState
    from cintui.screens.my_week import worker_names

    def item(user: str, name: str) -> DueItem:
        return DueItem(child=ChildRef(id="1", reference="R", name="C", worker=name,
                                      worker_username=user),
                       key="visit", label="Next visit", due=TODAY, state=DueState.DUE_TODAY,
                       working_days_left=0, rule="", source="")

    assert worker_names([item("sam.o", "Sam Okoro"), item("sam.p", "Sam Patel"),
                         item("iris", "Iris Greenhalgh"), item("", "")]) == {
        "sam.o": "Sam O.", "sam.p": "Sam P.", "iris": "Iris", "": "—"}


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_the_week_fits_the_screen_at_every_width(demo_store, width):
    """Every column of My week is on the screen whatever its width: at 100 columns the
    Source column once ran off its edge ("TRA (Assess"). Under 120 it goes (the line
    under the table gives it for the highlighted item); from 120 it is whole."""
    from textual.widgets import DataTable

    app = WeekHost(demo_store)
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await open_week(pilot)
        table = screen.query_one(DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert ("Source" in labels) == (width >= 120)
        drawn = sum(c.get_render_width(table) for c in table.columns.values())
        assert drawn <= table.scrollable_content_region.width
        assert table.max_scroll_x == 0


def test_my_week_snapshot(demo_store, snap_compare):
    """My week at 120x40 for the worker holding DEMO00002 (demo seed 7, fixed TODAY)."""
    app = WeekHost(demo_store)

    async def ready(pilot) -> None:
        await open_week(pilot)
        app.sub_title = "UNENCRYPTED STORE · demo.db"
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_a_managers_team_week_snapshot(demo_store, snap_compare, size):
    """My week for a team manager holding no children (the team's items, a Worker column),
    at 80x24 and 120x40 (demo seed 7, fixed TODAY)."""
    from cintui.casework import cases as case_reads

    manager = read(demo_store, lambda session: next(
        w for w in case_reads.list_workers(session)
        if w.role == "team_manager" and not w.open_children))
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager.username)

    async def ready(pilot) -> None:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_week(pilot)
        await until(pilot, lambda: screen.grouped is not None)
        app.sub_title = "UNENCRYPTED STORE · demo.db"
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


async def test_enter_on_a_step_down_goes_to_the_step_down_and_esc_to_the_record(demo_store):
    """WIR 3: a step-down agreed and not completed is on My week until it is done; Enter
    opens the step-down (where `x` completes it); Esc lands on the child's record."""
    with connect(demo_store) as conn:
        (reference,) = conn.execute(
            "SELECT c.reference FROM ending e JOIN child c ON c.id = e.child_id "
            "WHERE e.kind = 'step_down' AND e.status = 'approved'").fetchone()
    app = WeekHost(demo_store, reference)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "step_down"
                      and i.child.reference == reference)
        assert "x: complete" in str(screen.query_one("#week-detail").render())
        await press_to(pilot, "enter", screen="StepDownScreen")
        assert type(app.screen).__name__ == "StepDownScreen"
        await press_to(pilot, "escape", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        assert app.screen.child_id == app.child_id


async def test_a_plan_with_no_positive_change_is_a_conference_to_consider_wir_2_3(demo_store):
    """WIR 2.3 on the worker's own list: a plan with no need rated better in six months is
    "CP conference to consider", overdue since the six months ran out; Enter opens the
    record, whose Summary says why, and D there records the conference considered."""
    from cintui.casework import caseload, record

    def stalled(session):
        return sorted(c.reference for c in caseload.list_children(session, TODAY,
                                                                   open_only=True)
                      if record.no_change_prompt(session, c.id, TODAY))

    reference = read(demo_store, stalled)[0]
    app = WeekHost(demo_store, reference)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        mine = {i.child.reference for i in screen.items.values() if i.key == "no_change"}
        assert reference in mine and mine <= set(read(demo_store, stalled))
        await move_to(pilot, screen, lambda i: i.key == "no_change"
                      and i.child.reference == reference)
        item = screen.current
        assert item.due < TODAY and item.source == "WIR 2.3"
        left = list(screen.query_one("#week-table").columns.values())[3].width
        assert all(len(cells[3]) <= left for _key, cells in rows(screen))  # "150 wd overdue"
        detail = " ".join(str(screen.query_one("#week-detail").render()).split())
        assert "no need rated better since" in detail and "D there: the conference considered" in detail
        await pilot.press("enter")
        await until(pilot, lambda: "No need has improved" in text_of(app.screen, "#details"))
        assert type(app.screen).__name__ == "ChildScreen"
        assert str(app.screen.child_id) == item.child.id
        await press_to(pilot, "D", screen="DecisionFormScreen")
        assert app.screen.query_one("#kind").value == "cp_conference"


async def test_a_slow_list_shows_it_is_loading_until_its_rows_arrive(demo_store, monkeypatch):
    """Nothing looks dead (issue "Half the keys"): when My week takes longer than 150 ms to
    read (a 5,000-child store, a busy server), its table shows the loading indicator at
    once, and the rows replace it when they come."""
    import threading

    from textual.widgets import DataTable

    from cintui.casework import due as due_cases

    release = threading.Event()
    real = due_cases.load_due

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(due_cases, "load_due", slow)
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause(0.4)
        screen = app.screen
        table = screen.query_one(DataTable)
        assert table.loading  # Textual draws its LoadingIndicator over the table
        release.set()
        await settle(pilot)
        assert not table.loading
        assert screen.items


async def test_a_loading_timer_that_fires_as_the_rows_arrive_does_not_cover_them(demo_store):
    """Nothing looks dead: when the 150 ms timer has already fired as the rows arrive (a load
    of about 150 ms, a busy machine), its queued callback must not put the loading indicator
    back over the rows. Before, the list stayed covered and Enter did nothing (seen on
    PostgreSQL under load: Enter on a step-down left My week in front)."""
    from textual.widgets import DataTable

    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        loading = screen._loading_shown()
        loading.start()       # a reload begins
        stale = loading._show  # its timer fires: the callback is queued...
        loading.done()        # ...the rows are shown first...
        stale()               # ...then the queued callback runs
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert not table.loading
        await pilot.press("down")
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ != "MyWeekScreen")


async def test_a_manager_holding_no_children_sees_the_teams_week(demo_store):
    """F3 for a team manager (holding no children) was an empty week every time: it opens
    on the team's items, saying why; 1 is their own. The title names them as the app names
    people, "My team (Tom Abbiss: …)": it said "My team (tom.abbiss)", the username."""
    from cintui.casework import cases as case_reads

    manager = read(demo_store, lambda session: next(
        w for w in case_reads.list_workers(session)
        if w.role == "team_manager" and not w.open_children))
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager.username)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_week(pilot)
        await until(pilot, lambda: screen.grouped is not None)
        title = str(screen.query_one("#week-title").render())
        assert f"My team ({manager.name}: you hold no children, 1 for yours)" in title
        assert manager.username not in title
        assert screen.items  # the team's
        await pilot.press("1")
        await until(pilot, lambda: "My children" in str(
            screen.query_one("#week-title").render()))
        title = str(screen.query_one("#week-title").render())
        assert not screen.items and "you hold no" not in title
        assert f"My children ({manager.name})" in title


async def test_a_young_person_turning_18_is_on_my_week_and_enter_opens_the_closure_s17_10(
        new_location, cli, tmp_path):
    """s17(10) Children Act 1989: a child in need is under 18. A team's store from
    `db init`: Kai, imported at 17 and 18 on Tue 1 Dec, is on Amira's week under the next
    two weeks, the line under the list saying what ends and that Enter opens the closure
    (where r recommends it: RC6 for adult services); Enter does."""
    from tests.screens.test_caseload import imported_caseload

    path = imported_caseload(new_location, cli, tmp_path,
                             "reference,first_name,last_name,dob,worker,referral_date\n"
                             "LCS9,Kai,Almost,01/12/2008,amira.ashdown,02/11/2026\n")
    app = WeekHost(path, "LCS9")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "turns_18")
        (item,) = [i for i in screen.items.values() if i.key == "turns_18"]
        assert (item.due, item.label) == (date(2026, 12, 1), "Turns 18: CIN support ends")
        detail = text_of(screen, "#week-detail")
        assert "no longer a child in need" in " ".join(detail.split()), detail
        # All of it shows in the box's five lines at 80 columns, where Enter goes, last.
        box = screen.query_one("#week-detail")
        shown = " ".join(box.render_line(y).text for y in range(box.size.height))
        assert "r: recommend it, RC6 for adult services" in " ".join(shown.split()), shown
        await press_to(pilot, "enter", screen="ClosureScreen")
        assert type(app.screen).__name__ == "ClosureScreen"


def _kai(new_location, cli, tmp_path):
    """A store with Kai, autistic, 18 on Thu 14 Oct 2027, on Amira's caseload (imported)."""
    from tests.screens.test_caseload import imported_caseload

    return imported_caseload(new_location, cli, tmp_path,
                             "reference,first_name,last_name,dob,worker,referral_date,"
                             "disabilities\n"
                             "LCS7,Kai,Planned,14/10/2009,amira.ashdown,02/11/2026,AUT\n")


async def test_a_disabled_young_person_is_on_my_week_a_year_ahead_to_plan_for_adulthood(
        new_location, cli, tmp_path):
    """WAR 4.2 ("smooth transitional arrangements where lifelong support is required"):
    Kai, autistic, 17 and 18 on Thu 14 Oct 2027, was on Amira's week only in its last two
    weeks, too late to refer him to adult social care. Now he is there under Later, the
    date with its year; Enter opens his circumstances at Adult social care, r chooses
    "referred", Ctrl+S saves it; back on the week (Esc from his record), the item has gone
    to the usual window, saying he was referred."""
    app = WeekHost(_kai(new_location, cli, tmp_path), "LCS7")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "turns_18")
        (item,) = [i for i in screen.items.values() if i.key == "turns_18"]
        assert (item.due, item.label, item.pinned) == (date(2027, 10, 14),
                                                      "Plan for adulthood", True)
        (row,) = [cells for key, cells in rows(screen) if screen.items.get(key) is item]
        assert row[0] == "14 Oct 2027"  # not "14 Oct": 11 months ahead, in another year
        # and his consent, with no service begun: needed before support starts (WAR 4.2)
        assert "Later 2" in " ".join(text_of(screen, "#week-title").split())
        box = screen.query_one("#week-detail")
        shown = " ".join(" ".join(box.render_line(y).text
                                  for y in range(box.size.height)).split())
        assert "refer to adult social care in good time" in shown, shown
        assert "Enter: record the referral to adult social care (WAR 4.2)" in shown, shown
        await press_to(pilot, "enter", screen="CircumstancesFormScreen")
        form = app.screen
        assert form.focused is form.query_one("#adult_social_care")
        await pilot.press("r")
        await pilot.pause()
        assert form.query_one("#adult_social_care").value == "referred"
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert "Adult social care: referred, for support after 18" in " ".join(
            text_of(app.screen, "#details").split())
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "MyWeekScreen"
                    and not any(i.key == "turns_18" for i in app.screen.items.values()))
        assert "Later 1" in text_of(app.screen, "#week-title")  # the consent alone


async def test_the_referral_to_adult_social_care_records_its_contact_for_the_letters(
        new_location, cli, tmp_path):
    """WAR 4.2, RC6. The circumstances form recorded the referral but not whom the family
    would call at adult social care, so the closure letters could not say. Now the box
    under Adult social care takes it: r, Tab, the contact, Ctrl+S; the Summary says it. A
    contact typed with no referral chosen is refused beside the box, nothing saved."""
    app = WeekHost(_kai(new_location, cli, tmp_path), "LCS7")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "turns_18")
        await press_to(pilot, "enter", screen="CircumstancesFormScreen")
        form = app.screen
        await pilot.press("tab", *"Ana Petrov 01926 410500", "ctrl+s")
        await until(pilot, lambda: "record the referral too" in text_of(
            form, "#adult_contact-error"))
        assert app.screen is form  # nothing saved
        await pilot.press("shift+tab", "r", "tab")
        await pilot.pause()
        assert form.focused is form.query_one("#adult_contact")
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert ("Adult social care: referred, for support after 18 (contact: Ana Petrov "
                "01926 410500)") in " ".join(text_of(app.screen, "#details").split())


async def test_turning_18_accepted_with_no_adult_contact_says_so_on_my_week_war_4_2(
        new_location, cli, tmp_path):
    """WAR 4.2, RC6. Kai, 18 on Tue 1 Dec, accepted by adult social care with no contact
    recorded: the letters would not say whom the family call there, and nothing said so
    until they were written. His turning-18 item now says it, at 80×24 with where Enter
    goes still in the box; once the contact is recorded, it no longer does."""
    from tests.screens.test_caseload import imported_caseload

    path = imported_caseload(new_location, cli, tmp_path,
                             "reference,first_name,last_name,dob,worker,referral_date,"
                             "disabilities\n"
                             "LCS9,Kai,Almost,01/12/2008,amira.ashdown,02/11/2026,AUT\n")
    assert cli("child", "circumstances", "LCS9", "--adult-social-care", "accepted", "--on",
               "2026-11-20", "--db", path, "--today", "2026-11-23").code == 0

    async def box_of_turning_18() -> str:
        app = WeekHost(path, "LCS9")
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_week(pilot)
            await move_to(pilot, screen, lambda i: i.key == "turns_18")
            box = screen.query_one("#week-detail")
            return " ".join(" ".join(box.render_line(y).text
                                     for y in range(box.size.height)).split())

    shown = await box_of_turning_18()
    assert "no contact at adult social care recorded: the closure letters name it" in shown
    assert "Enter: the child's closure" in shown, shown
    assert cli("child", "circumstances", "LCS9", "--adult-contact", "Ana Petrov, 0151 606 "
               "2020", "--db", path, "--today", "2026-11-23").code == 0
    shown = await box_of_turning_18()
    assert "no contact at adult social care" not in shown, shown


async def test_up_and_down_step_from_item_to_item_past_the_groups_headings(demo_store):
    """A group's heading ("Next two weeks (3)") is not a stop: ↓ from the last overdue item
    lands on the first of the next group, ↑ back on the overdue one, ↑ at the top stays on
    the first item; each key shows an item under the list, so Enter always opens one."""
    app = WeekHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        listed = [key for key, _cells in rows(screen)]
        items = [key for key in listed if not key.startswith("group:")]
        assert len(listed) - len(items) >= 2, "the demo's week has at least two groups"
        seen = [screen.current]
        for _ in items[1:]:
            await pilot.press("down")
            seen.append(screen.current)
        assert seen == [screen.items[key] for key in items]
        for _ in items[1:]:
            await pilot.press("up")
        assert screen.current == screen.items[items[0]]
        await pilot.press("up")
        assert screen.current == screen.items[items[0]]
        assert "Enter:" in text_of(screen, "#week-detail")
        # Typed ahead, all at once: each ↓ counts from where the one before landed.
        post_burst(app, [("down", None)] * (len(items) - 1))
        await settle(pilot)
        assert screen.current == screen.items[items[-1]]


async def test_consent_before_any_service_is_needed_before_support_not_overdue(
        new_location, cli, tmp_path):
    """WAR 4.2: consent to a CIN service is recorded "before support is given". Kai, referred
    on 2 Nov with no support started and no plan, showed "No valid consent (CIN service)"
    under Overdue, "now", and his worker's week counted it overdue. It is under Later:
    "Consent before support", the Due column "—", Left "before support", and the line under
    the list says it is needed before support starts, and why."""
    app = WeekHost(_kai(new_location, cli, tmp_path), "LCS7")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "consent")
        (row,) = [(key, cells) for key, cells in rows(screen)
                  if getattr(screen.items.get(key), "key", "") == "consent"]
        key, cells = row
        assert key.startswith("later:")
        assert (cells[0], cells[3]) == ("—", "before support")
        assert "Consent before support" in cells[2]
        assert "Overdue 0" in " ".join(text_of(screen, "#week-title").split())
        box = screen.query_one("#week-detail")
        shown = " ".join(" ".join(box.render_line(y).text
                                  for y in range(box.size.height)).split())
        assert "Consent to a CIN service · before support starts" in shown, shown
        assert "no one's consent is recorded (WAR 4.2)" in shown, shown
        assert "due now" not in shown


def _longest_consent_reason(path) -> str:
    """On the worker's caseload: a young person of 17 at the referral, their mother's
    consent to the service given and their own refused: the longest reason
    `domain.consent.service_reason` gives (WIR 2.1, 2.2), with the child's first name, the
    mother's name and her relationship as long as the store holds them."""
    from cintui.casework import record

    first = ("Anastasia-Maria Katherine Oluwaseun " * 3)[:100].strip()
    mother = ("Layla Margaret Haddad-Fitzgerald " * 7)[:200].strip()
    store = open_store(path, None)
    try:
        with store.session("test.worker") as session:
            child = cases.add_child(session, cases.NewChild(
                first_name=first, last_name="Example", dob=date(2009, 6, 1),
                reference="CS17", referral_date=date(2026, 11, 2),
                worker=_worker_of(path, REFERENCE)), TODAY)
            mum = record.add_person(session, child.id, record.PersonInput(
                name=mother, relationship=("Mother, " * 12)[:80].strip(),
                parental_responsibility=True))
            for person, decision in ((mum.person_id, "given"), (None, "refused")):
                record.record_consent(session, child.id, record.ConsentInput(
                    scope="service", decision=decision, decided_on=date(2026, 11, 20),
                    person_id=person), TODAY)
            why = record.service_reason(session, child, TODAY)
    finally:
        store.close()
    assert why.startswith(f"{first} (17) refused their own consent") and mother in why
    assert len(why) > 400  # the template's longest, the names at their longest
    return why


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_long_consent_reason_leaves_the_enter_line_in_view(demo_store, size):
    """WIR 2.1, 2.2: a young person's own refusal, their mother's consent given, says who
    gave it, when, and what follows; with long names it ran on past the five lines under
    the list at 80x24 and hid the line that says what Enter does. The reason is cut after
    a word with "…" to the lines left (the consent tab, Enter, says it whole), and the
    child's name, the rule and the Enter line stay in view."""
    why = _longest_consent_reason(demo_store)
    app = WeekHost(demo_store)
    async with app.run_test(size=size) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "consent"
                      and i.child.reference == "CS17")
        box = screen.query_one("#week-detail")
        lines = [box.render_line(y).text.rstrip() for y in range(box.size.height)]
        assert len(lines) <= 5, lines
        assert lines[0].startswith("Anastasia-Maria"), lines
        assert lines[-1].strip() == "Enter: the child's consent", lines
        shown = " ".join(" ".join(lines).split())
        assert "Rule: consent to the service recorded before support is given (WAR 4.2) · " \
            f"{why[:40]}" in shown, shown
        assert shown.split(" Enter: ")[0].endswith("…"), shown  # the rest on the tab
        await press_to(pilot, "enter", screen="ChildScreen")
        tab = " ".join(text_of(app.screen, "#consent-status").split())
        assert why in tab


async def test_each_groups_heading_is_read_whole_on_a_managers_week_at_80x24(demo_store):
    """The team's week at 80x24, with its Worker column: each group's heading has its
    count ("Next two weeks (17)"); the Child column it sits in read "Next two weeks (" and
    hid the count."""
    from cintui.casework import cases as case_reads

    manager = read(demo_store, lambda session: next(
        w for w in case_reads.list_workers(session)
        if w.role == "team_manager" and not w.open_children))
    app = CintuiApp(access.locate(demo_store), today=TODAY, worker=manager.username)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "CaseloadScreen")
        screen = await open_week(pilot)
        await until(pilot, lambda: screen.grouped is not None)
        table = screen.query_one("#week-table")
        child = list(table.columns.values())[1]
        headings = [str(table.get_row(key)[1]) for key in table.rows
                    if str(key.value).startswith("group:")]
        assert any(h.startswith("Next two weeks (") and len(h) > 16 for h in headings)
        for heading in headings:
            assert len(heading) <= child.width, (heading, child.width)
        assert table.max_scroll_x == 0  # the columns still fit: What gave up the room
