"""The plan editor by keyboard (issue 5): three columns, ratings with the WIR 2.4/2.6 rules,
actions, checks, versions. Synthetic people only: the demo store (seed 7) at TODAY."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import select

from cintui.app import CintuiApp
from cintui.casework import caseload, cases, gcp2, meetings, plans, record
from cintui.store import access
from cintui.store import models as m
from cintui.store.engine import open_store
from cintui.store.models import PlanVersion as VersionRow
from tests.conftest import TODAY, connect, plan_started
from tests.screens.test_child import ChildHost, cells, fill, read, text_of
from tests.screens.test_shell import (
    caseload_app,
    post_burst,
    press_to,
    settle,
    type_text,
    until,
    words,
)
from tests.screens.test_short_breaks import open_first_plans_details, store_with_child

SIZE = (140, 45)


class PlanHost(CintuiApp):
    """The real app with the store opened directly and one child's plan on top."""

    def __init__(self, path, child_id) -> None:
        super().__init__(access.locate(path), today=TODAY)
        self.path, self.child_id = path, child_id
        self.actor = "test.worker"

    def on_mount(self, event) -> None:
        event.prevent_default()
        self.store = open_store(self.path, None)
        self.push_screen(self.make_screen("plan", child_id=self.child_id))


def child_with(demo_store, status: str):
    """A demo child whose plan in force is a version with `status` (and no other draft)."""
    def find(session):
        for c in caseload.list_children(session, TODAY, open_only=True):
            found = plans.versions(session, c.id)
            if found and found[0].status == status and len(found) >= 2 - (status == "draft"):
                return c.id
        raise AssertionError(f"no demo child with a {status} plan")
    return read(demo_store, find)


def current(demo_store, child_id):
    return read(demo_store, lambda s: plans.current_plan(s, child_id))


async def test_the_plan_reads_like_the_paper_plan_bex_2(demo_store):
    child_id = child_with(demo_store, "agreed")
    plan = current(demo_store, child_id)
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "PlanScreen"
        rows = cells(screen.query_one("#needs"))
        assert [r[0].removeprefix("Strength: ") for r in rows] == [n.now for n in plan.needs]
        # Colour never alone: the letter and the word (WIR 2.3).
        names = {"R": "R Red", "A": "A Amber", "G": "G Green"}  # in the cell, never cut
        assert [r[3].strip() for r in rows] == [names[n.rag] for n in plan.needs]
        first_action = plan.needs[0].actions[0]
        assert first_action.what in rows[0][2]
        assert f"v{plan.number} agreed" in text_of(screen, "#plan-title")
        assert "agreed: a change (a e r c) starts the next version" in text_of(
            screen, "#plan-title")
        assert "Plan checks" in text_of(screen, "#checks-title")


async def test_editing_an_agreed_plan_starts_the_next_version_and_shows_what_changed(demo_store):
    child_id = child_with(demo_store, "agreed")
    before = current(demo_store, child_id)
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # An agreed plan is never edited: a change starts the next version, a draft copied
        # from it, at once (no need to press n first).
        await press_to(pilot, "a", screen="NeedFormScreen")
        assert type(app.screen).__name__ == "NeedFormScreen"
        assert f"v{before.number + 1} draft" in text_of(app.screen_stack[-2], "#plan-title")
        await fill(pilot, "#now", "Dad has lost his job and the family worry about rent.")
        await fill(pilot, "#outcome", "The family have a budget they keep to by 14 March.")
        await fill(pilot, "#evidence", "Dad told me on 20 Nov; rent due 1 Dec.")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
        rows = cells(app.screen.query_one("#needs"))
        assert rows[-1][0] == "Dad has lost his job and the family worry about rent."
        assert rows[-1][3].strip() == "A Amber"
        await pilot.press("w")
        await settle(pilot)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "Dad has lost his job" in shown
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    assert draft.number == before.number + 1 and len(draft.needs) == len(before.needs) + 1
    assert [h.rating for h in draft.needs[-1].rag_history] == ["A"]
    agreed = read(demo_store, lambda s: s.get(VersionRow, before.id))
    assert agreed.status == "agreed"  # untouched until the draft is agreed


async def test_amber_to_green_asks_for_maintained_change_and_agreement_wir_2_4(demo_store):
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        plan = app.screen.version
        assert str(list(app._notifications)[-1].message) == (
            f"Version {plan.number}: a draft to edit, started from version {plan.number - 1}")
        amber = next(i for i, n in enumerate(plan.needs) if n.rag == "A")
        for _ in range(amber):
            await pilot.press("down")
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "RateFormScreen"
        await pilot.press("g")  # one key per rating
        await settle(pilot)
        assert "maintained" in text_of(form, "#maintained_for-error")
        assert "agreed" in text_of(form, "#agreed_at-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # nothing saved
        form.query_one("#rating").focus()
        await pilot.press("tab")  # from Green, to what Green needs (shown under it)
        assert app.focused.id == "maintained_for"
        await type_text(pilot, "8 weeks")
        await pilot.press("tab")
        assert app.focused.id == "agreed_at"
        await type_text(pilot, "Review CIN meeting 23 Nov 2026")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
        assert cells(app.screen.query_one("#needs"))[amber][3].strip() == "G Green"
        assert "maintained 8 weeks" in text_of(app.screen, "#need-detail")
    key = plan.needs[amber].key
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    change = next(n for n in draft.needs if n.key == key).rag_history[-1]
    assert (change.previous, change.rating, change.maintained_for) == ("A", "G", "8 weeks")


async def test_a_rating_is_recorded_by_the_workers_name_not_their_login(demo_store):
    """WIR 2.3, 2.6: each rating is dated and attributed, by name as the minutes and the
    chronology say it ("rated Amber by Alex Smith"); the plan editor once stored the login."""
    from cintui.store.models import Worker

    child_id = child_with(demo_store, "agreed")
    username, name = read(demo_store, lambda s: next(
        (w.username, w.name) for w in s.exec(select(Worker)).all()))
    app = PlanHost(demo_store, child_id)
    app.worker = username
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Ben is often late to school")
        await pilot.press("tab")
        await type_text(pilot, "On time every day for a month")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        plan = app.screen.version
        added = len(plan.needs) - 1
        assert plan.needs[added].rag_history[-1].by == name
        app.screen.query_one("#needs").move_cursor(row=added)
        await settle(pilot)
        assert f"by {name}" in text_of(app.screen, "#need-detail")
        assert username not in text_of(app.screen, "#need-detail")


async def test_actions_by_keyboard_need_an_owner_and_a_date_wir_2_3(demo_store):
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        actions = app.screen
        assert type(actions).__name__ == "ActionsScreen"
        before = actions.query_one("#actions").row_count
        # `a` and the action typed at once: the words wait for the form (they once reached
        # the list of actions, whose `a` in "Advice" opened another form)
        post_burst(app, [("a", "a"), *words("Citizens Advice appointment about the rent")])
        await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack].count("ActionFormScreen") == 1
        assert app.screen.query_one("#what").value == "Citizens Advice appointment about the rent"
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ActionFormScreen"  # no owner, no date: not saved
        assert "who will do it" in text_of(form, "#who-error")
        assert "every action needs a date" in text_of(form, "#by_when-error")
        await fill(pilot, "#who", "Dad")
        await fill(pilot, "#by_when", "14/03/2027")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is actions
        rows = cells(actions.query_one("#actions"))
        assert len(rows) == before + 1
        assert rows[-1][:4] == ["Citizens Advice appointment about the rent", "Dad",
                                "14 Mar 2027", "Not started"]
        await pilot.press("space")  # next status
        await settle(pilot)
        assert cells(actions.query_one("#actions"))[-1][3] == "In progress"
        # ↑ and Space typed at once change the action above (the Space, as read, once
        # acted before the table had moved, on the new action again)
        statuses = [r[3] for r in cells(actions.query_one("#actions"))]
        post_burst(app, [("up", None), ("space", " ")])
        await settle(pilot)
        now = [r[3] for r in cells(actions.query_one("#actions"))]
        assert now[-1] == "In progress" and now[-2] != statuses[-2]
        await pilot.press("escape")
        await settle(pilot)
        assert "Citizens Advice appointment about the rent — Dad, by 14 Mar 2027 " \
               "(In progress)" in cells(app.screen.query_one("#needs"))[0][2]


@pytest.mark.both_stores
async def test_reorder_and_delete_needs_then_agree_the_version(demo_store):
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        first, second = (r[0] for r in cells(app.screen.query_one("#needs"))[:2])
        await pilot.press("ctrl+down")
        await settle(pilot)
        rows = cells(app.screen.query_one("#needs"))
        assert (rows[0][0], rows[1][0]) == (second, first)
        assert app.screen.query_one("#needs").cursor_row == 1  # the moved need stays chosen
        count = len(rows)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        rows = cells(app.screen.query_one("#needs"))
        assert len(rows) == count - 1 and first not in [r[0] for r in rows]
        await press_to(pilot, "g", screen="AgreeFormScreen")
        assert type(app.screen).__name__ == "AgreeFormScreen"
        await fill(pilot, "#agreed_at", "Review CIN meeting 23 Nov 2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "agreed 23 Nov 2026" in text_of(app.screen, "#plan-title")
    statuses = read(demo_store, lambda s: [v.status for v in plans.versions(s, child_id)])
    assert statuses[0] == "agreed" and statuses[1] == "superseded"
    rows = read(demo_store, lambda s: s.exec(select(VersionRow).where(
        VersionRow.child_id == child_id, VersionRow.status == "draft")).all())
    assert rows == []


@pytest.mark.both_stores
async def test_a_plan_agreed_on_a_day_to_come_is_refused_beside_the_day(demo_store):
    """g's Agree form took any date: a plan "agreed" next week was the plan in force from
    today. Refused beside the day, as `cintui plan agree --on` refuses it, nothing saved;
    the day corrected, it is agreed."""
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the next version: a draft to agree
        await settle(pilot)
        await press_to(pilot, "g", screen="AgreeFormScreen")
        form = app.screen
        await fill(pilot, "#agreed_at", "Review CIN meeting 24 Nov 2026")
        tomorrow = TODAY.toordinal() + 1
        await fill(pilot, "#agreed_on", date.fromordinal(tomorrow).strftime("%d/%m/%Y"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "is in the future: give the day the plan was agreed" in text_of(
            form, "#agreed_on-error")
        assert read(demo_store, lambda s: plans.versions(s, child_id)[0].status) == "draft"
        await fill(pilot, "#agreed_on", TODAY.strftime("%d/%m/%Y"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not form)
    assert read(demo_store, lambda s: plans.versions(s, child_id)[0].status) == "agreed"


async def test_p_on_the_child_record_opens_the_plan_and_changes_show_on_return(demo_store):
    app = ChildHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")  # the Plan tab
        await settle(pilot)
        assert "R" in text_of(app.screen, "#plan-view")
        await press_to(pilot, "p", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
        await pilot.press("v")
        await settle(pilot)
        await fill(pilot, "#childs_views", "I like it when Mum sings to me.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "I like it when Mum sings to me." in text_of(app.screen, "#plan-details")
        await press_to(pilot, "escape", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        await pilot.press("7")
        await settle(pilot)
        assert any("CIN plan v" in r[2] for r in cells(app.screen.query_one(
            "#chronology-table")))


async def test_v_sets_the_visit_frequency_agreed_in_the_plan_never_less_often(demo_store):
    """BEX 3 ("agree the frequency ... no less than every 4 weeks"), TRA ("as agreed in the
    Child in Need Plan"): the details form (v) takes the plan's own visit frequency; one less
    often than the policy (England: 20 working days) is refused beside the field, naming the
    rule; a more frequent one is saved and shown with the plan."""
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Visits: every 20 working days (the policy" in text_of(app.screen,
                                                                      "#plan-details")
        await pilot.press("n")
        await settle(pilot)
        await press_to(pilot, "v", screen="DetailsFormScreen")
        assert type(app.screen).__name__ == "DetailsFormScreen"
        await fill(pilot, "#visit_every", "6 weeks")
        await press_to(pilot, "ctrl+s", screen="DetailsFormScreen")
        assert type(app.screen).__name__ == "DetailsFormScreen"  # nothing saved
        problem = text_of(app.screen, "#visit_every-error")
        assert "less often than the policy's every 20 working days" in problem
        assert "never less (BEX 3, TRA)" in problem
        await fill(pilot, "#visit_every", "every 2 weeks")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
        assert "Visits: every 2 weeks (agreed in the plan)" in text_of(app.screen,
                                                                      "#plan-details")
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    assert (draft.visit_every.amount, draft.visit_every.unit) == (2, "weeks")


async def test_at_80x24_the_details_not_shown_are_named_and_i_reads_them_whole(demo_store):
    """BEX 3, STO 6.3: the plan's exit (its bottom lines, if it is not successful, good
    enough to end) is read with the plan. The details box wrapped each detail and was cut
    at its foot, so at 80x24 the exit never showed, and at 120x40 nor did "Good enough to
    end" once a detail ran long: nothing said so. Each detail is one line; those the box
    cannot hold are named, and `i` reads every one whole, editing nothing (`v` edits)."""
    child_id = child_with(demo_store, "agreed")
    plan = current(demo_store, child_id)
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        details = text_of(app.screen, "#plan-details").splitlines()
        assert details[-1] == ("i shows 5 more: Child's views, Lived experience, Bottom "
                               "lines, If not successful, Good enough to end")
        await press_to(pilot, "i", screen="ReadScreen")
        whole = " ".join(text_of(app.screen, "#help-text").split())
        for label, value in (("Bottom lines", plan.bottom_lines),
                             ("If not successful", plan.if_not_met),
                             ("Good enough to end", plan.good_enough)):
            assert f"{label}: {' '.join(value.split())}" in whole
        await press_to(pilot, "escape", screen="PlanScreen")
    assert read(demo_store, lambda s: plans.draft_version_id(s, child_id)) is None  # no
    # new version begun: read, not edited
    async with PlanHost(demo_store, child_id).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        details = text_of(pilot.app.screen, "#plan-details").splitlines()
        assert details[-1].startswith("Good enough to end: ") and len(details) == 9


def record_gcp2(demo_store, child_id, on: date, grades: tuple[int, ...], needs) -> None:
    store = open_store(demo_store, None)
    try:
        with store.session("test.worker") as session:
            gcp2.record(session, child_id, on=on, assessor="Amira Khan",
                        grades=dict(zip(("physical", "safety", "love", "esteem"), grades,
                                        strict=True)),
                        summary="Little food at weekends", needs=needs,
                        recorded_by="test.worker", today=TODAY)
    finally:
        store.close()


async def test_sto_6_11_the_gcp2_grades_are_read_with_the_need_they_informed(demo_store):
    """STO 4.3, 6.11, 7.1: a GCP2 informs the plan's needs, and the plan shows its grades
    where a reader looks: under the highlighted need's evidence (the newest, and what moved
    since the first), and among the plan's details (at 80x24 named for `i`; at 120x40 on
    screen, with the plan's exit still in sight). The plan showed no GCP2 at all."""
    child_id = child_with(demo_store, "agreed")
    record_gcp2(demo_store, child_id, date(2026, 11, 2), (4, 3, 2, 3), [1])
    record_gcp2(demo_store, child_id, date(2026, 11, 20), (2, 3, 2, 3), [1, 2])
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        detail = " ".join(text_of(app.screen, "#need-detail").split())
        assert ("GCP2 20 Nov 2026: Physical care 2, Safety 3, Love and care 2, Esteem 3 (1 "
                "best care, 5 poorest); since 2 Nov 2026: Physical care 4 → 2") in detail
        assert text_of(app.screen, "#plan-details").splitlines()[-1].startswith(
            "i shows 6 more: GCP2, Child's views")
    async with PlanHost(demo_store, child_id).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        details = text_of(pilot.app.screen, "#plan-details").splitlines()
        assert details[4].startswith("GCP2: 20 Nov 2026 by Amira Khan: Physical care 2, "
                                     "Safety 3")
        assert details[-1].startswith("Good enough to end: ")


async def test_the_plan_checks_name_the_child_as_the_team_view_does_wir_2_5(demo_store):
    """WIR 2.5: the plan editor's checks said "The child's views are missing: what the child
    said", where the team view (and now `plan check`) names the child: "Mila's views are
    missing: what Mila said"."""
    child_id = child_with(demo_store, "agreed")
    first = read(demo_store, lambda s: s.get(m.Child, child_id).first_name)
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = " ".join(text_of(app.screen, "#checks").split())
        assert f"{first}'s views are missing: what {first} said" in shown, shown
        assert "the child" not in shown.lower()


def test_plan_editor_snapshot(demo_store, snap_compare):
    child_id = child_with(demo_store, "agreed")

    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(PlanHost(demo_store, child_id), terminal_size=SIZE,
                        run_before=run_before)


def test_plan_editor_snapshot_at_80x24(demo_store, snap_compare):
    child_id = child_with(demo_store, "agreed")

    async def run_before(pilot):
        await settle(pilot)

    assert snap_compare(PlanHost(demo_store, child_id), terminal_size=(80, 24),
                        run_before=run_before)


async def test_the_three_columns_headings_are_whole_at_80_and_at_140_columns(demo_store):
    """WIR 2.3's three columns: at 80 columns (20 a column) a heading was cut mid-word ("2
    What will be diffe"); there they are shorter, whole; wide, in full."""
    from cintui.screens.plan import COLUMNS, SHORT_COLUMNS

    child_id = child_with(demo_store, "agreed")
    for size, wanted in (((80, 24), SHORT_COLUMNS), ((140, 45), COLUMNS)):
        app = PlanHost(demo_store, child_id)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#needs")
            shown = [(str(c.label), c.width) for c in table.columns.values()]
        assert [label for label, _ in shown] == list(wanted)
        assert all(len(label) <= width for label, width in shown)


async def test_every_plan_check_can_be_read_at_80_columns_with_k(demo_store):
    """WIR 2.3, BEX 3: at 80 columns the checks panel is one line, the first check cut to
    the width ("6 to look at · No overall objectives: say what the"): the others could
    not be read there at all. `k` lists every one, whole; Esc goes back to the plan."""
    from cintui.domain.plan import Need

    # A first plan, one need, little else.
    child_id = kit_with_a_draft(demo_store, Need("School is hard", "Kit goes to school"))
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plan = app.screen
        found = [p.message for p in plan.problems()]
        assert len(found) >= 2
        assert f"{len(found)} to look at (k lists them)" in text_of(plan, "#checks-brief")
        await pilot.press("k")
        await settle(pilot)
        assert listed_checks(app.screen) == found
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is plan


def kit_with_a_draft(demo_store, *needs):
    """A new child, Kit, whose first plan is a draft with `needs` and nothing else."""
    from dataclasses import replace

    store = open_store(demo_store, None)
    try:
        with store.session("test.worker") as session:
            child_id = cases.add_child(session, cases.NewChild(
                first_name="Kit", last_name="Checks", dob=date(2016, 3, 1),
                referral_date=TODAY), TODAY).id
            plan_started(session, child_id)
            draft = plans.start_version(session, child_id, TODAY)
            plans.save_draft(session, draft, replace(
                plans.load_version(session, draft), needs=needs), TODAY)
    finally:
        store.close()
    return child_id


def listed_checks(screen) -> list[str]:
    """The checks `k` lists, as their messages (each after its bullet)."""
    checks = screen.query_one("#checks")
    return [str(checks.get_option_at_index(i).prompt).removeprefix("• ")
            for i in range(checks.option_count)]


async def test_enter_on_a_plan_check_opens_its_form_at_the_field_to_fix(demo_store):
    """WIR 2.3, WIR 2.4, WIR 2.7, TRA: k lists the checks; Enter on one opens the form it is
    fixed in with the cursor in its field: the review date in the plan's details, an
    Amber's missing action (its actions, a new one's form), the need's outcome, its
    evidence. What is typed
    there fixes it: the list is one shorter each time."""
    from cintui.domain.plan import Need

    child_id = kit_with_a_draft(demo_store, Need("Kit misses school", "", rag="A"))

    async def fix(check: str):
        """k, down to the check, Enter: the form it opens."""
        await press_to(pilot, "k", screen="PlanChecksScreen")
        at = [p.check for p in plan.problems()].index(check)
        await pilot.press(*["down"] * at, "enter")
        await until(pilot, lambda: type(app.screen).__name__.endswith("FormScreen"))
        return app.screen

    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plan = app.screen
        before = {p.check for p in plan.problems()}
        assert {"no_review_date", "amber_no_action", "amber_no_outcome"} <= before
        form = await fix("no_review_date")
        assert type(form).__name__ == "DetailsFormScreen" and form.focused.id == "next_review"
        await type_text(pilot, "08/03/2027")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is plan)
        form = await fix("amber_no_action")
        assert type(form).__name__ == "ActionFormScreen" and form.focused.id == "what"
        await type_text(pilot, "Walk Kit to school")
        await pilot.press("tab")
        await type_text(pilot, "Mum")
        await pilot.press("tab")
        await type_text(pilot, "by Fri")
        await press_to(pilot, "ctrl+s", screen="ActionsScreen")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is plan)
        form = await fix("amber_no_outcome")
        assert type(form).__name__ == "NeedFormScreen" and form.focused.id == "outcome"
        await type_text(pilot, "Kit goes to school every day for 6 weeks")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is plan)
        # WIR 2.4: "Kit misses school" counts nothing; its evidence is where it is fixed.
        form = await fix("worry_no_evidence")
        assert type(form).__name__ == "NeedFormScreen" and form.focused.id == "evidence"
        await type_text(pilot, "Missed 6 of 20 days since 2 November")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is plan)
        after = {p.check for p in plan.problems()}
        assert after == before - {"no_review_date", "amber_no_action", "amber_no_outcome",
                                  "worry_no_evidence"}
        assert plan.version.next_review == date(2027, 3, 8)
        (need,) = plan.version.needs
        assert [(a.what, a.who) for a in need.actions] == [("Walk Kit to school", "Mum")]


async def test_a_forms_examples_are_whole_words_at_80_columns(demo_store):
    """An example too long for its box at 80 columns ends in whole words and "…" (it once
    ended "strategy discussio"); wide, each is in full. The add-need form has the longest."""
    from textual.widgets import Input

    child_id = child_with(demo_store, "agreed")
    for size in ((80, 24), (140, 45)):
        app = PlanHost(demo_store, child_id)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            boxes = [b for b in app.screen.query(Input) if b.full_example]
            assert len(boxes) >= 5
            for box in boxes:
                shown, full = box.placeholder, box.full_example
                assert len(shown) <= box.content_region.width, (shown, size)
                if shown != full:
                    assert size == (80, 24) and shown.endswith("…"), (shown, size)
                    assert full.startswith(shown[:-1].rstrip()), shown
                    assert full[len(shown[:-1].rstrip())] == " ", shown  # a whole word
            cut = [b.placeholder for b in boxes if b.placeholder != b.full_example]
            assert bool(cut) == (size == (80, 24))


async def test_x_exports_the_shown_version_for_the_family(demo_store, tmp_path, monkeypatch):
    monkeypatch.setenv("CINTUI_DATA_DIR", str(tmp_path / "data"))
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = app.screen.version.number
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await settle(pilot)
        shown = " ".join(str(n.message) for n in app._notifications)
    files = sorted(p.name for p in (tmp_path / "data" / "exports").iterdir())
    assert files == [f"{p}-plan-v{number}.{f}" for p in [files[0].split("-plan")[0]]
                     for f in ("docx", "pdf")]
    assert "Exported" in shown and files[0] in shown


async def test_x_says_when_the_pdf_cannot_show_a_name(demo_store, tmp_path, monkeypatch):
    """A child named in Chinese script: the PDF's font has no such characters and shows □;
    the notice says which, and that the DOCX shows them."""
    monkeypatch.setenv("CINTUI_DATA_DIR", str(tmp_path / "data"))
    child_id = child_with(demo_store, "agreed")
    reference = read(demo_store, lambda s: plans._reference(s, child_id))
    with connect(demo_store) as conn:
        conn.execute("UPDATE child SET first_name = ? WHERE reference = ?", ("小明", reference))
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await settle(pilot)
        shown = " ".join(str(n.message) for n in app._notifications)
    assert ("The PDF shows □ for 2 characters its font does not have (小明): the DOCX shows "
            "them.") in shown


async def test_exporting_again_numbers_the_files_never_overwrites(demo_store, tmp_path,
                                                                   monkeypatch):
    """The first export may already have gone to the family: a second x writes -2 files
    beside it (issue "Half the keys": re-export never overwrites)."""
    monkeypatch.setenv("CINTUI_DATA_DIR", str(tmp_path / "data"))
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = app.screen.version.number
        for _ in range(2):
            await pilot.press("x")
            await app.workers.wait_for_complete()
            await settle(pilot)
        shown = " ".join(str(n.message) for n in app._notifications)
    folder = tmp_path / "data" / "exports"
    first = sorted(folder.glob(f"*-plan-v{number}.pdf"))
    again = sorted(folder.glob(f"*-plan-v{number}-2.*"))
    assert len(first) == 1 and [p.suffix for p in again] == [".docx", ".pdf"]
    assert again[0].name in shown


async def open_rating(pilot, rag: str) -> tuple[int, object]:
    """Start the next version and open the re-rating of its first need rated `rag`."""
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    index = next(i for i, n in enumerate(pilot.app.screen.version.needs) if n.rag == rag)
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("r")
    await settle(pilot)
    return index, pilot.app.screen


async def test_re_rating_opens_on_the_current_rating_and_r_a_g_choose(demo_store):
    """An Amber opens on Amber with nothing to settle (no CP discussion asked before Red is
    chosen); r, a and g each choose a rating at once; staying Amber is not a re-rating;
    r asks for the CP discussion on the spot (WIR 2.6, BEX 3)."""
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        index, form = await open_rating(pilot, "A")
        rating = form.query_one("#rating")
        assert rating.value == "A" and "Amber (a)" in text_of(form, "#rating #label")
        for name in ("rating", "maintained_for", "agreed_at", "cp_discussion"):
            assert text_of(form, f"#{name}-error") == "", name
        await pilot.press("r")
        await settle(pilot)
        assert rating.value == "R" and "Red (r)" in text_of(form, "#rating #label")
        assert "Child Protection conference" in text_of(form, "#cp_discussion-error")
        await pilot.press("a")
        await settle(pilot)
        assert text_of(form, "#cp_discussion-error") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert text_of(form, "#rating-error") == (
            "it is Amber now: choose the new rating (r Red, a Amber, g Green)")
        await pilot.press("r")
        await fill(pilot, "#cp_discussion", "Strategy discussion with the MASH: no s47")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
        assert cells(app.screen.query_one("#needs"))[index][3].strip() == "R Red"


async def test_an_action_date_shows_its_format_and_takes_the_forms_councils_write(demo_store):
    """A grey example date looks like a real one: the box shows dd/mm/yyyy; "by Fri" is
    read as the next Friday and said back; vague words are refused with the reason."""
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ActionFormScreen"
        assert form.query_one("#by_when").placeholder == "dd/mm/yyyy"
        await fill(pilot, "#what", "Walk Leo to school")
        await fill(pilot, "#who", "Mum")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # nothing saved: no date, said beside the box
        assert "by when? every action needs a date" in text_of(form, "#by_when-error")
        await fill(pilot, "#by_when", "end of term")
        assert text_of(form, "#by_when-error") == (
            "“end of term” is not a date: write the day, e.g. 18/12/2026, 18/12, 18 Dec or Fri")
        await fill(pilot, "#by_when", "by Fri")  # as councils write it, read back at once
        assert text_of(form, "#by_when-error") == ""
        assert text_of(form, "#form-info") == "By when: Fri 27 Nov 2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    assert [(a.who, a.by_when) for a in draft.needs[0].actions
            if a.what == "Walk Leo to school"] == [("Mum", date(2026, 11, 27))]


async def test_a_new_need_takes_its_first_action_on_the_same_form_wir_2_3(demo_store):
    """A new worry usually comes with an action: what, who and by when sit under the need
    on the same form (tab, tab, tab), checked there (WIR 2.3: an owner and a date once
    begun), and left blank the need is saved without one."""
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        await type_text(pilot, "Maisie is often late for school")
        await pilot.press("tab")
        await type_text(pilot, "In class by 8.50 every day")
        await pilot.press("tab")
        assert app.focused.id == "action_what"
        await type_text(pilot, "Walk Maisie to school")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # begun, so who and by when are asked for
        assert "who will do it" in text_of(form, "#action_who-error")
        assert "by when" in text_of(form, "#action_by-error")
        await pilot.press("tab")  # the cursor went to the first problem: who
        assert app.focused.id == "action_by"
        await type_text(pilot, "by Fri")
        await pilot.press("shift+tab")
        await type_text(pilot, "Mum")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    new = draft.needs[-1]
    assert new.now == "Maisie is often late for school"
    assert [(a.what, a.who, a.by_when) for a in new.actions] == [
        ("Walk Maisie to school", "Mum", date(2026, 11, 27))]  # Fri after Mon 23 Nov


def a_person_begun(demo_store, child_id) -> tuple[str, str]:
    """A person on the child's record, and the first letters of their name in lower case,
    which begin no other name the Who box offers (the roles it adds among them)."""
    names = read(demo_store, lambda s: [p.name for p in record.list_people(s, child_id)])
    offered = {*names, "Social worker", "Mum", "Dad", "School"}
    for name in names:
        begun = name[:4].lower()
        if len(name) > 5 and [n for n in offered if n.lower().startswith(begun)] == [name]:
            return name, begun
    raise AssertionError(f"no person to suggest among {names}")


async def open_new_action(app, pilot):
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    await press_to(pilot, "a", screen="ActionFormScreen")
    return app.screen


def draft_action(demo_store, child_id, what: str):
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    return [a.who for n in draft.needs for a in n.actions if a.what == what]


async def test_tab_takes_the_name_the_who_box_shows_wir_2_3(demo_store):
    """WIR 2.3, an action's owner: "kate" in Who shows "kate Marsh", a person on the
    record, and Tab saved "kate" (only Right took the name, and the form did not say so).
    Tab now takes the name shown, the line under the box says so, and the owner saved is
    the person."""
    child_id = child_with(demo_store, "agreed")
    name, begun = a_person_begun(demo_store, child_id)
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_action(app, pilot)
        await type_text(pilot, "Ring the family each Friday")
        await pilot.press("tab")
        assert text_of(form, "#who-hint") == ""  # nothing typed: nothing said
        await type_text(pilot, begun)
        assert text_of(form, "#who-hint") == f"Tab takes “{name}”; Delete keeps “{begun}”"
        await pilot.press("tab")
        await settle(pilot)
        assert form.query_one("#who").value == name
        assert app.focused.id == "by_when"
        assert text_of(form, "#who-hint") == ""
        await type_text(pilot, "by Fri")
        await press_to(pilot, "ctrl+s", screen="ActionsScreen")
    assert draft_action(demo_store, child_id, "Ring the family each Friday") == [name]


async def test_a_name_and_tab_typed_at_once_take_the_name_shown_wir_2_3(demo_store):
    """A fast typist's "kate Tab by Fri" (or a text expander's): Tab moves on as it is read,
    before the letters reach the box, and still takes the name those letters show; the
    date goes in By when."""
    child_id = child_with(demo_store, "agreed")
    name, begun = a_person_begun(demo_store, child_id)
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_action(app, pilot)
        post_burst(app, [*words("Home visit with the school nurse"), ("tab", "\t"),
                         *words(begun), ("tab", "\t"), *words("by Fri")])
        await settle(pilot)
        assert form.query_one("#who").value == name
        assert form.query_one("#by_when").value == "by Fri"
        await press_to(pilot, "ctrl+s", screen="ActionsScreen")
    assert draft_action(demo_store, child_id, "Home visit with the school nurse") == [name]


async def test_delete_keeps_the_letters_typed_and_free_text_stays_as_typed_wir_2_3(
        demo_store):
    """Who is a person, an agency or a role (WIR 2.3): Delete at the end drops the name
    shown and keeps the letters, and an owner who is no one on the record ("Health
    visitor") is saved as typed; Ctrl+S with a name shown saves that name."""
    child_id = child_with(demo_store, "agreed")
    name, begun = a_person_begun(demo_store, child_id)
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_new_action(app, pilot)
        await type_text(pilot, "Weigh the baby")
        await pilot.press("tab")
        await type_text(pilot, begun)
        await pilot.press("delete")
        assert text_of(form, "#who-hint") == ""
        await pilot.press("tab")
        await settle(pilot)
        assert form.query_one("#who").value == begun
        await fill(pilot, "#who", "Health visitor")
        assert text_of(form, "#who-hint") == ""  # no one on the record: nothing offered
        await pilot.press("tab")
        await type_text(pilot, "by Fri")
        await press_to(pilot, "ctrl+s", screen="ActionsScreen")
        await press_to(pilot, "a", screen="ActionFormScreen")
        await type_text(pilot, "Call the family")
        await pilot.press("tab", "shift+tab", "tab")  # back and on: nothing typed, nothing taken
        await fill(pilot, "#by_when", "by Fri")
        await fill(pilot, "#who", begun)
        await press_to(pilot, "ctrl+s", screen="ActionsScreen")  # saved from Who itself
    assert draft_action(demo_store, child_id, "Weigh the baby") == ["Health visitor"]
    assert draft_action(demo_store, child_id, "Call the family") == [name]


async def test_a_new_needs_cp_discussion_is_a_reds_alone(demo_store):
    """Issue 20, no invisible tab stops; WIR 2.6, BEX 3: a new need's "If Red: CP
    discussion" is a tab stop only once Red is chosen. Tab from Amber is the end of the
    form (the words typed on once went in as an Amber's "CP discussion", and were saved),
    and "r Tab" goes straight to it, its words saved with the Red."""
    from tests.screens.test_shell import post_burst, words

    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_to(pilot, "a", screen="NeedFormScreen")
        form = app.screen
        assert form.query_one("#cp_discussion").disabled  # Amber, as it opens
        form.query_one("#rag").focus()
        post_burst(app, [("r", "r"), ("tab", "\t"), *words("Strategy discussion held")])
        await until(pilot, lambda: form.query_one("#cp_discussion").value
                    == "Strategy discussion held")
        await pilot.press("shift+tab", "a")
        await settle(pilot)
        assert form.query_one("#cp_discussion").disabled  # back to Amber: not a tab stop
        await pilot.press("r")
        form.query_one("#now").focus()
        await type_text(pilot, "Maisie has been hit by mum's partner")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    new = draft.needs[-1]
    assert (new.rag, new.rag_history[-1].cp_discussion) == ("R", "Strategy discussion held")


async def test_p_on_the_caseload_opens_the_highlighted_childs_plan(demo_store):
    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        child_id = app.screen.selected_child_id
        await press_to(pilot, "p", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
        assert app.screen.child_id == child_id


async def test_a_re_rating_typed_faster_than_the_plan_opens_is_recorded_whole(demo_store):
    """WIR 2.4, nothing typed is lost: p, ↓ to an Amber, r, g, the change maintained and
    where it was agreed, and Ctrl+S, all read before the plan has opened (a fast typist).
    The keys after p once reached the caseload, the "g" after r reached the plan (Agree)
    instead of the rating, and r re-rated the need above the one ↓ moved to: each now acts
    in order, on the screen it was typed for."""

    def amber_below_the_first(session):
        for c in caseload.list_children(session, TODAY, open_only=True):
            plan = plans.current_plan(session, c.id)
            if plan and plan.status == "agreed" and any(n.rag == "A" for n in plan.needs[1:]):
                return c.id, next(i for i, n in enumerate(plan.needs) if i and n.rag == "A")
        raise AssertionError("no demo child with an agreed plan with an Amber below need 1")

    child_id, amber = read(demo_store, amber_below_the_first)
    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.set_view("everyone")
        await until(pilot, lambda: any(r.id == child_id for r in app.screen.query_one(
            "#children").rows))
        table = app.screen.query_one("#children")
        table.cursor = next(i for i, r in enumerate(table.rows) if r.id == child_id)
        post_burst(app, [("p", "p"), *[("down", None)] * amber, ("r", "r"), ("g", "g"),
                         ("tab", "\t"), *words("8 weeks"), ("tab", "\t"),
                         *words("CIN review"), ("ctrl+s", None)])
        await until(pilot, lambda: [type(s).__name__ for s in app.screen_stack][-2:] == [
            "CaseloadScreen", "PlanScreen"] and app.screen.version.needs[amber].rag == "G")
        key = app.screen.version.needs[amber].key
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    change = next(n for n in draft.needs if n.key == key).rag_history[-1]
    assert (change.previous, change.rating, change.maintained_for, change.agreed_at) == (
        "A", "G", "8 weeks", "CIN review")


async def test_a_re_rating_shows_what_the_new_rating_needs_in_the_order_tab_goes(demo_store):
    """WIR 2.4 and 2.6 (Green: how long the change has held, and who agreed), WIR 2.6 and
    BEX 3 (Red: the CP discussion). Tab from Green jumped past "why" to "maintained for",
    so a worker typing in the order the form showed put the why in "maintained for" and
    saved "maintained Dad has a new job". Now the form shows only what the chosen rating
    needs, under it, then "why"; typed in that order in one burst, each lands in its box."""
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        index, form = await open_rating(pilot, "A")

        def shown() -> list[str]:
            return [f.query_one("Input, Select").id for f in form.query(".field")
                    if f.display]

        assert shown() == ["rating", "reason"]  # staying Amber needs nothing more
        await pilot.press("r")
        await settle(pilot)
        assert shown() == ["rating", "cp_discussion", "reason"]
        await pilot.press("a")
        await settle(pilot)
        assert shown() == ["rating", "reason"]
        post_burst(app, [("g", "g"), ("tab", "\t"), *words("8 weeks"), ("tab", "\t"),
                         *words("CIN review"), ("tab", "\t"), *words("Dad has a new job"),
                         ("ctrl+s", None)])
        await until(pilot, lambda: type(app.screen).__name__ == "PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
        key = app.screen.version.needs[index].key
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    change = next(n for n in draft.needs if n.key == key).rag_history[-1]
    assert (change.rating, change.maintained_for, change.agreed_at, change.reason,
            change.cp_discussion) == ("G", "8 weeks", "CIN review", "Dad has a new job", "")


async def test_a_need_going_red_prompts_an_early_review_and_b_brings_it_forward(demo_store):
    """BEX 3: a need going Red is a significant change: the editor prompts an early review;
    b brings the review forward (a date before the one due, and what changed); the review
    clock is then due on that date, from BEX 3. The plan's exit is shown with the plan
    (BEX 3 bottom lines and contingency, STO 6.3 good enough)."""
    from cintui.casework import cases

    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = text_of(app.screen, "#plan-details")
        assert "Bottom lines:" in details and "Good enough to end:" in details
        index, form = await open_rating(pilot, "A")
        await pilot.press("r")
        await fill(pilot, "#cp_discussion", "Discussed with the team manager: no strategy "
                                             "discussion yet")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "consider bringing the review forward (BEX 3" in shown and "Press b" in shown
        await pilot.press("b")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "EarlyReviewFormScreen"
        await fill(pilot, "#by", "20/11/2026")
        assert "is in the past" in text_of(form, "#by-error")
        await fill(pilot, "#by", "04/12/2026")
        await fill(pilot, "#reason", "Mum's partner has moved back in")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        assert type(app.screen).__name__ == "PlanScreen"

    def clock(session):
        child = session.get(VersionRow, plans.current_version_id(session, child_id))
        found = cases.child_deadlines(session, cases.require_child(session, child.child_id),
                                      TODAY)
        return next(d for d in found if d.key in ("first_review", "review"))
    d = read(demo_store, clock)
    assert (d.due, d.source) == (date(2026, 12, 4), "BEX 3")


async def test_a_childs_first_plan_is_said_to_be_the_first(demo_store):
    """n on a child with no plan: version 1, the first (it was "started from the last
    version", which a new worker read as a plan they could not find)."""
    from cintui.casework import cases

    store = open_store(demo_store, None)
    with store.session("test.worker") as session:
        child_id = cases.add_child(session, cases.NewChild(
            first_name="Leo", last_name="New", dob=date(2017, 5, 2), reference="NEW1",
            referral_date=TODAY), TODAY).id
        plan_started(session, child_id)
    store.close()
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.version.number == 1
        assert str(list(app._notifications)[-1].message) == (
            "Version 1: the child's first plan, a draft to edit")



@pytest.mark.parametrize("started", [True, False])
async def test_a_on_no_plan_adds_the_first_need_or_says_why_it_cannot(demo_store, started):
    """The plan editor on a child with no plan offered "a Add need" first in its footer, and
    a did nothing, silently: n had to come first. Now a starts version 1 and opens the need
    form; before the manager has started the plan (TRA) it says why, where the plan's
    details would be, and writes nothing."""
    from cintui.casework import cases

    store = open_store(demo_store, None)
    with store.session("test.worker") as session:
        child_id = cases.add_child(session, cases.NewChild(
            first_name="Leo", last_name="New", dob=date(2017, 5, 2), reference="NEW1",
            referral_date=TODAY), TODAY).id
        if started:
            plan_started(session, child_id)
    store.close()
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        plan = app.screen
        assert ("a adds its first need" in text_of(plan, "#plan-title")) == started
        await pilot.press("a")
        await settle(pilot)
        if started:
            assert type(app.screen).__name__ == "NeedFormScreen"
            assert plan.version.number == 1 and plan.version.status == "draft"
        else:
            assert app.screen is plan and plan.version is None
            assert " ".join(text_of(plan, "#plan-details").split()).startswith(
                "Not started, nothing written: NEW1 has no CIN plan to write yet")
    assert bool(read(demo_store, lambda s: plans.versions(s, child_id))) == started


async def test_no_plan_is_written_before_the_manager_starts_it_tra(demo_store):
    """TRA: the CIN plan is "sent to the Social Care line manager for authorisation", and that
    authorisation (`cintui plan start`, K then p on the record) is its start. p, then n, on a
    child still at referral wrote a first draft; the Summary and the Plan tab said "press p
    to start one". Now they say the manager's authorisation starts it, and n says why
    nothing is written where the plan's details would be, with the command."""
    from cintui.domain.plan import PLAN_NOT_STARTED

    store = open_store(demo_store, None)
    with store.session("test.worker") as session:
        child_id = cases.add_child(session, cases.NewChild(
            first_name="Ivy", last_name="Early", dob=date(2016, 4, 2), reference="NEW2",
            referral_date=TODAY), TODAY).id
    store.close()
    app = ChildHost(demo_store, "NEW2")
    # To a worker, who may not authorise, the Summary and the Plan tab say who may, in the
    # plan editor's words (they said "(K, then p)", keys that are not a worker's: TRA).
    # NEW2 has no team yet, so the store's managers may (TRA).
    who = ("the line manager's authorisation starts it (TRA), given in cintui as themselves "
           "(K on the record, then p; it waits on their team view, F4 then w): Morgan "
           "Fielding (Service manager), Noah Elswick (Team manager)")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert " ".join(text_of(app.screen, "#plan-headline").split()) == \
            f"Plan: none yet: {who}"  # "no plan" said once
        await pilot.press("4")
        await settle(pilot)
        assert " ".join(text_of(app.screen, "#plan-view").split()) == f"No plan yet: {who}."
        await press_to(pilot, "p", screen="PlanScreen")
        plan = app.screen
        assert "not started: the line manager authorises it first" in text_of(
            plan, "#plan-title")
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is plan and plan.version is None
        said = " ".join(text_of(plan, "#plan-details").split())
        # Said to a worker, who may not authorise: who may, and where it waits for them.
        # NEW2 has no team yet, so the store's managers may (TRA).
        assert said == ("Not started, nothing written: NEW2 has no CIN plan to write yet: it "
                        "starts with the line manager's authorisation (TRA), given in cintui "
                        "as themselves (K on the record, then p; it waits on their team view, "
                        "F4 then w): Morgan Fielding (Service manager), Noah Elswick (Team "
                        "manager).")
        assert not any("Version 1" in str(n.message) for n in app._notifications)
    # To a manager, who may authorise it, its keys, as before.
    with connect(demo_store) as conn:
        [manager] = conn.execute("SELECT username FROM worker WHERE name = 'Noah Elswick'"
                                 ).fetchone()
    app = ChildHost(demo_store, "NEW2")
    app.actor = manager
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert " ".join(text_of(app.screen, "#plan-headline").split()) == \
            f"Plan: none{PLAN_NOT_STARTED.removeprefix('No plan')}"
        assert PLAN_NOT_STARTED.endswith("(K, then p)")
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            assert plans.versions(session, child_id) == []
    finally:
        store.close()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_an_imported_childs_first_plan_carries_the_review_date_its_file_gave_wir_2_7(
        new_location, cli, tmp_path, size):
    """WIR 2.7: every plan says when it will be reviewed. A team's imported child (from
    `db init`) whose last review set the next for 20 Jan: the first plan typed in cintui
    says 20 Jan, not "—" with a plan check to fix by typing the date the file already
    gave. A child whose review date has passed gets none: it is for the meeting to set.
    A child whose file gave no next review (LCS3, last reviewed 2 Nov) starts with the
    date the caseload shows, the policy's 3 months on (2 Feb 2027; BEX 3): it started
    with none, and the plan check asked the worker to type it."""
    from tests.screens.test_caseload import imported_caseload

    path = imported_caseload(
        new_location, cli, tmp_path,
        "reference,first_name,last_name,dob,worker,referral_date,assessment_started,"
        "assessment_completed,cin_plan_start,initial_meeting,last_review,next_review\n"
        "LCS1,Leo,Future,12/03/2017,amira.ashdown,02/06/2026,03/06/2026,14/07/2026,"
        "16/07/2026,28/07/2026,20/10/2026,20/01/2027\n"
        "LCS2,Ava,Past,12/03/2017,amira.ashdown,02/06/2026,03/06/2026,14/07/2026,"
        "16/07/2026,28/07/2026,,20/10/2026\n"
        "LCS3,Mia,Policy,12/03/2017,amira.ashdown,02/06/2026,03/06/2026,14/07/2026,"
        "16/07/2026,28/07/2026,02/11/2026,\n")
    shown = read(path, lambda s: next(
        d.due for d in cases.child_deadlines(s, cases.find_child(s, "LCS3"), TODAY)
        if d.key == "review"))
    assert shown == date(2027, 2, 2)  # the caseload's Meeting column
    said = {}
    for reference in ("LCS1", "LCS2", "LCS3"):
        child_id = read(path, lambda s, ref=reference: cases.find_child(s, ref).id)
        app = PlanHost(path, child_id)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            said[reference] = (text_of(app.screen, "#plan-details"),
                               " ".join(p.message for p in app.screen.problems()))
    details, checks = said["LCS1"]
    assert "Next review: 20 Jan 2027" in details, details
    assert "No review date" not in checks
    details, checks = said["LCS2"]
    assert "Next review: —" in details, details
    assert "No review date" in checks
    details, checks = said["LCS3"]
    assert "Next review: 2 Feb 2027" in details, details
    assert "No review date" not in checks


NEED_CRASH = """
import asyncio, sys, uuid
from tests.screens.test_plan import PlanHost
from tests.screens.test_shell import settle, type_text

async def main():
    app = PlanHost(sys.argv[1], uuid.UUID("{child}"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Dad has lost his job")
        app.screen.query_one("#outcome").focus()
        await type_text(pilot, "A budget they keep to")
        print("TYPED", flush=True)
        await asyncio.sleep(120)  # killed long before this ends

asyncio.run(main())
"""


@pytest.mark.both_stores
async def test_a_need_half_written_survives_a_killed_process_and_comes_back(demo_store,
                                                                           tmp_path):
    """Nothing typed is ever lost (BEX 2: the need in the family's words, the plan's core):
    a new need is typed in a real process, never saved (no Ctrl+S); once the store holds it
    (saved as typed), the process is SIGKILLed. The words are on the child's record, whole;
    Add need brings them back; saving adds the need and ends what was kept."""
    from cintui.casework import drafts
    from tests.crashing import kill_after_typing

    child_id = child_with(demo_store, "agreed")
    before = current(demo_store, child_id)

    def kept(session):
        return [d.payload["values"] for d in drafts.for_child(session, child_id, "form")]

    def words(session):
        return [(v.get("now"), v.get("outcome")) for v in kept(session)]

    typed = [("Dad has lost his job", "A budget they keep to")]
    kill_after_typing(NEED_CRASH.replace("{child}", str(child_id)), demo_store, tmp_path,
                      lambda session: words(session) == typed)
    assert read(demo_store, words) == typed
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_to(pilot, "a", screen="NeedFormScreen")
        form = app.screen
        assert form.query_one("#now").value == "Dad has lost his job"
        assert form.query_one("#outcome").value == "A budget they keep to"
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        rows = cells(app.screen.query_one("#needs"))
        assert rows[-1][0] == "Dad has lost his job"
    assert read(demo_store, kept) == []
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    assert len(draft.needs) == len(before.needs) + 1


# ------------------------------------------- the first plan, after the initial meeting


def hold_initial_meeting(path, reference: str, views: str) -> None:
    """The initial CIN planning meeting booked, held on 20 Nov 2026 and minuted (the
    child's views among the minutes), as the minuting screen finishes one; the child has no
    plan yet, so none is agreed by it: the first plan is written in the plan editor."""
    from datetime import datetime

    from cintui.domain.meeting import Decisions, Invitee, Schedule

    store = open_store(path, None)
    with store.session("amira") as session:
        child = cases.find_child(session, reference)
        plan_started(session, child.id, date(2026, 10, 30))
        mother = record.add_person(session, child.id, record.PersonInput(
            "Jo Keys", "family", "Mother", parental_responsibility=True,
            lives_with_child=True))
        record.record_consent(session, child.id, record.ConsentInput(
            "meeting", "given", date(2026, 10, 2), person_id=mother.person_id), TODAY)
        meeting_id = meetings.schedule(session, child.id, Schedule(
            "initial", datetime(2026, 11, 20, 16, 0), venue="Family home",
            chair="Tom Reid", chair_role="Team manager",
            invitees=(Invitee("Jo Keys", "Mother", is_parent=True),), child_invited=True),
            now=datetime(2026, 11, 2, 9, 0))
        draft = meetings.start_minutes(session, meeting_id, "amira",
                                       datetime(2026, 11, 20, 16, 5))
        minutes = replace(draft.minutes, held_on=date(2026, 11, 20), childs_views=views,
                          attendance=(Invitee("Jo Keys", "Mother", is_parent=True,
                                              attendance="present"),),
                          decisions=Decisions(True, date(2027, 2, 19), "continue"))
        assert meetings.finish(session, meeting_id, minutes, actor="amira",
                               now=datetime(2026, 11, 20, 17, 0), draft_id=draft.id) is None
    store.close()


@pytest.fixture
def new_child_store(tmp_path):
    """Leo Keys (SB1), referred 1 Oct 2026, no plan yet, on a store of his own."""
    return store_with_child(tmp_path / "team.db", "SB1", first_name="Leo", last_name="Keys",
                            dob=date(2017, 5, 2), disabilities="AUT")


async def test_the_first_plan_is_agreed_at_the_meeting_minuted_with_the_childs_views(
        new_child_store):
    """WIR 2.3 (the child's voice in the plan): after the initial meeting was minuted, the
    plan written in the editor asked again for the child's views given there, and its Agree
    form for the meeting it was agreed at. Now both come from the minutes, editable: v has
    the views (a note says whose minutes), g the meeting and its date; the version is
    agreed at that meeting, linked to it."""
    hold_initial_meeting(new_child_store, "SB1", "I like Rainbow House, the big garden.")
    app = ChildHost(new_child_store, "SB1")
    app.actor = "amira"
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_first_plans_details(pilot)
        assert form.query_one("#childs_views").value == "I like Rainbow House, the big garden."
        assert "from the minutes of the Initial CIN planning meeting 20 Nov 2026" in \
            " ".join(text_of(form, "#views-from").split())
        await fill(pilot, "#objectives", "Leo has regular overnight breaks he enjoys")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        await press_to(pilot, "g", screen="AgreeFormScreen")
        agree = app.screen
        assert agree.query_one("#agreed_at").value == "Initial CIN planning meeting 20 Nov 2026"
        assert agree.query_one("#agreed_on").value == "20/11/2026"
        assert agree.query("#agreed-from")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        await pilot.press("v")  # the next version: its views are the plan's, no note
        await until(pilot, lambda: type(app.screen).__name__ == "DetailsFormScreen")
        assert not app.screen.query("#views-from")
        await pilot.press("escape")
    store = open_store(new_child_store, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, "SB1")
            plan = plans.current_plan(session, child.id)
            row = session.get(m.PlanVersion, plan.id)
            (meeting,) = session.exec(select(m.Meeting)).all()
            agreed_since = meetings.meeting_to_agree_at(session, child.id)
    finally:
        store.close()
    assert plan.childs_views == "I like Rainbow House, the big garden."
    assert (row.agreed_at, row.agreed_on, row.meeting_id) == (
        "Initial CIN planning meeting 20 Nov 2026", date(2026, 11, 20), meeting.id)
    assert agreed_since is None  # the meeting has its plan: the next is not agreed there


async def test_a_new_strength_to_keep_is_rated_green_as_it_is_chosen_bex_2(demo_store):
    """BEX 2: column 1 is a worry to change or a strength to keep. A new need chosen as a
    strength stayed Amber, so the worker saved a strength as Amber and then re-rated it,
    asked how long "the change" had held (WIR 2.4), and the record showed a change from
    Amber that never happened. Now the strength is Green as it is chosen (a worry Amber
    again), until the worker chooses a rating themselves, which is then kept."""
    child_id = child_with(demo_store, "agreed")
    app = PlanHost(demo_store, child_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "a", screen="NeedFormScreen")
        form = app.screen
        assert form.query_one("#rag").value == "A"  # a worry, as it opens
        await pilot.press("shift+tab", "s")  # "A strength to keep", found by its word
        await settle(pilot)
        assert form.query_one("#kind").value == "strength"
        assert form.query_one("#rag").value == "G"
        assert text_of(form, "#rag #label") == "Green (g)"  # shown, not only held
        form.query_one("#kind").value = "worry"  # a worry again (chosen from its list)
        await settle(pilot)
        assert (form.query_one("#kind").value, form.query_one("#rag").value) == ("worry", "A")
        form.query_one("#rag").focus()
        await pilot.press("r")  # the worker's own rating: a kind chosen after keeps it
        await settle(pilot)
        form.query_one("#kind").value = "strength"
        await settle(pilot)
        assert (form.query_one("#kind").value, form.query_one("#rag").value) == (
            "strength", "R")
        form.query_one("#rag").focus()
        await pilot.press("g")
        form.query_one("#now").focus()
        await type_text(pilot, "Maisie's nan collects her from school every day")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
    draft = read(demo_store, lambda s: plans.load_version(
        s, plans.draft_version_id(s, child_id)))
    new = draft.needs[-1]
    assert (new.kind, new.rag) == ("strength", "G")
    assert [(h.previous, h.rating, h.maintained_for) for h in new.rag_history] == [
        (None, "G", "")]  # rated Green once, not "Amber → Green, maintained for …"
