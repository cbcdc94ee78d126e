"""The meeting safeguards from the child's record (issue 23 item 3): the booking form (m)
refusing without consent or the right chair, with the cursor on the field (WIR 2.1, 2.3;
BEX 3); papers sent (P, WIR 2.3); the agreement visit after a review (A, TRA); the
non-engagement path (N, WIR 2.10). Demo store (seed 7) at the fixed TODAY."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlmodel import select
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from cintui.casework import cases, meetings, record, safeguards
from cintui.domain.meeting import Decisions, Schedule
from cintui.domain.roles import role_label
from cintui.screens.widgets.choices import TickList, YesNo
from cintui.store import models as m
from cintui.store.engine import open_store
from tests.conftest import TODAY
from tests.screens.test_child import SIZE, read, text_of
from tests.screens.test_minuting import CHILD, MeetingHost
from tests.screens.test_shell import press_to, settle, type_text, until

ACTOR = "test.worker"


def with_store(path, fn, child: str = CHILD):
    store = open_store(path, None)
    try:
        with store.session(ACTOR) as session:
            return fn(session, cases.find_child(session, child).id)
    finally:
        store.close()


def book(path, at=datetime(2026, 11, 23, 16, 0)):
    def go(session, cid):
        return meetings.schedule(session, cid, Schedule(
            "review", at, venue="Family home", chair="Poppy Jessop",
            chair_role="Senior practitioner",
            invitees=tuple(meetings.invitee_choices(session, cid)), child_invited=True),
            now=datetime(2026, 11, 23, 9, 0))
    return with_store(path, go)


def booked(session, cid):
    return session.exec(select(m.Meeting.id).where(m.Meeting.child_id == cid)).all()


async def meetings_tab(pilot, meeting_id=None):
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    if meeting_id is not None:
        table = pilot.app.screen.query_one("#meetings-table", DataTable)
        table.move_cursor(row=table.get_row_index(str(meeting_id)))


async def booking_form(pilot):
    """The Meetings tab's `m`: the booking form."""
    await pilot.press("m")
    await settle(pilot)
    return pilot.app.screen


async def test_wir_2_1_2_3_booking_without_consent_puts_the_cursor_on_consent(demo_store):
    def withdraw(session, cid):
        mum = next(p for p in record.list_people(session, cid) if p.parental_responsibility)
        record.record_consent(session, cid, record.ConsentInput(
            scope="meeting", decision="withdrawn", decided_on=TODAY,
            person_id=mum.person_id), TODAY)
    with_store(demo_store, withdraw)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot)
        form = await booking_form(pilot)
        assert type(form).__name__ == "ScheduleFormScreen"
        assert text_of(form, "#consent-error").startswith("WIR 2.1, 2.3: consent to the "
                                                          "meeting")
        # The cursor starts where the line says Enter records a decision.
        assert form.focused is form.query_one("#consent")
        await pilot.press("tab", "tab", "tab")  # kind, when, venue
        assert form.focused is form.query_one("#venue")
        await type_text(pilot, "Family home")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and form.focused is form.query_one("#consent")
        assert "Not saved" in text_of(form, "#form-error")
        assert "Enter here records a decision" in text_of(form, "#consent")
        # Enter records consent to meet without leaving the booking; the form keeps what
        # was typed, says consent is in place, and books.
        before = len(with_store(demo_store, booked))
        await press_to(pilot, "enter", screen="ConsentFormScreen")
        assert app.screen.query_one("#scope").value == "meeting"
        assert app.screen.query_one("#person").value != "child"  # mum, who has PR
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is form)
        assert text_of(form, "#consent") == "✓ in place (WIR 2.1, 2.3)"
        assert text_of(form, "#consent-error") == ""
        assert form.query_one("#venue").value == "Family home"
        assert form.focused is form.query_one("#venue")  # on with the booking
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert len(with_store(demo_store, booked)) == before + 1


async def test_wir_2_1_the_booking_calls_a_childs_own_refusal_the_childs_under_16(demo_store):
    """WIR 2.1: the booking form said "the young person refused" of a school-age child;
    the consent tab and the chronology say "the child" under 16, and so does it now."""
    def refuse(session, cid):
        mum = next(p for p in record.list_people(session, cid) if p.parental_responsibility)
        for person in (mum.person_id, None):  # under 16, a parent's decision counts
            record.record_consent(session, cid, record.ConsentInput(
                scope="meeting", decision="refused", decided_on=TODAY,
                person_id=person), TODAY)
    with_store(demo_store, refuse)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot)
        form = await booking_form(pilot)
        said = " ".join(text_of(form, "#consent-error").split())
        assert " refused and the child refused: complete the withheld-consent path" in said
        assert "young person" not in said


async def test_bex_3_an_initial_meeting_needs_a_manager_in_the_chair(demo_store):
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot)
        before = app.screen.query_one("#meetings-table", DataTable).row_count
        form = await booking_form(pilot)
        assert text_of(form, "#consent-error") == ""  # mum has consented to meetings
        form.query_one("#kind").value = "initial"
        await type_text(pilot, "Family home")
        form.query_one("#chair").value = "Ann Chair"
        form.query_one("#chair_role").value = "social worker"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.focused is form.query_one("#chair")
        assert text_of(form, "#chair-error").startswith(
            "BEX 3: the initial CIN planning meeting is chaired by a team manager")
        form.query_one("#chair_role").value = "team manager"
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        table = app.screen.query_one("#meetings-table", DataTable)
        assert table.row_count == before + 1
        assert any("NOT SENT" in str(row[5]) for row in
                   (table.get_row_at(i) for i in range(table.row_count)))  # WIR 2.3


async def test_a_worker_of_the_store_as_chair_chairs_in_their_recorded_role_bex_3(demo_store):
    """BEX 3, TRA: a worker of the store named as chair chairs in their recorded role, so
    the role's box shows it, greyed and no tab stop (Tab goes from the chair to who is
    invited); anyone else's role is typed there."""
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot)
        form = await booking_form(pilot)
        worker = form.context.chairs[0]
        form.query_one("#chair").value = worker.name
        await settle(pilot)
        role_box = form.query_one("#chair_role")
        assert role_box.disabled
        assert role_box.placeholder == f"{role_label(worker.role)} (their recorded role)"
        form.query_one("#chair").focus()
        await pilot.press("tab")
        assert form.focused.id == "invitees"
        form.query_one("#chair").value = "Ann Chair"
        await settle(pilot)
        assert not role_box.disabled and role_box.placeholder.startswith("e.g. team manager")


async def test_wir_2_3_papers_sent_are_recorded_with_p(demo_store):
    meeting_id = book(demo_store, datetime(2026, 11, 30, 16, 0))
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot, meeting_id)
        await pilot.press("P")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "PapersFormScreen"
        form.query_one("#sent_on").value = "24/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "still to come" in text_of(form, "#sent_on-error")
        form.query_one("#sent_on").value = "23/11/2026"
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        table = app.screen.query_one("#meetings-table", DataTable)
        assert str(table.get_row(str(meeting_id))[5]) == "out 23 Nov"  # Papers
    row = read(demo_store, lambda s: next(
        r for r in meetings.list_meetings(s, cases.find_child(s, CHILD).id,
                                          cases.store_policy(s)) if r.id == meeting_id))
    assert row.papers_sent_on == date(2026, 11, 23)


async def test_tra_a_parent_absent_from_the_review_is_visited_with_a(demo_store):
    meeting_id = book(demo_store)

    def hold(session, cid):
        draft = meetings.start_minutes(session, meeting_id, ACTOR, datetime(2026, 11, 23, 16))
        minutes = replace(
            draft.minutes, decisions=Decisions(True, date(2027, 2, 22), "continue"),
            attendance=tuple(replace(p, attendance="absent" if p.is_parent else "present")
                             for p in draft.minutes.attendance))
        meetings.finish(session, meeting_id, minutes, actor=ACTOR,
                        now=datetime(2026, 11, 23, 18), draft_id=draft.id)
        return [a.name for a in safeguards.agreements(session, cid, meeting_id)]
    parents = with_store(demo_store, hold)
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot, meeting_id)
        note = text_of(app.screen, "#meetings-safeguards")
        assert f"Visit {parents[0]} to gain agreement to the review" in note and "TRA" in note
        await pilot.press("A")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "AgreementFormScreen"
        form.query_one("#outcome").value = "not_agreed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.focused is form.query_one("#notes")
        assert text_of(form, "#notes-error").startswith("TRA: record what the parent")
        form.query_one("#notes").value = "Does not want the school involved"
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        await settle(pilot)
        assert f"Visit {parents[0]} " not in text_of(app.screen, "#meetings-safeguards")
    done = read(demo_store, lambda s: safeguards.agreements(
        s, cases.find_child(s, CHILD).id, meeting_id))
    assert (done[0].visited_on, done[0].outcome) == (TODAY, "not_agreed")


async def test_wir_2_10_the_non_engagement_path_step_by_step_with_n(demo_store):
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot)
        await pilot.press("N")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "NonEngagementFormScreen"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.focused is form.query_one("#why")
        assert text_of(form, "#why-error").startswith("WIR 2.10: record why the family")
        await type_text(pilot, "Mum's own time in care")
        await settle(pilot)
        steps = text_of(form, "#steps")
        assert "Still to do" in steps and "EHAT" in steps and "why the family" not in steps
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        assert type(app.screen).__name__ == "ChildScreen"
        await settle(pilot)
        assert "Non-engagement path (WIR 2.10), started 23 Nov 2026: 5 steps to do" in \
            text_of(app.screen, "#meetings-safeguards")
    path = read(demo_store, lambda s: safeguards.non_engagement(
        s, cases.find_child(s, CHILD).id))
    assert path.path.why == "Mum's own time in care" and len(path.missing) == 5


async def test_a_form_shows_its_own_keys_and_an_empty_box_for_no(demo_store):
    """At its foot a form names its own keys (the child's "Book meeting" and "Plan" there
    once, which a letter would only type into the form); a box answered no, or a person
    not ticked to invite (BEX 3), is empty, not an X told apart by colour alone."""
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot)
        form = await booking_form(pilot)
        keys = [k.description for k in form.query(FooterKey)]
        assert keys[:2] == ["Save", "Cancel"] and "Book meeting" not in keys
        invited = form.query_one("#invitees", TickList)
        assert invited.render_line(0).text.startswith("▐X▌")
        # venue → chair → the list: the chair (the worker booking) chairs in their recorded
        # role, so its box is no tab stop
        await pilot.press("tab", "tab", "space")
        await settle(pilot)
        assert invited.render_line(0).text.startswith("▐ ▌")
        child = form.query_one("#child_invited", YesNo)
        assert str(child.render()).startswith("▐X▌")
        await pilot.press("tab", "n")
        await settle(pilot)
        assert child.value is False and str(child.render()).startswith("▐ ▌")


async def test_sto_4_4_booking_prompts_adult_mental_health_until_they_are_invited(demo_store):
    """STO 4.4: adult mental health "not always invited to children's meetings when their
    presence could add value". Booking a meeting for a child whose assessment found a
    parent's mental health (4B) says so at the form's foot, without stopping the booking (in
    view on a laptop's 80x24 too, with no notice over the form); with the parent's care
    coordinator on People (and so invited) it says nothing."""
    from cintui.casework import caseload
    from tests.screens.test_child import ChildHost

    def found(session):
        for c in caseload.list_children(session, TODAY, open_only=True):
            factors, _prison = safeguards.partner_findings(session, c.id)
            people = " ".join(p.role + p.agency for p in record.list_people(session, c.id))
            if "4B" in factors and "mental health" not in people.lower():
                return c.reference
        raise AssertionError("no demo child whose assessment found 4B")

    reference = read(demo_store, found)

    async def booking_info(size=SIZE) -> str:
        app = ChildHost(demo_store, reference)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await press_to(pilot, "m", screen="ScheduleFormScreen")
            told = " ".join(str(n.message) for n in app._notifications)
            return " ".join(text_of(app.screen, "#form-info").split()) + " | " + told

    prompt = ("STO 4.4: the assessment found a parent's mental health (4B): invite adult "
              "mental health services")
    assert (await booking_info()).count(prompt) == 1  # under the form, in view
    assert (await booking_info((80, 24))).count(prompt) == 1  # at the form's foot, no notice

    def add_coordinator(session, cid):
        record.add_person(session, cid, record.PersonInput(
            name="Sam Okoro", kind="professional", role="Care coordinator",
            agency="Community Mental Health Team"))
    with_store(demo_store, add_coordinator, reference)
    assert "STO 4.4" not in await booking_info()


async def test_bex_3_a_reason_not_invited_with_the_child_ticked_is_refused_beside_it(
        demo_store):
    """BEX 3: the form took a reason the child was not invited ("chose not to come") with
    "Invite the child" still y, and booked the child as invited beside it. Now the reason's
    line says so and nothing is booked; `n` on the child's line books it, the child not
    invited."""
    app = MeetingHost(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot)
        before = len(with_store(demo_store, booked))
        form = await booking_form(pilot)
        assert form.query_one("#child_invited").value  # school age: invited by default
        await type_text(pilot, "Family home")
        form.query_one("#chair").value = "Ann Chair"
        form.query_one("#chair_role").value = "senior practitioner"
        form.query_one("#not_invited_reason").focus()
        await type_text(pilot, "Chose not to come; her views are in her letter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and form.focused is form.query_one("#not_invited_reason")
        assert text_of(form, "#not_invited_reason-error").startswith(
            "BEX 3: a reason someone is not invited, but everyone is")
        assert len(with_store(demo_store, booked)) == before
        form.query_one("#child_invited").focus()
        await pilot.press("n")
        await settle(pilot)
        assert text_of(form, "#not_invited_reason-error") == ""
        await press_to(pilot, "ctrl+s", screen="ChildScreen")

    def newest(session, cid):
        row = session.exec(select(m.Meeting).where(m.Meeting.child_id == cid)
                           .order_by(m.Meeting.created_at.desc())).first()
        return row.child_invited, row.not_invited_reason
    assert with_store(demo_store, newest) == (
        False, "Chose not to come; her views are in her letter")
    assert len(with_store(demo_store, booked)) == before + 1


async def test_the_highlighted_meeting_says_who_booked_it_and_when(demo_store, cli):
    """The Meetings tab: under the table, the highlighted meeting's booking, "Booked by Olu
    Other on 7 Dec 2026": the worker the app writes as when the form books it (kept with
    the meeting: a worker's login on a team server may not read the audit trail). A
    meeting whose booker is not known (the demo's held ones) says "Booker not recorded"
    (it said nothing, which read as a meeting no one booked)."""
    from cintui.domain.calendar import england_time
    from cintui.domain.dates import day_words

    assert cli("worker", "add", "olu.other", "--name", "Olu Other", "--role",
               "social worker", "--db", demo_store).code == 0
    app = MeetingHost(demo_store)
    app.actor = "olu.other"
    async with app.run_test(size=SIZE) as pilot:
        await meetings_tab(pilot)
        form = await booking_form(pilot)
        await type_text(pilot, "Family home")
        form.query_one("#chair").value = "Ann Chair"
        form.query_one("#chair_role").value = "senior practitioner"
        await press_to(pilot, "ctrl+s", screen="ChildScreen")

        def newest(session, cid):
            return session.exec(select(m.Meeting).where(m.Meeting.child_id == cid)
                                .order_by(m.Meeting.created_at.desc())).first()
        row = with_store(demo_store, newest)
        assert row.booked_by == "Olu Other"
        screen = app.screen
        table = screen.query_one("#meetings-table", DataTable)
        booked_at = table.get_row_index(str(row.id))
        await meetings_tab(pilot, row.id)
        await settle(pilot)
        on = england_time(row.created_at).date()
        assert text_of(screen, "#meeting-detail") == f"Booked by Olu Other on {day_words(on)}"
        table.move_cursor(row=table.row_count - 1)  # the demo's initial meeting: held
        await settle(pilot)
        assert "held" in str(table.get_row_at(table.row_count - 1)[3])
        assert text_of(screen, "#meeting-detail") == "Booker not recorded"
        for _ in range(table.row_count - 1 - booked_at):  # up, key by key, to the booking
            await pilot.press("up")
        await settle(pilot)
        assert table.cursor_row == booked_at
        assert text_of(screen, "#meeting-detail") == f"Booked by Olu Other on {day_words(on)}"


async def test_wir_2_3_a_meeting_booked_from_the_summary_shows_the_meetings_and_says_so(
        demo_store):
    """A new team's Tuesday: the review booked from the record as it opens (the Summary
    tab, `m` offered on every tab), Ctrl+S. The form went and the Summary stood as it was,
    the booking nowhere in view at 80x24, not a word said. Now the Meetings tab shows it,
    and a notice says when and where, and that the papers go out before it (WIR 2.3)."""
    app = MeetingHost(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.active_tab == "summary"
        before = len(with_store(demo_store, booked))
        form = await booking_form(pilot)
        assert form.focused is form.query_one("#venue")
        await type_text(pilot, "Family home")
        await press_to(pilot, "ctrl+s", screen="ChildScreen")
        await until(pilot, lambda: app.screen.active_tab == "meetings")
        assert len(with_store(demo_store, booked)) == before + 1
        table = app.screen.query_one("#meetings-table", DataTable)
        await until(pilot, lambda: any("booked" in str(c) for r in range(table.row_count)
                                       for c in table.get_row_at(r)))
        said = " ".join(str(n.message) for n in app._notifications)
        assert "CIN review meeting booked for " in said and "(Family home)" in said, said
        assert "papers go out before it (P, WIR 2.3)" in said, said
