"""Endings on the child's record, by keys (DOMAIN.md §7): D records a decision that shows in
the chronology (BEX 4); C walks the closure path: recommend, the manager approves, a close
refused with what is missing, the family told, the close; R re-refers a closed child."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import Button, Input, Select, TextArea

from cintui.casework import caseload, cases, endings
from cintui.store.engine import open_store
from cintui.store.models import Child, Ending
from tests.casework.test_endings import (
    ACTOR,
    MANAGER,
    add_staff,
    close,
    new_child,
    walk_to_approved,
)
from tests.conftest import TODAY, connect
from tests.screens.test_child import (
    SIZE,
    ChildHost,
    cells,
    fill,
    footer_words,
    read,
    text_of,
)
from tests.screens.test_shell import (
    caseload_app,
    post_burst,
    press_to,
    screen_name,
    settle,
    type_text,
    until,
    words,
)


def prepared(path, **kw) -> str:
    store = open_store(path, None)
    try:
        add_staff(store)
        child_id = new_child(store, **kw)
        with store.read() as session:
            return session.get(Child, child_id).reference
    finally:
        store.close()


async def test_a_decision_is_recorded_and_shown_in_the_chronology(demo_store):
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    app.actor = MANAGER
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "DecisionFormScreen"
        assert form.query_one("#by").value == "Tess Manager"
        assert form.query_one("#role").value == "Team manager"
        await type_text(pilot, "Ask for a health assessment")
        await fill(pilot, "#rationale", "Missed dental twice")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ChildScreen"
        assert "Ask for a health assessment — Tess Manager" in text_of(screen, "#details")
        await pilot.press("7")
        await settle(pilot)
        rows = cells(screen.query_one("#chronology-table"))
        decision = next(r for r in rows if r[1] == "Decision")
        assert "Ask for a health assessment" in decision[2]
        assert "Rationale: Missed dental twice" in decision[2]
        assert decision[3] == "Tess Manager (Team manager)"


@pytest.mark.both_stores
async def test_a_decision_without_rationale_is_not_saved(demo_store):
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        await type_text(pilot, "Something")
        await press_to(pilot, "ctrl+s", screen="DecisionFormScreen")
        assert type(app.screen).__name__ == "DecisionFormScreen"
        assert "BEX 4" in text_of(app.screen, "#rationale-error")


async def test_the_closure_path_by_keys(demo_store):
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        closure = app.screen
        assert type(closure).__name__ == "ClosureScreen"
        assert "No closure recommended" in text_of(closure, "#closure-state")
        await pilot.press("r")  # recommend
        await settle(pilot)
        assert app.screen.query_one("#by").value == "Wendy Worker"
        await fill(pilot, "#summary", "Needs met and held")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "waiting for the manager" in text_of(closure, "#closure-state")
        await pilot.press("a")  # the manager decides
        await settle(pilot)
        decide = app.screen
        assert type(decide).__name__ == "DecideFormScreen"
        assert decide.query_one("#by").value  # a manager is chosen: only they decide
        decide.query_one("#by").value = MANAGER
        await type_text(pilot, "Needs met for six months")
        await pilot.press("ctrl+s")
        await settle(pilot)
        state = text_of(closure, "#closure-state")
        assert "approved by the manager" in state
        assert "Tell the family by 30 Nov 2026 (BEX 3)" in state  # 5 working days
        await pilot.press("x")  # close: refused, listing what is missing
        await settle(pilot)
        form = app.screen
        form.query_one("#unmet").value = ""
        await press_to(pilot, "ctrl+s", screen="CloseFormScreen")
        assert type(app.screen).__name__ == "CloseFormScreen"
        missing = text_of(form, "#form-error")
        assert "Not closed. Still to do" in missing
        assert "The family has been told of the closure decision [BEX 3]" in missing
        assert "A reason for closure is chosen" in missing
        assert "[STO 3.3]" in missing
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("t")  # family told
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Family told 23 Nov 2026" in text_of(closure, "#closure-state")
        await pilot.press("x")
        await settle(pilot)
        form = app.screen
        form.query_one("#reason").value = "RC7"
        form.query_one("#unmet").value = "no"
        await pilot.pause()
        assert app.focused.id == "summary"  # the recommendation's summary, added to
        await type_text(pilot, "; school agrees")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is closure
        state = text_of(closure, "#closure-state")
        assert "Closed 23 Nov 2026: RC7" in state and "unmet need stepped down: no" in state
        await pilot.press("escape")
        await settle(pilot)
        assert "Status: Closed" in text_of(app.screen, "#child-header")
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            child = cases.find_child(session, ref)
            episode = cases.current_episode(session, child.id)
            open_refs = {c.reference for c in caseload.list_children(session, TODAY,
                                                                       open_only=True)}
        assert child.status == "closed" and ref not in open_refs  # off the caseload
        assert (episode.closure_reason, episode.unmet_need_stepped_down) == ("RC7", False)
        with store.read() as session:  # added after the summary's last word, not before it
            summaries = session.exec(select(Ending.closure_summary).where(
                Ending.child_id == child.id)).all()
        assert "Needs met and held; school agrees" in summaries
    finally:
        store.close()


def planned_child(path) -> str:
    """A child `prepared`, with an agreed plan (one need) whose next review is 10 Feb 2027,
    its closure approved by the manager and the family told: its reference."""
    from dataclasses import replace

    from cintui.casework import plans
    from cintui.domain.plan import Need

    ref = prepared(path)
    store = open_store(path, None)
    try:
        with store.session(ACTOR) as session:
            child_id = cases.find_child(session, ref).id
            draft = plans.start_version(session, child_id, date(2026, 11, 10), by=ACTOR)
            version = plans.load_version(session, draft)
            plans.save_draft(session, draft, replace(
                version, next_review=date(2027, 2, 10), needs=(Need(
                    now="Sam misses school on Mondays", outcome="Sam at school every day",
                    rag="A"),)), date(2026, 11, 10), by=ACTOR)
            plans.agree_version(session, draft, date(2026, 11, 10), agreed_by="Tess Manager")
        walk_to_approved(store, child_id)
        with store.session(ACTOR) as session:
            endings.family_told(session, child_id, on=date(2026, 11, 16), today=TODAY)
    finally:
        store.close()
    return ref


async def test_a_closed_cases_plan_reads_as_ended_at_the_closure_wir_3(demo_store):
    """WIR 3, TRA: the closure ends the plan in force with the case, as a final meeting
    does. Closed on the closure screen (x), the record's Plan tab and Summary and the plan
    editor say the plan ended at the closure, with the day, and ask for no review (they
    said "next review 10 Feb 2027" of a closed case); an editing key writes nothing."""
    ref = planned_child(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert "next review 10 Feb 2027" in text_of(app.screen, "#plan-view")
        await pilot.press("C", "x")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "CloseFormScreen"
        form.query_one("#reason").value = "RC1"
        form.query_one("#unmet").value = "no"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Closed 23 Nov 2026: RC1" in text_of(app.screen, "#closure-state")
        await pilot.press("escape")
        await settle(pilot)
        record = app.screen
        ended = "no further review: the plan ended at the closure on 23 Nov 2026"
        plan_tab = " ".join(text_of(record, "#plan-view").split())
        assert ended in plan_tab and "next review" not in plan_tab
        await pilot.press("1")
        await settle(pilot)
        summary = " ".join(text_of(record, "#plan-headline").split())
        assert summary.startswith("Plan: version 1 (agreed 10 Nov 2026): 1 need")
        assert ended in summary and "next review" not in summary
        await pilot.press("p")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        editor = app.screen
        assert "ended at the closure: no further review" in text_of(editor, "#plan-title")
        assert "Next review: none, plan ended" in text_of(editor, "#plan-details")
        await pilot.press("i")  # every detail, whole
        await settle(pilot)
        assert any("Next review: none, the plan ended at the closure on 23 Nov 2026"
                   in " ".join(str(w.render()).split()) for w in app.screen.query("Static"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is editor
        await pilot.press("a")  # an editing key: no next version of a closed case's plan
        await settle(pilot)
        said = " ".join(text_of(editor, "#plan-details").split())
        assert said.startswith(f"Nothing written: {ref}: an ended plan is not re-opened")
        assert "the plan ended at the closure on 23 Nov 2026" in said
    store = open_store(demo_store, None)
    try:
        with store.read() as session:
            from cintui.casework import plans

            child_id = cases.find_child(session, ref).id
            assert [v.status for v in plans.versions(session, child_id)] == ["agreed"]
    finally:
        store.close()


async def test_the_closure_keys_and_the_words_after_them_typed_at_once(demo_store):
    """Keys at the speed of the room: "C", "r", the reason, the unmet-need answer and the
    summary typed as one burst reach the recommendation form, each in its box (the "r"
    and the words once reached the closure screen before the form opened, and were lost).
    The form opens on the reason, the first thing still to say ("Recommended by" is filled
    in: a reason typed there went to the box below it, unseen)."""
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        post_burst(app, [("C", "C"), ("r", "r"), *words("adult"), ("tab", None), ("n", "n"),
                         ("tab", None), *words("Needs met and held")])
        await until(pilot, lambda: type(app.screen).__name__ == "RecommendFormScreen")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#summary").text == "Needs met and held"
        assert (form.value("reason"), form.value("unmet")) == ("RC6", "no")
        # Tab stops only where words or a choice go: the form's scrolling column was a
        # stop of its own (Shift+Tab from the first box), where typing went nowhere.
        assert [w for w in form.focus_chain
                if not isinstance(w, Input | TextArea | Select | Button)] == []
        assert form.query_one("#by").value == "Wendy Worker"


async def test_a_colleague_recommending_closure_is_named_not_the_childs_worker(demo_store):
    """TRA, BEX 3: Ben, a colleague, records the closure recommendation on Wendy's case.
    "Recommended by" was filled in with Wendy's name, so the record (and a laptop's sync
    conflict over it) named her on his recommendation; it is his own, as `cintui close
    recommend` defaults. Someone who is no worker on the store still gets the child's."""
    from cintui.store import models as m

    ref = prepared(demo_store)
    store = open_store(demo_store, None)
    with store.session(ACTOR) as session:
        session.add(m.Worker(username="ben.colleague", name="Ben Colleague",
                             role="social_worker", email="ben.colleague@example.org"))
    store.close()
    app = ChildHost(demo_store, ref)
    app.actor = "ben.colleague"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert type(app.screen).__name__ == "RecommendFormScreen"
        assert app.screen.query_one("#by").value == "Ben Colleague"


async def test_a_closed_child_is_found_from_the_caseload_filter_to_re_refer_war_3_4(
        demo_store):
    """WAR 3.4: a closed child comes back. The caseload lists open children only, so the
    child's name typed in its filter said "No children match 'quenby'" and nothing more:
    a dead end for the worker taking the re-referral. It names the closed child, and Enter
    opens their record, where R re-refers them ("/quenby Enter R", typed at once too)."""
    ref, child_id = closed_child(demo_store, first="Quenby")
    app = caseload_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: screen_name(app) == "CaseloadScreen")
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "quenby")
        await until(pilot, lambda: "Elsewhere" in text_of(app.screen, "#empty"))
        said = text_of(app.screen, "#empty")
        assert "No children match 'quenby'" in said
        assert (f"Elsewhere on the store: Quenby Endingtest ({ref}), closed. Enter opens "
                "their record (R there re-refers them, WAR 3.4).") in said
        await pilot.press("escape")
        await settle(pilot)
        post_burst(app, [("slash", "/"), *words("quenby"), ("enter", "\r"), ("R", "R")])
        await until(pilot, lambda: screen_name(app) == "RereferFormScreen")
        assert app.screen.child_id == child_id


async def test_a_plan_started_but_not_written_is_said_so_on_the_summary(demo_store):
    """TRA: the plan's start is the manager's authorisation (`cintui plan start`); its needs
    are written after. Until they are, the Summary said "CIN plan: started 1 Apr 2026" and,
    below, "Plan: No plan yet (p on the Plan tab starts one)", which read as a
    contradiction. It says the plan started is not written yet, and how to write it."""
    ref = prepared(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert text_of(app.screen, "#plan-headline") == (
            "Plan: the CIN plan started 1 Apr 2026 is not written yet: no needs, outcomes or "
            "actions (p opens the plan; n there writes it)")


def _flags(path, ref: str) -> tuple[str, ...]:
    """The caseload's flags for `ref` (everyone's view), as the caseload and its line show."""
    from tests.conftest import reading

    with reading(path) as rows:
        found = caseload.load_caseload(rows, TODAY, view="everyone")
    return next(r.flags for r in found if r.reference == ref)


async def test_a_plan_with_no_needs_yet_is_said_so_with_what_to_do_next_bex_2(demo_store):
    """BEX 2, TRA. A plan started (the manager's authorisation), then its first version
    begun with no needs, read "No plan" on the caseload beside the status "CIN plan", and
    the Plan tab said "No plan yet on this record: press p to start one", then "0 needs,
    R0 A0 G0". Each now says what it is and what comes next: not written yet (p, n), then
    no needs yet (p, then a)."""
    ref = prepared(demo_store)
    assert "Plan not written yet" in _flags(demo_store, ref)
    assert "No plan" not in _flags(demo_store, ref)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert " ".join(text_of(app.screen, "#plan-view").split()) == (
            "The CIN plan started 1 Apr 2026 is not written yet: no needs, outcomes or "
            "actions (p opens the plan; n there writes it)")
        record = app.screen
        await pilot.press("p")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        await pilot.press("n")  # version 1, a draft with no needs
        await settle(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is record and "no needs yet" in text_of(
            record, "#plan-view"))
        said = " ".join(text_of(record, "#plan-view").split())
        assert said.startswith("Version 1 (draft): no needs yet")
        assert "Next: p opens the plan, then a adds a need (BEX 2:" in said
        assert text_of(record, "#plan-headline") == (
            "Plan: version 1 (draft): no needs yet (p opens the plan, then a adds a need)")
    flags = _flags(demo_store, ref)
    assert "Plan has no needs yet" in flags and "No plan" not in flags


def approved_child(path, **names):
    """A child `prepared`, its closure recommended and approved by the manager (not yet
    closed): its reference and id."""
    ref = prepared(path, **names)
    store = open_store(path, None)
    try:
        with store.read() as session:
            child_id = cases.find_child(session, ref).id
        walk_to_approved(store, child_id)
    finally:
        store.close()
    return ref, child_id


def closed_child(path, **names):
    """A child `prepared`, then closed on 16 Nov 2026 (RC7) as a worker and manager would:
    its reference and id."""
    ref, child_id = approved_child(path, **names)
    store = open_store(path, None)
    with store.session(ACTOR) as session:
        endings.family_told(session, child_id, on=date(2026, 11, 16), today=TODAY)
    close(store, child_id, closure_date=date(2026, 11, 16), reason="RC7", unmet_need=False)
    store.close()
    return ref, child_id


async def test_tra_bex_3_no_meeting_is_booked_on_a_closed_case_the_form_says_why(demo_store):
    """The palette's Book a meeting on a closed child's record (m is off its footer, and says
    why at once): Ctrl+S says beside When that the case closed and that a re-referral opens
    it again (TRA, BEX 3; WAR 3.4), not the consent or the venue first; nothing is booked."""
    from cintui.screens.palette import book_meeting
    from cintui.store.models import Meeting

    ref, child_id = closed_child(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        book_meeting(app)
        await until(pilot, lambda: type(app.screen).__name__ == "ScheduleFormScreen")
        form = app.screen
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "closed" in text_of(form, "#when-error"))
        assert " ".join(text_of(form, "#when-error").split()).startswith(
            f"{ref}'s case closed on 16 Nov 2026: a meeting on ")
        assert "needs the case open again (re-referral: `cintui child rerefer" in " ".join(
            text_of(form, "#when-error").split())
        assert type(app.screen).__name__ == "ScheduleFormScreen"
    assert read(demo_store, lambda s: s.exec(select(Meeting).where(
        Meeting.child_id == child_id, Meeting.status == "scheduled")).all()) == []


def _closed_forms(child_id):
    from cintui.screens.fgc import FgcHeldFormScreen, FgcReferFormScreen
    from cintui.screens.gcp2 import Gcp2FormScreen
    from cintui.screens.short_breaks import DirectPaymentFormScreen, ShortBreakFormScreen
    from cintui.screens.sos import ScalingFormScreen, StatementFormScreen
    from cintui.screens.supervision import SupervisionFormScreen

    return {
        "a supervision": ("on", SupervisionFormScreen(child_id, MANAGER)),
        "a GCP2 assessment": ("on", Gcp2FormScreen(child_id, [])),
        "a danger statement": ("on", StatementFormScreen(child_id, "danger", [], [])),
        "a scaling": ("on", ScalingFormScreen(child_id, [])),
        "a referral to a Family Group Conference": ("on", FgcReferFormScreen(child_id)),
        "a Family Group Conference held": ("on", FgcHeldFormScreen(child_id)),
        "a short break starting": ("start", ShortBreakFormScreen(child_id)),
        "a direct payment starting": ("start", DirectPaymentFormScreen(child_id)),
    }


async def test_tra_bex_3_every_dated_form_says_the_case_closed_first(demo_store):
    """TRA, BEX 3: nothing else matters on a closed case. The supervision, GCP2, Signs of
    Safety, FGC and short-break forms, dated after the closure, said what else was missing
    ("say what was discussed", each grade…) and the closure only once that was put right;
    the visit and booking forms said it first. Now each says it first, beside its date,
    and nothing else: one shared check (FormScreen.closed_first)."""
    ref, child_id = closed_child(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for what, (field, form) in _closed_forms(child_id).items():
            await app.push_screen(form)
            await settle(pilot)
            form.query_one(f"#{field}", Input).value = "20/11/2026"
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form, what  # not saved
            said = " ".join(text_of(form, f"#{field}-error").split())
            assert said.startswith(f"{ref}'s case closed on 16 Nov 2026: {what} on 20 Nov "
                                   "2026 needs the case open again (re-referral"), (what, said)
            others = {w.id: str(w.render()) for w in form.query(".error")
                      if w.id not in (f"{field}-error", "form-error") and str(w.render())}
            assert others == {}, what
            assert text_of(form, "#form-error") == "Not saved: the case is closed."
            form.dismiss(None)
            await settle(pilot)


async def test_tra_bex_3_a_supervision_session_says_a_childs_case_closed_first(demo_store):
    """TRA, BEX 3: the supervision session for several children (STO 8.5), one of whom
    closed before its date, said what else was missing (each child's discussion and
    decisions) and the closure only once that was typed, where each child's own form says
    it first (FormScreen.closed_first). Now it says it first too, beside the date, naming
    the child, and nothing else; nothing is written."""
    from cintui.casework import supervision
    from cintui.screens.supervision import SupervisionSessionScreen

    ref, child_id = closed_child(demo_store)
    other = read(demo_store, lambda s: cases.find_child(s, "DEMO00001"))
    chosen = [(child_id, "Sam Endingtest", ref, ""),
              (other.id, other.full_name, other.reference, "")]
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = SupervisionSessionScreen(chosen, MANAGER)
        await app.push_screen(form)
        await settle(pilot)
        form.query_one("#on", Input).value = "20/11/2026"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved
        said = " ".join(text_of(form, "#on-error").split())
        assert said.startswith(f"{ref}'s case closed on 16 Nov 2026: a supervision on 20 Nov "
                               "2026 needs the case open again (re-referral"), said
        assert other.reference not in said  # open that day: not named
        others = {w.id: str(w.render()) for w in form.query(".error")
                  if w.id not in ("on-error", "form-error") and str(w.render())}
        assert others == {}
        assert text_of(form, "#form-error") == "Not saved: a child's case is closed."
    assert read(demo_store, lambda s: supervision.facts(s, child_id)) == []


async def test_a_closed_case_with_no_plan_says_so_and_n_writes_none_tra_bex_3(demo_store):
    """TRA, BEX 3; WAR 3.4: a case closed with no plan written. Its Plan tab said "No plan
    yet: the line manager's authorisation starts it (K, then p)", the plan editor "no plan
    yet: press n to start one", and n wrote a first draft on the closed case. Now both say
    the case closed without one and that a re-referral opens it again; n writes nothing.
    The Summary says "no plan" once (it read "Plan: No plan: the case closed on …")."""
    from cintui.casework import plans

    ref, child_id = closed_child(demo_store)
    assert read(demo_store, lambda s: plans.versions(s, child_id)) == []
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        summary = " ".join(text_of(app.screen, "#plan-headline").split())
        assert summary == ("Plan: none: the case closed on 16 Nov 2026 without one; a "
                           "re-referral opens it again (R on the record)"), summary
        await pilot.press("4")
        await settle(pilot)
        shown = " ".join(text_of(app.screen, "#plan-view").split())
        assert shown == ("No plan: the case closed on 16 Nov 2026 without one; a re-referral "
                         "opens it again (R on the record)."), shown
        await press_to(pilot, "p", screen="PlanScreen")
        await pilot.press("n")
        await settle(pilot)
        title = " ".join(text_of(app.screen, "#plan-title").split())
        assert "none: the case is closed (R on the record re-refers it)" in title, title
        said = " ".join(text_of(app.screen, "#plan-details").split())
        assert said.startswith(f"Nothing written: Sam Endingtest ({ref}) has no plan: the "
                               "case closed on 16 Nov 2026 without one; a re-referral opens "
                               "it again"), said
    assert read(demo_store, lambda s: plans.versions(s, child_id)) == []


async def test_rerefer_a_closed_child(demo_store):
    ref, child_id = closed_child(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "RereferFormScreen"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "choose where the referral came from" in text_of(form, "#source-error")
        form.query_one("#source").value = "3A"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ChildScreen"
        details = text_of(screen, "#details")
        assert "1. referred 2 Mar 2026; closed 16 Nov 2026, RC7" in details
        assert "2. referred 23 Nov 2026 (re-referral, 7 days after the last closure " \
               "(within 1 month)); open" in details
        assert "Status: Referral" in text_of(screen, "#child-header")
    rows = read(demo_store, lambda s: endings.episodes(s, s.get(Child, child_id).id))
    assert len(rows) == 2


async def test_a_disputed_closure_goes_to_the_team_manager_then_the_service_manager(
        demo_store):
    """BEX 3 (DOMAIN.md §7: disputes go to the team manager, then the service manager): the
    demo's disputed closure, by keys. The team manager refers it on (a decision with its
    rationale); then `s` is theirs no more: it leaves the footer, and pressed, one line says
    it waits on the service manager, by name, no form opens and nothing is written (it opened the form with the service
    manager filled in, and saved). The service manager settles it; upheld, the closure
    stands again and both steps are on the record (BEX 4)."""
    from sqlmodel import select

    from cintui.store.models import Decision, Ending

    with connect(demo_store) as conn:
        ref, manager, service = conn.execute(
            "SELECT c.reference, tm.username, sm.username FROM ending e "
            "JOIN child c ON c.id = e.child_id "
            "JOIN worker tm ON tm.team_id = c.team_id AND tm.role = 'team_manager' "
            "JOIN worker sm ON sm.role = 'service_manager' "
            "WHERE e.status = 'disputed' AND e.escalated_to_service_manager_on IS NULL"
        ).fetchone()
    app = ChildHost(demo_store, ref)
    app.actor = manager  # the team manager signed in
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        screen = app.screen
        assert "disputed" in text_of(screen, "#closure-state").lower()
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert "team manager" in text_of(form, "#form-title")
        form.query_one("#outcome").value = "escalated"
        form.query_one("#by").value = manager
        await fill(pilot, "#rationale", "The school and the family disagree: refer it on")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        written = read(demo_store, lambda session: len(session.exec(select(Decision)).all()))
        await pilot.press("s")  # referred on: the service manager's now
        await settle(pilot)
        assert app.screen is screen
        said = [str(n.message) for n in app._notifications][-1]
        assert said.startswith("BEX 3: the dispute waits on the service manager (Morgan "
                               "Fielding)"), said
        assert said.endswith(f"{manager} is a team manager") and "\n" not in said
        assert read(demo_store, lambda session: len(session.exec(select(Decision)).all())) \
            == written
        app.actor = service  # the service manager signed in
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert "service manager" in text_of(form, "#form-title")
        # only the service manager may decide now, and "refer on" is no longer offered
        assert [v for _, v in form.query_one("#by")._options if v] == [service]
        assert "escalated" not in [v for _, v in form.query_one("#outcome")._options]
        await fill(pilot, "#rationale", "Attendance is now steady; Early Help will follow up")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "disputed" not in text_of(screen, "#closure-state").lower()

    def saved(session):
        child = cases.find_child(session, ref)
        ending = session.exec(select(Ending).where(Ending.child_id == child.id,
                                                   Ending.kind == "closure")).one()
        steps = session.exec(select(Decision).where(Decision.child_id == child.id,
                                                    Decision.kind == "dispute")).all()
        return ending.status, ending.dispute_outcome, sorted(d.made_by_role for d in steps)

    status, outcome, roles = read(demo_store, saved)
    assert status == "approved" and "upheld" in outcome
    assert roles == ["Service manager", "Team manager"]


async def test_a_dispute_referred_on_is_offered_only_to_the_service_manager(demo_store):
    """BEX 3 (DOMAIN.md §7: disputes go to the team manager, then the service manager), at
    80x24. The team manager on the demo's dispute he referred on: the footer and the "Next"
    line offer no `s` (they offered "s Settle dispute", and pressing it refused him), and
    the closure says whom it is with. The service manager is offered it, in words that say
    which stage ("s Settle referred dispute"); the dispute not yet referred reads "s Settle
    dispute" (both stages read "Settle dispute")."""
    with connect(demo_store) as conn:
        ref, manager, service, name = conn.execute(
            "SELECT c.reference, tm.username, sm.username, sm.name FROM ending e "
            "JOIN child c ON c.id = e.child_id "
            "JOIN worker tm ON tm.team_id = c.team_id AND tm.role = 'team_manager' "
            "JOIN worker sm ON sm.role = 'service_manager' "
            "WHERE e.status = 'disputed' AND e.escalated_to_service_manager_on IS NULL"
        ).fetchone()

    async def closure(app, pilot, actor):
        app.actor = actor
        while type(app.screen).__name__ != "ChildScreen":
            await pilot.press("escape")
            await settle(pilot)
        await press_to(pilot, "C", screen="ClosureScreen")
        return text_of(app.screen, "#closure-state"), text_of(app.screen, "#closure-keys")

    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await closure(app, pilot, manager)
        assert "s Settle dispute" in footer_words(app)  # the team manager's to settle
        store = open_store(demo_store, None)
        try:  # he refers it on
            with store.session(manager) as session:
                endings.settle_dispute(session, cases.find_child(session, ref).id,
                                       outcome="escalated", rationale="A view from outside",
                                       on=TODAY, today=TODAY, actor=manager)
        finally:
            store.close()
        state, next_keys = await closure(app, pilot, manager)
        assert f"with {name} (service manager), who settles it (BEX 3)" in " ".join(
            state.split())
        assert not [w for w in footer_words(app) if w.startswith("s ")]
        assert "settle" not in next_keys
        state, next_keys = await closure(app, pilot, service)
        assert "yours to settle (s)" in state
        assert "s Settle referred dispute" in footer_words(app)
        assert "s settle the dispute referred on" in next_keys
        with connect(demo_store) as conn:  # no service manager on the store: said how to add
            conn.execute("UPDATE worker SET role = 'team_manager' "
                         "WHERE role = 'service_manager'")
        state, _ = await closure(app, pilot, manager)
        assert ("with the service manager, who settles it (BEX 3): none is on the store yet "
                "(Ctrl+P, Set up: w adds a worker)") in " ".join(state.split())


DECISION_CRASH = """
import asyncio, sys
from tests.screens.test_child import ChildHost
from tests.screens.test_shell import settle, type_text

async def main():
    app = ChildHost(sys.argv[1], "{ref}")
    app.actor = "{actor}"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        await type_text(pilot, "Ask for a health assessment")
        app.screen.query_one("#rationale").focus()
        await type_text(pilot, "Missed the dentist twice")
        print("TYPED", flush=True)
        await asyncio.sleep(120)  # killed long before this ends

asyncio.run(main())
"""


@pytest.mark.both_stores
async def test_a_decision_typed_survives_a_killed_process_and_comes_back(demo_store, tmp_path):
    """Nothing typed is ever lost (BEX 4: a decision and its rationale): a decision is
    typed in a real process, never saved; once the store holds it (saved as typed), the
    process is killed (SIGKILL). What was typed is in the store, whole, the form has it
    back when opened again for the child, and saving ends it."""
    from cintui.casework import drafts
    from tests.crashing import kill_after_typing

    ref = prepared(demo_store)

    def kept(session):
        child = cases.find_child(session, ref)
        return [d.payload["values"] for d in drafts.for_child(session, child.id, "form")]

    def words(session):
        return [(v.get("decision"), v.get("rationale")) for v in kept(session)]

    typed = [("Ask for a health assessment", "Missed the dentist twice")]
    kill_after_typing(DECISION_CRASH.replace("{ref}", ref).replace("{actor}", MANAGER),
                      demo_store, tmp_path, lambda session: words(session) == typed)
    assert read(demo_store, words) == typed
    app = ChildHost(demo_store, ref)
    app.actor = MANAGER
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        await settle(pilot)
        form = app.screen
        assert form.query_one("#decision").value == "Ask for a health assessment"
        assert form.query_one("#rationale").text == "Missed the dentist twice"
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert "Ask for a health assessment — Tess Manager" in text_of(app.screen, "#details")
    assert read(demo_store, kept) == []


async def test_a_plan_with_no_positive_change_prompts_a_conference_considered_wir_2_3(
        demo_store):
    """WIR 2.3: a plan that fails to bring about significant positive change leads the
    professionals to discuss convening a child protection conference. A demo child whose
    needs have not improved in over six months has the prompt on the Summary; D offers
    the decision it asks for ("Child protection conference considered"), and once that is
    recorded the prompt goes, for six months."""
    from tests.screens.test_child import REFUSED

    store = open_store(demo_store, None)
    add_staff(store)  # the team manager who decides
    store.close()
    app = ChildHost(demo_store, REFUSED)
    app.actor = MANAGER
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await until(pilot, lambda: "No need has improved" in text_of(app.screen, "#details"))
        details = text_of(app.screen, "#details")
        assert "(WIR 2.3: a plan that fails to bring about significant positive change)" in \
            " ".join(details.split())
        await press_to(pilot, "D", screen="DecisionFormScreen")
        form = app.screen
        assert form.query_one("#kind").value == "cp_conference"
        await fill(pilot, "#decision", "No conference: the food bank and school plan hold")
        await fill(pilot, "#rationale", "Discussed with the school and health visitor")
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen", text_of(form, "#form-error")
        await until(pilot, lambda: "No conference: the food bank" in text_of(
            app.screen, "#details"))
        assert "No need has improved" not in text_of(app.screen, "#details")


async def test_letters_on_to_adult_social_care_say_whom_to_call_there_rc6_war_4_2(
        demo_store):
    """RC6, WAR 4.2. Letters closing on to adult social care said only "support now comes
    from adult social care services". With no contact recorded, `l` now says the letters
    cannot name one and where to record it; recorded, each letter names it."""
    from docx import Document

    from cintui.casework import steps as case_steps
    from cintui.reference import config

    ref, child_id = approved_child(demo_store)

    async def letters(app, pilot) -> list[str]:
        await press_to(pilot, "C", screen="ClosureScreen")
        await press_to(pilot, "l", screen="LettersFormScreen")
        await pilot.press("ctrl+u")
        await type_text(pilot, "30/11/2026")
        await pilot.press("tab")
        await type_text(pilot, "adult social")
        await press_to(pilot, "ctrl+s", screen="ClosureScreen")
        await until(pilot, lambda: any("letter file" in str(n.message)
                                       for n in app._notifications))
        return [str(n.message) for n in app._notifications]

    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        said = " ".join(" ".join(await letters(app, pilot)).split())
    assert ("Note: no adult social care contact is recorded, so the letters do not say "
            "whom to call there: record it (Adult care contact, i on the case steps;") \
        in said, said

    store = open_store(demo_store, None)
    with store.session("amira") as session:
        # 17: adult social care is for a young person preparing for adulthood (WAR 4.2)
        session.get(Child, child_id).dob = date(2009, 6, 1)
        case_steps.record_circumstances(
            session, child_id, {"adult_social_care": "accepted"}, on=TODAY, today=TODAY,
            adult_contact="Ana Petrov, Transitions Team, 0151 606 2020")
    store.close()
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        said = " ".join(await letters(app, pilot))
    assert "Note:" not in said, said
    parent = sorted(config.exports_dir().glob(f"{ref}-closure-parent-*.docx"))[0]
    text = " ".join(p.text for p in Document(parent).paragraphs)
    assert "Who to contact there: Ana Petrov, Transitions Team, 0151 606 2020." in text


async def test_the_closure_names_a_young_persons_own_consent_missing_wir_2_1(
        cli, new_location):
    """WIR 2.1. Amira, 17, her mother's consent recorded and not her own: the closure's
    checklist said "no decision on consent to the service is recorded". Now C shows what
    is missing: her own consent, and where to record it."""
    from tests.cli.test_adulthood_cli import amira_closing

    db = amira_closing(cli, new_location)
    app = ChildHost(db, "CIN000001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "C", screen="ClosureScreen")
        shown = " ".join(text_of(app.screen, "#closure-checklist").split())
    assert "no decision on consent to the service is recorded" not in shown, shown
    assert ("Layla Haddad (Mother) consented on 1 Dec 2026, but Amira (17) has not given "
            "their own consent to a CIN service (WIR 2.1) (3 on the record, then a;") in shown, shown


async def test_the_closure_and_the_consent_tab_say_why_consent_is_missing_and_whose_war_4_2(
        cli, new_location):
    """WAR 4.2, WIR 2.1. Jude, 11, consented himself; CIN support had started. C said "no
    decision on consent to the service is recorded" although one was, and the consent tab
    "No valid consent to a CIN service" with no why. Both now say the same reason and whose
    consent is needed; then 3, a (the form opens on his mother), Ctrl+S, C, x, Ctrl+S
    closes the case."""
    from tests.cli.test_adulthood_cli import jude_closing

    db = jude_closing(cli, new_location, support=True)
    why = ("Jude (11) consented on 3 Dec 2026, but at 11 a parent's consent is needed (WAR "
           "4.2): record Sam Smith's or another parent's")
    app = ChildHost(db, "CIN000001")
    app.today = date(2026, 12, 7)  # the day jude_closing's commands ran
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "C", screen="ClosureScreen")
        shown = " ".join(text_of(app.screen, "#closure-checklist").split())
        assert f"Consent to the CIN service recorded: {why} (3 on the record" in shown, shown
        await press_to(pilot, "escape", screen="ChildScreen")
        await pilot.press("3")
        await settle(pilot)
        tab = " ".join(text_of(app.screen, "#consent-status").split())
        assert f"⚠ No valid consent to a CIN service: {why}" in tab, tab
        await press_to(pilot, "a", screen="ConsentFormScreen")
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert "CIN service GIVEN" in text_of(app.screen, "#consent-status")
        await press_to(pilot, "C", screen="ClosureScreen")
        await press_to(pilot, "x", screen="CloseFormScreen")
        await press_to(pilot, "ctrl+s", screen="ClosureScreen")
        assert "the case is closed" in text_of(app.screen, "#closure-state")


async def test_the_consent_form_opens_on_the_young_persons_own_decision_wir_2_1(
        cli, new_location):
    """WIR 2.1. Amira, 17, her mother's consent recorded and not her own: the closure says
    "record it (3 on the record, then a", and `a` opened the form on her mother, so the
    worker had to change "Whose decision" first (or recorded the mother's again). It
    opens on the young person's own decision: 3, a, Ctrl+S records it."""
    from tests.cli.test_adulthood_cli import amira_closing

    db = amira_closing(cli, new_location)
    app = ChildHost(db, "CIN000001")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "3", "a", screen="ConsentFormScreen")
        assert app.screen.query_one("#person", Select).value == "child"
        assert app.screen.query_one("#scope", Select).value == "service"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: type(app.screen).__name__ != "ConsentFormScreen")
        await settle(pilot)
    done = cli("close", "complete", "Amira", "--db", db, "--today", "2026-12-07")
    assert done.code == 0, done.err  # her own consent was what was missing


async def test_letters_before_the_close_ask_the_planned_date_and_say_it_tra(demo_store):
    """TRA: closure letters to the family, the child and each professional. Written after
    the manager's approval and before the case is closed (they are how the family is told,
    BEX 3), they need the planned closure date and the reason: `l` asks them (the reason
    the recommendation gave, if any, already chosen), as `cintui close letters --date
    --reason` does, and the letters say them. (It said "give the planned closure date"
    with nowhere to give it.)"""
    from docx import Document

    from cintui.reference import config

    ref, _ = approved_child(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_to(pilot, "C", screen="ClosureScreen")
        await press_to(pilot, "l", screen="LettersFormScreen")
        await pilot.press("ctrl+u")
        await type_text(pilot, "30/11/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert "choose the reason" in text_of(form, "#reason-error")  # none recommended
        assert form.focused is form.query_one("#reason")  # where it is chosen by a word
        await type_text(pilot, "no longer")
        await press_to(pilot, "ctrl+s", screen="ClosureScreen")
        said = [str(n.message) for n in app._notifications]
        assert any("letter files for" in s and "recipients in" in s for s in said), said
    letters = sorted(config.exports_dir().glob(f"{ref}-closure-*.docx"))
    assert letters, "no letters written"
    text = " ".join(p.text for p in Document(letters[0]).paragraphs)
    assert "30 November 2026" in text, text
    assert "no longer" in text, text  # RC7 in the family's words
    with connect(demo_store) as conn:  # nothing recorded: the case is still open
        (status,) = conn.execute("SELECT status FROM child WHERE reference = ?",
                                 (ref,)).fetchone()
    assert status != "closed"


async def test_an_ended_plans_checks_read_as_what_it_lacked_not_a_to_do_wir_3(demo_store):
    """WIR 3, TRA: a closed case's plan that fails its checks cannot be re-opened to fix
    them. The plan editor's checks say how many it lacked when it ended, and that its copies
    are marked as ended, not DRAFT (they said "5 to look at (exports carry a DRAFT mark
    until fixed)"); `k` lists them in the same words."""
    from tests.cli.test_plan_ended_cli import closed_failing

    ref, doc = closed_failing(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4", "p")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        editor = app.screen
        count = len(doc.problems)
        brief = " ".join(text_of(editor, "#checks-brief").split())
        assert brief.startswith(f"Plan checks: {count} lacking when it ended")
        assert "to look at" not in brief
        box = " ".join(text_of(editor, "#checks").split())
        assert "DRAFT mark until fixed" not in box
        assert "its copies are marked as ended, not DRAFT" in box
        assert doc.problems[0] in box
        await pilot.press("k")
        await settle(pilot)
        title = " ".join(text_of(app.screen, "#checks-title").split())
        assert f"{count} lacking when it ended" in title and "DRAFT mark" not in title
        assert "not re-opened to fix" in title


async def test_after_a_rereferral_the_plan_editor_starts_this_episodes_plan_domain_7(
        demo_store):
    """DOMAIN.md §7: a re-referral opens a new episode with its own plan. The Plan tab and
    the plan editor showed the old episode's plan as the child's plan, and a change copied
    it into the new episode. Now the editor says this episode has no plan yet, `[` reads the
    last one (ended at the closure, read-only: an editing key writes nothing), and `L`
    starts the new plan from it (TRA: the family need not tell their story again)."""
    from cintui.casework import plans
    from tests.cli.test_plan_ended_cli import rereferred

    ref = rereferred(demo_store)
    app = ChildHost(demo_store, ref)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        tab = " ".join(text_of(app.screen, "#plan-view").split())
        assert "Sam has missed" not in tab and "not written yet" in tab
        assert ("(p opens the plan; n there writes it; L starts it from the last plan); the "
                "last episode's plan, v1, ended at the closure on 18 Nov 2026 (p, then [ reads "
                "it)") in tab
        await pilot.press("p")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        editor = app.screen
        title = " ".join(text_of(editor, "#plan-title").split())
        assert ("no plan for this episode yet: n writes one; L starts it from the last plan "
                "(v1, [ reads it)") in title
        await pilot.press("left_square_bracket")
        await settle(pilot)
        title = " ".join(text_of(editor, "#plan-title").split())
        assert "v1 agreed 2 Nov 2026" in title and "an earlier episode's" in title
        assert "ended at the closure on 18 Nov 2026: read-only" in title
        await pilot.press("a")  # an editing key on the old plan: nothing written
        await settle(pilot)
        assert type(app.screen).__name__ == "PlanScreen"
        await pilot.press("L")
        await settle(pilot)
        title = " ".join(text_of(editor, "#plan-title").split())
        assert "v2 draft, started 23 Nov 2026" in title
        assert [n.now for n in editor.version.needs] == [
            "Sam has missed 13 of the last 60 school days."]
    versions = read(demo_store, lambda s: plans.versions(
        s, s.exec(select(Child).where(Child.reference == ref)).one().id))
    assert [(v.number, v.status, v.earlier) for v in versions] == [
        (2, "draft", False), (1, "agreed", True)]


async def test_l_on_a_plan_of_this_episode_says_what_plan_draft_from_last_says_tra(
        demo_store, cli):
    """TRA: L (start from the last plan) is for a re-referred child's new plan. On a child
    whose episode has its own plan the editor and `cintui plan draft --from-last` refuse in
    one wording, from the domain (the editor said "L starts a re-referred child's new plan
    from the last episode's: …"); nothing is written. At 80x24."""
    from tests.cli.test_plan_cli import first_planned

    own = first_planned(demo_store)
    words = ("starting from the last plan is for a re-referred child's new plan: this "
             "episode has its own plan")
    refused = cli("plan", "draft", own, "--from-last", "--db", demo_store,
                  "--today", TODAY.isoformat())
    assert (refused.code, refused.err.strip()) == (2, f"cintui: --from-last: {own}: {words}")
    app = ChildHost(demo_store, own)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await until(pilot, lambda: screen_name(app) == "PlanScreen")
        before = app.screen.version.id
        await pilot.press("L")
        await settle(pilot)
        assert [str(n.message) for n in app._notifications][-1] == words[:1].upper() + words[1:]
        assert app.screen.version.id == before  # no draft begun


async def test_decision_forms_open_on_the_rationale_and_letters_typed_on_save_go_on_there(
        demo_store):
    """The manager's decision on a closure opened on the Rationale, the decision on a dispute
    (BEX 3) on the Outcome, and its Manager was the first by name, not you: a manager who
    Tabbed from where they expected landed on Save or Cancel, and what they typed there went
    nowhere, without a word. Both open on the first box a person fills (the Rationale; the
    decision and you as the manager filled in, Shift+Tab goes back to them); letters typed
    on Save or Cancel go on, in order, in the box last typed in, else the first still empty,
    and a notice says which."""
    from textual.widgets import Button

    ref = prepared(demo_store)
    store = open_store(demo_store, None)
    try:
        with store.session(ACTOR) as session:
            endings.recommend_closure(session, cases.find_child(session, ref).id,
                                      on=date(2026, 11, 13), by="Wendy Worker", today=TODAY,
                                      summary="Needs met and held for 6 months.")
    finally:
        store.close()
    app = ChildHost(demo_store, ref)
    app.actor = app.worker = MANAGER

    def said() -> str:
        return [str(n.message) for n in app._notifications][-1]

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "DecideFormScreen"
        assert app.focused.id == "rationale"
        await pilot.press("tab", "tab")  # past the date: Save
        assert isinstance(app.focused, Button) and app.focused.id == "save"
        post_burst(app, [(c if c != " " else "space", c) for c in "Needs met and held"])
        await settle(pilot)
        assert form.query_one("#rationale").text == "Needs met and held"
        assert app.focused.id == "rationale"
        assert said() == "Save had the cursor: what you type goes in Rationale."
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, "Layla (mother)")
        await pilot.press("tab")
        await type_text(pilot, "Not ready yet")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "disputed" in text_of(app.screen, "#closure-state").lower()
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "SettleFormScreen"
        assert app.focused.id == "rationale"  # as the closure decision's
        assert form.query_one("#by").value == MANAGER  # you, a team manager
        await type_text(pilot, "Rent plan agreed")
        await pilot.press("tab", "tab", "tab")  # past the date and Save: Cancel
        assert app.focused.id == "cancel"
        post_burst(app, [(c if c != " " else "space", c) for c in " with housing"])
        await settle(pilot)
        assert form.query_one("#rationale").text == "Rent plan agreed with housing"
        assert said() == "Cancel had the cursor: what you type goes in Rationale."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "disputed" not in text_of(app.screen, "#closure-state").lower()
