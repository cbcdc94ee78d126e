"""A team manager's week by keys, on a team set up from an empty store as a user would
(the authority, a team, its workers, children by the command line): the trips a manager
met walking it, each pressed in the app. Synthetic people only."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cintui.app import CintuiApp
from cintui.domain.chronology import allocation_entries
from cintui.store import access
from cintui.store.models import Child, Reallocation, Team, Worker
from tests.conftest import TODAY
from tests.screens.test_child import read
from tests.screens.test_shell import SIZE, press_to, screen_name, settle, type_text, until

DAY = ("--today", TODAY.isoformat())
TEAM = (
    ("authority", "set", "--name", "Exampleshire County Council", "--la", "820"),
    ("team", "add", "Safeguarding South", "--service", "Safeguarding and Support"),
    ("worker", "add", "tom.hale", "--name", "Tom Hale", "--role", "team manager", "--team",
     "south"),
    ("worker", "add", "amira.ashdown", "--name", "Amira Ashdown", "--role", "social worker",
     "--team", "south"),
    ("worker", "add", "ben.cole", "--name", "Ben Cole", "--role", "social worker", "--team",
     "south"),
    ("child", "add", "--first-name", "Ruby", "--last-name", "Synthetic", "--dob", "2015-08-08",
     "--referral-date", "2026-11-02", *DAY),  # a referral no one holds yet
    ("child", "add", "--first-name", "Leo", "--last-name", "Synthetic", "--dob", "2017-03-12",
     "--referral-date", "2026-10-01", "--worker", "amira.ashdown", *DAY),
)


@pytest.fixture
def team(scripted_db):
    return scripted_db(TEAM, "team.db", user="tom.hale")


async def open_child(app, pilot, name: str) -> None:
    """From the caseload: everyone's children, the filter, Enter to the list, Enter."""
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("/")
    await type_text(pilot, name)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    await press_to(pilot, "enter", screen="ChildScreen")


def held(path, first: str) -> tuple[str | None, str, str | None, list]:
    """The child's worker, service and team, and their reallocations, from the store."""
    def look(session):
        child = session.exec(select(Child).where(Child.first_name == first)).one()
        team = session.get(Team, child.team_id) if child.team_id else None
        worker = session.get(Worker, child.worker_id).username if child.worker_id else None
        moves = session.exec(select(Reallocation).where(
            Reallocation.child_id == child.id)).all()
        return worker, child.service, team.name if team else None, [
            (m.by, m.reallocated_on) for m in moves]
    return read(path, look)


async def test_allocating_a_referral_from_its_details_is_the_managers_reallocation(team):
    """Tom allocates Ruby, a referral no one holds, to Ben from her details (u, the
    Allocated worker box): her team and service are Ben's, and her chronology says who
    allocated her and when, as the team view's reallocation does. The box changed the
    worker and team alone, with no trace in the record, and left the service blank."""
    app = CintuiApp(access.locate(team), today=TODAY, worker="tom.hale")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_child(app, pilot, "Ruby")
        await press_to(pilot, "u", screen="ChildFormScreen")
        form = app.screen
        await until(pilot, lambda: form.query_one("#first_name").value == "Ruby")
        form.query_one("#worker_id").focus()
        await type_text(pilot, "ben")
        await settle(pilot)
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
    assert held(team, "Ruby") == ("ben.cole", "Safeguarding and Support",
                                  "Safeguarding South", [("Tom Hale", TODAY)])


async def test_a_social_worker_cannot_move_a_child_from_its_details(team):
    """Amira, a social worker, chooses Ben in Leo's details: refused beside the box, as
    `cintui child reallocate` refuses her (only managers reallocate), nothing saved. The
    form moved Leo to Ben whoever typed it."""
    app = CintuiApp(access.locate(team), today=TODAY, worker="amira.ashdown")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_child(app, pilot, "Leo")
        await press_to(pilot, "u", screen="ChildFormScreen")
        form = app.screen
        await until(pilot, lambda: form.query_one("#first_name").value == "Leo")
        form.query_one("#known_as").focus()
        await type_text(pilot, "Lee")
        form.query_one("#worker_id").focus()
        await type_text(pilot, "ben")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "needs a team manager or service manager" in str(
            form.query_one("#worker_id-error").render()))
        assert screen_name(app) == "ChildFormScreen"
        assert "amira.ashdown is a social worker" in str(
            form.query_one("#worker_id-error").render())
    assert held(team, "Leo")[0] == "amira.ashdown"
    assert read(team, lambda s: s.exec(select(Child.known_as).where(
        Child.first_name == "Leo")).one()) == ""


def test_a_first_allocation_says_allocated_not_reallocated():
    """A child no one held before: "Allocated to Ben Cole", not "Reallocated to"."""
    from cintui.domain.workforce import ReallocationFact

    entry, = allocation_entries([ReallocationFact(TODAY, "Ben Cole", "", "Tom Hale")])
    assert entry.summary == "Allocated to Ben Cole"


async def test_census_items_name_the_child_say_it_all_and_enter_opens_the_record(team):
    """Census checks at 80x24 (DfE CIN census 8770Q): F4, the census table, Enter on Amira
    lists her children to clear. Each is named (the list gave a reference alone), what is
    wrong and what to fix are read whole under the list (cut at the box's edge, the fix
    past it), and Enter opens the child's record to put it right (it did nothing); Esc
    from the record is the team view."""
    app = CintuiApp(access.locate(team), today=TODAY, worker="tom.hale")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "f4", screen="TeamScreen")
        screen = app.screen
        census = screen.query_one("#census")
        await until(pilot, lambda: census.row_count == 1)
        while app.focused is not census:
            await pilot.press("tab")
        await press_to(pilot, "enter", screen="CensusWorkerScreen")
        items = app.screen.query_one("#census-items")
        await until(pilot, lambda: items.row_count == 1)
        assert str(items.get_row_at(0)[0]) == "Leo Synthetic"
        assert str(items.get_row_at(0)[1]) == "8770Q"
        detail = str(app.screen.query_one("#census-items-detail").render())
        assert detail.startswith("Leo Synthetic ")
        assert "8770Q: no UPN for a child of school age" in " ".join(detail.split())
        assert "To fix: " in detail
        await press_to(pilot, "enter", screen="ChildScreen")
        assert "Leo Synthetic" in " ".join(str(w.render()) for w in app.screen.query("Static"))
        await press_to(pilot, "escape", screen="TeamScreen")


async def test_the_header_names_who_decides_a_step_down_as_on_every_screen(team, cli):
    """WIR 3: Tom opens Leo's step-down to agree it; the header still says who is acting,
    "cintui · Tom Hale (Team manager)", as the closure's screen does. It read "Step-down to
    early help", the screen's own first line again."""
    result = cli("stepdown", "record", "Leo", "--service", "Early Help South", "--lead",
                 "Pat Lee", "--conversation", "yes", "--family-consent", "yes",
                 "--unmet-need", "no", "--by", "amira.ashdown", "--db", team, *DAY)
    assert result.code == 0, result.err
    app = CintuiApp(access.locate(team), today=TODAY, worker="tom.hale")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_child(app, pilot, "Leo")
        await press_to(pilot, "S", screen="StepDownScreen")
        header = str(app.screen.query_one("HeaderTitle").render())
        assert header.startswith("cintui · Tom Hale (Team manager)"), header
        assert "Step-down to early help: Leo Synthetic" in str(
            app.screen.query_one("#ending-state").render())
