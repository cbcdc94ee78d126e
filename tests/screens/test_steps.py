"""The Case steps screen (`K` on the child's record), walked by keys from an empty store:
the referral and its decision, the assessment started, written under its headings, factors
picked by words, completed; the authorisation offered only to a manager (and who can, said
to a worker); the plan started with the manager's authorisation; the initial home visit and
support started; the circumstances. Each step shows on the Summary and the chronology.

Synthetic people only."""

from __future__ import annotations

from datetime import date

import pytest
from textual import events
from textual.widgets import SelectionList, TextArea

from cintui.casework import cases
from cintui.casework import steps as cs
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.casework.test_steps import TEXTS
from tests.conftest import TODAY
from tests.screens.test_child import SIZE, ChildHost, cells, fill, text_of
from tests.screens.test_shell import (
    post_burst,
    press_to,
    settle,
    shown_choice,
    type_text,
    until,
    words,
)


@pytest.fixture
def empty_store(new_db):
    return one_child_store(new_db)


def one_child_store(new_db, policy: str = "england", **child) -> object:
    """A store set up as a team would: the policy, a worker and her manager, and Leo
    (KEY1), referred on 20 November 2026 (`child`: more of his details)."""
    path = new_db("team.db")
    store = open_store(path, None)
    with store.session("setup") as session:
        cases.set_store_policy(session, policy)
        session.add(m.Worker(username="amira", name="Amira Khan", role="social_worker"))
        session.add(m.Worker(username="tom", name="Tom Hale", role="team_manager"))
    with store.session("amira") as session:
        cases.add_child(session, cases.NewChild(
            first_name="Leo", last_name="Keys", dob=date(2017, 5, 2), reference="KEY1",
            referral_date=date(2026, 11, 20), worker="amira", **child), TODAY)
    store.close()
    return path


async def open_steps(pilot):
    """From the child's record, settled: K, and wait for the case steps."""
    await settle(pilot)
    await pilot.press("K")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "CaseStepsScreen")


def facts(app):
    with app.store.read() as session:
        return cs.case_steps(session, app.child_id).facts


async def save(pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


@pytest.mark.slow
async def test_the_case_steps_by_keys(empty_store):
    app = ChildHost(empty_store, "KEY1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Record the decision on the referral" in text_of(app.screen, "#details")
        await pilot.press("K")
        await settle(pilot)
        steps = app.screen
        assert type(steps).__name__ == "CaseStepsScreen"
        assert "Next: Record the decision on the referral" in text_of(steps, "#steps-state")
        # Out of order: no assessment before the decision (the key does nothing).
        await pilot.press("s")
        await settle(pilot)
        assert app.screen is steps

        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ReferralFormScreen"
        # Unchosen, a box says its keys (not Textual's "Select", which read as a value).
        route = form.query_one("#route")
        assert shown_choice(route) == "press m, r, s or e; Enter lists them"
        await pilot.press("enter")  # the list: "(none)" first, then each option with its key
        await settle(pilot)
        listed = route.query_one("SelectOverlay")
        assert [str(listed.get_option_at_index(i).prompt) for i in (0, 4)] == [
            "(none)", "Step-up from early help (e)"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("e")  # the form opens on "How it came": e, a step-up from early help
        form.query_one("#decision").focus()
        await pilot.press("a")  # the decision: a, an assessment (each key shown beside it)
        await settle(pilot)
        assert (form.value("route"), form.value("decision")) == ("early_help_step_up",
                                                                 "assessment")
        # WAR 4.4: a step-up names the early help plan; checked as it is typed.
        assert "date of the early help plan" in text_of(form, "#early_help_plan-error")
        await fill(pilot, "#early_help_plan", "01/13/2026")
        assert "is not a date" in text_of(form, "#early_help_plan-error")
        await fill(pilot, "#early_help_plan", "10/06/2026")
        # Who decided, and Ctrl+S, in one quick burst: saved with every key typed before it.
        form.query_one("#by").value = ""
        form.query_one("#by").focus()
        await settle(pilot)
        for key, character in [*((c, c) if c != " " else ("space", c) for c in "Tom Hale"),
                               ("ctrl+s", None)]:
            app.post_message(events.Key(key, character))
        await until(pilot, lambda: app.screen is steps)
        f = facts(app)
        assert (f.referral_route, f.early_help_plan_on, f.referral_decision,
                f.referral_decided_by) == ("early_help_step_up", date(2026, 6, 10),
                                           "assessment", "Tom Hale")
        # Decided on 23 Nov, the referral came on Fri 20 Nov: due Mon 23 Nov, in time.
        assert "in time: 1 working day" in text_of(steps, "#steps-state")

        await pilot.press("s")  # the assessment starts today
        await settle(pilot)
        await save(pilot)
        assert facts(app).assessment_started == TODAY

        await pilot.press("e")  # the record under its headings, in long text boxes
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "RecordFormScreen"
        # What completing needs, in a sentence: the headings are on view (WIR 1.1, TRA)
        assert "write under all 7 headings" in text_of(form, "#form-info")
        for key, text in TEXTS.items():
            box = form.query_one(f"#{key}", TextArea)
            box.focus()
            await type_text(pilot, text[:25])
        form.query_one("#outcome").value = "cin_plan"
        await settle(pilot)
        assert "choose the factors" in text_of(form, "#form-info")
        assert "headings" not in text_of(form, "#form-info")  # each one written
        await save(pilot)
        f = facts(app)
        assert f.record["analysis"] == TEXTS["analysis"][:25]
        assert f.outcome == "cin_plan"
        # Written over two sittings: opened again, a box adds after its last word (they
        # went before its first word).
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#analysis", TextArea).focus()
        await type_text(pilot, " and more")
        await save(pilot)
        assert facts(app).record["analysis"] == TEXTS["analysis"][:25] + " and more"

        await pilot.press("f")  # factors, picked by words
        await settle(pilot)
        form = app.screen
        # Until one is ticked, the form says how
        assert "none yet (type words, Enter, then Space ticks" in " ".join(
            text_of(form, "#form-info").split())
        # Typed at once: Enter goes to the first factor the words leave, Space ticks it (the
        # Space once went into the words, the move to the list coming after it).
        post_burst(app, [*words("domestic violence child"), ("enter", "\r"),
                         ("space", " ")])
        await settle(pilot)
        listed = form.query_one("#factors", SelectionList)
        assert listed.option_count == 1
        assert "Chosen: domestic violence: child" in text_of(form, "#form-info")
        await save(pilot)
        assert facts(app).factors == ("3A",)

        await pilot.press("c")  # completed: it goes to the line manager
        await settle(pilot)
        await save(pilot)
        assert facts(app).assessment_submitted == TODAY
        # A social worker is not offered the authorisation, and is told who can.
        note = text_of(steps, "#steps-keys")
        assert "a authorise" not in note
        assert "the line manager's (TRA): Tom Hale (Team manager)" in note
        assert "what waits for them is listed on their team view (F4, w)" in " ".join(
            note.split())
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is steps

        app.actor = "tom"  # the manager opens cintui as himself
        steps.load()
        await settle(pilot)
        assert "a authorise it" in text_of(steps, "#steps-keys")
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.query_one("#by").value == "tom"
        await save(pilot)
        f = facts(app)
        assert (f.assessment_authorised, f.assessment_authorised_by) == (TODAY, "Tom Hale")
        await pilot.press("p")  # the plan, authorised by the line manager
        await settle(pilot)
        await save(pilot)
        assert facts(app).cin_plan_authorised_by == "Tom Hale"

        app.actor = "amira"
        steps.load()
        await settle(pilot)
        await pilot.press("t")  # support before the home visit: not offered
        await settle(pilot)
        assert app.screen is steps
        await pilot.press("h")
        await settle(pilot)
        await fill(pilot, "#on", "30/11/2026")
        assert "in the future" in text_of(app.screen, "#on-error")
        await fill(pilot, "#on", "23/11/2026")
        await save(pilot)
        await pilot.press("t")
        await settle(pilot)
        await save(pilot)
        assert facts(app).support_started == TODAY

        await pilot.press("i")  # circumstances
        await settle(pilot)
        app.screen.query_one("#young_carer").value = "yes"
        await save(pilot)
        assert "Circumstances (WAR 2.2.2): Young carer" in text_of(steps, "#steps-child")
        assert "All the steps are recorded" in text_of(steps, "#steps-state")

        await pilot.press("escape")
        await settle(pilot)
        child = app.screen
        # Each label and its value (the labels are as wide as the longest: spaces between).
        details = " ".join(text_of(child, "#details").split())
        assert "Assessment: authorised 23 Nov 2026 by Tom Hale; outcome: a CIN plan" in details
        assert "CIN plan: started 23 Nov 2026, authorised by Tom Hale" in details
        # DOMAIN.md §6: the plan started the initial meeting and visit clocks.
        due = [row[1] for row in cells(child.query_one("#deadlines"))]
        assert "Initial CIN meeting" in due and "Next visit" in due
        assert "Assessment completed" not in due
        await pilot.press("7")
        await settle(pilot)
        chronology = [row[2] for row in cells(child.query_one("#chronology-table"))]
        assert any(r.startswith("Assessment authorised by the line manager") for r in chronology)
        assert any(r.startswith("Referral received") and "a step-up from early help" in r
                   for r in chronology)


# ---------------------------------------------------------------- the record saved as typed

RECORD_CRASH = """
import asyncio, sys
from tests.screens.test_child import ChildHost
from tests.screens.test_shell import settle, type_text
from textual.widgets import TextArea

async def main():
    app = ChildHost(sys.argv[1], "KEY1")
    app.actor = "amira"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("K")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#analysis", TextArea).focus()
        await type_text(pilot, "Mum is tired, not neglectful")
        print("TYPED", flush=True)
        await asyncio.sleep(120)  # killed long before this ends

asyncio.run(main())
"""


def assessing(path) -> None:
    """KEY1's referral decided (to assess) and the assessment started, as the keys above."""
    from cintui.domain.steps import Referral

    store = open_store(path, None)
    try:
        with store.session("amira") as session:
            child_id = cases.find_child(session, "KEY1").id
            cs.record_referral(session, child_id, Referral(
                decision="assessment", decided_on=TODAY, decided_by="Tom Hale"),
                today=TODAY, actor="amira")
            cs.start_assessment(session, child_id, TODAY, today=TODAY)
    finally:
        store.close()


def record_drafts(path) -> list[dict]:
    store = open_store(path, None)
    try:
        with store.read() as session:
            return records_kept(session)
    finally:
        store.close()


def records_kept(session) -> list[dict]:
    child = cases.find_child(session, "KEY1")
    return [d.payload["texts"] for d in cs.drafts.for_child(session, child.id)
            if d.kind == cs.RECORD_DRAFT]


@pytest.mark.both_stores
def test_the_assessment_record_typed_survives_a_killed_process(empty_store, tmp_path):
    """Nothing typed is ever lost (WIR 1.1, TRA: the assessment is the longest thing a
    worker writes): typed under a heading in a real process, never saved; once the store
    holds it (saved as typed), the process is killed (SIGKILL: no clean-up). What was typed
    under the heading is in the store, whole."""
    from tests.crashing import kill_after_typing

    def analysis(session):
        return [t.get("analysis") for t in records_kept(session)]

    assessing(empty_store)
    kill_after_typing(RECORD_CRASH, empty_store, tmp_path,
                      lambda session: analysis(session) == ["Mum is tired, not neglectful"])
    assert [t["analysis"] for t in record_drafts(empty_store)] == [
        "Mum is tired, not neglectful"]


@pytest.mark.both_stores
async def test_a_step_key_and_the_choice_after_it_typed_at_once(empty_store):
    """"K r e" typed as one burst: the case steps, the referral form, and "e" (a step-up from
    early help) chosen in it. The "e" once reached the case steps before the form opened
    and was lost (the keys there now act as read)."""
    app = ChildHost(empty_store, "KEY1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        post_burst(app, [("K", "K"), ("r", "r"), ("e", "e")])
        await until(pilot, lambda: type(app.screen).__name__ == "ReferralFormScreen")
        await settle(pilot)
        assert app.screen.value("route") == "early_help_step_up"


async def test_the_assessment_record_comes_back_as_typed_and_ends_with_the_save(empty_store):
    """Typed and left (Esc, or the app closed) without saving: the text is a draft, not the
    record; the form opens with it next time, says so, and saving writes the record and
    ends the draft in one go."""
    assessing(empty_store)
    app = ChildHost(empty_store, "KEY1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await open_record_form(pilot)
        assert record_drafts(empty_store) == []  # opening writes nothing
        app.screen.query_one("#analysis", TextArea).focus()
        await type_text(pilot, "Mum is tired, not neglectful")
        await press_to(pilot, "escape", screen="CaseStepsScreen")
        said = " ".join(str(n.message) for n in app._notifications)
        assert "kept as a draft, not yet the record" in said
    assert facts_of(empty_store).record == {}
    assert [t["analysis"] for t in record_drafts(empty_store)] == [
        "Mum is tired, not neglectful"]

    app = ChildHost(empty_store, "KEY1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await open_record_form(pilot)
        form = app.screen
        assert form.query_one("#analysis", TextArea).text == "Mum is tired, not neglectful"
        said = " ".join(str(n.message) for n in app._notifications)
        assert "What you typed before and did not save is back" in said
        await save(pilot)
        assert type(app.screen).__name__ == "CaseStepsScreen"
    assert facts_of(empty_store).record == {"analysis": "Mum is tired, not neglectful"}
    assert record_drafts(empty_store) == []


async def open_record_form(pilot) -> None:
    """The record, its Case steps (K), the assessment record's form (e)."""
    await settle(pilot)
    await pilot.press("K")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)


def facts_of(path):
    store = open_store(path, None)
    try:
        with store.read() as session:
            return cs.case_steps(session, cases.find_child(session, "KEY1").id).facts
    finally:
        store.close()


async def test_child_protection_strategy_s47_and_icpc_by_keys_from_the_case_steps(
        empty_store):
    """Working Together 2023 (BEX 3: a Red need or a deteriorating case): the strategy
    discussion, the section 47 enquiry it decides and the ICPC, each the next x on the case
    steps (they were the command line's alone). The ICPC's target is the policy's clock
    (15 working days from the discussion) unless given; a date in the future is refused
    beside the field; what is recorded reads as `cintui cp list` reads it."""
    from cintui.casework import child_protection as cp

    app = ChildHost(empty_store, "KEY1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await open_steps(pilot)
        steps = app.screen
        assert "x child protection" in text_of(steps, "#steps-keys")
        await press_to(pilot, "x", screen="ChildProtectionFormScreen")
        form = app.screen
        assert "Strategy discussion" in text_of(form, "#form-title")
        assert app.focused.id == "outcome"  # the decision first, the day is today's
        await pilot.press("s")
        await fill(pilot, "#on", "24/11/2026")  # tomorrow
        await pilot.press("tab")
        await type_text(pilot, "Police and health: bruising seen at school")
        await save(pilot)
        assert app.screen is form
        assert "is in the future" in text_of(form, "#on-error")
        await fill(pilot, "#on", "23/11/2026")
        await save(pilot)
        await until(pilot, lambda: app.screen is steps)
        assert ("Child protection: strategy discussion 23 Nov 2026: section 47 enquiry · x "
                "records the section 47 enquiry's start" in text_of(steps, "#steps-state"))

        await press_to(pilot, "x", screen="ChildProtectionFormScreen")
        assert "The section 47 enquiry starts" in text_of(app.screen, "#form-title")
        await save(pilot)  # started today, the ICPC by the policy's clock
        await until(pilot, lambda: app.screen is steps)
        assert ("s47 started 23 Nov 2026; ICPC due by 14 Dec 2026 · x records its outcome"
                in text_of(steps, "#steps-state"))

        await press_to(pilot, "x", screen="ChildProtectionFormScreen")
        assert "outcome" in text_of(app.screen, "#form-title")
        await pilot.press("h")
        await save(pilot)
        await until(pilot, lambda: app.screen is steps)
        shown = text_of(steps, "#steps-state")
        assert "ICPC held 23 Nov 2026" in shown and "x records" not in shown

    store = open_store(empty_store, None)
    with store.read() as session:
        (row,) = cp.enquiries(session, cases.find_child(session, "KEY1").id)
        enquiry = cp.fact(row)
    store.close()
    assert row.strategy_notes == "Police and health: bruising seen at school"
    assert row.recorded_by == "amira"
    assert (enquiry.strategy_outcome, enquiry.s47_started, enquiry.icpc_target,
            enquiry.s47_outcome, enquiry.icpc_held) == (
        "s47", TODAY, date(2026, 12, 14), "icpc", TODAY)


async def test_a_disabled_childs_assessment_is_prompted_to_the_cwdt_war_4_4_1(new_db):
    """WAR 4.4.1 on the case steps: on Warwickshire's policy a disabled child whose service
    is not the Children with Disability Team is prompted to it under "Next:", with the key
    that changes the service; never a refusal (the referral is recorded as ever)."""
    path = one_child_store(new_db, "warwickshire", disabilities="AUT",
                           service="Strengthening Families")
    app = ChildHost(path, "KEY1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await open_steps(pilot)
        said = " ".join(text_of(app.screen, "#steps-state").split())
        assert ("⚠ The child has a disability: their assessment is completed by the Children "
                "with Disability Team (WAR 4.4.1); their service is Strengthening Families "
                "(u on the record changes it)") in said
        assert "Next: Record the decision on the referral" in said


@pytest.mark.both_stores
async def test_each_steps_words_wrap_under_themselves_at_80_columns(demo_store):
    """On 80 columns the case steps read as a list: a step (or an assessment heading) too
    long for its line goes on under its own words, not back under the ✓ marks."""
    from tests.screens.test_child import shown_lines

    app = ChildHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_steps(pilot)
        await settle(pilot)
        for selector, indent in (("#steps-state", 10), ("#steps-assessment", 4)):
            lines = shown_lines(app.screen.query_one(selector))
            marked = [i for i, line in enumerate(lines) if line.lstrip().startswith("✓")]
            wrapped = [lines[i + 1] for i in marked
                       if i + 1 < len(lines) and lines[i + 1].startswith(" " * indent)
                       and not lines[i + 1].lstrip().startswith(("✓", "·", "✗"))]
            assert wrapped, lines  # some step is longer than a line at 80 columns
            assert all(w[indent] != " " for w in wrapped), wrapped
            assert all(line.startswith(" ") for line in lines[marked[0]:marked[-1]])


async def test_the_assessment_form_at_80x24_leaves_its_boxes_the_room_wir_1_1(empty_store):
    """At 80x24 the form writing the assessment said, under its boxes, each heading still
    empty and every level and outcome there is: ten of its lines, with room for one box and a
    half. Now one sentence, and the next heading's box is on view (WIR 1.1, TRA)."""
    app = ChildHost(empty_store, "KEY1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_steps(pilot)
        await pilot.press("r", "m", "tab", "a")  # from MASH, decided for an assessment
        await save(pilot)
        await pilot.press("s")
        await settle(pilot)
        await save(pilot)
        await press_to(pilot, "e", screen="RecordFormScreen")
        form = app.screen
        info = form.query_one("#form-info")
        assert " ".join(text_of(form, "#form-info").split()) == (
            "Before completing: write under all 7 headings; choose the factors and the "
            "outcome.")  # England's default policy names no levels of need
        assert info.region.height <= 2
        second = form.query_one("#parenting_capacity", TextArea)
        assert form.screen.find_widget(second).region.height > 0  # on screen, not scrolled to
        await type_text(pilot, "Leo is well.")
        await settle(pilot)
        assert "write under 6 more headings" in text_of(form, "#form-info")
        # And the case steps say which are left by the marks above, not the list again.
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = text_of(app.screen, "#steps-assessment")
        assert "write under the 6 headings marked ✗ above" in " ".join(shown.split())
        assert "still empty" not in shown


@pytest.mark.parametrize("actor", ["amira", "tom"])
async def test_the_plan_not_started_says_who_starts_it_to_whoever_may_not_tra(empty_store,
                                                                            actor):
    """TRA: the line manager's authorisation starts the plan. The plan screen told a worker
    "in the app: K on the record, then p", and K then p is not a worker's key: she pressed
    them and nothing happened. Now she is told who authorises it and where it waits for
    them; the manager, who may, is still told the keys and the command."""
    from tests.casework.test_steps import authorised

    store = open_store(empty_store, None)
    with store.session("amira") as session:  # referred in September, as the steps' dates
        child_id = cases.add_child(session, cases.NewChild(
            first_name="Mia", last_name="Keys", dob=date(2015, 1, 9), reference="KEY2",
            referral_date=date(2026, 9, 1), worker="amira"), TODAY).id
    authorised(store, child_id)
    store.close()
    app = ChildHost(empty_store, "KEY2")
    app.actor = actor
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "p", screen="PlanScreen")
        await pilot.press("n")
        await settle(pilot)
        said = " ".join(text_of(app.screen, "#plan-details").split())
        if actor == "amira":
            assert said.endswith("it starts with the line manager's authorisation (TRA), "
                                 "given in cintui as themselves (K on the record, then p; it "
                                 "waits on their team view, F4 then w): Tom Hale (Team "
                                 "manager).")
        else:
            assert said.endswith("cintui plan start KEY2 --authorised-by MANAGER (in the "
                                 "app: K on the record, then p).")
        await press_to(pilot, "escape", "K", screen="CaseStepsScreen")
        keys = " ".join(text_of(app.screen, "#steps-keys").split())
        assert ("Tom Hale (Team manager). They open cintui as themselves" in keys) == (
            actor == "amira")


async def test_a_referral_from_early_help_is_prompted_as_a_step_up_by_keys_sto_7_13(new_db):
    """STO 7.13 on the case steps: a referral from early help (census 5D) not recorded as a
    step-up is prompted, with the keys that record it: `r`, then `e` and the plan's date.
    Done so, the prompt goes and the referral reads as a step-up."""
    path = one_child_store(new_db, referral_source="5D")
    app = ChildHost(path, "KEY1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await open_steps(pilot)
        steps = app.screen
        said = " ".join(text_of(steps, "#steps-state").split())
        assert "⚠ The referral came from early help: if it is a step-up" in said
        assert "(r, then e and the plan's date)" in said
        await press_to(pilot, "r", screen="ReferralFormScreen")
        await pilot.press("e", "tab")
        await type_text(pilot, "10/08/2026")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is steps)
        await settle(pilot)
        said = " ".join(text_of(steps, "#steps-state").split())
        assert "⚠" not in said and "Step-up from early help" in said
    assert facts(app).referral_route == "early_help_step_up"


async def test_m_tab_a_is_a_mash_referral_decided_for_assessment(new_db):
    """Issue 20, no invisible tab stops; WAR 4.4: the early help plan's date is a step-up's only, so
    "m Tab a Ctrl+S" typed at once is a referral through the MASH and the decision to assess
    (the date box was a tab stop for every route, and took the "a" as a date)."""
    from tests.screens.test_shell import post_burst

    path = one_child_store(new_db)
    app = ChildHost(path, "KEY1")
    app.actor = "amira"
    async with app.run_test(size=SIZE) as pilot:
        await open_steps(pilot)
        steps = app.screen
        await press_to(pilot, "r", screen="ReferralFormScreen")
        form = app.screen
        assert form.query_one("#early_help_plan").disabled  # no route yet: not a step-up
        post_burst(app, [("m", "m"), ("tab", "\t"), ("a", "a"), ("ctrl+s", None)])
        await until(pilot, lambda: app.screen is steps)
    f = facts(app)
    assert (f.referral_route, f.early_help_plan_on, f.referral_decision) == (
        "mash", None, "assessment")


async def test_the_footer_keeps_help_when_a_steps_keys_do_not_fit_issue_20(empty_store):
    """At a laptop's 80 columns the case steps of a new referral have more keys than fit:
    the last ones before Help are left out (Help lists them all), not cut at the edge with
    Help itself (it once showed "...▏^p palettei": the next key peeping out)."""
    from tests.screens.test_small_terminal import footer_keys_cut

    app = ChildHost(empty_store, "KEY1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_steps(pilot)
        shown = [str(k.render()).strip() for k in app.screen.query("FooterKey")]
        assert shown[0] == "esc Back" and shown[-2:] == ["? Help", "^p palette"]
        assert footer_keys_cut(app) == []
        assert widths_as_drawn(app)
        await pilot.press("question_mark")
        await settle(pilot)
        listed = text_of(app.screen, "#help-text")
        assert "Circumstances" in listed and "Child protection" in listed
        await pilot.press("escape")
        await settle(pilot)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert len(app.screen.query("FooterKey")) > len(shown)
        assert footer_keys_cut(app) == []
        assert widths_as_drawn(app)


def widths_as_drawn(app) -> bool:
    """The footer's count of each key's width is the width Textual draws it (with its
    margin): what decides which keys fit."""
    footer = app.screen.query_one("Footer")
    return all(footer._cells(k) == k.region.width + k.styles.margin.right
               for k in footer.query("FooterKey"))


async def test_i_opens_a_17_year_olds_circumstances_at_adult_social_care_war_4_2(new_db):
    """WAR 4.2: from the 17th birthday a young person is referred to adult social care in
    good time. `i` on the case steps opened the form at Young carer, six Tabs above Adult
    social care; for Leo, 17, it opens there: r, Tab, the contact, Ctrl+S (4 keys and the
    contact, where it was 10). A younger child's form opens at the top, as before."""
    path = one_child_store(new_db)
    store = open_store(path, None)
    with store.session("amira") as session:  # Leo is 17: 18 on Wed 20 Jan 2027
        leo = cases.find_child(session, "KEY1")
        leo.dob = date(2009, 1, 20)
        session.add(leo)
    store.close()
    app = ChildHost(path, "KEY1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_steps(pilot)
        steps = app.screen
        await press_to(pilot, "i", screen="CircumstancesFormScreen")
        form = app.screen
        await settle(pilot)
        assert form.focused is form.query_one("#adult_social_care")
        await pilot.press("r", "tab", *"Ana 0151", "ctrl+s")
        await until(pilot, lambda: app.screen is steps)
        assert "Adult social care: referred, for support after 18 (contact: Ana 0151)" in \
            " ".join(text_of(steps, "#steps-child").split())


async def test_adult_social_care_for_a_child_under_13_is_refused_beside_it_war_4_2(
        empty_store):
    """WAR 4.2, Care Act s58: the form recorded a referral to adult social care for Leo, 9,
    without a word. Now `r` there and Ctrl+S says beside the box why not, and nothing is
    saved; `Esc` leaves him as he was."""
    app = ChildHost(empty_store, "KEY1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_steps(pilot)
        await press_to(pilot, "i", screen="CircumstancesFormScreen")
        form = app.screen
        await settle(pilot)
        form.query_one("#adult_social_care").focus()
        await pilot.press("r", "ctrl+s")
        await until(pilot, lambda: "from Year 9, 13" in text_of(form, "#adult_social_care-error"))
        said = " ".join(text_of(form, "#adult_social_care-error").split())
        assert "the child is 9 on " in said and "(WAR 4.2; a Care Act s58" in said
        assert app.screen is form  # nothing saved
    store = open_store(empty_store, None)
    with store.read() as session:
        assert cs.current_circumstances(
            session, cases.find_child(session, "KEY1").id) == {}
    store.close()


async def test_i_opens_a_younger_childs_circumstances_at_the_top(empty_store):
    app = ChildHost(empty_store, "KEY1")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_steps(pilot)
        await press_to(pilot, "i", screen="CircumstancesFormScreen")
        assert app.screen.focused is app.screen.query_one("#young_carer")
