"""The Signs of Safety map (`M` on the child's record; STO 6.3) and the Graded Care Profile 2
screen (`G`; STO 4.3, 6.11, 7.1; TRA), by keys, from a store with one child whose plan draft
the worker wrote in the plan editor. Synthetic people only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from cintui.casework import cases, plans, record
from cintui.domain.plan import Need, PlanAction
from cintui.store.engine import open_store
from tests.conftest import TODAY, plan_started
from tests.screens.test_child import SIZE, ChildHost, audit_entities, cells, fill, text_of
from tests.screens.test_shell import held_back, post_burst, press_to, settle, until, until_shown
from tests.screens.test_supervision import empty_store  # noqa: F401 (fixture)


@pytest.fixture
def planned_store(empty_store):  # noqa: F811
    """The child's plan draft as the plan editor saves it: a Red worry with an action, and a
    strength."""
    store = open_store(empty_store, None)
    try:
        with store.session("amira") as session:
            child = cases.find_child(session, "SUP1")
            plan_started(session, child.id)
            draft = plans.start_version(session, child.id, TODAY, by="amira")
            version = plans.load_version(session, draft)
            plans.save_draft(session, draft, replace(version, needs=(
                plans.with_rating(Need("No food in the house at weekends", actions=(
                    PlanAction("Food bank referral", "Amira Khan", date(2026, 11, 30)),)),
                    "R", TODAY, "amira", cp_discussion="Discussed with Tom Hale: no "
                    "strategy discussion while the food bank is in place"),
                Need("Gran visits every Sunday", kind="strength", rag="G"))), TODAY, by="amira")
    finally:
        store.close()
    return empty_store


def _chronology(path) -> list[str]:
    store = open_store(path, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, "SUP1")
            return [e.summary for e in record.chronology(session, child.id, TODAY)]
    finally:
        store.close()


async def test_sto_6_3_the_map_has_the_room_at_80x24_and_each_column_scrolls_by_keys(
        demo_store):
    """On a laptop's 80x24 the map's three columns take the screen while no one has been
    scaled yet (the empty scalings' table kept nine blank lines once), and a column longer
    than its box is reached with Tab and read with the arrows."""
    app = ChildHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await until(pilot, lambda: "loading" not in text_of(app.screen, "#sos-header"))
        await settle(pilot)
        screen = app.screen
        columns = list(screen.query(".sos-column"))
        assert screen.query_one("#sos-scaling").row_count == 0
        assert screen.query_one("#sos-scaling").size.height <= 2
        assert all(c.size.height >= 14 for c in columns), [c.size for c in columns]
        longest = max(columns, key=lambda c: c.virtual_size.height)
        assert longest.virtual_size.height > longest.size.height  # more than fits
        while app.focused is not longest:
            await pilot.press("tab")
        await pilot.press("down", "down", "down")
        await settle(pilot)
        assert longest.scroll_y == 3


@pytest.mark.parametrize("width", [80, 120])
async def test_sto_6_3_each_question_and_why_is_whole_at_every_width(planned_store, width):
    """At 80 columns the first column's question was cut in its border ("What are we
    worried…") and the scalings' table ran off the edge, a why cut to "Morn"; at every width
    each is whole, wrapped, and laid out again when the width changes."""
    from cintui.casework import signs_of_safety as sos

    why = "Mornings are better most days and Gran brings food on Saturdays"
    store = open_store(planned_store, None)
    try:
        with store.session("amira") as session:
            child = cases.find_child(session, "SUP1")
            sos.record_scaling(session, child.id, on=TODAY, recorded_by="amira", today=TODAY,
                               entries=(sos.ScoreEntry("Sara Keys", "Mum", 6, why),))
    finally:
        store.close()
    app = ChildHost(planned_store, "SUP1")
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await until(pilot, lambda: app.screen.query_one("#sos-scaling").row_count == 1)
        for size in (width, 200 - width):
            await pilot.resize_terminal(size, 24)
            await settle(pilot)
            screen = app.screen
            assert text_of(screen, "#sos-worried").startswith("What are we worried about?\n")
            table = screen.query_one("#sos-scaling")
            assert table.max_scroll_x == 0
            assert cells(table) == [["Sara Keys", "Mum", "6", "6 (23 Nov 2026)", why]]
            assert table.columns[table.ordered_columns[-1].key].width >= 12


@pytest.mark.slow
async def test_sto_6_3_signs_of_safety_map_by_keys(planned_store):
    app = ChildHost(planned_store, "SUP1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "SignsOfSafetyScreen"
        await until(pilot, lambda: "Signs of Safety map of the CIN plan v1 (draft)" in text_of(
            screen, "#sos-header"))
        # The same plan, in three columns.
        assert "[need 1 (Red)] No food in the house at weekends" in text_of(screen,
                                                                           "#sos-worried")
        assert "[need 2 (strength)] Gran visits every Sunday" in text_of(screen, "#sos-well")
        assert "Food bank referral — Amira Khan by 30 Nov 2026" in text_of(screen,
                                                                           "#sos-happen")

        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "StatementFormScreen"
        await fill(pilot, "#text", "If there is no food at weekends, Leo may go hungry")
        await fill(pilot, "#on", "20/11/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await until(pilot, lambda: "[D1] If there is no food at weekends" in text_of(
            screen, "#sos-worried"))

        await pilot.press("g")
        await settle(pilot)
        form = app.screen
        await fill(pilot, "#text", "Leo has three meals every weekend day")
        form.query_one("#danger").value = 1
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await until(pilot, lambda: "[G1 (for D1)] Leo has three meals" in text_of(
            screen, "#sos-happen"))

        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ScalingFormScreen"
        await fill(pilot, "#who1", "Sara Keys")
        await fill(pilot, "#role1", "Mum")
        await fill(pilot, "#score1", "11")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # refused beside the field
        assert "not a score: a whole number from 0 to 10" in text_of(form, "#score1-error")
        await fill(pilot, "#score1", "6")
        await fill(pilot, "#why1", "Gran brings food on Saturdays")
        await fill(pilot, "#who2", "Amira Khan")
        await fill(pilot, "#score2", "4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # who is Amira to the child?
        assert "their role or relationship" in text_of(form, "#role2-error")
        await fill(pilot, "#role2", "social worker")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await until(pilot, lambda: screen.query_one("#sos-scaling").row_count == 2)
        assert cells(screen.query_one("#sos-scaling")) == [
            ["Sara Keys", "Mum", "6", "6 (23 Nov 2026)", "Gran brings food on Saturdays"],
            ["Amira Khan", "social worker", "4", "4 (23 Nov 2026)", "—"]]
        await press_to(pilot, "escape", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"

    chron = _chronology(planned_store)
    assert "Signs of Safety: danger statement D1" in chron
    assert "Signs of Safety scaling: Sara Keys (Mum) 6; Amira Khan (social worker) 4" in chron
    entities = {(a, e) for a, e, _c, _who in audit_entities(planned_store)}
    assert ("insert", "safety_statement") in entities
    assert ("insert", "safety_scaling") in entities


async def test_sto_7_1_graded_care_profile_2_by_keys(planned_store):
    app = ChildHost(planned_store, "SUP1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "Gcp2Screen"
        await until(pilot, lambda: "No GCP2 yet: n records one." in text_of(screen,
                                                                            "#gcp2-detail"))
        assert text_of(screen, "#gcp2-header").startswith("Leo Keys (SUP1) · Graded Care "
                                                          "Profile 2")

        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "Gcp2FormScreen"
        await fill(pilot, "#on", "02/11/2026")
        await fill(pilot, "#assessor", "Amira Khan")
        await fill(pilot, "#physical", "6")
        assert "not a grade" in text_of(form, "#physical-error")
        await fill(pilot, "#physical", "5")
        await fill(pilot, "#safety", "3")
        await fill(pilot, "#love", "2")
        await fill(pilot, "#esteem", "3")
        await fill(pilot, "#summary", "Cupboards empty at weekends; Leo hungry on Mondays")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await until(pilot, lambda: screen.query_one("#gcp2-table").row_count == 1)
        # A poor grade attached to no need: told, not refused.
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "Physical care graded 4 or 5 and the GCP2 is attached to no need" in shown

        await pilot.press("n")
        await settle(pilot)
        # The worker at the keyboard is offered as the assessor, and the cursor starts on
        # the first grade.
        assert app.screen.query_one("#assessor").value == "Amira Khan"
        assert app.focused.id == "physical"
        for area, grade in (("physical", "3"), ("safety", "2"), ("love", "2"),
                            ("esteem", "3")):
            await fill(pilot, f"#{area}", grade)
        await fill(pilot, "#summary", "Food bank and Gran: meals most weekends")
        await fill(pilot, "#needs", "3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "Gcp2FormScreen"  # the plan has two needs
        assert "need 3 is not in the plan in force" in text_of(form, "#needs-error")
        await fill(pilot, "#needs", "1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await until(pilot, lambda: screen.query_one("#gcp2-table").row_count == 2)
        assert cells(screen.query_one("#gcp2-table")) == [
            ["23 Nov 2026", "Amira Khan", "3", "2", "2", "3", "1"],
            [" 2 Nov 2026", "Amira Khan", "5", "3", "2", "3", "—"]]  # under "23 Nov"
        history = text_of(screen, "#gcp2-history")
        assert "Physical care 5 → 3" in history and "Safety 3 → 2" in history
        assert "Attached to: No food in the house at weekends" in text_of(screen,
                                                                          "#gcp2-detail")

    assert any(s.startswith("Graded Care Profile 2 by Amira Khan: Physical care 5")
               for s in _chronology(planned_store))
    entities = {(a, e) for a, e, _c, _who in audit_entities(planned_store)}
    assert ("insert", "gcp2_assessment") in entities
    assert ("insert", "gcp2_need") in entities


async def test_who_gave_a_score_is_chosen_from_the_childs_people(demo_store):
    """STO 6.3: each person's scaling, who they are to the child. The child's People are
    suggested as a name is typed (Tab takes it, as in the plan's Who; Right too), and
    their relationship fills the role: typed out in full for each score before."""
    from tests.screens.test_child import REFERENCE, read

    def first_person(session):
        child = cases.find_child(session, REFERENCE)
        person = record.list_people(session, child.id)[0]
        return person.name, person.relationship or person.role

    name, role = read(demo_store, first_person)
    assert role
    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await press_to(pilot, "s", screen="ScalingFormScreen")
        form = app.screen
        await pilot.press(*[("space" if c == " " else c) for c in name[:4]])
        assert f"Tab takes “{name}”" in str(form.query_one("#who1-hint").render())
        await pilot.press("tab")
        await settle(pilot)
        assert form.query_one("#who1").value == name
        assert form.query_one("#role1").value == role
        form.query_one("#who2").focus()
        await pilot.press(*[("space" if c == " " else c) for c in name[:4]], "right")
        await settle(pilot)
        assert form.query_one("#who2").value == name


async def test_g_n_at_once_offers_the_plans_needs_however_slow_the_store(planned_store,
                                                                          monkeypatch):
    """"G n" typed at once on a slow store: the new GCP2 waits for the screen's reading and
    offers the plan's needs to attach it to. It once opened first, with no needs offered."""

    from cintui.casework import gcp2 as gcp2_cases

    app = ChildHost(planned_store, "SUP1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        released = held_back(monkeypatch, gcp2_cases, "view")
        post_burst(app, [("G", "G"), ("n", "n")])
        await until_shown(pilot, lambda: type(app.screen).__name__ == "Gcp2Screen")
        await pilot.pause(0.3)  # the key read meanwhile has not acted yet
        assert type(app.screen).__name__ == "Gcp2Screen"
        released.set()
        await until(pilot, lambda: type(app.screen).__name__ == "Gcp2FormScreen")
        offered = app.screen.needs
        assert offered and offered == app.screen_stack[-2].view.needs


async def test_sto_4_4_a_poor_grade_with_no_need_is_said_in_the_form_before_saving(
        planned_store):
    """STO 4.4 (plans explicit about what needs to change), STO 6.11: a GCP2 is never
    changed once recorded, and a poor grade attached to no need was said only after Ctrl+S,
    when the need could no longer be attached. The form says it as the grade is typed, and
    the warning goes once the need's number is in."""
    app = ChildHost(planned_store, "SUP1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "Gcp2FormScreen"
        for area, grade in (("physical", "4"), ("safety", "3"), ("love", "2"),
                            ("esteem", "3")):
            await fill(pilot, f"#{area}", grade)
        await fill(pilot, "#summary", "Cupboards empty at weekends")
        assert "⚠ Physical care graded 4 or 5 and the GCP2 is attached to no need" in \
            text_of(form, "#form-info")
        await fill(pilot, "#needs", "1")
        assert text_of(form, "#form-info") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "Gcp2Screen"
        await until(pilot, lambda: app.screen.query_one("#gcp2-table").row_count == 1)
        assert cells(app.screen.query_one("#gcp2-table"))[0][-1] == "1"
