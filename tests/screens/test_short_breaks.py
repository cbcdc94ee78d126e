"""Short breaks and direct payments (`H` on the child's record), by keys: WAR 7.1 (a
disabled child's), WAR 7.2.1 (reviewed at least annually: the review's state as on the due
list), TRA CAN team, BEX short breaks. Synthetic people only."""

from __future__ import annotations

from datetime import date

import pytest

from cintui.casework import cases, record
from cintui.casework import short_breaks as sb
from cintui.store import models as m
from cintui.store.engine import create_store, open_store
from tests.conftest import TODAY, plan_started
from tests.screens.test_child import SIZE, ChildHost, audit_entities, cells, fill, text_of
from tests.screens.test_shell import press_to, settle, until


def store_with_child(path, reference: str, **child) -> object:
    """A plain store with Amira Khan and one child of hers (`child`: NewChild's details)."""
    store = create_store(path, None, encrypt=False)
    with store.session("setup") as session:
        cases.set_store_policy(session, "england")
        session.add(m.Worker(username="amira", name="Amira Khan", role="social_worker"))
    with store.session("amira") as session:
        cases.add_child(session, cases.NewChild(
            reference=reference, referral_date=date(2026, 10, 1), worker="amira", **child),
            TODAY)
    store.close()
    return path


@pytest.fixture
def disabled_store(tmp_path):
    return store_with_child(tmp_path / "team.db", "SB1", first_name="Leo", last_name="Keys",
                            dob=date(2017, 5, 2), disabilities="AUT")


async def test_short_breaks_and_direct_payments_by_keys_war_7_2_1(disabled_store):
    app = ChildHost(disabled_store, "SB1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ShortBreaksScreen"
        assert "b adds a short break, p a direct payment" in text_of(screen, "#sb-detail")
        assert "direct payments every 12 months" in text_of(screen, "#sb-header")
        await pilot.press("r")  # nothing to review yet: told so, no form
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("b")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ShortBreakFormScreen"
        await fill(pilot, "#provider", "Rainbow House")
        await fill(pilot, "#hours", "200")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # more hours than a week holds
        assert "more than there are in a week (168)" in text_of(form, "#hours-error")
        await fill(pilot, "#hours", "8")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert cells(screen.query_one("#sb-table"))[0] == [
            "SB1", "Overnight short break, 8 h a week, Rainbow House", "23 Nov 2026",
            "23 Nov 2027", "upcoming"]

        await pilot.press("p")
        await settle(pilot)
        await fill(pilot, "#amount", "120.50")
        await fill(pilot, "#managed_by", "Jo Keys (mother)")
        await fill(pilot, "#start", "03/11/2025")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        # WAR 7.2.1: 12 months from Mon 3 Nov 2025 is Tue 3 Nov 2026: overdue on 23 Nov.
        assert cells(screen.query_one("#sb-table"))[1] == [
            "DP1", "Direct payment of £120.50 a week, managed by Jo Keys (mother)",
            " 3 Nov 2025", " 3 Nov 2026", "overdue"]

        await pilot.press("down", "r")
        await settle(pilot)
        review = app.screen
        assert type(review).__name__ == "ReviewFormScreen"
        await fill(pilot, "#notes", "Paying for a PA two evenings a week")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert cells(screen.query_one("#sb-table"))[1][3:] == ["23 Nov 2027", "upcoming"]
        assert "Reviewed 23 Nov 2026 by amira: Paying for a PA" in text_of(screen,
                                                                         "#sb-detail")

        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no reason: not ended
        await settle(pilot)
        assert "say why it ended" in text_of(app.screen, "#reason-error")
        await fill(pilot, "#reason", "Moved to a managed account")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert cells(screen.query_one("#sb-table"))[1][3:] == ["—", "ended 23 Nov 2026"]

        await pilot.press("up", "e")
        await settle(pilot)
        edit = app.screen
        assert type(edit).__name__ == "ShortBreakFormScreen"
        assert edit.query_one("#provider").value == "Rainbow House"
        await fill(pilot, "#hours", "10")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert cells(screen.query_one("#sb-table"))[0][1] == \
            "Overnight short break, 10 h a week, Rainbow House"

    store = open_store(disabled_store, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, "SB1")
            (dp,) = sb.direct_payment_facts(session, child.id)
            assert (dp.amount_pence, dp.ended_on, dp.end_reason) == (
                12050, TODAY, "Moved to a managed account")
            chron = [e.summary for e in record.chronology(session, child.id, TODAY)]
            assert "Direct payment reviewed (WAR 7.2.1): Direct payment of £120.50 a week, " \
                   "managed by Jo Keys (mother)" in chron
    finally:
        store.close()
    entities = {(a, e) for a, e, _c, who in audit_entities(disabled_store) if who == "amira"}
    assert {("insert", "short_break"), ("update", "short_break"), ("insert", "direct_payment"),
            ("update", "direct_payment"), ("insert", "support_review")} <= entities


async def test_a_review_after_the_18th_birthday_is_refused_beside_it_s17_10_war_4_2(tmp_path):
    """s17(10), WAR 4.2. Maya is 18 on Wed 20 Jan 2027: a short break's review could be set
    for March, after children's services' package must end or pass to adult social care,
    and a blank gave 12 months. Now a later date is refused beside the box, naming the
    birthday, and nothing is saved; blank, the review is set on the birthday."""
    path = store_with_child(tmp_path / "team.db", "SB18", first_name="Maya", last_name="Ward",
                            dob=date(2009, 1, 20), disabilities="LD")
    app = ChildHost(path, "SB18")
    app.actor = "amira"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "H", screen="ShortBreaksScreen")
        screen = app.screen
        await press_to(pilot, "b", screen="ShortBreakFormScreen")
        form = app.screen
        await fill(pilot, "#provider", "Rainbow House")
        await fill(pilot, "#hours", "8")
        await fill(pilot, "#review", "01/03/2027")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "18th birthday" in text_of(form, "#review-error"))
        assert app.screen is form
        assert ("1 Mar 2027 is after the 18th birthday (20 Jan 2027)" in " ".join(
            text_of(form, "#review-error").split()))
        await fill(pilot, "#review", "")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        assert cells(screen.query_one("#sb-table"))[0][3] == "20 Jan 2027"


async def test_my_week_lists_the_overdue_annual_review_and_enter_opens_the_screen(
        disabled_store):
    """WAR 7.2.1: a direct payment started Mon 3 Nov 2025, not reviewed, is overdue on My
    week (F3); Enter opens the child's short breaks and direct payments; Esc, the record."""
    from tests.screens.test_my_week import WeekHost, move_to, open_week

    store = open_store(disabled_store, None)
    try:
        with store.session("amira") as session:
            child = cases.find_child(session, "SB1")
            sb.add_direct_payment(session, child.id, sb.DirectPaymentInput(
                12050, "month", "Jo Keys (mother)", date(2025, 11, 3)), by="amira")
    finally:
        store.close()
    app = WeekHost(disabled_store, "SB1")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(pilot)
        await move_to(pilot, screen, lambda i: i.key == "direct_payment_review")
        item = next(i for i in screen.items.values() if i.key == "direct_payment_review")
        assert (item.due, item.state.value) == (date(2026, 11, 3), "overdue")
        assert "short breaks and direct payments (WAR 7.2.1)" in text_of(screen,
                                                                       "#week-detail")
        await press_to(pilot, "enter", screen="ShortBreaksScreen")
        assert type(app.screen).__name__ == "ShortBreaksScreen"
        await press_to(pilot, "escape", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"


async def test_d_on_the_case_steps_opens_the_one_record_of_direct_payments_war_7_2(
        disabled_store):
    """WAR 7.2, 7.2.1: `d` on the case steps (where direct payments used to be recorded)
    opens this screen. A payment moved from the old record (revision 0024) says its amount
    and manager were not recorded; editing it asks for them; reviewed, the next review is a
    year on; back on the case steps (Esc) it shows as now recorded."""
    store = open_store(disabled_store, None)
    try:
        with store.session("amira") as session:  # as revision 0024 moves an old record
            child = cases.find_child(session, "SB1")
            session.add(m.DirectPayment(child_id=child.id, amount_pence=None, period="",
                                        managed_by="", started_on=date(2025, 11, 3),
                                        review_due=date(2026, 11, 3)))
    finally:
        store.close()
    app = ChildHost(disabled_store, "SB1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        steps = app.screen
        assert type(steps).__name__ == "CaseStepsScreen"
        assert "Direct payment (amount not recorded), manager not recorded: from 3 Nov " \
               "2025, next review by 3 Nov 2026" in text_of(steps, "#steps-child")
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ShortBreaksScreen"
        assert cells(screen.query_one("#sb-table"))[0] == [
            "DP1", "Direct payment (amount not recorded), manager not recorded",
            " 3 Nov 2025", " 3 Nov 2026", "overdue"]
        await pilot.press("e")
        await settle(pilot)
        edit = app.screen
        assert edit.query_one("#amount").value == ""
        await pilot.press("ctrl+s")  # not recorded is not an amount: asked for
        await settle(pilot)
        assert app.screen is edit
        assert "give the amount paid" in text_of(edit, "#amount-error")
        await fill(pilot, "#amount", "95")
        await fill(pilot, "#managed_by", "Jo Keys (mother)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("r")
        await settle(pilot)
        await fill(pilot, "#notes", "Going well")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(screen.query_one("#sb-table"))[0] == [
            "DP1", "Direct payment of £95.00 a week, managed by Jo Keys (mother)",
            " 3 Nov 2025", "23 Nov 2027", "upcoming"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is steps
        assert "Direct payment of £95.00 a week, managed by Jo Keys (mother): from 3 Nov " \
               "2025, last reviewed 23 Nov 2026, next review by 23 Nov 2027" in text_of(
                   steps, "#steps-child")


async def test_a_change_made_elsewhere_while_the_form_is_open_is_not_overwritten(
        disabled_store, tmp_path):
    """Issue 18, no last writer wins: the package changed by another process (the CLI) while
    its form is open; Ctrl+S says who changed it, in one line, and saves nothing; a second
    Ctrl+S saves over it knowingly."""
    import subprocess
    import sys

    from tests.conftest import private_env

    store = open_store(disabled_store, None)
    with store.session("amira") as session:
        child = cases.find_child(session, "SB1")
        sb.add_short_break(session, child.id, sb.ShortBreakInput(
            "Rainbow House", "overnight", 8, "month", date(2026, 10, 1)), by="Amira Khan")
    store.close()
    app = ChildHost(disabled_store, "SB1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        screen = app.screen
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ShortBreakFormScreen"
        done = subprocess.run(
            [sys.executable, "-m", "cintui", "short-break", "edit", "SB1", "1", "--provider",
             "Sunflower Lodge", "--db", str(disabled_store)],
            env={**private_env(tmp_path), "CINTUI_USER": "amira",
                 "CINTUI_TODAY": TODAY.isoformat()},
            capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        await fill(pilot, "#hours", "10")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        said = text_of(form, "#form-error")
        assert said.startswith("Not saved: Amira Khan (amira) changed this short break at ")
        assert "after you opened it" in said
        other = open_store(disabled_store, None)
        try:
            with other.read() as session:  # nothing of the form's saved
                (fact,) = sb.short_break_facts(session, child.id)
                assert (fact.provider, fact.hours) == ("Sunflower Lodge", 8)
        finally:
            other.close()
        await pilot.press("ctrl+s")  # knowingly, over theirs
        await settle(pilot)
        assert app.screen is screen
    store = open_store(disabled_store, None)
    try:
        with store.read() as session:
            (fact,) = sb.short_break_facts(session, child.id)
            assert (fact.provider, fact.hours) == ("Rainbow House", 10)
    finally:
        store.close()


async def test_with_no_disability_recorded_b_asks_for_it_first_then_opens_the_form(tmp_path):
    """WAR 7.1: short breaks are for a disabled child. With no disability recorded, b once
    opened the form and refused it on Ctrl+S, naming a command line to run in another
    terminal; now the child's circumstances open first with the cursor in Disabilities, and
    once the disability is saved the short-break form opens."""
    path = store_with_child(tmp_path / "team.db", "SB2", first_name="Ada", last_name="Keys",
                            dob=date(2016, 3, 2))
    app = ChildHost(path, "SB2")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_to(pilot, "H", screen="ShortBreaksScreen")
        screen = app.screen
        await until(pilot, lambda: screen.shown is not None)
        await press_to(pilot, "b", screen="CircumstancesFormScreen")
        assert app.focused.id == "disability" and app.focused.value == ""
        await pilot.press(*"autism")
        await press_to(pilot, "ctrl+s", screen="ShortBreakFormScreen")
        assert type(app.screen).__name__ == "ShortBreakFormScreen"
        await fill(pilot, "#provider", "Rainbow House")
        await fill(pilot, "#hours", "8")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: screen.query_one("#sb-table").row_count == 1)
    store = open_store(path, None)
    with store.read() as session:
        child = cases.find_child(session, "SB2")
        assert child.disabilities == "AUT"
        assert [f.provider for f in sb.short_break_facts(session, child.id)] == ["Rainbow House"]
    store.close()


def add_packages(path, reference: str) -> None:
    """An overnight short break and a direct payment, as `cintui short-break add` and
    `cintui direct-payment add` record them, and the child a young carer."""
    from cintui.casework import steps

    store = open_store(path, None)
    with store.session("amira") as session:
        child = cases.find_child(session, reference)
        sb.add_short_break(session, child.id, sb.ShortBreakInput(
            "Rainbow House", "overnight", 8, "week", date(2026, 10, 5)), by="amira")
        sb.add_direct_payment(session, child.id, sb.DirectPaymentInput(
            12050, "week", "Jo Keys (mother)", date(2026, 9, 1)), by="amira")
        steps.record_circumstances(session, child.id, {"young_carer": "yes"},
                                   on=date(2026, 10, 1), today=TODAY, by="amira")
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_summary_shows_short_breaks_and_direct_payments_whole(disabled_store, size):
    """BEX short breaks, WAR 7.2.1: the Summary said nothing of a short break, cut
    "Direct payments:" to "Direct paymen…" and ran "Circumstances:" into its value. Each
    label now stands apart from its value, and both packages read there with their reviews."""
    from tests.screens.test_child import shown_lines

    add_packages(disabled_store, "SB1")
    app = ChildHost(disabled_store, "SB1")
    app.actor = "amira"
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        lines = shown_lines(app.screen.query_one("#details"))
        text = " ".join(" ".join(lines).split())
        starts = {line.split(":")[0].strip(): line for line in lines if ":" in line}
        assert "Direct paymen…" not in text
        for label in ("Circumstances", "Short breaks", "Direct payments"):
            assert f"{label}: " in starts[label], lines  # a space after the colon, at least
        assert ("Short breaks: Overnight short break, 8 h a week, Rainbow House, since "
                "5 Oct 2026, next review by 5 Oct 2027") in text
        assert ("Direct payments: Direct payment of £120.50 a week, managed by Jo Keys "
                "(mother), since 1 Sep 2026, next review by 1 Sep 2027") in text
        assert "Circumstances: Young carer" in text


def plan_services(path, reference: str) -> list[tuple[str, str]]:
    from cintui.casework import plans

    store = open_store(path, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, reference)
            vid = plans.draft_version_id(session, child.id)
            return [(s.name, s.purpose) for s in plans.load_version(session, vid).services]
    finally:
        store.close()


async def open_first_plans_details(pilot):
    """From the child's record: p, n (the child's first plan), v: its Details form."""
    app = pilot.app
    await settle(pilot)
    await press_to(pilot, "p", screen="PlanScreen")
    await pilot.press("n")
    await settle(pilot)
    await press_to(pilot, "v", screen="DetailsFormScreen")
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_plans_services_offer_the_short_breaks_and_direct_payments(disabled_store,
                                                                            size):
    """WIR 2.7, WAR 7.2.1, BEX short breaks: the plan's Services box did not know the short
    break and the direct payment recorded with H, and the worker typed them again. Now the
    box holds them when v opens it (a note says so), once: opened again after a save, and
    with "Direct payments" typed by the worker, nothing is added twice."""
    add_packages(disabled_store, "SB1")
    store = open_store(disabled_store, None)
    with store.session("amira") as session:  # TRA: the manager has started the plan
        plan_started(session, cases.find_child(session, "SB1").id)
    store.close()
    app = ChildHost(disabled_store, "SB1")
    app.actor = "amira"
    async with app.run_test(size=size) as pilot:
        form = await open_first_plans_details(pilot)
        assert form.query_one("#services").value == (
            "Rainbow House: overnight short breaks, 8 h a week; Direct payment: £120.50 a "
            "week, managed by Jo Keys (mother)")
        assert "from the child's short breaks and direct payments (H): Rainbow House, " \
               "Direct payment" in " ".join(text_of(form, "#services-offered").split())
        await fill(pilot, "#services", "Family support worker: routines; Direct payments; "
                                       "Rainbow House: overnight short breaks, 8 h a week")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
        await pilot.press("v")  # again: both are named, nothing is added
        await until(pilot, lambda: type(app.screen).__name__ == "DetailsFormScreen")
        assert not app.screen.query("#services-offered")
        assert app.screen.query_one("#services").value == (
            "Family support worker: routines; Direct payments; Rainbow House: overnight "
            "short breaks, 8 h a week")
        await press_to(pilot, "ctrl+s", screen="PlanScreen")
    assert plan_services(disabled_store, "SB1") == [
        ("Family support worker", "routines"), ("Direct payments", ""),
        ("Rainbow House", "overnight short breaks, 8 h a week")]


async def test_at_80_columns_every_column_of_the_short_breaks_is_on_screen(disabled_store):
    """WAR 7.2.1: at 80 columns What took the width and cut off Next review and State (the
    line under the list still had them). Now What wraps in what the others leave, and each
    row reads whole, its review and state beside it; at 120 a row is one line."""
    from tests.screens.test_child import shown_lines

    add_packages(disabled_store, "SB1")
    app = ChildHost(disabled_store, "SB1")
    app.actor = "amira"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "H", screen="ShortBreaksScreen")
        screen = app.screen
        await until(pilot, lambda: screen.query_one("#sb-table").row_count == 2)
        table = screen.query_one("#sb-table")
        assert [str(c.label) for c in table.columns.values()] == [
            "#", "What", "Since", "Next review", "State"]
        lines = [" ".join(line.split()) for line in shown_lines(table)]
        assert lines[0] == "# What Since Next review State"
        assert lines[1].startswith("SB1 Overnight short break, 8 h a")
        assert lines[1].endswith("5 Oct 2026 5 Oct 2027 upcoming")
        assert lines[3].startswith("DP1 Direct payment of £120.50 a")
        assert lines[3].endswith("1 Sep 2026 1 Sep 2027 upcoming")
        shown = " ".join(lines)
        assert "Rainbow House" in shown and "Jo Keys (mother)" in shown
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        lines = [" ".join(line.split()) for line in shown_lines(table)]
        assert lines[1] == ("SB1 Overnight short break, 8 h a week, Rainbow House 5 Oct 2026 "
                            "5 Oct 2027 upcoming")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_short_breaks_screen_snapshot(disabled_store, snap_compare, size):
    """H on a disabled child's record with a short break and a direct payment, at a laptop's
    80x24 (What wraps; Next review and State whole) and at 120x40."""
    add_packages(disabled_store, "SB1")
    app = ChildHost(disabled_store, "SB1")
    app.actor = "amira"

    async def ready(pilot) -> None:
        await settle(pilot)
        await press_to(pilot, "H", screen="ShortBreaksScreen")
        await until(pilot, lambda: app.screen.query_one("#sb-table").row_count == 2)
        app.sub_title = "UNENCRYPTED STORE · team.db"
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_summary_with_short_breaks_snapshot(disabled_store, snap_compare, size):
    """The Summary of a disabled child with a short break, a direct payment and a
    circumstance: each label apart from its value, at 80x24 and 120x40."""
    add_packages(disabled_store, "SB1")
    app = ChildHost(disabled_store, "SB1")
    app.actor = "amira"

    async def ready(pilot) -> None:
        await settle(pilot)
        app.sub_title = "UNENCRYPTED STORE · team.db"
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)

